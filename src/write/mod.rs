//! Writes by partners. Every operation here runs inside one write transaction (see
//! [`crate::db::write_transaction`]) for an actor whose scope the mutation pipeline has checked
//! ([`crate::auth::policy::authorise`]); it reads the rows it changes, applies the policy's record
//! rule to them before changing anything, checks `expectedVersion`, and records one audit event.

pub mod admin;
pub mod funding;
pub mod links;
pub mod organisation;
pub mod participants;
pub mod placement;
pub mod programme;
pub mod tokens;
mod validate;

pub use validate::{ParsedPeriod, Validator};

use chrono::{Duration, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::auth::Actor;
use crate::db::cached::Sql;
use crate::db::schema::{audit_event, idempotency_key, source};
use crate::db::{now, DbConn};
use crate::error::{AppError, UserErrorCode};
use crate::ids::RecordKind;
use crate::text::content_hash;

/// How long an idempotency key is remembered.
pub const IDEMPOTENCY_WINDOW_HOURS: i64 = 24;

/// Who a write is audited as: a token (its organisation and id) or nobody.
pub trait AuditedBy {
    /// The writing organisation and the token's id; `None` for a write without a token.
    fn by(&self) -> Option<(i64, &str)>;
}

impl AuditedBy for &Actor {
    fn by(&self) -> Option<(i64, &str)> {
        Some((self.organisation_id, self.jti.as_str()))
    }
}

/// A write from the command line, without a token.
pub struct CommandLine;

impl AuditedBy for CommandLine {
    fn by(&self) -> Option<(i64, &str)> {
        None
    }
}

/// Records an audit event with the fields that changed (`before`/`after` hold only those).
/// Returns the event id.
///
/// # Errors
/// A database error.
#[expect(clippy::too_many_arguments, reason = "one audit column per argument")]
pub fn audit(
    conn: &mut DbConn,
    writer: impl AuditedBy,
    mutation: &str,
    entity_type: RecordKind,
    entity_id: impl Into<i64>,
    owner_organisation_id: Option<i64>,
    before: &Value,
    after: &Value,
) -> Result<i64, AppError> {
    let by = writer.by();
    let entity_id: i64 = entity_id.into();
    let (b, a) = changed_fields(before, after);
    let changes = serde_json::json!({ "before": b, "after": a }).to_string();
    let t = now();
    Ok(diesel::insert_into(audit_event::table)
        .values((
            audit_event::occurred_at.eq(t),
            audit_event::organisation_id.eq(by.map(|b| b.0)),
            audit_event::token_jti.eq(by.map(|b| b.1)),
            audit_event::mutation.eq(mutation),
            audit_event::entity_type.eq(entity_type.as_str()),
            audit_event::entity_id.eq(entity_id),
            audit_event::owner_organisation_id.eq(owner_organisation_id),
            audit_event::changes.eq(changes),
            audit_event::created_at.eq(t),
            audit_event::updated_at.eq(t),
        ))
        .returning(audit_event::id)
        .get_result(conn)?)
}

/// The fields whose values differ, as two objects (or nulls for a create or delete).
fn changed_fields(before: &Value, after: &Value) -> (Value, Value) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut bo = Map::new();
            let mut ao = Map::new();
            for key in b.keys().chain(a.keys()) {
                let (x, y) = (b.get(key).unwrap_or(&Value::Null), a.get(key).unwrap_or(&Value::Null));
                if x != y {
                    bo.insert(key.clone(), x.clone());
                    ao.insert(key.clone(), y.clone());
                }
            }
            (Value::Object(bo), Value::Object(ao))
        }
        _ => (before.clone(), after.clone()),
    }
}

/// Starts an update that may turn out to change nothing (see [`end_update`]).
///
/// # Errors
/// A database error.
pub fn begin_update(conn: &mut DbConn) -> Result<(), AppError> {
    Ok(conn.batch_execute("SAVEPOINT unchanged_check")?)
}

