//! Filters of `programmes`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::PeriodFilter;
use super::{capped, region_ids, search_pattern};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};
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
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<programme::BoxedQuery<'static, Db>, AppError> {
        capped(self.kind.as_ref(), "filter.kind")?;
        capped(self.target_group.as_ref(), "filter.targetGroup")?;
        capped(self.role.as_ref(), "filter.role")?;
        capped(self.status.as_ref(), "filter.status")?;
        let mut q = programme::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(programme::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(kinds) = &self.kind {
            q = q.filter(programme::kind.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
        }
        if let Some(groups) = &self.target_group {
            let groups: Vec<&str> = groups.iter().map(|g| g.as_str()).collect();
            let ids = programme_target_group::table
                .filter(programme_target_group::target_group.eq_any(groups))
                .select(programme_target_group::programme_id);
            q = q.filter(programme::id.eq_any(ids));
        }
        if let Some(region) = &self.region {
            let regions = region_ids(conn, region, "filter.region")?;
            let ids = programme_region::table
                .filter(programme_region::region_id.eq_any(regions))
                .select(programme_region::programme_id);
            q = q.filter(programme::id.eq_any(ids));
        }
        let organisation_id = self
            .organisation
            .as_ref()
            .map(|o| decode_typed_id(o, NodeType::Organisation, "filter.organisation"))
            .transpose()?;
        let roles: Option<Vec<&'static str>> = self.role.as_ref().map(|r| r.iter().map(|r| r.as_str()).collect());
        let parts = participation::table.filter(participation::status.eq("ACCEPTED"));
        match (organisation_id, roles) {
            (Some(o), Some(r)) => {
                let ids = parts
                    .filter(participation::organisation_id.eq(o))
                    .filter(participation::role.eq_any(r))
                    .select(participation::programme_id);
                q = q.filter(programme::id.eq_any(ids));
            }
            (Some(o), None) => {
                q = q
                    .filter(programme::id.eq_any(
                        parts.filter(participation::organisation_id.eq(o)).select(participation::programme_id),
                    ));
            }
            (None, Some(r)) => {
                q = q.filter(
                    programme::id
                        .eq_any(parts.filter(participation::role.eq_any(r)).select(participation::programme_id)),
                );
            }
            (None, None) => {}
        }
        if let Some(s) = &self.scheme {
            let scheme = decode_typed_id(s, NodeType::FundingScheme, "filter.scheme")?;
            let ids = funding::table
                .filter(funding::scheme_id.eq(scheme))
                .filter(funding::programme_id.is_not_null())
                .select(funding::programme_id.assume_not_null());
            q = q.filter(programme::id.eq_any(ids));
        }
        if let Some(statuses) = &self.status {
            q = q.filter(programme::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(p) = &self.period {
            overlap!(q, programme, p.bounds("filter.period")?);
        }
        if let Some(t) = self.updated_after {
            q = q.filter(programme::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}
