//! Keyset pages: the order a list is read in, the position to start from, and how fetched rows
//! become a page.
//!
//! Every list is ordered by a sort value and then the row id, so rows with equal sort values are
//! never skipped or repeated across pages. Root lists page in SQL ([`keyset!`](crate::keyset));
//! batched relations page an in-memory list with the same rules ([`window`]).

use chrono::NaiveDateTime;

use crate::db::models::*;

/// The value a list is sorted by; the row id always breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortField {
    /// The stored sort key: the name folded for comparison (for fundings: their key).
    #[default]
    Name,
    /// The time of the last change.
    UpdatedAt,
}

/// A sort field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Order {
    /// What to sort by.
    pub field: SortField,
    /// True for descending.
    pub descending: bool,
}

/// A position in an ordered list: the sort value as text ([`format_timestamp`] for times) and the
/// row id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Position {
    /// The row's sort value as text.
    pub value: String,
    /// The row id, the tiebreak.
    pub id: i64,
}

/// A checked page request (a key of batched page loads, so equal requests share one statement).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageSpec {
    /// Rows wanted.
    pub limit: i64,
    /// True for paging from the end (`last`/`before`): rows are fetched in reverse and turned round.
    pub backward: bool,
    /// Rows strictly after this position (further along the order).
    pub after: Option<Position>,
    /// Rows strictly before this position.
    pub before: Option<Position>,
    /// The ordering.
    pub order: Order,
}

impl PageSpec {
    /// True when rows are fetched in descending order: the requested direction, flipped when
    /// paging from the end.
    pub fn fetch_descending(&self) -> bool {
        self.order.descending != self.backward
    }
}

/// One page of rows in list order, and whether there are rows on either side.
#[derive(Debug, Clone)]
pub struct RowPage<R> {
    /// The rows of the page.
    pub rows: Vec<R>,
    /// True when rows come before this page (paging forwards: when `after` was given).
    pub has_previous: bool,
    /// True when rows come after this page (paging backwards: when `before` was given).
    pub has_next: bool,
}

impl<R> RowPage<R> {
    /// A page without rows.
    pub fn empty() -> Self {
        Self { rows: Vec::new(), has_previous: false, has_next: false }
    }
}

/// A row that can be paged: its sort value for a field, and its id.
pub trait Sorted {
    /// The sort value as text (for [`SortField::UpdatedAt`], [`format_timestamp`]).
    fn sort_value(&self, field: SortField) -> String;
    /// The row id (the tiebreak).
    fn row_id(&self) -> i64;
}

macro_rules! sorted {
    ($($row:ty),*) => {$(
        impl Sorted for $row {
            fn sort_value(&self, field: SortField) -> String {
                match field {
                    SortField::Name => self.sort_key.clone(),
                    SortField::UpdatedAt => format_timestamp(self.updated_at),
                }
            }
            fn row_id(&self) -> i64 {
                self.id
            }
        }
    )*};
}

sorted!(OrganisationRow, ProgrammeRow, RegionRow, FundingSchemeRow, FundingRow);

/// Formats a timestamp as a sort value (fixed width, so text order is time order).
pub fn format_timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Reads a timestamp sort value.
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.6f").ok()
}

/// Applies keyset conditions, order and limit (one more than the page, to see if there is more) to
/// a boxed diesel query on a table with `id`, `sort_key` and `updated_at` columns.
#[macro_export]
macro_rules! keyset {
    ($query:expr, $table:ident, $spec:expr) => {{
        use diesel::prelude::*;
        use $crate::read::page::{parse_timestamp, PageSpec, SortField};
        let spec: &PageSpec = $spec;
        let mut q = $query;
        let desc = spec.order.descending;
        // `after` means "further along the requested order"; `before` the opposite.
        let bounds = [(spec.after.as_ref(), !desc), (spec.before.as_ref(), desc)];
        for (position, greater) in bounds {
            let Some(p) = position else { continue };
            match spec.order.field {
                SortField::Name => {
                    let v = p.value.clone();
                    q = if greater {
                        q.filter($table::sort_key.gt(v.clone()).or($table::sort_key.eq(v).and($table::id.gt(p.id))))
                    } else {
                        q.filter($table::sort_key.lt(v.clone()).or($table::sort_key.eq(v).and($table::id.lt(p.id))))
                    };
                }
                SortField::UpdatedAt => {
                    let v = parse_timestamp(&p.value).unwrap_or_default();
                    q = if greater {
                        q.filter($table::updated_at.gt(v).or($table::updated_at.eq(v).and($table::id.gt(p.id))))
                    } else {
                        q.filter($table::updated_at.lt(v).or($table::updated_at.eq(v).and($table::id.lt(p.id))))
                    };
                }
            }
        }
        q = match (spec.order.field, spec.fetch_descending()) {
            (SortField::Name, false) => q.order(($table::sort_key.asc(), $table::id.asc())),
            (SortField::Name, true) => q.order(($table::sort_key.desc(), $table::id.desc())),
            (SortField::UpdatedAt, false) => q.order(($table::updated_at.asc(), $table::id.asc())),
            (SortField::UpdatedAt, true) => q.order(($table::updated_at.desc(), $table::id.desc())),
        };
        q.limit(spec.limit + 1)
    }};
}

