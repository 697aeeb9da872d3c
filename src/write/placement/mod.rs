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

mod rules;
mod scoped;
mod totals;

use rules::new_rows;
use scoped::Scoped;
use totals::add_to_totals;
pub use totals::compact;

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
    match scope {
        Scope::Created(ids) => {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                place_new(conn, &Scoped::ids(conn, chunk))?;
            }
            Ok(())
        }
        Scope::Fundings(ids) => {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                refresh_where(conn, &Scoped::ids(conn, chunk))?;
            }
            Ok(())
        }
        Scope::Programme(id) => {
            refresh_where(conn, &Scoped::literal(format!("f.programme_id = {id}"), format!("programme_id = {id}")))
        }
        Scope::CreatedRange(lo, hi) => place_new(
            conn,
            &Scoped::literal(format!("f.id BETWEEN {lo} AND {hi}"), format!("funding_id BETWEEN {lo} AND {hi}")),
        ),
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
    place_new(conn, &Scoped::literal("1 = 1".into(), "1 = 1".into()))
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

/// PostgreSQL: locks the programmes a funding write depends on (their regions place it), shared by
/// funding writers and taken exclusively by a change of a programme's regions, before any funding
/// row is locked; so a funding created in or moved into a programme and a change of that
/// programme's regions happen one after the other, and the later one reads what the earlier
/// committed. (SQLite has one writer at a time.)
///
/// Transaction-level advisory locks, not row locks: many writers sharing a lock on one programme's
/// row would each rewrite that row's lock list (a new MultiXact per writer); an advisory lock lives
/// in the lock table only. The key is the programme's id in the class [`PROGRAMME_LOCK_CLASS`] (ids
/// past 2^31 share keys modulo 2^31 − 1: a needless wait, never a missed one).
///
/// # Errors
/// A database error.
pub fn lock_programmes(conn: &mut DbConn, ids: &[i64], exclusive: bool) -> Result<(), AppError> {
    if !is_pg(conn) || ids.is_empty() {
        return Ok(());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let lock = if exclusive { "pg_advisory_xact_lock" } else { "pg_advisory_xact_lock_shared" };
    let calls = ids
        .iter()
        .map(|id| format!("{lock}({PROGRAMME_LOCK_CLASS}, {})", id.rem_euclid(i64::from(i32::MAX))))
        .collect::<Vec<_>>()
        .join(", ");
    conn.batch_execute(&format!("SELECT {calls}"))?;
    Ok(())
}

/// The first key of the programme locks (advisory locks of this service use their own class).
const PROGRAMME_LOCK_CLASS: i32 = 17_001;

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
fn refresh_where(conn: &mut DbConn, scoped: &Scoped) -> Result<(), AppError> {
    scoped.begin(conn)?;
    if is_pg(conn) {
        // Two writers refreshing the same funding (a programme's regions and one of its fundings)
        // would each replace its rows from their own snapshot: lock the fundings first, so the
        // second waits and then reads what the first committed. (SQLite has one writer at a time.)
        scoped
            .execute(conn, &format!("SELECT f.id FROM funding f WHERE {} ORDER BY f.id FOR UPDATE", scoped.funding))?;
    }
    let old = format!("SELECT {} FROM funding_placement WHERE {}", signed_columns("-"), scoped.placement);
    add_to_totals(conn, scoped, &old)?;
    scoped.execute(conn, &format!("DELETE FROM funding_placement WHERE {}", scoped.placement))?;
    place_new(conn, scoped)
}

/// Writes the placement rows of fundings that have none and adds them to the totals.
fn place_new(conn: &mut DbConn, scoped: &Scoped) -> Result<(), AppError> {
    scoped.begin(conn)?;
    let new = new_rows(is_pg(conn), &scoped.funding);
    scoped
        .execute(conn, &format!("{new} INSERT INTO funding_placement ({PLACEMENT_COLUMNS}) SELECT * FROM new_rows"))?;
    let placed = format!("SELECT {} FROM funding_placement WHERE {}", signed_columns(""), scoped.placement);
    add_to_totals(conn, scoped, &placed)
}
