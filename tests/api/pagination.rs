//! Relay paging: walking every page forwards and backwards gives every row once, in order, under
//! each ordering; ties in the sort key never skip or repeat rows.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::{backends, spawn_app, TestApp};

const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String, $order: OrderBy) {
  organisations(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name } } } }";

async fn walk(app: &TestApp, order: Value, size: i64, backward: bool) -> (Vec<String>, i64) {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut total = 0;
    for _ in 0..1000 {
        let vars = if backward {
            json!({ "last": size, "before": cursor, "order": order })
        } else {
            json!({ "first": size, "after": cursor, "order": order })
        };
        let d = app.data(PAGE, vars).await;
        let conn = &d["organisations"];
        total = conn["totalCount"].as_i64().expect("totalCount");
        let mut page: Vec<String> = conn["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(page.len() as i64 <= size);
        if backward {
            page.reverse();
        }
        ids.extend(page);
        let info = &conn["pageInfo"];
        let more = if backward { info["hasPreviousPage"].as_bool() } else { info["hasNextPage"].as_bool() };
        if more != Some(true) {
            break;
        }
        cursor = (if backward { info["startCursor"].as_str() } else { info["endCursor"].as_str() }).map(String::from);
    }
    if backward {
        ids.reverse();
    }
    (ids, total)
}

#[actix_web::test]
async fn every_row_appears_once_forwards_and_backwards_under_every_order() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        // 41 organisations; loaded in one transaction, so UPDATED_AT has many ties.
        let set = crate::fixtures::synthetic(40);
        app.with_conn(move |c| techniekpact_api::data::load(c, &set, false).expect("fixture loads")).await;
        for order in [
            json!({ "field": "NAME", "direction": "ASC" }),
            json!({ "field": "NAME", "direction": "DESC" }),
            json!({ "field": "UPDATED_AT", "direction": "ASC" }),
            json!({ "field": "UPDATED_AT", "direction": "DESC" }),
        ] {
            let (forward, total) = walk(&app, order.clone(), 7, false).await;
            assert_eq!(total, 41, "{backend:?}");
            assert_eq!(forward.len(), 41, "{backend:?} {order}: every row once");
            assert_eq!(forward.iter().collect::<HashSet<_>>().len(), 41, "{backend:?} {order}: no repeats");
            let (backward, _) = walk(&app, order.clone(), 6, true).await;
            assert_eq!(forward, backward, "{backend:?} {order}: backwards paging gives the same order");
            let (whole, _) = walk(&app, order.clone(), 100, false).await;
            assert_eq!(forward, whole, "{backend:?} {order}: page size does not change the order");
        }
        let d = app.data(PAGE, json!({ "first": 3, "order": { "field": "NAME" } })).await;
        let names: Vec<&str> = d["organisations"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Organisatie 000", "Organisatie 001", "Organisatie 002"], "{backend:?}");
    }
}

#[actix_web::test]
async fn nested_connections_page_with_the_same_rules() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let set = crate::fixtures::synthetic(5);
        app.with_conn(move |c| techniekpact_api::data::load(c, &set, false).expect("fixture loads")).await;
        let q = r#"query($after: String) { region(scheme: LANDSDEEL, code: "TEST-L") { fundings(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { key } } } }"#;
        let first = app.data(q, json!({})).await;
        let conn = &first["region"]["fundings"];
        assert_eq!(conn["totalCount"], 10, "{backend:?}");
        assert_eq!(conn["pageInfo"]["hasNextPage"], true);
        let second = app.data(q, json!({ "after": conn["pageInfo"]["endCursor"] })).await;
        let keys: Vec<Value> = conn["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .chain(second["region"]["fundings"]["nodes"].as_array().unwrap())
            .cloned()
            .collect();
        assert_eq!(keys.len(), 8);
        assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 8);
        assert_eq!(keys[0]["key"], "split-000");
    }
}
