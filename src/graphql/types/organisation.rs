//! `Organisation`: a stakeholder of the pact.

use async_graphql::{Context, Object, ID};

use super::linked::OrganisationModel;
use super::observation::Observed;
use super::person::{roles_in, PersonRole};
use super::record::{Sourced, Versioned};
use super::FundingConnection;
use super::{funding_page, FundingScheme, Participation, Region};
use crate::auth::policy::can_see_participation;

use crate::db::models::OrganisationRow;
use crate::graphql::context::{load_list, load_one, Caller};
use crate::graphql::loaders::*;
use crate::graphql::pagination::{connection_cost, FundingOrder, PageArgs};
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::read::fundings::FundingParent;
use crate::text::json_strings;
use crate::vocab::{OrganisationKind, SchoolLevel};

/// A stakeholder: a ministry, agency, province, municipality, school, branch or employers'
/// organisation, union, regional platform, foundation or company.
#[derive(Clone)]
pub struct Organisation(pub OrganisationRow);

/// A stakeholder: a ministry, agency, province, municipality, school, branch or employers'
/// organisation, union, regional platform, foundation or company.
#[Object]
impl Organisation {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Organisation, self.0.id)
    }

    /// A stable, readable key (lowercase ASCII with `-`), e.g. `sbb`; use with `organisation(slug:)`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The usual abbreviation, e.g. `SBB`, where there is one.
    async fn short_name(&self) -> Option<&str> {
        self.0.short_name.as_deref()
    }

    /// What kind of stakeholder this is.
    async fn kind(&self) -> Option<OrganisationKind> {
        OrganisationKind::parse(&self.0.kind)
    }

    /// For schools: the level of education.
    async fn school_level(&self) -> Option<SchoolLevel> {
        self.0.school_level.as_deref().and_then(SchoolLevel::parse)
    }

    /// External identifiers in `SCHEME-ID` form, e.g. `NL-KVK-12345678`, where known.
    async fn identifiers(&self) -> Vec<String> {
        json_strings(&self.0.identifiers)
    }

    /// The website, where a source gives one.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// Other names and spellings found in the sources (search finds these too).
    async fn aliases(&self) -> Vec<String> {
        json_strings(&self.0.aliases)
    }

    /// A remark by the data's authors: what the sources leave open or how a value was read.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// What the organisation is, in our own words (Dutch), where the documents say.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// (Flattened: `relations`, `events`, `items`.)
    #[graphql(flatten)]
    async fn modelled(&self) -> OrganisationModel {
        OrganisationModel(RecordKind::Organisation, self.0.id.into())
    }

    /// People the documents name in a public role in this organisation (e.g. its minister).
    #[graphql(complexity = "10 * child_complexity")]
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PersonRole>> {
        roles_in(ctx, RecordKind::Organisation, self.0.id.into()).await
    }

    /// (Flattened: `observations`.)
    #[graphql(flatten)]
    async fn observed(&self) -> Observed {
        Observed(RecordKind::Organisation, self.0.id.into())
    }

    /// The regions the organisation is based in or works for.
    #[graphql(complexity = "5 * child_complexity")]
    async fn home_regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        Ok(load_list(ctx, HomeRegionsOfOrganisation(self.0.id)).await?.into_iter().map(Region).collect())
    }

    /// The organisation's roles in programmes (proposals only for those allowed to see them).
    #[graphql(complexity = "20 * child_complexity")]
    async fn participations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Participation>> {
        let viewer = ctx.viewer();
        let mut visible = Vec::new();
        for p in load_list(ctx, ParticipationsOfOrganisation(self.0.id)).await? {
            let owner = if p.is_proposed() {
                load_one(ctx, ProgrammeById(p.programme_id)).await?.and_then(|r| r.owner_id)
            } else {
                None
            };
            if can_see_participation(viewer, &p, owner) {
                visible.push(Participation(p));
            }
        }
        Ok(visible)
    }

    /// Fundings this organisation received, as recipient.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn fundings_received(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by key).")] order_by: Option<FundingOrder>,
    ) -> async_graphql::Result<FundingConnection> {
        funding_page(ctx, FundingParent::Recipient, self.0.id, PageArgs { first, after, last, before, order_by }).await
    }

    /// Fundings this organisation gave as a named funder (outside or beside a scheme).
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn fundings_given(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by key).")] order_by: Option<FundingOrder>,
    ) -> async_graphql::Result<FundingConnection> {
        funding_page(ctx, FundingParent::Funder, self.0.id, PageArgs { first, after, last, before, order_by }).await
    }

    /// Funding schemes this organisation funds or administers.
    #[graphql(complexity = "10 * child_complexity")]
    async fn funding_schemes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FundingScheme>> {
        Ok(load_list(ctx, SchemesOfOrganisation(self.0.id)).await?.into_iter().map(FundingScheme).collect())
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Organisation, self.0.id.into())
    }

    /// (Flattened: `createdAt`, `updatedAt`, `version`.)
    #[graphql(flatten)]
    async fn versioned(&self) -> Versioned {
        Versioned::new(self.0.created_at, self.0.updated_at, self.0.version)
    }
}
