//! A timeline: per funding year.

use async_graphql::{Object, SimpleObject};

use super::FundingFigures;
use crate::vocab::{FundingMeasure, Placement};

/// One funding year of a timeline.
pub struct FundingYear {
    pub(super) year: Option<i32>,
    pub(super) figures: FundingFigures,
}

/// One funding year of a timeline.
#[Object]
impl FundingYear {
    /// The funding year: the award year, else the period's start year; null for the fundings whose
    /// year is unknown (`yearUnknown`).
    async fn year(&self) -> Option<i32> {
        self.year
    }

    /// True for the entry of fundings with neither an award date nor a period start.
    async fn year_unknown(&self) -> bool {
        self.year.is_none()
    }

    /// (Flattened: `amount`, `fundingCount`, `programmeCount`, `withoutCoFinancingCount`.)
    #[graphql(flatten)]
    async fn figures(&self) -> FundingFigures {
        self.figures.clone()
    }
}

/// Funding per funding year.
#[derive(SimpleObject)]
pub struct FundingTimeline {
    /// What the amounts sum.
    pub measure: FundingMeasure,
    /// Which placements the filter's `region` counts (unless `filter.placement` says).
    pub placement: Placement,
    /// Every year from the first to the last with a matching funding (years between without one
    /// show zero), then the fundings whose year is unknown, if any. Each funding counts in one year,
    /// so the years add up to `total` (programme counts excepted: a programme funded in several
    /// years counts in each).
    pub years: Vec<FundingYear>,
    /// All matching fundings together.
    pub total: FundingFigures,
}