/// Defines `page` and `count` for a root list whose module has a `filtered(conn, query)` function
/// returning the boxed, filtered query of `$table`.
macro_rules! root_list {
    ($query:ty, $table:ident, $row:ty) => {
        /// One page of the filtered list: the page's rows plus one, to see whether more follow.
        ///
        /// # Errors
        /// A database error.
        pub fn page(
            conn: &mut $crate::db::DbConn,
            query: &$query,
            spec: &$crate::read::page::PageSpec,
        ) -> Result<$crate::read::page::RowPage<$row>, $crate::error::AppError> {
            let rows: Vec<$row> =
                $crate::keyset!(filtered(conn, query)?, $table, spec).select(<$row>::as_select()).load(conn)?;
            Ok($crate::read::page::cut(rows, spec))
        }

        /// How many rows match, across all pages.
        ///
        /// # Errors
        /// A database error.
        pub fn count(conn: &mut $crate::db::DbConn, query: &$query) -> Result<i64, $crate::error::AppError> {
            Ok(filtered(conn, query)?.count().get_result(conn)?)
        }
    };
}

pub(crate) use root_list;

/// Turns rows fetched by [`keyset!`](crate::keyset) (at most `limit + 1`, in fetch order) into a page.
pub fn cut<R>(mut rows: Vec<R>, spec: &PageSpec) -> RowPage<R> {
    let more = rows.len() as i64 > spec.limit;
    rows.truncate(usize::try_from(spec.limit).unwrap_or(0));
    if spec.backward {
        rows.reverse();
    }
    let (has_previous, has_next) =
        if spec.backward { (more, spec.before.is_some()) } else { (spec.after.is_some(), more) };
    RowPage { rows, has_previous, has_next }
}

/// Pages an in-memory list (a batched relation) with the same ordering and position rules.
pub fn window<R: Sorted + Clone>(rows: &[R], spec: &PageSpec) -> RowPage<R> {
    let field = spec.order.field;
    let desc = spec.order.descending;
    let mut sorted: Vec<&R> = rows.iter().collect();
    sorted.sort_by(|a, b| a.sort_value(field).cmp(&b.sort_value(field)).then(a.row_id().cmp(&b.row_id())));
    if desc {
        sorted.reverse();
    }
    let place = |r: &R, p: &Position| {
        let ord = r.sort_value(field).cmp(&p.value).then(r.row_id().cmp(&p.id));
        if desc {
            ord.reverse()
        } else {
            ord
        }
    };
    let inside: Vec<&R> = sorted
        .into_iter()
        .filter(|r| spec.after.as_ref().is_none_or(|p| place(r, p).is_gt()))
        .filter(|r| spec.before.as_ref().is_none_or(|p| place(r, p).is_lt()))
        .collect();
    let n = usize::try_from(spec.limit).unwrap_or(0);
    let (slice, has_previous, has_next) = if spec.backward {
        let start = inside.len().saturating_sub(n);
        (&inside[start..], start > 0, spec.before.is_some())
    } else {
        (&inside[..n.min(inside.len())], spec.after.is_some(), inside.len() > n)
    };
    RowPage { rows: slice.iter().map(|r| (*r).clone()).collect(), has_previous, has_next }
}
