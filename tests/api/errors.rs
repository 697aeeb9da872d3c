//! Every error carries `extensions.code`; bad input names the argument; limits are enforced.

use serde_json::json;

use crate::helpers::{backends, error_codes, spawn_app};

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
