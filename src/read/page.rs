//! Keyset pages: the order a list is read in, the position to start from, and how fetched rows
//! become a page.
//!
//! Every list is ordered by a sort value and then the row id, so rows with equal sort values are
//! never skipped or repeated across pages. Root lists page with [`keyset!`](crate::keyset); the
//! pages of a batch of parents are read in one statement with the same rules (`read::ranked`).

use chrono::NaiveDateTime;

use crate::db::models::*;

/// The value a list is sorted by; the row id always breaks ties. Which fields a list offers is the
/// API's choice (`NAME` and `UPDATED_AT` everywhere; amounts and award dates for fundings; start
/// dates for programmes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortField {
    /// The stored sort key: the name folded for comparison (for fundings: their key).
    #[default]
    Name,
    /// The time of the last change.
    UpdatedAt,
    /// A funding's amount awarded, in cents.
    Amount,
    /// A funding's award date (unknown dates last, in both directions).
    AwardDate,
    /// A programme's start, by its earliest day (unknown starts last, in both directions).
    StartDate,
}

impl SortField {
    /// True when rows may lack the value; they sort after all others in both directions.
    pub fn nullable(self) -> bool {
        matches!(self, Self::AwardDate | Self::StartDate)
    }
}

/// A sort field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Order {
    /// What to sort by.
    pub field: SortField,
    /// True for descending.
    pub descending: bool,
}

/// A position in an ordered list: the sort value as text and the row id. Values: the sort key;
/// [`format_timestamp`] for times; cents as a decimal integer; `YYYY-MM-DD` for dates, and the empty
/// text for a row without a date.
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

fn date_value(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

macro_rules! sorted {
    ($row:ty, |$r:ident, $field:ident| $extra:expr) => {
        impl Sorted for $row {
            fn sort_value(&self, field: SortField) -> String {
                let ($r, $field) = (self, field);
                match field {
                    SortField::Name => self.sort_key.clone(),
                    SortField::UpdatedAt => format_timestamp(self.updated_at),
                    _ => $extra,
                }
            }
            fn row_id(&self) -> i64 {
                self.id.into()
            }
        }
    };
}

sorted!(OrganisationRow, |r, _f| r.sort_key.clone());
sorted!(RegionRow, |r, _f| r.sort_key.clone());
sorted!(FundingSchemeRow, |r, _f| r.sort_key.clone());
sorted!(EventRow, |r, _f| r.sort_key.clone());
sorted!(PersonRow, |r, _f| r.sort_key.clone());
sorted!(StatementRow, |r, _f| r.sort_key.clone());
sorted!(ProgrammeRow, |r, f| if f == SortField::StartDate { date_value(r.start_date) } else { r.sort_key.clone() });
sorted!(FundingRow, |r, f| match f {
    SortField::Amount => r.amount_cents.to_string(),
    SortField::AwardDate => date_value(r.award_date),
    _ => r.sort_key.clone(),
});

/// Reads a date sort value; `None` for the empty text (a row without a date) or a malformed value.
pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// True when `value` is a well-formed sort value for `field` (checked when a cursor is read).
pub fn valid_value(field: SortField, value: &str) -> bool {
    match field {
        SortField::Name => true,
        SortField::UpdatedAt => parse_timestamp(value).is_some(),
        // Only the form a cursor is written in (one value, one text).
        SortField::Amount => value.parse::<i64>().is_ok_and(|v| v.to_string() == value),
        SortField::AwardDate | SortField::StartDate => {
            value.is_empty() || parse_date(value).is_some_and(|d| date_value(Some(d)) == value)
        }
    }
}

/// Formats a timestamp as a sort value (fixed width, so text order is time order).
pub fn format_timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Reads a timestamp sort value.
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.6f").ok()
}

/// The keyset condition on one column that has a value on every row: rows past `(v, id)` in
/// ascending order when `greater`, before it otherwise.
#[macro_export]
macro_rules! keyset_plain {
    ($q:expr, $col:expr, $id:expr, $v:expr, $pid:expr, $greater:expr) => {{
        let (v, pid) = ($v, $pid);
        // The first condition is the index range; the second cuts the ties at the id.
        if $greater {
            $q.filter($col.ge(v.clone())).filter($col.gt(v.clone()).or($col.eq(v).and($id.gt(pid))))
        } else {
            $q.filter($col.le(v.clone())).filter($col.lt(v.clone()).or($col.eq(v).and($id.lt(pid))))
        }
    }};
}

