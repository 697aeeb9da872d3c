//! The open-data exports (`/export/…`) on generated data: the 360Giving package validates against
//! the standard's own schemas, and what it holds plus what it leaves out is what
//! `fundings(filter:)` lists, to the cent; the CSV is in `exports_csv.rs`.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use techniekpact_api::data::generate::{generate, Options, Sizes};

use crate::helpers::{backends, spawn_app, TestApp};
use crate::placement_reference::cents;

/// Where the standard's schemas are kept, beside the repository (as `../shared/seeds/` for the
/// provenance test).
fn standards_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/standards/360giving")
}

fn standard(file: &str) -> Value {
    let path = standards_dir().join(file);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .expect("a JSON schema")
}

/// A validator of 360Giving data packages, offline: the package schema refers to the grant schema
/// of 1.4.2 while the grant schema's own `$id` says 1.4.3, so the local file is registered under the
/// URL the package schema names. Formats are checked (without that, `awardDate`'s
/// `oneOf: [date-time, pattern]` would accept anything).
pub fn package_validator() -> jsonschema::Validator {
    let grant_url = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";
    let package = standard("360-giving-package-schema.json");
    assert_eq!(package["properties"]["grants"]["items"]["$ref"], grant_url, "the URL the package schema names");
    let registry = jsonschema::Registry::new()
        .add(grant_url, standard("360-giving-schema.json"))
        .expect("the grant schema registers")
        .prepare()
        .expect("a registry");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(&registry)
        .offline()
        .should_validate_formats(true)
        .build(&package)
        .expect("the package schema compiles offline")
}

fn problems(validator: &jsonschema::Validator, package: &Value) -> Vec<String> {
    validator.iter_errors(package).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// The app with the shipped data and a generated set of `fundings` (more than two export batches).
pub async fn generated(backend: crate::helpers::Backend, fundings: usize) -> TestApp {
    let app = spawn_app(backend, true).await;
    let sizes = Sizes { organisations: 40, programmes: 60, fundings, seed: 19 };
    app.with_conn(move |c| generate(c, sizes, Options::default()).expect("generated")).await;
    app
}

/// A response header's value.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// GETs an export: status, headers, body.
pub async fn download(app: &TestApp, path: &str) -> (u16, Vec<(String, String)>, String) {
    app.get_with(path, &[]).await
}

/// The raw literals after every `"amountAwarded":` in a JSON text, in cents (the text is read as
/// written, never through a float).
fn amount_literals(body: &str) -> Vec<i64> {
    body.split("\"amountAwarded\":")
        .skip(1)
        .map(|rest| {
            let literal: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let (euros, c) = literal.split_once('.').unwrap_or_else(|| panic!("a decimal literal: {literal}"));
            assert_eq!(c.len(), 2, "two decimals: {literal}");
            euros.parse::<i64>().unwrap() * 100 + c.parse::<i64>().unwrap()
        })
        .collect()
}

/// What the API lists for `filter`, per funding key: (cents, reasons a package leaves it out).
async fn listed(app: &TestApp, filter: &Value) -> BTreeMap<String, (i64, Vec<&'static str>)> {
    let q = "query($f: FundingFilter, $after: String) { fundings(first: 100, after: $after, filter: $f) {
        pageInfo { hasNextPage endCursor }
        nodes { key amountAwarded { amount } awardDate { precision } recipient { id } funder { id }
                scheme { funder { id } } } } }";
    let (mut out, mut after) = (BTreeMap::new(), Value::Null);
    loop {
        let d = app.data(q, json!({ "f": filter, "after": after })).await;
        for f in d["fundings"]["nodes"].as_array().unwrap() {
            let mut why = Vec::new();
            if f["awardDate"]["precision"] != "DAY" {
                why.push("awardDate");
            }
            if f["recipient"].is_null() {
                why.push("recipientOrganization");
            }
            if f["funder"].is_null() && f["scheme"]["funder"].is_null() {
                why.push("fundingOrganization");
            }
            out.insert(f["key"].as_str().unwrap().to_owned(), (cents(&f["amountAwarded"]["amount"]), why));
        }
        if d["fundings"]["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = d["fundings"]["pageInfo"]["endCursor"].clone();
    }
}

