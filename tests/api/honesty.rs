//! Data honesty: a field says only what a source says. Notes reach the API on every type that has
//! them, a status the report does not state is marked inferred, qualifier and basis stay null where
//! the source leaves them open, and award dates keep their precision (loaded and written, on both
//! backends). The cited lines themselves are checked in `provenance.rs`.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use techniekpact_api::data;
use techniekpact_api::ids::NodeType as T;

use crate::helpers::{backends, spawn_app, TestApp};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

/// Every node of a root connection (`field(first: 100, after: …) { nodes { <key> note } }`), as key → note.
async fn notes_of(app: &TestApp, field: &str, key: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut after = Value::Null;
    loop {
        let q = format!(
            "query($after: String) {{ {field}(first: 100, after: $after) {{ nodes {{ {key} note }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let d = app.data(&q, json!({ "after": after })).await;
        for n in d[field]["nodes"].as_array().expect("nodes") {
            out.insert(n[key].as_str().expect("key").to_owned(), n["note"].clone());
        }
        if d[field]["pageInfo"]["hasNextPage"] != json!(true) {
            return out;
        }
        after = d[field]["pageInfo"]["endCursor"].clone();
    }
}

fn expected<'a>(records: impl Iterator<Item = (&'a str, Option<&'a String>)>) -> BTreeMap<String, Value> {
    records.map(|(k, n)| (k.to_owned(), n.map_or(Value::Null, |n| json!(n)))).collect()
}

#[actix_web::test]
async fn programmes_organisations_and_schemes_return_every_note_the_data_set_holds() {
    let set = data::parse(data::BUNDLED_DATA).expect("data");
    let programmes = expected(set.programmes.iter().map(|p| (p.slug.as_str(), p.note.as_ref())));
    let organisations = expected(set.organisations.iter().map(|o| (o.slug.as_str(), o.note.as_ref())));
    let schemes = expected(set.funding_schemes.iter().map(|s| (s.code.as_str(), s.note.as_ref())));
    let count = |m: &BTreeMap<String, Value>| m.values().filter(|v| !v.is_null()).count();
    assert_eq!((count(&programmes), count(&organisations), count(&schemes)), (91, 26, 20), "notes in the data set");
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        assert_eq!(notes_of(&app, "programmes", "slug").await, programmes, "{backend:?}");
        assert_eq!(notes_of(&app, "organisations", "slug").await, organisations, "{backend:?}");
        assert_eq!(notes_of(&app, "fundingSchemes", "code").await, schemes, "{backend:?}");
    }
}

#[actix_web::test]
async fn every_loaded_status_is_marked_inferred_with_its_reasoning_and_lines() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ programmes(first: 100, filter: { kind: [PACT_ACTION] }) { nodes { slug
                     status { status reportYear inferred note sources { document locator } } } } }"#,
                json!({}),
            )
            .await;
        let with_status: Vec<&Value> =
            d["programmes"]["nodes"].as_array().unwrap().iter().filter(|p| !p["status"].is_null()).collect();
        assert_eq!(with_status.len(), 4, "{backend:?}");
        for p in with_status {
            let s = &p["status"];
            assert_eq!(s["inferred"], true, "{backend:?}: the 2014 annex states no status in words: {p}");
            assert!(s["note"].as_str().is_some_and(|n| n.starts_with("De bijlage geeft de stand")), "{p}");
            assert_eq!(s["sources"].as_array().map(Vec::len), Some(1), "{p}");
            assert_eq!(s["sources"][0]["document"], "001_a9afeef750dbdd18.txt");
        }
    }
}

