-- Partner write access: issued tokens (never the token itself), the audit trail, idempotency keys,
-- and proposed participations.

ALTER TABLE participation ADD COLUMN status TEXT NOT NULL DEFAULT 'ACCEPTED' CHECK (status IN ('ACCEPTED', 'PROPOSED'));

CREATE TABLE api_token (
    id BIGSERIAL PRIMARY KEY,
    jti TEXT NOT NULL UNIQUE,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    scopes TEXT NOT NULL,
    label TEXT,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX api_token_organisation_idx ON api_token (organisation_id);

-- Append-only: no code path updates or deletes these rows.
CREATE TABLE audit_event (
    id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    organisation_id BIGINT REFERENCES organisation (id),
    token_jti TEXT,
    mutation TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    owner_organisation_id BIGINT REFERENCES organisation (id),
    changes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id);
CREATE INDEX audit_event_organisation_idx ON audit_event (organisation_id);
CREATE INDEX audit_event_owner_idx ON audit_event (owner_organisation_id);

CREATE TABLE idempotency_key (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    key TEXT NOT NULL,
    mutation TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, key)
);
