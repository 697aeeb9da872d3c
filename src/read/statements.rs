//! Statements: the filtered root list (in the data file's order), look-ups, the statements about a
//! record and the records of a statement.

use diesel::prelude::*;

use super::page::root_list;
use super::records::{keyed, types_and_ids, ByRecord};
use super::{by_ids, ByParent};
use crate::db::models::{StatementRecordRow, StatementRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::text::like_pattern;
use crate::vocab::StatementKind;

/// How a record stands to a statement (`statement_record.role`): it is about the record.
pub const ABOUT: &str = "ABOUT";
/// The record states it.
pub const STATED_BY: &str = "STATED_BY";

/// Which statements to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct StatementQuery {
    /// Of this kind.
    pub kind: Option<StatementKind>,
    /// About this record, or stated by it.
    pub record: Option<(RecordKind, i64)>,
    /// Summary, phrase, topic or note contains this text (compared by search key).
    pub search: Option<String>,
}

fn filtered(_conn: &mut DbConn, query: &StatementQuery) -> Result<statement::BoxedQuery<'static, Db>, AppError> {
    let mut q = statement::table.into_boxed::<Db>();
    if let Some(k) = query.kind {
        q = q.filter(statement::kind.eq(k.as_str()));
    }
    if let Some((kind, id)) = query.record {
        let tied = statement_record::table
            .filter(statement_record::record_type.eq(kind.as_str()))
            .filter(statement_record::record_id.eq(id))
            .select(statement_record::statement_id);
        q = q.filter(statement::id.eq_any(tied));
    }
    if let Some(s) = &query.search {
        q = q.filter(statement::search_text.like(like_pattern(s)).escape('\\'));
    }
    Ok(q)
}

root_list!(StatementQuery, statement, StatementRow);

by_ids!(
    /// Statements by id (any order; unknown ids are left out).
    by_ids, statement, StatementRow
);

/// The statements about each record (not those it states), in the data file's order.
///
/// # Errors
/// A database error.
pub fn of_records(conn: &mut DbConn, records: &[(RecordKind, i64)]) -> Result<ByRecord<StatementRow>, AppError> {
    let (types, ids) = types_and_ids(records);
    let rows: Vec<(String, i64, StatementRow)> = statement_record::table
        .inner_join(statement::table)
        .filter(statement_record::role.eq(ABOUT))
        .filter(statement_record::record_type.eq_any(&types))
        .filter(statement_record::record_id.eq_any(&ids))
        .order((statement::sort_key.asc(), statement::id.asc()))
        .select((statement_record::record_type, statement_record::record_id, StatementRow::as_select()))
        .load(conn)?;
    let pairs = keyed(records, rows, |(t, id, _)| vec![(t.as_str(), *id)]);
    Ok(pairs.into_iter().map(|(k, (_, _, row))| (k, row)).collect())
}

/// The records each statement names (about and stated by), in the order the data file lists them.
///
/// # Errors
/// A database error.
pub fn records_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<StatementRecordRow>, AppError> {
    let rows: Vec<StatementRecordRow> = statement_record::table
        .filter(statement_record::statement_id.eq_any(ids))
        .order(statement_record::id.asc())
        .select(StatementRecordRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.statement_id, r)).collect())
}
