//! `Programme` (an initiative, network, partnership or pact action) and `Participation`.

use async_graphql::{Context, Object, ID};

use super::common::{Period, Source};
use super::linked::ProgrammeModel;
use super::person::{roles_in, PersonRole};
use super::record::{Annotated, Sourced, Versioned};
use super::{connection_field, FundingConnection};
use super::{funding_page, Organisation, Region};
use crate::auth::policy::can_see_participation;

use crate::db::models::{ParticipationRow, ProgrammeRow};
use crate::graphql::context::{load_list, load_one, Caller};
use crate::graphql::loaders::*;
use crate::graphql::pagination::{connection_cost, FundingOrder, PageArgs};
use crate::ids::{encode_id, NodeType, ProgrammeId, RecordKind};
use crate::read::fundings::FundingParent;
use crate::vocab::{ParticipationRole, ParticipationStatus, ProgrammeKind, ProgrammeStatus, TargetGroup};

/// An initiative, project, network, public-private partnership or action of the pact.
#[derive(Clone)]
pub struct Programme(pub ProgrammeRow);

/// The progress of a programme as of a report, and the year of that report. Where the report does
/// not state it and the data's authors derived it, `inferred` is true and `note` says how.
pub struct StatusReport {
    status: ProgrammeStatus,
    report_year: Option<i32>,
    inferred: bool,
    note: Option<String>,
    programme_id: ProgrammeId,
}

/// The progress of a programme as of a report, and the year of that report. Where the report does
/// not state it and the data's authors derived it, `inferred` is true and `note` says how.
#[Object]
impl StatusReport {
    /// The status.
    async fn status(&self) -> ProgrammeStatus {
        self.status
    }

    /// The year of the report it refers to.
    async fn report_year(&self) -> Option<i32> {
        self.report_year
    }

    /// True when the report does not state this status and the data's authors derived it from the
    /// cited lines (the reasoning is in `note`); false when the cited lines state it.
    async fn inferred(&self) -> bool {
        self.inferred
    }

    /// How the status was derived (for an inferred status), or another remark.
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The lines the status is based on.
    #[graphql(complexity = "2 * child_complexity")]
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(load_list(ctx, SourcesOf(RecordKind::ProgrammeStatus, self.programme_id.into()))
            .await?
            .into_iter()
            .map(Source)
            .collect())
    }
}

