//! Filters of `regions`.

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{capped, search_pattern};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::graphql::loaders::descendants_of;
use crate::ids::{decode_typed_id, NodeType};
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
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<region::BoxedQuery<'static, Db>, AppError> {
        capped(self.scheme.as_ref(), "filter.scheme")?;
        let mut q = region::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(region::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(schemes) = &self.scheme {
            q = q.filter(region::scheme.eq_any(schemes.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(within) = &self.within {
            let root = decode_typed_id(within, NodeType::Region, "filter.within")?;
            let ids: Vec<i64> = descendants_of(conn, &[root])?
                .remove(&root)
                .unwrap_or_default()
                .into_iter()
                .filter(|id| *id != root)
                .collect();
            q = q.filter(region::id.eq_any(ids));
        }
        if let Some(t) = self.updated_after {
            q = q.filter(region::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}
