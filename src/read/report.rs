//! Funding per region at one level, read from what the database keeps (`crate::write::placement`
//! holds the rules): an unfiltered or scheme-only report reads the maintained totals (rows per
//! region, never per funding); any other filter groups the placement rows of the matching fundings
//! in the database. Either way only a few rows per region reach this process.

use std::collections::{BTreeMap, HashMap};

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::fundings::{funding_conditions, FundingQuery};
use super::ranked::RawSql;
use super::regions;
use super::ByParent;
use crate::db::models::{FundingRow, RegionRow};
use crate::db::schema::{funding, funding_placement as fp, programme_region, region_allocation, region_level};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::vocab::{Bucket, PlacedBy, Placement, RegionScheme};

/// How many unsplit or unallocated fundings the report lists (it counts all of them).
pub const LISTED: i64 = 100;

/// A sum of cents and the number of fundings contributing to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Total {
    /// The sum in euro cents.
    pub cents: i64,
    /// How many fundings contribute.
    pub funding_count: i64,
}

impl Total {
    fn add(&mut self, other: Total) {
        self.cents = self.cents.saturating_add(other.cents);
        self.funding_count = self.funding_count.saturating_add(other.funding_count);
    }
}

/// One region's totals.
#[derive(Debug, Clone)]
pub struct RegionTotal {
    /// The region at the level.
    pub region: RegionRow,
    /// Its total.
    pub total: Total,
    /// How many distinct programmes its fundings are for.
    pub programme_count: i64,
    /// The part of `total` placed through programmes' regions.
    pub through_programme: Total,
    /// Its total per scheme (`None`: outside a scheme, by a named funder), schemes by id.
    pub by_scheme: Vec<(Option<i64>, Total)>,
    /// Its total per funding year (`None`: year unknown, last), years ascending.
    pub by_year: Vec<(Option<i32>, Total)>,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct FundingPerRegion {
    /// Every region at the level, by name (zero where nothing is placed).
    pub regions: Vec<RegionTotal>,
    /// Fundings whose named regions fall in more than one region at the level.
    pub unsplit: Total,
    /// Amounts whose region has no ancestor-or-self at the level.
    pub outside_level: Total,
    /// Fundings with nothing to place them by (under `STATED`, also those placed by programme).
    pub unallocated: Total,
    /// All matching fundings together (its `funding_count` is not kept: a split funding is in
    /// several cells).
    pub grand_total: Total,
}

/// A region's sums while the cells are read.
#[derive(Default)]
struct Sums {
    total: Total,
    through_programme: Total,
    by_scheme: BTreeMap<Option<i64>, Total>,
    /// By year, the unknown year (0) last.
    by_year: BTreeMap<(bool, i32), Total>,
}

/// One group of placement rows.
#[derive(QueryableByName)]
struct Cell {
    #[diesel(sql_type = Text)]
    bucket: String,
    #[diesel(sql_type = BigInt)]
    region_id: i64,
    #[diesel(sql_type = BigInt)]
    scheme_id: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    year: i32,
    #[diesel(sql_type = Text)]
    placed_by: String,
    #[diesel(sql_type = BigInt)]
    cents: i64,
    #[diesel(sql_type = BigInt)]
    funding_count: i64,
}

/// True when the maintained totals answer the query (no condition but schemes).
pub(super) fn totals_answer(q: &FundingQuery) -> bool {
    q.region.is_none()
        && q.programme.is_none()
        && q.organisation.is_none()
        && q.statuses.is_none()
        && q.period.is_none()
        && q.year.is_none()
        && q.updated_after.is_none()
}

/// Computes the report: regions, the totals (one grouped statement, per year only `with_years`:
/// `by_year` is empty without them) and, when asked for, the programme counts (one more;
/// `programme_count` is 0 without them).
///
/// # Errors
/// A database error.
pub fn funding_per_region(
    conn: &mut DbConn,
    level: RegionScheme,
    query: &FundingQuery,
    placement: Placement,
    with_programmes: bool,
    with_years: bool,
) -> Result<FundingPerRegion, AppError> {
    let fast = totals_answer(query);
    // The totals are read per year only when asked: it multiplies the groups read (by 8 at 20k
    // fundings). (Placement rows of matching fundings are grouped per year either way.)
    let year = if with_years { "year" } else { "CAST(0 AS INTEGER)" };
    let cells = if fast {
        total_cells(conn, level, query.schemes.as_deref(), year)?
    } else {
        placement_cells(conn, level, query)?
    };
    let programmes = match (with_programmes, fast) {
        (false, _) => Vec::new(),
        (true, true) => total_programmes(conn, level, query.schemes.as_deref(), placement)?,
        (true, false) => placement_programmes(conn, level, query, placement)?,
    };
    let mut regions: HashMap<i64, Sums> = HashMap::new();
    let mut report = FundingPerRegion {
        regions: Vec::new(),
        unsplit: Total::default(),
        outside_level: Total::default(),
        unallocated: Total::default(),
        grand_total: Total::default(),
    };
    for c in cells {
        let total = Total { cents: c.cents, funding_count: c.funding_count };
        let placed_by = PlacedBy::parse(&c.placed_by);
        let bucket = match Bucket::parse(&c.bucket) {
            _ if placement == Placement::Stated && placed_by == Some(PlacedBy::Programme) => Bucket::Unallocated,
            Some(b) => b,
            None => return Err(AppError::internal(format!("placement bucket {:?}", c.bucket))),
        };
        report.grand_total.cents = report.grand_total.cents.saturating_add(total.cents);
        match bucket {
            Bucket::Region => {
                let r = regions.entry(c.region_id).or_default();
                r.total.add(total);
                if placed_by == Some(PlacedBy::Programme) {
                    r.through_programme.add(total);
                }
                r.by_scheme.entry((c.scheme_id != 0).then_some(c.scheme_id)).or_default().add(total);
                if with_years {
                    r.by_year.entry((c.year == 0, c.year)).or_default().add(total);
                }
            }
            Bucket::Unsplit => report.unsplit.add(total),
            Bucket::OutsideLevel => report.outside_level.add(total),
            Bucket::Unallocated => report.unallocated.add(total),
        }
    }
    let programmes: HashMap<i64, i64> = programmes.into_iter().collect();
    report.regions = regions::all(conn)?
        .into_iter()
        .filter(|r| r.scheme == level.as_str())
        .map(|r| {
            let Sums { total, through_programme, by_scheme, by_year } = regions.remove(&r.id.0).unwrap_or_default();
            RegionTotal {
                total,
                through_programme,
                programme_count: programmes.get(&r.id.0).copied().unwrap_or(0),
                by_scheme: by_scheme.into_iter().collect(),
                by_year: by_year.into_iter().map(|((_, y), t)| ((y != 0).then_some(y), t)).collect(),
                region: r,
            }
        })
        .collect();
    Ok(report)
}

/// Cells from the maintained totals.
fn total_cells(
    conn: &mut DbConn,
    level: RegionScheme,
    schemes: Option<&[i64]>,
    year: &str,
) -> Result<Vec<Cell>, AppError> {
    let mut sql = RawSql::default();
    sql.push(&format!(
        "SELECT bucket, region_id, scheme_id, {year} AS year, placed_by, CAST(SUM(cents) AS BIGINT) AS cents, \
         CAST(SUM(funding_count) AS BIGINT) AS funding_count FROM funding_region_total WHERE level = "
    ))
    .text(level.as_str());
    if let Some(s) = schemes {
        sql.push(" AND scheme_id").in_list(if s.is_empty() { &[-2] } else { s });
    }
    // The writers append rows (folded now and then): add them up, dropping groups that sum to zero.
    sql.push(&format!(
        " GROUP BY bucket, region_id, scheme_id, {year}, placed_by HAVING SUM(cents) <> 0 OR SUM(funding_count) <> 0"
    ));
    sql.load(conn)
}

/// Distinct programmes per region from the maintained counts.
fn total_programmes(
    conn: &mut DbConn,
    level: RegionScheme,
    schemes: Option<&[i64]>,
    placement: Placement,
) -> Result<Vec<(i64, i64)>, AppError> {
    let mut sql = RawSql::default();
    sql.push(
        "SELECT region_id AS parent_id, COUNT(*) AS n FROM (SELECT region_id, programme_id \
         FROM funding_region_programme WHERE level = ",
    )
    .text(level.as_str());
    match schemes {
        Some(s) => sql.push(" AND scheme_id").in_list(if s.is_empty() { &[-2] } else { s }),
        None => sql.push(" AND scheme_id = -1"),
    };
    if placement == Placement::Stated {
        sql.push(" AND placed_by <> ").text(PlacedBy::Programme.as_str());
    }
    // A programme counts where its fundings add up to at least one (rows are appended, then folded).
    sql.push(
        " AND programme_id <> 0 GROUP BY region_id, programme_id HAVING SUM(funding_count) > 0) p GROUP BY region_id",
    );
    Ok(super::ranked::counts(conn, sql)?.into_iter().collect())
}

/// Cells grouped from the placement rows of the matching fundings.
fn placement_cells(conn: &mut DbConn, level: RegionScheme, query: &FundingQuery) -> Result<Vec<Cell>, AppError> {
    let mut q = fp::table
        .inner_join(funding::table)
        .filter(fp::level.eq(level.as_str()))
        .group_by((fp::bucket, fp::region_id, fp::scheme_id, fp::year, fp::placed_by))
        .select((
            fp::bucket,
            fp::region_id,
            fp::scheme_id,
            fp::year,
            fp::placed_by,
            sql::<BigInt>("CAST(SUM(funding_placement.cents) AS BIGINT)"),
            sql::<BigInt>("COUNT(*)"),
        ))
        .into_boxed::<Db>();
    funding_conditions!(q, query);
    let rows: Vec<(String, i64, i64, i32, String, i64, i64)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(bucket, region_id, scheme_id, year, placed_by, cents, funding_count)| Cell {
            bucket,
            region_id,
            scheme_id,
            year,
            placed_by,
            cents,
            funding_count,
        })
        .collect())
}

