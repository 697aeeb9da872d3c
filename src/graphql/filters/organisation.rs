//! Filters of `organisations`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{capped, region_ids, search_pattern};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};
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
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<organisation::BoxedQuery<'static, Db>, AppError> {
        capped(self.kind.as_ref(), "filter.kind")?;
        capped(self.role.as_ref(), "filter.role")?;
        let mut q = organisation::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(organisation::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(kinds) = &self.kind {
            q = q.filter(organisation::kind.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
        }
        if let Some(region) = &self.region {
            let ids = region_ids(conn, region, "filter.region")?;
            let members = organisation_region::table
                .filter(organisation_region::region_id.eq_any(ids))
                .select(organisation_region::organisation_id);
            q = q.filter(organisation::id.eq_any(members));
        }
        let programme_id =
            self.programme.as_ref().map(|p| decode_typed_id(p, NodeType::Programme, "filter.programme")).transpose()?;
        let roles: Option<Vec<&'static str>> = self.role.as_ref().map(|r| r.iter().map(|r| r.as_str()).collect());
        let parts = participation::table.filter(participation::status.eq("ACCEPTED"));
        match (programme_id, roles) {
            (Some(p), Some(r)) => {
                let ids = parts
                    .filter(participation::programme_id.eq(p))
                    .filter(participation::role.eq_any(r))
                    .select(participation::organisation_id);
                q = q.filter(organisation::id.eq_any(ids));
            }
            (Some(p), None) => {
                q = q
                    .filter(organisation::id.eq_any(
                        parts.filter(participation::programme_id.eq(p)).select(participation::organisation_id),
                    ));
            }
            (None, Some(r)) => {
                q = q.filter(
                    organisation::id
                        .eq_any(parts.filter(participation::role.eq_any(r)).select(participation::organisation_id)),
                );
            }
            (None, None) => {}
        }
        if let Some(t) = self.updated_after {
            q = q.filter(organisation::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}
