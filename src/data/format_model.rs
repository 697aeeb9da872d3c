//! The data file's records of the pact's model (`data/FORMAT.md` "relations", "events", "people",
//! "items", "statements"). A record is named as an observation's subject is: `"programme:<slug>"`,
//! `"organisation:<slug>"` or `"scheme:<CODE>"`.

use serde::{Deserialize, Serialize};

use super::format::Period;

/// `subject` stands to `object` as `kind` says: `"programme:jetnet-junior" PART_OF "programme:jet-net-technet"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Relation {
    pub kind: String,
    pub subject: String,
    pub object: String,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

impl Relation {
    /// The stable key: subject, kind and object.
    pub fn natural_key(&self) -> String {
        format!("{}|{}|{}", self.subject, self.kind, self.object)
    }
}

/// Something that happened on a date (`"2014-04-23"`, `"2014-05"` or `"2014"`), tied to records.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    /// A stable slug.
    pub key: String,
    pub kind: String,
    pub date: String,
    /// The records it concerns (at least one).
    pub records: Vec<String>,
    /// What happened, in our own words (Dutch).
    pub description: String,
    pub sources: Vec<String>,
}

/// A person the documents name in a public role: the name as written, nothing else about them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Person {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub roles: Vec<Role>,
    pub sources: Vec<String>,
}

/// A public role: a title, in an organisation or a programme (either, or neither where the
/// documents name none), for a period where a source says.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Role {
    pub title: String,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub programme: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
    pub sources: Vec<String>,
}

/// One item of a list inside a record; its position is its place among the record's items of the
/// same kind in the file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Item {
    pub record: String,
    pub kind: String,
    pub label: String,
    /// The closed-vocabulary value for `TOPSECTOR` (a `Topsector`), `SCHOOL_TYPE` (a `SchoolLevel`)
    /// and `TARGET_GROUP` (a `TargetGroup`) items.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

impl Item {
    /// The stable key: record, kind and label.
    pub fn natural_key(&self) -> String {
        format!("{}|{}|{}", self.record, self.kind, self.label)
    }
}

/// What a document says ought to be, is the matter, works or is planned: a summary in our own words
/// anchored by a phrase the cited lines write.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statement {
    /// A stable slug.
    pub key: String,
    pub kind: String,
    /// In our own words (Dutch).
    pub summary: String,
    /// 2 to 12 words exactly as the cited lines write them.
    pub phrase: String,
    /// The heading it stands under, as written.
    #[serde(default)]
    pub topic: Option<String>,
    /// When it is meant to happen or be reached (`"2014-08"`), as precise as the source.
    #[serde(default)]
    pub date: Option<String>,
    /// The records it is about.
    #[serde(default)]
    pub records: Vec<String>,
    /// Who states it, where the document names them.
    #[serde(default)]
    pub stated_by: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<String>,
}