/// Ends an update begun with [`begin_update`]. When the snapshots differ at most in `version`,
/// the update is undone (no version bump, no audit event) and this returns `true`.
///
/// # Errors
/// A database error.
pub fn end_update(conn: &mut DbConn, before: &Value, after: &Value) -> Result<bool, AppError> {
    let unchanged = same_but_version(before, after);
    let sql = if unchanged {
        "ROLLBACK TO SAVEPOINT unchanged_check; RELEASE SAVEPOINT unchanged_check"
    } else {
        "RELEASE SAVEPOINT unchanged_check"
    };
    conn.batch_execute(sql)?;
    Ok(unchanged)
}

/// True when two snapshots differ at most in `version`: the update changed nothing.
fn same_but_version(before: &Value, after: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Value::Object(m) = &mut v {
            m.remove("version");
        }
        v
    };
    strip(before) == strip(after)
}

/// Records that a partner submitted a record (its source), linked to the audit event.
///
/// # Errors
/// A database error.
pub fn partner_source(
    conn: &mut DbConn,
    entity_type: RecordKind,
    entity_id: impl Into<i64>,
    actor: &Actor,
    audit_id: i64,
) -> Result<(), AppError> {
    let entity_id: i64 = entity_id.into();
    let t = now();
    diesel::insert_into(source::table)
        .values((
            source::entity_type.eq(entity_type.as_str()),
            source::entity_id.eq(entity_id),
            source::organisation_id.eq(Some(actor.organisation_id)),
            source::audit_event_id.eq(Some(audit_id)),
            source::created_at.eq(t),
            source::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

/// What an idempotency key says about a create.
pub enum Idempotency {
    /// No key, or a new one: go ahead (call [`remember`] after creating).
    Proceed,
    /// The same request was made before: return this row instead of creating another.
    Replay(i64),
}

/// Checks an idempotency key for a create. The same key from the same organisation within 24 h
/// with the same input replays the first result; with another input it is a `CONFLICT`.
///
/// # Errors
/// `CONFLICT` (as a user error) for a reused key with other input; a database error.
pub fn check_idempotency<T: std::fmt::Debug>(
    conn: &mut DbConn,
    actor: &Actor,
    key: Option<&str>,
    mutation: &str,
    input: &T,
) -> Result<Idempotency, AppError> {
    let Some(key) = key else { return Ok(Idempotency::Proceed) };
    let hash = request_hash(mutation, input)?;
    let cutoff = (Utc::now() - Duration::hours(IDEMPOTENCY_WINDOW_HOURS)).naive_utc();
    diesel::delete(
        idempotency_key::table
            .filter(idempotency_key::organisation_id.eq(actor.organisation_id))
            .filter(idempotency_key::key.eq(key))
            .filter(idempotency_key::created_at.lt(cutoff)),
    )
    .execute(conn)?;
    let found: Option<(String, i64)> = idempotency_key::table
        .filter(idempotency_key::organisation_id.eq(actor.organisation_id))
        .filter(idempotency_key::key.eq(key))
        .select((idempotency_key::request_hash, idempotency_key::entity_id))
        .first(conn)
        .optional()?;
    match found {
        None => Ok(Idempotency::Proceed),
        Some((h, id)) if h == hash => Ok(Idempotency::Replay(id)),
        Some(_) => Err(AppError::invalid(
            &["input", "idempotencyKey"],
            UserErrorCode::Conflict,
            "this idempotency key was used in the last 24 hours with a different input",
        )),
    }
}

/// Stores an idempotency key after a create. A concurrent request with the same key fails here
/// with a unique violation and is retried, and then replays this result.
///
/// # Errors
/// `Duplicate` when another request stored the key first; a database error.
pub fn remember<T: std::fmt::Debug>(
    conn: &mut DbConn,
    actor: &Actor,
    key: Option<&str>,
    mutation: &str,
    input: &T,
    entity_type: RecordKind,
    entity_id: impl Into<i64>,
) -> Result<(), AppError> {
    let Some(key) = key else { return Ok(()) };
    let entity_id: i64 = entity_id.into();
    let t = now();
    diesel::insert_into(idempotency_key::table)
        .values((
            idempotency_key::organisation_id.eq(actor.organisation_id),
            idempotency_key::key.eq(key),
            idempotency_key::mutation.eq(mutation),
            idempotency_key::request_hash.eq(request_hash(mutation, input)?),
            idempotency_key::entity_type.eq(entity_type.as_str()),
            idempotency_key::entity_id.eq(entity_id),
            idempotency_key::created_at.eq(t),
            idempotency_key::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

/// A fingerprint of a request: the mutation and its parsed input (`Debug` form, which is stable for
/// the same input in the same build).
fn request_hash<T: std::fmt::Debug>(mutation: &str, input: &T) -> Result<String, AppError> {
    Ok(content_hash(format!("{mutation}\n{input:?}").as_bytes()))
}

/// A table whose rows a write refers to by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefTable {
    Programme,
    Organisation,
    Region,
}

impl RefTable {
    fn name(self) -> &'static str {
        match self {
            Self::Programme => "programme",
            Self::Organisation => "organisation",
            Self::Region => "region",
        }
    }
}

/// The ids one input field refers to.
#[derive(Debug, Clone, Copy)]
pub struct Refs<'a> {
    pub table: RefTable,
    pub ids: &'a [i64],
    /// The field's path; an id of a list field is reported at `field[i]`.
    pub field: &'a [&'a str],
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    field: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// Checks, in one statement for all the fields, that every id names a row of its table; unknown
/// ones are `UNKNOWN_REFERENCE` errors at their field (`field[i]` in a list), "no such <table>".
///
/// # Errors
/// The user errors; a database error.
pub fn check_references(conn: &mut DbConn, refs: &[Refs<'_>]) -> Result<(), AppError> {
    let mut sql = Sql::default();
    for (i, r) in refs.iter().enumerate().filter(|(_, r)| !r.ids.is_empty()) {
        if !sql.is_empty() {
            sql.push(" UNION ALL ");
        }
        sql.push(&format!("SELECT CAST({i} AS BIGINT) AS field, id FROM {} WHERE id", r.table.name()));
        sql.in_list(r.ids);
    }
    if sql.is_empty() {
        return Ok(());
    }
    let found: Vec<Found> = sql.load(conn)?;
    let mut v = Validator::new();
    for (i, r) in refs.iter().enumerate() {
        let field = i64::try_from(i).unwrap_or(i64::MAX);
        let listed = r.ids.len() > 1 || r.field.last().is_some_and(|p| p.ends_with("Ids") || *p == "allocations");
        for (k, id) in r.ids.iter().enumerate() {
            if !found.iter().any(|f| f.field == field && f.id == *id) {
                let index = k.to_string();
                let mut path = r.field.to_vec();
                if listed {
                    path.push(&index);
                }
                v.push(&path, UserErrorCode::UnknownReference, format!("no such {}", r.table.name()));
            }
        }
    }
    v.finish()
}

/// Checks that every id names a row of the table ([`RefTable`]'s variant); unknown ones are
/// `UNKNOWN_REFERENCE` errors at `field[i]` ("no such <table>"). See [`check_references`].
#[macro_export]
macro_rules! check_refs {
    ($conn:expr, $table:ident, $ids:expr, $field:expr) => {{
        let ids: Vec<i64> = $ids.iter().copied().map(i64::from).collect();
        $crate::write::check_references(
            $conn,
            &[$crate::write::Refs { table: $crate::write::RefTable::$table, ids: &ids, field: &$field }],
        )?;
    }};
}

/// A row the write needs, or the user error `code` at `field` (e.g. `NOT_FOUND`, "no such programme").
///
/// # Errors
/// The user error when `row` is `None`.
pub fn required<T>(row: Option<T>, field: &[&str], code: UserErrorCode, message: &str) -> Result<T, AppError> {
    row.ok_or_else(|| AppError::invalid(field, code, message))
}

/// Refuses a stale `expectedVersion`.
///
/// # Errors
/// `CONFLICT` naming both versions.
pub fn check_version(current: i32, expected: i32, what: &str) -> Result<(), AppError> {
    if current == expected {
        Ok(())
    } else {
        Err(AppError::Conflict(format!("{what} is at version {current}, not {expected}: reload it and try again")))
    }
}

/// Turns "no row updated" of a version-checked `UPDATE … WHERE version = expected` into `CONFLICT`.
///
/// # Errors
/// `CONFLICT` when `rows` is 0.
pub fn updated_one(rows: usize, what: &str) -> Result<(), AppError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(format!("{what} was changed by someone else meanwhile: reload it and try again")))
    }
}
