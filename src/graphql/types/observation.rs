//! `Observation` (a dated figure) and `PactGoal` (a goal or theme of the pact).

use async_graphql::{Context, Object};

use super::common::{Decimal, PartialDate};
use super::record::Sourced;
use super::Programme;
use crate::db::models::{GoalRow, ObservationRow};
use crate::graphql::context::load_list;
use crate::graphql::loaders::{ObservationsOf, ProgrammesOfGoal};
use crate::ids::RecordKind;
use crate::vocab::{AmountQualifier, GoalKind, ObservationUnit};

/// A figure a report gives about a subject at a moment: a count, a percentage or an amount. The
/// same metric at different moments is kept as separate observations, never overwritten.
#[derive(Clone)]
pub struct Observation(pub ObservationRow);

/// A figure a report gives about a subject at a moment: a count, a percentage or an amount. The
/// same metric at different moments is kept as separate observations, never overwritten.
#[Object]
impl Observation {
    /// What is measured, in snake_case, e.g. `participating_schools`, `applications`.
    async fn metric(&self) -> &str {
        &self.0.metric
    }

    /// The value, exact, as a decimal string (e.g. `"129"`, `"55.5"`).
    async fn value(&self) -> Decimal {
        Decimal(self.0.value.clone())
    }

    /// What the value counts; `EUR` values are euros, `PERCENT` values 0–100.
    async fn unit(&self) -> Option<ObservationUnit> {
        ObservationUnit::parse(&self.0.unit)
    }

    /// How exact the source's figure is ("ruim 2.000" is `AT_LEAST`); null where the source leaves it open.
    async fn qualifier(&self) -> Option<AmountQualifier> {
        self.0.qualifier.as_deref().and_then(AmountQualifier::parse)
    }

    /// The moment the figure describes, where the source says.
    async fn date(&self) -> Option<PartialDate> {
        PartialDate::from_db(self.0.observed_on, self.0.observed_precision.as_deref())
    }

    /// The year of the report that gives the figure.
    async fn report_year(&self) -> Option<i32> {
        self.0.report_year
    }

    /// A remark, e.g. what exactly is counted.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Observation, self.0.id)
    }
}

/// `observations(metric:)` of one subject (its kind as stored, its row id).
pub struct Observed(pub RecordKind, pub i64);

#[Object]
impl Observed {
    /// Dated figures the reports give about this record (optionally one metric), oldest report first.
    #[graphql(complexity = "20 * child_complexity")]
    async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this metric, e.g. `participating_schools`.")] metric: Option<String>,
    ) -> async_graphql::Result<Vec<Observation>> {
        observations_of(ctx, self.0, self.1, metric).await
    }
}

/// The observations of a subject, optionally of one metric.
pub(crate) async fn observations_of(
    ctx: &Context<'_>,
    subject_type: RecordKind,
    id: impl Into<i64>,
    metric: Option<String>,
) -> async_graphql::Result<Vec<Observation>> {
    let rows = load_list(ctx, ObservationsOf(subject_type, id.into())).await?;
    Ok(rows.into_iter().filter(|r| metric.as_deref().is_none_or(|m| r.metric == m)).map(Observation).collect())
}

/// A goal (2017 report) or main theme (2019 report) of the pact.
#[derive(Clone)]
pub struct PactGoal(pub GoalRow);

/// A goal (2017 report) or main theme (2019 report) of the pact.
#[Object]
impl PactGoal {
    /// A stable code, e.g. `GOAL-2017-01`, `THEME-2019-2`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Goal or theme.
    async fn kind(&self) -> Option<GoalKind> {
        GoalKind::parse(&self.0.kind)
    }

    /// The name as the report gives it (Dutch).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// A short summary in our own words (Dutch).
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The year of the report.
    async fn report_year(&self) -> Option<i32> {
        self.0.report_year
    }

    /// The programmes the report presents under this goal or theme.
    #[graphql(complexity = "20 * child_complexity")]
    async fn programmes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Programme>> {
        Ok(load_list(ctx, ProgrammesOfGoal(self.0.id)).await?.into_iter().map(Programme).collect())
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::PactGoal, self.0.id)
    }
}
