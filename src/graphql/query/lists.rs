//! The root connections: filtered, keyset-paged lists with a lazy `totalCount`.

use std::sync::Arc;

use async_graphql::{Context, Object};

use crate::graphql::context::db;
use crate::graphql::filters::*;
use crate::graphql::pagination::{connection_cost, from_rows, FundingOrder, OrderBy, Page, ProgrammeOrder, TotalCount};
use crate::graphql::types::{
    Event, EventConnection, Funding, FundingConnection, FundingScheme, FundingSchemeConnection, Organisation,
    OrganisationConnection, Person, PersonConnection, Programme, ProgrammeConnection, Region, RegionConnection,
    Statement, StatementConnection,
};
use crate::read;

/// Runs a root connection: the filtered, keyset-paged rows now, the count only if asked for.
macro_rules! root_connection {
    ($ctx:expr, $filter:expr, $list:ident, $node:path, $first:expr, $after:expr, $last:expr, $before:expr, $order:expr) => {{
        let page = Page::parse(stringify!($node), $first, $after, $last, $before, $order)?;
        let database = db($ctx)?.clone();
        let query = $filter.unwrap_or_default().to_query()?;
        let (fetch_query, spec) = (query.clone(), page.spec.clone());
        let rows = database.run(move |c| read::$list::page(c, &fetch_query, &spec)).await?;
        let count = TotalCount::Deferred(database, Arc::new(move |c| read::$list::count(c, &query)));
        Ok(from_rows(rows, &page, count, $node).into())
    }};
}

/// The lists of the partner graph.
#[derive(Default)]
pub struct ListQuery;

/// The lists of the partner graph.
#[Object]
impl ListQuery {
    /// Stakeholders, filtered and paged (default order: name).
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "a connection's arguments: filter, four page arguments, order")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which organisations.")] filter: Option<OrganisationFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by name); the ID breaks ties.")] order_by: Option<OrderBy>,
    ) -> async_graphql::Result<OrganisationConnection> {
        root_connection!(ctx, filter, organisations, Organisation, first, after, last, before, order_by)
    }

    /// Programmes (initiatives, networks, partnerships, pact actions), filtered and paged.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "a connection's arguments: filter, four page arguments, order")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which programmes.")] filter: Option<ProgrammeFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by name); the ID breaks ties.")] order_by: Option<ProgrammeOrder>,
    ) -> async_graphql::Result<ProgrammeConnection> {
        root_connection!(ctx, filter, programmes, Programme, first, after, last, before, order_by)
    }

    /// Regions in every scheme, filtered and paged.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "a connection's arguments: filter, four page arguments, order")]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which regions.")] filter: Option<RegionFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by name); the ID breaks ties.")] order_by: Option<OrderBy>,
    ) -> async_graphql::Result<RegionConnection> {
        root_connection!(ctx, filter, regions, Region, first, after, last, before, order_by)
    }

    /// Funding schemes, filtered and paged.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "a connection's arguments: filter, four page arguments, order")]
    async fn funding_schemes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which schemes.")] filter: Option<FundingSchemeFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by name); the ID breaks ties.")] order_by: Option<OrderBy>,
    ) -> async_graphql::Result<FundingSchemeConnection> {
        root_connection!(ctx, filter, schemes, FundingScheme, first, after, last, before, order_by)
    }

    /// Fundings, filtered and paged (default order: key).
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "a connection's arguments: filter, four page arguments, order")]
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which fundings.")] filter: Option<FundingFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by key); the ID breaks ties.")] order_by: Option<FundingOrder>,
    ) -> async_graphql::Result<FundingConnection> {
        root_connection!(ctx, filter, fundings, Funding, first, after, last, before, order_by)
    }

    /// Dated events from the documents (a regulation published, an application window, a launch, a
    /// hand-over, a report and the cabinet's response…), oldest first; events on the same day by key.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<EventFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> async_graphql::Result<EventConnection> {
        root_connection!(ctx, filter, events, Event, first, after, last, before, None::<OrderBy>)
    }

    /// People the documents name in a public role, by name. Only names as the public documents
    /// write them and the public roles they state; no contact details (README "People").
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which people.")] filter: Option<PersonFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> async_graphql::Result<PersonConnection> {
        root_connection!(ctx, filter, people, Person, first, after, last, before, None::<OrderBy>)
    }

    /// What the documents say ought to be, is the matter, works or is planned (findings,
    /// recommendations, aims, success factors, plans), in the order the documents give them.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn statements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which statements.")] filter: Option<StatementFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> async_graphql::Result<StatementConnection> {
        root_connection!(ctx, filter, statements, Statement, first, after, last, before, None::<OrderBy>)
    }
}
