-- Funding per region (Funding per region 1/4): derived tables the database keeps, written in the same
-- transaction as every change that moves a figure (src/placement). Nothing here is a source: each
-- table can be rebuilt from funding, region_allocation, programme_region and region.

-- Each region's ancestor-or-self at each level (one row per region and level it has one at).
CREATE TABLE region_level (
    region_id BIGINT NOT NULL,
    level TEXT NOT NULL,
    at_level_id BIGINT NOT NULL,
    PRIMARY KEY (region_id, level)
);

-- Where each funding's amount counts at each level: one row per (funding, level, bucket, region).
-- bucket: REGION (region_id names it), UNSPLIT, OUTSIDE_LEVEL, UNALLOCATED (region_id 0);
-- placed_by: SHARES, ALLOCATIONS, PROGRAMME, NONE. scheme_id, programme_id 0 = none; year 0 = unknown
-- (the funding's award year, else its period's start year). co_financing_cents is the funding's
-- co-financing placed the same way (0 and co_financing_known 0 when the funding states none). The
-- funding's own columns are copied so that old rows can be taken out of the totals after it changed.
CREATE TABLE funding_placement (
    funding_id BIGINT NOT NULL,
    level TEXT NOT NULL,
    bucket TEXT NOT NULL,
    region_id BIGINT NOT NULL,
    cents BIGINT NOT NULL,
    co_financing_cents BIGINT NOT NULL,
    co_financing_known INTEGER NOT NULL,
    placed_by TEXT NOT NULL,
    scheme_id BIGINT NOT NULL,
    programme_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    PRIMARY KEY (funding_id, level, bucket, region_id)
);
CREATE INDEX funding_placement_region_idx ON funding_placement (region_id, bucket, placed_by, funding_id);
CREATE INDEX funding_placement_bucket_idx ON funding_placement (level, bucket, placed_by, funding_id);
CREATE INDEX funding_placement_programme_idx ON funding_placement (programme_id);

-- Sums of funding_placement per (level, bucket, region, scheme, year, how placed); co_financing_missing
-- counts the fundings without a co-financing figure. Writers append signed rows (no key, so they never
-- wait on each other's row); readers add them up; `placement::compact` folds them to one row per key.
CREATE TABLE funding_region_total (
    id BIGSERIAL PRIMARY KEY,
    level TEXT NOT NULL,
    bucket TEXT NOT NULL,
    region_id BIGINT NOT NULL,
    scheme_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    placed_by TEXT NOT NULL,
    cents BIGINT NOT NULL,
    co_financing_cents BIGINT NOT NULL,
    funding_count BIGINT NOT NULL,
    co_financing_missing BIGINT NOT NULL
);
CREATE INDEX funding_region_total_idx ON funding_region_total (level, scheme_id, year);

-- Sums per (level, region, scheme, how placed, programme), for counting a region's programmes and
-- totalling per programme kind or target group; scheme_id -1 holds the sums over every scheme.
CREATE TABLE funding_region_programme (
    id BIGSERIAL PRIMARY KEY,
    level TEXT NOT NULL,
    region_id BIGINT NOT NULL,
    scheme_id BIGINT NOT NULL,
    placed_by TEXT NOT NULL,
    programme_id BIGINT NOT NULL,
    cents BIGINT NOT NULL,
    co_financing_cents BIGINT NOT NULL,
    funding_count BIGINT NOT NULL,
    co_financing_missing BIGINT NOT NULL
);
CREATE INDEX funding_region_programme_idx ON funding_region_programme (level, scheme_id, region_id, programme_id);
