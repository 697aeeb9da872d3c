-- The partner graph: regions, organisations, programmes, funding schemes, fundings and their sources.
-- Money is integer euro cents (BIGINT). Periods are start/end dates with a precision (YEAR, MONTH, DAY):
-- a start date is the first day of its year/month, an end date the last day.
-- Every row has created_at, updated_at (UTC) and version (optimistic concurrency).

CREATE TABLE region (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme TEXT NOT NULL CHECK (scheme IN ('LANDSDEEL', 'PROVINCE', 'SUBREGION', 'ARBEIDSMARKTREGIO')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    identifiers TEXT NOT NULL DEFAULT '[]',
    parent_id BIGINT REFERENCES region (id),
    note TEXT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (scheme, code)
);
CREATE INDEX region_parent_idx ON region (parent_id);
CREATE INDEX region_sort_idx ON region (sort_key, id);
CREATE INDEX region_updated_idx ON region (updated_at, id);

CREATE TABLE region_link (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region_id BIGINT NOT NULL REFERENCES region (id),
    linked_region_id BIGINT NOT NULL REFERENCES region (id),
    kind TEXT NOT NULL CHECK (kind IN ('ASSOCIATED', 'SAME_AS')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (region_id, linked_region_id, kind)
);
CREATE INDEX region_link_linked_idx ON region_link (linked_region_id);

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_name TEXT,
    kind TEXT NOT NULL,
    school_level TEXT,
    identifiers TEXT NOT NULL DEFAULT '[]',
    website TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX organisation_sort_idx ON organisation (sort_key, id);
CREATE INDEX organisation_updated_idx ON organisation (updated_at, id);

CREATE TABLE organisation_region (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    region_id BIGINT NOT NULL REFERENCES region (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, region_id)
);
CREATE INDEX organisation_region_region_idx ON organisation_region (region_id);

CREATE TABLE programme (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    theme TEXT,
    start_date DATE,
    start_precision TEXT,
    end_date DATE,
    end_precision TEXT,
    website TEXT,
    status TEXT,
    status_year INTEGER,
    owner_id BIGINT REFERENCES organisation (id),
    aliases TEXT NOT NULL DEFAULT '[]',
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX programme_sort_idx ON programme (sort_key, id);
CREATE INDEX programme_updated_idx ON programme (updated_at, id);
CREATE INDEX programme_owner_idx ON programme (owner_id);

CREATE TABLE programme_target_group (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    target_group TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme_id, target_group)
);
CREATE INDEX programme_target_group_group_idx ON programme_target_group (target_group);

CREATE TABLE programme_region (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    region_id BIGINT NOT NULL REFERENCES region (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme_id, region_id)
);
CREATE INDEX programme_region_region_idx ON programme_region (region_id);

CREATE TABLE participation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    role TEXT NOT NULL CHECK (role IN ('LEAD', 'PARTNER', 'FUNDER', 'IMPLEMENTER', 'PARTICIPANT')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme_id, organisation_id, role)
);
CREATE INDEX participation_organisation_idx ON participation (organisation_id);

CREATE TABLE funding_scheme (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    funder_id BIGINT REFERENCES organisation (id),
    administrator_id BIGINT REFERENCES organisation (id),
    legal_basis TEXT,
    url TEXT,
    start_date DATE,
    start_precision TEXT,
    end_date DATE,
    end_precision TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX funding_scheme_sort_idx ON funding_scheme (sort_key, id);
CREATE INDEX funding_scheme_updated_idx ON funding_scheme (updated_at, id);

CREATE TABLE budget_line (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id BIGINT NOT NULL REFERENCES funding_scheme (id),
    start_date DATE,
    start_precision TEXT,
    end_date DATE,
    end_precision TEXT,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    qualifier TEXT NOT NULL DEFAULT 'EXACT',
    basis TEXT NOT NULL DEFAULT 'TOTAL',
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX budget_line_scheme_idx ON budget_line (scheme_id);

CREATE TABLE funding (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    scheme_id BIGINT REFERENCES funding_scheme (id),
    funder_id BIGINT REFERENCES organisation (id),
    programme_id BIGINT REFERENCES programme (id),
    recipient_id BIGINT REFERENCES organisation (id),
    start_date DATE,
    start_precision TEXT,
    end_date DATE,
    end_precision TEXT,
    award_date DATE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    co_financing_cents BIGINT CHECK (co_financing_cents >= 0),
    qualifier TEXT NOT NULL DEFAULT 'EXACT',
    basis TEXT NOT NULL DEFAULT 'TOTAL',
    status TEXT,
    note TEXT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (scheme_id IS NOT NULL OR funder_id IS NOT NULL)
);
CREATE INDEX funding_scheme_id_idx ON funding (scheme_id);
CREATE INDEX funding_funder_idx ON funding (funder_id);
CREATE INDEX funding_programme_idx ON funding (programme_id);
CREATE INDEX funding_recipient_idx ON funding (recipient_id);
CREATE INDEX funding_sort_idx ON funding (sort_key, id);
CREATE INDEX funding_updated_idx ON funding (updated_at, id);

CREATE TABLE region_allocation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    funding_id BIGINT NOT NULL REFERENCES funding (id),
    region_id BIGINT NOT NULL REFERENCES region (id),
    share_basis_points INTEGER CHECK (share_basis_points BETWEEN 1 AND 10000),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (funding_id, region_id)
);
CREATE INDEX region_allocation_region_idx ON region_allocation (region_id);

-- Where a record comes from: a document line range, or a partner submission (organisation + audit event).
CREATE TABLE source (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    document TEXT,
    line_start INTEGER,
    line_end INTEGER,
    organisation_id BIGINT REFERENCES organisation (id),
    audit_event_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (document IS NOT NULL OR organisation_id IS NOT NULL)
);
CREATE INDEX source_entity_idx ON source (entity_type, entity_id);

-- What the data loader wrote: per record its natural key, the row it became, the hash of the data-file
-- record and the row version the loader left, so a later load can tell API edits from its own.
CREATE TABLE dataset_record (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (entity_type, natural_key)
);

CREATE TABLE dataset_meta (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
