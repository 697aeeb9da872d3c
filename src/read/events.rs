//! Dated events: the filtered root list (by date), look-ups, the events of records and the records
//! of events.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::page::root_list;
use super::records::{keyed, types_and_ids, ByRecord};
use super::{by_ids, ByParent};
use crate::db::models::{EventRecordRow, EventRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::vocab::EventKind;

/// Which events to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Of this kind.
    pub kind: Option<EventKind>,
    /// The span the date covers ends on or after this day.
    pub from: Option<NaiveDate>,
    /// The span the date covers starts on or before this day.
    pub to: Option<NaiveDate>,
    /// Tied to this record.
    pub record: Option<(RecordKind, i64)>,
}

fn filtered(_conn: &mut DbConn, query: &EventQuery) -> Result<event::BoxedQuery<'static, Db>, AppError> {
    let mut q = event::table.into_boxed::<Db>();
    if let Some(k) = query.kind {
        q = q.filter(event::kind.eq(k.as_str()));
    }
    if let Some(from) = query.from {
        q = q.filter(event::event_date_end.ge(from));
    }
    if let Some(to) = query.to {
        q = q.filter(event::event_date.le(to));
    }
    if let Some((kind, id)) = query.record {
        let tied = event_record::table
            .filter(event_record::record_type.eq(kind.as_str()))
            .filter(event_record::record_id.eq(id))
            .select(event_record::event_id);
        q = q.filter(event::id.eq_any(tied));
    }
    Ok(q)
}

root_list!(EventQuery, event, EventRow);

by_ids!(
    /// Events by id (any order; unknown ids are left out).
    by_ids, event, EventRow
);

/// The events each record is tied to, oldest first.
///
/// # Errors
/// A database error.
pub fn of_records(conn: &mut DbConn, records: &[(RecordKind, i64)]) -> Result<ByRecord<EventRow>, AppError> {
    let (types, ids) = types_and_ids(records);
    let rows: Vec<(String, i64, EventRow)> = event_record::table
        .inner_join(event::table)
        .filter(event_record::record_type.eq_any(&types))
        .filter(event_record::record_id.eq_any(&ids))
        .order((event::sort_key.asc(), event::id.asc()))
        .select((event_record::record_type, event_record::record_id, EventRow::as_select()))
        .load(conn)?;
    let pairs = keyed(records, rows, |(t, id, _)| vec![(t.as_str(), *id)]);
    Ok(pairs.into_iter().map(|(k, (_, _, row))| (k, row)).collect())
}

/// The records each event is tied to, in the order the data file lists them.
///
/// # Errors
/// A database error.
pub fn records_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<EventRecordRow>, AppError> {
    let rows: Vec<EventRecordRow> = event_record::table
        .filter(event_record::event_id.eq_any(ids))
        .order(event_record::id.asc())
        .select(EventRecordRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.event_id, r)).collect())
}
