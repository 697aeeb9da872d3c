//! The 360Giving data package (`GET /export/360giving.json`): the package's head, one grant per
//! qualifying funding, and `leftOut` after the grants. Amounts are written as decimal literals
//! (never through a float).

use serde::Serialize;
use serde_json::value::RawValue;

use super::compose::{organisation_id, source_text, web_address, Grant, LEVELS};
use super::stream::Body;
use crate::db::models::FundingRow;
use crate::error::AppError;
use crate::money::format_cents;
use crate::read::export::{Named, Rows, Summary};
use crate::read::report::Total;
use crate::vocab::{Bucket, Placement};

/// The 360Giving schema version the package follows.
const VERSION: &str = "1.4";
/// Who publishes the package.
const PUBLISHER: &str = "Techniekpact partner graph";
/// The data's licence: the repository's (EUPL-1.2), which covers the data set it ships.
const LICENSE: &str = "https://spdx.org/licenses/EUPL-1.2.html";

/// The package as it streams out.
pub struct Package {
    /// `scheme://host` of the request, for `dataSource` and the package's URLs.
    pub base: String,
    /// Which placements `beneficiaryLocation` shows.
    pub placement: Placement,
    /// The time the package is issued (RFC 3339).
    pub issued: String,
    /// True until the first grant is written.
    pub first: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Head<'a> {
    version: &'a str,
    title: &'a str,
    description: &'a str,
    identifier: &'a str,
    issued: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    publisher: Publisher<'a>,
    license: &'a str,
    #[serde(rename = "downloadURL")]
    download_url: String,
    #[serde(rename = "accessURL")]
    access_url: String,
}

#[derive(Serialize)]
struct Publisher<'a> {
    name: &'a str,
    website: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GrantJson<'a> {
    id: String,
    title: String,
    description: String,
    currency: &'a str,
    amount_awarded: Box<RawValue>,
    award_date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    planned_dates: Vec<Event>,
    recipient_organization: [Organisation; 1],
    funding_organization: [Organisation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    grant_programme: Vec<Programme>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    beneficiary_location: Vec<Location>,
    data_source: String,
    date_modified: String,
    /// Our extension: the documents and lines (or partner writes) the funding comes from.
    provenance: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
}

#[derive(Serialize)]
struct Organisation {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct Programme {
    code: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    id: String,
    name: String,
    country_code: &'static str,
    geo_code: String,
    geo_code_type: String,
    description: String,
}

/// `leftOut`: how many matching fundings the package leaves out, and why.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    count: i64,
    amount: Box<RawValue>,
    currency: &'static str,
    reasons: Vec<Reason>,
}

#[derive(Serialize)]
struct Reason {
    reason: &'static str,
    rule: &'static str,
    count: i64,
    amount: Box<RawValue>,
}

fn decimal(cents: i64) -> Box<RawValue> {
    // A decimal of digits and one point is always a JSON number.
    RawValue::from_string(format_cents(cents)).unwrap_or_else(|_| Box::<RawValue>::default())
}

/// The `leftOut` object of `summary`.
pub fn left_out(summary: &Summary) -> LeftOut {
    let reason = |reason, rule, t: Total| Reason { reason, rule, count: t.funding_count, amount: decimal(t.cents) };
    LeftOut {
        count: summary.left_out.funding_count,
        amount: decimal(summary.left_out.cents),
        currency: "EUR",
        reasons: vec![
            reason("awardDate", "no full YYYY-MM-DD award date", summary.no_award_date),
            reason("recipientOrganization", "no recipient", summary.no_recipient),
            reason("fundingOrganization", "no funder (named, or its scheme's)", summary.no_funder),
        ],
    }
}

