-- The pact's model 1/3: relations between records, dated events tied to records, people in public
-- roles, listed items on records; descriptions for organisations and schemes; participations get
-- periods. Records are named by (record type as `source.entity_type` stores it, row id).

ALTER TABLE organisation ADD COLUMN description TEXT;
ALTER TABLE funding_scheme ADD COLUMN description TEXT;
ALTER TABLE participation ADD COLUMN start_date DATE;
ALTER TABLE participation ADD COLUMN start_precision TEXT;
ALTER TABLE participation ADD COLUMN end_date DATE;
ALTER TABLE participation ADD COLUMN end_precision TEXT;

CREATE TABLE relation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    natural_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('programme', 'organisation', 'funding_scheme')),
    subject_id BIGINT NOT NULL,
    object_type TEXT NOT NULL CHECK (object_type IN ('programme', 'organisation', 'funding_scheme')),
    object_id BIGINT NOT NULL,
    start_date DATE,
    start_precision TEXT,
    end_date DATE,
    end_precision TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX relation_subject_idx ON relation (subject_type, subject_id);
CREATE INDEX relation_object_idx ON relation (object_type, object_id);

CREATE TABLE event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    natural_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    event_date DATE NOT NULL,
    event_date_end DATE NOT NULL,
    event_precision TEXT NOT NULL,
    description TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX event_sort_idx ON event (sort_key, id);
CREATE INDEX event_updated_idx ON event (updated_at, id);

CREATE TABLE event_record (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id BIGINT NOT NULL REFERENCES event (id),
    record_type TEXT NOT NULL CHECK (record_type IN ('programme', 'organisation', 'funding_scheme')),
    record_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (event_id, record_type, record_id)
);
CREATE INDEX event_record_record_idx ON event_record (record_type, record_id);

CREATE TABLE person (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    note TEXT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX person_sort_idx ON person (sort_key, id);
CREATE INDEX person_updated_idx ON person (updated_at, id);

CREATE TABLE person_role (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id BIGINT NOT NULL REFERENCES person (id),
    title TEXT NOT NULL,
    record_type TEXT CHECK (record_type IN ('programme', 'organisation')),
    record_id BIGINT,
    start_date DATE,
    start_precision TEXT,
    end_date DATE,
    end_precision TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((record_type IS NULL) = (record_id IS NULL))
);
CREATE INDEX person_role_person_idx ON person_role (person_id);
CREATE INDEX person_role_record_idx ON person_role (record_type, record_id);

CREATE TABLE listed_item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    natural_key TEXT NOT NULL UNIQUE,
    record_type TEXT NOT NULL CHECK (record_type IN ('programme', 'organisation', 'funding_scheme')),
    record_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    code TEXT,
    position INTEGER NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX listed_item_record_idx ON listed_item (record_type, record_id, kind, position);

-- Records loaded before now get descriptions and participation periods from the next load.
UPDATE dataset_record SET content_hash = '';
UPDATE dataset_meta SET value = '' WHERE name = 'data_hash';
