//! Filters of `programmes`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};

use super::{capped, search_text, typed_id, PeriodFilter};
use crate::error::AppError;
use crate::ids::NodeType;
use crate::read::programmes::ProgrammeQuery;
use crate::vocab::*;

/// Filters for `programmes`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ProgrammeFilter {
    /// Name or alias contains this text (case and accents ignored).
    pub search: Option<String>,
    /// Any of these kinds.
    pub kind: Option<Vec<ProgrammeKind>>,
    /// For any of these target groups.
    pub target_group: Option<Vec<TargetGroup>>,
    /// Names this region or one of its formal descendants (a Region ID).
    pub region: Option<ID>,
    /// This organisation takes part (an Organisation ID); with `role`, in one of those roles.
    pub organisation: Option<ID>,
    /// Some organisation (or `organisation`) takes part in one of these roles.
    pub role: Option<Vec<ParticipationRole>>,
    /// Funded under this scheme (a FundingScheme ID).
    pub scheme: Option<ID>,
    /// With one of these reported statuses.
    pub status: Option<Vec<ProgrammeStatus>>,
    /// Runs during (overlaps) this period.
    pub period: Option<PeriodFilter>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl ProgrammeFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the field: too many values, an ID of the wrong type, a bad search or period.
    pub fn to_query(&self) -> Result<ProgrammeQuery, AppError> {
        capped(self.kind.as_ref(), "filter.kind")?;
        capped(self.target_group.as_ref(), "filter.targetGroup")?;
        capped(self.role.as_ref(), "filter.role")?;
        capped(self.status.as_ref(), "filter.status")?;
        Ok(ProgrammeQuery {
            search: search_text(&self.search, "filter.search")?,
            kinds: self.kind.clone(),
            target_groups: self.target_group.clone(),
            region: typed_id(&self.region, NodeType::Region, "filter.region")?,
            organisation: typed_id(&self.organisation, NodeType::Organisation, "filter.organisation")?,
            roles: self.role.clone(),
            scheme: typed_id(&self.scheme, NodeType::FundingScheme, "filter.scheme")?,
            statuses: self.status.clone(),
            period: self.period.as_ref().map(|p| p.overlap("filter.period")).transpose()?,
            updated_after: self.updated_after.map(|t| t.naive_utc()),
        })
    }
}
