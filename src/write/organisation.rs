//! Organisation writes: a partner changes its own profile; the pact secretariat creates organisations.

use diesel::prelude::*;
use serde_json::{json, Value};

use super::required;
use super::{
    audit, begin_update, check_idempotency, check_version, end_update, partner_source, remember, updated_one,
    Idempotency,
};
use crate::auth::{policy, Actor};
use crate::check_refs;
use crate::db::models::OrganisationRow;
use crate::db::schema::*;
use crate::db::{now, DbConn};
use crate::error::{AppError, UserErrorCode};
use crate::ids::{encode_id, NodeType, OrganisationId, RecordKind};
use crate::read;
use crate::text::{search_key, search_text};
use crate::vocab::{OrganisationKind, SchoolLevel};

/// A new organisation, validated.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub school_level: Option<SchoolLevel>,
    pub website: Option<String>,
    pub identifiers: Vec<String>,
    pub aliases: Vec<String>,
    pub home_region_ids: Vec<i64>,
    pub idempotency_key: Option<String>,
}

/// Changes to an organisation; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub short_name: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub identifiers: Option<Vec<String>>,
    pub aliases: Option<Vec<String>>,
    pub home_region_ids: Option<Vec<i64>>,
}

fn find(conn: &mut DbConn, id: OrganisationId) -> Result<OrganisationRow, AppError> {
    required(
        read::organisations::find(conn, id.into())?,
        &["input", "id"],
        UserErrorCode::NotFound,
        "no such organisation",
    )
}

fn snapshot(conn: &mut DbConn, o: &OrganisationRow) -> Result<Value, AppError> {
    let regions: Vec<i64> = organisation_region::table
        .filter(organisation_region::organisation_id.eq(o.id))
        .order(organisation_region::region_id.asc())
        .select(organisation_region::region_id)
        .load(conn)?;
    Ok(json!({
        "slug": o.slug, "name": o.name, "shortName": o.short_name, "kind": o.kind, "schoolLevel": o.school_level,
        "website": o.website,
        "identifiers": crate::text::json_strings(&o.identifiers),
        "aliases": crate::text::json_strings(&o.aliases),
        "homeRegionIds": regions.iter().map(|r| encode_id(NodeType::Region, *r).0).collect::<Vec<_>>(),
        "version": o.version,
    }))
}

fn replace_home_regions(conn: &mut DbConn, id: i64, regions: &[i64]) -> Result<(), AppError> {
    super::links::home_regions(conn, id, &super::links::distinct(regions.iter().copied()))
}

fn names<'a>(name: &'a str, short: Option<&'a str>, aliases: &'a [String]) -> impl Iterator<Item = &'a str> {
    std::iter::once(name).chain(short).chain(aliases.iter().map(String::as_str))
}

/// Changes an organisation's profile (its own, or any for an admin).
///
/// # Errors
/// `FORBIDDEN`, `CONFLICT`, user errors.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: OrganisationId,
    expected: i32,
    changes: &OrganisationChanges,
) -> Result<OrganisationRow, AppError> {
    let row = find(conn, id)?;
    policy::update_organisation(actor, row.id.0)?;
    check_version(row.version, expected, "the organisation")?;
    if let Some(regions) = &changes.home_region_ids {
        check_refs!(conn, Region, regions, ["input", "homeRegionIds"]);
    }
    let before = snapshot(conn, &row)?;
    let original = row.clone();
    begin_update(conn)?;
    let name = changes.name.clone().unwrap_or_else(|| row.name.clone());
    let short = changes.short_name.clone().unwrap_or(row.short_name.clone());
    let aliases = changes.aliases.clone().unwrap_or_else(|| crate::text::json_strings(&row.aliases));
    let identifiers = changes.identifiers.clone().unwrap_or_else(|| crate::text::json_strings(&row.identifiers));
    let rows =
        diesel::update(organisation::table.filter(organisation::id.eq(id)).filter(organisation::version.eq(expected)))
            .set((
                organisation::name.eq(&name),
                organisation::short_name.eq(&short),
                organisation::website.eq(changes.website.clone().unwrap_or(row.website.clone())),
                organisation::identifiers.eq(serde_json::to_string(&identifiers).unwrap_or_else(|_| "[]".into())),
                organisation::aliases.eq(serde_json::to_string(&aliases).unwrap_or_else(|_| "[]".into())),
                organisation::sort_key.eq(search_key(&name)),
                organisation::search_text.eq(search_text(names(&name, short.as_deref(), &aliases))),
                organisation::updated_at.eq(now()),
                organisation::version.eq(expected + 1),
            ))
            .execute(conn)?;
    updated_one(rows, "the organisation")?;
    if let Some(regions) = &changes.home_region_ids {
        replace_home_regions(conn, id.0, regions)?;
    }
    let row = find(conn, id)?;
    let after = snapshot(conn, &row)?;
    if end_update(conn, &before, &after)? {
        // Nothing changed: the version bump is undone and no audit event is written.
        return Ok(original);
    }
    audit(conn, actor, "updateOrganisation", RecordKind::Organisation, id, Some(id.0), &before, &after)?;
    Ok(row)
}

/// Creates an organisation (admin).
///
/// # Errors
/// User errors for a taken slug or unknown regions.
pub fn create(conn: &mut DbConn, actor: &Actor, input: &NewOrganisation) -> Result<OrganisationRow, AppError> {
    if let Idempotency::Replay(id) =
        check_idempotency(conn, actor, input.idempotency_key.as_deref(), "createOrganisation", input)?
    {
        return find(conn, OrganisationId(id));
    }
    check_refs!(conn, Region, &input.home_region_ids, ["input", "homeRegionIds"]);
    let taken: i64 = organisation::table.filter(organisation::slug.eq(&input.slug)).count().get_result(conn)?;
    if taken > 0 {
        return Err(AppError::invalid(&["input", "slug"], UserErrorCode::Duplicate, "this slug is taken"));
    }
    let t = now();
    let id: OrganisationId = diesel::insert_into(organisation::table)
        .values((
            organisation::slug.eq(&input.slug),
            organisation::name.eq(&input.name),
            organisation::short_name.eq(&input.short_name),
            organisation::kind.eq(input.kind.as_str()),
            organisation::school_level.eq(input.school_level.map(|l| l.as_str())),
            organisation::identifiers.eq(serde_json::to_string(&input.identifiers).unwrap_or_else(|_| "[]".into())),
            organisation::website.eq(&input.website),
            organisation::aliases.eq(serde_json::to_string(&input.aliases).unwrap_or_else(|_| "[]".into())),
            organisation::sort_key.eq(search_key(&input.name)),
            organisation::search_text.eq(search_text(names(&input.name, input.short_name.as_deref(), &input.aliases))),
            organisation::created_at.eq(t),
            organisation::updated_at.eq(t),
        ))
        .returning(organisation::id)
        .get_result(conn)?;
    replace_home_regions(conn, id.0, &input.home_region_ids)?;
    let row = find(conn, id)?;
    let after = snapshot(conn, &row)?;
    let event =
        audit(conn, actor, "createOrganisation", RecordKind::Organisation, id, Some(id.0), &Value::Null, &after)?;
    partner_source(conn, RecordKind::Organisation, id, actor, event)?;
    remember(conn, actor, input.idempotency_key.as_deref(), "createOrganisation", input, RecordKind::Organisation, id)?;
    Ok(row)
}
