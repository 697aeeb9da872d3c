//! Programme mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::{payload, run_write, validation_errors};
use crate::graphql::types::{Participation, Programme};
use crate::ids::{encode_id, NodeType};
use crate::vocab::{ParticipationRole, ProgrammeKind, TargetGroup};
use crate::write::participants;
use crate::write::programme::{self as ops, NewProgramme, ProgrammeChanges};
use crate::write::Validator;

/// A period: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` at each end; either end may be left out.
#[derive(InputObject, Debug, Clone)]
pub struct PeriodInput {
    /// When it starts (a year means from 1 January).
    pub start: Option<String>,
    /// When it ends (a year means until 31 December).
    pub end: Option<String>,
}

/// `MaybeUndefined` as "leave / clear / set".
pub(crate) fn patch<T: Clone>(value: &MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v.clone())),
    }
}

pub(crate) fn ids(v: &mut Validator, field: &str, ids: &[ID], node: NodeType) -> Vec<i64> {
    if ids.len() > 100 {
        v.push(&["input", field], crate::error::UserErrorCode::OutOfRange, format!("`{field}` holds at most 100 IDs"));
        return Vec::new();
    }
    let parsed = ids.iter().enumerate().map(|(i, id)| {
        let index = i.to_string();
        v.id(&["input", field, &index], id, node)
    });
    distinct(parsed)
}

/// The items in their first order, each once: a list input that names a value twice means it once.
pub(crate) fn distinct<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Input of `createProgramme`.
#[derive(InputObject, Debug)]
pub struct CreateProgrammeInput {
    /// The name (required, at most 300 characters).
    pub name: String,
    /// A stable key (lowercase letters, digits, `-`); made from the name when left out.
    pub slug: Option<String>,
    /// A short description.
    pub description: Option<String>,
    /// What kind of undertaking it is.
    pub kind: ProgrammeKind,
    /// Who it is for.
    #[graphql(default)]
    pub target_groups: Vec<TargetGroup>,
    /// The theme it serves.
    pub theme: Option<String>,
    /// When it runs.
    pub period: Option<PeriodInput>,
    /// Its website.
    pub website: Option<String>,
    /// The regions it names (Region IDs).
    #[graphql(default)]
    pub region_ids: Vec<ID>,
    /// Repeat-safe creation: the same key from the same organisation within 24 h returns the first
    /// result and writes nothing; with a different input it is a `CONFLICT`.
    pub idempotency_key: Option<String>,
}

impl CreateProgrammeInput {
    fn parse(&self) -> Result<NewProgramme, crate::error::AppError> {
        let mut v = Validator::new();
        let name = v.text("name", &self.name, 300);
        let slug = self.slug.as_deref().map(|s| v.slug("slug", s));
        let period =
            self.period.as_ref().map(|p| v.period("period", p.start.as_deref(), p.end.as_deref())).unwrap_or_default();
        let region_ids = ids(&mut v, "regionIds", &self.region_ids, NodeType::Region);
        let parsed = NewProgramme {
            name,
            slug,
            description: v.optional_text("description", self.description.as_deref(), 5000),
            kind: self.kind,
            target_groups: distinct(self.target_groups.iter().copied()),
            theme: v.optional_text("theme", self.theme.as_deref(), 300),
            period,
            website: v.url("website", self.website.as_deref()),
            region_ids,
            idempotency_key: v.optional_text("idempotencyKey", self.idempotency_key.as_deref(), 200),
        };
        v.finish().map(|()| parsed)
    }
}

/// Input of `updateProgramme`: fields left out stay as they are; `null` clears a field.
#[derive(InputObject, Debug)]
pub struct UpdateProgrammeInput {
    /// The programme (a Programme ID).
    pub id: ID,
    /// The version you last read; a stale version is a `CONFLICT` and changes nothing.
    pub expected_version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new description, or null to clear it.
    pub description: MaybeUndefined<String>,
    /// A new kind.
    pub kind: Option<ProgrammeKind>,
    /// The new list of target groups.
    pub target_groups: Option<Vec<TargetGroup>>,
    /// A new theme, or null to clear it.
    pub theme: MaybeUndefined<String>,
    /// A new period, or null to clear it.
    pub period: MaybeUndefined<PeriodInput>,
    /// A new website, or null to clear it.
    pub website: MaybeUndefined<String>,
}

