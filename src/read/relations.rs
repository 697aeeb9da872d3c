//! Relations between records: by id (for `node`) and both directions of a batch of records.

use diesel::prelude::*;

use super::by_ids;
use super::records::{keyed, types_and_ids, ByRecord};
use crate::db::models::RelationRow;
use crate::db::schema::relation;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::RecordKind;

by_ids!(
    /// Relations by id (any order; unknown ids are left out).
    by_ids, relation, RelationRow
);

/// The relations each record is the subject or the object of, by kind and id.
///
/// # Errors
/// A database error.
pub fn of_records(conn: &mut DbConn, records: &[(RecordKind, i64)]) -> Result<ByRecord<RelationRow>, AppError> {
    let (types, ids) = types_and_ids(records);
    let rows: Vec<RelationRow> = relation::table
        .filter(
            relation::subject_type
                .eq_any(&types)
                .and(relation::subject_id.eq_any(&ids))
                .or(relation::object_type.eq_any(&types).and(relation::object_id.eq_any(&ids))),
        )
        .order((relation::kind.asc(), relation::id.asc()))
        .select(RelationRow::as_select())
        .load(conn)?;
    Ok(keyed(records, rows, |r| vec![(r.subject_type.as_str(), r.subject_id), (r.object_type.as_str(), r.object_id)]))
}
