//! Programmes and participations: look-ups, the filtered list, and the relations of a programme.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::page::{root_list, PageSpec, RowPage};
use super::{by_ids, find, overlap, ranked, region_tree::RegionTree, ByParent, Overlap};
use crate::db::models::{GoalRow, ParticipationRow, ProgrammeRow, RegionRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::text::like_pattern;
use crate::vocab::{ParticipationRole, ParticipationStatus, ProgrammeKind, ProgrammeStatus, TargetGroup};

/// Which programmes to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeQuery {
    /// Name or alias contains this text (compared by search key).
    pub search: Option<String>,
    /// Any of these kinds.
    pub kinds: Option<Vec<ProgrammeKind>>,
    /// For any of these target groups.
    pub target_groups: Option<Vec<TargetGroup>>,
    /// Names this region or one of its formal descendants.
    pub region: Option<i64>,
    /// This organisation takes part (accepted); with `roles`, in one of those roles.
    pub organisation: Option<i64>,
    /// Some organisation (or `organisation`) takes part in one of these roles (accepted).
    pub roles: Option<Vec<ParticipationRole>>,
    /// Funded under this scheme.
    pub scheme: Option<i64>,
    /// With one of these reported statuses.
    pub statuses: Option<Vec<ProgrammeStatus>>,
    /// Runs during this period.
    pub period: Option<Overlap>,
    /// Changed after this time.
    pub updated_after: Option<NaiveDateTime>,
}

fn filtered(conn: &mut DbConn, query: &ProgrammeQuery) -> Result<programme::BoxedQuery<'static, Db>, AppError> {
    let mut q = programme::table.into_boxed::<Db>();
    if let Some(s) = &query.search {
        q = q.filter(programme::search_text.like(like_pattern(s)).escape('\\'));
    }
    if let Some(kinds) = &query.kinds {
        q = q.filter(programme::kind.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
    }
    if let Some(groups) = &query.target_groups {
        let groups: Vec<&str> = groups.iter().map(|g| g.as_str()).collect();
        let ids = programme_target_group::table
            .filter(programme_target_group::target_group.eq_any(groups))
            .select(programme_target_group::programme_id);
        q = q.filter(programme::id.eq_any(ids));
    }
    if let Some(root) = query.region {
        let regions = RegionTree::load(conn)?.descendants(root);
        let ids = programme_region::table
            .filter(programme_region::region_id.eq_any(regions))
            .select(programme_region::programme_id);
        q = q.filter(programme::id.eq_any(ids));
    }
    let roles: Option<Vec<&'static str>> = query.roles.as_ref().map(|r| r.iter().map(|r| r.as_str()).collect());
    let parts = participation::table.filter(participation::status.eq(ParticipationStatus::Accepted.as_str()));
    match (query.organisation, roles) {
        (Some(o), Some(r)) => {
            let ids = parts
                .filter(participation::organisation_id.eq(o))
                .filter(participation::role.eq_any(r))
                .select(participation::programme_id);
            q = q.filter(programme::id.eq_any(ids));
        }
        (Some(o), None) => {
            let ids = parts.filter(participation::organisation_id.eq(o)).select(participation::programme_id);
            q = q.filter(programme::id.eq_any(ids));
        }
        (None, Some(r)) => {
            let ids = parts.filter(participation::role.eq_any(r)).select(participation::programme_id);
            q = q.filter(programme::id.eq_any(ids));
        }
        (None, None) => {}
    }
    if let Some(scheme) = query.scheme {
        let ids = funding::table
            .filter(funding::scheme_id.eq(scheme))
            .filter(funding::programme_id.is_not_null())
            .select(funding::programme_id.assume_not_null());
        q = q.filter(programme::id.eq_any(ids));
    }
    if let Some(statuses) = &query.statuses {
        q = q.filter(programme::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if let Some(p) = query.period {
        overlap!(q, programme, p);
    }
    if let Some(t) = query.updated_after {
        q = q.filter(programme::updated_at.gt(t));
    }
    Ok(q)
}

root_list!(ProgrammeQuery, programme, ProgrammeRow, StartDate => start_date: nullable);

by_ids!(
    /// Programmes by id (any order; unknown ids are left out).
    by_ids, programme, ProgrammeRow
);

by_ids!(
    /// Participations by id (any order; unknown ids are left out).
    participations_by_ids, participation, ParticipationRow
);

find!(
    /// The programme with this id.
    find, programme, ProgrammeRow
);

find!(
    /// The participation with this id.
    find_participation, participation, ParticipationRow
);

/// The programme with this slug.
///
/// # Errors
/// A database error.
pub fn by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<ProgrammeRow>, AppError> {
    Ok(programme::table.filter(programme::slug.eq(slug)).select(ProgrammeRow::as_select()).first(conn).optional()?)
}

/// The participations of each programme, by role then id.
///
/// # Errors
/// A database error.
pub fn participations_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<ParticipationRow>, AppError> {
    let rows: Vec<ParticipationRow> = participation::table
        .filter(participation::programme_id.eq_any(ids))
        .order((participation::role.asc(), participation::id.asc()))
        .select(ParticipationRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.programme_id, r)).collect())
}

