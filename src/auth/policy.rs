//! Every write rule, in one place. Write operations read the row they change (inside their
//! transaction) and pass it here before changing anything, so no resolver can skip a rule.
//!
//! | What | Who |
//! | --- | --- |
//! | own organisation profile | `organisation:write` of that organisation; admin |
//! | create a programme | `programmes:write` (the caller becomes owner and LEAD) |
//! | change/delete a programme, its participants and regions | its owner with `programmes:write`; admin |
//! | accept a proposed participation | the proposed organisation with `programmes:write`; admin |
//! | record/change/delete a funding under a scheme | the scheme's administrator or funder with `fundings:write`; admin |
//! | … without a scheme | its funder organisation with `fundings:write`; admin |
//! | change a funding's co-financing | also its recipient with `fundings:write` |
//! | regions, schemes, budget lines, other organisations, tokens | admin |
//! | session tokens for oneself | `tokens:write` |

use super::{Actor, Scope};
use crate::db::models::{FundingRow, FundingSchemeRow, ParticipationRow, ProgrammeRow};
use crate::error::AppError;

fn forbid(what: &str) -> AppError {
    AppError::Forbidden(format!("not allowed: {what}"))
}

fn need(actor: &Actor, scope: Scope, what: &str) -> Result<(), AppError> {
    if actor.has(scope) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("not allowed: {what} needs the scope {}", scope.as_str())))
    }
}

/// Admin-only writes: regions, schemes, budget lines, other organisations, tokens.
pub fn admin_only(actor: &Actor, what: &str) -> Result<(), AppError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(forbid(&format!("{what} is for the pact secretariat (admin) only")))
    }
}

/// Changing an organisation's profile.
pub fn update_organisation(actor: &Actor, organisation_id: i64) -> Result<(), AppError> {
    if actor.is_admin() {
        return Ok(());
    }
    need(actor, Scope::OrganisationWrite, "changing an organisation")?;
    if actor.organisation_id == organisation_id {
        Ok(())
    } else {
        Err(forbid("an organisation may change only its own profile"))
    }
}

/// Creating a programme (the caller becomes its owner).
pub fn create_programme(actor: &Actor) -> Result<(), AppError> {
    need(actor, Scope::ProgrammesWrite, "creating a programme")
}

/// Changing or deleting a programme, or its participants and regions.
pub fn change_programme(actor: &Actor, programme: &ProgrammeRow) -> Result<(), AppError> {
    if actor.is_admin() {
        return Ok(());
    }
    need(actor, Scope::ProgrammesWrite, "changing a programme")?;
    if programme.owner_id == Some(actor.organisation_id) {
        Ok(())
    } else {
        Err(forbid("only the programme's owner may change it"))
    }
}

/// Accepting a proposed participation.
pub fn accept_participation(actor: &Actor, participation: &ParticipationRow) -> Result<(), AppError> {
    if actor.is_admin() {
        return Ok(());
    }
    need(actor, Scope::ProgrammesWrite, "accepting a participation")?;
    if participation.organisation_id == actor.organisation_id {
        Ok(())
    } else {
        Err(forbid("only the proposed organisation may accept a participation"))
    }
}

/// Whether a proposed participation may be seen: by the programme's owner, the proposed
/// organisation and admins. Accepted participations are public.
pub fn can_see_participation(
    actor: Option<&Actor>,
    participation: &ParticipationRow,
    programme_owner: Option<i64>,
) -> bool {
    if participation.status != "PROPOSED" {
        return true;
    }
    actor.is_some_and(|a| {
        a.is_admin() || a.organisation_id == participation.organisation_id || Some(a.organisation_id) == programme_owner
    })
}

/// Recording, changing or deleting a funding, given its scheme (if any) and named funder.
pub fn manage_funding(
    actor: &Actor,
    scheme: Option<&FundingSchemeRow>,
    funder_id: Option<i64>,
) -> Result<(), AppError> {
    if actor.is_admin() {
        return Ok(());
    }
    need(actor, Scope::FundingsWrite, "recording fundings")?;
    let me = Some(actor.organisation_id);
    let allowed = match scheme {
        Some(s) => s.administrator_id == me || s.funder_id == me,
        None => funder_id == me,
    };
    if allowed {
        Ok(())
    } else {
        Err(forbid("fundings are recorded by the scheme's administrator or funder (or, without a scheme, the funder)"))
    }
}

/// Changing a funding where only `coFinancing` changes: also allowed to its recipient.
pub fn update_funding(
    actor: &Actor,
    scheme: Option<&FundingSchemeRow>,
    funding: &FundingRow,
    only_co_financing: bool,
) -> Result<(), AppError> {
    if only_co_financing && actor.has(Scope::FundingsWrite) && funding.recipient_id == Some(actor.organisation_id) {
        return Ok(());
    }
    manage_funding(actor, scheme, funding.funder_id)
}

/// Exchanging a token for a session token.
pub fn create_session_token(actor: &Actor) -> Result<(), AppError> {
    need(actor, Scope::TokensWrite, "creating a session token")
}

/// Reading audit events: admins see all; others only their own (see `auditEvents`).
pub fn read_audit(actor: &Actor) -> Result<(), AppError> {
    let _ = actor;
    Ok(())
}
