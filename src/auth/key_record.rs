//! Which signing key this database's tokens belong to: the key's fingerprint is stored at first
//! start, a start with another key is refused, and `token rotate-key` retires the old one (tokens
//! issued before the rotation are then refused as signed with a retired key).

use diesel::prelude::*;

use crate::auth::keys::JwtKeys;
use crate::db::meta::{meta, set_meta};
use crate::db::schema::dataset_meta;
use crate::db::DbConn;
use crate::error::AppError;

const FINGERPRINT: &str = "signing_key_fingerprint";
const ROTATED_AT: &str = "signing_key_rotated_at";

/// The fingerprint the database records, if any.
///
/// # Errors
/// A database error.
pub fn recorded(conn: &mut DbConn) -> Result<Option<String>, AppError> {
    meta(conn, FINGERPRINT)
}

/// Why the configured key is not the database's.
pub fn mismatch_message(recorded: &str, keys: &JwtKeys) -> String {
    format!(
        "the token signing key ({}) is not the key this database's tokens were signed with ({recorded}): \
         point DATA_DIR or JWT_PRIVATE_KEY_PATH (HS256: JWT_SECRET) at that key, or run \
         `techniekpact-api token rotate-key` with every instance stopped",
        keys.fingerprint
    )
}

/// Records the key at first start; refuses a key that is not the recorded one.
///
/// # Errors
/// [`AppError::Conflict`] with [`mismatch_message`], or a database error.
pub fn check_or_record(conn: &mut DbConn, keys: &JwtKeys) -> Result<(), AppError> {
    if recorded(conn)?.is_none() {
        // Insert only (the name is unique): of two instances starting at once with different
        // keys, one records its key and the other then finds it and is refused, never overwrites.
        let t = crate::db::now();
        let inserted = diesel::insert_into(dataset_meta::table)
            .values((
                dataset_meta::name.eq(FINGERPRINT),
                dataset_meta::value.eq(&keys.fingerprint),
                dataset_meta::created_at.eq(t),
                dataset_meta::updated_at.eq(t),
            ))
            .execute(conn);
        match inserted.map_err(AppError::from) {
            Ok(_) | Err(AppError::Duplicate(_)) => {}
            Err(e) => return Err(e),
        }
    }
    match recorded(conn)? {
        Some(fp) if fp == keys.fingerprint => Ok(()),
        Some(fp) => Err(AppError::Conflict(mismatch_message(&fp, keys))),
        None => Err(AppError::internal("the signing key fingerprint was not recorded")),
    }
}

/// Makes `keys` the database's key and retires every token issued before now.
///
/// # Errors
/// A database error.
pub fn record_rotation(conn: &mut DbConn, keys: &JwtKeys) -> Result<(), AppError> {
    set_meta(conn, FINGERPRINT, &keys.fingerprint)?;
    set_meta(conn, ROTATED_AT, &crate::db::now().format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
}

/// When the key was last rotated: tokens created before are signed with a retired key.
///
/// # Errors
/// A database error.
pub fn rotated_at(conn: &mut DbConn) -> Result<Option<chrono::NaiveDateTime>, AppError> {
    Ok(meta(conn, ROTATED_AT)?.as_deref().and_then(parse_rotated_at))
}

/// The stored rotation time, as [`rotated_at_column`] reads it.
#[must_use]
pub fn parse_rotated_at(stored: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(stored, "%Y-%m-%dT%H:%M:%S%.f").ok()
}

/// The row of `dataset_meta` holding the rotation time.
type RotationRow = diesel::dsl::Filter<dataset_meta::table, diesel::dsl::Eq<dataset_meta::name, &'static str>>;

/// The scalar subquery [`rotated_at_column`] returns.
pub type RotatedAtColumn = diesel::dsl::SingleValue<diesel::dsl::Select<RotationRow, dataset_meta::value>>;

/// The stored rotation time as a column of another query (a scalar subquery), so that a token's
/// check reads it in the same statement as the token.
pub fn rotated_at_column() -> RotatedAtColumn {
    dataset_meta::table.filter(dataset_meta::name.eq(ROTATED_AT)).select(dataset_meta::value).single_value()
}
