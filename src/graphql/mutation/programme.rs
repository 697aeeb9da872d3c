//! Programme mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::inputs::{distinct, idempotency_key, ids, patch, period, typed_id, PeriodInput};
use super::{mutate, payload, MutationInput};
use crate::auth::policy::Mutation;
use crate::graphql::types::{Participation, Programme};
use crate::ids::{encode_id, NodeType, OrganisationId, ParticipationId, ProgrammeId, RegionId};
use crate::vocab::{ParticipationRole, ProgrammeKind, TargetGroup};
use crate::write::participants;
use crate::write::programme::{self as ops, NewProgramme, ProgrammeChanges};
use crate::write::Validator;

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

impl MutationInput for CreateProgrammeInput {
    const MUTATION: Mutation = Mutation::CreateProgramme;
    type Parsed = NewProgramme;

    fn parse(&self, v: &mut Validator) -> NewProgramme {
        let name = v.text("name", &self.name, 300);
        let slug = self.slug.as_deref().map(|s| v.slug("slug", s));
        let period = period(v, "period", self.period.as_ref());
        let region_ids = ids(v, "regionIds", &self.region_ids, NodeType::Region);
        NewProgramme {
            name,
            slug,
            description: v.optional_text("description", self.description.as_deref(), 5000),
            kind: self.kind,
            target_groups: distinct(self.target_groups.iter().copied()),
            theme: v.optional_text("theme", self.theme.as_deref(), 300),
            period,
            website: v.url("website", self.website.as_deref()),
            region_ids,
            idempotency_key: idempotency_key(v, self.idempotency_key.as_deref()),
        }
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

impl MutationInput for UpdateProgrammeInput {
    const MUTATION: Mutation = Mutation::UpdateProgramme;
    type Parsed = (ProgrammeId, i32, ProgrammeChanges);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        let target = typed_id(v, "id", &self.id);
        let changes = ProgrammeChanges {
            name: self.name.as_deref().map(|n| v.text("name", n, 300)),
            description: patch(&self.description).map(|d| v.optional_text("description", d.as_deref(), 5000)),
            kind: self.kind,
            target_groups: self.target_groups.as_ref().map(|l| distinct(l.iter().copied())),
            theme: patch(&self.theme).map(|t| v.optional_text("theme", t.as_deref(), 300)),
            period: patch(&self.period).map(|p| period(v, "period", p.as_ref())),
            website: patch(&self.website).map(|w| v.url("website", w.as_deref())),
        };
        (target, self.expected_version, changes)
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

impl MutationInput for DeleteProgrammeInput {
    const MUTATION: Mutation = Mutation::DeleteProgramme;
    type Parsed = (ProgrammeId, i32);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        (typed_id(v, "id", &self.id), self.expected_version)
    }
}

impl MutationInput for AddProgrammeParticipantInput {
    const MUTATION: Mutation = Mutation::AddProgrammeParticipant;
    type Parsed = (ProgrammeId, i32, OrganisationId, ParticipationRole);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        let programme = typed_id(v, "programmeId", &self.programme_id);
        let organisation = typed_id(v, "organisationId", &self.organisation_id);
        (programme, self.expected_version, organisation, self.role)
    }
}

impl MutationInput for AcceptParticipationInput {
    const MUTATION: Mutation = Mutation::AcceptParticipation;
    type Parsed = (ParticipationId, i32);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        (typed_id(v, "participationId", &self.participation_id), self.expected_version)
    }
}

impl MutationInput for SetProgrammeRegionsInput {
    const MUTATION: Mutation = Mutation::SetProgrammeRegions;
    type Parsed = (ProgrammeId, i32, Vec<RegionId>);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        let programme = typed_id(v, "programmeId", &self.programme_id);
        let regions = ids(v, "regionIds", &self.region_ids, NodeType::Region).into_iter().map(RegionId).collect();
        (programme, self.expected_version, regions)
    }
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
        mutate(ctx, &input, ops::create, Programme).await
    }

    /// Changes a programme. Who: its owner with `programmes:write`; admin.
    async fn update_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateProgrammeInput,
    ) -> async_graphql::Result<ProgrammePayload> {
        let write = |c: &mut _, a: &_, (id, expected, changes): &(ProgrammeId, i32, ProgrammeChanges)| {
            ops::update(c, a, *id, *expected, changes)
        };
        mutate(ctx, &input, write, Programme).await
    }

    /// Deletes a programme with its participants and regions; refused (`IN_USE`) while fundings
    /// name it. Who: its owner with `programmes:write`; admin.
    async fn delete_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to delete.")] input: DeleteProgrammeInput,
    ) -> async_graphql::Result<DeleteProgrammePayload> {
        let write = |c: &mut _, a: &_, &(id, expected): &(ProgrammeId, i32)| ops::delete(c, a, id, expected);
        mutate(ctx, &input, write, |row| encode_id(NodeType::Programme, row.id)).await
    }

    /// Adds a participant. The caller's own organisation is added as accepted; another as a
    /// proposal, visible only to the owner, that organisation and admins until it accepts.
    /// Who: the programme's owner with `programmes:write`; admin.
    async fn add_programme_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who, in which role.")] input: AddProgrammeParticipantInput,
    ) -> async_graphql::Result<ParticipationPayload> {
        let write = |c: &mut _,
                     a: &_,
                     &(programme, expected, organisation, role): &(
            ProgrammeId,
            i32,
            OrganisationId,
            ParticipationRole,
        )| { participants::add_participant(c, a, programme, expected, organisation, role) };
        mutate(ctx, &input, write, Participation).await
    }

    /// Accepts a proposed participation. Who: the proposed organisation with `programmes:write`; admin.
    async fn accept_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] input: AcceptParticipationInput,
    ) -> async_graphql::Result<ParticipationPayload> {
        let write = |c: &mut _, a: &_, &(id, expected): &(ParticipationId, i32)| {
            participants::accept_participation(c, a, id, expected)
        };
        mutate(ctx, &input, write, Participation).await
    }

    /// Replaces the regions a programme names. Who: its owner with `programmes:write`; admin.
    async fn set_programme_regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new regions.")] input: SetProgrammeRegionsInput,
    ) -> async_graphql::Result<ProgrammePayload> {
        let write = |c: &mut _, a: &_, (programme, expected, regions): &(ProgrammeId, i32, Vec<RegionId>)| {
            participants::set_regions(c, a, *programme, *expected, regions)
        };
        mutate(ctx, &input, write, Programme).await
    }
}
