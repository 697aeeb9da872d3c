//! Funding cross-tables (regions at one level × a dimension) and timelines (per funding year),
//! assembled from the groups the database computes (`super::grouped`): one row per cell or year,
//! never a funding.

use std::collections::{BTreeSet, HashMap};

use super::fundings::FundingQuery;
use super::grouped::{by_year, groups, Group, Grouping, NO_PROGRAMME, NO_TARGET_GROUP};
use super::{regions, schemes};
use crate::db::models::{FundingSchemeRow, RegionRow};
use crate::db::DbConn;
use crate::error::AppError;
use crate::vocab::{Bucket, FundingDimension, Placement, ProgrammeKind, RegionScheme, TargetGroup};

/// Sums over a set of fundings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Cents awarded.
    pub cents: i64,
    /// Cents of co-financing (0 for a funding without a figure).
    pub co_financing_cents: i64,
    /// Distinct fundings.
    pub funding_count: i64,
    /// Distinct fundings without a co-financing figure.
    pub without_co_financing: i64,
    /// Distinct programmes (0 unless asked for).
    pub programme_count: i64,
}

impl From<&Group> for Figures {
    fn from(g: &Group) -> Self {
        Self {
            cents: g.cents,
            co_financing_cents: g.co_financing_cents,
            funding_count: g.funding_count,
            without_co_financing: g.without_co_financing,
            programme_count: g.programme_count,
        }
    }
}

/// A column of a cross-table.
#[derive(Debug, Clone)]
pub enum Column {
    /// A scheme (`None`: outside a scheme, by a named funder).
    Scheme(Option<Box<FundingSchemeRow>>),
    /// A funding year (`None`: unknown).
    Year(Option<i32>),
    /// A programme kind (`None`: no programme).
    ProgrammeKind(Option<ProgrammeKind>),
    /// A target group of the programme.
    TargetGroup(TargetColumn),
}

/// A column of `TARGET_GROUP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetColumn {
    /// One of the programme's target groups.
    Group(TargetGroup),
    /// The programme states no target group.
    NoTargetGroup,
    /// The funding has no programme.
    NoProgramme,
}

/// One row: a region, or a bucket of the level.
#[derive(Debug, Clone)]
pub struct MatrixRow {
    /// The region (`None` for a bucket row).
    pub region: Option<RegionRow>,
    /// Each funding once.
    pub total: Figures,
    /// One per column of [`Matrix::columns`], in that order.
    pub cells: Vec<Figures>,
}

/// A cross-table.
#[derive(Debug, Clone)]
pub struct Matrix {
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// Every region at the level, by name.
    pub regions: Vec<MatrixRow>,
    /// Fundings whose regions fall in several regions at the level.
    pub unsplit: MatrixRow,
    /// Amounts in regions without an ancestor-or-self at the level.
    pub outside_level: MatrixRow,
    /// Fundings with nothing to place them by (under `STATED`, also those placed by programme).
    pub unallocated: MatrixRow,
}

/// A column's identity in the groups: (number, text).
type Key = (i64, String);

/// The columns present in `keys`, in the order a table shows them.
fn columns(
    conn: &mut DbConn,
    dimension: FundingDimension,
    keys: &BTreeSet<Key>,
) -> Result<Vec<(Key, Column)>, AppError> {
    let has = |text: &str| keys.iter().any(|k| k.1 == text);
    let text = |t: &str| (0, t.to_owned());
    Ok(match dimension {
        FundingDimension::Scheme => {
            let ids: Vec<i64> = keys.iter().map(|k| k.0).filter(|id| *id != 0).collect();
            let mut rows = schemes::by_ids(conn, &ids)?;
            rows.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
            let mut out: Vec<(Key, Column)> =
                rows.into_iter().map(|r| ((r.id.0, String::new()), Column::Scheme(Some(Box::new(r))))).collect();
            if keys.contains(&(0, String::new())) {
                out.push(((0, String::new()), Column::Scheme(None)));
            }
            out
        }
        FundingDimension::Year => year_columns(keys.iter().map(|k| k.0))
            .into_iter()
            .map(|y| ((i64::from(y.unwrap_or(0)), String::new()), Column::Year(y)))
            .collect(),
        FundingDimension::ProgrammeKind => {
            let mut out: Vec<(Key, Column)> =
                ProgrammeKind::ALL.iter().map(|(k, t, _, _)| (text(t), Column::ProgrammeKind(Some(*k)))).collect();
            if has(NO_PROGRAMME) {
                out.push((text(NO_PROGRAMME), Column::ProgrammeKind(None)));
            }
            out
        }
        FundingDimension::TargetGroup => {
            let mut out: Vec<(Key, Column)> = TargetGroup::ALL
                .iter()
                .map(|(g, t, _, _)| (text(t), Column::TargetGroup(TargetColumn::Group(*g))))
                .collect();
            for (t, c) in [(NO_TARGET_GROUP, TargetColumn::NoTargetGroup), (NO_PROGRAMME, TargetColumn::NoProgramme)] {
                if has(t) {
                    out.push((text(t), Column::TargetGroup(c)));
                }
            }
            out
        }
    })
}

