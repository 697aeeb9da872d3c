//! Statements through the API: the root list's filters, its order (the data file's, which follows the
//! documents) and paging in both directions, a record's statements, `node`, bad input, and the data
//! check.

use serde_json::{json, Value};
use techniekpact_api::data;

use crate::helpers::{backends, error_codes, spawn_app, TestApp};

const STATEMENTS: &str = r#"query($f: StatementFilter, $first: Int, $after: String, $last: Int, $before: String) {
  statements(filter: $f, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes {
      id key kind summary phrase topic note
      date { value precision }
      records { __typename ... on Programme { slug } ... on Organisation { slug } ... on FundingScheme { code } }
      statedBy { __typename }
      sources { document locator }
    }
  }
}"#;

fn keys(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["key"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn programme_id(app: &TestApp, slug: &str) -> Value {
    let d = app.data("query($s: String!) { programme(slug: $s) { id } }", json!({ "s": slug })).await;
    d["programme"]["id"].clone()
}

#[actix_web::test]
async fn statements_filter_by_kind_record_and_search_with_their_sources() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let beroepentuin = programme_id(&app, "beroepentuin").await;
        let d = app.data(STATEMENTS, json!({ "f": { "record": beroepentuin } })).await;
        assert_eq!(keys(&d["statements"]), ["003-beroepentuin-succes", "003-beroepentuin-opschalen"], "{backend:?}");
        assert_eq!(d["statements"]["totalCount"], 2, "{backend:?}");
        let success = &d["statements"]["nodes"][0];
        assert_eq!(success["kind"], "SUCCESS_FACTOR", "{backend:?}");
        assert_eq!(success["topic"], "Werkenden", "{backend:?}");
        assert_eq!(success["phrase"], "Het succes van deze samenwerking is de integrale aanpak", "{backend:?}");
        assert_eq!(success["records"], json!([{ "__typename": "Programme", "slug": "beroepentuin" }]), "{backend:?}");
        assert_eq!(success["statedBy"], json!([]), "{backend:?}");
        assert!(success["date"].is_null(), "{backend:?}: the document dates no success factor");
        assert_eq!(
            success["sources"],
            json!([{ "document": "003_f476b115b3a57d36.txt", "locator": "L52-L52" }]),
            "{backend:?}"
        );

        let d = app.data(STATEMENTS, json!({ "f": { "record": beroepentuin, "kind": "FINDING" } })).await;
        assert_eq!(keys(&d["statements"]), ["003-beroepentuin-opschalen"], "{backend:?}");

        // Search ignores case and accents and looks in the summary, phrase, topic and note.
        let d = app.data(STATEMENTS, json!({ "f": { "search": "EENDUIDIGE LESAANPAK" } })).await;
        assert_eq!(keys(&d["statements"]), ["003-eenduidige-lesaanpak"], "{backend:?}");
        let records = &d["statements"]["nodes"][0]["records"];
        assert_eq!(
            records,
            &json!([
                { "__typename": "Programme", "slug": "jet-net-technet" },
                { "__typename": "Programme", "slug": "betamentality-model" }
            ]),
            "{backend:?}"
        );
        let d = app.data(STATEMENTS, json!({ "f": { "search": "beta&techmentality" } })).await;
        assert_eq!(keys(&d["statements"]), ["003-eenduidige-lesaanpak"], "{backend:?}");

        let d = app
            .data(STATEMENTS, json!({ "f": { "kind": "RECOMMENDATION", "search": "nooit-gezegd-in-enig-document" } }))
            .await;
        assert_eq!(d["statements"]["totalCount"], 0, "{backend:?}");
    }
}

