-- Back to the old defaults: a qualifier or basis the source left open becomes EXACT / TOTAL again.
ALTER TABLE observation ADD COLUMN qualifier_old TEXT NOT NULL DEFAULT 'EXACT';
UPDATE observation SET qualifier_old = COALESCE(qualifier, 'EXACT');
ALTER TABLE observation DROP COLUMN qualifier;
ALTER TABLE observation RENAME COLUMN qualifier_old TO qualifier;
ALTER TABLE budget_line ADD COLUMN qualifier_old TEXT NOT NULL DEFAULT 'EXACT';
ALTER TABLE budget_line ADD COLUMN basis_old TEXT NOT NULL DEFAULT 'TOTAL';
UPDATE budget_line SET qualifier_old = COALESCE(qualifier, 'EXACT'), basis_old = COALESCE(basis, 'TOTAL');
ALTER TABLE budget_line DROP COLUMN qualifier;
ALTER TABLE budget_line DROP COLUMN basis;
ALTER TABLE budget_line RENAME COLUMN qualifier_old TO qualifier;
ALTER TABLE budget_line RENAME COLUMN basis_old TO basis;
ALTER TABLE funding ADD COLUMN qualifier_old TEXT NOT NULL DEFAULT 'EXACT';
ALTER TABLE funding ADD COLUMN basis_old TEXT NOT NULL DEFAULT 'TOTAL';
UPDATE funding SET qualifier_old = COALESCE(qualifier, 'EXACT'), basis_old = COALESCE(basis, 'TOTAL');
ALTER TABLE funding DROP COLUMN qualifier;
ALTER TABLE funding DROP COLUMN basis;
ALTER TABLE funding RENAME COLUMN qualifier_old TO qualifier;
ALTER TABLE funding RENAME COLUMN basis_old TO basis;
ALTER TABLE funding DROP COLUMN award_precision;
ALTER TABLE programme DROP COLUMN status_note;
ALTER TABLE programme DROP COLUMN status_inferred;
ALTER TABLE funding_scheme DROP COLUMN note;
ALTER TABLE programme DROP COLUMN note;
ALTER TABLE organisation DROP COLUMN note;
-- The rows no longer hold what the loader would write from the data set: make the next load rewrite
-- every loaded record (records changed through the API since are still kept, by their version).
UPDATE dataset_record SET content_hash = '';
UPDATE dataset_meta SET value = '' WHERE name = 'data_hash';