#[actix_web::test]
async fn a_figure_whose_source_leaves_qualifier_and_basis_open_comes_back_null() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ s: fundingScheme(code: "SECTORPLANNEN") { budgetLines { amount { amount } qualifier basis } }
                     f: fundings(first: 100) { nodes { key qualifier basis } } }"#,
                json!({}),
            )
            .await;
        let lines: Vec<Value> = d["s"]["budgetLines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| json!([l["amount"]["amount"], l["qualifier"], l["basis"]]))
            .collect();
        assert_eq!(
            lines,
            [json!(["600000000.00", null, null]), json!(["140000000.00", "AT_LEAST", "TOTAL"])],
            "{backend:?}: the garbled '€ 600 mln. jaar' says neither how exact nor what it counts"
        );
        let fundings: BTreeMap<String, Value> = d["f"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["key"].as_str().unwrap().to_owned(), json!([f["qualifier"], f["basis"]])))
            .collect();
        assert_eq!(fundings["rif-alfa-college-fieldlab-practice"], json!(["AT_MOST", null]), "'bijna 2 miljoen euro'");
        assert_eq!(
            fundings["beta-techniek-2012-stimuleringsprogramma-pbt"],
            json!(["EXACT", "TOTAL"]),
            "'totaal € 8.1 miljoen'"
        );
        assert_eq!(
            fundings.values().filter(|v| v[1].is_null()).count(),
            7,
            "{backend:?}: no basis filled in by default"
        );
    }
}

#[actix_web::test]
async fn award_dates_keep_the_sources_precision() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ fundings(first: 100) { nodes { key awardDate { value precision earliest latest } } } }"#,
                json!({}),
            )
            .await;
        let dated: BTreeMap<String, Value> = d["fundings"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["awardDate"].is_null())
            .map(|f| (f["key"].as_str().unwrap().to_owned(), f["awardDate"].clone()))
            .collect();
        let month = |value: &str, earliest: &str, latest: &str| json!({ "value": value, "precision": "MONTH", "earliest": earliest, "latest": latest });
        assert_eq!(
            dated,
            BTreeMap::from([
                ("rif-2018-gas-2-0".to_owned(), month("2018-11", "2018-11-01", "2018-11-30")),
                ("sectorplan-technologie-2014".to_owned(), month("2014-02", "2014-02-01", "2014-02-28")),
                ("sectorplan-technologie-2015".to_owned(), month("2014-02", "2014-02-01", "2014-02-28")),
            ]),
            "{backend:?}: 'in november 2018', 'in februari 2014'"
        );
    }
}

const RECORD: &str = "mutation($input: RecordFundingInput!) { recordFunding(input: $input) {
    funding { id version qualifier basis awardDate { value precision earliest latest } } userErrors { field code } } }";
const UPDATE: &str = "mutation($input: UpdateFundingInput!) { updateFunding(input: $input) {
    funding { version qualifier basis awardDate { value precision } } userErrors { field code } } }";

