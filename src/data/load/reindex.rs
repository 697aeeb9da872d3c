//! Recomputing stored search keys when the key function changes, in batches.

use diesel::prelude::*;

use super::{meta, set_meta};
use crate::db::schema::*;
use crate::db::{write_transaction, DbConn};
use crate::error::AppError;
use crate::text::json_strings;
use crate::text::{search_key, search_text, SEARCH_KEY_VERSION};

const META_KEY_VERSION: &str = "search_key_version";

/// Rows recomputed per transaction.
const BATCH: i64 = 1_000;

/// Records the current key version when none is recorded yet: every key written so far was made
/// by the current function (the loader and the API write current keys).
///
/// # Errors
/// A database error.
pub(super) fn record_version_if_unset(conn: &mut DbConn) -> Result<(), AppError> {
    if meta(conn, META_KEY_VERSION)?.is_none() {
        set_meta(conn, META_KEY_VERSION, SEARCH_KEY_VERSION)?;
    }
    Ok(())
}

fn holds_records(conn: &mut DbConn) -> Result<bool, AppError> {
    let any = |n: i64| n > 0;
    Ok(any(region::table.count().get_result(conn)?)
        || any(organisation::table.count().get_result(conn)?)
        || any(programme::table.count().get_result(conn)?)
        || any(funding_scheme::table.count().get_result(conn)?)
        || any(funding::table.count().get_result(conn)?))
}

/// Runs `step` (rows after an id → the last id done and how many) in one transaction per batch
/// until it finds no rows; logs the progress. Returns the rows done.
fn in_batches(
    conn: &mut DbConn,
    table: &str,
    mut step: impl FnMut(&mut DbConn, i64) -> Result<Option<(i64, usize)>, AppError>,
) -> Result<usize, AppError> {
    let (mut after, mut done) = (0_i64, 0_usize);
    while let Some((last, n)) = write_transaction(conn, |c| step(c, after))? {
        after = last;
        done += n;
        tracing::info!(db.table = table, rows.done = done, "recomputing search keys");
    }
    Ok(done)
}

/// Recomputes every stored sort key and search text when [`crate::text::search_key`] changed since
/// they were written (tracked in `dataset_meta`), in batches of 1,000 rows, each its own
/// transaction; the new version is recorded at the end, so an interrupted run starts over.
/// Returns whether it recomputed anything.
///
/// # Errors
/// A database error.
pub fn reindex_if_needed(conn: &mut DbConn) -> Result<bool, AppError> {
    let recorded = meta(conn, META_KEY_VERSION)?;
    if recorded.as_deref() == Some(SEARCH_KEY_VERSION) {
        return Ok(false);
    }
    if recorded.is_none() && !holds_records(conn)? {
        set_meta(conn, META_KEY_VERSION, SEARCH_KEY_VERSION)?;
        return Ok(false);
    }
    tracing::info!(
        search_key.from = recorded.as_deref().unwrap_or("none"),
        search_key.to = SEARCH_KEY_VERSION,
        "recomputing stored search keys before serving"
    );
    in_batches(conn, "region", |conn, after| {
        let rows: Vec<(i64, String, String)> = region::table
            .filter(region::id.gt(after))
            .order(region::id)
            .limit(BATCH)
            .select((region::id, region::name, region::aliases))
            .load(conn)?;
        for (id, name, aliases) in &rows {
            let aliases = json_strings(aliases);
            let names = std::iter::once(name.as_str()).chain(aliases.iter().map(String::as_str));
            diesel::update(region::table.find(id))
                .set((region::sort_key.eq(search_key(name)), region::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        Ok(rows.last().map(|r| (r.0, rows.len())))
    })?;
    in_batches(conn, "organisation", |conn, after| {
        let rows: Vec<(i64, String, Option<String>, String)> = organisation::table
            .filter(organisation::id.gt(after))
            .order(organisation::id)
            .limit(BATCH)
            .select((organisation::id, organisation::name, organisation::short_name, organisation::aliases))
            .load(conn)?;
        for (id, name, short, aliases) in &rows {
            let aliases = json_strings(aliases);
            let names =
                std::iter::once(name.as_str()).chain(short.as_deref()).chain(aliases.iter().map(String::as_str));
            diesel::update(organisation::table.find(id))
                .set((organisation::sort_key.eq(search_key(name)), organisation::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        Ok(rows.last().map(|r| (r.0, rows.len())))
    })?;
    in_batches(conn, "programme", |conn, after| {
        let rows: Vec<(i64, String, String)> = programme::table
            .filter(programme::id.gt(after))
            .order(programme::id)
            .limit(BATCH)
            .select((programme::id, programme::name, programme::aliases))
            .load(conn)?;
        for (id, name, aliases) in &rows {
            let aliases = json_strings(aliases);
            let names = std::iter::once(name.as_str()).chain(aliases.iter().map(String::as_str));
            diesel::update(programme::table.find(id))
                .set((programme::sort_key.eq(search_key(name)), programme::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        Ok(rows.last().map(|r| (r.0, rows.len())))
    })?;
    in_batches(conn, "funding_scheme", |conn, after| {
        let rows: Vec<(i64, String, String, String, String)> = funding_scheme::table
            .filter(funding_scheme::id.gt(after))
            .order(funding_scheme::id)
            .limit(BATCH)
            .select((
                funding_scheme::id,
                funding_scheme::name,
                funding_scheme::display_name,
                funding_scheme::code,
                funding_scheme::aliases,
            ))
            .load(conn)?;
        for (id, name, display, code, aliases) in &rows {
            let aliases = json_strings(aliases);
            let names =
                [name.as_str(), display.as_str(), code.as_str()].into_iter().chain(aliases.iter().map(String::as_str));
            diesel::update(funding_scheme::table.find(id))
                .set((
                    funding_scheme::sort_key.eq(search_key(name)),
                    funding_scheme::search_text.eq(search_text(names)),
                ))
                .execute(conn)?;
        }
        Ok(rows.last().map(|r| (r.0, rows.len())))
    })?;
    in_batches(conn, "funding", |conn, after| {
        let rows: Vec<(i64, String)> = funding::table
            .filter(funding::id.gt(after))
            .order(funding::id)
            .limit(BATCH)
            .select((funding::id, funding::key))
            .load(conn)?;
        for (id, key) in &rows {
            diesel::update(funding::table.find(id))
                .set((funding::sort_key.eq(search_key(key)), funding::search_text.eq(search_text([key.as_str()]))))
                .execute(conn)?;
        }
        Ok(rows.last().map(|r| (r.0, rows.len())))
    })?;
    set_meta(conn, META_KEY_VERSION, SEARCH_KEY_VERSION)?;
    Ok(true)
}
