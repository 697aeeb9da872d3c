//! Which fact-stating passages of the documents the data set holds (`techniekpact-api coverage`).
//!
//! A passage is covered when some record cites lines overlapping it, the citation spans at most
//! [`MAX_CITATION_LINES`] lines, and one of the record's facts (a name, alias, website, amount,
//! number, date or label) is found in the lines the citation and the passage share, by the same
//! matching the provenance tests use ([`super::facts`]).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::facts::{contains_amount, contains_form, contains_name, gives_date, number_forms, status_words, Documents};
use super::format::{DataSet, Period, SourceRef};
use super::passages::{PassageClass, Segmentation};
use crate::money::parse_euros;

/// A citation longer than this counts for no passage (it is listed as over-long).
pub const MAX_CITATION_LINES: usize = 15;

/// One thing a record states, in a form that can be looked for in a text.
#[derive(Debug, Clone)]
enum Fact {
    Name(String),
    Amount(i64),
    Number(String),
    Date(String),
}

impl Fact {
    fn found_in(&self, text: &str) -> bool {
        match self {
            Self::Name(n) => contains_name(text, n),
            Self::Amount(cents) => contains_amount(text, *cents),
            Self::Number(v) => number_forms(v).iter().any(|f| contains_form(text, f)),
            Self::Date(d) => gives_date(text, d),
        }
    }
}

/// One citation of a record with the facts that record holds.
struct Claim {
    source: String,
    facts: Vec<Fact>,
}

fn names<'a>(list: impl IntoIterator<Item = &'a String>) -> Vec<Fact> {
    list.into_iter().filter(|n| !n.trim().is_empty()).map(|n| Fact::Name(n.clone())).collect()
}

fn dates(period: Option<&Period>) -> Vec<Fact> {
    period.into_iter().flat_map(|p| [&p.start, &p.end]).flatten().map(|d| Fact::Date(d.clone())).collect()
}

fn amount(text: &str) -> Vec<Fact> {
    parse_euros(text).ok().map(Fact::Amount).into_iter().collect()
}

