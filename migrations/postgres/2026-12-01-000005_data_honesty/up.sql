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
-- Qualifier and basis are null where the source does not say: no defaults.
ALTER TABLE funding ALTER COLUMN qualifier DROP NOT NULL, ALTER COLUMN qualifier DROP DEFAULT,
    ALTER COLUMN basis DROP NOT NULL, ALTER COLUMN basis DROP DEFAULT;
ALTER TABLE budget_line ALTER COLUMN qualifier DROP NOT NULL, ALTER COLUMN qualifier DROP DEFAULT,
    ALTER COLUMN basis DROP NOT NULL, ALTER COLUMN basis DROP DEFAULT;
ALTER TABLE observation ALTER COLUMN qualifier DROP NOT NULL, ALTER COLUMN qualifier DROP DEFAULT;
-- The rows no longer hold what the loader would write from the data set: make the next load rewrite
-- every loaded record (records changed through the API since are still kept, by their version).
UPDATE dataset_record SET content_hash = '';
UPDATE dataset_meta SET value = '' WHERE name = 'data_hash';
