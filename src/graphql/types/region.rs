//! `Region`: a landsdeel, province, subregion or labour-market region.

use async_graphql::{Context, Object, ID};

use super::observation::Observed;
use super::record::{Sourced, Versioned};
use super::{funding_page, programmes_of_region_page};
use super::{FundingConnection, ProgrammeConnection};
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

    /// Programmes naming this region or one of its formal descendants.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by name).")] order_by: Option<ProgrammeOrder>,
    ) -> async_graphql::Result<ProgrammeConnection> {
        programmes_of_region_page(ctx, self.0.id, PageArgs { first, after, last, before, order_by }).await
    }

    /// Fundings placed in this region (itself or its formal descendants) by the placement rules at
    /// its level, as `fundingByRegion` counts them: an unsplit funding is in none of its candidates.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "a connection's arguments: placement, four page arguments, order")]
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Whether fundings placed through their programme's regions count (default) or only those placed by their own allocations (`STATED`).",
            default_with = "Placement::StatedAndProgramme"
        )]
        placement: Placement,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by key).")] order_by: Option<FundingOrder>,
    ) -> async_graphql::Result<FundingConnection> {
        funding_page(
            ctx,
            FundingParent::Region(placement),
            self.0.id,
            PageArgs { first, after, last, before, order_by },
        )
        .await
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Region, self.0.id.into())
    }

    /// (Flattened: `createdAt`, `updatedAt`, `version`.)
    #[graphql(flatten)]
    async fn versioned(&self) -> Versioned {
        Versioned::new(self.0.created_at, self.0.updated_at, self.0.version)
    }
}

impl Region {
    async fn links(&self, ctx: &Context<'_>, kind: &str) -> async_graphql::Result<Vec<Region>> {
        let links = load_list(ctx, LinksOfRegion(self.0.id)).await?;
        Ok(links.into_iter().filter(|(k, _)| k == kind).map(|(_, r)| Region(r)).collect())
    }
}
