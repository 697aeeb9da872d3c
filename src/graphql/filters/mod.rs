//! Filter inputs of the root connections, and how each is checked and becomes the read layer's
//! query struct (`crate::read`), which applies it the same way on both backends.

use async_graphql::{InputObject, ID};

use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};
use crate::period::{in_range, parse_partial_date, Bound};
use crate::read::Overlap;

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
    pub(super) fn overlap(&self, argument: &str) -> Result<Overlap, AppError> {
        let parse = |s: &Option<String>, bound, name| {
            s.as_deref()
                .map(|t| {
                    parse_partial_date(t, bound).and_then(|(d, _)| {
                        if in_range(d) {
                            Ok(d)
                        } else {
                            Err("years run from 1900 to 2100".into())
                        }
                    })
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
        Ok(Overlap { from, to })
    }
}

/// A range of funding years, both ends included: a funding's year is its award year, else its
/// period's start year; a funding whose year is unknown never matches.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct YearFilter {
    /// The first year (1900–2100); open when left out.
    pub from: Option<i32>,
    /// The last year (1900–2100, not before `from`); open when left out.
    pub to: Option<i32>,
}

impl YearFilter {
    /// The read layer's range.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the argument: a year outside 1900–2100, or `to` before `from`.
    pub(super) fn range(&self, argument: &str) -> Result<crate::read::fundings::YearRange, AppError> {
        for (name, year) in [("from", self.from), ("to", self.to)] {
            if year.is_some_and(|y| !(1900..=2100).contains(&y)) {
                return Err(AppError::bad_input(format!("argument `{argument}.{name}`: years run from 1900 to 2100")));
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                return Err(AppError::bad_input(format!(
                    "argument `{argument}`: `to` ({to}) is before `from` ({from})"
                )));
            }
        }
        Ok(crate::read::fundings::YearRange { from: self.from, to: self.to })
    }
}

mod funding;
mod model;
mod organisation;
mod programme;
mod region;
mod scheme;

pub use funding::FundingFilter;
pub use model::{EventFilter, PersonFilter, StatementFilter};
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

/// A checked search text: at most 200 characters, with at least one letter or digit.
pub(super) fn search_text(search: &Option<String>, argument: &str) -> Result<Option<String>, AppError> {
    let Some(search) = search else { return Ok(None) };
    if search.chars().count() > 200 {
        return Err(AppError::bad_input(format!("argument `{argument}`: at most 200 characters")));
    }
    if crate::text::search_key(search).is_empty() {
        return Err(AppError::bad_input(format!("argument `{argument}` needs at least one letter or digit")));
    }
    Ok(Some(search.clone()))
}

/// Decodes an optional ID of one type.
pub(super) fn typed_id(id: &Option<ID>, expected: NodeType, argument: &str) -> Result<Option<i64>, AppError> {
    id.as_ref().map(|id| decode_typed_id(id, expected, argument)).transpose()
}
