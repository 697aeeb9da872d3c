//! Programme writes: create, update, delete. Participants and regions: `participants`.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::required;
use super::validate::ParsedPeriod;
use super::{
    audit, begin_update, check_idempotency, check_version, end_update, links, partner_source, remember, updated_one,
    Idempotency,
};
use crate::auth::{policy, Actor};
use crate::check_refs;
use crate::db::models::ProgrammeRow;
use crate::db::schema::*;
use crate::db::{now, DbConn};
use crate::error::{AppError, UserErrorCode};
use crate::ids::{encode_id, NodeType, ProgrammeId, RecordKind};
use crate::read;
use crate::text::json_strings;
use crate::text::{search_key, search_text};
use crate::vocab::{ParticipationRole, ParticipationStatus, ProgrammeKind, TargetGroup};

/// A new programme, validated.
#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub kind: ProgrammeKind,
    pub target_groups: Vec<TargetGroup>,
    pub theme: Option<String>,
    pub period: ParsedPeriod,
    pub website: Option<String>,
    pub region_ids: Vec<i64>,
    pub idempotency_key: Option<String>,
}

/// Changes to a programme; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub kind: Option<ProgrammeKind>,
    pub target_groups: Option<Vec<TargetGroup>>,
    pub theme: Option<Option<String>>,
    pub period: Option<ParsedPeriod>,
    pub website: Option<Option<String>>,
}

/// Loads a programme or fails with a `NOT_FOUND` user error at `field`.
///
/// # Errors
/// `NOT_FOUND` user error; a database error.
pub fn find(conn: &mut DbConn, id: ProgrammeId, field: &[&str]) -> Result<ProgrammeRow, AppError> {
    required(read::programmes::find(conn, id.into())?, field, UserErrorCode::NotFound, "no such programme")
}

pub(super) fn snapshot(conn: &mut DbConn, p: &ProgrammeRow) -> Result<Value, AppError> {
    let groups: Vec<String> = programme_target_group::table
        .filter(programme_target_group::programme_id.eq(p.id))
        .order(programme_target_group::target_group.asc())
        .select(programme_target_group::target_group)
        .load(conn)?;
    let regions: Vec<i64> = programme_region::table
        .filter(programme_region::programme_id.eq(p.id))
        .order(programme_region::region_id.asc())
        .select(programme_region::region_id)
        .load(conn)?;
    // Only accepted participants: a snapshot is readable by others than those who may see proposals.
    let participants: Vec<(i64, String)> = participation::table
        .filter(participation::programme_id.eq(p.id))
        .filter(participation::status.eq(ParticipationStatus::Accepted.as_str()))
        .order(participation::id.asc())
        .select((participation::organisation_id, participation::role))
        .load(conn)?;
    let org = |id: i64| encode_id(NodeType::Organisation, id).0;
    Ok(json!({
        "slug": p.slug, "name": p.name, "description": p.description, "kind": p.kind, "theme": p.theme,
        "startDate": p.start_date, "startPrecision": p.start_precision, "endDate": p.end_date, "endPrecision": p.end_precision,
        "website": p.website, "ownerId": p.owner_id.map(org), "targetGroups": groups,
        "regionIds": regions.iter().map(|r| encode_id(NodeType::Region, *r).0).collect::<Vec<_>>(),
        "participants": participants.iter().map(|(o, r)| json!({ "organisationId": org(*o), "role": r })).collect::<Vec<_>>(),
        "version": p.version,
    }))
}

fn slugify(name: &str) -> String {
    let key = search_key(name);
    let mut slug = String::new();
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').chars().take(80).collect::<String>();
    if slug.is_empty() {
        "programme".into()
    } else {
        slug
    }
}

fn unique_slug(conn: &mut DbConn, base: &str) -> Result<String, AppError> {
    let taken: Vec<String> =
        programme::table.filter(programme::slug.like(format!("{base}%"))).select(programme::slug).load(conn)?;
    if !taken.iter().any(|s| s == base) {
        return Ok(base.to_owned());
    }
    Ok((2..).map(|n| format!("{base}-{n}")).find(|s| !taken.contains(s)).unwrap_or_else(|| base.to_owned()))
}

type DateCols = (Option<NaiveDate>, Option<String>, Option<NaiveDate>, Option<String>);

fn date_cols(p: &ParsedPeriod) -> DateCols {
    (p.0.map(|x| x.0), p.0.map(|x| x.1.as_str().to_owned()), p.1.map(|x| x.0), p.1.map(|x| x.1.as_str().to_owned()))
}

