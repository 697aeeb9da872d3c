//! The root connections: filtered, keyset-paged lists with a lazy `totalCount`.

use std::sync::Arc;

use async_graphql::{Context, Object, ResultExt};
use diesel::prelude::*;

use crate::db::models::*;
use crate::db::schema::*;
use crate::graphql::context::db;
use crate::graphql::filters::*;
use crate::graphql::pagination::{
    from_fetched, FundingConnection, FundingSchemeConnection, OrderBy, OrganisationConnection, Page,
    ProgrammeConnection, RegionConnection, TotalCount,
};
use crate::graphql::types::{connection_cost, Funding, FundingScheme, Organisation, Programme, Region};
use crate::keyset;

/// Runs a root connection: the filtered, keyset-paged rows now, the count only if asked for.
macro_rules! root_connection {
    ($ctx:expr, $filter:expr, $table:ident, $row:ty, $node:path, $first:expr, $after:expr, $last:expr, $before:expr, $order:expr) => {{
        let page = Page::parse(stringify!($node), $first, $after, $last, $before, $order).extend()?;
        let database = db($ctx)?.clone();
        let filter = $filter.unwrap_or_default();
        let (fetch_filter, fetch_page) = (filter.clone(), page.clone());
        let rows: Vec<$row> = database
            .run(move |c| {
                let q = fetch_filter.query(c)?;
                Ok(keyset!(q, $table, &fetch_page).load::<$row>(c)?)
            })
            .await
            .extend()?;
        let count =
            TotalCount::Deferred(database, Arc::new(move |c| Ok(filter.query(c)?.count().get_result::<i64>(c)?)));
        Ok(from_fetched(rows, &page, count, $node).into())
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
        root_connection!(ctx, filter, organisation, OrganisationRow, Organisation, first, after, last, before, order_by)
    }

    /// Programmes (initiatives, networks, partnerships, pact actions), filtered and paged.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which programmes.")] filter: Option<ProgrammeFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by name); the ID breaks ties.")] order_by: Option<OrderBy>,
    ) -> async_graphql::Result<ProgrammeConnection> {
        root_connection!(ctx, filter, programme, ProgrammeRow, Programme, first, after, last, before, order_by)
    }

    /// Regions in every scheme, filtered and paged.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
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
        root_connection!(ctx, filter, region, RegionRow, Region, first, after, last, before, order_by)
    }

    /// Funding schemes, filtered and paged.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
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
        root_connection!(
            ctx,
            filter,
            funding_scheme,
            FundingSchemeRow,
            FundingScheme,
            first,
            after,
            last,
            before,
            order_by
        )
    }

    /// Fundings, filtered and paged (default order: key).
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which fundings.")] filter: Option<FundingFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Ordering (default by key); the ID breaks ties.")] order_by: Option<OrderBy>,
    ) -> async_graphql::Result<FundingConnection> {
        root_connection!(ctx, filter, funding, FundingRow, Funding, first, after, last, before, order_by)
    }
}
