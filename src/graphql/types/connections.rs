//! The Relay connection types of the output types, the connection fields of record types (written
//! once by [`connection_field!`]), and paging of batched funding lists.

use async_graphql::{Context, Object, SimpleObject};

use super::{Event, Funding, FundingScheme, Organisation, Person, Programme, Region, Statement};
use crate::graphql::context::load_one;
use crate::graphql::loaders::{CountOf, FundingPageOf, ProgrammePageOfRegion};
use crate::graphql::pagination::{
    connection, from_rows, ConnectionData, FundingOrder, PageArgs, PageInfo, ProgrammeOrder, TotalCount,
};
use crate::read::fundings::FundingParent;
use crate::read::page::RowPage;

connection!(OrganisationConnection, OrganisationEdge, Organisation, "organisations");
connection!(ProgrammeConnection, ProgrammeEdge, Programme, "programmes");
connection!(RegionConnection, RegionEdge, Region, "regions");
connection!(FundingSchemeConnection, FundingSchemeEdge, FundingScheme, "funding schemes");
connection!(FundingConnection, FundingEdge, Funding, "fundings");
connection!(EventConnection, EventEdge, Event, "events");
connection!(StatementConnection, StatementEdge, Statement, "statements");
connection!(PersonConnection, PersonEdge, Person, "people");

/// Writes one connection field of a record type once, with the four Relay page arguments and
/// `orderBy`: a one-field object holding the parent's id, flattened into the parent
/// (`#[graphql(flatten)]` on a resolver returning it), because async-graphql cannot share arguments
/// between fields. Arguments given after `args:` come before the page arguments; the body gets the
/// context, the parent's id and the [`PageArgs`].
macro_rules! connection_field {
    (
        $(#[doc = $doc:tt])*
        $holder:ident . $field:ident -> $conn:ty, order: $order:ty = $order_desc:tt,
        args: ($($(#[$arg_meta:meta])* $arg:ident: $arg_ty:ty),*),
        |$ctx:ident, $id:ident, $page:ident| $body:expr
    ) => {
        /// The holder of one connection field, flattened into its parent type.
        pub(crate) struct $holder(pub i64);

        #[async_graphql::Object]
        impl $holder {
            $(#[doc = $doc])*
            #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
            #[allow(clippy::too_many_arguments, reason = "a connection's arguments: the page's and the field's own")]
            async fn $field(
                &self,
                $ctx: &async_graphql::Context<'_>,
                $($(#[$arg_meta])* $arg: $arg_ty,)*
                #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
                #[graphql(desc = "Cursor to start after.")] after: Option<String>,
                #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
                #[graphql(desc = "Cursor to end before.")] before: Option<String>,
                #[graphql(desc = $order_desc)] order_by: Option<$order>,
            ) -> async_graphql::Result<$conn> {
                let ($id, $page) = (self.0, PageArgs { first, after, last, before, order_by });
                $body
            }
        }
    };
}
pub(crate) use connection_field;

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
    id: impl Into<i64>,
    args: PageArgs<ProgrammeOrder>,
) -> async_graphql::Result<ProgrammeConnection> {
    let id: i64 = id.into();
    let page = args.parse("Programme")?;
    let rows =
        load_one(ctx, ProgrammePageOfRegion { id, spec: page.spec.clone() }).await?.unwrap_or_else(RowPage::empty);
    Ok(from_rows(rows, &page, TotalCount::Batched(CountOf::ProgrammesOfRegion(id)), Programme).into())
}
