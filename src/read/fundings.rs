//! Fundings and their region allocations: look-ups, the filtered list, relations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::page::{root_list, PageSpec, RowPage};
use super::plans;
use super::ranked::{self, RawSql};
use super::{by_ids, find, ByParent, Overlap};
use crate::db::models::{AllocationRow, FundingRow};
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::vocab::{Bucket, FundingStatus, PlacedBy, Placement};

/// Which fundings to list or total; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct FundingQuery {
    /// Under one of these schemes.
    pub schemes: Option<Vec<i64>>,
    /// Placed in this region by the placement rules at the region's own level (README "Funding per
    /// region"), counting placements through programmes unless `placement` is `Stated`.
    pub region: Option<i64>,
    /// Which placements `region` counts.
    pub placement: Placement,
    /// To this programme.
    pub programme: Option<i64>,
    /// This organisation is the recipient or the named funder.
    pub organisation: Option<i64>,
    /// With one of these statuses.
    pub statuses: Option<Vec<FundingStatus>>,
    /// For a period overlapping this one.
    pub period: Option<Overlap>,
    /// With a funding year (the award year, else the period's start year) in this range; a funding
    /// whose year is unknown never matches.
    pub year: Option<YearRange>,
    /// Changed after this time.
    pub updated_after: Option<NaiveDateTime>,
}

/// A range of funding years, both ends included; an open end is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearRange {
    /// The first year.
    pub from: Option<i32>,
    /// The last year.
    pub to: Option<i32>,
}

/// Adds the conditions of a [`FundingQuery`] to a boxed query over `funding` (alone, or joined with
/// `funding_placement` and grouped: the region condition reads an alias of it).
macro_rules! funding_conditions {
    ($q:ident, $query:expr) => {{
        use $crate::db::schema::{funding, funding_placement};
        use $crate::vocab::{Bucket, PlacedBy, Placement};
        let query: &$crate::read::fundings::FundingQuery = $query;
        if let Some(schemes) = &query.schemes {
            $q = $q.filter(funding::scheme_id.eq_any(schemes.clone()));
        }
        if let Some(region) = query.region {
            // A row at the region's own level: the region is its own ancestor-or-self there only.
            let placed = diesel::alias!(funding_placement as placed_in);
            let excluded: Vec<&str> = match query.placement {
                Placement::Stated => vec![PlacedBy::Programme.as_str()],
                Placement::StatedAndProgramme => Vec::new(),
            };
            $q = $q.filter(
                funding::id.eq_any(
                    placed
                        .filter(placed.field(funding_placement::region_id).eq(region))
                        .filter(placed.field(funding_placement::bucket).eq(Bucket::Region.as_str()))
                        .filter(placed.field(funding_placement::placed_by).ne_all(excluded))
                        .select(placed.field(funding_placement::funding_id)),
                ),
            );
        }
        if let Some(p) = query.programme {
            $q = $q.filter(funding::programme_id.eq(p));
        }
        if let Some(org) = query.organisation {
            $q = $q.filter(funding::recipient_id.eq(org).or(funding::funder_id.eq(org)));
        }
        if let Some(statuses) = &query.statuses {
            $q = $q.filter(funding::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(p) = query.period {
            $crate::read::overlap!($q, funding, p);
        }
        if let Some(y) = query.year {
            // The funding year: the award date's year, else the period start's (as placement
            // stores it); expressed on the dates so that an index on them can serve.
            $q = $q.filter(funding::award_date.is_not_null().or(funding::start_date.is_not_null()));
            if let Some(from) = y.from.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 1, 1)) {
                $q = $q.filter(
                    funding::award_date.ge(from).or(funding::award_date.is_null().and(funding::start_date.ge(from))),
                );
            }
            if let Some(to) = y.to.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 12, 31)) {
                $q = $q.filter(
                    funding::award_date.le(to).or(funding::award_date.is_null().and(funding::start_date.le(to))),
                );
            }
        }
        if let Some(t) = query.updated_after {
            $q = $q.filter(funding::updated_at.gt(t));
        }
    }};
}

pub(crate) use funding_conditions;

pub(super) fn filtered(_conn: &mut DbConn, query: &FundingQuery) -> Result<funding::BoxedQuery<'static, Db>, AppError> {
    let mut q = funding::table.into_boxed::<Db>();
    funding_conditions!(q, query);
    Ok(q)
}

root_list!(FundingQuery, funding, FundingRow, Amount => amount_cents: plain, AwardDate => award_date: nullable);

by_ids!(
    /// Fundings by id (any order; unknown ids are left out).
    by_ids, funding, FundingRow
);

find!(
    /// The funding with this id.
    find, funding, FundingRow
);

/// The allocations of each funding, in the order recorded.
///
/// # Errors
/// A database error.
pub fn allocations_of(conn: &mut DbConn, ids: &[i64]) -> Result<ByParent<AllocationRow>, AppError> {
    let rows: Vec<AllocationRow> = region_allocation::table
        .filter(region_allocation::funding_id.eq_any(ids))
        .order(region_allocation::id.asc())
        .select(AllocationRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.funding_id, r)).collect())
}

/// The parent a funding relation is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FundingParent {
    /// Fundings placed in a region by the placement rules at its level (each once).
    Region(Placement),
    /// Fundings to a programme.
    Programme,
    /// Fundings an organisation received.
    Recipient,
    /// Fundings an organisation gave as named funder.
    Funder,
    /// Fundings under a scheme.
    Scheme,
}

