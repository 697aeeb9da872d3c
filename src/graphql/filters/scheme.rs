//! Filters of `fundingSchemes`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};

use super::{search_text, typed_id, PeriodFilter};
use crate::error::AppError;
use crate::ids::NodeType;
use crate::read::schemes::SchemeQuery;

/// Filters for `fundingSchemes`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct FundingSchemeFilter {
    /// Name, display name, code or alias contains this text (case and accents ignored).
    pub search: Option<String>,
    /// Funded or administered by this organisation (an Organisation ID).
    pub organisation: Option<ID>,
    /// Runs during (overlaps) this period.
    pub period: Option<PeriodFilter>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl FundingSchemeFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the field: an ID of the wrong type, a bad search or period.
    pub fn to_query(&self) -> Result<SchemeQuery, AppError> {
        Ok(SchemeQuery {
            search: search_text(&self.search, "filter.search")?,
            organisation: typed_id(&self.organisation, NodeType::Organisation, "filter.organisation")?,
            period: self.period.as_ref().map(|p| p.overlap("filter.period")).transpose()?,
            updated_after: self.updated_after.map(|t| t.naive_utc()),
        })
    }
}
