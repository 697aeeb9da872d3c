//! Filters of `fundings` and the funding reports.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};

use super::{capped, typed_id, PeriodFilter, YearFilter};
use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};
use crate::read::fundings::FundingQuery;
use crate::vocab::*;

/// Filters for `fundings` and the funding reports (`fundingByRegion`, `fundingMatrix`,
/// `fundingTimeline`).
#[derive(InputObject, Clone, Debug, Default)]
pub struct FundingFilter {
    /// Under one of these schemes (FundingScheme IDs).
    pub scheme: Option<Vec<ID>>,
    /// Placed in this region (a Region ID) by the placement rules at the region's own level, so that
    /// a region includes what is placed in its formal descendants: see `fundingByRegion`.
    pub region: Option<ID>,
    /// Which placements `region` counts (default `STATED_AND_PROGRAMME`; in `fundingByRegion`, the
    /// report's own `placement`).
    pub placement: Option<Placement>,
    /// To this programme (a Programme ID).
    pub programme: Option<ID>,
    /// This organisation is the recipient or the named funder (an Organisation ID).
    pub organisation: Option<ID>,
    /// With one of these statuses.
    pub status: Option<Vec<FundingStatus>>,
    /// For a period overlapping this one.
    pub period: Option<PeriodFilter>,
    /// With a funding year in this range: the award year, else the period's start year (the year
    /// `fundingMatrix(columns: YEAR)` and `fundingTimeline` count a funding in). A funding whose year
    /// is unknown never matches; `period` still matches by overlap.
    pub year: Option<YearFilter>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl FundingFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the field: too many values, an ID of the wrong type, a bad period.
    pub fn to_query(&self) -> Result<FundingQuery, AppError> {
        capped(self.scheme.as_ref(), "filter.scheme")?;
        capped(self.status.as_ref(), "filter.status")?;
        let schemes = self
            .scheme
            .as_ref()
            .map(|list| list.iter().map(|s| decode_typed_id(s, NodeType::FundingScheme, "filter.scheme")).collect())
            .transpose()?;
        Ok(FundingQuery {
            schemes,
            region: typed_id(&self.region, NodeType::Region, "filter.region")?,
            placement: self.placement.unwrap_or_default(),
            programme: typed_id(&self.programme, NodeType::Programme, "filter.programme")?,
            organisation: typed_id(&self.organisation, NodeType::Organisation, "filter.organisation")?,
            statuses: self.status.clone(),
            period: self.period.as_ref().map(|p| p.overlap("filter.period")).transpose()?,
            year: self.year.map(|y| y.range("filter.year")).transpose()?,
            updated_after: self.updated_after.map(|t| t.naive_utc()),
        })
    }
}
