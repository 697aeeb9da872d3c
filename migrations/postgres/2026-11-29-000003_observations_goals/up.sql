-- Dated observations (counts and figures that change from report to report) and the pact's goals
-- and themes, linked to the programmes that serve them.

CREATE TABLE observation (
    id BIGSERIAL PRIMARY KEY,
    natural_key TEXT NOT NULL UNIQUE,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('pact', 'programme', 'organisation', 'funding_scheme', 'region')),
    subject_id BIGINT,
    metric TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN ('COUNT', 'EUR', 'PERCENT')),
    qualifier TEXT NOT NULL DEFAULT 'EXACT',
    observed_on DATE,
    observed_precision TEXT,
    report_year INTEGER,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((subject_type = 'pact') = (subject_id IS NULL))
);
CREATE INDEX observation_subject_idx ON observation (subject_type, subject_id, metric);

CREATE TABLE pact_goal (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('GOAL', 'THEME')),
    name TEXT NOT NULL,
    description TEXT,
    report_year INTEGER,
    sort_key TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE programme_goal (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    goal_id BIGINT NOT NULL REFERENCES pact_goal (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme_id, goal_id)
);
CREATE INDEX programme_goal_goal_idx ON programme_goal (goal_id);
