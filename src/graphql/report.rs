//! `fundingByRegion`: totals per region at one level, with nothing counted twice. The rules and the
//! computation are the read layer's (`crate::read::report`); this is its GraphQL shape.

use async_graphql::{Context, Object, SimpleObject};

use super::context::{db, load_one};
use super::filters::FundingFilter;
use super::loaders::SchemeById;
use super::types::common::Money;
use super::types::{Funding, FundingScheme, Region};
use crate::read::report::{funding_per_region, Total};
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
    total: Total,
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
        Money::eur(self.total.cents)
    }

    /// How many fundings contribute.
    async fn funding_count(&self) -> i32 {
        self.total.funding_count
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

/// Computes the report.
pub async fn funding_by_region(
    ctx: &Context<'_>,
    level: RegionScheme,
    filter: FundingFilter,
) -> async_graphql::Result<FundingByRegion> {
    let query = filter.to_query()?;
    let report = db(ctx)?.run(move |c| funding_per_region(c, level, &query)).await?;
    let regions = report
        .regions
        .into_iter()
        .map(|r| RegionFundingTotal {
            region: Region(r.region),
            total_awarded: Money::eur(r.total.cents),
            funding_count: r.total.funding_count,
            by_scheme: r.by_scheme.into_iter().map(|(scheme_id, total)| SchemeTotal { scheme_id, total }).collect(),
        })
        .collect();
    Ok(FundingByRegion {
        level,
        regions,
        unallocated: UnallocatedFunding {
            total_awarded: Money::eur(report.unallocated.cents),
            funding_count: report.unallocated.funding_count,
            fundings: report.unallocated_listed.into_iter().map(Funding).collect(),
        },
        outside_level: OutsideLevel {
            total_awarded: Money::eur(report.outside_level.cents),
            funding_count: report.outside_level.funding_count,
        },
        grand_total: Money::eur(report.grand_total_cents),
    })
}
