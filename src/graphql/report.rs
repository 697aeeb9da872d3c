//! `fundingByRegion`: totals per region at one level, with nothing counted twice.
//!
//! Rules: a funding whose allocations all carry shares is split to the cent (largest remainder) over
//! its allocated regions; each part counts for the allocated region's ancestor-or-self at the asked
//! level. A part whose region has no such ancestor (e.g. allocated to a landsdeel while asking per
//! province) is reported under `outsideLevel`. A funding without allocations, or whose allocations
//! have no shares, is reported under `unallocated` with the regions it names.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::{Context, Object, ResultExt, SimpleObject};
use diesel::prelude::*;

use super::context::{db, load_one};
use super::filters::FundingFilter;
use super::loaders::SchemeById;
use super::types::common::Money;
use super::types::{Funding, FundingScheme, Region};
use crate::db::models::{AllocationRow, FundingRow, RegionRow};
use crate::db::schema::*;
use crate::money::split_by_shares;
use crate::vocab::RegionScheme;

/// Funding totals per region at one level.
#[derive(SimpleObject)]
pub struct FundingByRegion {
    /// The level totalled per.
    pub level: RegionScheme,
    /// Every region at the level, ordered by name, with its totals (zero where nothing is allocated).
    pub regions: Vec<RegionFundingTotal>,
    /// Fundings the sources do not split over regions (no allocations, or regions without shares).
    pub unallocated: UnallocatedFunding,
    /// Allocated parts whose region has no ancestor at this level (e.g. a landsdeel-wide amount when
    /// totalling per province).
    pub outside_level: OutsideLevel,
    /// All matching fundings together: the sum of the regions, `unallocated` and `outsideLevel`.
    pub grand_total: Money,
}

/// One region's totals.
#[derive(SimpleObject)]
pub struct RegionFundingTotal {
    /// The region.
    pub region: Region,
    /// The sum of the shares allocated to it and its formal descendants.
    pub total_awarded: Money,
    /// How many fundings contribute.
    pub funding_count: i32,
    /// The same total per funding scheme.
    pub by_scheme: Vec<SchemeTotal>,
}

/// A total within one scheme (or without one).
pub struct SchemeTotal {
    scheme_id: Option<i64>,
    cents: i64,
    count: i32,
}

/// A total within one scheme (or without one).
#[Object]
impl SchemeTotal {
    /// The scheme; null for fundings given outside a scheme by a named funder.
    async fn scheme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FundingScheme>> {
        let Some(id) = self.scheme_id else { return Ok(None) };
        Ok(load_one(ctx, SchemeById(id)).await?.map(FundingScheme))
    }

    /// The sum.
    async fn total_awarded(&self) -> Money {
        Money::eur(self.cents)
    }

    /// How many fundings contribute.
    async fn funding_count(&self) -> i32 {
        self.count
    }
}

/// Fundings not split over regions by the sources.
#[derive(SimpleObject)]
pub struct UnallocatedFunding {
    /// Their sum.
    pub total_awarded: Money,
    /// How many.
    pub funding_count: i32,
    /// The first 100 of them by key (their `allocations` name the regions, without shares);
    /// `fundingCount` counts all. Use `fundings(filter:)` to page through every one.
    pub fundings: Vec<Funding>,
}

/// Allocated parts that have no region at the asked level.
#[derive(SimpleObject)]
pub struct OutsideLevel {
    /// Their sum.
    pub total_awarded: Money,
    /// How many fundings contribute.
    pub funding_count: i32,
}

#[derive(Default)]
struct Acc {
    cents: i64,
    fundings: HashSet<i64>,
    by_scheme: BTreeMap<Option<i64>, (i64, HashSet<i64>)>,
}

