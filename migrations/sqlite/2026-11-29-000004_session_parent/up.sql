-- A session token records the token it was exchanged from, so revoking that one revokes it too.
ALTER TABLE api_token ADD COLUMN parent_jti TEXT;