/// A website as the documents write it: without the scheme and the trailing slash.
fn website(url: Option<&String>) -> Vec<Fact> {
    url.map(|u| u.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/'))
        .filter(|u| !u.is_empty())
        .map(|u| Fact::Name(u.to_owned()))
        .into_iter()
        .collect()
}

/// Every citation of every record, with the record's facts.
#[expect(clippy::too_many_lines, reason = "one block per record kind, read top to bottom")]
fn claims(set: &DataSet) -> Vec<Claim> {
    let mut names_of: HashMap<String, Vec<Fact>> = HashMap::new();
    for r in &set.regions {
        names_of.insert(format!("region:{}:{}", r.scheme, r.code), names(std::iter::once(&r.name).chain(&r.aliases)));
    }
    for o in &set.organisations {
        let list = std::iter::once(&o.name).chain(&o.short_name).chain(&o.aliases);
        names_of.insert(format!("organisation:{}", o.slug), names(list));
    }
    for p in &set.programmes {
        names_of.insert(format!("programme:{}", p.slug), names(std::iter::once(&p.name).chain(&p.aliases)));
    }
    for s in &set.funding_schemes {
        let list = std::iter::once(&s.name).chain(&s.display_name).chain(&s.aliases);
        names_of.insert(format!("scheme:{}", s.code), names(list));
    }
    let of = |key: &str| names_of.get(key).cloned().unwrap_or_default();
    let mut out = Vec::new();
    let mut push = |sources: &[String], facts: Vec<Fact>| {
        out.extend(sources.iter().map(|s| Claim { source: s.clone(), facts: facts.clone() }));
    };
    for r in &set.regions {
        push(&r.sources, of(&format!("region:{}:{}", r.scheme, r.code)));
    }
    for o in &set.organisations {
        let mut facts = of(&format!("organisation:{}", o.slug));
        facts.extend(website(o.website.as_ref()));
        push(&o.sources, facts);
    }
    for p in &set.programmes {
        let own = of(&format!("programme:{}", p.slug));
        let mut facts = own.clone();
        facts.extend(dates(p.period.as_ref()));
        facts.extend(website(p.website.as_ref()));
        push(&p.sources, facts);
        for part in &p.participants {
            let mut facts = of(&format!("organisation:{}", part.organisation));
            facts.extend(own.iter().cloned());
            facts.extend(dates(part.period.as_ref()));
            push(&part.sources, facts);
        }
        if let Some(status) = &p.status {
            let mut facts = own.clone();
            facts.extend(status_words(&status.value).iter().map(|w| Fact::Name((*w).to_owned())));
            push(status.source.as_slice(), facts);
        }
    }
    for s in &set.funding_schemes {
        let own = of(&format!("scheme:{}", s.code));
        let mut facts = own.clone();
        facts.extend(dates(s.period.as_ref()));
        facts.extend(website(s.url.as_ref()));
        push(&s.sources, facts);
        for line in &s.budget_lines {
            let mut facts = own.clone();
            facts.extend(amount(&line.amount));
            facts.extend(dates(line.period.as_ref()));
            push(&line.sources, facts);
        }
    }
    for f in &set.fundings {
        let mut facts = amount(&f.amount_awarded);
        facts.extend(f.co_financing.iter().flat_map(|c| amount(c)));
        facts.extend(f.award_date.iter().map(|d| Fact::Date(d.clone())));
        facts.extend(dates(f.period.as_ref()));
        facts.extend(f.scheme.iter().flat_map(|c| of(&format!("scheme:{c}"))));
        facts.extend(f.programme.iter().flat_map(|p| of(&format!("programme:{p}"))));
        for org in f.recipient.iter().chain(&f.funder) {
            facts.extend(of(&format!("organisation:{org}")));
        }
        push(&f.sources, facts);
    }
    for o in &set.observations {
        let mut facts = if o.unit == "EUR" { amount(&o.value) } else { vec![Fact::Number(o.value.clone())] };
        facts.extend(o.date.iter().map(|d| Fact::Date(d.clone())));
        facts.extend(of(&o.subject));
        push(&o.sources, facts);
    }
    for g in &set.goals {
        push(&g.sources, names([&g.name]));
    }
    for r in &set.relations {
        let mut facts = of(&r.subject);
        facts.extend(of(&r.object));
        facts.extend(dates(r.period.as_ref()));
        push(&r.sources, facts);
    }
    for e in &set.events {
        let mut facts = vec![Fact::Date(e.date.clone())];
        facts.extend(e.records.iter().flat_map(|r| of(r)));
        push(&e.sources, facts);
    }
    for p in &set.people {
        let person = names(std::iter::once(&p.name).chain(&p.aliases));
        push(&p.sources, person.clone());
        for role in &p.roles {
            let mut facts = person.clone();
            facts.push(Fact::Name(role.title.clone()));
            facts.extend(role.organisation.iter().flat_map(|o| of(&format!("organisation:{o}"))));
            facts.extend(role.programme.iter().flat_map(|p| of(&format!("programme:{p}"))));
            facts.extend(dates(role.period.as_ref()));
            push(&role.sources, facts);
        }
    }
    for i in &set.items {
        let mut facts = names([&i.label]);
        facts.extend(i.code.iter().map(|c| Fact::Name(c.clone())));
        push(&i.sources, facts);
    }
    for s in &set.statements {
        let mut facts = names([&s.phrase]);
        facts.extend(s.date.iter().map(|d| Fact::Date(d.clone())));
        push(&s.sources, facts);
    }
    out
}

/// One document's share of covered fact-stating passages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentCoverage {
    pub file: String,
    pub covered: usize,
    pub passages: usize,
    /// The uncovered fact-stating passages, as `L12-L15`.
    pub uncovered: Vec<String>,
}

/// The coverage of every document, and the citations that counted for nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub documents: Vec<DocumentCoverage>,
    /// Distinct citations spanning more than [`MAX_CITATION_LINES`] lines.
    pub over_long: Vec<String>,
}