#[actix_web::test]
async fn a_written_award_date_round_trips_at_its_precision_and_unknown_figures_stay_null() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let scheme = w.id(T::FundingScheme, w.ids.scheme);
        let (_, body) = w
            .app
            .query_as(
                Some(&token),
                RECORD,
                json!({ "input": { "schemeId": scheme, "amountAwarded": "5000", "awardDate": "2019" } }),
            )
            .await;
        let f = &body["data"]["recordFunding"]["funding"];
        assert_eq!(
            f["awardDate"],
            json!({ "value": "2019", "precision": "YEAR", "earliest": "2019-01-01", "latest": "2019-12-31" }),
            "{backend:?}: {body}"
        );
        assert_eq!(
            (f["qualifier"].clone(), f["basis"].clone()),
            (Value::Null, Value::Null),
            "nothing said, nothing filled in"
        );
        let id = f["id"].clone();

        let mut version = f["version"].as_i64().unwrap();
        for (date, precision) in [("2019-05", "MONTH"), ("2019-05-03", "DAY")] {
            let input = json!({ "input": { "id": id, "expectedVersion": version, "awardDate": date,
                                           "qualifier": "APPROXIMATE", "basis": "TOTAL" } });
            let (_, body) = w.app.query_as(Some(&token), UPDATE, input).await;
            let f = &body["data"]["updateFunding"]["funding"];
            assert_eq!(f["awardDate"], json!({ "value": date, "precision": precision }), "{backend:?}: {body}");
            assert_eq!((f["qualifier"].clone(), f["basis"].clone()), (json!("APPROXIMATE"), json!("TOTAL")));
            version = f["version"].as_i64().unwrap();
        }
        // null clears what is no longer known.
        let input = json!({ "input": { "id": id, "expectedVersion": version, "qualifier": null, "basis": null } });
        let (_, body) = w.app.query_as(Some(&token), UPDATE, input).await;
        let f = &body["data"]["updateFunding"]["funding"];
        assert_eq!(
            (f["qualifier"].clone(), f["basis"].clone(), f["awardDate"]["value"].clone()),
            (Value::Null, Value::Null, json!("2019-05-03")),
            "{backend:?}: {body}"
        );

        for (date, code) in
            [("2019-13", "INVALID"), ("19", "INVALID"), ("2019-02-30", "INVALID"), ("1850", "OUT_OF_RANGE")]
        {
            let (_, body) = w
                .app
                .query_as(
                    Some(&token),
                    RECORD,
                    json!({ "input": { "schemeId": scheme, "amountAwarded": "5", "awardDate": date } }),
                )
                .await;
            assert_eq!(
                body["data"]["recordFunding"]["userErrors"],
                json!([{ "field": ["input", "awardDate"], "code": code }]),
                "{backend:?}: {date}: {body}"
            );
        }
    }
}

#[actix_web::test]
async fn the_data_honesty_migration_reverts_and_reapplies_and_the_next_load_restores_the_nulls() {
    use diesel::prelude::*;
    use diesel_migrations::MigrationHarness;
    use techniekpact_api::db::schema::budget_line;
    use techniekpact_api::db::{DbConn, PG_MIGRATIONS, SQLITE_MIGRATIONS};

    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let (reverted, defaults_after_down, nulls_after_reload) = app
            .with_conn(|c| {
                let pg = matches!(c, DbConn::Pg(_));
                let migrations = move || if pg { PG_MIGRATIONS } else { SQLITE_MIGRATIONS };
                let nulls = |c: &mut DbConn| -> i64 {
                    budget_line::table.filter(budget_line::basis.is_null()).count().get_result(c).expect("count")
                };
                // The page indexes and whatever came later: revert them first, newest first (their
                // down.sql files run too).
                loop {
                    let newer = c.revert_last_migration(migrations()).expect("a later down.sql runs").to_string();
                    assert!(newer.as_str() > "20261201000005", "the page-index migration came after it: {newer}");
                    if newer == "20261201000006" {
                        break;
                    }
                }
                let reverted = c.revert_last_migration(migrations()).expect("down.sql runs").to_string();
                let defaults_after_down = nulls(c);
                c.run_pending_migrations(migrations()).expect("up.sql runs again");
                let set = data::parse(data::BUNDLED_DATA).expect("data");
                let report = data::load(c, &set, false).expect("the data set loads again");
                assert!(report.kept_api_changes.is_empty(), "{report:?}");
                (reverted, defaults_after_down, nulls(c))
            })
            .await;
        assert_eq!(reverted, "20261201000005", "{backend:?}: the data-honesty migration comes before the page indexes");
        assert_eq!(defaults_after_down, 0, "{backend:?}: down.sql restores the NOT NULL defaults");
        assert_eq!(nulls_after_reload, 4, "{backend:?}: the next load writes the nulls again");
        let d = app
            .data(r#"{ fundingScheme(code: "SECTORPLANNEN") { note budgetLines { qualifier basis } } }"#, json!({}))
            .await;
        assert_eq!(d["fundingScheme"]["budgetLines"][0], json!({ "qualifier": null, "basis": null }), "{backend:?}");
    }
}
