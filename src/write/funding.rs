//! Funding writes: record, update, delete. Allowed to the scheme's administrator or funder (or,
//! without a scheme, the named funder); the recipient may change only the co-financing figure.

use chrono::NaiveDate;
use diesel::prelude::*;
use rand_core::RngCore;
use serde_json::{json, Value};

use super::placement::{self, Scope};
use super::required;
use super::validate::ParsedPeriod;
use super::{
    audit, begin_update, check_idempotency, check_version, end_update, links, partner_source, remember, updated_one,
    Idempotency, RefTable, Refs,
};
use crate::auth::{policy, Actor};
use crate::db::models::{FundingRow, FundingSchemeRow};
use crate::db::schema::*;
use crate::db::{now, Db, DbConn};
use crate::error::{AppError, UserErrorCode};
use crate::ids::{encode_id, FundingId, NodeType, RecordKind};
use crate::period::format_partial_date;
use crate::read;
use crate::text::{search_key, search_text};
use crate::vocab::{AmountBasis, AmountQualifier, DatePrecision, FundingStatus};

/// A date and its precision: the first day it covers and whether it is a year, month or day.
pub type PartialDay = (NaiveDate, DatePrecision);

/// A region allocation: region id and share in basis points (all or none have one).
pub type Allocation = (i64, Option<i32>);

/// A new funding, validated.
#[derive(Debug, Clone)]
pub struct NewFunding {
    pub key: Option<String>,
    pub scheme_id: Option<i64>,
    pub funder_id: Option<i64>,
    pub programme_id: Option<i64>,
    pub recipient_id: Option<i64>,
    pub period: ParsedPeriod,
    /// When it was awarded, at the precision given (`2018-11` is some day in November 2018).
    pub award_date: Option<PartialDay>,
    pub amount_cents: i64,
    pub co_financing_cents: Option<i64>,
    /// Null when the submitter does not say how exact the figure is.
    pub qualifier: Option<AmountQualifier>,
    /// Null when the submitter does not say what the figure counts.
    pub basis: Option<AmountBasis>,
    pub status: Option<FundingStatus>,
    pub note: Option<String>,
    pub allocations: Vec<Allocation>,
    pub idempotency_key: Option<String>,
}

/// Changes to a funding; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct FundingChanges {
    pub programme_id: Option<Option<i64>>,
    pub recipient_id: Option<Option<i64>>,
    pub period: Option<ParsedPeriod>,
    pub award_date: Option<Option<PartialDay>>,
    pub amount_cents: Option<i64>,
    pub co_financing_cents: Option<Option<i64>>,
    pub qualifier: Option<Option<AmountQualifier>>,
    pub basis: Option<Option<AmountBasis>>,
    pub status: Option<Option<FundingStatus>>,
    pub note: Option<Option<String>>,
    pub allocations: Option<Vec<Allocation>>,
}

impl FundingChanges {
    /// True when nothing but the co-financing figure changes.
    pub fn only_co_financing(&self) -> bool {
        let Self { co_financing_cents, .. } = self;
        let rest = Self { co_financing_cents: None, ..self.clone() };
        co_financing_cents.is_some()
            && rest.programme_id.is_none()
            && rest.recipient_id.is_none()
            && rest.period.is_none()
            && rest.award_date.is_none()
            && rest.amount_cents.is_none()
            && rest.qualifier.is_none()
            && rest.basis.is_none()
            && rest.status.is_none()
            && rest.note.is_none()
            && rest.allocations.is_none()
    }
}

/// Loads a funding or fails with a `NOT_FOUND` user error.
///
/// # Errors
/// `NOT_FOUND` user error; a database error.
pub fn find(conn: &mut DbConn, id: FundingId) -> Result<FundingRow, AppError> {
    required(read::fundings::find(conn, id.into())?, &["input", "id"], UserErrorCode::NotFound, "no such funding")
}

