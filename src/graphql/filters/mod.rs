//! Filter inputs of the root connections, and how each becomes a boxed SQL query. Every filter is
//! applied the same way on both backends; name search compares normalised search keys with an
//! escaped `LIKE` (see `crate::text`).

use async_graphql::{InputObject, ID};
use chrono::NaiveDate;

use super::loaders::descendants_of;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};
use crate::period::{in_range, parse_partial_date, Bound};
use crate::text::like_pattern;

/// A period to overlap with: records whose period shares at least one day with it match. A record
/// without any period never matches; an open or unknown end counts as unbounded.
#[derive(InputObject, Clone, Debug)]
pub struct PeriodFilter {
    /// First day of interest: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a year means its 1 January).
    pub from: Option<String>,
    /// Last day of interest: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a year means its 31 December).
    pub to: Option<String>,
}

impl PeriodFilter {
    pub(super) fn bounds(&self, argument: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
        let parse = |s: &Option<String>, bound, name| {
            s.as_deref()
                .map(|t| {
                    parse_partial_date(t, bound)
                        .and_then(|(d, _)| if in_range(d) { Ok(d) } else { Err("years run from 1900 to 2100".into()) })
                })
                .transpose()
                .map_err(|e| AppError::bad_input(format!("argument `{argument}.{name}`: {e}")))
        };
        let from = parse(&self.from, Bound::Start, "from")?;
        let to = parse(&self.to, Bound::End, "to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(AppError::bad_input(format!("argument `{argument}`: `to` is before `from`")));
            }
        }
        Ok((from, to))
    }
}

/// Adds the period-overlap condition for a table with start/end date columns.
macro_rules! overlap {
    ($q:ident, $t:ident, $bounds:expr) => {{
        let (from, to) = $bounds;
        $q = $q.filter($t::start_date.is_not_null().or($t::end_date.is_not_null()));
        if let Some(to) = to {
            $q = $q.filter($t::start_date.is_null().or($t::start_date.le(to)));
        }
        if let Some(from) = from {
            $q = $q.filter($t::end_date.is_null().or($t::end_date.ge(from)));
        }
    }};
}

mod funding;
mod organisation;
mod programme;
mod region;
mod scheme;

pub use funding::FundingFilter;
pub use organisation::OrganisationFilter;
pub use programme::ProgrammeFilter;
pub use region::RegionFilter;
pub use scheme::FundingSchemeFilter;

/// The most values a filter list may hold.
pub const MAX_FILTER_VALUES: usize = 100;

/// Refuses a filter list longer than [`MAX_FILTER_VALUES`].
pub(super) fn capped<T>(list: Option<&Vec<T>>, argument: &str) -> Result<(), AppError> {
    match list {
        Some(l) if l.len() > MAX_FILTER_VALUES => {
            Err(AppError::bad_input(format!("argument `{argument}`: at most {MAX_FILTER_VALUES} values")))
        }
        _ => Ok(()),
    }
}

/// The `LIKE` pattern of a search, refusing one without letters or digits.
pub(super) fn search_pattern(search: &str, argument: &str) -> Result<String, AppError> {
    if search.chars().count() > 200 {
        return Err(AppError::bad_input(format!("argument `{argument}`: at most 200 characters")));
    }
    if crate::text::search_key(search).is_empty() {
        return Err(AppError::bad_input(format!("argument `{argument}` needs at least one letter or digit")));
    }
    Ok(like_pattern(search))
}

pub(super) fn region_ids(conn: &mut DbConn, id: &ID, argument: &str) -> Result<Vec<i64>, AppError> {
    let root = decode_typed_id(id, NodeType::Region, argument)?;
    Ok(descendants_of(conn, &[root])?.remove(&root).unwrap_or_default())
}
