//! The pact secretariat's writes: regions, funding schemes, budget lines.

use diesel::prelude::*;
use serde_json::{json, Value};

use super::required;
use super::validate::ParsedPeriod;
use super::{audit, check_idempotency, check_version, partner_source, remember, updated_one, Idempotency};
use crate::auth::Actor;
use crate::check_refs;
use crate::db::models::{BudgetLineRow, FundingSchemeRow, RegionRow};
use crate::db::schema::*;
use crate::db::{now, DbConn};
use crate::error::{AppError, UserErrorCode};
use crate::ids::{FundingSchemeId, RecordKind};
use crate::read;
use crate::text::{search_key, search_text};
use crate::vocab::{AmountBasis, AmountQualifier, RegionScheme};

/// A new region, validated.
#[derive(Debug, Clone)]
pub struct NewRegion {
    pub scheme: RegionScheme,
    pub code: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub identifiers: Vec<String>,
    pub parent_id: Option<i64>,
    pub idempotency_key: Option<String>,
}

/// A new funding scheme, validated.
#[derive(Debug, Clone)]
pub struct NewScheme {
    pub code: String,
    pub name: String,
    pub display_name: Option<String>,
    pub funder_id: Option<i64>,
    pub administrator_id: Option<i64>,
    pub legal_basis: Option<String>,
    pub url: Option<String>,
    pub period: ParsedPeriod,
    pub idempotency_key: Option<String>,
}

/// A new budget line, validated.
#[derive(Debug, Clone)]
pub struct NewBudgetLine {
    pub period: ParsedPeriod,
    pub amount_cents: i64,
    /// Null when the source does not say how exact the figure is.
    pub qualifier: Option<AmountQualifier>,
    /// Null when the source does not say what the figure counts.
    pub basis: Option<AmountBasis>,
    pub note: Option<String>,
}

/// Creates a region (admin).
///
/// # Errors
/// User errors for a taken code or an unknown parent.
pub fn create_region(conn: &mut DbConn, actor: &Actor, input: &NewRegion) -> Result<RegionRow, AppError> {
    let find = |conn: &mut DbConn, id: i64| -> Result<RegionRow, AppError> {
        Ok(region::table.find(id).select(RegionRow::as_select()).first(conn)?)
    };
    if let Idempotency::Replay(id) =
        check_idempotency(conn, actor, input.idempotency_key.as_deref(), "createRegion", input)?
    {
        return find(conn, id);
    }
    if let Some(p) = input.parent_id {
        check_refs!(conn, Region, &[p], ["input", "parentId"]);
        let parent_scheme: String = region::table.find(p).select(region::scheme).first(conn)?;
        let allowed: &[&str] = match input.scheme {
            RegionScheme::Landsdeel => &[],
            RegionScheme::Province | RegionScheme::Subregion => &["LANDSDEEL"],
            RegionScheme::Arbeidsmarktregio => &["LANDSDEEL", "PROVINCE"],
        };
        if !allowed.contains(&parent_scheme.as_str()) {
            return Err(AppError::invalid(
                &["input", "parentId"],
                UserErrorCode::Invalid,
                format!("a {} cannot have a {parent_scheme} as its formal parent", input.scheme.as_str()),
            ));
        }
    }
    let taken: i64 = region::table
        .filter(region::scheme.eq(input.scheme.as_str()))
        .filter(region::code.eq(&input.code))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(AppError::invalid(
            &["input", "code"],
            UserErrorCode::Duplicate,
            "this code is taken in this scheme",
        ));
    }
    let t = now();
    let names = std::iter::once(input.name.as_str()).chain(input.aliases.iter().map(String::as_str));
    let id: i64 = diesel::insert_into(region::table)
        .values((
            region::scheme.eq(input.scheme.as_str()),
            region::code.eq(&input.code),
            region::name.eq(&input.name),
            region::aliases.eq(serde_json::to_string(&input.aliases).unwrap_or_else(|_| "[]".into())),
            region::identifiers.eq(serde_json::to_string(&input.identifiers).unwrap_or_else(|_| "[]".into())),
            region::parent_id.eq(input.parent_id),
            region::sort_key.eq(search_key(&input.name)),
            region::search_text.eq(search_text(names)),
            region::created_at.eq(t),
            region::updated_at.eq(t),
        ))
        .returning(region::id)
        .get_result(conn)?;
    // A new region has no fundings placed by it yet: only the level table changes.
    super::placement::rebuild_region_levels(conn)?;
    let row = find(conn, id)?;
    let after = json!({ "scheme": row.scheme, "code": row.code, "name": row.name, "parentId": row.parent_id });
    let event = audit(conn, actor, "createRegion", RecordKind::Region, id, None, &Value::Null, &after)?;
    partner_source(conn, RecordKind::Region, id, actor, event)?;
    remember(conn, actor, input.idempotency_key.as_deref(), "createRegion", input, RecordKind::Region, id)?;
    Ok(row)
}

