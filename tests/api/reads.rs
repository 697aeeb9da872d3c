//! Reading the shipped data: pinned answers, relations both ways, search, filters, look-ups.

use serde_json::{json, Value};

use crate::helpers::{backends, spawn_app, TestApp};

fn names(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|n| n["name"].as_str().unwrap_or_default().to_owned()).collect()
}

async fn region_id(app: &TestApp, scheme: &str, code: &str) -> String {
    let d = app
        .data(
            "query($s: RegionScheme!, $c: String!) { region(scheme: $s, code: $c) { id } }",
            json!({ "s": scheme, "c": code }),
        )
        .await;
    d["region"]["id"].as_str().expect("region exists").to_owned()
}

#[actix_web::test]
async fn zuidwest_has_the_six_subregions_the_2014_annex_lists() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let zuidwest = region_id(&app, "LANDSDEEL", "ZUIDWEST").await;
        let d = app
            .data(
                "query($r: ID!) { regions(filter: { within: $r, scheme: [SUBREGION] }, first: 100) { totalCount nodes { name parent { code } sources { document locator } } } }",
                json!({ "r": zuidwest }),
            )
            .await;
        let mut got = names(&d["regions"]["nodes"]);
        got.sort();
        assert_eq!(
            got,
            ["Drechtsteden", "Haaglanden", "Holland Rijnland", "Rotterdam-Rijnmond", "West-Brabant", "Zeeland"],
            "{backend:?}"
        );
        for n in d["regions"]["nodes"].as_array().into_iter().flatten() {
            assert_eq!(n["parent"]["code"], "ZUIDWEST");
            let cites_annex = n["sources"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s["document"] == "001_a9afeef750dbdd18.txt" && s["locator"] == "L180-L180");
            assert!(cites_annex, "{n}");
        }
    }
}

#[actix_web::test]
async fn west_brabant_is_associated_with_zuidoost_but_belongs_to_zuidwest() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(r#"{ region(scheme: SUBREGION, code: "WEST-BRABANT") { parent { code } associatedRegions { code scheme } } }"#, json!({}))
            .await;
        assert_eq!(d["region"]["parent"]["code"], "ZUIDWEST", "{backend:?}");
        assert_eq!(d["region"]["associatedRegions"], json!([{ "code": "ZUIDOOST", "scheme": "LANDSDEEL" }]));
    }
}

#[actix_web::test]
async fn the_rif_budget_is_25_million_a_year_from_2014_with_its_source() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ fundingScheme(code: "RIF") { name displayName funder { slug }
                     budgetLines { amount { amount currencyCode } basis qualifier period { start { value precision earliest } end { value latest } }
                                   sources { document locator } } } }"#,
                json!({}),
            )
            .await;
        let scheme = &d["fundingScheme"];
        assert_eq!(scheme["name"], "Regionaal Investeringsfonds mbo", "{backend:?}");
        let lines: Vec<Value> = scheme["budgetLines"]
            .as_array()
            .expect("budget lines")
            .iter()
            .map(|l| {
                json!([
                    l["amount"]["amount"],
                    l["basis"],
                    l["period"]["start"]["value"],
                    l["period"]["end"]["value"],
                    l["sources"]
                ])
            })
            .collect();
        let src = |d: &str, l: &str| json!({ "document": d, "locator": l });
        let (annex, report2017) = ("001_a9afeef750dbdd18.txt", "000_87cd8f7ef391f932.txt");
        assert_eq!(
            lines,
            vec![
                json!([
                    "25000000.00",
                    "PER_YEAR",
                    "2014",
                    "2017",
                    [src(annex, "L131-L131"), src(report2017, "L328-L328")]
                ]),
                json!(["125000000.00", "TOTAL", "2014", "2018", [src(report2017, "L330-L330")]]),
                json!(["25000000.00", "TOTAL", "2018", "2018", [src(report2017, "L330-L330")]]),
            ],
            "{backend:?}: the RIF's budget lines, oldest period first"
        );
        let yearly = &scheme["budgetLines"][0];
        assert_eq!(yearly["amount"], json!({ "amount": "25000000.00", "currencyCode": "EUR" }));
        assert_eq!(
            yearly["period"]["start"],
            json!({ "value": "2014", "precision": "YEAR", "earliest": "2014-01-01" })
        );
    }
}

#[actix_web::test]
async fn search_ignores_case_and_accents_and_finds_aliases() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        for term in ["fryslan", "FRYSLÂN", "friesland"] {
            let d = app
                .data(
                    "query($q: String!) { regions(filter: { search: $q, scheme: [PROVINCE] }) { nodes { code } } }",
                    json!({ "q": term }),
                )
                .await;
            assert_eq!(d["regions"]["nodes"], json!([{ "code": "NL-FR" }]), "{backend:?} search {term:?}");
        }
        let d = app.data(r#"{ regions(filter: { search: "100%_" }) { totalCount } }"#, json!({})).await;
        assert_eq!(d["regions"]["totalCount"], 0, "wildcards in a search are literal");
    }
}

