//! `Organisation`: a stakeholder of the pact.

use async_graphql::{Context, Object, ID};

use super::linked::OrganisationModel;
use super::person::{roles_in, PersonRole};
use super::record::{Annotated, Versioned};
use super::{connection_field, FundingConnection};
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

    /// (Flattened: `aliases`, `note`, `observations`.)
    #[graphql(flatten)]
    async fn annotated(&self) -> Annotated {
        Annotated::new(RecordKind::Organisation, self.0.id.into(), &self.0.aliases, self.0.note.as_deref())
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

    /// (Flattened: `fundingsReceived`.)
    #[graphql(flatten)]
    async fn fundings_received_connection(&self) -> OrganisationFundingsReceived {
        OrganisationFundingsReceived(self.0.id.into())
    }

    /// (Flattened: `fundingsGiven`.)
    #[graphql(flatten)]
    async fn fundings_given_connection(&self) -> OrganisationFundingsGiven {
        OrganisationFundingsGiven(self.0.id.into())
    }

    /// Funding schemes this organisation funds or administers.
    #[graphql(complexity = "10 * child_complexity")]
    async fn funding_schemes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FundingScheme>> {
        Ok(load_list(ctx, SchemesOfOrganisation(self.0.id)).await?.into_iter().map(FundingScheme).collect())
    }

    /// (Flattened: `sources`, `createdAt`, `updatedAt`, `version`.)
    #[graphql(flatten)]
    async fn versioned(&self) -> Versioned {
        let r = &self.0;
        Versioned::new(RecordKind::Organisation, r.id.into(), r.created_at, r.updated_at, r.version)
    }
}

connection_field! {
    /// Fundings this organisation received, as recipient.
    OrganisationFundingsReceived.fundings_received -> FundingConnection, order: FundingOrder = "Ordering (default by key).",
    args: (),
    |ctx, id, page| funding_page(ctx, FundingParent::Recipient, id, page).await
}

connection_field! {
    /// Fundings this organisation gave as a named funder (outside or beside a scheme).
    OrganisationFundingsGiven.fundings_given -> FundingConnection, order: FundingOrder = "Ordering (default by key).",
    args: (),
    |ctx, id, page| funding_page(ctx, FundingParent::Funder, id, page).await
}
