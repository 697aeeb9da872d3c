//! The data file's shape (`data/pact.json`, described in `data/FORMAT.md`), read with serde.
//! Unknown fields are refused so a typo in the file is an error, not silently dropped data.

use serde::{Deserialize, Serialize};

/// The whole data set.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataSet {
    /// Raised whenever the file changes; the service reloads when it is newer than what it loaded.
    pub data_version: i64,
    /// The source documents cited (file names in `../shared/seeds/`).
    pub documents: Vec<Document>,
    pub regions: Vec<Region>,
    pub organisations: Vec<Organisation>,
    pub programmes: Vec<Programme>,
    pub funding_schemes: Vec<FundingScheme>,
    #[serde(default)]
    pub fundings: Vec<Funding>,
    /// Dated figures (counts, percentages, amounts) the reports give.
    #[serde(default)]
    pub observations: Vec<Observation>,
    /// The pact's goals (2017 report) and themes (2019 report).
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Relations between records (`format_model.rs`).
    #[serde(default)]
    pub relations: Vec<super::format_model::Relation>,
    /// Dated events tied to records.
    #[serde(default)]
    pub events: Vec<super::format_model::Event>,
    /// People the documents name in public roles.
    #[serde(default)]
    pub people: Vec<super::format_model::Person>,
    /// Items listed inside records (topsectors, pillars, scheme conditions…).
    #[serde(default)]
    pub items: Vec<super::format_model::Item>,
    /// Findings, recommendations, aims, success factors and plans the documents state.
    #[serde(default)]
    pub statements: Vec<super::format_model::Statement>,
}

/// A dated figure about a subject: `"programme:<slug>"`, `"organisation:<slug>"`, `"scheme:<CODE>"`,
/// `"region:<SCHEME>:<CODE>"` or `"pact"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Observation {
    pub subject: String,
    pub metric: String,
    pub value: String,
    pub unit: String,
    #[serde(default)]
    pub qualifier: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub report_year: Option<i32>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

impl Observation {
    /// The stable key: subject, metric and the moment it describes.
    pub fn natural_key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.subject,
            self.metric,
            self.date.as_deref().unwrap_or("-"),
            self.report_year.map_or_else(|| "-".to_owned(), |y| y.to_string())
        )
    }
}

/// A goal or theme of the pact, with the programmes a report places under it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Goal {
    pub code: String,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub report_year: Option<i32>,
    #[serde(default)]
    pub programmes: Vec<String>,
    pub sources: Vec<String>,
}

/// A source document.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Document {
    pub file: String,
    pub title: String,
    #[serde(default)]
    pub year: Option<i32>,
}

/// `{ "start": "2014", "end": "2020" }`, either end optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Region {
    pub scheme: String,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub identifiers: Vec<String>,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub associated: Vec<String>,
    #[serde(default)]
    pub same_as: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organisation {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub short_name: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub school_level: Option<String>,
    #[serde(default)]
    pub identifiers: Vec<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub home_regions: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What the organisation is, in our own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Status {
    pub value: String,
    #[serde(default)]
    pub report_year: Option<i32>,
    #[serde(default)]
    pub source: Option<String>,
    /// True when the report does not state this status and the data's authors derived it; the
    /// reasoning is then in `note` (required).
    #[serde(default)]
    pub inferred: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participant {
    pub organisation: String,
    pub role: String,
    /// When the organisation took part, where a source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Programme {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub target_groups: Vec<String>,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BudgetLine {
    #[serde(default)]
    pub period: Option<Period>,
    pub amount: String,
    #[serde(default)]
    pub qualifier: Option<String>,
    #[serde(default)]
    pub basis: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FundingScheme {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub funder: Option<String>,
    #[serde(default)]
    pub administrator: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What the scheme is and pays for, in our own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub budget_lines: Vec<BudgetLine>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Allocation {
    pub region: String,
    #[serde(default)]
    pub share_basis_points: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Funding {
    pub key: String,
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default)]
    pub funder: Option<String>,
    #[serde(default)]
    pub programme: Option<String>,
    #[serde(default)]
    pub recipient: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub award_date: Option<String>,
    pub amount_awarded: String,
    #[serde(default)]
    pub co_financing: Option<String>,
    #[serde(default)]
    pub qualifier: Option<String>,
    #[serde(default)]
    pub basis: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub allocations: Vec<Allocation>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// A parsed source locator: `"001_a9afeef750dbdd18.txt#L180-L182"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    pub document: String,
    pub line_start: i32,
    pub line_end: i32,
}

impl SourceRef {
    /// Parses `FILE#L<a>-L<b>` or `FILE#L<a>`.
    ///
    /// # Errors
    /// A message quoting the text when it has another form or the range is reversed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("source {text:?} is not of the form FILE#L12-L14");
        let (document, range) = text.split_once("#L").ok_or_else(bad)?;
        let (a, b) = range.split_once("-L").unwrap_or((range, range));
        let line_start: i32 = a.parse().map_err(|_| bad())?;
        let line_end: i32 = b.parse().map_err(|_| bad())?;
        if document.is_empty() || line_start < 1 || line_end < line_start {
            return Err(bad());
        }
        Ok(Self { document: document.to_owned(), line_start, line_end })
    }
}
