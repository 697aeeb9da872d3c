-- Cost budgets per caller (src/auth/budget): the same layout as on PostgreSQL. On SQLite the
-- service keeps the budgets in memory (one process; a write per request would queue every request
-- for SQLite's one write lock), so this table stays empty.
CREATE TABLE rate_limit (
    bucket TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