#[actix_web::test]
async fn an_organisation_links_to_its_programmes_and_back() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ programmes(first: 100, filter: { role: [LEAD] }) { nodes { slug participants { role organisation { slug participations { programme { slug } } } } } } }"#,
                json!({}),
            )
            .await;
        let programmes = d["programmes"]["nodes"].as_array().expect("programmes");
        assert!(!programmes.is_empty(), "{backend:?}: the data set names leads");
        for p in programmes {
            let lead = p["participants"]
                .as_array()
                .expect("participants")
                .iter()
                .find(|x| x["role"] == "LEAD")
                .expect("a lead");
            let back = lead["organisation"]["participations"].as_array().expect("participations");
            assert!(back.iter().any(|x| x["programme"]["slug"] == p["slug"]), "{p}");
        }
    }
}

#[actix_web::test]
async fn a_region_filter_includes_formal_descendants() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let set = crate::fixtures::synthetic(3);
        app.with_conn(move |c| techniekpact_api::data::load(c, &set, false).expect("fixture loads")).await;
        let landsdeel = region_id(&app, "LANDSDEEL", "TEST-L").await;
        let empty = region_id(&app, "LANDSDEEL", "TEST-EMPTY").await;
        let q = "query($r: ID!) { programmes(filter: { region: $r }) { totalCount } region: node(id: $r) { ... on Region { programmes { totalCount } fundings { totalCount } } } }";
        let d = app.data(q, json!({ "r": landsdeel })).await;
        assert_eq!(d["programmes"]["totalCount"], 3, "{backend:?}: programmes name a subregion of the landsdeel");
        assert_eq!(d["region"]["programmes"]["totalCount"], 3);
        assert_eq!(d["region"]["fundings"]["totalCount"], 6);
        let d = app.data(q, json!({ "r": empty })).await;
        assert_eq!(d["programmes"]["totalCount"], 0);
    }
}

#[actix_web::test]
async fn period_kind_target_group_and_updated_after_filters_narrow_the_list() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let set = crate::fixtures::synthetic(4);
        app.with_conn(move |c| techniekpact_api::data::load(c, &set, false).expect("fixture loads")).await;
        let count = |filter: Value| {
            let app = &app;
            async move {
                let d = app
                    .data(
                        "query($f: ProgrammeFilter) { programmes(filter: $f) { totalCount } }",
                        json!({ "f": filter }),
                    )
                    .await;
                d["programmes"]["totalCount"].as_i64().expect("count")
            }
        };
        assert_eq!(count(json!({ "period": { "from": "2016-12", "to": "2020" } })).await, 4, "{backend:?}");
        assert_eq!(count(json!({ "period": { "from": "2017" } })).await, 0);
        assert_eq!(count(json!({ "period": { "to": "2014-12-31" } })).await, 0);
        assert_eq!(count(json!({ "kind": ["PROJECT"], "targetGroup": ["MBO"] })).await, 4);
        assert_eq!(count(json!({ "targetGroup": ["PO"] })).await, 0);
        assert_eq!(count(json!({ "updatedAfter": "2000-01-01T00:00:00Z" })).await, 4);
        assert_eq!(count(json!({ "updatedAfter": "2999-01-01T00:00:00Z" })).await, 0);
        assert_eq!(count(json!({ "search": "programme 002" })).await, 1);
    }
}

#[actix_web::test]
async fn vocabulary_labels_every_enum_value_and_scheme_code() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app.data("{ vocabulary { enum value labelNl labelEn } }", json!({})).await;
        let terms = d["vocabulary"].as_array().expect("terms");
        let find = |e: &str, v: &str| terms.iter().find(|t| t["enum"] == e && t["value"] == v).cloned();
        assert_eq!(find("RegionScheme", "LANDSDEEL").expect("landsdeel")["labelNl"], "Landsdeel", "{backend:?}");
        assert_eq!(find("FundingScheme", "MKB_IDEE").expect("MKB!dee")["labelNl"], "MKB!dee");
        assert!(find("TargetGroup", "JOB_SEEKERS").is_some());
    }
}

#[actix_web::test]
async fn look_ups_by_natural_key_and_by_global_id_agree() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app.data(r#"{ fundingScheme(code: "MKB_IDEE") { id displayName } region(scheme: PROVINCE, code: "NL-ZE") { id identifiers sameAs { scheme code } } }"#, json!({})).await;
        assert_eq!(d["fundingScheme"]["displayName"], "MKB!dee", "{backend:?}");
        assert_eq!(d["region"]["identifiers"], json!(["CBS:PV29"]));
        assert_eq!(d["region"]["sameAs"], json!([{ "scheme": "SUBREGION", "code": "ZEELAND" }]));
        let ids = json!([d["fundingScheme"]["id"], d["region"]["id"]]);
        let n = app.data("query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", json!({ "ids": ids })).await;
        assert_eq!(n["nodes"][0]["__typename"], "FundingScheme");
        assert_eq!(n["nodes"][1]["__typename"], "Region");
        assert_eq!(n["nodes"][1]["id"], d["region"]["id"]);
        let missing = app.data("{ organisation(slug: \"no-such-organisation\") { id } }", json!({})).await;
        assert_eq!(missing["organisation"], Value::Null);
    }
}

#[actix_web::test]
async fn health_reports_the_database() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let (status, body) = app.get("/health").await;
        assert_eq!((status, body.contains("ok")), (200, true), "{backend:?}");
    }
}