/// Every year from the first to the last known one (gaps included, so a chart's axis is even),
/// then the unknown year if present (`None`).
fn year_columns(years: impl Iterator<Item = i64>) -> Vec<Option<i32>> {
    let years: Vec<i64> = years.collect();
    let known = years.iter().copied().filter(|y| *y != 0).filter_map(|y| i32::try_from(y).ok());
    let (lo, hi) = known.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let mut out: Vec<Option<i32>> = if lo <= hi { (lo..=hi).map(Some).collect() } else { Vec::new() };
    if years.contains(&0) {
        out.push(None);
    }
    out
}

/// The row a group belongs to: a bucket and a region id (0 for a bucket row).
fn row_of(g: &Group) -> Result<(Bucket, i64), AppError> {
    let bucket =
        Bucket::parse(&g.bucket).ok_or_else(|| AppError::internal(format!("placement bucket {:?}", g.bucket)))?;
    Ok((bucket, if bucket == Bucket::Region { g.region_id } else { 0 }))
}

/// The cross-table at `level` with the columns of `dimension`.
///
/// # Errors
/// A database error.
pub fn matrix(
    conn: &mut DbConn,
    level: RegionScheme,
    dimension: FundingDimension,
    query: &FundingQuery,
    placement: Placement,
    programmes: bool,
) -> Result<Matrix, AppError> {
    let rows = Grouping { by_region: true, dimension: None, programmes };
    let mut totals: HashMap<(Bucket, i64), Figures> = HashMap::new();
    for g in groups(conn, level, query, placement, rows)? {
        totals.insert(row_of(&g)?, Figures::from(&g));
    }
    let cells = Grouping { dimension: Some(dimension), ..rows };
    let mut by_cell: HashMap<(Bucket, i64, Key), Figures> = HashMap::new();
    for g in groups(conn, level, query, placement, cells)? {
        let (bucket, region) = row_of(&g)?;
        by_cell.insert((bucket, region, (g.key_id, g.key_text.clone())), Figures::from(&g));
    }
    let keys: BTreeSet<Key> = by_cell.keys().map(|k| k.2.clone()).collect();
    let columns = columns(conn, dimension, &keys)?;
    if let Some(k) = keys.iter().find(|k| !columns.iter().any(|(c, _)| c == *k)) {
        return Err(AppError::internal(format!("a {dimension:?} column without a place: {k:?}")));
    }
    let row = |bucket: Bucket, region: Option<RegionRow>| {
        let id = region.as_ref().map_or(0, |r| r.id.0);
        let cells =
            columns.iter().map(|(k, _)| by_cell.get(&(bucket, id, k.clone())).copied().unwrap_or_default()).collect();
        MatrixRow { total: totals.get(&(bucket, id)).copied().unwrap_or_default(), cells, region }
    };
    let regions = regions::all(conn)?
        .into_iter()
        .filter(|r| r.scheme == level.as_str())
        .map(|r| row(Bucket::Region, Some(r)))
        .collect();
    Ok(Matrix {
        regions,
        unsplit: row(Bucket::Unsplit, None),
        outside_level: row(Bucket::OutsideLevel, None),
        unallocated: row(Bucket::Unallocated, None),
        columns: columns.into_iter().map(|(_, c)| c).collect(),
    })
}

/// A timeline: per funding year.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Every year from the first to the last with a funding, then the unknown year (`None`) if any
    /// funding has none.
    pub years: Vec<(Option<i32>, Figures)>,
    /// All matching fundings.
    pub total: Figures,
}

/// The timeline of the fundings `query` matches.
///
/// # Errors
/// A database error.
pub fn timeline(conn: &mut DbConn, query: &FundingQuery, programmes: bool) -> Result<Timeline, AppError> {
    let total = by_year(conn, query, false, programmes)?.first().map(Figures::from).unwrap_or_default();
    let found: HashMap<i64, Figures> =
        by_year(conn, query, true, programmes)?.iter().map(|g| (g.key_id, Figures::from(g))).collect();
    let years = year_columns(found.keys().copied())
        .into_iter()
        .map(|y| (y, found.get(&i64::from(y.unwrap_or(0))).copied().unwrap_or_default()))
        .collect();
    Ok(Timeline { years, total })
}
