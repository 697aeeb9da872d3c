//! Listed items inside records (topsectors, pillars, scheme conditions…).

use diesel::prelude::*;

use super::records::{keyed, types_and_ids, ByRecord};
use crate::db::models::ListedItemRow;
use crate::db::schema::listed_item;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::RecordKind;

/// The items of each record, by kind and position.
///
/// # Errors
/// A database error.
pub fn of_records(conn: &mut DbConn, records: &[(RecordKind, i64)]) -> Result<ByRecord<ListedItemRow>, AppError> {
    let (types, ids) = types_and_ids(records);
    let rows: Vec<ListedItemRow> = listed_item::table
        .filter(listed_item::record_type.eq_any(&types))
        .filter(listed_item::record_id.eq_any(&ids))
        .order((listed_item::kind.asc(), listed_item::position.asc(), listed_item::id.asc()))
        .select(ListedItemRow::as_select())
        .load(conn)?;
    Ok(keyed(records, rows, |r| vec![(r.record_type.as_str(), r.record_id)]))
}
