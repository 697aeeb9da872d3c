//! The totals over the placement rows: appended signed sums per region (and per region and
//! programme), and their folding into one row per key.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::is_pg;
use super::scoped::Scoped;
use crate::db::DbConn;
use crate::error::AppError;

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
pub(super) fn add_to_totals(conn: &mut DbConn, scoped: &Scoped, signed: &str) -> Result<(), AppError> {
    scoped.execute(
        conn,
        &format!(
            "INSERT INTO funding_region_total ({TOTAL_KEY}, {SUM_COLUMNS}) \
         SELECT {TOTAL_KEY}, {SUMS} FROM ({signed}) d GROUP BY {TOTAL_KEY} HAVING {NOT_ZERO}"
        ),
    )?;
    let columns = "level, region_id, placed_by, programme_id, cents, co_financing_cents, funding_count, \
                   co_financing_missing";
    scoped.execute(
        conn,
        &format!(
            "INSERT INTO funding_region_programme ({PROGRAMME_KEY}, {SUM_COLUMNS}) \
         SELECT {PROGRAMME_KEY}, {SUMS} FROM ( \
             SELECT scheme_id, {columns} FROM ({signed}) d1 WHERE bucket = 'REGION' \
             UNION ALL \
             SELECT -1, {columns} FROM ({signed}) d2 WHERE bucket = 'REGION' \
         ) d GROUP BY {PROGRAMME_KEY} HAVING {NOT_ZERO}"
        ),
    )?;
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
        // After a start (`since` 0) the keys with more than one row, not every key: a fold of every
        // key rewrote the whole table once per start (600 ms at 20k fundings, and as many dead rows
        // for the reports to step over until a vacuum).
        let touched = if since == 0 {
            format!("({key}) IN (SELECT {key} FROM {table} WHERE id <= {top} GROUP BY {key} HAVING COUNT(*) > 1)")
        } else {
            format!("({key}) IN (SELECT {key} FROM {table} WHERE id > {since} AND id <= {top})")
        };
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