/// Every funding of each parent of one kind, in no particular order (unpaged: for checks and
/// tools; the API reads [`pages_of`]).
///
/// # Errors
/// A database error.
pub fn of_parents(conn: &mut DbConn, parent: FundingParent, ids: &[i64]) -> Result<ByParent<FundingRow>, AppError> {
    let q = funding::table.select(FundingRow::as_select()).into_boxed::<Db>();
    let q = match parent {
        FundingParent::Region(placement) => return of_regions(conn, ids, placement),
        FundingParent::Programme => q.filter(funding::programme_id.eq_any(ids)),
        FundingParent::Recipient => q.filter(funding::recipient_id.eq_any(ids)),
        FundingParent::Funder => q.filter(funding::funder_id.eq_any(ids)),
        FundingParent::Scheme => q.filter(funding::scheme_id.eq_any(ids)),
    };
    let rows: Vec<FundingRow> = q.load(conn)?;
    let key = |r: &FundingRow| match parent {
        FundingParent::Region(_) => None,
        FundingParent::Programme => r.programme_id,
        FundingParent::Recipient => r.recipient_id,
        FundingParent::Funder => r.funder_id,
        FundingParent::Scheme => r.scheme_id,
    };
    Ok(rows.into_iter().filter_map(|r| key(&r).map(|p| (p, r))).collect())
}

fn parent_column(parent: FundingParent) -> &'static str {
    match parent {
        FundingParent::Region(_) => "id",
        FundingParent::Programme => "programme_id",
        FundingParent::Recipient => "recipient_id",
        FundingParent::Funder => "funder_id",
        FundingParent::Scheme => "scheme_id",
    }
}

/// One page of each parent's fundings, for a batch of parents of one kind: one statement that
/// reads only the page plus one row per parent (for regions, the database walks the tree).
///
/// # Errors
/// A database error.
pub fn pages_of(
    conn: &mut DbConn,
    parent: FundingParent,
    ids: &[i64],
    spec: &PageSpec,
) -> Result<ByParent<RowPage<FundingRow>>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = pages_sql(parent, ids, spec);
    ranked::pages::<ranked::RankedFunding>(conn, sql, ids, spec)
}

/// The database's plan for [`pages_of`], one line per plan node.
///
/// # Errors
/// A database error.
pub fn pages_of_plan(
    conn: &mut DbConn,
    parent: FundingParent,
    ids: &[i64],
    spec: &PageSpec,
) -> Result<Vec<String>, AppError> {
    let mut sql = pages_sql(parent, ids, spec);
    ranked::finish_pages(&mut sql, spec);
    plans::of_raw(conn, sql)
}

fn pages_sql(parent: FundingParent, ids: &[i64], spec: &PageSpec) -> RawSql {
    let mut sql = if let FundingParent::Region(placement) = parent {
        let mut sql = RawSql::default();
        ranked::ranked_select(&mut sql, "f", "m.region_id", spec);
        sql.push("funding_placement m JOIN funding f ON f.id = m.funding_id WHERE m.region_id").in_list(ids);
        placed_in_region(&mut sql, "m", placement);
        sql
    } else {
        let column = format!("f.{}", parent_column(parent));
        let mut sql = RawSql::default();
        ranked::ranked_select(&mut sql, "f", &column, spec);
        sql.push(&format!("funding f WHERE {column}")).in_list(ids);
        sql
    };
    ranked::keyset(&mut sql, "f", spec);
    sql
}

/// How many fundings each parent of one kind has (parents without any are left out), in one
/// statement.
///
/// # Errors
/// A database error.
pub fn counts_of(conn: &mut DbConn, parent: FundingParent, ids: &[i64]) -> Result<Vec<(i64, i64)>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = if let FundingParent::Region(placement) = parent {
        let mut sql = RawSql::default();
        sql.push("SELECT m.region_id AS parent_id, COUNT(*) AS n FROM funding_placement m WHERE m.region_id")
            .in_list(ids);
        placed_in_region(&mut sql, "m", placement);
        sql.push(" GROUP BY m.region_id");
        sql
    } else {
        let column = parent_column(parent);
        let mut sql = RawSql::default();
        sql.push(&format!("SELECT {column} AS parent_id, COUNT(*) AS n FROM funding WHERE {column}")).in_list(ids);
        sql.push(&format!(" GROUP BY {column}"));
        sql
    };
    ranked::counts(conn, sql)
}

/// ` AND …`: placement rows (alias `m`, filtered by region id) that place a funding in the region:
/// a row at the region's own level, the only level where it is its own ancestor-or-self.
fn placed_in_region(sql: &mut RawSql, alias: &str, placement: Placement) {
    sql.push(&format!(" AND {alias}.bucket = ")).text(Bucket::Region.as_str());
    if placement == Placement::Stated {
        sql.push(&format!(" AND {alias}.placed_by <> ")).text(PlacedBy::Programme.as_str());
    }
}

/// The fundings placed in each region (each funding once per region).
///
/// # Errors
/// A database error.
pub fn of_regions(conn: &mut DbConn, ids: &[i64], placement: Placement) -> Result<ByParent<FundingRow>, AppError> {
    let excluded: Vec<&str> = match placement {
        Placement::Stated => vec![PlacedBy::Programme.as_str()],
        Placement::StatedAndProgramme => Vec::new(),
    };
    Ok(funding_placement::table
        .inner_join(funding::table)
        .filter(funding_placement::region_id.eq_any(ids))
        .filter(funding_placement::bucket.eq(Bucket::Region.as_str()))
        .filter(funding_placement::placed_by.ne_all(excluded))
        .select((funding_placement::region_id, FundingRow::as_select()))
        .load(conn)?)
}
