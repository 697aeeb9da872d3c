//! The CSV of every matching funding (`GET /export/fundings.csv`): 360Giving's spreadsheet column
//! titles, then ours (status, how exact the amount is, the note, placement per level, sources). RFC 4180:
//! CRLF line ends, every text cell quoted, quotes doubled; UTF-8. A text cell that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (inside its quotes), so a
//! spreadsheet never runs it as a formula (OWASP's "CSV injection"); amounts stay plain numbers.

use super::compose::{organisation_id, source_text, Grant, LEVELS};
use super::stream::Body;
use crate::db::models::FundingRow;
use crate::error::AppError;
use crate::read::export::{Named, Rows, Summary};
use crate::vocab::{Bucket, Placement};

/// The columns before the placement columns, in order.
const COLUMNS: [&str; 20] = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Data Source",
    "Last Modified",
    "Status",
    "Amount Qualifier",
    "Amount Basis",
    "Note",
];

/// The CSV as it streams out.
pub struct Table {
    /// `scheme://host` of the request, for `Data Source`.
    pub base: String,
    /// Which placements the placement columns show.
    pub placement: Placement,
}

/// Every column title, placement and source columns included.
pub fn header() -> Vec<String> {
    let mut titles: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    for level in LEVELS {
        titles.push(format!("Placed In:{}", level.as_str()));
        titles.push(format!("Placed By:{}", level.as_str()));
    }
    titles.push("In 360Giving Package".into());
    titles.push("Sources".into());
    titles
}

/// A text cell that a spreadsheet would read as a formula, with a leading `'`.
pub fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(Vec::new())
}

fn finish(mut w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, AppError> {
    w.flush().map_err(|e| AppError::internal_from("writing the CSV", e))?;
    w.into_inner().map_err(|e| AppError::internal_from("writing the CSV", e.into_error()))
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::internal_from("writing the CSV", e)
}

impl Table {
    fn record(&self, g: &Grant<'_>, named: &Named) -> Vec<String> {
        let text = |v: Option<String>| v.map(|t| neutralised(&t)).unwrap_or_default();
        let name = |o: Option<&crate::db::models::OrganisationRow>| o.map(|o| neutralised(&o.name)).unwrap_or_default();
        let mut cells = vec![
            neutralised(&g.id()),
            neutralised(&g.title()),
            neutralised(&g.description()),
            "EUR".to_owned(),
            g.amount(),
            text(g.award_date()),
            text(g.start()),
            text(g.end()),
            text(g.recipient.map(organisation_id)),
            name(g.recipient),
            text(g.funder.map(organisation_id)),
            name(g.funder),
            text(g.scheme.map(|s| s.code.clone())),
            text(g.scheme.map(|s| s.name.clone())),
            format!("{}/export/fundings.csv", self.base),
            g.row.updated_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            text(g.row.status.clone()),
            text(g.row.qualifier.clone()),
            text(g.row.basis.clone()),
            text(g.row.note.clone()),
        ];
        for level in LEVELS {
            let placed = g.at_level(level, self.placement);
            let mut places: Vec<String> = placed
                .iter()
                .map(|p| match (p.bucket, &p.region) {
                    (Bucket::Region, Some((code, _))) => code.clone(),
                    (Bucket::Unsplit, _) => "unsplit".into(),
                    (Bucket::OutsideLevel, _) => "outside level".into(),
                    _ => "unallocated".into(),
                })
                .collect();
            places.dedup();
            let mut by: Vec<String> = placed.iter().map(|p| p.placed_by.clone()).collect();
            by.sort();
            by.dedup();
            cells.push(neutralised(&places.join("; ")));
            cells.push(neutralised(&by.join("; ")));
        }
        let missing: Vec<&str> = [
            (g.award_day().is_none(), "no full award date"),
            (g.recipient.is_none(), "no recipient"),
            (g.funder.is_none(), "no funder"),
        ]
        .into_iter()
        .filter_map(|(missing, why)| missing.then_some(why))
        .collect();
        cells.push(if missing.is_empty() { "yes".into() } else { format!("no: {}", missing.join(", ")) });
        let sources = named.sources.get(&g.row.id.0).map_or(&[][..], Vec::as_slice);
        cells.push(neutralised(&sources.iter().map(source_text).collect::<Vec<_>>().join("; ")));
        cells
    }
}

impl Body for Table {
    fn rows(&self) -> Rows {
        Rows::All
    }

    fn head(&mut self, _summary: &Summary) -> Result<Vec<u8>, AppError> {
        let mut w = writer();
        w.write_record(header()).map_err(csv_error)?;
        finish(w)
    }

    fn batch(&mut self, rows: &[FundingRow], named: &Named) -> Result<Vec<u8>, AppError> {
        let mut w = writer();
        for row in rows {
            w.write_record(self.record(&Grant::of(row, named), named)).map_err(csv_error)?;
        }
        finish(w)
    }

    fn tail(&mut self, _summary: &Summary) -> Result<Vec<u8>, AppError> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn formula_cells_get_a_leading_quote_and_others_stay() {
        for cell in ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(cell), format!("'{cell}"));
        }
        for cell in ["Alfa-college", "1234.56", "'quoted", " =spaced", ""] {
            assert_eq!(neutralised(cell), cell);
        }
    }
}
