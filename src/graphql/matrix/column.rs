//! A column of a funding cross-table: what it is and its labels.

use async_graphql::Object;

use crate::graphql::types::FundingScheme;
use crate::ids::{encode_id, NodeType};
use crate::read::matrix::{Column, TargetColumn};
use crate::vocab::{FundingDimension, ProgrammeKind, TargetGroup};

/// A column of a funding cross-table: one scheme, year, programme kind or target group, or the
/// fundings without one.
pub struct FundingMatrixColumn(pub(super) Column);

/// Labels (Dutch, English) of the columns without a value of their dimension.
const NO_SCHEME: (&str, &str) = ("Geen regeling (genoemde financier)", crate::graphql::report::NO_SCHEME_LABEL);
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
            Column::Scheme(s) => s.clone().map(|s| FundingScheme(*s)),
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
