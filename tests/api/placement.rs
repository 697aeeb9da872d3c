//! `fundingByRegion`, `FundingFilter.region` and `Region.fundings` against a reference placement
//! computed here from the records (`placement_reference.rs`), on generated data with mixed cases
//! added through the API; the writes that move a figure are in `placement_writes.rs`.

use serde_json::{json, Value};
use techniekpact_api::auth::keys::JwtKeys;
use techniekpact_api::auth::token::issue;
use techniekpact_api::auth::Scope;
use techniekpact_api::data::generate::{generate, Options, Sizes};
use techniekpact_api::db::write_transaction;

use crate::helpers::{backends, spawn_app, TestApp};
use crate::placement_reference::{fetch, fetch_regions, report, split, Funding, World, LEVELS, PLACEMENTS};

/// An admin token (any organisation; `admin` passes every record rule).
pub async fn admin_token(app: &TestApp) -> String {
    use diesel::prelude::*;
    use techniekpact_api::db::schema::organisation;
    let keys = JwtKeys::from_settings(&app.settings).expect("keys");
    app.with_conn(move |c| {
        let org: i64 = organisation::table.select(organisation::id).order(organisation::id).first(c).unwrap();
        let scopes = Scope::parse_list("admin").unwrap();
        let ttl = chrono::Duration::hours(1);
        write_transaction(c, |c| issue(c, &keys, org, &scopes, ttl, Some("test"), None)).expect("issue").token
    })
    .await
}

/// Runs mutation `name` with `input` and returns its payload; fails on any error.
pub async fn mutate(app: &TestApp, token: &str, name: &str, selection: &str, input: Value) -> Value {
    let input_type = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    let q = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}");
    let (status, body) = app.query_as(Some(token), &q, json!({ "input": input })).await;
    let payload = body["data"][name].clone();
    assert!(
        body.get("errors").is_none() && payload["userErrors"] == json!([]),
        "[{:?}] {name}: {status} {body}",
        app.backend
    );
    payload
}

/// Creates a programme naming `regions`; returns its ID and version.
pub async fn programme(app: &TestApp, token: &str, name: &str, regions: &[String]) -> (Value, Value) {
    let input = json!({ "name": name, "kind": "PROJECT", "regionIds": regions });
    let p = mutate(app, token, "createProgramme", "programme { id version }", input).await;
    (p["programme"]["id"].clone(), p["programme"]["version"].clone())
}

