//! Rows that belong to records of several kinds, named by `(record type as stored, row id)`: the
//! relations, events, listed items and roles of programmes, organisations and schemes. One query
//! per batch reads the rows of every type and id asked for; [`keyed`] keeps the exact pairs.

use std::collections::HashSet;

use crate::ids::RecordKind;

/// The record kinds a relation, event or listed item may name.
pub const LINKABLE: [RecordKind; 3] = [RecordKind::Programme, RecordKind::Organisation, RecordKind::FundingScheme];

/// A row for one of the asked records: `((kind, id), row)`, as the loaders group them.
pub type ByRecord<R> = Vec<((RecordKind, i64), R)>;

/// The stored type texts and the ids of `records` (for `type IN … AND id IN …`).
pub fn types_and_ids(records: &[(RecordKind, i64)]) -> (Vec<&'static str>, Vec<i64>) {
    let types: HashSet<&'static str> = records.iter().map(|r| r.0.as_str()).collect();
    (types.into_iter().collect(), records.iter().map(|r| r.1).collect())
}

/// Pairs each row with the asked record it belongs to: `sides` gives the `(type, id)` pairs a row
/// names (a relation names two); pairs nobody asked for are dropped.
pub fn keyed<R: Clone>(
    records: &[(RecordKind, i64)],
    rows: Vec<R>,
    sides: impl Fn(&R) -> Vec<(&str, i64)>,
) -> ByRecord<R> {
    let wanted: HashSet<(&str, i64)> = records.iter().map(|r| (r.0.as_str(), r.1)).collect();
    let mut out = Vec::new();
    for row in rows {
        for (t, id) in sides(&row) {
            if wanted.contains(&(t, id)) {
                if let Some(kind) = RecordKind::parse(t) {
                    out.push(((kind, id), row.clone()));
                }
            }
        }
    }
    out
}

/// How many relations, event ties, listed items, roles and statement ties name this record (a
/// record they name cannot be deleted).
///
/// # Errors
/// A database error.
pub fn links_to(conn: &mut crate::db::DbConn, kind: RecordKind, id: i64) -> Result<i64, crate::error::AppError> {
    use crate::db::schema::*;
    use diesel::prelude::*;
    let k = kind.as_str();
    let relations: i64 = relation::table
        .filter(relation::subject_type.eq(k).and(relation::subject_id.eq(id)))
        .or_filter(relation::object_type.eq(k).and(relation::object_id.eq(id)))
        .count()
        .get_result(conn)?;
    let events: i64 = event_record::table
        .filter(event_record::record_type.eq(k))
        .filter(event_record::record_id.eq(id))
        .count()
        .get_result(conn)?;
    let items: i64 = listed_item::table
        .filter(listed_item::record_type.eq(k))
        .filter(listed_item::record_id.eq(id))
        .count()
        .get_result(conn)?;
    let roles: i64 = person_role::table
        .filter(person_role::record_type.eq(k))
        .filter(person_role::record_id.eq(id))
        .count()
        .get_result(conn)?;
    let statements: i64 = statement_record::table
        .filter(statement_record::record_type.eq(k))
        .filter(statement_record::record_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(relations + events + items + roles + statements)
}
