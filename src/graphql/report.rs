//! `fundingByRegion`: totals per region at one level, with nothing counted twice. The rules are the
//! placement's (`crate::write::placement`), the reading the read layer's (`crate::read::report`);
//! this is its GraphQL shape. The listed fundings are read only when selected.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};

use super::context::{db, load_one};
use super::filters::FundingFilter;
use super::loaders::SchemeById;
use super::types::common::Money;
use super::types::{Funding, FundingScheme, Region};
use crate::error::AppError;
use crate::read::fundings::FundingQuery;
use crate::read::report::{self, funding_per_region, Total};
use crate::vocab::{Bucket, Placement, RegionScheme};

/// How many reports one instance computes at once; more wait their turn (without a thread), so
/// that callers of look-ups beside a flood of reports still find the processor and the database.
pub const REPORTS_AT_ONCE: usize = 2;

fn report_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(REPORTS_AT_ONCE))
}

/// Waits for this report's turn (one of [`REPORTS_AT_ONCE`]); the turn ends when the permit drops.
pub(super) async fn report_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    report_permits().acquire().await.map_err(|_| AppError::internal("report permits closed"))
}

/// The label of the fundings given outside a scheme in `byScheme`.
pub const NO_SCHEME_LABEL: &str = "No scheme (named funder)";

/// What a report was asked, for reading its listed fundings.
struct Asked {
    level: RegionScheme,
    query: FundingQuery,
    placement: Placement,
}

pub(super) fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A sum and how many fundings contribute to it.
#[derive(SimpleObject)]
pub struct FundingTotal {
    /// The sum.
    pub total_awarded: Money,
    /// How many fundings contribute (a funding split over several regions counts in each).
    pub funding_count: i32,
}

impl From<Total> for FundingTotal {
    fn from(t: Total) -> Self {
        Self { total_awarded: Money::eur(t.cents), funding_count: count(t.funding_count) }
    }
}

/// Funding totals per region at one level.
pub struct FundingByRegion {
    asked: Arc<Asked>,
    report: report::FundingPerRegion,
}

/// Funding totals per region at one level.
#[Object]
impl FundingByRegion {
    /// The level totalled per.
    async fn level(&self) -> RegionScheme {
        self.asked.level
    }

    /// Which placements count.
    async fn placement(&self) -> Placement {
        self.asked.placement
    }

    /// Every region at the level, ordered by name, with its totals (zero where nothing is placed).
    async fn regions(&self) -> Vec<RegionFundingTotal> {
        self.report.regions.iter().cloned().map(RegionFundingTotal).collect()
    }

    /// Fundings whose named regions fall in more than one region at this level: counted here
    /// once, with the regions as candidates, never split by guess.
    async fn unsplit(&self) -> Listed {
        Listed { asked: self.asked.clone(), bucket: Bucket::Unsplit, total: self.report.unsplit }
    }

    /// Amounts placed in a region that has no ancestor-or-self at this level (e.g. a landsdeel-wide
    /// amount when totalling per province).
    async fn outside_level(&self) -> FundingTotal {
        self.report.outside_level.into()
    }

    /// Fundings with nothing to place them by: no allocations and no programme regions (under
    /// `STATED`, also those placed only through their programme).
    async fn unallocated(&self) -> Listed {
        Listed { asked: self.asked.clone(), bucket: Bucket::Unallocated, total: self.report.unallocated }
    }

    /// All matching fundings together: the sum of the regions, `unsplit`, `outsideLevel` and
    /// `unallocated`.
    async fn grand_total(&self) -> Money {
        Money::eur(self.report.grand_total.cents)
    }
}

/// One region's totals.
pub struct RegionFundingTotal(report::RegionTotal);

/// One region's totals.
#[Object]
impl RegionFundingTotal {
    /// The region.
    async fn region(&self) -> Region {
        Region(self.0.region.clone())
    }

    /// The sum of what is placed in it (itself and its formal descendants).
    async fn total_awarded(&self) -> Money {
        Money::eur(self.0.total.cents)
    }

    /// How many fundings contribute.
    async fn funding_count(&self) -> i32 {
        count(self.0.total.funding_count)
    }

    /// How many distinct programmes those fundings are for.
    async fn programme_count(&self) -> i32 {
        count(self.0.programme_count)
    }

