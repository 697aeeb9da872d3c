//! Filters of `organisations`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};

use super::{capped, search_text, typed_id};
use crate::error::AppError;
use crate::ids::NodeType;
use crate::read::organisations::OrganisationQuery;
use crate::vocab::*;

/// Filters for `organisations`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OrganisationFilter {
    /// Name, short name or alias contains this text (case and accents ignored: "fryslan" finds "Fryslân").
    pub search: Option<String>,
    /// Any of these kinds.
    pub kind: Option<Vec<OrganisationKind>>,
    /// Based in this region or one of its formal descendants (a Region ID).
    pub region: Option<ID>,
    /// Takes part in this programme (a Programme ID).
    pub programme: Option<ID>,
    /// Has a participation with one of these roles (combined with `programme`: in that programme).
    pub role: Option<Vec<ParticipationRole>>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl OrganisationFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the field: too many values, an ID of the wrong type, a bad search.
    pub fn to_query(&self) -> Result<OrganisationQuery, AppError> {
        capped(self.kind.as_ref(), "filter.kind")?;
        capped(self.role.as_ref(), "filter.role")?;
        Ok(OrganisationQuery {
            search: search_text(&self.search, "filter.search")?,
            kinds: self.kind.clone(),
            region: typed_id(&self.region, NodeType::Region, "filter.region")?,
            programme: typed_id(&self.programme, NodeType::Programme, "filter.programme")?,
            roles: self.role.clone(),
            updated_after: self.updated_after.map(|t| t.naive_utc()),
        })
    }
}
