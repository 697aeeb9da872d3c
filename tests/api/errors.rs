//! Every error carries `extensions.code`; bad input names the argument; limits are enforced.

use serde_json::json;

use crate::helpers::{backends, error_codes, spawn_app};
use crate::served::Served;

#[actix_web::test]
async fn page_sizes_outside_1_to_100_are_bad_user_input_naming_the_argument() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        for (args, argument) in
            [("first: 0", "first"), ("first: 101", "first"), ("last: -1", "last"), ("last: 500", "last")]
        {
            let body = app.query(&format!("{{ programmes({args}) {{ totalCount }} }}"), json!({})).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?} {args}: {body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains(&format!("`{argument}`")), "{body}");
        }
        let body = app.query("{ regions(first: 2, last: 2) { totalCount } }", json!({})).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    }
}

#[actix_web::test]
async fn bad_ids_cursors_and_filter_values_are_bad_user_input() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let cases = [
            r#"{ node(id: "not-an-id") { id } }"#,
            r#"{ node(id: "UmVnaW9uOi0x") { id } }"#,
            r#"{ organisations(after: "bm9wZQ") { totalCount } }"#,
            r#"{ programmes(filter: { region: "not-an-id" }) { totalCount } }"#,
            r#"{ programmes(filter: { period: { from: "2014-13" } }) { totalCount } }"#,
            r#"{ programmes(filter: { period: { from: "2018", to: "2014" } }) { totalCount } }"#,
        ];
        for q in cases {
            let body = app.query(q, json!({})).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?} {q}: {body}");
        }
        // A cursor made for one ordering is refused under another.
        let d = app.data(r#"{ organisations(first: 1) { pageInfo { endCursor } } }"#, json!({})).await;
        let cursor = d["organisations"]["pageInfo"]["endCursor"].clone();
        let body = app
            .query(
                "query($c: String) { organisations(after: $c, orderBy: { field: UPDATED_AT }) { totalCount } }",
                json!({ "c": cursor }),
            )
            .await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        // An ID of another type where a Region is expected names the argument.
        let id = app.data(r#"{ organisations(first: 1) { nodes { id } } }"#, json!({})).await["organisations"]["nodes"]
            [0]["id"]
            .clone();
        let body = app
            .query("query($id: ID!) { programmes(filter: { region: $id }) { totalCount } }", json!({ "id": id }))
            .await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("filter.region"), "{body}");
    }
}

#[actix_web::test]
async fn engine_errors_have_codes_too() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let body = app.query("{ regions { ", json!({})).await;
        assert_eq!(error_codes(&body), ["GRAPHQL_PARSE_FAILED"], "{backend:?}: {body}");
        let body = app.query("{ regions { nodes { noSuchField } } }", json!({})).await;
        assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"], "{body}");
        let too_big = "{ programmes(first: 100) { nodes { fundings(first: 100) { nodes { programme { fundings(first: 100) { totalCount } } } } } } }";
        let body = app.query(too_big, json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
        let deep = "{ regions { nodes { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } }";
        let body = app.query(deep, json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
        let body = app.query("{ nodes(ids: []) { id } }", json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
}

#[actix_web::test]
async fn a_failed_batch_is_logged_once_with_its_cause_and_the_request_id() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let served = Served::start("info", true);
    // Break the table one batched relation reads: every programme's `regions` field fails together.
    let mut conn = diesel::SqliteConnection::establish(&served.database_url).unwrap();
    conn.batch_execute("PRAGMA foreign_keys = OFF; DROP TABLE programme_region").unwrap();
    let mut response = awc::Client::default()
        .post(served.graphql_url())
        .insert_header(("x-request-id", "batch-broken-1"))
        .send_json(&json!({ "query": "{ programmes(first: 5) { nodes { name regions { name } } } }" }))
        .await
        .unwrap();
    let body: serde_json::Value = response.json().limit(1 << 20).await.unwrap();
    let codes = error_codes(&body);
    assert!(codes.len() > 1 && codes.iter().all(|c| c == "INTERNAL"), "one error per waiting field: {body}");
    assert!(body["errors"].as_array().unwrap().iter().all(|e| e["extensions"]["requestId"] == "batch-broken-1"));
    assert!(!body.to_string().contains("programme_region"), "no detail is sent: {body}");
    // The log line comes before the request's access line (logged after the response is built).
    let lines = served.json_until(|v| v["message"] == "request" && v["request_id"] == "batch-broken-1");
    let internal: Vec<_> = lines.iter().filter(|v| v["message"] == "internal error").collect();
    assert_eq!(internal.len(), 1, "logged once: {lines:?}");
    assert_eq!(internal[0]["request_id"], "batch-broken-1", "{:?}", internal[0]);
    let cause = internal[0]["error.cause"].as_str().unwrap_or_default();
    assert!(cause.contains("programme_region"), "the cause is kept: {cause}");
}

#[actix_web::test]
async fn an_id_of_the_wrong_type_is_named_with_its_article() {
    use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};
    use techniekpact_api::ids::NodeType;
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let update = "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { userErrors { field message code } } }";
        let input = json!({ "input": { "id": w.id(NodeType::Programme, w.ids.p), "expectedVersion": 1 } });
        let (_, body) = w.app.query_as(Some(&token), update, input).await;
        let error = &body["data"]["updateOrganisation"]["userErrors"][0];
        assert_eq!(error["code"], "INVALID", "{backend:?}: {body}");
        assert_eq!(error["message"], "`input.id` is not the ID of an Organisation", "{backend:?}: {body}");
    }
}
