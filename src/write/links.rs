//! Replacing the set of rows a link table holds for one parent (a programme's regions, an
//! organisation's home regions, a funding's allocations, a record's sources…): the write layer and
//! the data loader both go through [`replace_rows`], mostly through the per-table functions here.

use crate::ids::RecordKind;
use chrono::NaiveDateTime;
use diesel::dsl::Returning;
use diesel::expression::NonAggregate;
use diesel::prelude::*;
use diesel::query_builder::{DeleteStatement, InsertStatement, IntoUpdateTarget};
use diesel::query_dsl::methods::ExecuteDsl;
use diesel::query_dsl::LoadQuery;

use crate::db::schema::*;
use crate::db::{now, DbConn};
use crate::error::AppError;

/// Replaces the rows `existing` selects (one parent's rows of a link table) with `rows`: deletes
/// them, then inserts each of `rows` in order, one statement a row (so row ids follow the order).
///
/// # Errors
/// A database error.
pub fn replace_rows<F, V>(conn: &mut DbConn, existing: F, rows: impl IntoIterator<Item = V>) -> Result<(), AppError>
where
    F: IntoUpdateTarget,
    DeleteStatement<F::Table, F::WhereClause>: ExecuteDsl<DbConn>,
    V: Insertable<F::Table>,
    InsertStatement<F::Table, V::Values>: ExecuteDsl<DbConn>,
{
    diesel::delete(existing).execute(conn)?;
    for row in rows {
        diesel::insert_into(F::table()).values(row).execute(conn)?;
    }
    Ok(())
}

/// [`replace_rows`] for child rows that other rows refer to (a programme's participations, a
/// scheme's budget lines, which cite sources of their own): returns the new rows' `id`s, in order.
///
/// # Errors
/// A database error.
pub fn replace_rows_returning<'q, F, V, K>(
    conn: &mut DbConn,
    existing: F,
    id: K,
    rows: impl IntoIterator<Item = V>,
) -> Result<Vec<i64>, AppError>
where
    F: IntoUpdateTarget,
    DeleteStatement<F::Table, F::WhereClause>: ExecuteDsl<DbConn>,
    V: Insertable<F::Table>,
    K: Expression + SelectableExpression<F::Table> + NonAggregate + Copy,
    Returning<InsertStatement<F::Table, V::Values>, K>: LoadQuery<'q, DbConn, i64>,
{
    diesel::delete(existing).execute(conn)?;
    let mut ids = Vec::new();
    for row in rows {
        ids.push(diesel::insert_into(F::table()).values(row).returning(id).get_result(conn)?);
    }
    Ok(ids)
}

/// Deletes the sources that the records of these `kinds` with these ids cite (before those
/// records go, or when the loader replaces them).
///
/// # Errors
/// A database error.
pub fn drop_sources(conn: &mut DbConn, kinds: &[RecordKind], ids: &[i64]) -> Result<(), AppError> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    diesel::delete(source::table.filter(source::entity_type.eq_any(kinds)).filter(source::entity_id.eq_any(ids)))
        .execute(conn)?;
    Ok(())
}

/// The items in their first order, each once: a list that names a value twice means it once.
pub fn distinct<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Sets the regions a programme names (`programme_region`), in the order given.
///
/// # Errors
/// A database error.
pub fn programme_regions(conn: &mut DbConn, programme_id: i64, region_ids: &[i64]) -> Result<(), AppError> {
    use programme_region::dsl as pr;
    let t = now();
    let rows = region_ids
        .iter()
        .map(|r| (pr::programme_id.eq(programme_id), pr::region_id.eq(*r), pr::created_at.eq(t), pr::updated_at.eq(t)));
    replace_rows(conn, pr::programme_region.filter(pr::programme_id.eq(programme_id)), rows)
}

/// Sets a programme's target groups (`programme_target_group`), in the order given.
///
/// # Errors
/// A database error.
pub fn target_groups<'a>(
    conn: &mut DbConn,
    programme_id: i64,
    groups: impl IntoIterator<Item = &'a str>,
) -> Result<(), AppError> {
    use programme_target_group::dsl as tg;
    let t = now();
    let rows = groups.into_iter().map(|g| {
        (tg::programme_id.eq(programme_id), tg::target_group.eq(g), tg::created_at.eq(t), tg::updated_at.eq(t))
    });
    replace_rows(conn, tg::programme_target_group.filter(tg::programme_id.eq(programme_id)), rows)
}