fn replace_target_groups(conn: &mut DbConn, id: i64, groups: &[TargetGroup]) -> Result<(), AppError> {
    super::links::target_groups(conn, id, super::links::distinct(groups.iter().copied()).iter().map(|g| g.as_str()))
}

/// Sets a programme's regions and moves the figures of its fundings placed by them.
pub(super) fn replace_regions(conn: &mut DbConn, id: i64, regions: &[i64]) -> Result<(), AppError> {
    super::placement::lock_programmes(conn, &[id], true)?;
    super::links::programme_regions(conn, id, &super::links::distinct(regions.iter().copied()))?;
    super::placement::refresh(conn, super::placement::Scope::Programme(id))
}

/// Raises a programme's version (participants or regions changed), checking `expected`.
pub(super) fn bump(conn: &mut DbConn, id: ProgrammeId, expected: i32) -> Result<(), AppError> {
    let rows = diesel::update(programme::table.filter(programme::id.eq(id)).filter(programme::version.eq(expected)))
        .set((programme::version.eq(expected + 1), programme::updated_at.eq(now())))
        .execute(conn)?;
    updated_one(rows, "the programme")
}

/// Creates a programme owned by the caller, who becomes its LEAD.
///
/// # Errors
/// User errors for unknown regions or a taken slug;
/// `CONFLICT` for a reused idempotency key with other input.
pub fn create(conn: &mut DbConn, actor: &Actor, input: &NewProgramme) -> Result<ProgrammeRow, AppError> {
    if let Idempotency::Replay(id) =
        check_idempotency(conn, actor, input.idempotency_key.as_deref(), "createProgramme", input)?
    {
        return find(conn, ProgrammeId(id), &["input"]);
    }
    check_refs!(conn, Region, &input.region_ids, ["input", "regionIds"]);
    let slug = match &input.slug {
        Some(s) => {
            let taken: i64 = programme::table.filter(programme::slug.eq(s)).count().get_result(conn)?;
            if taken > 0 {
                return Err(AppError::invalid(&["input", "slug"], UserErrorCode::Duplicate, "this slug is taken"));
            }
            s.clone()
        }
        None => unique_slug(conn, &slugify(&input.name))?,
    };
    let t = now();
    let (sd, sp, ed, ep) = date_cols(&input.period);
    let id: ProgrammeId = diesel::insert_into(programme::table)
        .values((
            (
                programme::slug.eq(&slug),
                programme::name.eq(&input.name),
                programme::description.eq(&input.description),
                programme::kind.eq(input.kind.as_str()),
                programme::theme.eq(&input.theme),
                programme::start_date.eq(sd),
                programme::start_precision.eq(sp),
                programme::end_date.eq(ed),
                programme::end_precision.eq(ep),
            ),
            (
                programme::website.eq(&input.website),
                programme::owner_id.eq(Some(actor.organisation_id)),
                programme::sort_key.eq(search_key(&input.name)),
                programme::search_text.eq(search_text([input.name.as_str()])),
                programme::created_at.eq(t),
                programme::updated_at.eq(t),
            ),
        ))
        .returning(programme::id)
        .get_result(conn)?;
    replace_target_groups(conn, id.0, &input.target_groups)?;
    replace_regions(conn, id.0, &input.region_ids)?;
    diesel::insert_into(participation::table)
        .values((
            participation::programme_id.eq(id),
            participation::organisation_id.eq(actor.organisation_id),
            participation::role.eq(ParticipationRole::Lead.as_str()),
            participation::status.eq(ParticipationStatus::Accepted.as_str()),
            participation::created_at.eq(t),
            participation::updated_at.eq(t),
        ))
        .execute(conn)?;
    let row = find(conn, id, &["input"])?;
    let after = snapshot(conn, &row)?;
    let owner = Some(actor.organisation_id);
    let event = audit(conn, actor, "createProgramme", RecordKind::Programme, id, owner, &Value::Null, &after)?;
    partner_source(conn, RecordKind::Programme, id, actor, event)?;
    remember(conn, actor, input.idempotency_key.as_deref(), "createProgramme", input, RecordKind::Programme, id)?;
    Ok(row)
}

