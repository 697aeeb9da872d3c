//! `Region`: a landsdeel, province, subregion or labour-market region.

use async_graphql::{Context, Object, ID};

use super::observation::Observed;
use super::record::Versioned;
use super::{connection_field, FundingConnection, ProgrammeConnection};
use super::{funding_page, programmes_of_region_page};
use crate::db::models::RegionRow;
use crate::graphql::context::{load_list, load_one};
use crate::graphql::loaders::*;
use crate::graphql::pagination::{connection_cost, FundingOrder, PageArgs, ProgrammeOrder};
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::read::fundings::FundingParent;
use crate::text::json_strings;
use crate::vocab::{Placement, RegionScheme};

/// A region in one of the schemes the pact uses. Each region has at most one formal parent (used for
/// roll-up: a region includes its formal descendants); associations are shown, never counted.
#[derive(Clone)]
pub struct Region(pub RegionRow);

/// A region in one of the schemes the pact uses. Each region has at most one formal parent (used for
/// roll-up: a region includes its formal descendants); associations are shown, never counted.
#[Object]
impl Region {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Region, self.0.id)
    }

    /// The scheme this region belongs to.
    async fn scheme(&self) -> Option<RegionScheme> {
        RegionScheme::parse(&self.0.scheme)
    }

    /// The code, unique within the scheme: ISO 3166-2:NL for provinces (`NL-ZE`), our own
    /// documented codes for landsdelen (`ZUIDWEST`) and subregions (`ROTTERDAM-RIJNMOND`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The name as the pact's documents use it.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Other names and spellings (search finds these too).
    async fn aliases(&self) -> Vec<String> {
        json_strings(&self.0.aliases)
    }

    /// (Flattened: `observations`.)
    #[graphql(flatten)]
    async fn observed(&self) -> Observed {
        Observed(RecordKind::Region, self.0.id.into())
    }

    /// Other identifiers, e.g. the CBS province code `CBS:PV29`.
    async fn identifiers(&self) -> Vec<String> {
        json_strings(&self.0.identifiers)
    }

    /// A remark on what the sources do and do not say about this region.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The formal parent, e.g. a subregion's landsdeel.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(parent) = self.0.parent_id else { return Ok(None) };
        Ok(load_one(ctx, RegionById(parent)).await?.map(Region))
    }

    /// Every formal ancestor, nearest first.
    #[graphql(complexity = "5 * child_complexity")]
    async fn parents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        Ok(load_list(ctx, AncestorsOfRegion(self.0.id)).await?.into_iter().map(Region).collect())
    }

    /// The direct formal children.
    #[graphql(complexity = "20 * child_complexity")]
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        Ok(load_list(ctx, ChildrenOfRegion(self.0.id)).await?.into_iter().map(Region).collect())
    }

    /// Regions this one works with without formally belonging to them (shown, never counted).
    #[graphql(complexity = "5 * child_complexity")]
    async fn associated_regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        self.links(ctx, "ASSOCIATED").await
    }

    /// Records of the same name in other schemes (Zeeland the province and Zeeland the subregion).
    #[graphql(complexity = "5 * child_complexity")]
    async fn same_as(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        self.links(ctx, "SAME_AS").await
    }

    /// (Flattened: `programmes`.)
    #[graphql(flatten)]
    async fn programmes_connection(&self) -> RegionProgrammes {
        RegionProgrammes(self.0.id.into())
    }

    /// (Flattened: `fundings`.)
    #[graphql(flatten)]
    async fn fundings_connection(&self) -> RegionFundings {
        RegionFundings(self.0.id.into())
    }

    /// (Flattened: `sources`, `createdAt`, `updatedAt`, `version`.)
    #[graphql(flatten)]
    async fn versioned(&self) -> Versioned {
        let r = &self.0;
        Versioned::new(RecordKind::Region, r.id.into(), r.created_at, r.updated_at, r.version)
    }
}

impl Region {
    async fn links(&self, ctx: &Context<'_>, kind: &str) -> async_graphql::Result<Vec<Region>> {
        let links = load_list(ctx, LinksOfRegion(self.0.id)).await?;
        Ok(links.into_iter().filter(|(k, _)| k == kind).map(|(_, r)| Region(r)).collect())
    }
}

connection_field! {
    /// Programmes naming this region or one of its formal descendants.
    RegionProgrammes.programmes -> ProgrammeConnection, order: ProgrammeOrder = "Ordering (default by name).",
    args: (),
    |ctx, id, page| programmes_of_region_page(ctx, id, page).await
}

connection_field! {
    /// Fundings placed in this region (itself or its formal descendants) by the placement rules at
    /// its level, as `fundingByRegion` counts them: an unsplit funding is in none of its candidates.
    RegionFundings.fundings -> FundingConnection, order: FundingOrder = "Ordering (default by key).",
    args: (#[graphql(desc = "Whether fundings placed through their programme's regions count (default) or only those placed by their own allocations (`STATED`).", default_with = "Placement::StatedAndProgramme")] placement: Placement),
    |ctx, id, page| funding_page(ctx, FundingParent::Region(placement), id, page).await
}