fn scheme(conn: &mut DbConn, id: Option<i64>) -> Result<Option<FundingSchemeRow>, AppError> {
    let Some(id) = id else { return Ok(None) };
    let row = read::schemes::find(conn, id)?;
    required(row, &["input", "schemeId"], UserErrorCode::UnknownReference, "no such funding scheme").map(Some)
}

fn snapshot(conn: &mut DbConn, f: &FundingRow) -> Result<Value, AppError> {
    let allocations: Vec<(i64, Option<i32>)> = region_allocation::table
        .filter(region_allocation::funding_id.eq(f.id))
        .order(region_allocation::id.asc())
        .select((region_allocation::region_id, region_allocation::share_basis_points))
        .load(conn)?;
    Ok(snapshot_of(f, &allocations))
}

/// The audit's picture of a funding with these allocations (region id, share), in their order.
fn snapshot_of(f: &FundingRow, allocations: &[(i64, Option<i32>)]) -> Value {
    let id = |t: NodeType, v: Option<i64>| v.map(|v| encode_id(t, v).0);
    json!({
        "key": f.key, "schemeId": id(NodeType::FundingScheme, f.scheme_id), "funderId": id(NodeType::Organisation, f.funder_id),
        "programmeId": id(NodeType::Programme, f.programme_id), "recipientId": id(NodeType::Organisation, f.recipient_id), "startDate": f.start_date, "endDate": f.end_date, "awardDate": award_text(f),
        "amountCents": f.amount_cents, "coFinancingCents": f.co_financing_cents, "qualifier": f.qualifier,
        "basis": f.basis, "status": f.status, "note": f.note,
        "allocations": allocations.iter().map(|(r, s)| json!({ "regionId": encode_id(NodeType::Region, *r).0, "shareBasisPoints": s })).collect::<Vec<_>>(),
        "version": f.version,
    })
}

/// The award date as the audit shows it: at its precision (`"2018-11"`).
fn award_text(f: &FundingRow) -> Option<String> {
    let precision = f.award_precision.as_deref().and_then(DatePrecision::parse).unwrap_or(DatePrecision::Day);
    f.award_date.map(|d| format_partial_date(d, precision))
}

fn replace_allocations(conn: &mut DbConn, id: i64, allocations: &[Allocation]) -> Result<(), AppError> {
    super::links::allocations(conn, id, allocations)
}

/// Checks the funding's references in one statement.
fn check_links(
    conn: &mut DbConn,
    programme: Option<i64>,
    recipient: Option<i64>,
    funder: Option<i64>,
    allocations: &[Allocation],
) -> Result<(), AppError> {
    let regions: Vec<i64> = allocations.iter().map(|a| a.0).collect();
    super::check_references(
        conn,
        &[
            Refs { table: RefTable::Programme, ids: programme.as_slice(), field: &["input", "programmeId"] },
            Refs { table: RefTable::Organisation, ids: recipient.as_slice(), field: &["input", "recipientId"] },
            Refs { table: RefTable::Organisation, ids: funder.as_slice(), field: &["input", "funderId"] },
            Refs { table: RefTable::Region, ids: &regions, field: &["input", "allocations"] },
        ],
    )
}

fn owner_of(scheme: Option<&FundingSchemeRow>, f_funder: Option<i64>) -> Option<i64> {
    scheme.and_then(|s| s.administrator_id.or(s.funder_id)).or(f_funder)
}