    /// The part placed only through programmes' regions (the fundings name no region themselves);
    /// zero under `STATED`.
    async fn through_programme(&self) -> FundingTotal {
        self.0.through_programme.into()
    }

    /// The same total per funding year (the award year, else the period's start year), years
    /// ascending, then the fundings whose year is unknown; only years with a funding are listed.
    async fn by_year(&self) -> Vec<YearTotal> {
        self.0.by_year.iter().map(|(year, total)| YearTotal { year: *year, total: (*total).into() }).collect()
    }

    /// The same total per funding scheme, by scheme id; fundings outside a scheme (given by a named
    /// funder) form one row without `scheme`.
    async fn by_scheme(&self) -> Vec<SchemeTotal> {
        self.0.by_scheme.iter().map(|(scheme_id, total)| SchemeTotal { scheme_id: *scheme_id, total: *total }).collect()
    }
}

/// A total within one funding year (or of the fundings whose year is unknown).
#[derive(SimpleObject)]
pub struct YearTotal {
    /// The funding year: the award year, else the period's start year; null when unknown.
    pub year: Option<i32>,
    /// The sum and count.
    #[graphql(flatten)]
    pub total: FundingTotal,
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

    /// What to show: the scheme's name, or "No scheme (named funder)".
    async fn label(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let Some(id) = self.scheme_id else { return Ok(NO_SCHEME_LABEL.to_owned()) };
        Ok(load_one(ctx, SchemeById(id)).await?.map_or_else(|| NO_SCHEME_LABEL.to_owned(), |s| s.name))
    }

    /// The sum.
    async fn total_awarded(&self) -> Money {
        Money::eur(self.total.cents)
    }

    /// How many fundings contribute.
    async fn funding_count(&self) -> i32 {
        count(self.total.funding_count)
    }
}

/// Fundings counted apart from the regions (unsplit or unallocated), with the first of them.
pub struct Listed {
    asked: Arc<Asked>,
    bucket: Bucket,
    total: Total,
}

/// Fundings counted apart from the regions (unsplit or unallocated), with the first of them.
#[Object]
impl Listed {
    /// Their sum.
    async fn total_awarded(&self) -> Money {
        Money::eur(self.total.cents)
    }

    /// How many.
    async fn funding_count(&self) -> i32 {
        count(self.total.funding_count)
    }

    /// The first 100 of them by key, each with the regions at the level it names (empty when
    /// unallocated); `fundingCount` counts all. Use `fundings(filter:)` to page through every one.
    async fn fundings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ListedFunding>> {
        let (asked, bucket) = (self.asked.clone(), self.bucket);
        let listed = db(ctx)?
            .run(move |c| {
                let rows = report::listed(c, asked.level, &asked.query, asked.placement, bucket)?;
                let candidates =
                    if bucket == Bucket::Unsplit { report::candidates(c, asked.level, &rows)? } else { Vec::new() };
                Ok(rows
                    .into_iter()
                    .map(|f| {
                        let regions = candidates.iter().filter(|(id, _)| *id == f.id.0).map(|(_, r)| Region(r.clone()));
                        ListedFunding { candidates: regions.collect(), funding: Funding(f) }
                    })
                    .collect())
            })
            .await?;
        Ok(listed)
    }
}

/// A funding counted apart from the regions.
#[derive(SimpleObject)]
pub struct ListedFunding {
    /// The funding.
    pub funding: Funding,
    /// The distinct regions at the level it names (its allocations, else its programme's regions),
    /// by name: where an unsplit amount may belong. Empty for an unallocated funding.
    pub candidates: Vec<Region>,
}

/// Computes the report.
pub async fn funding_by_region(
    ctx: &Context<'_>,
    level: RegionScheme,
    filter: FundingFilter,
    placement: Placement,
) -> async_graphql::Result<FundingByRegion> {
    let mut query = filter.to_query()?;
    query.placement = filter.placement.unwrap_or(placement);
    let asked = Arc::new(Asked { level, query, placement });
    let for_db = asked.clone();
    let with_programmes = ctx.look_ahead().field("regions").field("programmeCount").exists();
    let with_years = ctx.look_ahead().field("regions").field("byYear").exists();
    let _turn = report_turn().await?;
    let report = db(ctx)?
        .run(move |c| funding_per_region(c, for_db.level, &for_db.query, for_db.placement, with_programmes, with_years))
        .await?;
    Ok(FundingByRegion { asked, report })
}
