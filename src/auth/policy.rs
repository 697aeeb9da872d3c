//! Every access decision, in one place: which scope each mutation needs (checked once, before its
//! input is read), the record rules write operations apply to the rows they change (inside their
//! transaction), and who sees proposals, audit events and token ids.
//!
//! The rules, as the README states them (a test keeps both tables equal):
//!
//! | What | Who |
//! | --- | --- |
//! | your own organisation's profile (`updateOrganisation`) | that organisation with `organisation:write` |
//! | `createProgramme` | any organisation with `programmes:write`; it becomes owner and LEAD |
//! | change or delete a programme, its participants and regions | its owner with `programmes:write` |
//! | `acceptParticipation` | the proposed organisation with `programmes:write` |
//! | `recordFunding`, `updateFunding`, `deleteFunding` | the scheme's administrator or funder with `fundings:write` (without a scheme: the funder); under a scheme, `funderId` may only name the scheme's funder or the caller |
//! | a funding's `coFinancing` alone | also its recipient with `fundings:write` |
//! | regions, schemes, budget lines, other organisations, tokens | `admin` (the pact secretariat) |
//! | `createSessionToken` | `tokens:write`, for yourself; a session token mints no tokens (not even with `admin`) |
//!
//! Admin (`admin`) holds every scope and passes every record rule. Reads are public except
//! proposed participations ([`can_see_participation`]) and the audit trail ([`audit_events_visible`]).

use std::collections::BTreeSet;

use super::{Actor, Scope, Viewer};
use crate::db::models::{FundingRow, FundingSchemeRow, ParticipationRow, ProgrammeRow};
use crate::error::{AppError, UserErrorCode};
use crate::vocab::ParticipationStatus;

/// Every mutation, by the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// `createProgramme`.
    CreateProgramme,
    /// `updateProgramme`.
    UpdateProgramme,
    /// `deleteProgramme`.
    DeleteProgramme,
    /// `addProgrammeParticipant`.
    AddProgrammeParticipant,
    /// `acceptParticipation`.
    AcceptParticipation,
    /// `setProgrammeRegions`.
    SetProgrammeRegions,
    /// `recordFunding`.
    RecordFunding,
    /// `updateFunding`.
    UpdateFunding,
    /// `deleteFunding`.
    DeleteFunding,
    /// `updateOrganisation`.
    UpdateOrganisation,
    /// `createOrganisation`.
    CreateOrganisation,
    /// `createRegion`.
    CreateRegion,
    /// `createFundingScheme`.
    CreateFundingScheme,
    /// `addBudgetLine`.
    AddBudgetLine,
    /// `issueToken`.
    IssueToken,
    /// `revokeToken`.
    RevokeToken,
    /// `createSessionToken`.
    CreateSessionToken,
}

impl Mutation {
    /// The scope a caller needs to call the mutation at all.
    pub fn scope(self) -> Scope {
        use Mutation::*;
        match self {
            CreateProgramme
            | UpdateProgramme
            | DeleteProgramme
            | AddProgrammeParticipant
            | AcceptParticipation
            | SetProgrammeRegions => Scope::ProgrammesWrite,
            RecordFunding | UpdateFunding | DeleteFunding => Scope::FundingsWrite,
            UpdateOrganisation => Scope::OrganisationWrite,
            CreateOrganisation | CreateRegion | CreateFundingScheme | AddBudgetLine | IssueToken | RevokeToken => {
                Scope::Admin
            }
            CreateSessionToken => Scope::TokensWrite,
        }
    }
}

fn forbid(what: &str) -> AppError {
    AppError::Forbidden(format!("not allowed: {what}"))
}

/// The caller of `mutation`: a verified token carrying the mutation's scope (admin carries every
/// scope); never a session token for a mutation that mints tokens. Checked before the input is validated, so a caller without the scope learns nothing
/// about the input rules.
///
/// # Errors
/// `UNAUTHENTICATED` without a token, `FORBIDDEN` without the scope.
pub fn authorise(viewer: &Viewer, mutation: Mutation) -> Result<Actor, AppError> {
    let actor = authenticated(viewer)?;
    let scope = mutation.scope();
    if actor.session && matches!(mutation, Mutation::IssueToken | Mutation::CreateSessionToken) {
        return Err(forbid("a session token cannot mint tokens: use the token it was made from"));
    }
    if holds(actor, scope) {
        Ok(actor.clone())
    } else {
        Err(AppError::Forbidden(format!("not allowed: this needs the scope {}", scope.as_str())))
    }
}

/// The token's actor, or `UNAUTHENTICATED`.
///
/// # Errors
/// `UNAUTHENTICATED` when the request has no token.
pub fn authenticated(viewer: &Viewer) -> Result<&Actor, AppError> {
    viewer
        .actor()
        .ok_or_else(|| AppError::Unauthenticated("this needs a token: send `Authorization: Bearer <token>`".into()))
}

/// True for the pact secretariat.
fn is_admin(actor: &Actor) -> bool {
    actor.scopes.contains(&Scope::Admin)
}

/// True when the token carries `scope` (admin carries every scope).
fn holds(actor: &Actor, scope: Scope) -> bool {
    is_admin(actor) || actor.scopes.contains(&scope)
}

/// Changing an organisation's profile: only one's own (admin: any).
///
/// # Errors
/// `FORBIDDEN` for another organisation.
pub fn update_organisation(actor: &Actor, organisation_id: i64) -> Result<(), AppError> {
    if is_admin(actor) || actor.organisation_id == organisation_id {
        Ok(())
    } else {
        Err(forbid("an organisation may change only its own profile"))
    }
}

