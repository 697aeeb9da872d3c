//! What both exports compose from a funding's stated fields: identifiers, title, description,
//! dates as written, and where it is placed per level. Nothing here fills in a value no record
//! states; a missing part is left out of the text.

use crate::db::models::{FundingRow, FundingSchemeRow, OrganisationRow, ProgrammeRow};
use crate::money::format_cents;
use crate::period::format_partial_date;
use crate::read::export::{Named, Placed};
use crate::vocab::{Bucket, DatePrecision, PlacedBy, Placement, RegionScheme};

/// Our 360Giving prefix: grants are `360G-techniekpact-<funding key>`.
pub const PREFIX: &str = "360G-techniekpact";

/// The levels placement columns and locations are given for, in this order.
pub const LEVELS: [RegionScheme; 4] =
    [RegionScheme::Landsdeel, RegionScheme::Province, RegionScheme::Subregion, RegionScheme::Arbeidsmarktregio];

/// A funding with the records it names.
pub struct Grant<'a> {
    /// The funding.
    pub row: &'a FundingRow,
    /// Its scheme.
    pub scheme: Option<&'a FundingSchemeRow>,
    /// Its programme.
    pub programme: Option<&'a ProgrammeRow>,
    /// Its recipient.
    pub recipient: Option<&'a OrganisationRow>,
    /// Its named funder, else its scheme's funder.
    pub funder: Option<&'a OrganisationRow>,
    /// Its placement rows.
    pub placed: &'a [Placed],
}

impl<'a> Grant<'a> {
    /// `row` with what `named` holds for it.
    pub fn of(row: &'a FundingRow, named: &'a Named) -> Self {
        let org = |id: Option<i64>| id.and_then(|id| named.organisations.get(&id));
        let scheme = row.scheme_id.and_then(|id| named.schemes.get(&id));
        let funder = org(row.funder_id).or_else(|| org(scheme.and_then(|s| s.funder_id)));
        Self {
            row,
            scheme,
            programme: row.programme_id.and_then(|id| named.programmes.get(&id)),
            recipient: org(row.recipient_id),
            funder,
            placed: named.placements.get(&row.id.0).map_or(&[], Vec::as_slice),
        }
    }

    /// `360G-techniekpact-<key>`: the funding's key is its stable natural key.
    pub fn id(&self) -> String {
        format!("{PREFIX}-{}", self.row.key)
    }

    /// `<scheme's short name, else funder's name>: <programme, else recipient>`.
    pub fn title(&self) -> String {
        let by = self.scheme.map(|s| s.display_name.as_str()).or(self.funder.map(|f| f.name.as_str()));
        let to = self.programme.map(|p| p.name.as_str()).or(self.recipient.map(|r| r.name.as_str()));
        match (by, to) {
            (Some(by), Some(to)) => format!("{by}: {to}"),
            (Some(one), None) | (None, Some(one)) => one.to_owned(),
            (None, None) => self.row.key.clone(),
        }
    }

    /// `Funding[ from <funder>][ under <scheme>][ to <recipient>][ for <programme>][, period <start>–<end>].`
    pub fn description(&self) -> String {
        let mut text = String::from("Funding");
        let mut part = |prefix: &str, value: Option<&str>| {
            if let Some(v) = value {
                text.push_str(prefix);
                text.push_str(v);
            }
        };
        part(" from ", self.funder.map(|f| f.name.as_str()));
        part(" under ", self.scheme.map(|s| s.name.as_str()));
        part(" to ", self.recipient.map(|r| r.name.as_str()));
        part(" for ", self.programme.map(|p| p.name.as_str()));
        match (self.start(), self.end()) {
            (Some(s), Some(e)) if s == e => part(", period ", Some(&s)),
            (Some(s), Some(e)) => part(", period ", Some(&format!("{s}–{e}"))),
            (Some(s), None) => part(", from ", Some(&s)),
            (None, Some(e)) => part(", until ", Some(&e)),
            (None, None) => {}
        }
        text.push('.');
        text
    }

