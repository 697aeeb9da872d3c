//! Filters of `fundingSchemes`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::search_pattern;
use super::PeriodFilter;
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};

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
    /// The filtered query.
    pub fn query(&self, _conn: &mut DbConn) -> Result<funding_scheme::BoxedQuery<'static, Db>, AppError> {
        let mut q = funding_scheme::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(funding_scheme::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(o) = &self.organisation {
            let org = decode_typed_id(o, NodeType::Organisation, "filter.organisation")?;
            q = q.filter(funding_scheme::funder_id.eq(org).or(funding_scheme::administrator_id.eq(org)));
        }
        if let Some(p) = &self.period {
            overlap!(q, funding_scheme, p.bounds("filter.period")?);
        }
        if let Some(t) = self.updated_after {
            q = q.filter(funding_scheme::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}
