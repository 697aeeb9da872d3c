//! Recomputing stored search keys when the key function changes.

use diesel::prelude::*;

use super::{meta, set_meta};
use crate::db::schema::*;
use crate::db::{write_transaction, DbConn};
use crate::error::AppError;
use crate::text::{search_key, search_text};

const META_KEY_VERSION: &str = "search_key_version";

/// Recomputes every stored sort key and search text when [`crate::text::search_key`] changed since
/// they were written (tracked in `dataset_meta`). Returns whether it did.
///
/// # Errors
/// A database error (the transaction is rolled back).
pub fn reindex_if_needed(conn: &mut DbConn) -> Result<bool, AppError> {
    use crate::graphql::types::common::json_strings;
    use crate::text::SEARCH_KEY_VERSION;
    write_transaction(conn, |conn| {
        if meta(conn, META_KEY_VERSION)?.as_deref() == Some(SEARCH_KEY_VERSION) {
            return Ok(false);
        }
        let rows: Vec<(i64, String, String)> =
            region::table.select((region::id, region::name, region::aliases)).load(conn)?;
        for (id, name, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names = std::iter::once(name.as_str()).chain(aliases.iter().map(String::as_str));
            diesel::update(region::table.find(id))
                .set((region::sort_key.eq(search_key(&name)), region::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String, Option<String>, String)> = organisation::table
            .select((organisation::id, organisation::name, organisation::short_name, organisation::aliases))
            .load(conn)?;
        for (id, name, short, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names =
                std::iter::once(name.as_str()).chain(short.as_deref()).chain(aliases.iter().map(String::as_str));
            diesel::update(organisation::table.find(id))
                .set((organisation::sort_key.eq(search_key(&name)), organisation::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String, String)> =
            programme::table.select((programme::id, programme::name, programme::aliases)).load(conn)?;
        for (id, name, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names = std::iter::once(name.as_str()).chain(aliases.iter().map(String::as_str));
            diesel::update(programme::table.find(id))
                .set((programme::sort_key.eq(search_key(&name)), programme::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String, String, String, String)> = funding_scheme::table
            .select((
                funding_scheme::id,
                funding_scheme::name,
                funding_scheme::display_name,
                funding_scheme::code,
                funding_scheme::aliases,
            ))
            .load(conn)?;
        for (id, name, display, code, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names =
                [name.as_str(), display.as_str(), code.as_str()].into_iter().chain(aliases.iter().map(String::as_str));
            diesel::update(funding_scheme::table.find(id))
                .set((
                    funding_scheme::sort_key.eq(search_key(&name)),
                    funding_scheme::search_text.eq(search_text(names)),
                ))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String)> = funding::table.select((funding::id, funding::key)).load(conn)?;
        for (id, key) in rows {
            diesel::update(funding::table.find(id))
                .set((funding::sort_key.eq(search_key(&key)), funding::search_text.eq(search_text([key.as_str()]))))
                .execute(conn)?;
        }
        set_meta(conn, META_KEY_VERSION, SEARCH_KEY_VERSION)?;
        Ok(true)
    })
}