/// Distinct programmes per region over the placement rows of the matching fundings.
fn placement_programmes(
    conn: &mut DbConn,
    level: RegionScheme,
    query: &FundingQuery,
    placement: Placement,
) -> Result<Vec<(i64, i64)>, AppError> {
    let excluded: Vec<&str> = match placement {
        Placement::Stated => vec![PlacedBy::Programme.as_str()],
        Placement::StatedAndProgramme => Vec::new(),
    };
    let mut q = fp::table
        .inner_join(funding::table)
        .filter(fp::level.eq(level.as_str()))
        .filter(fp::bucket.eq(Bucket::Region.as_str()))
        .filter(fp::programme_id.ne(0))
        .filter(fp::placed_by.ne_all(excluded))
        .group_by(fp::region_id)
        .select((fp::region_id, sql::<BigInt>("COUNT(DISTINCT funding_placement.programme_id)")))
        .into_boxed::<Db>();
    funding_conditions!(q, query);
    Ok(q.load(conn)?)
}

/// The first [`LISTED`] matching fundings in `bucket` (under `STATED`, those placed by programme
/// count as unallocated), by key.
///
/// # Errors
/// A database error.
pub fn listed(
    conn: &mut DbConn,
    level: RegionScheme,
    query: &FundingQuery,
    placement: Placement,
    bucket: Bucket,
) -> Result<Vec<FundingRow>, AppError> {
    let programme = vec![PlacedBy::Programme.as_str()];
    // (bucket AND placed_by NOT IN excluded) OR placed_by IN included
    let (excluded, included) = match (bucket, placement) {
        (Bucket::Unallocated, Placement::Stated) => (Vec::new(), programme),
        (_, Placement::Stated) => (programme, Vec::new()),
        (_, Placement::StatedAndProgramme) => (Vec::new(), Vec::new()),
    };
    let in_bucket = fp::table
        .filter(fp::level.eq(level.as_str()))
        .filter(fp::bucket.eq(bucket.as_str()).and(fp::placed_by.ne_all(excluded)).or(fp::placed_by.eq_any(included)))
        .select(fp::funding_id);
    let q = super::fundings::filtered(conn, query)?.filter(funding::id.eq_any(in_bucket));
    Ok(q.order((funding::sort_key.asc(), funding::id.asc()))
        .limit(LISTED)
        .select(FundingRow::as_select())
        .load(conn)?)
}

