//! Where each funding's amount counts per region, kept by the database: the placement rows
//! (`funding_placement`, funding × level → region, cents, how placed) and the totals over them
//! (`funding_region_total`, `funding_region_programme`), written in the same transaction as every
//! change that moves a figure. The rules (README "Funding per region"), at a level L:
//!
//! 1. A funding whose allocations all carry shares is split to the cent (largest remainder, ties to
//!    the earlier allocation); each part counts for its region's ancestor-or-self at L, or is
//!    outside the level where that region has none (`SHARES`). A part of no cent (amount and
//!    co-financing) places nothing.
//! 2. Otherwise the regions it names: its own allocations (`ALLOCATIONS`), else its programme's
//!    regions (`PROGRAMME`). If any has no ancestor-or-self at L the whole amount is outside the
//!    level; if all fall in one region at L it counts there; else it is unsplit.
//! 3. Nothing to place by: unallocated (`NONE`).
//!
//! Placement never follows `sameAs` links nor the recipient's home regions. Every statement here runs
//! in the database (nothing per funding is read into Rust); `refresh` is called inside the caller's
//! write transaction.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::AppError;
use crate::vocab::RegionScheme;

/// Which fundings' placement to recompute.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// These fundings, just created in this transaction (they have no placement yet).
    Created(&'a [i64]),
    /// These fundings (changed or deleted).
    Fundings(&'a [i64]),
    /// Every funding of this programme (its regions changed).
    Programme(i64),
    /// Fundings with ids in this range, both ends included, just created (a generator's batch).
    CreatedRange(i64, i64),
}

/// How many funding ids one statement names.
const IDS_PER_STATEMENT: usize = 500;

/// Recomputes the placement of the fundings in `scope` and moves the totals by the difference.
/// Figures of fundings outside the scope are untouched.
///
/// # Errors
/// A database error.
pub fn refresh(conn: &mut DbConn, scope: Scope<'_>) -> Result<(), AppError> {
    let list = |chunk: &[i64]| chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    match scope {
        Scope::Created(ids) => {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                let list = list(chunk);
                place_new(conn, &format!("f.id IN ({list})"), &format!("funding_id IN ({list})"))?;
            }
            Ok(())
        }
        Scope::Fundings(ids) => {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                let list = list(chunk);
                refresh_where(conn, &format!("f.id IN ({list})"), &format!("funding_id IN ({list})"))?;
            }
            Ok(())
        }
        Scope::Programme(id) => refresh_where(conn, &format!("f.programme_id = {id}"), &format!("programme_id = {id}")),
        Scope::CreatedRange(lo, hi) => {
            place_new(conn, &format!("f.id BETWEEN {lo} AND {hi}"), &format!("funding_id BETWEEN {lo} AND {hi}"))
        }
    }
}

/// Rebuilds every derived table from the records (after a data load, or when a database predates
/// them).
///
/// # Errors
/// A database error.
pub fn rebuild(conn: &mut DbConn) -> Result<(), AppError> {
    rebuild_region_levels(conn)?;
    if is_pg(conn) {
        // Writers wait until the rebuild commits (in their order: totals, then placement).
        conn.batch_execute(
            "LOCK TABLE funding_region_total, funding_region_programme, funding_placement IN EXCLUSIVE MODE",
        )?;
    }
    conn.batch_execute(
        "DELETE FROM funding_placement; DELETE FROM funding_region_total; DELETE FROM funding_region_programme;",
    )?;
    let pg = is_pg(conn);
    let new = new_rows(pg, "1 = 1");
    diesel::sql_query(format!("{new} INSERT INTO funding_placement ({PLACEMENT_COLUMNS}) SELECT * FROM new_rows"))
        .execute(conn)?;
    add_to_totals(conn, &format!("SELECT {} FROM funding_placement", signed_columns("")))?;
    Ok(())
}

