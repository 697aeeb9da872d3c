-- (m) the region × year cross-table, fundingMatrix(rows: PROVINCE, columns: YEAR): run.sh builds
-- the statement from queries/sql_b.sql (the placement rules, step by step) with each funding's year
-- added to its rows (the award year, else its period's start year, else 0 = unknown) and this
-- ending, which counts each placed part in its funding's year. One full-scan statement: the
-- database's own ceiling for computing the cross-table per request. Rows: kind, province code
-- (regions only), year, cents, fundings; cells without a funding are left out.
), py AS (
  SELECT x.*, f.yr FROM placed x JOIN ff f ON f.id = x.funding_id
)
SELECT 'region' AS kind, r.code, py.yr, sum(py.cents) AS cents, count(DISTINCT py.funding_id) AS fundings
FROM region r JOIN py ON py.province = r.id AND py.kind = 'region' WHERE r.scheme = 'PROVINCE' GROUP BY r.code, py.yr
UNION ALL
SELECT kind, NULL, yr, sum(cents), count(DISTINCT funding_id) FROM py WHERE kind <> 'region' GROUP BY kind, yr
UNION ALL
SELECT 'unallocated', NULL, f.yr, sum(f.amount_cents), count(*) FROM ff f
WHERE NOT EXISTS (SELECT 1 FROM placed p WHERE p.funding_id = f.id) GROUP BY f.yr;