impl UpdateProgrammeInput {
    fn parse(&self) -> Result<(i64, ProgrammeChanges), crate::error::AppError> {
        let mut v = Validator::new();
        let id = v.id(&["input", "id"], &self.id, NodeType::Programme);
        let changes = ProgrammeChanges {
            name: self.name.as_deref().map(|n| v.text("name", n, 300)),
            description: patch(&self.description).map(|d| v.optional_text("description", d.as_deref(), 5000)),
            kind: self.kind,
            target_groups: self.target_groups.as_ref().map(|l| distinct(l.iter().copied())),
            theme: patch(&self.theme).map(|t| v.optional_text("theme", t.as_deref(), 300)),
            period: patch(&self.period).map(|p| match p {
                Some(p) => v.period("period", p.start.as_deref(), p.end.as_deref()),
                None => (None, None),
            }),
            website: patch(&self.website).map(|w| v.url("website", w.as_deref())),
        };
        v.finish().map(|()| (id, changes))
    }
}

/// Identifies a record to delete at the version you last read.
#[derive(InputObject, Debug)]
pub struct DeleteProgrammeInput {
    /// The programme (a Programme ID).
    pub id: ID,
    /// The version you last read.
    pub expected_version: i32,
}

/// Input of `addProgrammeParticipant`.
#[derive(InputObject, Debug)]
pub struct AddProgrammeParticipantInput {
    /// The programme (a Programme ID).
    pub programme_id: ID,
    /// The programme's version you last read (adding raises it).
    pub expected_version: i32,
    /// The organisation to add (an Organisation ID).
    pub organisation_id: ID,
    /// Its role.
    pub role: ParticipationRole,
}

/// Input of `acceptParticipation`.
#[derive(InputObject, Debug)]
pub struct AcceptParticipationInput {
    /// The proposed participation (a Participation ID).
    pub participation_id: ID,
    /// The participation's version you last read.
    pub expected_version: i32,
}

/// Input of `setProgrammeRegions`.
#[derive(InputObject, Debug)]
pub struct SetProgrammeRegionsInput {
    /// The programme (a Programme ID).
    pub programme_id: ID,
    /// The programme's version you last read (setting raises it).
    pub expected_version: i32,
    /// The complete new list of regions (Region IDs).
    pub region_ids: Vec<ID>,
}

payload!(
    /// The result of a programme mutation.
    ProgrammePayload, programme: Programme
);
payload!(
    /// The result of `deleteProgramme`.
    DeleteProgrammePayload, deleted_programme_id: ID
);
payload!(
    /// The result of a participation mutation.
    ParticipationPayload, participation: Participation
);

/// Programme mutations.
#[derive(Default)]
pub struct ProgrammeMutation;

