-- Cost budgets per caller (src/auth/budget): one row per bucket ("reads:token:<jti>",
-- "writes:address:192.0.2.1", …) with its GCRA theoretical arrival time in nanoseconds since the
-- Unix epoch; the budget is full again at `tat`. Shared by every instance over this database.
-- UNLOGGED: no WAL, so a charge (one per request) never waits for a disk flush and is not
-- replicated; after a crash the table is empty, which means every budget is full.
CREATE UNLOGGED TABLE rate_limit (
    bucket TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
