//! Programme participants and regions: add, accept, set.

use diesel::prelude::*;
use serde_json::json;

use super::programme::{bump, find, replace_regions, snapshot};
use super::required;
use super::{audit, check_version, partner_source, updated_one};
use crate::auth::{policy, Actor};
use crate::check_refs;
use crate::db::models::{ParticipationRow, ProgrammeRow};
use crate::db::schema::*;
use crate::db::{now, DbConn};
use crate::error::{AppError, UserErrorCode};
use crate::ids::{encode_id, NodeType, OrganisationId, ParticipationId, ProgrammeId, RecordKind, RegionId};
use crate::read;
use crate::vocab::{ParticipationRole, ParticipationStatus};

/// Adds a participant. The caller's own organisation is added as accepted; any other as
/// proposed, visible only to the owner, that organisation and admins until it accepts.
///
/// # Errors
/// `FORBIDDEN`, `CONFLICT`, user errors for an unknown organisation or a duplicate.
pub fn add_participant(
    conn: &mut DbConn,
    actor: &Actor,
    programme_id: ProgrammeId,
    expected: i32,
    organisation_id: OrganisationId,
    role: ParticipationRole,
) -> Result<ParticipationRow, AppError> {
    let row = find(conn, programme_id, &["input", "programmeId"])?;
    policy::change_programme(actor, &row)?;
    check_version(row.version, expected, "the programme")?;
    check_refs!(conn, Organisation, &[organisation_id], ["input", "organisationId"]);
    let exists: i64 = participation::table
        .filter(participation::programme_id.eq(programme_id))
        .filter(participation::organisation_id.eq(organisation_id))
        .filter(participation::role.eq(role.as_str()))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Err(AppError::invalid(
            &["input", "organisationId"],
            UserErrorCode::Duplicate,
            "this organisation already has this role",
        ));
    }
    let before = snapshot(conn, &row)?;
    let status = policy::new_participation_status(actor, organisation_id.0);
    let t = now();
    let id: ParticipationId = diesel::insert_into(participation::table)
        .values((
            participation::programme_id.eq(programme_id),
            participation::organisation_id.eq(organisation_id),
            participation::role.eq(role.as_str()),
            participation::status.eq(status.as_str()),
            participation::created_at.eq(t),
            participation::updated_at.eq(t),
        ))
        .returning(participation::id)
        .get_result(conn)?;
    bump(conn, programme_id, expected)?;
    let updated = find(conn, programme_id, &["input"])?;
    let mut after = snapshot(conn, &updated)?;
    if status == ParticipationStatus::Proposed {
        // Visible only to the owner (who caused it) and admins, like the proposal itself.
        after["proposedParticipant"] =
            json!({ "organisationId": encode_id(NodeType::Organisation, organisation_id).0, "role": role.as_str() });
    }
    let event = audit(
        conn,
        actor,
        "addProgrammeParticipant",
        RecordKind::Programme,
        programme_id,
        row.owner_id,
        &before,
        &after,
    )?;
    partner_source(conn, RecordKind::Participation, id, actor, event)?;
    Ok(participation::table.find(id).select(ParticipationRow::as_select()).first(conn)?)
}

/// Accepts a proposed participation (by the proposed organisation or an admin).
///
/// # Errors
/// `FORBIDDEN`, `CONFLICT` (stale participation version), user errors when not found or not proposed.
pub fn accept_participation(
    conn: &mut DbConn,
    actor: &Actor,
    id: ParticipationId,
    expected: i32,
) -> Result<ParticipationRow, AppError> {
    let part = read::programmes::find_participation(conn, id.into())?;
    let part = required(part, &["input", "participationId"], UserErrorCode::NotFound, "no such participation")?;
    policy::accept_participation(actor, &part)?;
    let version: i32 = participation::table.find(id).select(participation::version).first(conn)?;
    check_version(version, expected, "the participation")?;
    if !part.is_proposed() {
        return Err(AppError::invalid(
            &["input", "participationId"],
            UserErrorCode::Invalid,
            "this participation is already accepted",
        ));
    }
    let programme = find(conn, ProgrammeId(part.programme_id), &["input"])?;
    let before = snapshot(conn, &programme)?;
    let rows = diesel::update(
        participation::table.filter(participation::id.eq(id)).filter(participation::version.eq(expected)),
    )
    .set((
        participation::status.eq(ParticipationStatus::Accepted.as_str()),
        participation::version.eq(expected + 1),
        participation::updated_at.eq(now()),
    ))
    .execute(conn)?;
    updated_one(rows, "the participation")?;
    bump(conn, programme.id, programme.version)?;
    let updated = find(conn, programme.id, &["input"])?;
    let after = snapshot(conn, &updated)?;
    audit(
        conn,
        actor,
        "acceptParticipation",
        RecordKind::Programme,
        programme.id,
        programme.owner_id,
        &before,
        &after,
    )?;
    Ok(participation::table.find(id).select(ParticipationRow::as_select()).first(conn)?)
}

/// Replaces the regions a programme names.
///
/// # Errors
/// `FORBIDDEN`, `CONFLICT`, user errors for unknown regions.
pub fn set_regions(
    conn: &mut DbConn,
    actor: &Actor,
    programme_id: ProgrammeId,
    expected: i32,
    region_ids: &[RegionId],
) -> Result<ProgrammeRow, AppError> {
    let row = find(conn, programme_id, &["input", "programmeId"])?;
    policy::change_programme(actor, &row)?;
    check_version(row.version, expected, "the programme")?;
    check_refs!(conn, Region, region_ids, ["input", "regionIds"]);
    let before = snapshot(conn, &row)?;
    replace_regions(conn, programme_id.0, &region_ids.iter().map(|r| r.0).collect::<Vec<_>>())?;
    bump(conn, programme_id, expected)?;
    let row = find(conn, programme_id, &["input"])?;
    let after = snapshot(conn, &row)?;
    audit(conn, actor, "setProgrammeRegions", RecordKind::Programme, programme_id, row.owner_id, &before, &after)?;
    Ok(row)
}
