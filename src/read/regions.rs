//! Regions: look-ups, the filtered list, children, links and ancestors.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::page::root_list;
use super::region_tree::RegionTree;
use super::{by_ids, ByParent};
use crate::db::models::{RegionLinkRow, RegionRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::text::like_pattern;
use crate::vocab::RegionScheme;

/// Which regions to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct RegionQuery {
    /// Name or alias contains this text (compared by search key).
    pub search: Option<String>,
    /// In one of these schemes.
    pub schemes: Option<Vec<RegionScheme>>,
    /// A formal descendant of this region, the region itself excluded.
    pub within: Option<i64>,
    /// Changed after this time.
    pub updated_after: Option<NaiveDateTime>,
}

fn filtered(conn: &mut DbConn, query: &RegionQuery) -> Result<region::BoxedQuery<'static, Db>, AppError> {
    let mut q = region::table.into_boxed::<Db>();
    if let Some(s) = &query.search {
        q = q.filter(region::search_text.like(like_pattern(s)).escape('\\'));
    }
    if let Some(schemes) = &query.schemes {
        q = q.filter(region::scheme.eq_any(schemes.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if let Some(root) = query.within {
        let ids: Vec<i64> = RegionTree::load(conn)?.descendants(root).into_iter().filter(|id| *id != root).collect();
        q = q.filter(region::id.eq_any(ids));
    }
    if let Some(t) = query.updated_after {
        q = q.filter(region::updated_at.gt(t));
    }
    Ok(q)
}

root_list!(RegionQuery, region, RegionRow);

by_ids!(
    /// Regions by id (any order; unknown ids are left out).
    by_ids, region, RegionRow
);

/// The region with this code in this scheme.
///
/// # Errors
/// A database error.
pub fn by_code(conn: &mut DbConn, scheme: RegionScheme, code: &str) -> Result<Option<RegionRow>, AppError> {
    Ok(region::table
        .filter(region::scheme.eq(scheme.as_str()))
        .filter(region::code.eq(code))
        .select(RegionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every region, by name.
///
/// # Errors
/// A database error.
pub fn all(conn: &mut DbConn) -> Result<Vec<RegionRow>, AppError> {
    Ok(region::table.order((region::sort_key.asc(), region::id.asc())).select(RegionRow::as_select()).load(conn)?)
}

/// The direct formal children of each region, by name.
///
/// # Errors
/// A database error.
pub fn children_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<RegionRow>, AppError> {
    let rows: Vec<RegionRow> = region::table
        .filter(region::parent_id.eq_any(ids))
        .order((region::sort_key.asc(), region::id.asc()))
        .select(RegionRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|r| r.parent_id.map(|p| (p, r))).collect())
}

/// The formal ancestors of each region, nearest first (the tree and the ancestors' rows: two statements).
///
/// # Errors
/// A database error.
pub fn ancestors_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<RegionRow>, AppError> {
    let tree = RegionTree::load(conn)?;
    let chains: Vec<(i64, Vec<i64>)> = ids.iter().map(|id| (*id, tree.ancestors(*id))).collect();
    let wanted: Vec<i64> = chains.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    let rows: HashMap<i64, RegionRow> = by_ids(conn, &wanted)?.into_iter().map(|r| (r.id.0, r)).collect();
    Ok(chains
        .into_iter()
        .flat_map(|(id, chain)| {
            chain.into_iter().filter_map(|a| rows.get(&a).cloned()).map(move |r| (id, r)).collect::<Vec<_>>()
        })
        .collect())
}

/// The links of each region (associations and same-name records, both directions, each once), with
/// the link kind.
///
/// # Errors
/// A database error.
pub fn links_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<(String, RegionRow)>, AppError> {
    let links: Vec<RegionLinkRow> = region_link::table
        .filter(region_link::region_id.eq_any(ids).or(region_link::linked_region_id.eq_any(ids)))
        .select(RegionLinkRow::as_select())
        .load(conn)?;
    let other_ids: Vec<i64> = links.iter().flat_map(|l| [l.region_id, l.linked_region_id]).collect();
    let regions: HashMap<i64, RegionRow> = by_ids(conn, &other_ids)?.into_iter().map(|r| (r.id.0, r)).collect();
    let wanted: HashSet<i64> = ids.iter().copied().collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for l in links {
        for (me, other) in [(l.region_id, l.linked_region_id), (l.linked_region_id, l.region_id)] {
            // A link recorded in both directions is shown once.
            if let (true, Some(r)) = (wanted.contains(&me), regions.get(&other)) {
                if seen.insert((me, other, l.kind.clone())) {
                    out.push((me, (l.kind.clone(), r.clone())));
                }
            }
        }
    }
    Ok(out)
}