    /// The amount as a decimal literal (`"2000000.00"`).
    pub fn amount(&self) -> String {
        format_cents(self.row.amount_cents)
    }

    /// The award date as written (`2018`, `2018-11` or `2018-11-05`).
    pub fn award_date(&self) -> Option<String> {
        partial(self.row.award_date, self.row.award_precision.as_deref())
    }

    /// The award date when its day is known.
    pub fn award_day(&self) -> Option<String> {
        (self.row.award_precision.as_deref() == Some(DatePrecision::Day.as_str())).then(|| self.award_date()).flatten()
    }

    /// The start of the period as written.
    pub fn start(&self) -> Option<String> {
        partial(self.row.start_date, self.row.start_precision.as_deref())
    }

    /// The end of the period as written.
    pub fn end(&self) -> Option<String> {
        partial(self.row.end_date, self.row.end_precision.as_deref())
    }

    /// The rows at `level` that `placement` counts (a row placed through the programme counts as
    /// unallocated under `STATED`).
    pub fn at_level(&self, level: RegionScheme, placement: Placement) -> Vec<Placing> {
        self.placed
            .iter()
            .filter(|p| p.level == level.as_str())
            .map(|p| {
                let through_programme = p.placed_by == PlacedBy::Programme.as_str();
                if placement == Placement::Stated && through_programme {
                    Placing { bucket: Bucket::Unallocated, region: None, placed_by: PlacedBy::Nothing.as_str().into() }
                } else {
                    let bucket = Bucket::parse(&p.bucket).unwrap_or(Bucket::Unallocated);
                    Placing { bucket, region: p.region.clone(), placed_by: p.placed_by.clone() }
                }
            })
            .collect()
    }
}

/// One placement of a funding at a level, as an export shows it.
pub struct Placing {
    /// Region, unsplit, outside the level, or unallocated.
    pub bucket: Bucket,
    /// The region's code and name, for a region.
    pub region: Option<(String, String)>,
    /// How it was placed (`PlacedBy` text).
    pub placed_by: String,
}

/// An organisation's identifier: its first org-id (`NL-KVK-12345678`: a country, a register and
/// the number in it) where one is recorded, else `360G-techniekpact-organisation-<slug>`.
pub fn organisation_id(org: &OrganisationRow) -> String {
    let recorded: Vec<String> = serde_json::from_str(&org.identifiers).unwrap_or_default();
    recorded.into_iter().find(|id| is_org_id(id)).unwrap_or_else(|| format!("{PREFIX}-organisation-{}", org.slug))
}

/// `XX-REGISTER-value`: two capital letters, a register of capitals and digits, a value.
fn is_org_id(id: &str) -> bool {
    let mut parts = id.splitn(3, '-');
    let (Some(country), Some(register), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    country.len() == 2
        && country.chars().all(|c| c.is_ascii_uppercase())
        && !register.is_empty()
        && register.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !value.is_empty()
}

/// A web address that is one (`http://` or `https://`, no spaces), or nothing.
pub fn web_address(url: Option<&str>) -> Option<String> {
    url.filter(|u| (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace))
        .map(str::to_owned)
}

fn partial(date: Option<chrono::NaiveDate>, precision: Option<&str>) -> Option<String> {
    let precision = precision.and_then(DatePrecision::parse).unwrap_or(DatePrecision::Day);
    date.map(|d| format_partial_date(d, precision))
}

/// A source as written in the data file: `<document>#L<start>-L<end>`, or
/// `recorded through the API by organisation <id>` for a partner's write.
pub fn source_text(s: &crate::db::models::SourceRow) -> String {
    match (&s.document, s.line_start, s.line_end) {
        (Some(doc), Some(a), Some(b)) => format!("{doc}#L{a}-L{b}"),
        (Some(doc), _, _) => doc.clone(),
        (None, _, _) => match s.organisation_id {
            Some(org) => format!("recorded through the API by organisation {org}"),
            None => "recorded through the API".into(),
        },
    }
}
