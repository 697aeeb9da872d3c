ALTER TABLE api_token DROP COLUMN parent_jti;
