//! Relay pagination shared by every connection: argument checks, keyset cursors, `totalCount`.
//!
//! Every list is ordered by a sort value and then the row id, so rows with equal sort values are
//! never skipped or repeated across pages. Root connections page in SQL (see `keyset!`); nested
//! connections page a batched in-memory list with the same cursors and rules.

use std::sync::Arc;

use async_graphql::{Enum, InputObject, Object, ResultExt, SimpleObject};
use chrono::NaiveDateTime;

use crate::db::{Database, DbConn};
use crate::error::AppError;
use crate::ids::Cursor;

/// Largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: i32 = 20;

/// The field a list is sorted by; the row's ID always breaks ties.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    /// The name, compared case- and accent-insensitively (for fundings: their key).
    #[default]
    Name,
    /// The time of the last change; use with `updatedAfter` to sync.
    UpdatedAt,
}

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Ascending (A–Z, oldest first).
    #[default]
    Asc,
    /// Descending (Z–A, newest first).
    Desc,
}

/// How to order a connection.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct OrderBy {
    /// The sort field (default `NAME`).
    #[graphql(default)]
    pub field: OrderField,
    /// The direction (default `ASC`).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl OrderBy {
    fn order_tag(self) -> &'static str {
        match (self.field, self.direction) {
            (OrderField::Name, OrderDirection::Asc) => "NAME_ASC",
            (OrderField::Name, OrderDirection::Desc) => "NAME_DESC",
            (OrderField::UpdatedAt, OrderDirection::Asc) => "UPDATED_AT_ASC",
            (OrderField::UpdatedAt, OrderDirection::Desc) => "UPDATED_AT_DESC",
        }
    }
}

/// A checked page request.
#[derive(Debug, Clone)]
pub struct Page {
    /// Rows wanted.
    pub limit: i64,
    /// True for `last`/`before` paging (rows are fetched in reverse and turned round).
    pub backward: bool,
    /// Rows strictly after this position.
    pub after: Option<Cursor>,
    /// Rows strictly before this position.
    pub before: Option<Cursor>,
    /// The ordering.
    pub order: OrderBy,
    /// The kind of item listed (a cursor of one list is refused by another).
    pub list: &'static str,
}

impl Page {
    /// Checks Relay arguments.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the argument: `first`/`last` outside 1–100, both given, or a bad cursor.
    pub fn parse(
        list: &'static str,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        order: Option<OrderBy>,
    ) -> Result<Self, AppError> {
        let order = order.unwrap_or_default();
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
        let tag = format!("{list}:{}", order.order_tag());
        let tag = tag.as_str();
        let after = after.map(|c| Cursor::decode(&c, tag, "after")).transpose()?;
        let before = before.map(|c| Cursor::decode(&c, tag, "before")).transpose()?;
        if let Some(c) = after.iter().chain(before.iter()).next() {
            if order.field == OrderField::UpdatedAt {
                parse_timestamp(&c.value)
                    .ok_or_else(|| AppError::bad_input("argument `after`/`before`: not a valid cursor"))?;
            }
        }
        Ok(Self {
            limit: i64::from(last.or(first).unwrap_or(DEFAULT_PAGE)),
            backward: last.is_some(),
            after,
            before,
            order,
            list,
        })
    }

    /// True when the SQL (or in-memory) order is descending: the requested direction, flipped for `last`.
    pub fn fetch_descending(&self) -> bool {
        (self.order.direction == OrderDirection::Desc) != self.backward
    }

    /// The cursor of a row.
    pub fn cursor_for(&self, row: &impl Keyed) -> String {
        let order = format!("{}:{}", self.list, self.order.order_tag());
        Cursor { order, value: row.sort_value(self.order.field), id: row.row_id() }.encode()
    }
}

/// Formats a timestamp as a cursor value (fixed width, so text order is time order).
pub fn format_timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Reads a cursor timestamp.
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.6f").ok()
}

/// A row that can be paged: its sort value for a field, and its id.
pub trait Keyed {
    /// The sort value as text (for `UPDATED_AT`, [`format_timestamp`]).
    fn sort_value(&self, field: OrderField) -> String;
    /// The row id (the tiebreak).
    fn row_id(&self) -> i64;
}