fn literal_cents(v: &Value) -> i64 {
    // Decimal literals of at most two decimals, as the package writes them; checked in the text too.
    let text = v.to_string();
    let (euros, c) = text.split_once('.').map_or((text.as_str(), "0"), |(e, c)| (e, c));
    euros.parse::<i64>().unwrap() * 100 + format!("{c:0<2}").parse::<i64>().unwrap()
}

#[actix_rt::test]
async fn a_360giving_package_of_generated_fundings_validates_against_the_standard() {
    if !standards_dir().is_dir() {
        // A clone without the documents beside it (a new user's): skipped, never in CI.
        assert!(
            std::env::var("CI").map(|v| v != "true").unwrap_or(true),
            "CI=true but ../shared/standards/360giving/ is missing: the validation cannot be skipped in CI"
        );
        eprintln!("skipped: ../shared/standards/360giving/ not found beside the repository");
        return;
    }
    let validator = package_validator();
    for backend in backends() {
        let app = generated(backend, 1_200).await;
        let (status, headers, body) = download(&app, "/export/360giving.json").await;
        assert_eq!(status, 200, "{backend:?}: {body:.300}");
        assert_eq!(header(&headers, "content-type"), Some("application/json"), "{backend:?}");
        let package: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{backend:?}: {e}: {body:.300}"));
        let grants = package["grants"].as_array().unwrap();
        // About a third qualify: the others lack an award day or a recipient (a tenth of the generated
        // ones) or a funder (most schemes name none).
        assert!(grants.len() > 300, "{backend:?}: generated fundings qualify: {}", grants.len());
        assert_eq!(problems(&validator, &package), Vec::<String>::new(), "{backend:?}");
        // The validator is not one that accepts anything: a month as award date, or no recipient, fails.
        for (field, value) in [("awardDate", json!("2018-11")), ("recipientOrganization", Value::Null)] {
            let mut broken = package.clone();
            match value {
                Value::Null => broken["grants"][0].as_object_mut().unwrap().remove(field),
                v => broken["grants"][0].as_object_mut().unwrap().insert(field.into(), v),
            };
            assert!(!problems(&validator, &broken).is_empty(), "{backend:?}: a grant with {field} broken passed");
        }
        let mut empty = package.clone();
        empty["grants"] = json!([]);
        assert!(!problems(&validator, &empty).is_empty(), "{backend:?}: an empty package is not valid 360Giving");
        // Ids: our prefix and the funding's key, in the same order at every download.
        let ids: Vec<&str> = grants.iter().map(|g| g["id"].as_str().unwrap()).collect();
        assert!(
            ids.iter().all(|id| id.starts_with("360G-techniekpact-synthetic-funding-")),
            "{backend:?}: {:?}",
            &ids[..3]
        );
        let (_, _, again) = download(&app, "/export/360giving.json").await;
        let again: Value = serde_json::from_str(&again).unwrap();
        let ids_again: Vec<&str> =
            again["grants"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ids_again, "{backend:?}: stable ids between downloads");
        // Amounts as written: decimal literals with two decimals, equal to the API's figures.
        let literals = amount_literals(&body);
        assert_eq!(literals.len(), grants.len(), "{backend:?}");
        let api = listed(&app, &Value::Null).await;
        for (g, literal) in grants.iter().zip(&literals) {
            let key = g["id"].as_str().unwrap().trim_start_matches("360G-techniekpact-");
            assert_eq!(api.get(key).map(|f| f.0), Some(*literal), "{backend:?}: {key}");
            assert_eq!(literal_cents(&g["amountAwarded"]), *literal, "{backend:?}: {key}");
        }
        let g = &grants[0];
        assert_eq!(g["currency"], "EUR", "{backend:?}");
        assert!(g["recipientOrganization"][0]["id"].as_str().unwrap().starts_with("360G-techniekpact-organisation-"));
        assert!(g["provenance"][0].as_str().unwrap().starts_with("synthetic"), "{backend:?}: {g}");
        let located = grants.iter().flat_map(|g| g["beneficiaryLocation"].as_array().into_iter().flatten());
        let types: std::collections::BTreeSet<&str> = located.map(|l| l["geoCodeType"].as_str().unwrap()).collect();
        assert!(types.contains("TP-PROVINCE") && types.contains("TP-LANDSDEEL"), "{backend:?}: {types:?}");
    }
}