pub async fn rif(app: &TestApp) -> Value {
    app.data(r#"{ fundingScheme(code: "RIF") { id } }"#, json!({})).await["fundingScheme"]["id"].clone()
}

fn unshared(regions: &[&String]) -> Value {
    regions.iter().map(|id| json!({ "regionId": id })).collect()
}

pub fn shared(parts: &[(&String, i64)]) -> Value {
    parts.iter().map(|(id, share)| json!({ "regionId": id, "shareBasisPoints": share })).collect()
}

/// Fundings the generator may lack: names without shares over two provinces, a landsdeel (with and
/// without a share), a programme over two landsdelen, a split of a few cents with a tie.
async fn add_mixed_cases(app: &TestApp, token: &str) {
    let w = World { regions: fetch_regions(app).await, fundings: Vec::new() };
    let [dr, gr, fl, ge, twente, achterhoek, rotterdam, noord_drenthe, oost, zuidwest, zeeland, amr] = [
        ("PROVINCE", "NL-DR"),
        ("PROVINCE", "NL-GR"),
        ("PROVINCE", "NL-FL"),
        ("PROVINCE", "NL-GE"),
        ("SUBREGION", "TWENTE"),
        ("SUBREGION", "ACHTERHOEK"),
        ("SUBREGION", "ROTTERDAM-RIJNMOND"),
        ("SUBREGION", "NOORD-DRENTHE"),
        ("LANDSDEEL", "OOST"),
        ("LANDSDEEL", "ZUIDWEST"),
        ("SUBREGION", "ZEELAND"),
        ("ARBEIDSMARKTREGIO", "STEDENDRIEHOEK-EN-NOORD-VELUWE"),
    ]
    .map(|(s, c)| w.region(s, c));
    let rif = rif(app).await;
    let funder = app.data("{ organisations(first: 1) { nodes { id } } }", json!({})).await["organisations"]["nodes"][0]
        ["id"]
        .clone();
    let (two_landsdelen, _) = programme(app, token, "Mixed two landsdelen", &[twente.clone(), rotterdam]).await;
    let (one_landsdeel, _) = programme(app, token, "Mixed one landsdeel", &[dr.clone(), noord_drenthe]).await;
    let cases = [
        ("mixed-unshared-two-provinces", "1234.56", unshared(&[&dr, &gr]), Value::Null),
        ("mixed-unshared-province-and-subregion", "77.00", unshared(&[&dr, &twente]), Value::Null),
        ("mixed-unshared-landsdeel", "500.00", unshared(&[&oost]), Value::Null),
        ("mixed-shared-landsdeel", "600.00", shared(&[(&zuidwest, 10_000)]), Value::Null),
        ("mixed-unshared-zeeland-subregion", "8.00", unshared(&[&zeeland]), Value::Null),
        ("mixed-arbeidsmarktregio", "9.99", unshared(&[&amr]), Value::Null),
        ("mixed-five-cents", "0.05", shared(&[(&fl, 3333), (&dr, 3333), (&ge, 3334)]), Value::Null),
        ("mixed-one-landsdeel-split", "100.01", shared(&[(&twente, 5000), (&achterhoek, 5000)]), Value::Null),
        ("mixed-programme-two-landsdelen", "321.00", json!([]), two_landsdelen.clone()),
        ("mixed-programme-one-landsdeel", "654.00", json!([]), one_landsdeel),
    ];
    for (key, amount, allocations, programme) in cases {
        let input = json!({ "key": key, "schemeId": rif, "amountAwarded": amount, "status": "AWARDED",
                            "allocations": allocations, "programmeId": programme });
        mutate(app, token, "recordFunding", "funding { id }", input).await;
    }
    for (key, allocations) in
        [("mixed-funder-unallocated", json!([])), ("mixed-funder-placed", shared(&[(&ge, 10_000)]))]
    {
        let input = json!({ "key": key, "funderId": funder, "amountAwarded": "42.00", "allocations": allocations });
        mutate(app, token, "recordFunding", "funding { id }", input).await;
    }
}

/// A few of the mixed cases, worked out by hand (so the reference itself is checked too).
async fn mixed_cases_read_as_worked_out_by_hand(app: &TestApp, w: &World) {
    let set = |ids: &[(&str, &str)]| ids.iter().map(|(s, c)| w.region(s, c)).collect::<std::collections::BTreeSet<_>>();
    let b = app.backend;
    let five_cents = w.fundings.iter().find(|f| f.key == "mixed-five-cents").unwrap();
    let parts: Vec<_> = five_cents.allocations.iter().map(|a| a.2).collect();
    assert_eq!(parts, [Some(2), Some(1), Some(2)], "{b:?}: 0.05 by 3333/3333/3334, the tie to the earlier");
    let province = report(app, "PROVINCE", "STATED_AND_PROGRAMME", &Value::Null).await;
    let candidates = province.unsplit_listed.get("mixed-unshared-two-provinces");
    assert_eq!(candidates, Some(&set(&[("PROVINCE", "NL-DR"), ("PROVINCE", "NL-GR")])), "{b:?}");
    let landsdeel = report(app, "LANDSDEEL", "STATED_AND_PROGRAMME", &Value::Null).await;
    let candidates = landsdeel.unsplit_listed.get("mixed-programme-two-landsdelen");
    assert_eq!(candidates, Some(&set(&[("LANDSDEEL", "OOST"), ("LANDSDEEL", "ZUIDWEST")])), "{b:?}");
    let stated = report(app, "LANDSDEEL", "STATED", &Value::Null).await;
    assert!(stated.unallocated_listed.contains_key("mixed-programme-two-landsdelen"), "{b:?}");
    assert!(!stated.unsplit_listed.contains_key("mixed-programme-two-landsdelen"), "{b:?}");
    assert!(!province.unsplit_listed.contains_key("mixed-unshared-province-and-subregion"), "{b:?}: outside");
}

/// A fresh app with the real data, a generated set for `seed` and the mixed cases.
pub async fn generated_app(backend: crate::helpers::Backend, seed: u64) -> TestApp {
    let app = spawn_app(backend, true).await;
    let sizes = Sizes { organisations: 30, programmes: 40, fundings: 600, seed };
    app.with_conn(move |c| generate(c, sizes, Options::default()).expect("generated")).await;
    let token = admin_token(&app).await;
    add_mixed_cases(&app, &token).await;
    app
}

/// Every level under both placements, with `filter` in the API and `keep` (funding, STATED?) here.
async fn check_reports(app: &TestApp, w: &World, what: &str, filter: Value, keep: impl Fn(&Funding, bool) -> bool) {
    for level in LEVELS {
        for placement in PLACEMENTS {
            let stated = placement == "STATED";
            let got = report(app, level, placement, &filter).await;
            let want = w.reference(level, stated, &|f| keep(f, stated));
            w.compare(&format!("[{:?}] {what} {level} {placement}", app.backend), &got, &want);
        }
    }
}

#[actix_web::test]
async fn every_report_on_generated_data_matches_the_rules_recomputed_from_the_records() {
    for backend in backends() {
        for seed in [3, 4] {
            let app = generated_app(backend, seed).await;
            let w = fetch(&app).await;
            assert!(w.fundings.len() > 600, "{backend:?}: {}", w.fundings.len());
            for f in w.fundings.iter().filter(|f| !f.allocations.is_empty()) {
                // `Funding.allocations { amount }` against this file's own split (null without shares).
                let shares: Option<Vec<i64>> = f.allocations.iter().map(|a| a.1).collect();
                let want: Vec<Option<i64>> = match shares {
                    Some(s) => split(f.cents, &s).into_iter().map(Some).collect(),
                    None => vec![None; f.allocations.len()],
                };
                let got: Vec<Option<i64>> = f.allocations.iter().map(|a| a.2).collect();
                assert_eq!(got, want, "{backend:?}: {}", f.key);
            }
            check_reports(&app, &w, &format!("seed {seed}"), Value::Null, |_, _| true).await;
            mixed_cases_read_as_worked_out_by_hand(&app, &w).await;

            // FundingFilter.region and Region.fundings: the fundings with cents placed there.
            let q = "query($r: ID!) { all: fundings(first: 100, filter: { region: $r }) { totalCount nodes { key } }
                stated: fundings(filter: { region: $r, placement: STATED }) { totalCount }
                node(id: $r) { ... on Region { fundings { totalCount } statedOnly: fundings(placement: STATED) { totalCount } } } }";
            for (id, region) in w.regions.iter().filter(|r| r.1.scheme.is_some()) {
                let d = app.data(q, json!({ "r": id })).await;
                let (all, stated) = (w.members(id, false), w.members(id, true));
                let counts = [&d["all"], &d["node"]["fundings"], &d["stated"], &d["node"]["statedOnly"]]
                    .map(|c| c["totalCount"].as_u64().unwrap() as usize);
                assert_eq!(counts, [all.len(), all.len(), stated.len(), stated.len()], "{backend:?}: {}", region.code);
                if all.len() <= 100 {
                    let keys =
                        d["all"]["nodes"].as_array().unwrap().iter().map(|n| n["key"].as_str().unwrap().to_owned());
                    assert_eq!(keys.collect::<std::collections::BTreeSet<_>>(), all, "{backend:?}: {}", region.code);
                }
            }
        }
    }
}