/// Changes the given fields of a programme.
///
/// # Errors
/// `FORBIDDEN` unless the caller owns it (or is admin); `CONFLICT` for a stale version;
/// `NOT_FOUND` user error.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: ProgrammeId,
    expected: i32,
    changes: &ProgrammeChanges,
) -> Result<ProgrammeRow, AppError> {
    let row = find(conn, id, &["input", "id"])?;
    policy::change_programme(actor, &row)?;
    check_version(row.version, expected, "the programme")?;
    let before = snapshot(conn, &row)?;
    let original = row.clone();
    begin_update(conn)?;
    let name = changes.name.clone().unwrap_or_else(|| row.name.clone());
    let aliases = json_strings(&row.aliases);
    let names = std::iter::once(name.as_str()).chain(aliases.iter().map(String::as_str));
    let (sd, sp, ed, ep) = match &changes.period {
        Some(p) => date_cols(p),
        None => (row.start_date, row.start_precision.clone(), row.end_date, row.end_precision.clone()),
    };
    let rows = diesel::update(programme::table.filter(programme::id.eq(id)).filter(programme::version.eq(expected)))
        .set((
            (
                programme::name.eq(&name),
                programme::description.eq(changes.description.clone().unwrap_or(row.description.clone())),
                programme::kind.eq(changes.kind.map_or(row.kind.clone(), |k| k.as_str().to_owned())),
                programme::theme.eq(changes.theme.clone().unwrap_or(row.theme.clone())),
                programme::start_date.eq(sd),
                programme::start_precision.eq(sp),
                programme::end_date.eq(ed),
                programme::end_precision.eq(ep),
            ),
            (
                programme::website.eq(changes.website.clone().unwrap_or(row.website.clone())),
                programme::sort_key.eq(search_key(&name)),
                programme::search_text.eq(search_text(names)),
                programme::updated_at.eq(now()),
                programme::version.eq(expected + 1),
            ),
        ))
        .execute(conn)?;
    updated_one(rows, "the programme")?;
    if let Some(groups) = &changes.target_groups {
        replace_target_groups(conn, id.0, groups)?;
    }
    let row = find(conn, id, &["input", "id"])?;
    let after = snapshot(conn, &row)?;
    if end_update(conn, &before, &after)? {
        // Nothing changed: the version bump is undone and no audit event is written.
        return Ok(original);
    }
    audit(conn, actor, "updateProgramme", RecordKind::Programme, id, row.owner_id, &before, &after)?;
    Ok(row)
}

/// Deletes a programme with its participants, regions and target groups. Refused while fundings
/// name it.
///
/// # Errors
/// `FORBIDDEN`, `CONFLICT`, `NOT_FOUND`, or `IN_USE` when fundings name it.
pub fn delete(conn: &mut DbConn, actor: &Actor, id: ProgrammeId, expected: i32) -> Result<ProgrammeRow, AppError> {
    let row = find(conn, id, &["input", "id"])?;
    policy::change_programme(actor, &row)?;
    check_version(row.version, expected, "the programme")?;
    let fundings: i64 = funding::table.filter(funding::programme_id.eq(id)).count().get_result(conn)?;
    if fundings > 0 {
        return Err(AppError::invalid(
            &["input", "id"],
            UserErrorCode::InUse,
            format!("{fundings} funding(s) name this programme; delete or change them first"),
        ));
    }
    let goals: i64 = programme_goal::table.filter(programme_goal::programme_id.eq(id)).count().get_result(conn)?;
    let observations: i64 = observation::table
        .filter(observation::subject_type.eq(RecordKind::Programme.as_str()))
        .filter(observation::subject_id.eq(id))
        .count()
        .get_result(conn)?;
    let model = crate::read::records::links_to(conn, RecordKind::Programme, id.0)?;
    if goals + observations + model > 0 {
        return Err(AppError::invalid(
            &["input", "id"],
            UserErrorCode::InUse,
            "the pact's reports link this programme to goals, figures, relations, events, items or people; it cannot be deleted",
        ));
    }
    let before = snapshot(conn, &row)?;
    let parts: Vec<i64> =
        participation::table.filter(participation::programme_id.eq(id)).select(participation::id).load(conn)?;
    links::drop_sources(conn, &[RecordKind::Participation], &parts)?;
    diesel::delete(participation::table.filter(participation::programme_id.eq(id))).execute(conn)?;
    diesel::delete(programme_target_group::table.filter(programme_target_group::programme_id.eq(id))).execute(conn)?;
    diesel::delete(programme_region::table.filter(programme_region::programme_id.eq(id))).execute(conn)?;
    links::drop_sources(conn, &[RecordKind::Programme, RecordKind::ProgrammeStatus], &[id.0])?;
    let rows = diesel::delete(programme::table.filter(programme::id.eq(id)).filter(programme::version.eq(expected)))
        .execute(conn)?;
    updated_one(rows, "the programme")?;
    audit(conn, actor, "deleteProgramme", RecordKind::Programme, id, row.owner_id, &before, &Value::Null)?;
    Ok(row)
}