#[actix_web::test]
async fn the_root_list_keeps_the_data_files_order_and_pages_both_ways() {
    let set = data::parse(data::BUNDLED_DATA).expect("the bundled data parses");
    let in_file: Vec<String> = set.statements.iter().map(|s| s.key.clone()).collect();
    assert!(in_file.len() >= 20, "the data set has statements");
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let all = app.data(STATEMENTS, json!({ "first": 100 })).await;
        assert_eq!(all["statements"]["totalCount"], in_file.len(), "{backend:?}");
        let mut forward = Vec::new();
        let mut after = Value::Null;
        loop {
            let d = app.data(STATEMENTS, json!({ "first": 7, "after": after })).await;
            forward.extend(keys(&d["statements"]));
            assert_eq!(d["statements"]["totalCount"], in_file.len(), "{backend:?}: the total of every page");
            if d["statements"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = d["statements"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(keys(&all["statements"]), in_file[..in_file.len().min(100)], "{backend:?}: the first 100");
        assert_eq!(forward, in_file, "{backend:?}: the data file's order, each statement once");

        let mut backward = Vec::new();
        let mut before = Value::Null;
        loop {
            let d = app.data(STATEMENTS, json!({ "last": 7, "before": before })).await;
            let mut page = keys(&d["statements"]);
            page.extend(backward);
            backward = page;
            if d["statements"]["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            before = d["statements"]["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(backward, in_file, "{backend:?}: backwards the same walk");
    }
}

#[actix_web::test]
async fn a_record_lists_the_statements_about_it_and_node_resolves_them() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{
                  programme(slug: "mkb-deal-utrecht-west") { statements { key kind } aims: statements(kind: AIM) { key } }
                  digital: programme(slug: "project-digital-days") { statements(kind: AIM) { id key summary } }
                }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            d["programme"]["statements"],
            json!([
                { "key": "003-utrecht-west-succes", "kind": "SUCCESS_FACTOR" },
                { "key": "003-utrecht-west-opschalen", "kind": "FINDING" }
            ]),
            "{backend:?}"
        );
        assert_eq!(d["programme"]["aims"], json!([]), "{backend:?}");
        let aim = &d["digital"]["statements"][0];
        assert_eq!(aim["key"], "003-digital-days-doel", "{backend:?}");
        let got = app
            .data(
                r#"query($id: ID!) { node(id: $id) { __typename ... on Statement { key summary } } }"#,
                json!({ "id": aim["id"] }),
            )
            .await;
        assert_eq!(got["node"]["__typename"], "Statement", "{backend:?}");
        assert_eq!(got["node"]["key"], aim["key"], "{backend:?}");
        assert_eq!(got["node"]["summary"], aim["summary"], "{backend:?}");
    }
}

#[actix_web::test]
async fn the_statements_filter_refuses_ids_of_other_kinds_and_empty_searches() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let region = app.data(r#"{ region(scheme: PROVINCE, code: "NL-ZE") { id } }"#, json!({})).await;
        for (filter, first) in [
            (json!({ "record": region["region"]["id"] }), json!(5)),
            (json!({ "record": "not-an-id" }), json!(5)),
            (json!({ "search": "  !! " }), json!(5)),
            (json!({ "search": "x".repeat(201) }), json!(5)),
            (json!({ "kind": "OPINION" }), json!(5)),
            (json!({}), json!(101)),
            (json!({}), json!(-1)),
        ] {
            let body = app.query(STATEMENTS, json!({ "f": filter, "first": first })).await;
            let codes = error_codes(&body);
            assert_eq!(codes.len(), 1, "{backend:?} {filter} {first}: {body}");
            assert!(
                matches!(codes[0].as_str(), "BAD_USER_INPUT" | "GRAPHQL_VALIDATION_FAILED"),
                "{backend:?} {filter} {first}: {body}"
            );
            assert!(body["data"].is_null() || body["data"]["statements"].is_null(), "{backend:?}: {body}");
        }
    }
}

#[test]
fn the_data_check_refuses_bad_statements() {
    let mut set = data::parse(data::BUNDLED_DATA).expect("the bundled data parses");
    set.statements[0].kind = "OPINION".into();
    set.statements[1].phrase = "kaders".into();
    set.statements[2].date = Some("2014-13".into());
    set.statements[3].records = vec!["programme:jet-net-technet".into(), "programme:jet-net-technet".into()];
    set.statements[4].stated_by = vec!["organisation:no-such-org".into()];
    set.statements[5].summary = " ".into();
    set.statements[6].key = set.statements[7].key.clone();
    let problems = data::validate(&set).join("\n");
    for expected in [
        "field `kind`: unknown value \"OPINION\"",
        "field `phrase`: 2 to 12 words",
        "field `date`:",
        "field `records`: \"programme:jet-net-technet\" listed twice",
        "field `statedBy`: unknown record \"organisation:no-such-org\"",
        "field `summary`: must not be empty",
    ] {
        assert!(problems.contains(expected), "missing {expected:?} in:\n{problems}");
    }
    let twice = format!("statement {}: defined twice", set.statements[7].key);
    assert!(problems.contains(&twice), "missing {twice:?} in:\n{problems}");
}

#[actix_web::test]
async fn a_filter_of_the_wrong_shape_is_the_callers_error() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        for (query, variables) in [
            ("query($f: StatementFilter) { statements(filter: $f) { totalCount } }", json!({ "f": "AIM" })),
            ("query($f: StatementFilter) { statements(filter: $f) { totalCount } }", json!({ "f": 5 })),
            (
                "query($f: StatementFilter) { statements(filter: $f) { totalCount } }",
                json!({ "f": [{ "kind": "AIM" }] }),
            ),
            ("{ statements(filter: \"AIM\") { totalCount } }", json!({})),
            ("query($f: StatementFilter!) { statements(filter: $f) { totalCount } }", json!({})),
            ("query($f: EventFilter) { events(filter: $f) { totalCount } }", json!({ "f": "x" })),
        ] {
            let body = app.query(query, variables.clone()).await;
            let codes = error_codes(&body);
            assert!(
                !codes.is_empty() && codes.iter().all(|c| c == "BAD_USER_INPUT" || c == "GRAPHQL_VALIDATION_FAILED"),
                "{backend:?} {query} {variables}: {body}"
            );
        }
    }
}
