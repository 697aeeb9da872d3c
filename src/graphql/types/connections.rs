//! The Relay connection types of the output types, and paging of batched funding lists.

use async_graphql::{Context, Object, SimpleObject};

use super::{Event, Funding, FundingScheme, Organisation, Person, Programme, Region};
use crate::graphql::context::load_one;
use crate::graphql::loaders::{CountOf, FundingPageOf, ProgrammePageOfRegion};
use crate::graphql::pagination::{
    connection, from_rows, ConnectionData, FundingOrder, PageArgs, PageInfo, ProgrammeOrder, TotalCount,
};
use crate::ids::RegionId;
use crate::read::fundings::FundingParent;
use crate::read::page::RowPage;

connection!(OrganisationConnection, OrganisationEdge, Organisation, "organisations");
connection!(ProgrammeConnection, ProgrammeEdge, Programme, "programmes");
connection!(RegionConnection, RegionEdge, Region, "regions");
connection!(FundingSchemeConnection, FundingSchemeEdge, FundingScheme, "funding schemes");
connection!(FundingConnection, FundingEdge, Funding, "fundings");
connection!(EventConnection, EventEdge, Event, "events");
connection!(PersonConnection, PersonEdge, Person, "people");

/// A page of a parent's fundings, batched across parents; `totalCount` is counted only when selected.
pub(crate) async fn funding_page(
    ctx: &Context<'_>,
    parent: FundingParent,
    id: impl Into<i64>,
    args: PageArgs<FundingOrder>,
) -> async_graphql::Result<FundingConnection> {
    let id: i64 = id.into();
    let page = args.parse("Funding")?;
    let rows =
        load_one(ctx, FundingPageOf { parent, id, spec: page.spec.clone() }).await?.unwrap_or_else(RowPage::empty);
    Ok(from_rows(rows, &page, TotalCount::Batched(CountOf::Fundings(parent, id)), Funding).into())
}

/// A page of the programmes naming a region or one of its formal descendants, batched across regions.
pub(crate) async fn programmes_of_region_page(
    ctx: &Context<'_>,
    id: RegionId,
    args: PageArgs<ProgrammeOrder>,
) -> async_graphql::Result<ProgrammeConnection> {
    let id: i64 = id.into();
    let page = args.parse("Programme")?;
    let rows =
        load_one(ctx, ProgrammePageOfRegion { id, spec: page.spec.clone() }).await?.unwrap_or_else(RowPage::empty);
    Ok(from_rows(rows, &page, TotalCount::Batched(CountOf::ProgrammesOfRegion(id)), Programme).into())
}
