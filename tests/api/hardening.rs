//! Abuse and edge cases found by a fresh-eyes review: every answer is a GraphQL-shaped JSON body
//! with `extensions.code`, and nothing a client sends can make the server do unbounded work.

use serde_json::{json, Value};

use crate::helpers::{backends, error_codes, spawn_app};

#[actix_web::test]
async fn fan_out_through_plain_lists_is_refused_as_too_complex() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let ids: Vec<String> = (0..100).map(|_| "T3JnYW5pc2F0aW9uOjE".to_owned()).collect();
        let q = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Organisation { participations { programme { participants { organisation {
                 participations { programme { participants { organisation { participations { programme { id } } } } } } } } } } } } }";
        let body = app.query(q, json!({ "ids": ids })).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{backend:?}: {body}");
    }
}

#[actix_web::test]
async fn request_level_errors_are_json_with_codes() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let huge = format!("{{\"query\":\"{{ __typename {} }}\"}}", " ".repeat(300 * 1024));
        let cases: Vec<(Vec<u8>, u16, &str)> = vec![
            (huge.into_bytes(), 413, "REQUEST_TOO_LARGE"),
            (b"{\"query\":".to_vec(), 400, "BAD_REQUEST"),
            (b"".to_vec(), 400, "BAD_REQUEST"),
            (b"[{\"query\":\"{ __typename }\"}]".to_vec(), 400, "BAD_REQUEST"),
            (b"{\"query\":null}".to_vec(), 400, "BAD_REQUEST"),
            (b"{\"query\":\"{ __typename }\",\"variables\":\"x\"}".to_vec(), 400, "BAD_REQUEST"),
        ];
        for (body, status, code) in cases {
            let (got_status, got) = app.post_raw(body).await;
            assert_eq!((got_status, error_codes(&got)), (status, vec![code.to_owned()]), "{backend:?}: {got}");
        }
        let (status, body) = app.get("/graphql?query=%7B__typename%7D").await;
        assert_eq!(status, 405, "{body}");
        assert!(body.contains("METHOD_NOT_ALLOWED"));
    }
}

#[actix_web::test]
async fn odd_values_get_the_same_clear_answer_on_both_backends() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ organisation(slug: "a\u0000b") { name } region(scheme: PROVINCE, code: "\u0000") { name } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d, json!({ "organisation": null, "region": null }), "{backend:?}");
        let bad = [
            (r#"{ programmes(filter: { updatedAfter: "yesterday" }) { totalCount } }"#, json!({})),
            ("query($f: Int) { programmes(first: $f) { totalCount } }", json!({ "f": 5_000_000_000i64 })),
            (r#"{ regions(filter: { search: "%_" }) { totalCount } }"#, json!({})),
            // "Organisation:01" and "Organisation:+1" are not the canonical ID of organisation 1.
            (r#"{ node(id: "T3JnYW5pc2F0aW9uOjAx") { id } }"#, json!({})),
            (r#"{ node(id: "T3JnYW5pc2F0aW9uOisx") { id } }"#, json!({})),
            (
                "query($k: [FundingStatus!]) { fundings(filter: { status: $k }) { totalCount } }",
                json!({ "k": vec!["PAID"; 101] }),
            ),
        ];
        for (q, vars) in bad {
            let body = app.query(q, vars).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?} {q}: {body}");
        }
        let d = app.data("{ organisations(first: 1) { pageInfo { endCursor } } }", json!({})).await;
        let cursor = d["organisations"]["pageInfo"]["endCursor"].clone();
        let body =
            app.query("query($c: String) { programmes(after: $c) { totalCount } }", json!({ "c": cursor })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "a cursor of one list is refused by another: {body}");
        let d = app.data(r#"{ a: programmes(filter: { search: "jet net" }) { totalCount } b: programmes(filter: { search: "Jet-Net TechNet" }) { totalCount } }"#, json!({})).await;
        assert!(
            d["a"]["totalCount"].as_i64().unwrap() >= 1 && d["b"]["totalCount"].as_i64().unwrap() >= 1,
            "{backend:?}: {d}"
        );
    }
}

#[actix_web::test]
async fn fields_come_back_in_the_order_asked_and_nodes_are_batched() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let body = app.query(r#"{ c: fundingScheme(code: "RIF") { z: code name y: displayName } a: organisation(slug: "sbb") { name } b: regions(first: 1) { totalCount } }"#, json!({})).await;
        let keys: Vec<&String> = body["data"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["c", "a", "b"], "{backend:?}");
        let inner: Vec<&String> = body["data"]["c"].as_object().unwrap().keys().collect();
        assert_eq!(inner, ["z", "name", "y"]);
        let d = app.data("{ organisations(first: 50) { nodes { id } } }", json!({})).await;
        let ids: Vec<Value> = d["organisations"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].clone()).collect();
        let counter = app.db.query_counter();
        let before = counter.get();
        let d = app.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": ids })).await;
        assert_eq!(d["nodes"].as_array().map(Vec::len), Some(50));
        assert!(
            counter.get() - before <= 2,
            "{backend:?}: 50 IDs of one type are one statement, got {}",
            counter.get() - before
        );
    }
}
