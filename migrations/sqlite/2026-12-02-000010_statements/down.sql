-- Statements go with their tables: what the loader kept of them and their sources too.
DELETE FROM dataset_record WHERE entity_type = 'statement';
DELETE FROM source WHERE entity_type = 'statement';
UPDATE dataset_meta SET value = '' WHERE name = 'data_hash';
DROP TABLE statement_record;
DROP TABLE statement;
