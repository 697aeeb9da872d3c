//! Input pieces several mutations share, and how they parse.

use async_graphql::{InputObject, MaybeUndefined, ID};

use crate::error::UserErrorCode;
use crate::ids::{NodeType, RowId};
pub(super) use crate::write::links::distinct;
use crate::write::{ParsedPeriod, Validator};

/// A period: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` at each end; either end may be left out.
#[derive(InputObject, Debug, Clone)]
pub struct PeriodInput {
    /// When it starts (a year means from 1 January).
    pub start: Option<String>,
    /// When it ends (a year means until 31 December).
    pub end: Option<String>,
}

/// A period input at `input.field` as its two ends (each its day and precision).
pub(super) fn period(v: &mut Validator, field: &str, p: Option<&PeriodInput>) -> ParsedPeriod {
    p.map(|p| v.period(field, p.start.as_deref(), p.end.as_deref())).unwrap_or_default()
}

/// `MaybeUndefined` as "leave / clear / set".
pub(super) fn patch<T: Clone>(value: &MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v.clone())),
    }
}

/// An ID at `input.field` naming a row of `T`'s table, as its typed id.
pub(super) fn typed_id<T: RowId>(v: &mut Validator, field: &str, id: &ID) -> T {
    T::from(v.id(&["input", field], id, T::NODE))
}

/// An optional ID at `input.field` naming a `node`.
pub(super) fn optional_id(v: &mut Validator, field: &str, id: Option<&ID>, node: NodeType) -> Option<i64> {
    id.map(|id| v.id(&["input", field], id, node))
}

/// A list of at most 100 IDs at `input.field`, each naming a `node`, each kept once.
pub(super) fn ids(v: &mut Validator, field: &str, ids: &[ID], node: NodeType) -> Vec<i64> {
    if ids.len() > 100 {
        v.push(&["input", field], UserErrorCode::OutOfRange, format!("`{field}` holds at most 100 IDs"));
        return Vec::new();
    }
    let parsed = ids.iter().enumerate().map(|(i, id)| {
        let index = i.to_string();
        v.id(&["input", field, &index], id, node)
    });
    distinct(parsed)
}

/// A code at `input.code`: at most 100 characters, each a capital, a digit or `extra`.
pub(super) fn code(v: &mut Validator, value: &str, extra: char) -> String {
    let code = v.text("code", value, 100);
    if !code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == extra) {
        v.push(&["input", "code"], UserErrorCode::Invalid, format!("codes are capitals, digits and {extra}"));
    }
    code
}

/// An idempotency key at `input.idempotencyKey`.
pub(super) fn idempotency_key(v: &mut Validator, key: Option<&str>) -> Option<String> {
    v.optional_text("idempotencyKey", key, 200)
}