/// Rebuilds the table of each region's ancestor-or-self per level; the caller refreshes the
/// fundings whose regions moved.
///
/// # Errors
/// A database error.
pub fn rebuild_region_levels(conn: &mut DbConn) -> Result<(), AppError> {
    if is_pg(conn) {
        // One rebuild at a time; the statements after the lock read what an earlier one committed.
        conn.batch_execute("LOCK TABLE region_level IN EXCLUSIVE MODE")?;
    }
    conn.batch_execute(
        "DELETE FROM region_level;
         WITH RECURSIVE up (region_id, ancestor_id, depth) AS (
             SELECT id, id, 0 FROM region
             UNION ALL
             SELECT up.region_id, r.parent_id, up.depth + 1 FROM up JOIN region r ON r.id = up.ancestor_id
             WHERE r.parent_id IS NOT NULL AND up.depth < 64
         ), placed AS (
             SELECT up.region_id, a.scheme, up.ancestor_id, up.depth FROM up JOIN region a ON a.id = up.ancestor_id
         )
         INSERT INTO region_level (region_id, level, at_level_id)
         SELECT p.region_id, p.scheme, p.ancestor_id FROM placed p
         WHERE p.depth = (SELECT MIN(q.depth) FROM placed q WHERE q.region_id = p.region_id AND q.scheme = p.scheme);",
    )?;
    Ok(())
}

/// True when fundings exist but no placement does, or regions but no levels (a database from before
/// the placement tables).
///
/// # Errors
/// A database error.
pub fn needs_rebuild(conn: &mut DbConn) -> Result<bool, AppError> {
    #[derive(QueryableByName)]
    struct Flag {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        missing: i32,
    }
    let flag: Flag = diesel::sql_query(
        "SELECT CASE WHEN (EXISTS (SELECT 1 FROM funding) AND NOT EXISTS (SELECT 1 FROM funding_placement)) \
           OR (EXISTS (SELECT 1 FROM region) AND NOT EXISTS (SELECT 1 FROM region_level)) \
         THEN 1 ELSE 0 END AS missing",
    )
    .get_result(conn)?;
    Ok(flag.missing == 1)
}

/// PostgreSQL: the tables' locks in one order for every writer (totals, then placement), the order
/// `rebuild` takes them in, so a writer and a rebuild never deadlock (writers do not block each
/// other: these modes share).
fn lock_for_writing(conn: &mut DbConn) -> Result<(), AppError> {
    if is_pg(conn) {
        conn.batch_execute(
            "LOCK TABLE funding_region_total, funding_region_programme, funding_placement IN ROW EXCLUSIVE MODE",
        )?;
    }
    Ok(())
}

