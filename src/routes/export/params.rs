//! The exports' query parameters: the fields of GraphQL's `FundingFilter`, checked by the same
//! code (`FundingFilter::to_query`), so a parameter means what the filter field means.
//!
//! `scheme` and `status` may be repeated (one value each); `region`, `placement`, `programme`,
//! `organisation`, `periodFrom`, `periodTo` and `updatedAfter` are given at most once. Anything
//! else is refused.

use async_graphql::ID;

use crate::error::AppError;
use crate::graphql::filters::{FundingFilter, PeriodFilter};
use crate::read::fundings::FundingQuery;
use crate::vocab::{FundingStatus, Placement};

/// The parameters the exports take.
pub const NAMES: [&str; 9] =
    ["scheme", "region", "placement", "programme", "organisation", "status", "periodFrom", "periodTo", "updatedAfter"];

/// Checked parameters.
pub struct Params {
    /// The read layer's query (its `placement` also decides what the placement columns and
    /// locations show).
    pub query: FundingQuery,
}

fn bad(name: &str, why: impl std::fmt::Display) -> AppError {
    AppError::bad_input(format!("parameter `{name}`: {why}"))
}

fn once(slot: &mut Option<String>, name: &str, value: String) -> Result<(), AppError> {
    if slot.replace(value).is_some() {
        return Err(bad(name, "given more than once"));
    }
    Ok(())
}

/// Reads a query string (`scheme=…&scheme=…&periodFrom=2018`).
///
/// # Errors
/// `BAD_USER_INPUT` naming the parameter: unknown, repeated, or a value the filter refuses.
pub fn parse(query_string: &str) -> Result<Params, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(query_string)?;
    let mut filter = FundingFilter::default();
    let [mut region, mut placement, mut programme, mut organisation, mut from, mut to, mut updated] =
        [None, None, None, None, None, None, None];
    let (mut schemes, mut statuses) = (Vec::new(), Vec::new());
    for (name, value) in pairs {
        match name.as_str() {
            "scheme" => schemes.push(ID(value)),
            "status" => statuses.push(
                FundingStatus::parse(&value)
                    .ok_or_else(|| bad("status", format!("{value:?} is not a FundingStatus")))?,
            ),
            "region" => once(&mut region, "region", value)?,
            "placement" => once(&mut placement, "placement", value)?,
            "programme" => once(&mut programme, "programme", value)?,
            "organisation" => once(&mut organisation, "organisation", value)?,
            "periodFrom" => once(&mut from, "periodFrom", value)?,
            "periodTo" => once(&mut to, "periodTo", value)?,
            "updatedAfter" => once(&mut updated, "updatedAfter", value)?,
            other => {
                let known = NAMES.join(", ");
                return Err(AppError::bad_input(format!("unknown parameter `{other}`: the parameters are {known}")));
            }
        }
    }
    filter.scheme = (!schemes.is_empty()).then_some(schemes);
    filter.status = (!statuses.is_empty()).then_some(statuses);
    filter.region = region.map(ID);
    filter.programme = programme.map(ID);
    filter.organisation = organisation.map(ID);
    filter.placement = placement
        .map(|p| {
            Placement::parse(&p).ok_or_else(|| bad("placement", format!("{p:?} is not STATED or STATED_AND_PROGRAMME")))
        })
        .transpose()?;
    if from.is_some() || to.is_some() {
        filter.period = Some(PeriodFilter { from, to });
    }
    filter.updated_after = updated
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(&t)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| bad("updatedAfter", "not an RFC 3339 time such as 2024-01-01T00:00:00Z"))
        })
        .transpose()?;
    Ok(Params { query: filter.to_query()? })
}

fn serde_urlencoded_pairs(query_string: &str) -> Result<Vec<(String, String)>, AppError> {
    actix_web::web::Query::<Vec<(String, String)>>::from_query(query_string)
        .map(actix_web::web::Query::into_inner)
        .map_err(|_| AppError::bad_input("the query string is not `name=value&…` (URL-encoded)"))
}
