//! Relay pagination shared by every connection: argument checks, keyset cursors, `totalCount`.
//!
//! Every list is ordered by a sort value and then the row id, so rows with equal sort values are
//! never skipped or repeated across pages. Root connections page in SQL (see `keyset!`); nested
//! connections page a batched in-memory list with the same cursors and rules.

use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, InputObject, Object, OutputType, ResultExt};
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
    fn cursor_tag(self) -> &'static str {
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
}

impl Page {
    /// Checks Relay arguments.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the argument: `first`/`last` outside 1–100, both given, or a bad cursor.
    pub fn parse(
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
                    return Err(AppError::bad_input(format!("argument `{name}` must be between 1 and {MAX_PAGE}, got {v}")));
                }
            }
        }
        if first.is_some() && last.is_some() {
            return Err(AppError::bad_input("arguments `first` and `last` cannot be combined"));
        }
        let tag = order.cursor_tag();
        let after = after.map(|c| Cursor::decode(&c, tag, "after")).transpose()?;
        let before = before.map(|c| Cursor::decode(&c, tag, "before")).transpose()?;
        if let Some(c) = after.iter().chain(before.iter()).next() {
            if order.field == OrderField::UpdatedAt {
                parse_timestamp(&c.value).ok_or_else(|| AppError::bad_input("argument `after`/`before`: not a valid cursor"))?;
            }
        }
        Ok(Self { limit: i64::from(last.or(first).unwrap_or(DEFAULT_PAGE)), backward: last.is_some(), after, before, order })
    }

    /// True when the SQL (or in-memory) order is descending: the requested direction, flipped for `last`.
    pub fn fetch_descending(&self) -> bool {
        (self.order.direction == OrderDirection::Desc) != self.backward
    }

    /// The cursor of a row.
    pub fn cursor_for(&self, row: &impl Keyed) -> String {
        Cursor { order: self.order.cursor_tag().to_owned(), value: row.sort_value(self.order.field), id: row.row_id() }.encode()
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
            ($crate::graphql::pagination::OrderField::Name, false) => q.order(($table::sort_key.asc(), $table::id.asc())),
            ($crate::graphql::pagination::OrderField::Name, true) => q.order(($table::sort_key.desc(), $table::id.desc())),
            ($crate::graphql::pagination::OrderField::UpdatedAt, false) => q.order(($table::updated_at.asc(), $table::id.asc())),
            ($crate::graphql::pagination::OrderField::UpdatedAt, true) => q.order(($table::updated_at.desc(), $table::id.desc())),
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

/// Fields every connection has besides `edges`, `nodes` and `pageInfo`.
pub struct ConnectionFields {
    total: TotalCount,
}

#[Object]
impl ConnectionFields {
    /// The number of items matching the filter, across all pages.
    async fn total_count(&self, _ctx: &Context<'_>) -> async_graphql::Result<i64> {
        match &self.total {
            TotalCount::Known(n) => Ok(*n),
            TotalCount::Deferred(db, count) => {
                let count = count.clone();
                db.run(move |conn| count(conn)).await.extend()
            }
        }
    }
}

/// A page of `N` with `totalCount`.
pub type ConnectionOf<N> = Connection<String, N, ConnectionFields>;

/// Builds the connection from rows fetched by [`keyset!`] (at most `limit + 1`, in fetch order).
pub fn from_fetched<R: Keyed, N: OutputType>(mut rows: Vec<R>, page: &Page, total: TotalCount, node: impl Fn(R) -> N) -> ConnectionOf<N> {
    let more = rows.len() as i64 > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(0));
    if page.backward {
        rows.reverse();
    }
    let (has_previous, has_next) = if page.backward {
        (more, page.before.is_some())
    } else {
        (page.after.is_some(), more)
    };
    let mut connection = Connection::with_additional_fields(has_previous, has_next, ConnectionFields { total });
    connection.edges.extend(rows.into_iter().map(|r| Edge::new(page.cursor_for(&r), node(r))));
    connection
}

/// Pages an in-memory list (a batched relation) with the same ordering and cursor rules.
pub fn from_list<R: Keyed + Clone, N: OutputType>(rows: &[R], page: &Page, node: impl Fn(R) -> N) -> ConnectionOf<N> {
    let field = page.order.field;
    let mut sorted: Vec<&R> = rows.iter().collect();
    sorted.sort_by(|a, b| a.sort_value(field).cmp(&b.sort_value(field)).then(a.row_id().cmp(&b.row_id())));
    if page.order.direction == OrderDirection::Desc {
        sorted.reverse();
    }
    let desc = page.order.direction == OrderDirection::Desc;
    let position = |r: &R, c: &Cursor| {
        let ord = r.sort_value(field).cmp(&c.value).then(r.row_id().cmp(&c.id));
        if desc { ord.reverse() } else { ord }
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
    let total = TotalCount::Known(rows.len() as i64);
    let mut connection = Connection::with_additional_fields(has_previous, has_next, ConnectionFields { total });
    connection.edges.extend(slice.iter().map(|r| Edge::new(page.cursor_for(*r), node((*r).clone()))));
    connection
}