/// Computes the report with three statements: regions, matching fundings, their allocations.
pub async fn funding_by_region(
    ctx: &Context<'_>,
    level: RegionScheme,
    filter: FundingFilter,
) -> async_graphql::Result<FundingByRegion> {
    let (regions, fundings, allocations) = db(ctx)?
        .run(move |c| {
            let regions: Vec<RegionRow> = region::table.order((region::sort_key.asc(), region::id.asc())).load(c)?;
            let fundings: Vec<FundingRow> = filter.query(c)?.order(funding::id.asc()).load(c)?;
            let ids: Vec<i64> = fundings.iter().map(|f| f.id).collect();
            let mut allocations: Vec<AllocationRow> = Vec::new();
            for chunk in ids.chunks(10_000) {
                allocations.extend(
                    region_allocation::table
                        .filter(region_allocation::funding_id.eq_any(chunk))
                        .order(region_allocation::id.asc())
                        .select(AllocationRow::as_select())
                        .load(c)?,
                );
            }
            Ok((regions, fundings, allocations))
        })
        .await
        .extend()?;

    let by_id: HashMap<i64, &RegionRow> = regions.iter().map(|r| (r.id, r)).collect();
    let level_of = |mut id: i64| -> Option<i64> {
        for _ in 0..32 {
            let r = by_id.get(&id)?;
            if r.scheme == level.as_str() {
                return Some(r.id);
            }
            id = r.parent_id?;
        }
        None
    };
    let mut allocs: HashMap<i64, Vec<&AllocationRow>> = HashMap::new();
    for a in &allocations {
        allocs.entry(a.funding_id).or_default().push(a);
    }

    let mut acc: HashMap<i64, Acc> = HashMap::new();
    let (mut grand, mut outside_cents) = (0i64, 0i64);
    let mut outside_fundings = HashSet::new();
    let mut unallocated = Vec::new();
    let mut unallocated_cents = 0i64;
    for f in &fundings {
        grand = grand.saturating_add(f.amount_cents);
        let list = allocs.get(&f.id).map(Vec::as_slice).unwrap_or_default();
        let shares: Option<Vec<i32>> = list.iter().map(|a| a.share_basis_points).collect();
        let Some(shares) = shares.filter(|s| !s.is_empty()) else {
            unallocated_cents = unallocated_cents.saturating_add(f.amount_cents);
            unallocated.push(Funding(f.clone()));
            continue;
        };
        for (a, part) in list.iter().zip(split_by_shares(f.amount_cents, &shares)) {
            match level_of(a.region_id) {
                Some(region) => {
                    let e = acc.entry(region).or_default();
                    e.cents = e.cents.saturating_add(part);
                    e.fundings.insert(f.id);
                    let s = e.by_scheme.entry(f.scheme_id).or_default();
                    s.0 = s.0.saturating_add(part);
                    s.1.insert(f.id);
                }
                None => {
                    outside_cents = outside_cents.saturating_add(part);
                    outside_fundings.insert(f.id);
                }
            }
        }
    }

    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let rows = regions
        .iter()
        .filter(|r| r.scheme == level.as_str())
        .map(|r| {
            let a = acc.remove(&r.id).unwrap_or_default();
            RegionFundingTotal {
                region: Region(r.clone()),
                total_awarded: Money::eur(a.cents),
                funding_count: count(a.fundings.len()),
                by_scheme: a
                    .by_scheme
                    .into_iter()
                    .map(|(scheme_id, (cents, ids))| SchemeTotal { scheme_id, cents, count: count(ids.len()) })
                    .collect(),
            }
        })
        .collect();
    Ok(FundingByRegion {
        level,
        regions: rows,
        unallocated: UnallocatedFunding {
            total_awarded: Money::eur(unallocated_cents),
            funding_count: count(unallocated.len()),
            fundings: {
                unallocated.sort_by(|a, b| a.0.sort_key.cmp(&b.0.sort_key).then(a.0.id.cmp(&b.0.id)));
                unallocated.truncate(100);
                unallocated
            },
        },
        outside_level: OutsideLevel {
            total_awarded: Money::eur(outside_cents),
            funding_count: count(outside_fundings.len()),
        },
        grand_total: Money::eur(grand),
    })
}
