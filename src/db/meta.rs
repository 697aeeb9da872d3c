//! The `dataset_meta` key-value table: the data set's version, the search-key version, the
//! signing key's fingerprint.

use diesel::prelude::*;

use super::schema::dataset_meta;
use super::{now, DbConn};
use crate::error::AppError;

/// A value of the `dataset_meta` key-value table.
///
/// # Errors
/// A database error.
pub fn meta(conn: &mut DbConn, name: &str) -> Result<Option<String>, AppError> {
    Ok(dataset_meta::table.filter(dataset_meta::name.eq(name)).select(dataset_meta::value).first(conn).optional()?)
}

/// Sets a value of the `dataset_meta` key-value table.
///
/// # Errors
/// A database error.
pub fn set_meta(conn: &mut DbConn, name: &str, value: &str) -> Result<(), AppError> {
    if meta(conn, name)?.as_deref() == Some(value) {
        return Ok(());
    }
    let t = now();
    let n = diesel::update(dataset_meta::table.filter(dataset_meta::name.eq(name)))
        .set((
            dataset_meta::value.eq(value),
            dataset_meta::updated_at.eq(t),
            dataset_meta::version.eq(dataset_meta::version + 1),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(dataset_meta::table)
            .values((
                dataset_meta::name.eq(name),
                dataset_meta::value.eq(value),
                dataset_meta::created_at.eq(t),
                dataset_meta::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
}
