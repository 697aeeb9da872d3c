//! Relay pagination shared by every connection: argument checks, keyset cursors, `totalCount`.
//!
//! The read layer does the paging (`crate::read::page`); this turns Relay arguments into its page
//! request and its rows into connections with opaque cursors.

use std::sync::Arc;

use async_graphql::SimpleObject;

use super::context::load_one;
use super::loaders::CountOf;
use crate::db::{Database, DbConn};
use crate::error::AppError;
use crate::ids::Cursor;
use crate::read::page::{valid_value, PageSpec, Position, RowPage, Sorted};

pub use super::ordering::{
    order_tag, FundingOrder, FundingOrderField, ListOrder, OrderBy, OrderDirection, OrderField, ProgrammeOrder,
    ProgrammeOrderField,
};

/// Largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: i32 = 20;

/// A checked page request: the read layer's page and what the cursors of this list are made of.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page to read.
    pub spec: PageSpec,
    /// The cursor tag: the kind of item listed and the ordering (a cursor of one list or order is
    /// refused by another).
    tag: String,
}

impl Page {
    /// Checks Relay arguments; `order` is the list's `orderBy` input (default: by name, ascending).
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the argument: `first`/`last` outside 1–100, both given, or a bad cursor
    /// (not a cursor, made for another list or ordering, or with a sort value the field cannot have).
    pub fn parse<O: ListOrder>(
        list: &'static str,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        order: Option<O>,
    ) -> Result<Self, AppError> {
        let order = order.unwrap_or_default().order();
        for (name, value) in [("first", first), ("last", last)] {
            if let Some(v) = value {
                if !(1..=MAX_PAGE).contains(&v) {
                    return Err(AppError::bad_input(format!(
                        "argument `{name}` must be between 1 and {MAX_PAGE}, got {v}"
                    )));
                }
            }
        }
        if first.is_some() && last.is_some() {
            return Err(AppError::bad_input("arguments `first` and `last` cannot be combined"));
        }
        let tag = format!("{list}:{}", order_tag(order));
        let position = |text: Option<String>, argument: &str| -> Result<Option<Position>, AppError> {
            let Some(text) = text else { return Ok(None) };
            let c = Cursor::decode(&text, &tag, argument)?;
            if !valid_value(order.field, &c.value) {
                return Err(AppError::bad_input(format!("argument `{argument}`: not a valid cursor")));
            }
            Ok(Some(Position { value: c.value, id: c.id }))
        };
        let after = position(after, "after")?;
        let before = position(before, "before")?;
        let spec = PageSpec {
            limit: i64::from(last.or(first).unwrap_or(DEFAULT_PAGE)),
            backward: last.is_some(),
            after,
            before,
            order,
        };
        Ok(Self { spec, tag })
    }

    /// The cursor of a row.
    pub fn cursor_for(&self, row: &impl Sorted) -> String {
        Cursor { order: self.tag.clone(), value: row.sort_value(self.spec.order.field), id: row.row_id() }.encode()
    }
}

/// The Relay arguments of a nested connection field, checked by [`PageArgs::parse`]; `O` is the
/// list's `orderBy` input.
pub struct PageArgs<O = OrderBy> {
    /// Page size from the start.
    pub first: Option<i32>,
    /// Cursor to start after.
    pub after: Option<String>,
    /// Page size from the end.
    pub last: Option<i32>,
    /// Cursor to end before.
    pub before: Option<String>,
    /// Ordering.
    pub order_by: Option<O>,
}

impl<O: ListOrder> PageArgs<O> {
    /// The checked page of a list of `list` items.
    ///
    /// # Errors
    /// `BAD_USER_INPUT`, as [`Page::parse`].
    pub fn parse(self, list: &'static str) -> async_graphql::Result<Page> {
        Page::parse(list, self.first, self.after, self.last, self.before, self.order_by).map_err(Into::into)
    }
}

/// The complexity of a connection field: the page size times the cost of one node.
pub(crate) fn connection_cost(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    let n = first.or(last).unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    usize::try_from(n).unwrap_or(1) * child + 1
}