/// The distinct regions at `level` each funding names (its allocations, else its programme's
/// regions), by name: an unsplit funding's candidates.
///
/// # Errors
/// A database error.
pub fn candidates(
    conn: &mut DbConn,
    level: RegionScheme,
    fundings: &[FundingRow],
) -> Result<ByParent<RegionRow>, AppError> {
    let ids: Vec<i64> = fundings.iter().map(|f| f.id.0).collect();
    let mut named: Vec<(i64, i64)> = region_allocation::table
        .filter(region_allocation::funding_id.eq_any(&ids))
        .select((region_allocation::funding_id, region_allocation::region_id))
        .load(conn)?;
    let allocated: std::collections::HashSet<i64> = named.iter().map(|(f, _)| *f).collect();
    let by_programme: Vec<(i64, i64)> = fundings
        .iter()
        .filter(|f| !allocated.contains(&f.id.0))
        .filter_map(|f| f.programme_id.map(|p| (f.id.0, p)))
        .collect();
    let programme_ids: Vec<i64> = by_programme.iter().map(|(_, p)| *p).collect();
    let regions_of: Vec<(i64, i64)> = programme_region::table
        .filter(programme_region::programme_id.eq_any(&programme_ids))
        .select((programme_region::programme_id, programme_region::region_id))
        .load(conn)?;
    for (f, p) in &by_programme {
        named.extend(regions_of.iter().filter(|(q, _)| q == p).map(|(_, r)| (*f, *r)));
    }
    let region_ids: Vec<i64> = named.iter().map(|(_, r)| *r).collect();
    let at_level: HashMap<i64, i64> = region_level::table
        .filter(region_level::level.eq(level.as_str()))
        .filter(region_level::region_id.eq_any(&region_ids))
        .select((region_level::region_id, region_level::at_level_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let wanted: Vec<i64> = at_level.values().copied().collect();
    let mut rows = regions::by_ids(conn, &wanted)?;
    rows.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
    let mut out = Vec::new();
    for f in &ids {
        let mine: std::collections::HashSet<i64> =
            named.iter().filter(|(g, _)| g == f).filter_map(|(_, r)| at_level.get(r).copied()).collect();
        out.extend(rows.iter().filter(|r| mine.contains(&r.id.0)).map(|r| (*f, r.clone())));
    }
    Ok(out)
}