fn new_key() -> String {
    let mut bytes = [0u8; 6];
    rand_core::OsRng.fill_bytes(&mut bytes);
    format!("funding-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Records a funding.
///
/// # Errors
/// `FORBIDDEN` unless the caller administers or funds the scheme (or is the named funder without a
/// scheme); user errors for unknown references or a taken key; `CONFLICT` for a reused idempotency key.
pub fn record(conn: &mut DbConn, actor: &Actor, input: &NewFunding) -> Result<FundingRow, AppError> {
    let scheme_row = scheme(conn, input.scheme_id)?;
    policy::manage_funding(actor, scheme_row.as_ref(), input.funder_id)?;
    if let (Some(s), Some(funder)) = (&scheme_row, input.funder_id) {
        policy::named_funder(actor, s, funder)?;
    }
    if let Idempotency::Replay(id) =
        check_idempotency(conn, actor, input.idempotency_key.as_deref(), "recordFunding", input)?
    {
        return find(conn, FundingId(id));
    }
    check_links(conn, input.programme_id, input.recipient_id, input.funder_id, &input.allocations)?;
    placement::lock_programmes(conn, input.programme_id.as_slice(), false)?;
    let key = match &input.key {
        Some(k) => {
            let taken: i64 = funding::table.filter(funding::key.eq(k)).count().get_result(conn)?;
            if taken > 0 {
                return Err(AppError::invalid(&["input", "key"], UserErrorCode::Duplicate, "this key is taken"));
            }
            k.clone()
        }
        None => new_key(),
    };
    let t = now();
    let (p0, p1) = input.period;
    let row: FundingRow = diesel::insert_into(funding::table)
        .values((
            (
                funding::key.eq(&key),
                funding::scheme_id.eq(input.scheme_id),
                funding::funder_id.eq(input.funder_id),
                funding::programme_id.eq(input.programme_id),
                funding::recipient_id.eq(input.recipient_id),
                funding::start_date.eq(p0.map(|x| x.0)),
                funding::start_precision.eq(p0.map(|x| x.1.as_str())),
                funding::end_date.eq(p1.map(|x| x.0)),
                funding::end_precision.eq(p1.map(|x| x.1.as_str())),
                funding::award_date.eq(input.award_date.map(|a| a.0)),
                funding::award_precision.eq(input.award_date.map(|a| a.1.as_str())),
            ),
            (
                funding::amount_cents.eq(input.amount_cents),
                funding::co_financing_cents.eq(input.co_financing_cents),
                funding::qualifier.eq(input.qualifier.map(|q| q.as_str())),
                funding::basis.eq(input.basis.map(|b| b.as_str())),
                funding::status.eq(input.status.map(|s| s.as_str())),
                funding::note.eq(&input.note),
                funding::sort_key.eq(search_key(&key)),
                funding::search_text.eq(search_text([key.as_str()])),
                funding::created_at.eq(t),
                funding::updated_at.eq(t),
            ),
        ))
        .returning(<FundingRow as Selectable<Db>>::construct_selection())
        .get_result(conn)?;
    let id = row.id;
    // A new funding has no allocations to replace: only inserted, in the order given.
    super::links::new_allocations(conn, id.0, &input.allocations)?;
    placement::refresh(conn, Scope::Created(&[id.0]))?;
    let after = snapshot_of(&row, &input.allocations);
    let owner = owner_of(scheme_row.as_ref(), row.funder_id);
    let event = audit(conn, actor, "recordFunding", RecordKind::Funding, id, owner, &Value::Null, &after)?;
    partner_source(conn, RecordKind::Funding, id, actor, event)?;
    remember(conn, actor, input.idempotency_key.as_deref(), "recordFunding", input, RecordKind::Funding, id)?;
    Ok(row)
}

/// Changes the given fields of a funding.
///
/// # Errors
/// `FORBIDDEN`, `CONFLICT` for a stale version, user errors.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: FundingId,
    expected: i32,
    changes: &FundingChanges,
) -> Result<FundingRow, AppError> {
    let row = find(conn, id)?;
    let scheme_row = scheme(conn, row.scheme_id)?;
    policy::update_funding(actor, scheme_row.as_ref(), &row, changes.only_co_financing())?;
    check_version(row.version, expected, "the funding")?;
    check_links(
        conn,
        changes.programme_id.flatten(),
        changes.recipient_id.flatten(),
        None,
        changes.allocations.as_deref().unwrap_or_default(),
    )?;
    let before = snapshot(conn, &row)?;
    let original = row.clone();
    let programmes: Vec<i64> = row.programme_id.into_iter().chain(changes.programme_id.flatten()).collect();
    placement::lock_programmes(conn, &programmes, false)?;
    begin_update(conn)?;
    let (p0, p1) = match changes.period {
        Some(p) => p,
        None => (
            row.start_date.zip(row.start_precision.as_deref().and_then(crate::vocab::DatePrecision::parse)),
            row.end_date.zip(row.end_precision.as_deref().and_then(crate::vocab::DatePrecision::parse)),
        ),
    };
    let rows = diesel::update(funding::table.filter(funding::id.eq(id)).filter(funding::version.eq(expected)))
        .set((
            (
                funding::programme_id.eq(changes.programme_id.unwrap_or(row.programme_id)),
                funding::recipient_id.eq(changes.recipient_id.unwrap_or(row.recipient_id)),
                funding::start_date.eq(p0.map(|x| x.0)),
                funding::start_precision.eq(p0.map(|x| x.1.as_str())),
                funding::end_date.eq(p1.map(|x| x.0)),
                funding::end_precision.eq(p1.map(|x| x.1.as_str())),
                funding::award_date.eq(changes.award_date.map_or(row.award_date, |a| a.map(|a| a.0))),
                funding::award_precision
                    .eq(changes.award_date.map_or(row.award_precision.clone(), |a| a.map(|a| a.1.as_str().to_owned()))),
                funding::amount_cents.eq(changes.amount_cents.unwrap_or(row.amount_cents)),
            ),
            (
                funding::co_financing_cents.eq(changes.co_financing_cents.unwrap_or(row.co_financing_cents)),
                funding::qualifier
                    .eq(changes.qualifier.map_or(row.qualifier.clone(), |q| q.map(|q| q.as_str().to_owned()))),
                funding::basis.eq(changes.basis.map_or(row.basis.clone(), |b| b.map(|b| b.as_str().to_owned()))),
                funding::status.eq(changes.status.map_or(row.status.clone(), |s| s.map(|s| s.as_str().to_owned()))),
                funding::note.eq(changes.note.clone().unwrap_or(row.note.clone())),
                funding::updated_at.eq(now()),
                funding::version.eq(expected + 1),
            ),
        ))
        .execute(conn)?;
    updated_one(rows, "the funding")?;
    if let Some(allocations) = &changes.allocations {
        replace_allocations(conn, id.0, allocations)?;
    }
    placement::refresh(conn, Scope::Fundings(&[id.0]))?;
    let row = find(conn, id)?;
    let after = snapshot(conn, &row)?;
    if end_update(conn, &before, &after)? {
        // Nothing changed: the version bump is undone and no audit event is written.
        return Ok(original);
    }
    let owner = owner_of(scheme_row.as_ref(), row.funder_id);
    audit(conn, actor, "updateFunding", RecordKind::Funding, id, owner, &before, &after)?;
    Ok(row)
}

/// Deletes a funding and its allocations.
///
/// # Errors
/// `FORBIDDEN`, `CONFLICT`, `NOT_FOUND`.
pub fn delete(conn: &mut DbConn, actor: &Actor, id: FundingId, expected: i32) -> Result<FundingRow, AppError> {
    let row = find(conn, id)?;
    let scheme_row = scheme(conn, row.scheme_id)?;
    policy::manage_funding(actor, scheme_row.as_ref(), row.funder_id)?;
    check_version(row.version, expected, "the funding")?;
    let before = snapshot(conn, &row)?;
    diesel::delete(region_allocation::table.filter(region_allocation::funding_id.eq(id))).execute(conn)?;
    links::drop_sources(conn, &[RecordKind::Funding], &[id.0])?;
    let rows = diesel::delete(funding::table.filter(funding::id.eq(id)).filter(funding::version.eq(expected)))
        .execute(conn)?;
    updated_one(rows, "the funding")?;
    placement::refresh(conn, Scope::Fundings(&[id.0]))?;
    let owner = owner_of(scheme_row.as_ref(), row.funder_id);
    audit(conn, actor, "deleteFunding", RecordKind::Funding, id, owner, &before, &Value::Null)?;
    Ok(row)
}