/// The package, the summary and the headers against `fundings(filter:)`: every listed funding is a
/// grant or counted as left out, for the reasons the API's own fields give.
async fn adds_up(app: &TestApp, params: &str, filter: Value) {
    let b = app.backend;
    let api = listed(app, &filter).await;
    assert!(!api.is_empty(), "{b:?} {params}: the filter matches something");
    let (status, headers, body) = download(app, &format!("/export/360giving.json?{params}")).await;
    assert_eq!(status, 200, "{b:?} {params}: {body:.300}");
    let package: Value = serde_json::from_str(&body).unwrap();
    let granted: BTreeMap<String, i64> = package["grants"]
        .as_array()
        .unwrap()
        .iter()
        .zip(amount_literals(&body))
        .map(|(g, c)| (g["id"].as_str().unwrap().trim_start_matches("360G-techniekpact-").to_owned(), c))
        .collect();
    let expected: BTreeMap<String, i64> =
        api.iter().filter(|(_, (_, why))| why.is_empty()).map(|(k, (c, _))| (k.clone(), *c)).collect();
    assert_eq!(granted, expected, "{b:?} {params}: the grants are the qualifying fundings, at their amounts");
    let left: Vec<_> = api.values().filter(|(_, why)| !why.is_empty()).collect();
    let left_cents: i64 = left.iter().map(|(c, _)| c).sum();
    let left_out = &package["leftOut"];
    assert_eq!(left_out["count"], left.len(), "{b:?} {params}");
    assert_eq!(literal_cents(&left_out["amount"]), left_cents, "{b:?} {params}");
    let total: i64 = api.values().map(|(c, _)| c).sum();
    assert_eq!(granted.values().sum::<i64>() + left_cents, total, "{b:?} {params}: exported + left out, to the cent");
    for reason in left_out["reasons"].as_array().unwrap() {
        let name = reason["reason"].as_str().unwrap();
        let (n, c) = api.values().filter(|(_, why)| why.contains(&name)).fold((0, 0), |(n, s), (c, _)| (n + 1, s + c));
        assert_eq!(
            (reason["count"].as_i64().unwrap(), literal_cents(&reason["amount"])),
            (n, c),
            "{b:?} {params}: {name}"
        );
    }
    assert_eq!(header(&headers, "export-fundings"), Some(api.len().to_string().as_str()), "{b:?} {params}");
    assert_eq!(header(&headers, "export-left-out"), Some(left.len().to_string().as_str()), "{b:?} {params}");
    let (status, _, summary) = download(app, &format!("/export/360giving/summary?{params}")).await;
    assert_eq!(status, 200, "{b:?} {params}: {summary}");
    let summary: Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["fundings"]["count"], api.len(), "{b:?} {params}");
    assert_eq!(literal_cents(&summary["fundings"]["amount"]), total, "{b:?} {params}");
    assert_eq!(summary["grants"]["count"], granted.len(), "{b:?} {params}");
    assert_eq!(summary["leftOut"], *left_out, "{b:?} {params}: the summary says what the package says");
}

#[actix_rt::test]
async fn exported_and_left_out_fundings_add_up_to_the_filtered_list_to_the_cent() {
    for backend in backends() {
        let app = generated(backend, 700).await;
        let d = app
            .data(
                r#"{ fundingScheme(code: "RIF") { id } region(scheme: PROVINCE, code: "NL-GE") { id }
                     landsdeel: region(scheme: LANDSDEEL, code: "OOST") { id } }"#,
                json!({}),
            )
            .await;
        let (rif, gelderland, oost) = (
            d["fundingScheme"]["id"].as_str().unwrap(),
            d["region"]["id"].as_str().unwrap(),
            d["landsdeel"]["id"].as_str().unwrap(),
        );
        adds_up(&app, "", Value::Null).await;
        adds_up(&app, &format!("scheme={rif}"), json!({ "scheme": [rif] })).await;
        adds_up(&app, &format!("region={gelderland}"), json!({ "region": gelderland })).await;
        adds_up(&app, &format!("region={oost}&placement=STATED"), json!({ "region": oost, "placement": "STATED" }))
            .await;
        adds_up(&app, "periodFrom=2016&periodTo=2016", json!({ "period": { "from": "2016", "to": "2016" } })).await;
        adds_up(
            &app,
            &format!("scheme={rif}&status=AWARDED&periodFrom=2014-03"),
            json!({ "scheme": [rif], "status": ["AWARDED"], "period": { "from": "2014-03" } }),
        )
        .await;
    }
}

