-- The pact's model 3/3: what the documents say ought to be, is the matter, works or is planned
-- (findings, recommendations, aims, success factors, plans), with the records they are about and
-- those the documents name as saying them.

CREATE TABLE statement (
    id BIGSERIAL PRIMARY KEY,
    natural_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    phrase TEXT NOT NULL,
    topic TEXT,
    date_start DATE,
    date_end DATE,
    date_precision TEXT,
    note TEXT,
    search_text TEXT NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((date_start IS NULL) = (date_precision IS NULL))
);
CREATE INDEX statement_sort_idx ON statement (sort_key, id);
CREATE INDEX statement_kind_idx ON statement (kind, sort_key, id);

CREATE TABLE statement_record (
    id BIGSERIAL PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES statement (id),
    role TEXT NOT NULL CHECK (role IN ('ABOUT', 'STATED_BY')),
    record_type TEXT NOT NULL CHECK (record_type IN ('programme', 'organisation', 'funding_scheme')),
    record_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (statement_id, role, record_type, record_id)
);
CREATE INDEX statement_record_record_idx ON statement_record (record_type, record_id);

-- Statements come with the next load of the data set.
UPDATE dataset_meta SET value = '' WHERE name = 'data_hash';