/// Which fact-stating passages some record holds a fact from.
///
/// # Errors
/// When a passage's line range does not parse.
pub fn coverage(set: &DataSet, segmentation: &Segmentation, docs: &Documents) -> Result<Coverage, String> {
    let mut by_document: HashMap<String, Vec<(usize, usize, Vec<Fact>)>> = HashMap::new();
    let mut over_long = Vec::new();
    for claim in claims(set) {
        let Ok(r) = SourceRef::parse(&claim.source) else { continue };
        let (a, b) = (r.line_start as usize, r.line_end as usize);
        if b - a + 1 > MAX_CITATION_LINES {
            over_long.push(claim.source);
            continue;
        }
        by_document.entry(r.document).or_default().push((a, b, claim.facts));
    }
    over_long.sort();
    over_long.dedup();
    let mut documents = Vec::new();
    for doc in &segmentation.documents {
        let cites = by_document.get(&doc.file).map(Vec::as_slice).unwrap_or_default();
        let mut out = DocumentCoverage { file: doc.file.clone(), covered: 0, passages: 0, uncovered: Vec::new() };
        for p in doc.passages.iter().filter(|p| p.class == PassageClass::Fact) {
            let (pa, pb) = p.range(&doc.file)?;
            out.passages += 1;
            let held = cites.iter().filter(|(a, b, _)| *a <= pb && pa <= *b).any(|(a, b, facts)| {
                docs.text(&doc.file, pa.max(*a), pb.min(*b)).is_ok_and(|t| facts.iter().any(|f| f.found_in(&t)))
            });
            if held {
                out.covered += 1;
            } else {
                out.uncovered.push(p.lines.clone());
            }
        }
        documents.push(out);
    }
    Ok(Coverage { documents, over_long })
}

fn percent(covered: usize, of: usize) -> usize {
    // Rounded down: 94.9 % is not 95 %.
    (covered * 100).checked_div(of).unwrap_or(100)
}

impl Coverage {
    /// Per document and in total: `N % (k of n fact-stating passages)`; what the README shows.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let width = self.documents.iter().map(|d| d.file.len()).max().unwrap_or(0);
        let (mut covered, mut passages) = (0, 0);
        for d in &self.documents {
            covered += d.covered;
            passages += d.passages;
            let _ = writeln!(
                out,
                "{:<width$}  {:>3} %  ({} of {})",
                d.file,
                percent(d.covered, d.passages),
                d.covered,
                d.passages
            );
        }
        let _ = writeln!(out, "{:<width$}  {:>3} %  ({covered} of {passages})", "total", percent(covered, passages));
        out
    }

    /// The summary, then the uncovered passages by line range and the over-long citations.
    pub fn report(&self) -> String {
        let mut out = String::from("fact-stating passages covered by the data set:\n");
        out.push_str(&self.summary());
        for d in &self.documents {
            let _ = write!(out, "\nuncovered in {} ({}):", d.file, d.uncovered.len());
            for (i, range) in d.uncovered.iter().enumerate() {
                out.push_str(if i % 10 == 0 { "\n  " } else { " " });
                out.push_str(range);
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\ncitations over {MAX_CITATION_LINES} lines, counted for no passage: {}",
            self.over_long.len()
        );
        for s in &self.over_long {
            let _ = writeln!(out, "  {s}");
        }
        out
    }
}

/// Where the documents are when no folder is given: `../shared/seeds` beside the source tree.
pub fn default_documents_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds")
}

/// Reads the documents from `dir`, checks the bundled segmentation against them and measures.
///
/// # Errors
/// When a document cannot be read or the segmentation does not fit the documents.
pub fn run(set: &DataSet, dir: &std::path::Path) -> Result<Coverage, String> {
    let docs = Documents::load(dir, set).map_err(|e| format!("the documents (--documents-dir, DOCUMENTS_DIR): {e}"))?;
    let segmentation = Segmentation::parse(super::passages::BUNDLED_PASSAGES)?;
    let files: Vec<String> = set.documents.iter().map(|d| d.file.clone()).collect();
    let problems = segmentation.problems(&docs, &files);
    if !problems.is_empty() {
        return Err(format!("the segmentation does not fit the documents:\n{}", problems.join("\n")));
    }
    coverage(set, &segmentation, &docs)
}
