-- Data honesty: a field says only what a source says.
-- Notes on organisations, programmes and schemes (regions, fundings and observations had them).
ALTER TABLE organisation ADD COLUMN note TEXT;
ALTER TABLE programme ADD COLUMN note TEXT;
ALTER TABLE funding_scheme ADD COLUMN note TEXT;
-- A status the data's authors derived (not stated by the report) is marked, with the reasoning.
ALTER TABLE programme ADD COLUMN status_inferred BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE programme ADD COLUMN status_note TEXT;
-- Award dates keep the source's precision (YEAR, MONTH, DAY); dates written so far were days.
ALTER TABLE funding ADD COLUMN award_precision TEXT;
UPDATE funding SET award_precision = 'DAY' WHERE award_date IS NOT NULL;
-- Qualifier and basis are null where the source does not say: no defaults. SQLite cannot drop a
-- NOT NULL constraint, so each column is replaced by a nullable one with the same values (no
-- table is rebuilt, so the foreign keys pointing at funding stay untouched).
ALTER TABLE funding ADD COLUMN qualifier_new TEXT;
ALTER TABLE funding ADD COLUMN basis_new TEXT;
UPDATE funding SET qualifier_new = qualifier, basis_new = basis;
ALTER TABLE funding DROP COLUMN qualifier;
ALTER TABLE funding DROP COLUMN basis;
ALTER TABLE funding RENAME COLUMN qualifier_new TO qualifier;
ALTER TABLE funding RENAME COLUMN basis_new TO basis;
ALTER TABLE budget_line ADD COLUMN qualifier_new TEXT;
ALTER TABLE budget_line ADD COLUMN basis_new TEXT;
UPDATE budget_line SET qualifier_new = qualifier, basis_new = basis;
ALTER TABLE budget_line DROP COLUMN qualifier;
ALTER TABLE budget_line DROP COLUMN basis;
ALTER TABLE budget_line RENAME COLUMN qualifier_new TO qualifier;
ALTER TABLE budget_line RENAME COLUMN basis_new TO basis;
ALTER TABLE observation ADD COLUMN qualifier_new TEXT;
UPDATE observation SET qualifier_new = qualifier;
ALTER TABLE observation DROP COLUMN qualifier;
ALTER TABLE observation RENAME COLUMN qualifier_new TO qualifier;
-- The rows no longer hold what the loader would write from the data set: make the next load rewrite
-- every loaded record (records changed through the API since are still kept, by their version).
UPDATE dataset_record SET content_hash = '';
UPDATE dataset_meta SET value = '' WHERE name = 'data_hash';
