//! The cross-table, its rows and its cells.

use std::sync::Arc;

use async_graphql::Object;

use super::{FundingFigures, FundingMatrixColumn};
use crate::graphql::types::common::Money;
use crate::graphql::types::Region;
use crate::read::matrix::{self, Column, Figures};
use crate::vocab::{FundingDimension, FundingMeasure, Placement, RegionScheme};

/// One cell of a funding cross-table: a row's fundings that fall in one column.
pub struct FundingMatrixCell {
    column: Arc<Column>,
    figures: FundingFigures,
}

/// One cell of a funding cross-table: a row's fundings that fall in one column.
#[Object]
impl FundingMatrixCell {
    /// The column this cell is in (the same as `FundingMatrix.columns` at this position).
    async fn column(&self) -> FundingMatrixColumn {
        FundingMatrixColumn((*self.column).clone())
    }

    /// (Flattened: `amount`, `fundingCount`, `programmeCount`, `withoutCoFinancingCount`.)
    #[graphql(flatten)]
    async fn figures(&self) -> FundingFigures {
        self.figures.clone()
    }
}

/// One row of a funding cross-table: a region at the level, or one of the level's buckets.
pub struct FundingMatrixRow {
    row: matrix::MatrixRow,
    columns: Arc<Vec<Arc<Column>>>,
    measure: FundingMeasure,
}

/// One row of a funding cross-table: a region at the level, or one of the level's buckets.
#[Object]
impl FundingMatrixRow {
    /// The region; null for the `unsplit`, `outsideLevel` and `unallocated` rows.
    async fn region(&self) -> Option<Region> {
        self.row.region.clone().map(Region)
    }

    /// The row's own total, each funding once: the same as `fundingByRegion`'s for the region. With
    /// `TARGET_GROUP` columns a funding counts in each target group of its programme, so the cells
    /// may add up to more than this total; with the other dimensions they add up to it.
    async fn total(&self) -> FundingFigures {
        FundingFigures::new(self.row.total, self.measure)
    }

    /// One cell per column of `FundingMatrix.columns`, in the same order (zero where nothing falls).
    async fn cells(&self) -> Vec<FundingMatrixCell> {
        let figures = self.row.cells.iter().map(|f| FundingFigures::new(*f, self.measure));
        figures.zip(self.columns.iter()).map(|(figures, c)| FundingMatrixCell { column: c.clone(), figures }).collect()
    }
}

/// A funding cross-table: rows per region at one level (with the level's `unsplit`,
/// `outsideLevel` and `unallocated` amounts as rows of their own, as in `fundingByRegion`), columns
/// per scheme, funding year, programme kind or target group.
pub struct FundingMatrix {
    level: RegionScheme,
    dimension: FundingDimension,
    measure: FundingMeasure,
    placement: Placement,
    columns: Arc<Vec<Arc<Column>>>,
    matrix: matrix::Matrix,
}

impl FundingMatrix {
    /// The cross-table `matrix` answers, shown in `measure`.
    pub(super) fn new(
        level: RegionScheme,
        dimension: FundingDimension,
        measure: FundingMeasure,
        placement: Placement,
        matrix: matrix::Matrix,
    ) -> Self {
        let columns = Arc::new(matrix.columns.iter().cloned().map(Arc::new).collect());
        Self { level, dimension, measure, placement, columns, matrix }
    }

    fn row(&self, row: &matrix::MatrixRow) -> FundingMatrixRow {
        FundingMatrixRow { row: row.clone(), columns: self.columns.clone(), measure: self.measure }
    }
}

/// A funding cross-table: rows per region at one level (with the level's `unsplit`,
/// `outsideLevel` and `unallocated` amounts as rows of their own, as in `fundingByRegion`), columns
/// per scheme, funding year, programme kind or target group.
#[Object]
impl FundingMatrix {
    /// The level of the rows.
    async fn level(&self) -> RegionScheme {
        self.level
    }

    /// What the columns are.
    async fn dimension(&self) -> FundingDimension {
        self.dimension
    }

    /// What the amounts sum.
    async fn measure(&self) -> FundingMeasure {
        self.measure
    }

    /// Which placements count.
    async fn placement(&self) -> Placement {
        self.placement
    }

    /// The columns in order: schemes by name then the fundings outside a scheme; every year from
    /// the first to the last with a funding then `yearUnknown`; every programme kind or target group
    /// of the vocabulary, then `NO_TARGET_GROUP` and `NO_PROGRAMME` where any funding falls there.
    async fn columns(&self) -> Vec<FundingMatrixColumn> {
        self.columns.iter().map(|c| FundingMatrixColumn((**c).clone())).collect()
    }

    /// Every region at the level, ordered by name (zero where nothing is placed).
    async fn regions(&self) -> Vec<FundingMatrixRow> {
        self.matrix.regions.iter().map(|r| self.row(r)).collect()
    }

    /// Fundings whose named regions fall in more than one region at the level.
    async fn unsplit(&self) -> FundingMatrixRow {
        self.row(&self.matrix.unsplit)
    }

    /// Amounts placed in a region without an ancestor-or-self at the level.
    async fn outside_level(&self) -> FundingMatrixRow {
        self.row(&self.matrix.outside_level)
    }

    /// Fundings with nothing to place them by (under `STATED`, also those placed only through
    /// their programme).
    async fn unallocated(&self) -> FundingMatrixRow {
        self.row(&self.matrix.unallocated)
    }

    /// All matching fundings together: the sum of every row's total (`regions`, `unsplit`,
    /// `outsideLevel`, `unallocated`), the same as `fundingByRegion.grandTotal` for `AWARDED`.
    async fn grand_total(&self) -> Money {
        let m = &self.matrix;
        let rows = m.regions.iter().chain([&m.unsplit, &m.outside_level, &m.unallocated]);
        let sum = rows.fold(Figures::default(), |mut s, r| {
            s.cents = s.cents.saturating_add(r.total.cents);
            s.co_financing_cents = s.co_financing_cents.saturating_add(r.total.co_financing_cents);
            s
        });
        FundingFigures::new(sum, self.measure).amount
    }
}
