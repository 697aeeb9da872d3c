//! `GET /export/fundings.csv`, read back with a real CSV parser: a fixed header and column count
//! across streamed batches, every funding, awkward names and notes round-tripping, formula cells
//! neutralised, amounts plain numbers.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::exports::{download, generated, header};
use crate::helpers::backends;
use crate::placement::{admin_token, mutate};

/// Awkward text written through the API: (slug, organisation name).
const NAMES: [(&str, &str); 4] = [
    ("csv-quotes", "Stichting \"Kwaliteit\", Onderwijs & Ünïcödé — Zuid"),
    ("csv-formula", "=HYPERLINK(\"http://evil.example\",\"klik\")"),
    ("csv-at", "@SUM(1+1)"),
    ("csv-plus", "+31 20 123 4567"),
];
const NOTE: &str = "Eerste regel, met komma\n\"tweede\" regel; ëü\nderde";

fn records(body: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    let titles: Vec<String> = reader.headers().expect("a header").iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("every record parses with the header's number of fields");
            assert_eq!(r.len(), titles.len(), "a fixed column count");
            titles.iter().cloned().zip(r.iter().map(String::from)).collect()
        })
        .collect();
    (titles, rows)
}

#[actix_rt::test]
async fn the_fundings_csv_round_trips_through_a_csv_parser_with_formulas_neutralised() {
    for backend in backends() {
        let app = generated(backend, 1_100).await;
        let token = admin_token(&app).await;
        let mut orgs = BTreeMap::new();
        for (slug, name) in NAMES {
            let input = json!({ "slug": slug, "name": name, "kind": "OTHER" });
            let created = mutate(&app, &token, "createOrganisation", "organisation { id }", input).await;
            orgs.insert(slug, created["organisation"]["id"].as_str().unwrap().to_owned());
        }
        // No scheme: the title starts with the funder's name, a formula.
        let cases = [
            ("csv-one", "csv-formula", "csv-quotes", "4321.09", Value::String(NOTE.into())),
            ("csv-two", "csv-at", "csv-plus", "12.00", Value::String("-minus first".into())),
        ];
        for (key, funder, recipient, amount, note) in cases {
            let input = json!({ "key": key, "funderId": orgs[funder], "recipientId": orgs[recipient],
                                "amountAwarded": amount, "awardDate": "2019-04", "note": note });
            mutate(&app, &token, "recordFunding", "funding { id }", input).await;
        }
        let total =
            app.data("{ fundings { totalCount } }", json!({})).await["fundings"]["totalCount"].as_i64().unwrap();
        let (status, headers, body) = download(&app, "/export/fundings.csv").await;
        assert_eq!(status, 200, "{backend:?}: {body:.300}");
        assert_eq!(header(&headers, "content-type"), Some("text/csv; charset=utf-8; header=present"), "{backend:?}");
        assert!(
            body.starts_with("\"Identifier\",\"Title\",\"Description\",\"Currency\",\"Amount Awarded\",\"Award Date\"")
        );
        assert!(body.ends_with("\r\n"), "{backend:?}: CRLF line ends");
        let (titles, rows) = records(&body);
        assert_eq!(rows.len() as i64, total, "{backend:?}: every funding, over more than two batches of 500");
        assert_eq!(titles.len(), 30, "{backend:?}: {titles:?}");
        for level in ["LANDSDEEL", "PROVINCE", "SUBREGION", "ARBEIDSMARKTREGIO"] {
            assert!(titles.contains(&format!("Placed In:{level}")), "{backend:?}: {titles:?}");
        }
        let by_id: BTreeMap<&str, &BTreeMap<String, String>> =
            rows.iter().map(|r| (r["Identifier"].as_str(), r)).collect();
        let one = by_id["360G-techniekpact-csv-one"];
        assert_eq!(one["Recipient Org:Name"], NAMES[0].1, "{backend:?}: quotes, comma, diacritics round-trip");
        assert_eq!(one["Note"], NOTE, "{backend:?}: newlines round-trip");
        assert_eq!(one["Funding Org:Name"], format!("'{}", NAMES[1].1), "{backend:?}: a formula is neutralised");
        assert!(one["Title"].starts_with("'=HYPERLINK"), "{backend:?}: {}", one["Title"]);
        assert!(one["Description"].starts_with("Funding from =HYPERLINK"), "{backend:?}: only a cell's start counts");
        assert_eq!(one["Amount Awarded"], "4321.09", "{backend:?}");
        assert_eq!(one["Award Date"], "2019-04", "{backend:?}: partial dates as written");
        assert_eq!(one["In 360Giving Package"], "no: no full award date", "{backend:?}");
        let two = by_id["360G-techniekpact-csv-two"];
        assert_eq!(two["Funding Org:Name"], format!("'{}", NAMES[2].1), "{backend:?}");
        assert_eq!(two["Recipient Org:Name"], format!("'{}", NAMES[3].1), "{backend:?}");
        assert_eq!(two["Note"], "'-minus first", "{backend:?}: a leading minus is neutralised");
        // In the text: the neutralising quote sits inside the quoted cell, amounts are unquoted.
        assert!(body.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"klik\"\")\""), "{backend:?}");
        assert!(body.contains(",4321.09,") && !body.contains("\"4321.09\""), "{backend:?}: amounts are plain numbers");
        // Generated rows: partial and full dates as written, placement per level.
        let synthetic: Vec<_> =
            rows.iter().filter(|r| r["Identifier"].starts_with("360G-techniekpact-synthetic-")).collect();
        assert!(synthetic.iter().any(|r| r["Placed In:PROVINCE"].starts_with("NL-")), "{backend:?}");
        assert!(synthetic.iter().any(|r| r["Placed By:PROVINCE"] == "SHARES"), "{backend:?}");
        assert!(synthetic.iter().any(|r| r["Placed In:PROVINCE"] == "unallocated"), "{backend:?}");
        assert!(synthetic.iter().all(|r| r["Award Date"].is_empty() || r["Award Date"].len() == 10), "{backend:?}");
    }
}