/// A count query, run on a connection when `totalCount` is asked for.
pub type CountFn = dyn Fn(&mut DbConn) -> Result<i64, AppError> + Send + Sync;

/// Where `totalCount` comes from: known already (nested lists), or a count query run only when asked.
#[derive(Clone)]
pub enum TotalCount {
    /// Already known.
    Known(i64),
    /// Run on demand.
    Deferred(Database, Arc<CountFn>),
    /// Counted on demand through the request's loader, batched across parents.
    Batched(CountOf),
}

impl TotalCount {
    /// The count, running the query if it is deferred.
    pub async fn resolve(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<i64> {
        match self {
            Self::Known(n) => Ok(*n),
            Self::Batched(key) => Ok(load_one(ctx, *key).await?.unwrap_or(0)),
            Self::Deferred(db, count) => {
                let count = count.clone();
                db.run(move |conn| count(conn)).await.map_err(Into::into)
            }
        }
    }
}

/// Relay page information.
#[derive(SimpleObject, Clone)]
pub struct PageInfo {
    /// True when there are items before this page (for `first`/`after` paging: when `after` was given).
    pub has_previous_page: bool,
    /// True when there are items after this page (for `last`/`before` paging: when `before` was given).
    pub has_next_page: bool,
    /// The cursor of the first edge, to page backwards with `before`.
    pub start_cursor: Option<String>,
    /// The cursor of the last edge, to page forwards with `after`.
    pub end_cursor: Option<String>,
}

/// One page of nodes with their cursors; wrapped by the typed connection objects below.
pub struct ConnectionData<N> {
    /// `(cursor, node)` in list order.
    pub edges: Vec<(String, N)>,
    /// Page information.
    pub page_info: PageInfo,
    /// The total across pages.
    pub total: TotalCount,
}

fn connection_data<N>(
    edges: Vec<(String, N)>,
    has_previous_page: bool,
    has_next_page: bool,
    total: TotalCount,
) -> ConnectionData<N> {
    let page_info = PageInfo {
        has_previous_page,
        has_next_page,
        start_cursor: edges.first().map(|e| e.0.clone()),
        end_cursor: edges.last().map(|e| e.0.clone()),
    };
    ConnectionData { edges, page_info, total }
}

/// Defines a Relay connection type and its edge type for one node type.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ", with the total across all pages.")]
        pub struct $conn(pub ConnectionData<$node>);

        #[doc = concat!("A page of ", $what, ", with the total across all pages.")]
        #[Object]
        impl $conn {
            /// The items of this page with their cursors.
            async fn edges(&self) -> Vec<$edge> {
                self.0.edges.iter().map(|(cursor, node)| $edge { cursor: cursor.clone(), node: node.clone() }).collect()
            }

            /// The items of this page (the same as `edges { node }`).
            async fn nodes(&self) -> Vec<$node> {
                self.0.edges.iter().map(|(_, node)| node.clone()).collect()
            }

            /// Where this page stands in the whole list.
            async fn page_info(&self) -> &PageInfo {
                &self.0.page_info
            }

            /// The number of items matching the filter, across all pages.
            async fn total_count(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<i64> {
                self.0.total.resolve(ctx).await
            }
        }

        impl From<ConnectionData<$node>> for $conn {
            fn from(data: ConnectionData<$node>) -> Self {
                Self(data)
            }
        }

        #[doc = concat!("One of ", $what, " in a page, with its cursor.")]
        #[derive(SimpleObject)]
        pub struct $edge {
            /// An opaque position: pass it as `after` or `before`.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }
    };
}

pub(crate) use connection;

/// Builds a connection from a page of rows.
pub fn from_rows<R: Sorted, N>(
    rows: RowPage<R>,
    page: &Page,
    total: TotalCount,
    node: impl Fn(R) -> N,
) -> ConnectionData<N> {
    let edges = rows.rows.into_iter().map(|r| (page.cursor_for(&r), node(r))).collect();
    connection_data(edges, rows.has_previous, rows.has_next, total)
}
