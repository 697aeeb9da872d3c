//! Funding per region at one level, with nothing counted twice.
//!
//! Rules: a funding whose allocations all carry shares is split to the cent (largest remainder) over
//! its allocated regions; each part counts for the allocated region's ancestor-or-self at the asked
//! level. A part whose region has no such ancestor (e.g. allocated to a landsdeel while asking per
//! province) is counted as outside the level. A funding without allocations, or whose allocations
//! have no shares, is unallocated.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;

use super::fundings::{all_matching, FundingQuery};
use super::region_tree::RegionTree;
use super::regions;
use crate::db::models::{AllocationRow, FundingRow, RegionRow};
use crate::db::schema::region_allocation;
use crate::db::DbConn;
use crate::error::AppError;
use crate::money::split_by_shares;
use crate::vocab::RegionScheme;

/// How many unallocated fundings the report lists (it counts all of them).
pub const UNALLOCATED_LISTED: usize = 100;

/// A sum of cents and the number of fundings contributing to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Total {
    /// The sum in euro cents.
    pub cents: i64,
    /// How many fundings contribute.
    pub funding_count: i32,
}

/// One region's totals, also per scheme (`None`: outside a scheme), schemes by id.
#[derive(Debug, Clone)]
pub struct RegionTotal {
    /// The region at the level.
    pub region: RegionRow,
    /// Its total.
    pub total: Total,
    /// Its total per scheme.
    pub by_scheme: Vec<(Option<i64>, Total)>,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct FundingPerRegion {
    /// Every region at the level, by name (zero where nothing is allocated).
    pub regions: Vec<RegionTotal>,
    /// Fundings not split over regions.
    pub unallocated: Total,
    /// The first [`UNALLOCATED_LISTED`] unallocated fundings by key.
    pub unallocated_listed: Vec<FundingRow>,
    /// Allocated parts without a region at the level.
    pub outside_level: Total,
    /// All matching fundings.
    pub grand_total_cents: i64,
}

#[derive(Default)]
struct Acc {
    cents: i64,
    fundings: HashSet<i64>,
    by_scheme: BTreeMap<Option<i64>, (i64, HashSet<i64>)>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Computes the report with three statements (regions, matching fundings, their allocations in
/// chunks of 10,000 ids).
///
/// # Errors
/// A database error.
pub fn funding_per_region(
    conn: &mut DbConn,
    level: RegionScheme,
    query: &FundingQuery,
) -> Result<FundingPerRegion, AppError> {
    let all_regions = regions::all(conn)?;
    let fundings = all_matching(conn, query)?;
    let ids: Vec<i64> = fundings.iter().map(|f| f.id.0).collect();
    let mut allocations: Vec<AllocationRow> = Vec::new();
    for chunk in ids.chunks(10_000) {
        allocations.extend(
            region_allocation::table
                .filter(region_allocation::funding_id.eq_any(chunk))
                .order(region_allocation::id.asc())
                .select(AllocationRow::as_select())
                .load(conn)?,
        );
    }
    let tree = RegionTree::from_rows(all_regions.iter().map(|r| (r.id.0, r.parent_id, r.scheme.clone())));
    let mut allocs: HashMap<i64, Vec<&AllocationRow>> = HashMap::new();
    for a in &allocations {
        allocs.entry(a.funding_id).or_default().push(a);
    }

    let mut acc: HashMap<i64, Acc> = HashMap::new();
    let (mut grand, mut outside_cents) = (0i64, 0i64);
    let mut outside_fundings = HashSet::new();
    let mut unallocated: Vec<&FundingRow> = Vec::new();
    let mut unallocated_cents = 0i64;
    for f in &fundings {
        grand = grand.saturating_add(f.amount_cents);
        let list = allocs.get(&f.id.0).map(Vec::as_slice).unwrap_or_default();
        let shares: Option<Vec<i32>> = list.iter().map(|a| a.share_basis_points).collect();
        let Some(shares) = shares.filter(|s| !s.is_empty()) else {
            unallocated_cents = unallocated_cents.saturating_add(f.amount_cents);
            unallocated.push(f);
            continue;
        };
        for (a, part) in list.iter().zip(split_by_shares(f.amount_cents, &shares)) {
            match tree.at_level(a.region_id, level.as_str()) {
                Some(region) => {
                    let e = acc.entry(region).or_default();
                    e.cents = e.cents.saturating_add(part);
                    e.fundings.insert(f.id.0);
                    let s = e.by_scheme.entry(f.scheme_id).or_default();
                    s.0 = s.0.saturating_add(part);
                    s.1.insert(f.id.0);
                }
                None => {
                    outside_cents = outside_cents.saturating_add(part);
                    outside_fundings.insert(f.id);
                }
            }
        }
    }

    let regions = all_regions
        .into_iter()
        .filter(|r| r.scheme == level.as_str())
        .map(|r| {
            let a = acc.remove(&r.id.0).unwrap_or_default();
            RegionTotal {
                total: Total { cents: a.cents, funding_count: count(a.fundings.len()) },
                by_scheme: a
                    .by_scheme
                    .into_iter()
                    .map(|(scheme, (cents, ids))| (scheme, Total { cents, funding_count: count(ids.len()) }))
                    .collect(),
                region: r,
            }
        })
        .collect();
    let unallocated_total = Total { cents: unallocated_cents, funding_count: count(unallocated.len()) };
    unallocated.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
    Ok(FundingPerRegion {
        regions,
        unallocated: unallocated_total,
        unallocated_listed: unallocated.into_iter().take(UNALLOCATED_LISTED).cloned().collect(),
        outside_level: Total { cents: outside_cents, funding_count: count(outside_fundings.len()) },
        grand_total_cents: grand,
    })
}
