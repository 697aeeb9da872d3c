DROP TABLE idempotency_key;
DROP TABLE audit_event;
DROP TABLE api_token;
ALTER TABLE participation DROP COLUMN status;
