//! The shipped data set: its file format, validation, and the idempotent loader.

pub mod coverage;
pub mod facts;
pub mod format;
pub mod format_model;
pub mod generate;
mod load;
pub mod passages;
mod validate;

pub use crate::db::meta::{meta, set_meta};
pub use load::{load, reindex_if_needed, LoadReport};
pub use validate::validate;

use format::DataSet;

/// The data set compiled into the binary, so `cargo run` needs no files beside it.
pub const BUNDLED_DATA: &str = include_str!("../../data/pact.json");

/// Parses a data file.
///
/// # Errors
/// A message with the line and column of the JSON or field error.
pub fn parse(text: &str) -> anyhow::Result<DataSet> {
    serde_json::from_str(text).map_err(|e| anyhow::anyhow!("data file: {e}"))
}

/// A Markdown table of what a data set holds, for the README (`techniekpact-api stats`).
pub fn stats(set: &DataSet) -> String {
    use std::collections::BTreeMap;
    fn by<'a>(items: impl Iterator<Item = &'a str>) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for i in items {
            *counts.entry(i).or_default() += 1;
        }
        counts.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ")
    }
    let budget_lines: usize = set.funding_schemes.iter().map(|s| s.budget_lines.len()).sum();
    let participations: usize = set.programmes.iter().map(|p| p.participants.len()).sum();
    let owned = set.programmes.iter().filter(|p| p.owner.is_some()).count();
    let dated = set.programmes.iter().flat_map(|p| &p.participants).filter(|p| p.period.is_some()).count();
    let statuses = set.programmes.iter().filter(|p| p.status.is_some()).count();
    let inferred = set.programmes.iter().filter(|p| p.status.as_ref().is_some_and(|s| s.inferred)).count();
    let sources: usize = set.regions.iter().map(|r| r.sources.len()).sum::<usize>()
        + set.organisations.iter().map(|o| o.sources.len()).sum::<usize>()
        + set.programmes.iter().map(|p| p.sources.len()).sum::<usize>()
        + set.funding_schemes.iter().map(|s| s.sources.len()).sum::<usize>()
        + set.fundings.iter().map(|f| f.sources.len()).sum::<usize>()
        + set.observations.iter().map(|o| o.sources.len()).sum::<usize>()
        + set.goals.iter().map(|g| g.sources.len()).sum::<usize>()
        + set.relations.iter().map(|r| r.sources.len()).sum::<usize>()
        + set.events.iter().map(|e| e.sources.len()).sum::<usize>()
        + set
            .people
            .iter()
            .map(|p| p.sources.len() + p.roles.iter().map(|r| r.sources.len()).sum::<usize>())
            .sum::<usize>()
        + set.items.iter().map(|i| i.sources.len()).sum::<usize>()
        + set.statements.iter().map(|s| s.sources.len()).sum::<usize>();
    let roles: usize = set.people.iter().map(|p| p.roles.len()).sum();
    let described = set.organisations.iter().filter(|o| o.description.is_some()).count();
    let schemes_described = set.funding_schemes.iter().filter(|s| s.description.is_some()).count();
    let rows = [
        ("Data-set version", set.data_version.to_string()),
        ("Source documents", set.documents.len().to_string()),
        ("Regions", format!("{} ({})", set.regions.len(), by(set.regions.iter().map(|r| r.scheme.as_str())))),
        (
            "Organisations",
            format!("{} ({})", set.organisations.len(), by(set.organisations.iter().map(|o| o.kind.as_str()))),
        ),
        ("Programmes", format!("{} ({})", set.programmes.len(), by(set.programmes.iter().map(|p| p.kind.as_str())))),
        (
            "Participations",
            format!("{participations} (with a period: {dated}; programmes with an owner: {owned}; with a status: {statuses}, of which inferred: {inferred})"),
        ),
        ("Funding schemes", format!("{} (with a description: {schemes_described})", set.funding_schemes.len())),
        ("Budget lines", budget_lines.to_string()),
        ("Fundings", set.fundings.len().to_string()),
        (
            "Observations",
            format!("{} ({})", set.observations.len(), by(set.observations.iter().map(|o| o.unit.as_str()))),
        ),
        ("Goals and themes", format!("{} ({})", set.goals.len(), by(set.goals.iter().map(|g| g.kind.as_str())))),
        ("Relations", format!("{} ({})", set.relations.len(), by(set.relations.iter().map(|r| r.kind.as_str())))),
        ("Events", format!("{} ({})", set.events.len(), by(set.events.iter().map(|e| e.kind.as_str())))),
        ("People in public roles", format!("{} ({roles} roles)", set.people.len())),
        ("Listed items", format!("{} ({})", set.items.len(), by(set.items.iter().map(|i| i.kind.as_str())))),
        ("Statements", format!("{} ({})", set.statements.len(), by(set.statements.iter().map(|s| s.kind.as_str())))),
        ("Organisations with a description", described.to_string()),
        ("Source citations", sources.to_string()),
    ];
    let mut out = String::from("| What | Count |\n| --- | --- |\n");
    for (what, n) in rows {
        out.push_str(&format!("| {what} | {n} |\n"));
    }
    out
}