#[derive(Serialize)]
struct TotalJson {
    count: i64,
    amount: Box<RawValue>,
    currency: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryJson {
    fundings: TotalJson,
    grants: TotalJson,
    left_out: LeftOut,
}

/// `GET /export/360giving/summary`'s body: every matching funding, the package's grants and what
/// it leaves out, each `{ count, amount, currency }` (amounts as decimal literals).
pub fn summary_json(summary: &Summary) -> Vec<u8> {
    let total = |t: Total| TotalJson { count: t.funding_count, amount: decimal(t.cents), currency: "EUR" };
    let body = SummaryJson {
        fundings: total(summary.matching),
        grants: total(summary.exported()),
        left_out: left_out(summary),
    };
    // Strings, integers and decimal literals: serialising cannot fail.
    serde_json::to_vec(&body).unwrap_or_default()
}

fn timestamp(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Package {
    fn grant(&self, g: &Grant<'_>, named: &Named) -> Option<GrantJson<'static>> {
        let (recipient, funder, award_date) = (g.recipient?, g.funder?, g.award_day()?);
        let organisation =
            |o: &crate::db::models::OrganisationRow| Organisation { id: organisation_id(o), name: o.name.clone() };
        let planned =
            (g.start().is_some() || g.end().is_some()).then(|| Event { start_date: g.start(), end_date: g.end() });
        let grant_programme = g.scheme.map(|s| Programme {
            code: s.code.clone(),
            title: s.name.clone(),
            url: web_address(s.url.as_deref()),
        });
        let mut locations = Vec::new();
        for level in LEVELS {
            for p in g.at_level(level, self.placement) {
                let (Bucket::Region, Some((code, name))) = (p.bucket, p.region) else { continue };
                let code_type = format!("TP-{}", level.as_str());
                locations.push(Location {
                    id: format!("{code_type}-{code}"),
                    name,
                    country_code: "NL",
                    geo_code: code,
                    geo_code_type: code_type,
                    description: format!("placed at level {} by {}", level.as_str(), p.placed_by),
                });
            }
        }
        let sources = named.sources.get(&g.row.id.0).map_or(&[][..], Vec::as_slice);
        Some(GrantJson {
            id: g.id(),
            title: g.title(),
            description: g.description(),
            currency: "EUR",
            amount_awarded: decimal(g.row.amount_cents),
            award_date,
            planned_dates: planned.into_iter().collect(),
            recipient_organization: [organisation(recipient)],
            funding_organization: [organisation(funder)],
            grant_programme: grant_programme.into_iter().collect(),
            beneficiary_location: locations,
            data_source: format!("{}/export/360giving.json", self.base),
            date_modified: timestamp(g.row.updated_at),
            provenance: sources.iter().map(source_text).collect(),
        })
    }
}

fn json(value: &impl Serialize) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(value).map_err(|e| AppError::internal_from("writing the 360Giving package", e))
}

impl Body for Package {
    fn rows(&self) -> Rows {
        Rows::Qualifying
    }

    fn head(&mut self, summary: &Summary) -> Result<Vec<u8>, AppError> {
        let head = Head {
            version: VERSION,
            title: "Fundings of the Nationaal Techniekpact partners",
            description: "Fundings recorded in the Techniekpact partner graph that state a full award date, a \
                          recipient and a funder; `leftOut` counts the others. Read from the pact's progress \
                          reports and from partners' writes (see each grant's `provenance`).",
            identifier: "techniekpact-fundings",
            issued: &self.issued,
            modified: summary.modified.map(timestamp),
            publisher: Publisher { name: PUBLISHER, website: self.base.clone() },
            license: LICENSE,
            download_url: format!("{}/export/360giving.json", self.base),
            access_url: format!("{}/graphiql/", self.base),
        };
        let mut bytes = json(&head)?;
        bytes.pop(); // the closing brace: the grants follow
        bytes.extend_from_slice(b",\"grants\":[");
        Ok(bytes)
    }

    fn batch(&mut self, rows: &[FundingRow], named: &Named) -> Result<Vec<u8>, AppError> {
        let mut bytes = Vec::with_capacity(rows.len() * 1024);
        for row in rows {
            // The batch holds qualifying fundings only; `grant` checks again and writes nothing else.
            let Some(grant) = self.grant(&Grant::of(row, named), named) else { continue };
            if !std::mem::take(&mut self.first) {
                bytes.push(b',');
            }
            bytes.extend(json(&grant)?);
        }
        Ok(bytes)
    }

    fn tail(&mut self, summary: &Summary) -> Result<Vec<u8>, AppError> {
        let mut bytes = b"],\"leftOut\":".to_vec();
        bytes.extend(json(&left_out(summary))?);
        bytes.push(b'}');
        Ok(bytes)
    }
}