#[actix_rt::test]
async fn the_shipped_data_gives_an_empty_package_that_says_why() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let (status, headers, body) = download(&app, "/export/360giving.json").await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        let package: Value = serde_json::from_str(&body).unwrap();
        // No shipped funding states the day it was awarded: nothing is filled in.
        assert_eq!(package["grants"], json!([]), "{backend:?}");
        assert_eq!(package["leftOut"]["count"], 12, "{backend:?}: {}", package["leftOut"]);
        assert_eq!(package["leftOut"]["reasons"][0]["count"], 12, "{backend:?}: {}", package["leftOut"]);
        assert_eq!(header(&headers, "export-grants"), Some("0"), "{backend:?}");
        assert_eq!(header(&headers, "export-left-out"), Some("12"), "{backend:?}");
    }
}

#[actix_rt::test]
async fn bad_export_parameters_are_refused_with_a_code_naming_the_parameter() {
    let backend = backends()[0];
    let app = spawn_app(backend, true).await;
    for (params, names) in [
        ("colour=red", "colour"),
        ("status=WON", "status"),
        ("placement=SOMEWHERE", "placement"),
        ("region=notanid", "region"),
        ("periodFrom=2020&periodTo=2019", "period"),
        ("periodFrom=1800", "period"),
        ("updatedAfter=yesterday", "updatedAfter"),
        ("region=a&region=b", "region"),
    ] {
        for path in ["/export/360giving.json", "/export/fundings.csv", "/export/360giving/summary"] {
            let (status, _, body) = download(&app, &format!("{path}?{params}")).await;
            assert_eq!(status, 400, "{backend:?} {path}?{params}: {body}");
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{path}?{params}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains(names), "{path}?{params}: {message}");
        }
    }
}

#[actix_rt::test]
async fn a_download_is_charged_more_than_a_report_and_refused_when_the_budget_cannot_pay() {
    use techniekpact_api::routes::export::{DOWNLOAD_COST, SUMMARY_COST};
    for backend in backends() {
        // Room for one download and one summary, not for a second download.
        let budget = u32::try_from(DOWNLOAD_COST + SUMMARY_COST + 1_000).unwrap();
        let app = crate::helpers::spawn_app_with(
            backend,
            true,
            crate::rate_limits::budgets(budget, crate::rate_limits::WEEK),
        )
        .await;
        let (status, headers, _) = download(&app, "/export/fundings.csv").await;
        assert_eq!(status, 200, "{backend:?}");
        let left = u64::from(budget) - DOWNLOAD_COST;
        assert_eq!(
            header(&headers, "ratelimit-remaining"),
            Some(left.to_string().as_str()),
            "{backend:?}: {headers:?}"
        );
        let (status, headers, _) = download(&app, "/export/360giving/summary").await;
        assert_eq!(status, 200, "{backend:?}");
        let left = left - SUMMARY_COST;
        assert_eq!(
            header(&headers, "ratelimit-remaining"),
            Some(left.to_string().as_str()),
            "{backend:?}: {headers:?}"
        );
        let (status, headers, body) = download(&app, "/export/360giving.json").await;
        assert_eq!(status, 429, "{backend:?}: {body:.300}");
        assert!(header(&headers, "retry-after").is_some(), "{backend:?}: {headers:?}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{backend:?}: {body}");
        assert!(header(&headers, "export-grants").is_none(), "{backend:?}: a refused download reads nothing");
    }
}
