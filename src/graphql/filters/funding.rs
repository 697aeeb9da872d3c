//! Filters of `fundings` and `fundingByRegion`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::PeriodFilter;
use super::{capped, region_ids};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};
use crate::vocab::*;

/// Filters for `fundings` and `fundingByRegion`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct FundingFilter {
    /// Under one of these schemes (FundingScheme IDs).
    pub scheme: Option<Vec<ID>>,
    /// Allocated to this region or one of its formal descendants (a Region ID).
    pub region: Option<ID>,
    /// To this programme (a Programme ID).
    pub programme: Option<ID>,
    /// This organisation is the recipient or the named funder (an Organisation ID).
    pub organisation: Option<ID>,
    /// With one of these statuses.
    pub status: Option<Vec<FundingStatus>>,
    /// For a period overlapping this one.
    pub period: Option<PeriodFilter>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl FundingFilter {
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<funding::BoxedQuery<'static, Db>, AppError> {
        capped(self.scheme.as_ref(), "filter.scheme")?;
        capped(self.status.as_ref(), "filter.status")?;
        let mut q = funding::table.into_boxed::<Db>();
        if let Some(schemes) = &self.scheme {
            let ids = schemes
                .iter()
                .map(|s| decode_typed_id(s, NodeType::FundingScheme, "filter.scheme"))
                .collect::<Result<Vec<_>, _>>()?;
            q = q.filter(funding::scheme_id.eq_any(ids));
        }
        if let Some(region) = &self.region {
            let regions = region_ids(conn, region, "filter.region")?;
            let ids = region_allocation::table
                .filter(region_allocation::region_id.eq_any(regions))
                .select(region_allocation::funding_id);
            q = q.filter(funding::id.eq_any(ids));
        }
        if let Some(p) = &self.programme {
            q = q.filter(funding::programme_id.eq(decode_typed_id(p, NodeType::Programme, "filter.programme")?));
        }
        if let Some(o) = &self.organisation {
            let org = decode_typed_id(o, NodeType::Organisation, "filter.organisation")?;
            q = q.filter(funding::recipient_id.eq(org).or(funding::funder_id.eq(org)));
        }
        if let Some(statuses) = &self.status {
            q = q.filter(funding::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(p) = &self.period {
            overlap!(q, funding, p.bounds("filter.period")?);
        }
        if let Some(t) = self.updated_after {
            q = q.filter(funding::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}
