//! Filters of `regions`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};

use super::{capped, search_text, typed_id};
use crate::error::AppError;
use crate::ids::NodeType;
use crate::read::regions::RegionQuery;
use crate::vocab::*;

/// Filters for `regions`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct RegionFilter {
    /// Name or alias contains this text (case and accents ignored: "fryslan" finds "Fryslân").
    pub search: Option<String>,
    /// In one of these schemes.
    pub scheme: Option<Vec<RegionScheme>>,
    /// A formal descendant of this region (a Region ID), the region itself excluded.
    pub within: Option<ID>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl RegionFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the field: too many values, an ID of the wrong type, a bad search.
    pub fn to_query(&self) -> Result<RegionQuery, AppError> {
        capped(self.scheme.as_ref(), "filter.scheme")?;
        Ok(RegionQuery {
            search: search_text(&self.search, "filter.search")?,
            schemes: self.scheme.clone(),
            within: typed_id(&self.within, NodeType::Region, "filter.within")?,
            updated_after: self.updated_after.map(|t| t.naive_utc()),
        })
    }
}
