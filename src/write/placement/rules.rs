//! The placement rules as one SQL statement on both backends (the rules are in the module doc of
//! `crate::write::placement` and README "Funding per region").

use crate::vocab::RegionScheme;

/// `WITH …, new_rows AS (…)`: the placement rows of the fundings matching `funding_pred` (on alias
/// `f`), computed from the records as they are now, in the columns of [`PLACEMENT_COLUMNS`].
pub(super) fn new_rows(pg: bool, funding_pred: &str) -> String {
    let year = crate::period::funding_year_sql(pg, "f");
    let levels = RegionScheme::ALL.iter().map(|(_, text, _, _)| format!("('{text}')")).collect::<Vec<_>>().join(", ");
    format!(
        "WITH fs AS (
             SELECT f.id, f.amount_cents AS amount, COALESCE(f.co_financing_cents, 0) AS co,
                    CASE WHEN f.co_financing_cents IS NULL THEN 0 ELSE 1 END AS co_known,
                    COALESCE(f.scheme_id, 0) AS scheme_id,
                    COALESCE(f.programme_id, 0) AS programme_id, {year} AS year,
                    (SELECT COUNT(*) FROM region_allocation a WHERE a.funding_id = f.id) AS n_alloc,
                    (SELECT COUNT(a.share_basis_points) FROM region_allocation a WHERE a.funding_id = f.id) AS n_shared
             FROM funding f WHERE {funding_pred}
         ), lv (level) AS (VALUES {levels}),
         parts AS (
             SELECT fs.id AS funding_id, a.id AS allocation_id, a.region_id, fs.amount, fs.co,
                    fs.amount * a.share_basis_points / 10000 AS base,
                    (fs.amount * a.share_basis_points) % 10000 AS remainder,
                    fs.co * a.share_basis_points / 10000 AS co_base,
                    (fs.co * a.share_basis_points) % 10000 AS co_remainder
             FROM fs JOIN region_allocation a ON a.funding_id = fs.id
             WHERE fs.n_alloc > 0 AND fs.n_shared = fs.n_alloc
         ), split AS (
             SELECT funding_id, region_id,
                    base + CASE WHEN ROW_NUMBER() OVER (PARTITION BY funding_id ORDER BY remainder DESC, allocation_id)
                                     <= amount - SUM(base) OVER (PARTITION BY funding_id) THEN 1 ELSE 0 END AS cents,
                    co_base + CASE WHEN ROW_NUMBER() OVER (PARTITION BY funding_id ORDER BY co_remainder DESC, allocation_id)
                                     <= co - SUM(co_base) OVER (PARTITION BY funding_id) THEN 1 ELSE 0 END AS co_cents
             FROM parts
         ), named AS (
             SELECT fs.id AS funding_id, a.region_id, 'ALLOCATIONS' AS placed_by
             FROM fs JOIN region_allocation a ON a.funding_id = fs.id WHERE fs.n_shared < fs.n_alloc
             UNION ALL
             SELECT fs.id, pr.region_id, 'PROGRAMME' FROM fs JOIN programme_region pr ON pr.programme_id = fs.programme_id
             WHERE fs.n_alloc = 0
         ), named_at AS (
             SELECT n.funding_id, n.placed_by, lv.level, COUNT(*) - COUNT(rl.at_level_id) AS missing,
                    COUNT(DISTINCT rl.at_level_id) AS regions, MIN(rl.at_level_id) AS only_region
             FROM named n CROSS JOIN lv
             LEFT JOIN region_level rl ON rl.region_id = n.region_id AND rl.level = lv.level
             GROUP BY n.funding_id, n.placed_by, lv.level
         ), placed AS (
             SELECT s.funding_id, lv.level,
                    CASE WHEN rl.at_level_id IS NULL THEN 'OUTSIDE_LEVEL' ELSE 'REGION' END AS bucket,
                    COALESCE(rl.at_level_id, 0) AS region_id, s.cents, s.co_cents, 'SHARES' AS placed_by
             FROM split s JOIN fs ON fs.id = s.funding_id CROSS JOIN lv
             LEFT JOIN region_level rl ON rl.region_id = s.region_id AND rl.level = lv.level
             -- A part of no cent places nothing (unless the whole funding is zero).
             WHERE s.cents <> 0 OR s.co_cents <> 0 OR (fs.amount = 0 AND fs.co = 0)
             UNION ALL
             SELECT na.funding_id, na.level,
                    CASE WHEN na.missing > 0 THEN 'OUTSIDE_LEVEL' WHEN na.regions = 1 THEN 'REGION' ELSE 'UNSPLIT' END,
                    CASE WHEN na.missing = 0 AND na.regions = 1 THEN na.only_region ELSE 0 END, fs.amount, fs.co,
                    na.placed_by
             FROM named_at na JOIN fs ON fs.id = na.funding_id
             UNION ALL
             SELECT fs.id, lv.level, 'UNALLOCATED', 0, fs.amount, fs.co, 'NONE' FROM fs CROSS JOIN lv
             WHERE fs.n_alloc = 0
               AND NOT EXISTS (SELECT 1 FROM programme_region pr WHERE pr.programme_id = fs.programme_id)
         ), new_rows AS (
             SELECT p.funding_id, p.level, p.bucket, p.region_id, CAST(SUM(p.cents) AS BIGINT) AS cents,
                    CAST(SUM(p.co_cents) AS BIGINT) AS co_financing_cents, fs.co_known AS co_financing_known,
                    p.placed_by, fs.scheme_id, fs.programme_id, fs.year
             FROM placed p JOIN fs ON fs.id = p.funding_id
             GROUP BY p.funding_id, p.level, p.bucket, p.region_id, p.placed_by, fs.co_known, fs.scheme_id,
                      fs.programme_id, fs.year
         )"
    )
}