/// An initiative, project, network, public-private partnership or action of the pact.
#[Object]
impl Programme {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Programme, self.0.id)
    }

    /// A stable, readable key, e.g. `jet-net-technet`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// A short summary in Dutch (our own words, not quoted from the source).
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// What kind of undertaking this is.
    async fn kind(&self) -> Option<ProgrammeKind> {
        ProgrammeKind::parse(&self.0.kind)
    }

    /// Who the programme is for.
    async fn target_groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TargetGroup>> {
        let groups = load_list(ctx, TargetGroupsOfProgramme(self.0.id)).await?;
        Ok(groups.iter().filter_map(|g| TargetGroup::parse(g)).collect())
    }

    /// The theme it serves (free text, e.g. a theme of the 2019 report).
    async fn theme(&self) -> Option<&str> {
        self.0.theme.as_deref()
    }

    /// When it runs; null when no source says.
    async fn period(&self) -> Option<Period> {
        let r = &self.0;
        Period::from_db(r.start_date, r.start_precision.as_deref(), r.end_date, r.end_precision.as_deref())
    }

    /// The website, where a source gives one.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// The progress as of a report; null when no source gives one. `inferred` is true where the
    /// report does not state it and the data's authors derived it.
    async fn status(&self) -> Option<StatusReport> {
        let status = self.0.status.as_deref().and_then(ProgrammeStatus::parse)?;
        Some(StatusReport {
            status,
            report_year: self.0.status_year,
            inferred: self.0.status_inferred,
            note: self.0.status_note.clone(),
            programme_id: self.0.id,
        })
    }

    /// The organisation that may change this programme: the one a source names as lead or
    /// initiator. Null when no source names one (then only the pact secretariat may change it).
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(owner) = self.0.owner_id else { return Ok(None) };
        Ok(load_one(ctx, OrganisationById(owner)).await?.map(Organisation))
    }

    /// The organisations taking part, with their roles. Proposed participants are shown only to the
    /// programme's owner, the proposed organisation and admins.
    #[graphql(complexity = "10 * child_complexity")]
    async fn participants(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Participation>> {
        let viewer = ctx.viewer();
        let rows = load_list(ctx, ParticipationsOfProgramme(self.0.id)).await?;
        Ok(rows.into_iter().filter(|p| can_see_participation(viewer, p, self.0.owner_id)).map(Participation).collect())
    }

    /// The regions the programme names.
    #[graphql(complexity = "10 * child_complexity")]
    async fn regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        Ok(load_list(ctx, RegionsOfProgramme(self.0.id)).await?.into_iter().map(Region).collect())
    }

    /// (Flattened: `relations`, `events`, `items`.)
    #[graphql(flatten)]
    async fn modelled(&self) -> ProgrammeModel {
        ProgrammeModel(RecordKind::Programme, self.0.id.into())
    }

    /// People the documents name in a public role in this programme (e.g. the pact's ambassadors).
    #[graphql(complexity = "10 * child_complexity")]
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PersonRole>> {
        roles_in(ctx, RecordKind::Programme, self.0.id.into()).await
    }

    /// (Flattened: `fundings`.)
    #[graphql(flatten)]
    async fn fundings_connection(&self) -> ProgrammeFundings {
        ProgrammeFundings(self.0.id.into())
    }

    /// (Flattened: `aliases`, `note`, `observations`.)
    #[graphql(flatten)]
    async fn annotated(&self) -> Annotated {
        Annotated::new(RecordKind::Programme, self.0.id.into(), &self.0.aliases, self.0.note.as_deref())
    }

    /// The goals and themes of the pact this programme serves, as the reports place it.
    #[graphql(complexity = "5 * child_complexity")]
    async fn goals(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::PactGoal>> {
        Ok(load_list(ctx, GoalsOfProgramme(self.0.id)).await?.into_iter().map(super::PactGoal).collect())
    }

    /// (Flattened: `sources`, `createdAt`, `updatedAt`, `version`.)
    #[graphql(flatten)]
    async fn versioned(&self) -> Versioned {
        let r = &self.0;
        Versioned::new(RecordKind::Programme, r.id.into(), r.created_at, r.updated_at, r.version)
    }
}

/// An organisation's role in a programme.
#[derive(Clone)]
pub struct Participation(pub ParticipationRow);

/// An organisation's role in a programme.
#[Object]
impl Participation {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Participation, self.0.id)
    }

    /// The role; `PARTICIPANT` when the source does not say which.
    async fn role(&self) -> Option<ParticipationRole> {
        ParticipationRole::parse(&self.0.role)
    }

    /// `ACCEPTED`, or `PROPOSED` until the proposed organisation (or an admin) accepts.
    async fn status(&self) -> ParticipationStatus {
        if self.0.is_proposed() {
            ParticipationStatus::Proposed
        } else {
            ParticipationStatus::Accepted
        }
    }

    /// The record's version (for `acceptParticipation`).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the organisation took part in this role, where a source says; null when no source says.
    async fn period(&self) -> Option<Period> {
        let r = &self.0;
        Period::from_db(r.start_date, r.start_precision.as_deref(), r.end_date, r.end_precision.as_deref())
    }

    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        Ok(load_one(ctx, OrganisationById(self.0.organisation_id)).await?.map(Organisation))
    }

    /// The programme.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme>> {
        Ok(load_one(ctx, ProgrammeById(self.0.programme_id)).await?.map(Programme))
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Participation, self.0.id.into())
    }
}

connection_field! {
    /// Fundings to this programme.
    ProgrammeFundings.fundings -> FundingConnection, order: FundingOrder = "Ordering (default by key).",
    args: (),
    |ctx, id, page| funding_page(ctx, FundingParent::Programme, id, page).await
}