/// Changing or deleting a programme, or its participants and regions: its owner (admin: any).
///
/// # Errors
/// `FORBIDDEN` for anyone else.
pub fn change_programme(actor: &Actor, programme: &ProgrammeRow) -> Result<(), AppError> {
    if is_admin(actor) || programme.owner_id == Some(actor.organisation_id) {
        Ok(())
    } else {
        Err(forbid("only the programme's owner may change it"))
    }
}

/// Accepting a proposed participation: the proposed organisation (admin: any).
///
/// # Errors
/// `FORBIDDEN` for anyone else.
pub fn accept_participation(actor: &Actor, participation: &ParticipationRow) -> Result<(), AppError> {
    if is_admin(actor) || participation.organisation_id == actor.organisation_id {
        Ok(())
    } else {
        Err(forbid("only the proposed organisation may accept a participation"))
    }
}

/// The status of a participation the programme's owner adds: its own organisation takes part at
/// once; another organisation is proposed until it accepts (even when an admin adds it).
pub fn new_participation_status(actor: &Actor, organisation_id: i64) -> ParticipationStatus {
    if organisation_id == actor.organisation_id {
        ParticipationStatus::Accepted
    } else {
        ParticipationStatus::Proposed
    }
}

/// Whether a participation may be seen: accepted ones are public; a proposal only by the
/// programme's owner, the proposed organisation and admins.
pub fn can_see_participation(viewer: &Viewer, participation: &ParticipationRow, programme_owner: Option<i64>) -> bool {
    if !participation.is_proposed() {
        return true;
    }
    viewer.actor().is_some_and(|a| {
        is_admin(a) || a.organisation_id == participation.organisation_id || Some(a.organisation_id) == programme_owner
    })
}

/// Recording, changing or deleting a funding, given its scheme (if any) and named funder: the
/// scheme's administrator or funder; without a scheme, the named funder (admin: any).
///
/// # Errors
/// `FORBIDDEN` for anyone else.
pub fn manage_funding(
    actor: &Actor,
    scheme: Option<&FundingSchemeRow>,
    funder_id: Option<i64>,
) -> Result<(), AppError> {
    let me = Some(actor.organisation_id);
    let allowed = is_admin(actor)
        || match scheme {
            Some(s) => s.administrator_id == me || s.funder_id == me,
            None => funder_id == me,
        };
    if allowed {
        Ok(())
    } else {
        Err(forbid("fundings are recorded by the scheme's administrator or funder (or, without a scheme, the funder)"))
    }
}

/// The funder a new funding under a scheme may name: the scheme's funder or the caller, never a
/// bystander (admin: any).
///
/// # Errors
/// A user error at `input.funderId`.
pub fn named_funder(actor: &Actor, scheme: &FundingSchemeRow, funder: i64) -> Result<(), AppError> {
    if is_admin(actor) || scheme.funder_id == Some(funder) || funder == actor.organisation_id {
        Ok(())
    } else {
        Err(AppError::invalid(
            &["input", "funderId"],
            UserErrorCode::Invalid,
            "under a scheme, funderId must be the scheme's funder or your own organisation",
        ))
    }
}

/// Changing a funding: as [`manage_funding`]; when only `coFinancing` changes, also its recipient.
///
/// # Errors
/// `FORBIDDEN` for anyone else.
pub fn update_funding(
    actor: &Actor,
    scheme: Option<&FundingSchemeRow>,
    funding: &FundingRow,
    only_co_financing: bool,
) -> Result<(), AppError> {
    if only_co_financing && funding.recipient_id == Some(actor.organisation_id) {
        return Ok(());
    }
    manage_funding(actor, scheme, funding.funder_id)
}

/// The scopes a session token gets: the requested ones (default: all the caller's), which must be
/// the caller's own, never `tokens:write` (a session token cannot mint further tokens), and at
/// least one.
///
/// # Errors
/// A user error at `input.scopes`.
pub fn session_scopes(actor: &Actor, requested: Option<&BTreeSet<Scope>>) -> Result<BTreeSet<Scope>, AppError> {
    let scopes = requested.cloned().unwrap_or_else(|| actor.scopes.clone());
    if !scopes.is_subset(&actor.scopes) {
        return Err(AppError::invalid(
            &["input", "scopes"],
            UserErrorCode::Invalid,
            "a session token can only carry scopes the caller's token has",
        ));
    }
    let scopes: BTreeSet<Scope> = scopes.into_iter().filter(|s| *s != Scope::TokensWrite).collect();
    if scopes.is_empty() {
        return Err(AppError::invalid(
            &["input", "scopes"],
            UserErrorCode::Blank,
            "a session token needs at least one scope other than TOKENS_WRITE",
        ));
    }
    Ok(scopes)
}

/// Which audit events a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditVisibility {
    /// Every event (admin).
    All,
    /// The events an organisation caused and those on its own records.
    Organisation(i64),
}

/// Which audit events the caller may read: all for admins, otherwise its own organisation's.
///
/// # Errors
/// `UNAUTHENTICATED` without a token.
pub fn audit_events_visible(viewer: &Viewer) -> Result<AuditVisibility, AppError> {
    let actor = authenticated(viewer)?;
    Ok(if is_admin(actor) { AuditVisibility::All } else { AuditVisibility::Organisation(actor.organisation_id) })
}

/// Whether the caller may see the token id (`jti`) of an event caused by `event_organisation`:
/// admins and that organisation.
pub fn can_see_token_id(viewer: &Viewer, event_organisation: Option<i64>) -> bool {
    viewer.actor().is_some_and(|a| is_admin(a) || event_organisation == Some(a.organisation_id))
}
