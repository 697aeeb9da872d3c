//! Organisations: look-ups, the filtered list, and the relations of an organisation.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::page::root_list;
use super::{by_ids, find, region_tree, ByParent};
use crate::db::models::{FundingSchemeRow, OrganisationRow, ParticipationRow, RegionRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::text::like_pattern;
use crate::vocab::{OrganisationKind, ParticipationRole, ParticipationStatus};

/// Which organisations to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct OrganisationQuery {
    /// Name, short name or alias contains this text (compared by search key).
    pub search: Option<String>,
    /// Any of these kinds.
    pub kinds: Option<Vec<OrganisationKind>>,
    /// Based in this region or one of its formal descendants.
    pub region: Option<i64>,
    /// Takes part (accepted) in this programme.
    pub programme: Option<i64>,
    /// Has an accepted participation in one of these roles (with `programme`: in that programme).
    pub roles: Option<Vec<ParticipationRole>>,
    /// Changed after this time.
    pub updated_after: Option<NaiveDateTime>,
}

fn filtered(conn: &mut DbConn, query: &OrganisationQuery) -> Result<organisation::BoxedQuery<'static, Db>, AppError> {
    let mut q = organisation::table.into_boxed::<Db>();
    if let Some(s) = &query.search {
        q = q.filter(organisation::search_text.like(like_pattern(s)).escape('\\'));
    }
    if let Some(kinds) = &query.kinds {
        q = q.filter(organisation::kind.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
    }
    if let Some(root) = query.region {
        let regions = region_tree::RegionTree::load(conn)?.descendants(root);
        let members = organisation_region::table
            .filter(organisation_region::region_id.eq_any(regions))
            .select(organisation_region::organisation_id);
        q = q.filter(organisation::id.eq_any(members));
    }
    let roles: Option<Vec<&'static str>> = query.roles.as_ref().map(|r| r.iter().map(|r| r.as_str()).collect());
    let parts = participation::table.filter(participation::status.eq(ParticipationStatus::Accepted.as_str()));
    match (query.programme, roles) {
        (Some(p), Some(r)) => {
            let ids = parts
                .filter(participation::programme_id.eq(p))
                .filter(participation::role.eq_any(r))
                .select(participation::organisation_id);
            q = q.filter(organisation::id.eq_any(ids));
        }
        (Some(p), None) => {
            let ids = parts.filter(participation::programme_id.eq(p)).select(participation::organisation_id);
            q = q.filter(organisation::id.eq_any(ids));
        }
        (None, Some(r)) => {
            let ids = parts.filter(participation::role.eq_any(r)).select(participation::organisation_id);
            q = q.filter(organisation::id.eq_any(ids));
        }
        (None, None) => {}
    }
    if let Some(t) = query.updated_after {
        q = q.filter(organisation::updated_at.gt(t));
    }
    Ok(q)
}

root_list!(OrganisationQuery, organisation, OrganisationRow);

by_ids!(
    /// Organisations by id (any order; unknown ids are left out).
    by_ids, organisation, OrganisationRow
);

find!(
    /// The organisation with this id.
    find, organisation, OrganisationRow
);

/// The organisation with this slug.
///
/// # Errors
/// A database error.
pub fn by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<OrganisationRow>, AppError> {
    Ok(organisation::table
        .filter(organisation::slug.eq(slug))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()?)
}

/// The participations of each organisation, by id.
///
/// # Errors
/// A database error.
pub fn participations_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<ParticipationRow>, AppError> {
    let rows: Vec<ParticipationRow> = participation::table
        .filter(participation::organisation_id.eq_any(ids))
        .order(participation::id.asc())
        .select(ParticipationRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.organisation_id, r)).collect())
}

/// The home regions of each organisation, by name.
///
/// # Errors
/// A database error.
pub fn home_regions_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<RegionRow>, AppError> {
    Ok(organisation_region::table
        .inner_join(region::table.on(region::id.eq(organisation_region::region_id)))
        .filter(organisation_region::organisation_id.eq_any(ids))
        .order((region::sort_key.asc(), region::id.asc()))
        .select((organisation_region::organisation_id, RegionRow::as_select()))
        .load(conn)?)
}

/// The schemes each organisation funds or administers, by name (a scheme it does both for once).
///
/// # Errors
/// A database error.
pub fn schemes_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<FundingSchemeRow>, AppError> {
    let rows: Vec<FundingSchemeRow> = funding_scheme::table
        .filter(funding_scheme::funder_id.eq_any(ids).or(funding_scheme::administrator_id.eq_any(ids)))
        .order((funding_scheme::sort_key.asc(), funding_scheme::id.asc()))
        .select(FundingSchemeRow::as_select())
        .load(conn)?;
    let wanted: HashSet<i64> = ids.iter().copied().collect();
    Ok(rows
        .into_iter()
        .flat_map(|r| {
            let mut owners: Vec<i64> =
                [r.funder_id, r.administrator_id].into_iter().flatten().filter(|o| wanted.contains(o)).collect();
            owners.dedup();
            owners.into_iter().map(move |o| (o, r.clone()))
        })
        .collect())
}
