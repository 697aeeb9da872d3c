//! People in public roles: the searchable root list, look-ups, their roles, and the roles held in
//! records.

use diesel::prelude::*;

use super::page::root_list;
use super::records::{keyed, types_and_ids, ByRecord};
use super::{by_ids, ByParent};
use crate::db::models::{PersonRoleRow, PersonRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::text::like_pattern;

/// Which people to list.
#[derive(Debug, Clone, Default)]
pub struct PersonQuery {
    /// The name or a spelling of it contains this text (compared by search key).
    pub search: Option<String>,
}

fn filtered(_conn: &mut DbConn, query: &PersonQuery) -> Result<person::BoxedQuery<'static, Db>, AppError> {
    let mut q = person::table.into_boxed::<Db>();
    if let Some(s) = &query.search {
        q = q.filter(person::search_text.like(like_pattern(s)).escape('\\'));
    }
    Ok(q)
}

root_list!(PersonQuery, person, PersonRow);

by_ids!(
    /// People by id (any order; unknown ids are left out).
    by_ids, person, PersonRow
);

/// The roles of each person, in the order the data file lists them.
///
/// # Errors
/// A database error.
pub fn roles_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<PersonRoleRow>, AppError> {
    let rows: Vec<PersonRoleRow> = person_role::table
        .filter(person_role::person_id.eq_any(ids))
        .order(person_role::id.asc())
        .select(PersonRoleRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.person_id, r)).collect())
}

/// The roles held in each record (an organisation or programme).
///
/// # Errors
/// A database error.
pub fn roles_in(conn: &mut DbConn, records: &[(RecordKind, i64)]) -> Result<ByRecord<PersonRoleRow>, AppError> {
    let (types, ids) = types_and_ids(records);
    let rows: Vec<PersonRoleRow> = person_role::table
        .filter(person_role::record_type.eq_any(&types))
        .filter(person_role::record_id.eq_any(&ids))
        .order(person_role::id.asc())
        .select(PersonRoleRow::as_select())
        .load(conn)?;
    Ok(keyed(records, rows, |r| r.record_type.as_deref().zip(r.record_id).into_iter().collect()))
}
