//! The audit trail: one row per successful write, newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::audit_event;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;

/// One audit event as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_event)]
pub struct AuditRow {
    /// The event id (newer events have larger ids).
    pub id: i64,
    /// When it happened (UTC).
    pub occurred_at: NaiveDateTime,
    /// The organisation whose token made the change.
    pub organisation_id: Option<i64>,
    /// The token's `jti`.
    pub token_jti: Option<String>,
    /// The mutation, e.g. `updateProgramme`.
    pub mutation: String,
    /// The kind of record changed, as stored (`programme`, `api_token`, …).
    pub entity_type: String,
    /// The row id of the record changed.
    pub entity_id: i64,
    /// The changes as JSON text.
    pub changes: String,
}

/// Which events: those visible to an organisation (the ones it caused and those on its own
/// records; every event when `visible_to` is `None`), about one record, of one mutation.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only events this organisation caused or that concern its records.
    pub visible_to: Option<i64>,
    /// Only events about this record (entity type as stored, row id).
    pub entity: Option<(RecordKind, i64)>,
    /// Only events of this mutation.
    pub mutation: Option<String>,
}

fn filtered(query: &AuditQuery) -> audit_event::BoxedQuery<'static, Db> {
    let mut q = audit_event::table.into_boxed::<Db>();
    if let Some(me) = query.visible_to {
        q = q.filter(audit_event::organisation_id.eq(me).or(audit_event::owner_organisation_id.eq(me)));
    }
    if let Some((t, id)) = query.entity {
        q = q.filter(audit_event::entity_type.eq(t.as_str())).filter(audit_event::entity_id.eq(id));
    }
    if let Some(m) = query.mutation.clone() {
        q = q.filter(audit_event::mutation.eq(m));
    }
    q
}

/// Up to `limit` events older than the event `before_id` (newest first when `None`).
///
/// # Errors
/// A database error.
pub fn page(
    conn: &mut DbConn,
    query: &AuditQuery,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
    let mut q = filtered(query);
    if let Some(id) = before_id {
        q = q.filter(audit_event::id.lt(id));
    }
    Ok(q.order(audit_event::id.desc()).limit(limit).select(AuditRow::as_select()).load(conn)?)
}

/// How many events match.
///
/// # Errors
/// A database error.
pub fn count(conn: &mut DbConn, query: &AuditQuery) -> Result<i64, AppError> {
    Ok(filtered(query).count().get_result(conn)?)
}