/// The target groups of each programme (stored text), in the order recorded.
///
/// # Errors
/// A database error.
pub fn target_groups_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<String>, AppError> {
    Ok(programme_target_group::table
        .filter(programme_target_group::programme_id.eq_any(ids))
        .order(programme_target_group::id.asc())
        .select((programme_target_group::programme_id, programme_target_group::target_group))
        .load(conn)?)
}

/// The regions each programme names, by name.
///
/// # Errors
/// A database error.
pub fn regions_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<RegionRow>, AppError> {
    Ok(programme_region::table
        .inner_join(region::table.on(region::id.eq(programme_region::region_id)))
        .filter(programme_region::programme_id.eq_any(ids))
        .order((region::sort_key.asc(), region::id.asc()))
        .select((programme_region::programme_id, RegionRow::as_select()))
        .load(conn)?)
}

/// The goals and themes each programme serves, by code.
///
/// # Errors
/// A database error.
pub fn goals_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<GoalRow>, AppError> {
    Ok(programme_goal::table
        .inner_join(pact_goal::table)
        .filter(programme_goal::programme_id.eq_any(ids))
        .order(pact_goal::code.asc())
        .select((programme_goal::programme_id, GoalRow::as_select()))
        .load(conn)?)
}

/// The programmes serving each goal or theme, by name.
///
/// # Errors
/// A database error.
pub fn of_goals(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<ProgrammeRow>, AppError> {
    Ok(programme_goal::table
        .inner_join(programme::table.on(programme::id.eq(programme_goal::programme_id)))
        .filter(programme_goal::goal_id.eq_any(ids))
        .order((programme::sort_key.asc(), programme::id.asc()))
        .select((programme_goal::goal_id, ProgrammeRow::as_select()))
        .load(conn)?)
}

/// One page of the programmes naming each region or one of its formal descendants: one statement
/// (the database walks the tree) that reads only the page plus one row per region.
///
/// # Errors
/// A database error.
pub fn pages_of_regions(
    conn: &mut DbConn,
    ids: &[i64],
    spec: &PageSpec,
) -> Result<ByParent<RowPage<ProgrammeRow>>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = ranked::members(ids);
    ranked::ranked_select(&mut sql, "p", "m.root_id", spec);
    sql.push(
        "(SELECT DISTINCT member.root_id, pr.programme_id FROM member \
         JOIN programme_region pr ON pr.region_id = member.region_id) m \
         JOIN programme p ON p.id = m.programme_id WHERE 1 = 1",
    );
    ranked::keyset(&mut sql, "p", spec);
    ranked::pages::<ranked::RankedProgramme>(conn, sql, ids, spec)
}

/// How many programmes name each region or one of its formal descendants (regions without any are
/// left out), in one statement.
///
/// # Errors
/// A database error.
pub fn counts_of_regions(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<(i64, i64)>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = ranked::members(ids);
    sql.push(
        "SELECT member.root_id AS parent_id, COUNT(DISTINCT pr.programme_id) AS n FROM member \
         JOIN programme_region pr ON pr.region_id = member.region_id GROUP BY member.root_id",
    );
    ranked::counts(conn, sql)
}
