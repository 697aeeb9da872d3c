//! Sources: where each record comes from (document and lines), for records of any kind.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::models::SourceRow;
use crate::db::schema::source;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::RecordKind;

/// The sources of the records `(entity type as stored, row id)`, oldest first, in one statement.
///
/// # Errors
/// A database error.
pub fn sources_of(conn: &mut DbConn, records: &[(RecordKind, i64)]) -> Result<Vec<SourceRow>, AppError> {
    let types: Vec<&'static str> = records.iter().map(|k| k.0.as_str()).collect::<HashSet<_>>().into_iter().collect();
    let ids: Vec<i64> = records.iter().map(|k| k.1).collect();
    Ok(source::table
        .filter(source::entity_type.eq_any(types))
        .filter(source::entity_id.eq_any(ids))
        .order(source::id.asc())
        .select(SourceRow::as_select())
        .load(conn)?)
}