/// Sets an organisation's home regions (`organisation_region`), in the order given.
///
/// # Errors
/// A database error.
pub fn home_regions(conn: &mut DbConn, organisation_id: i64, region_ids: &[i64]) -> Result<(), AppError> {
    use organisation_region::dsl as or;
    let t = now();
    let rows = region_ids.iter().map(|r| {
        (or::organisation_id.eq(organisation_id), or::region_id.eq(*r), or::created_at.eq(t), or::updated_at.eq(t))
    });
    replace_rows(conn, or::organisation_region.filter(or::organisation_id.eq(organisation_id)), rows)
}

/// Sets a funding's region allocations (`region_allocation`): region id and share in basis points.
///
/// # Errors
/// A database error.
pub fn allocations(conn: &mut DbConn, funding_id: i64, allocations: &[(i64, Option<i32>)]) -> Result<(), AppError> {
    use region_allocation::dsl as ra;
    diesel::delete(ra::region_allocation.filter(ra::funding_id.eq(funding_id))).execute(conn)?;
    new_allocations(conn, funding_id, allocations)
}

/// Inserts the allocations of a funding that has none yet (just created), in the order given.
///
/// # Errors
/// A database error.
pub fn new_allocations(conn: &mut DbConn, funding_id: i64, allocations: &[(i64, Option<i32>)]) -> Result<(), AppError> {
    use region_allocation::dsl as ra;
    let t = now();
    for (region, share) in allocations {
        diesel::insert_into(ra::region_allocation)
            .values((
                ra::funding_id.eq(funding_id),
                ra::region_id.eq(*region),
                ra::share_basis_points.eq(*share),
                ra::created_at.eq(t),
                ra::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets the programmes a goal or theme names (`programme_goal`), in the order given.
///
/// # Errors
/// A database error.
pub fn goal_programmes(conn: &mut DbConn, goal_id: i64, programme_ids: &[i64]) -> Result<(), AppError> {
    use programme_goal::dsl as pg;
    let t = now();
    let rows = programme_ids
        .iter()
        .map(|p| (pg::programme_id.eq(*p), pg::goal_id.eq(goal_id), pg::created_at.eq(t), pg::updated_at.eq(t)));
    replace_rows(conn, pg::programme_goal.filter(pg::goal_id.eq(goal_id)), rows)
}

/// Sets a region's links to other regions (`region_link`): linked region id and kind
/// (`ASSOCIATED`, `SAME_AS`), in the order given.
///
/// # Errors
/// A database error.
pub fn region_links(conn: &mut DbConn, region_id: i64, links: &[(i64, &str)]) -> Result<(), AppError> {
    use region_link::dsl as rl;
    let t = now();
    let rows = links.iter().map(|(other, kind)| {
        (
            rl::region_id.eq(region_id),
            rl::linked_region_id.eq(*other),
            rl::kind.eq(*kind),
            rl::created_at.eq(t),
            rl::updated_at.eq(t),
        )
    });
    replace_rows(conn, rl::region_link.filter(rl::region_id.eq(region_id)), rows)
}

/// A citation of lines in a source document, as `source` stores it.
pub type Citation = (String, i32, i32);

/// Sets the sources a record cites (`source` rows of `entity_type` and `entity_id`): document,
/// first and last line, in the order given.
///
/// # Errors
/// A database error.
pub fn sources(
    conn: &mut DbConn,
    entity_type: RecordKind,
    entity_id: i64,
    citations: &[Citation],
) -> Result<(), AppError> {
    let t: NaiveDateTime = now();
    let rows = citations.iter().map(|(document, start, end)| {
        (
            source::entity_type.eq(entity_type.as_str()),
            source::entity_id.eq(entity_id),
            source::document.eq(Some(document)),
            source::line_start.eq(Some(*start)),
            source::line_end.eq(Some(*end)),
            source::created_at.eq(t),
            source::updated_at.eq(t),
        )
    });
    let existing =
        source::table.filter(source::entity_type.eq(entity_type.as_str())).filter(source::entity_id.eq(entity_id));
    replace_rows(conn, existing, rows)
}
