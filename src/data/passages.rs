//! The committed segmentation of the five documents into passages (`data/passages.json`, described
//! in `data/FORMAT.md`): each passage a sentence-complete run of lines with a class saying whether
//! it states facts.

use serde::Deserialize;

use super::facts::Documents;
use super::format::SourceRef;

/// The segmentation compiled into the binary, so `coverage` runs from any folder.
pub const BUNDLED_PASSAGES: &str = include_str!("../../data/passages.json");

/// At most this share of all passages may be classed as stating no fact.
pub const MAX_NON_FACT_PERCENT: usize = 20;

/// The passages of every document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segmentation {
    pub documents: Vec<SegmentedDocument>,
}

/// One document's passages, in the document's order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentedDocument {
    pub file: String,
    pub passages: Vec<Passage>,
}

/// A run of lines: `"L12-L15"` and its class.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Passage {
    pub lines: String,
    pub class: PassageClass,
}

/// Whether a passage states facts, and if not, what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PassageClass {
    /// Says something about the world: a sentence, a table row, a listed item, a title that names.
    Fact,
    /// A generic heading ("WAT IS ER BEREIKT?", "THEMA 2"), a cover or an annex title.
    Heading,
    /// A table of contents.
    Contents,
    /// Page furniture: running headers, page numbers, rules, footnote links, a web page's chrome.
    Furniture,
}

impl Passage {
    /// The first and last line (1-based, inclusive).
    ///
    /// # Errors
    /// When `lines` is not of the form `L12-L15` or `L12`.
    pub fn range(&self, file: &str) -> Result<(usize, usize), String> {
        let r = SourceRef::parse(&format!("{file}#{}", self.lines))?;
        Ok((r.line_start as usize, r.line_end as usize))
    }
}

impl Segmentation {
    /// Parses a segmentation file.
    ///
    /// # Errors
    /// A message with the line and column of the JSON or field error.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("passages file: {e}"))
    }

    /// Every way the segmentation does not fit the documents: a range out of order, overlapping
    /// another or past the end, a non-blank line in no passage, a passage of blank lines only, a
    /// document missing, or too many passages stating no fact.
    pub fn problems(&self, docs: &Documents, files: &[String]) -> Vec<String> {
        let mut problems = Vec::new();
        for file in files {
            if !self.documents.iter().any(|d| &d.file == file) {
                problems.push(format!("{file}: not segmented"));
            }
        }
        let (mut all, mut non_fact) = (0, 0);
        for doc in &self.documents {
            let Some(lines) = docs.lines(&doc.file) else {
                problems.push(format!("{}: not a document of the data set", doc.file));
                continue;
            };
            let mut next = 1;
            for p in &doc.passages {
                all += 1;
                non_fact += usize::from(p.class != PassageClass::Fact);
                let (a, b) = match p.range(&doc.file) {
                    Ok(r) => r,
                    Err(e) => {
                        problems.push(e);
                        continue;
                    }
                };
                let at = format!("{}#{}", doc.file, p.lines);
                if b > lines.len() {
                    problems.push(format!("{at}: the document has only {} lines", lines.len()));
                    continue;
                }
                if a < next {
                    problems.push(format!("{at}: overlaps or precedes the passage before it"));
                    continue;
                }
                for (i, line) in lines.iter().enumerate().take(a - 1).skip(next - 1) {
                    if !line.trim().is_empty() {
                        problems.push(format!("{}#L{}: a non-blank line in no passage", doc.file, i + 1));
                    }
                }
                if lines[a - 1..b].iter().all(|l| l.trim().is_empty()) {
                    problems.push(format!("{at}: only blank lines"));
                }
                next = b + 1;
            }
            for (i, line) in lines.iter().enumerate().skip(next - 1) {
                if !line.trim().is_empty() {
                    problems.push(format!("{}#L{}: a non-blank line in no passage", doc.file, i + 1));
                }
            }
        }
        if non_fact * 100 >= all * MAX_NON_FACT_PERCENT {
            problems.push(format!("{non_fact} of {all} passages state no fact: at most {MAX_NON_FACT_PERCENT} % may"));
        }
        problems
    }
}
