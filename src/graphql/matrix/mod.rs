//! `fundingMatrix` (regions at one level × schemes, years, programme kinds or target groups) and
//! `fundingTimeline` (per funding year): the GraphQL shape of `crate::read::matrix`, which the
//! database computes by the placement rules of `fundingByRegion`. `table.rs` has the cross-table's
//! types, `column.rs` its columns, `timeline.rs` the timeline's.

use async_graphql::{Context, Object, SimpleObject};

use super::context::db;
use super::filters::FundingFilter;
use super::report::{count, report_turn};
use super::types::common::Money;
use crate::read::matrix::{self, Figures};
use crate::vocab::{FundingDimension, FundingMeasure, Placement, RegionScheme};

mod column;
mod table;
mod timeline;

pub use column::FundingMatrixColumn;
pub use table::{FundingMatrix, FundingMatrixCell, FundingMatrixRow};
pub use timeline::{FundingTimeline, FundingYear};

/// Sums over a set of fundings, in the measure asked for.
#[derive(SimpleObject, Clone)]
pub struct FundingFigures {
    /// The sum of the measure (`AWARDED`, `CO_FINANCING` or `TOTAL`).
    pub amount: Money,
    /// How many fundings contribute (each once here; a funding split over several regions counts
    /// in each of their rows).
    pub funding_count: i32,
    /// How many distinct programmes those fundings are for.
    pub programme_count: i32,
    /// How many of those fundings state no co-financing figure (counted as 0 in `CO_FINANCING` and
    /// `TOTAL`).
    pub without_co_financing_count: i32,
}

impl FundingFigures {
    fn new(f: Figures, measure: FundingMeasure) -> Self {
        let cents = match measure {
            FundingMeasure::Awarded => f.cents,
            FundingMeasure::CoFinancing => f.co_financing_cents,
            FundingMeasure::Total => f.cents.saturating_add(f.co_financing_cents),
        };
        Self {
            amount: Money::eur(cents),
            funding_count: count(f.funding_count),
            programme_count: count(f.programme_count),
            without_co_financing_count: count(f.without_co_financing),
        }
    }
}

/// Where a matrix's selection may ask for programme counts.
const MATRIX_COUNTS: &[&[&str]] = &[
    &["regions", "cells"],
    &["regions", "total"],
    &["unsplit", "cells"],
    &["unsplit", "total"],
    &["outsideLevel", "cells"],
    &["outsideLevel", "total"],
    &["unallocated", "cells"],
    &["unallocated", "total"],
];

/// True when the selection asks for a programme count anywhere below it.
fn wants_programmes(ctx: &Context<'_>, paths: &[&[&str]]) -> bool {
    paths.iter().any(|path| {
        let mut field = ctx.look_ahead();
        for name in *path {
            field = field.field(name);
        }
        field.field("programmeCount").exists()
    })
}

/// Funding cross-tables and timelines.
#[derive(Default)]
pub struct MatrixQuery;

/// Funding cross-tables and timelines.
#[Object]
impl MatrixQuery {
    /// A funding cross-table: rows per region at one level, by the placement rules of
    /// `fundingByRegion` (so each row's `total` is that report's for the region, and the
    /// `unsplit`, `outsideLevel` and `unallocated` rows complete the grand total), columns per
    /// scheme, funding year, programme kind or target group. Computed by the database: from the
    /// totals it keeps when the filter names only schemes and years, the columns are `SCHEME` or `YEAR` and
    /// no `programmeCount` is asked for; else by grouping the matching fundings' placements. A
    /// report costs at least 5,000 of a request's 50,000.
    #[graphql(complexity = "super::limits::report_cost(child_complexity)")]
    async fn funding_matrix(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region scheme of the rows (LANDSDEEL, PROVINCE, SUBREGION or ARBEIDSMARKTREGIO).")]
        rows: RegionScheme,
        #[graphql(desc = "What the columns are.")] columns: FundingDimension,
        #[graphql(desc = "What the amounts sum (default `AWARDED`).", default_with = "FundingMeasure::Awarded")]
        measure: FundingMeasure,
        #[graphql(desc = "Which fundings to count.")] filter: Option<FundingFilter>,
        #[graphql(
            desc = "Whether amounts placed through a programme's regions count (`STATED_AND_PROGRAMME`) or only where the funding itself is placed (`STATED`: the rest is `unallocated`).",
            default_with = "Placement::StatedAndProgramme"
        )]
        placement: Placement,
    ) -> async_graphql::Result<FundingMatrix> {
        let filter = filter.unwrap_or_default();
        let mut query = filter.to_query()?;
        query.placement = filter.placement.unwrap_or(placement);
        let programmes = wants_programmes(ctx, MATRIX_COUNTS);
        let _turn = report_turn().await?;
        let m = db(ctx)?.run(move |c| matrix::matrix(c, rows, columns, &query, placement, programmes)).await?;
        Ok(FundingMatrix::new(rows, columns, measure, placement, m))
    }

    /// Funding per funding year (the award year, else the period's start year, else unknown) over
    /// the fundings the filter matches, computed by the database. A report costs at least 5,000 of
    /// a request's 50,000.
    #[graphql(complexity = "super::limits::report_cost(child_complexity)")]
    async fn funding_timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which fundings to count.")] filter: Option<FundingFilter>,
        #[graphql(desc = "What the amounts sum (default `AWARDED`).", default_with = "FundingMeasure::Awarded")]
        measure: FundingMeasure,
        #[graphql(
            desc = "Which placements the filter's `region` counts, unless `filter.placement` says (`STATED_AND_PROGRAMME` or `STATED`).",
            default_with = "Placement::StatedAndProgramme"
        )]
        placement: Placement,
    ) -> async_graphql::Result<FundingTimeline> {
        let filter = filter.unwrap_or_default();
        let mut query = filter.to_query()?;
        query.placement = filter.placement.unwrap_or(placement);
        let programmes = wants_programmes(ctx, &[&["years"], &["total"]]);
        let _turn = report_turn().await?;
        let t = db(ctx)?.run(move |c| matrix::timeline(c, &query, programmes)).await?;
        Ok(FundingTimeline {
            measure,
            placement,
            years: t
                .years
                .into_iter()
                .map(|(year, f)| FundingYear { year, figures: FundingFigures::new(f, measure) })
                .collect(),
            total: FundingFigures::new(t.total, measure),
        })
    }
}