#[actix_web::test]
async fn filtered_reports_match_the_rules_for_schemes_a_status_an_organisation_and_a_region() {
    for backend in backends() {
        let app = generated_app(backend, 5).await;
        let w = fetch(&app).await;
        let most = |of: &dyn Fn(&Funding) -> Vec<String>| {
            let mut n = std::collections::BTreeMap::<String, usize>::new();
            w.fundings.iter().flat_map(of).for_each(|k| *n.entry(k).or_default() += 1);
            let mut ranked: Vec<_> = n.into_iter().collect();
            ranked.sort_by_key(|(k, c)| (std::cmp::Reverse(*c), k.clone()));
            ranked.into_iter().map(|(k, _)| k).collect::<Vec<_>>()
        };
        let schemes = most(&|f| f.scheme.clone().into_iter().collect())[..2].to_vec();
        let filter = json!({ "scheme": schemes });
        check_reports(&app, &w, "by scheme", filter, |f, _| f.scheme.as_ref().is_some_and(|s| schemes.contains(s)))
            .await;
        let awarded = |f: &Funding, _| f.status.as_deref() == Some("AWARDED");
        check_reports(&app, &w, "by status", json!({ "status": ["AWARDED"] }), awarded).await;
        let org = most(&|f| f.organisations.clone())[0].clone();
        let filter = json!({ "organisation": org });
        check_reports(&app, &w, "by organisation", filter, |f, _| f.organisations.contains(&org)).await;
        // A period: the set the list gives (its overlap rule is not restated here).
        let period = json!({ "period": { "from": "2016", "to": "2017" } });
        let in_period = crate::placement_reference::listed_keys(&app, &period).await;
        assert!(!in_period.is_empty() && in_period.len() < w.fundings.len() / 2, "{backend:?}: {}", in_period.len());
        check_reports(&app, &w, "by period", period, |f, _| in_period.contains(&f.key)).await;
        let noord = w.region("LANDSDEEL", "NOORD");
        let members = [w.members(&noord, false), w.members(&noord, true)];
        assert!(members[0].len() > members[1].len() && !members[1].is_empty(), "{backend:?}: {members:?}");
        let in_noord = |f: &Funding, stated: bool| members[usize::from(stated)].contains(&f.key);
        check_reports(&app, &w, "in Noord", json!({ "region": noord }), in_noord).await;
        let both = json!({ "region": noord, "scheme": schemes });
        let in_noord_by_scheme =
            |f: &Funding, s: bool| in_noord(f, s) && f.scheme.as_ref().is_some_and(|x| schemes.contains(x));
        check_reports(&app, &w, "in Noord by scheme", both, in_noord_by_scheme).await;
    }
}