/// PostgreSQL: locks the programmes a funding write depends on (their regions place it), shared by
/// funding writers and taken exclusively by a change of a programme's regions, before any funding
/// row is locked; so a funding created in or moved into a programme and a change of that
/// programme's regions happen one after the other, and the later one reads what the earlier
/// committed. (SQLite has one writer at a time.)
///
/// # Errors
/// A database error.
pub fn lock_programmes(conn: &mut DbConn, ids: &[i64], exclusive: bool) -> Result<(), AppError> {
    if !is_pg(conn) || ids.is_empty() {
        return Ok(());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let mode = if exclusive { "UPDATE" } else { "SHARE" };
    conn.batch_execute(&format!("SELECT id FROM programme WHERE id IN ({list}) ORDER BY id FOR {mode}"))?;
    Ok(())
}

fn is_pg(conn: &DbConn) -> bool {
    matches!(conn, DbConn::Pg(_))
}

const PLACEMENT_COLUMNS: &str = "funding_id, level, bucket, region_id, cents, co_financing_cents, co_financing_known, \
                                 placed_by, scheme_id, programme_id, year";

/// The placement columns the totals add up, with a sign (`-` to take rows out).
fn signed_columns(sign: &str) -> String {
    format!(
        "level, bucket, region_id, scheme_id, year, placed_by, programme_id, {sign}cents AS cents, \
         {sign}co_financing_cents AS co_financing_cents, {sign}1 AS funding_count, \
         {sign}(1 - co_financing_known) AS co_financing_missing"
    )
}

/// Takes the old rows of the scope out of the totals, replaces the placement rows, and puts the new
/// ones in. The totals are appended to, never updated in place: concurrent writers of the same
/// region and scheme add rows of their own instead of queueing on one row (see [`compact`]).
fn refresh_where(conn: &mut DbConn, funding_pred: &str, placement_pred: &str) -> Result<(), AppError> {
    let pg = is_pg(conn);
    lock_for_writing(conn)?;
    if pg {
        // Two writers refreshing the same funding (a programme's regions and one of its fundings)
        // would each replace its rows from their own snapshot: lock the fundings first, so the
        // second waits and then reads what the first committed. (SQLite has one writer at a time.)
        conn.batch_execute(&format!("SELECT f.id FROM funding f WHERE {funding_pred} ORDER BY f.id FOR UPDATE"))?;
    }
    add_to_totals(conn, &format!("SELECT {} FROM funding_placement WHERE {placement_pred}", signed_columns("-")))?;
    diesel::sql_query(format!("DELETE FROM funding_placement WHERE {placement_pred}")).execute(conn)?;
    place_new(conn, funding_pred, placement_pred)
}

/// Writes the placement rows of fundings that have none and adds them to the totals.
fn place_new(conn: &mut DbConn, funding_pred: &str, placement_pred: &str) -> Result<(), AppError> {
    lock_for_writing(conn)?;
    let new = new_rows(is_pg(conn), funding_pred);
    diesel::sql_query(format!("{new} INSERT INTO funding_placement ({PLACEMENT_COLUMNS}) SELECT * FROM new_rows"))
        .execute(conn)?;
    add_to_totals(conn, &format!("SELECT {} FROM funding_placement WHERE {placement_pred}", signed_columns("")))
}

/// The key columns of each totals table.
const TOTAL_KEY: &str = "level, bucket, region_id, scheme_id, year, placed_by";
const PROGRAMME_KEY: &str = "level, scheme_id, region_id, placed_by, programme_id";

/// The sums both totals tables keep, by name.
const SUM_COLUMNS: &str = "cents, co_financing_cents, funding_count, co_financing_missing";

/// The sums as `SELECT` terms over signed rows.
const SUMS: &str = "CAST(SUM(cents) AS BIGINT), CAST(SUM(co_financing_cents) AS BIGINT), \
                    CAST(SUM(funding_count) AS BIGINT), CAST(SUM(co_financing_missing) AS BIGINT)";

/// Groups that add nothing are not written.
const NOT_ZERO: &str = "SUM(cents) <> 0 OR SUM(co_financing_cents) <> 0 OR SUM(funding_count) <> 0 \
                        OR SUM(co_financing_missing) <> 0";

/// Appends signed rows (the columns of [`signed_columns`]) to both totals tables: per region, and
/// per region and programme of what is placed in a region (programme 0: fundings without one), once
/// per scheme and once over every scheme (`scheme_id` -1).
fn add_to_totals(conn: &mut DbConn, signed: &str) -> Result<(), AppError> {
    diesel::sql_query(format!(
        "INSERT INTO funding_region_total ({TOTAL_KEY}, {SUM_COLUMNS}) \
         SELECT {TOTAL_KEY}, {SUMS} FROM ({signed}) d GROUP BY {TOTAL_KEY} HAVING {NOT_ZERO}"
    ))
    .execute(conn)?;
    let columns = "level, region_id, placed_by, programme_id, cents, co_financing_cents, funding_count, \
                   co_financing_missing";
    diesel::sql_query(format!(
        "INSERT INTO funding_region_programme ({PROGRAMME_KEY}, {SUM_COLUMNS}) \
         SELECT {PROGRAMME_KEY}, {SUMS} FROM ( \
             SELECT scheme_id, {columns} FROM ({signed}) d1 WHERE bucket = 'REGION' \
             UNION ALL \
             SELECT -1, {columns} FROM ({signed}) d2 WHERE bucket = 'REGION' \
         ) d GROUP BY {PROGRAMME_KEY} HAVING {NOT_ZERO}"
    ))
    .execute(conn)?;
    Ok(())
}

/// Folds the rows the writers appended since row ids `since` (of each totals table) into one row per
/// key (dropping keys that sum to nothing), so that a report reads a few rows per region; returns
/// the highest row ids it saw (the next call's `since`). On PostgreSQL each table is folded by one statement that deletes the
/// rows of the touched keys and inserts their sums (so a row committed meanwhile is either folded or
/// left for later, never lost) and takes no table lock: writers only append and never wait for it.
/// On SQLite it runs under the one write lock. Reports read correct sums before, during and after.
///
/// # Errors
/// A database error.
pub fn compact(conn: &mut DbConn, since: [i64; 2]) -> Result<[i64; 2], AppError> {
    #[derive(QueryableByName)]
    struct Top {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        top: Option<i64>,
    }
    let mut seen = since;
    let tables = [("funding_region_total", TOTAL_KEY), ("funding_region_programme", PROGRAMME_KEY)];
    for (i, (table, key)) in tables.into_iter().enumerate() {
        let since = since[i];
        let top: Top = diesel::sql_query(format!("SELECT MAX(id) AS top FROM {table}")).get_result(conn)?;
        let Some(top) = top.top.filter(|t| *t > since) else { continue };
        let touched = format!("({key}) IN (SELECT {key} FROM {table} WHERE id > {since} AND id <= {top})");
        let keep = "cents <> 0 OR co_financing_cents <> 0 OR funding_count <> 0 OR co_financing_missing <> 0";
        if is_pg(conn) {
            diesel::sql_query(format!(
                "WITH gone AS (DELETE FROM {table} WHERE {touched} RETURNING {key}, {SUM_COLUMNS}), \
                 folded AS (SELECT {key}, CAST(SUM(cents) AS BIGINT) AS cents, \
                     CAST(SUM(co_financing_cents) AS BIGINT) AS co_financing_cents, \
                     CAST(SUM(funding_count) AS BIGINT) AS funding_count, \
                     CAST(SUM(co_financing_missing) AS BIGINT) AS co_financing_missing FROM gone GROUP BY {key}) \
                 INSERT INTO {table} ({key}, {SUM_COLUMNS}) SELECT {key}, {SUM_COLUMNS} FROM folded WHERE {keep}"
            ))
            .execute(conn)?;
        } else {
            conn.batch_execute(&format!(
                "CREATE TEMPORARY TABLE IF NOT EXISTS folded_{table} AS SELECT {key}, {SUM_COLUMNS} FROM {table} WHERE 1 = 0;
                 DELETE FROM folded_{table};
                 INSERT INTO folded_{table} SELECT {key}, {SUMS} FROM {table} WHERE {touched} GROUP BY {key};
                 DELETE FROM {table} WHERE {touched};
                 INSERT INTO {table} ({key}, {SUM_COLUMNS}) SELECT {key}, {SUM_COLUMNS} FROM folded_{table} WHERE {keep};
                 DELETE FROM folded_{table};"
            ))?;
        }
        // Past the rows just folded in (a row appended meanwhile is folded when its key is next
        // touched; its sums count either way).
        let after: Top = diesel::sql_query(format!("SELECT MAX(id) AS top FROM {table}")).get_result(conn)?;
        seen[i] = after.top.unwrap_or(top);
    }
    Ok(seen)
}

/// `WITH …, new_rows AS (…)`: the placement rows of the fundings matching `funding_pred` (on alias
/// `f`), computed from the records as they are now, in the columns of [`PLACEMENT_COLUMNS`].
fn new_rows(pg: bool, funding_pred: &str) -> String {
    let year = if pg {
        "COALESCE(CAST(EXTRACT(YEAR FROM f.award_date) AS INTEGER), CAST(EXTRACT(YEAR FROM f.start_date) AS INTEGER), 0)"
    } else {
        "COALESCE(CAST(substr(f.award_date, 1, 4) AS INTEGER), CAST(substr(f.start_date, 1, 4) AS INTEGER), 0)"
    };
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
