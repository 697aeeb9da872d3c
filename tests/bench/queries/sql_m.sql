-- (m) the region × year cross-table, fundingMatrix(rows: PROVINCE, columns: YEAR): the placement
-- of (b) (queries/sql_b.sql: the same rules, step by step), each placed part counted in its
-- funding's year: the award year, else its period's start year, else 0 (unknown). One full-scan
-- statement: the database's own ceiling for computing the cross-table per request. Rows: kind,
-- province code (regions only), year, cents, fundings; cells without a funding are left out.
WITH RECURSIVE ff AS (
  SELECT f0.*, coalesce(extract(year FROM f0.award_date), extract(year FROM f0.start_date), 0)::int AS yr
  FROM funding f0
), up AS (
  SELECT r.id, r.id AS anc, r.scheme, 0 AS depth FROM region r
  UNION ALL
  SELECT u.id, p.id, p.scheme, u.depth + 1 FROM up u JOIN region c ON c.id = u.anc JOIN region p ON p.id = c.parent_id
  WHERE u.scheme <> 'PROVINCE' AND u.depth < 32
), lvl AS (SELECT id, anc FROM up WHERE scheme = 'PROVINCE'),
fa AS (
  SELECT a.id, a.funding_id, a.region_id, a.share_basis_points AS s, f.amount_cents AS amt,
         bool_and(a.share_basis_points IS NOT NULL) OVER (PARTITION BY a.funding_id) AS all_shares
  FROM region_allocation a JOIN ff f ON f.id = a.funding_id
), parts AS (
  SELECT funding_id, region_id, amt * s / 10000 AS base,
         amt - sum(amt * s / 10000) OVER (PARTITION BY funding_id) AS leftover,
         row_number() OVER (PARTITION BY funding_id ORDER BY amt * s % 10000 DESC, id) AS rk
  FROM fa WHERE all_shares
), named AS (
  SELECT funding_id, region_id FROM fa WHERE NOT all_shares
  UNION ALL
  SELECT f.id, pr.region_id FROM ff f JOIN programme_region pr ON pr.programme_id = f.programme_id
  WHERE NOT EXISTS (SELECT 1 FROM region_allocation a WHERE a.funding_id = f.id)
), named_at AS (
  SELECT n.funding_id, count(*) - count(l.anc) AS missing, count(DISTINCT l.anc) AS k, min(l.anc) AS only_province
  FROM named n LEFT JOIN lvl l ON l.id = n.region_id GROUP BY n.funding_id
), placed AS (
  SELECT p.funding_id, CASE WHEN l.anc IS NULL THEN 'outsideLevel' ELSE 'region' END AS kind, l.anc AS province,
         p.base + (p.rk <= p.leftover)::int AS cents
  FROM parts p LEFT JOIN lvl l ON l.id = p.region_id
  UNION ALL
  SELECT na.funding_id, CASE WHEN na.missing > 0 THEN 'outsideLevel' WHEN na.k = 1 THEN 'region' ELSE 'unsplit' END,
         CASE WHEN na.missing = 0 AND na.k = 1 THEN na.only_province END, f.amount_cents
  FROM named_at na JOIN ff f ON f.id = na.funding_id
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
