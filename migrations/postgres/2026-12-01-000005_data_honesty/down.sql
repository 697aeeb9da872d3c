-- Back to the old defaults: a qualifier or basis the source left open becomes EXACT / TOTAL again.
UPDATE observation SET qualifier = 'EXACT' WHERE qualifier IS NULL;
ALTER TABLE observation ALTER COLUMN qualifier SET DEFAULT 'EXACT', ALTER COLUMN qualifier SET NOT NULL;
UPDATE budget_line SET qualifier = 'EXACT' WHERE qualifier IS NULL;
UPDATE budget_line SET basis = 'TOTAL' WHERE basis IS NULL;
ALTER TABLE budget_line ALTER COLUMN qualifier SET DEFAULT 'EXACT', ALTER COLUMN qualifier SET NOT NULL,
    ALTER COLUMN basis SET DEFAULT 'TOTAL', ALTER COLUMN basis SET NOT NULL;
UPDATE funding SET qualifier = 'EXACT' WHERE qualifier IS NULL;
UPDATE funding SET basis = 'TOTAL' WHERE basis IS NULL;
ALTER TABLE funding ALTER COLUMN qualifier SET DEFAULT 'EXACT', ALTER COLUMN qualifier SET NOT NULL,
    ALTER COLUMN basis SET DEFAULT 'TOTAL', ALTER COLUMN basis SET NOT NULL;
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