/// Creates a funding scheme (admin).
///
/// # Errors
/// User errors for a taken code or unknown organisations.
pub fn create_scheme(conn: &mut DbConn, actor: &Actor, input: &NewScheme) -> Result<FundingSchemeRow, AppError> {
    let find = |conn: &mut DbConn, id: i64| -> Result<FundingSchemeRow, AppError> {
        Ok(funding_scheme::table.find(id).select(FundingSchemeRow::as_select()).first(conn)?)
    };
    if let Idempotency::Replay(id) =
        check_idempotency(conn, actor, input.idempotency_key.as_deref(), "createFundingScheme", input)?
    {
        return find(conn, id);
    }
    if let Some(o) = input.funder_id {
        check_refs!(conn, Organisation, &[o], ["input", "funderId"]);
    }
    if let Some(o) = input.administrator_id {
        check_refs!(conn, Organisation, &[o], ["input", "administratorId"]);
    }
    let taken: i64 = funding_scheme::table.filter(funding_scheme::code.eq(&input.code)).count().get_result(conn)?;
    if taken > 0 {
        return Err(AppError::invalid(&["input", "code"], UserErrorCode::Duplicate, "this code is taken"));
    }
    let t = now();
    let display = input.display_name.clone().unwrap_or_else(|| input.name.clone());
    let (p0, p1) = input.period;
    let id: i64 = diesel::insert_into(funding_scheme::table)
        .values((
            (
                funding_scheme::code.eq(&input.code),
                funding_scheme::name.eq(&input.name),
                funding_scheme::display_name.eq(&display),
                funding_scheme::funder_id.eq(input.funder_id),
                funding_scheme::administrator_id.eq(input.administrator_id),
                funding_scheme::legal_basis.eq(&input.legal_basis),
                funding_scheme::url.eq(&input.url),
                funding_scheme::start_date.eq(p0.map(|x| x.0)),
                funding_scheme::start_precision.eq(p0.map(|x| x.1.as_str())),
            ),
            (
                funding_scheme::end_date.eq(p1.map(|x| x.0)),
                funding_scheme::end_precision.eq(p1.map(|x| x.1.as_str())),
                funding_scheme::sort_key.eq(search_key(&input.name)),
                funding_scheme::search_text.eq(search_text([
                    input.name.as_str(),
                    display.as_str(),
                    input.code.as_str(),
                ])),
                funding_scheme::created_at.eq(t),
                funding_scheme::updated_at.eq(t),
            ),
        ))
        .returning(funding_scheme::id)
        .get_result(conn)?;
    let row = find(conn, id)?;
    let after = json!({ "code": row.code, "name": row.name, "funderId": row.funder_id, "administratorId": row.administrator_id });
    let event = audit(
        conn,
        actor,
        "createFundingScheme",
        RecordKind::FundingScheme,
        id,
        row.administrator_id.or(row.funder_id),
        &Value::Null,
        &after,
    )?;
    partner_source(conn, RecordKind::FundingScheme, id, actor, event)?;
    remember(
        conn,
        actor,
        input.idempotency_key.as_deref(),
        "createFundingScheme",
        input,
        RecordKind::FundingScheme,
        id,
    )?;
    Ok(row)
}

/// Adds a budget line to a scheme (admin); raises the scheme's version.
///
/// # Errors
/// `CONFLICT`, `NOT_FOUND`.
pub fn add_budget_line(
    conn: &mut DbConn,
    actor: &Actor,
    scheme_id: FundingSchemeId,
    expected: i32,
    line: &NewBudgetLine,
) -> Result<BudgetLineRow, AppError> {
    let scheme = read::schemes::find(conn, scheme_id.into())?;
    let scheme = required(scheme, &["input", "schemeId"], UserErrorCode::NotFound, "no such funding scheme")?;
    check_version(scheme.version, expected, "the funding scheme")?;
    let t = now();
    let (p0, p1) = line.period;
    let id: i64 = diesel::insert_into(budget_line::table)
        .values((
            budget_line::scheme_id.eq(scheme_id),
            budget_line::start_date.eq(p0.map(|x| x.0)),
            budget_line::start_precision.eq(p0.map(|x| x.1.as_str())),
            budget_line::end_date.eq(p1.map(|x| x.0)),
            budget_line::end_precision.eq(p1.map(|x| x.1.as_str())),
            budget_line::amount_cents.eq(line.amount_cents),
            budget_line::qualifier.eq(line.qualifier.map(|q| q.as_str())),
            budget_line::basis.eq(line.basis.map(|b| b.as_str())),
            budget_line::note.eq(&line.note),
            budget_line::created_at.eq(t),
            budget_line::updated_at.eq(t),
        ))
        .returning(budget_line::id)
        .get_result(conn)?;
    let rows = diesel::update(
        funding_scheme::table.filter(funding_scheme::id.eq(scheme_id)).filter(funding_scheme::version.eq(expected)),
    )
    .set((funding_scheme::version.eq(expected + 1), funding_scheme::updated_at.eq(t)))
    .execute(conn)?;
    updated_one(rows, "the funding scheme")?;
    let after = json!({ "budgetLineId": id, "amountCents": line.amount_cents, "basis": line.basis.map(|b| b.as_str()), "qualifier": line.qualifier.map(|q| q.as_str()) });
    let event = audit(
        conn,
        actor,
        "addBudgetLine",
        RecordKind::FundingScheme,
        scheme_id,
        scheme.administrator_id.or(scheme.funder_id),
        &Value::Null,
        &after,
    )?;
    partner_source(conn, RecordKind::BudgetLine, id, actor, event)?;
    Ok(budget_line::table.find(id).select(BudgetLineRow::as_select()).first(conn)?)
}
