//! `fundingMatrix` (regions at one level × schemes, years, programme kinds or target groups) and
//! `fundingTimeline` (per funding year): the GraphQL shape of `crate::read::matrix`, which the
//! database computes by the placement rules of `fundingByRegion`.

use async_graphql::{Context, Object, SimpleObject};

use super::context::db;
use super::filters::FundingFilter;
use super::report::{count, report_turn};
use super::types::common::Money;
use super::types::{FundingScheme, Region};
use crate::ids::{encode_id, NodeType};
use crate::read::matrix::{self, Column, Figures, TargetColumn};
use crate::vocab::{FundingDimension, FundingMeasure, Placement, ProgrammeKind, RegionScheme, TargetGroup};

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

/// A column of a funding cross-table: one scheme, year, programme kind or target group, or the
/// fundings without one.
pub struct FundingMatrixColumn(Column);

/// Labels (Dutch, English) of the columns without a value of their dimension.
const NO_SCHEME: (&str, &str) = ("Geen regeling (genoemde financier)", super::report::NO_SCHEME_LABEL);
const NO_YEAR: (&str, &str) = ("Jaar onbekend", "Year unknown");
const NO_PROGRAMME: (&str, &str) = ("Geen programma", "No programme");
const NO_TARGET_GROUP: (&str, &str) = ("Geen doelgroep vermeld", "No target group stated");

fn vocab_labels<T: PartialEq + Copy>(all: &[(T, &'static str, &'static str, &'static str)], v: T) -> (String, String) {
    all.iter().find(|t| t.0 == v).map_or_else(Default::default, |t| (t.2.to_owned(), t.3.to_owned()))
}

impl FundingMatrixColumn {
    fn labels(&self) -> (String, String) {
        let own = |(nl, en): (&str, &str)| (nl.to_owned(), en.to_owned());
        match &self.0 {
            Column::Scheme(Some(s)) => (s.display_name.clone(), s.name.clone()),
            Column::Scheme(None) => own(NO_SCHEME),
            Column::Year(Some(y)) => (y.to_string(), y.to_string()),
            Column::Year(None) => own(NO_YEAR),
            Column::ProgrammeKind(Some(k)) => vocab_labels(ProgrammeKind::ALL, *k),
            Column::ProgrammeKind(None) | Column::TargetGroup(TargetColumn::NoProgramme) => own(NO_PROGRAMME),
            Column::TargetGroup(TargetColumn::Group(g)) => vocab_labels(TargetGroup::ALL, *g),
            Column::TargetGroup(TargetColumn::NoTargetGroup) => own(NO_TARGET_GROUP),
        }
    }
}

/// A column of a funding cross-table: one scheme, year, programme kind or target group, or the
/// fundings without one.
#[Object]
impl FundingMatrixColumn {
    /// What the table's columns are.
    async fn dimension(&self) -> FundingDimension {
        match self.0 {
            Column::Scheme(_) => FundingDimension::Scheme,
            Column::Year(_) => FundingDimension::Year,
            Column::ProgrammeKind(_) => FundingDimension::ProgrammeKind,
            Column::TargetGroup(_) => FundingDimension::TargetGroup,
        }
    }

    /// A stable key for the column: the scheme's ID, the year (`"2019"`), the programme kind or
    /// target group value, or `NO_SCHEME`, `YEAR_UNKNOWN`, `NO_PROGRAMME`, `NO_TARGET_GROUP`.
    async fn key(&self) -> String {
        match &self.0 {
            Column::Scheme(Some(s)) => encode_id(NodeType::FundingScheme, s.id).to_string(),
            Column::Scheme(None) => "NO_SCHEME".to_owned(),
            Column::Year(Some(y)) => y.to_string(),
            Column::Year(None) => "YEAR_UNKNOWN".to_owned(),
            Column::ProgrammeKind(Some(k)) => k.as_str().to_owned(),
            Column::ProgrammeKind(None) | Column::TargetGroup(TargetColumn::NoProgramme) => "NO_PROGRAMME".to_owned(),
            Column::TargetGroup(TargetColumn::Group(g)) => g.as_str().to_owned(),
            Column::TargetGroup(TargetColumn::NoTargetGroup) => "NO_TARGET_GROUP".to_owned(),
        }
    }

    /// What to show, in Dutch: the scheme's display name (as in `vocabulary`), the year, the
    /// vocabulary's Dutch label, or e.g. "Geen programma".
    async fn label_nl(&self) -> String {
        self.labels().0
    }

    /// What to show, in English.
    async fn label_en(&self) -> String {
        self.labels().1
    }

    /// The scheme (`SCHEME` columns); null for fundings given outside a scheme by a named funder.
    async fn scheme(&self) -> Option<FundingScheme> {
        match &self.0 {
            Column::Scheme(s) => s.clone().map(FundingScheme),
            _ => None,
        }
    }

    /// The funding year (`YEAR` columns): the award year, else the period's start year; null for
    /// the fundings whose year is unknown (`yearUnknown`).
    async fn year(&self) -> Option<i32> {
        match self.0 {
            Column::Year(y) => y,
            _ => None,
        }
    }

    /// True for the `YEAR` column of fundings with neither an award date nor a period start.
    async fn year_unknown(&self) -> bool {
        matches!(self.0, Column::Year(None))
    }

    /// The programme kind (`PROGRAMME_KIND` columns); null for fundings without a programme.
    async fn programme_kind(&self) -> Option<ProgrammeKind> {
        match self.0 {
            Column::ProgrammeKind(k) => k,
            _ => None,
        }
    }

    /// The target group (`TARGET_GROUP` columns); null for fundings without a programme or whose
    /// programme states none.
    async fn target_group(&self) -> Option<TargetGroup> {
        match self.0 {
            Column::TargetGroup(TargetColumn::Group(g)) => Some(g),
            _ => None,
        }
    }

    /// True for the column of fundings without a programme (`PROGRAMME_KIND`, `TARGET_GROUP`).
    async fn no_programme(&self) -> bool {
        matches!(self.0, Column::ProgrammeKind(None) | Column::TargetGroup(TargetColumn::NoProgramme))
    }
}

/// One cell of a funding cross-table: a row's fundings that fall in one column.
pub struct FundingMatrixCell {
    column: std::sync::Arc<Column>,
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
    columns: std::sync::Arc<Vec<std::sync::Arc<Column>>>,
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
    columns: std::sync::Arc<Vec<std::sync::Arc<Column>>>,
    matrix: matrix::Matrix,
}

impl FundingMatrix {
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

/// One funding year of a timeline.
pub struct FundingYear {
    year: Option<i32>,
    figures: FundingFigures,
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
    /// totals it keeps when the filter names only schemes, the columns are `SCHEME` or `YEAR` and
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
        let column_list = m.columns.iter().cloned().map(std::sync::Arc::new).collect();
        Ok(FundingMatrix {
            level: rows,
            dimension: columns,
            measure,
            placement,
            columns: std::sync::Arc::new(column_list),
            matrix: m,
        })
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
        let t = db(ctx)?.run(move |c| matrix::timeline(c, &query, placement, programmes)).await?;
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