/// The keyset condition on a column that may be NULL, with NULLs last in both directions:
/// `start` is true for the position rows must come after (in the requested order), `greater` as in
/// [`keyset_plain!`].
#[macro_export]
macro_rules! keyset_nullable {
    ($q:expr, $col:expr, $id:expr, $v:expr, $pid:expr, $greater:expr, $start:expr) => {{
        let (v, pid, greater) = ($v, $pid, $greater);
        let col = $col.assume_not_null();
        match (v, $start) {
            // Past a dated row: later dated rows, its ties beyond it, and every undated row.
            (Some(v), true) if greater => $q.filter(col.gt(v).or(col.eq(v).and($id.gt(pid))).or($col.is_null())),
            (Some(v), true) => $q.filter(col.lt(v).or(col.eq(v).and($id.lt(pid))).or($col.is_null())),
            // Before a dated row: dated rows only (the first condition is the index range).
            (Some(v), false) if greater => $q.filter(col.ge(v)).filter(col.gt(v).or(col.eq(v).and($id.gt(pid)))),
            (Some(v), false) => $q.filter(col.le(v)).filter(col.lt(v).or(col.eq(v).and($id.lt(pid)))),
            // Past an undated row: undated rows beyond it.
            (None, true) if greater => $q.filter($col.is_null().and($id.gt(pid))),
            (None, true) => $q.filter($col.is_null().and($id.lt(pid))),
            // Before an undated row: every dated row and the undated ones before it.
            (None, false) if greater => $q.filter($col.is_not_null().or($id.gt(pid))),
            (None, false) => $q.filter($col.is_not_null().or($id.lt(pid))),
        }
    }};
}

/// Applies keyset conditions, order and limit (one more than the page, to see if there is more) to
/// a boxed diesel query on a table with `id`, `sort_key` and `updated_at` columns; further fields
/// are listed as `Field => column: plain | nullable` (a cents column, a date column).
#[macro_export]
macro_rules! keyset {
    ($query:expr, $table:ident, $spec:expr $(, $field:ident => $col:ident : $kind:ident)*) => {{
        use diesel::prelude::*;
        use $crate::read::page::{parse_date, parse_timestamp, PageSpec, SortField};
        let spec: &PageSpec = $spec;
        let mut q = $query;
        let desc = spec.order.descending;
        for (position, start) in [(spec.after.as_ref(), true), (spec.before.as_ref(), false)] {
            let Some(p) = position else { continue };
            // Further along the ascending order: past the start of an ascending list, or before
            // the end of a descending one.
            let greater = start != desc;
            q = match spec.order.field {
                SortField::Name => $crate::keyset_plain!(q, $table::sort_key, $table::id, p.value.clone(), p.id, greater),
                SortField::UpdatedAt => {
                    let v = parse_timestamp(&p.value).unwrap_or_default();
                    $crate::keyset_plain!(q, $table::updated_at, $table::id, v, p.id, greater)
                }
                $(SortField::$field => $crate::keyset!(@bound $kind, q, $table::$col, $table::id, p, greater, start),)*
                // A field this list does not offer: the API refuses it before reading.
                #[allow(unreachable_patterns, reason = "the wildcard is unreachable only for the lists that offer every field")]
                _ => q,
            };
        }
        let fetch_desc = spec.fetch_descending();
        let dir = if fetch_desc { "DESC" } else { "ASC" };
        // Rows without a value come last in the requested order, so first when fetching backwards.
        let nulls = if spec.backward { "FIRST" } else { "LAST" };
        let column = match spec.order.field {
            SortField::Name => "sort_key",
            SortField::UpdatedAt => "updated_at",
            $(SortField::$field => stringify!($col),)*
            #[allow(unreachable_patterns, reason = "the wildcard is unreachable only for the lists that offer every field")]
            _ => "sort_key",
        };
        let nullable = spec.order.field.nullable();
        let order = if nullable { format!("{column} {dir} NULLS {nulls}") } else { format!("{column} {dir}") };
        q = q.order(diesel::dsl::sql::<diesel::sql_types::Bool>(&order));
        q = if fetch_desc { q.then_order_by($table::id.desc()) } else { q.then_order_by($table::id.asc()) };
        let _ = parse_date;
        q.limit(spec.limit.saturating_add(1))
    }};
    (@bound plain, $q:expr, $col:expr, $id:expr, $p:expr, $greater:expr, $start:expr) => {{
        let v: i64 = $p.value.parse().unwrap_or_default();
        $crate::keyset_plain!($q, $col, $id, v, $p.id, $greater)
    }};
    (@bound nullable, $q:expr, $col:expr, $id:expr, $p:expr, $greater:expr, $start:expr) => {{
        let v = parse_date(&$p.value);
        $crate::keyset_nullable!($q, $col, $id, v, $p.id, $greater, $start)
    }};
}

/// Defines `page` and `count` for a root list whose module has a `filtered(conn, query)` function
/// returning the boxed, filtered query of `$table`.
macro_rules! root_list {
    ($query:ty, $table:ident, $row:ty $(, $field:ident => $col:ident : $kind:ident)*) => {
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
                $crate::keyset!(filtered(conn, query)?, $table, spec $(, $field => $col: $kind)*)
                    .select(<$row>::as_select())
                    .load(conn)?;
            Ok($crate::read::page::cut(rows, spec))
        }

        /// The database's plan for [`page`], one line per plan node.
        ///
        /// # Errors
        /// A database error.
        pub fn page_plan(
            conn: &mut $crate::db::DbConn,
            query: &$query,
            spec: &$crate::read::page::PageSpec,
        ) -> Result<Vec<String>, $crate::error::AppError> {
            let q = $crate::keyset!(filtered(conn, query)?, $table, spec $(, $field => $col: $kind)*)
                .select(<$row>::as_select());
            $crate::read::plans::of_query(conn, q)
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