#[Object]
impl ProgrammeMutation {
    /// Creates a programme owned by the caller's organisation, which becomes its LEAD.
    /// Who: any organisation with `programmes:write`.
    async fn create_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme.")] input: CreateProgrammeInput,
    ) -> async_graphql::Result<ProgrammePayload> {
        super::require(ctx, crate::auth::Scope::ProgrammesWrite)?;
        let parsed = match input.parse() {
            Ok(p) => p,
            Err(e) => return Ok(ProgrammePayload::refused(validation_errors(e)?)),
        };
        let outcome = run_write(ctx, move |c, a| ops::create(c, a, &parsed)).await?;
        Ok(ProgrammePayload::from_outcome(outcome, Programme))
    }

    /// Changes a programme. Who: its owner with `programmes:write`; admin.
    async fn update_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateProgrammeInput,
    ) -> async_graphql::Result<ProgrammePayload> {
        super::require(ctx, crate::auth::Scope::ProgrammesWrite)?;
        let (id, changes) = match input.parse() {
            Ok(p) => p,
            Err(e) => return Ok(ProgrammePayload::refused(validation_errors(e)?)),
        };
        let expected = input.expected_version;
        let outcome = run_write(ctx, move |c, a| ops::update(c, a, id, expected, &changes)).await?;
        Ok(ProgrammePayload::from_outcome(outcome, Programme))
    }

    /// Deletes a programme with its participants and regions; refused (`IN_USE`) while fundings
    /// name it. Who: its owner with `programmes:write`; admin.
    async fn delete_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to delete.")] input: DeleteProgrammeInput,
    ) -> async_graphql::Result<DeleteProgrammePayload> {
        super::require(ctx, crate::auth::Scope::ProgrammesWrite)?;
        let mut v = Validator::new();
        let id = v.id(&["input", "id"], &input.id, NodeType::Programme);
        if let Err(e) = v.finish() {
            return Ok(DeleteProgrammePayload::refused(validation_errors(e)?));
        }
        let expected = input.expected_version;
        let outcome = run_write(ctx, move |c, a| ops::delete(c, a, id, expected)).await?;
        Ok(DeleteProgrammePayload::from_outcome(outcome, |row| encode_id(NodeType::Programme, row.id)))
    }

    /// Adds a participant. The caller's own organisation is added as accepted; another as a
    /// proposal, visible only to the owner, that organisation and admins until it accepts.
    /// Who: the programme's owner with `programmes:write`; admin.
    async fn add_programme_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who, in which role.")] input: AddProgrammeParticipantInput,
    ) -> async_graphql::Result<ParticipationPayload> {
        super::require(ctx, crate::auth::Scope::ProgrammesWrite)?;
        let mut v = Validator::new();
        let programme = v.id(&["input", "programmeId"], &input.programme_id, NodeType::Programme);
        let organisation = v.id(&["input", "organisationId"], &input.organisation_id, NodeType::Organisation);
        if let Err(e) = v.finish() {
            return Ok(ParticipationPayload::refused(validation_errors(e)?));
        }
        let (expected, role) = (input.expected_version, input.role);
        let outcome =
            run_write(ctx, move |c, a| participants::add_participant(c, a, programme, expected, organisation, role))
                .await?;
        Ok(ParticipationPayload::from_outcome(outcome, Participation))
    }

    /// Accepts a proposed participation. Who: the proposed organisation with `programmes:write`; admin.
    async fn accept_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] input: AcceptParticipationInput,
    ) -> async_graphql::Result<ParticipationPayload> {
        super::require(ctx, crate::auth::Scope::ProgrammesWrite)?;
        let mut v = Validator::new();
        let id = v.id(&["input", "participationId"], &input.participation_id, NodeType::Participation);
        if let Err(e) = v.finish() {
            return Ok(ParticipationPayload::refused(validation_errors(e)?));
        }
        let expected = input.expected_version;
        let outcome = run_write(ctx, move |c, a| participants::accept_participation(c, a, id, expected)).await?;
        Ok(ParticipationPayload::from_outcome(outcome, Participation))
    }

    /// Replaces the regions a programme names. Who: its owner with `programmes:write`; admin.
    async fn set_programme_regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new regions.")] input: SetProgrammeRegionsInput,
    ) -> async_graphql::Result<ProgrammePayload> {
        super::require(ctx, crate::auth::Scope::ProgrammesWrite)?;
        let mut v = Validator::new();
        let programme = v.id(&["input", "programmeId"], &input.programme_id, NodeType::Programme);
        let regions = ids(&mut v, "regionIds", &input.region_ids, NodeType::Region);
        if let Err(e) = v.finish() {
            return Ok(ProgrammePayload::refused(validation_errors(e)?));
        }
        let expected = input.expected_version;
        let outcome =
            run_write(ctx, move |c, a| participants::set_regions(c, a, programme, expected, &regions)).await?;
        Ok(ProgrammePayload::from_outcome(outcome, Programme))
    }
}