/// Applies keyset conditions, order and limit (one more than the page, to see if there is more) to
/// a boxed diesel query on a table with `id`, `sort_key` and `updated_at` columns.
#[macro_export]
macro_rules! keyset {
    ($query:expr, $table:ident, $page:expr) => {{
        use diesel::prelude::*;
        let page: &$crate::graphql::pagination::Page = $page;
        let mut q = $query;
        let desc = page.order.direction == $crate::graphql::pagination::OrderDirection::Desc;
        // `after` means "further along the requested order"; `before` the opposite.
        let bounds = [(page.after.as_ref(), !desc), (page.before.as_ref(), desc)];
        for (cursor, greater) in bounds {
            let Some(c) = cursor else { continue };
            match page.order.field {
                $crate::graphql::pagination::OrderField::Name => {
                    let v = c.value.clone();
                    q = if greater {
                        q.filter($table::sort_key.gt(v.clone()).or($table::sort_key.eq(v).and($table::id.gt(c.id))))
                    } else {
                        q.filter($table::sort_key.lt(v.clone()).or($table::sort_key.eq(v).and($table::id.lt(c.id))))
                    };
                }
                $crate::graphql::pagination::OrderField::UpdatedAt => {
                    let v = $crate::graphql::pagination::parse_timestamp(&c.value).unwrap_or_default();
                    q = if greater {
                        q.filter($table::updated_at.gt(v).or($table::updated_at.eq(v).and($table::id.gt(c.id))))
                    } else {
                        q.filter($table::updated_at.lt(v).or($table::updated_at.eq(v).and($table::id.lt(c.id))))
                    };
                }
            }
        }
        q = match (page.order.field, page.fetch_descending()) {
            ($crate::graphql::pagination::OrderField::Name, false) => {
                q.order(($table::sort_key.asc(), $table::id.asc()))
            }
            ($crate::graphql::pagination::OrderField::Name, true) => {
                q.order(($table::sort_key.desc(), $table::id.desc()))
            }
            ($crate::graphql::pagination::OrderField::UpdatedAt, false) => {
                q.order(($table::updated_at.asc(), $table::id.asc()))
            }
            ($crate::graphql::pagination::OrderField::UpdatedAt, true) => {
                q.order(($table::updated_at.desc(), $table::id.desc()))
            }
        };
        q.limit(page.limit + 1)
    }};
}

/// Where `totalCount` comes from: known already (nested lists), or a count query run only when asked.
#[derive(Clone)]
pub enum TotalCount {
    /// Already known.
    Known(i64),
    /// Run on demand.
    Deferred(Database, Arc<dyn Fn(&mut DbConn) -> Result<i64, AppError> + Send + Sync>),
}

impl TotalCount {
    /// The count, running the query if it is deferred.
    pub async fn resolve(&self) -> async_graphql::Result<i64> {
        match self {
            Self::Known(n) => Ok(*n),
            Self::Deferred(db, count) => {
                let count = count.clone();
                db.run(move |conn| count(conn)).await.extend()
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
            async fn total_count(&self) -> async_graphql::Result<i64> {
                self.0.total.resolve().await
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

use super::types::{Funding, FundingScheme, Organisation, Programme, Region};

connection!(OrganisationConnection, OrganisationEdge, Organisation, "organisations");
connection!(ProgrammeConnection, ProgrammeEdge, Programme, "programmes");
connection!(RegionConnection, RegionEdge, Region, "regions");
connection!(FundingSchemeConnection, FundingSchemeEdge, FundingScheme, "funding schemes");
connection!(FundingConnection, FundingEdge, Funding, "fundings");

/// Builds a page from rows fetched by [`keyset!`] (at most `limit + 1`, in fetch order).
pub fn from_fetched<R: Keyed, N>(
    mut rows: Vec<R>,
    page: &Page,
    total: TotalCount,
    node: impl Fn(R) -> N,
) -> ConnectionData<N> {
    let more = rows.len() as i64 > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(0));
    if page.backward {
        rows.reverse();
    }
    let (has_previous, has_next) =
        if page.backward { (more, page.before.is_some()) } else { (page.after.is_some(), more) };
    let edges = rows.into_iter().map(|r| (page.cursor_for(&r), node(r))).collect();
    connection_data(edges, has_previous, has_next, total)
}

/// Pages an in-memory list (a batched relation) with the same ordering and cursor rules.
pub fn from_list<R: Keyed + Clone, N>(rows: &[R], page: &Page, node: impl Fn(R) -> N) -> ConnectionData<N> {
    let field = page.order.field;
    let desc = page.order.direction == OrderDirection::Desc;
    let mut sorted: Vec<&R> = rows.iter().collect();
    sorted.sort_by(|a, b| a.sort_value(field).cmp(&b.sort_value(field)).then(a.row_id().cmp(&b.row_id())));
    if desc {
        sorted.reverse();
    }
    let position = |r: &R, c: &Cursor| {
        let ord = r.sort_value(field).cmp(&c.value).then(r.row_id().cmp(&c.id));
        if desc {
            ord.reverse()
        } else {
            ord
        }
    };
    let window: Vec<&R> = sorted
        .into_iter()
        .filter(|r| page.after.as_ref().is_none_or(|c| position(r, c).is_gt()))
        .filter(|r| page.before.as_ref().is_none_or(|c| position(r, c).is_lt()))
        .collect();
    let n = usize::try_from(page.limit).unwrap_or(0);
    let (slice, has_previous, has_next) = if page.backward {
        let start = window.len().saturating_sub(n);
        (&window[start..], start > 0, page.before.is_some())
    } else {
        (&window[..n.min(window.len())], page.after.is_some(), window.len() > n)
    };
    let edges = slice.iter().map(|r| (page.cursor_for(*r), node((*r).clone()))).collect();
    connection_data(edges, has_previous, has_next, TotalCount::Known(rows.len() as i64))
}
