//! Funding schemes and their budget lines: look-ups, the filtered list, relations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::page::root_list;
use super::{by_ids, find, overlap, ByParent, Overlap};
use crate::db::models::{BudgetLineRow, FundingSchemeRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::text::like_pattern;

/// Which schemes to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct SchemeQuery {
    /// Name, display name, code or alias contains this text (compared by search key).
    pub search: Option<String>,
    /// Funded or administered by this organisation.
    pub organisation: Option<i64>,
    /// Runs during this period.
    pub period: Option<Overlap>,
    /// Changed after this time.
    pub updated_after: Option<NaiveDateTime>,
}

fn filtered(_conn: &mut DbConn, query: &SchemeQuery) -> Result<funding_scheme::BoxedQuery<'static, Db>, AppError> {
    let mut q = funding_scheme::table.into_boxed::<Db>();
    if let Some(s) = &query.search {
        q = q.filter(funding_scheme::search_text.like(like_pattern(s)).escape('\\'));
    }
    if let Some(org) = query.organisation {
        q = q.filter(funding_scheme::funder_id.eq(org).or(funding_scheme::administrator_id.eq(org)));
    }
    if let Some(p) = query.period {
        overlap!(q, funding_scheme, p);
    }
    if let Some(t) = query.updated_after {
        q = q.filter(funding_scheme::updated_at.gt(t));
    }
    Ok(q)
}

root_list!(SchemeQuery, funding_scheme, FundingSchemeRow);

by_ids!(
    /// Schemes by id (any order; unknown ids are left out).
    by_ids, funding_scheme, FundingSchemeRow
);

by_ids!(
    /// Budget lines by id (any order; unknown ids are left out).
    budget_lines_by_ids, budget_line, BudgetLineRow
);

find!(
    /// The scheme with this id.
    find, funding_scheme, FundingSchemeRow
);

/// The scheme with this code.
///
/// # Errors
/// A database error.
pub fn by_code(conn: &mut DbConn, code: &str) -> Result<Option<FundingSchemeRow>, AppError> {
    Ok(funding_scheme::table
        .filter(funding_scheme::code.eq(code))
        .select(FundingSchemeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every scheme's `(code, display name, name)`, by code.
///
/// # Errors
/// A database error.
pub fn labels(conn: &mut DbConn) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(funding_scheme::table
        .order(funding_scheme::code.asc())
        .select((funding_scheme::code, funding_scheme::display_name, funding_scheme::name))
        .load(conn)?)
}

/// The budget lines of each scheme, oldest period first, unknown periods last.
///
/// # Errors
/// A database error.
pub fn budget_lines_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<BudgetLineRow>, AppError> {
    let rows: Vec<BudgetLineRow> = budget_line::table
        .filter(budget_line::scheme_id.eq_any(ids))
        // NULLs sort first on SQLite and last on PostgreSQL: put unknown periods last on both.
        .order((budget_line::start_date.is_null().asc(), budget_line::start_date.asc(), budget_line::id.asc()))
        .select(BudgetLineRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.scheme_id, r)).collect())
}
