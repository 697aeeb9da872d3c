//! Relation fields are batched: a nested page costs the same small number of SQL statements
//! whatever its size.

use serde_json::json;

use crate::helpers::{backends, spawn_app};

/// The shape the foundation issue names: programmes × participants × organisations × fundings.
const SHAPE: &str = r#"query($n: Int!) {
  programmes(first: $n, filter: { search: "synthetic" }) {
    totalCount
    nodes { name participants { role organisation { name } } fundings { nodes { amountAwarded { amount } } } } } }"#;

/// A wider query touching most relations.
const NESTED: &str = r#"query($n: Int!) {
  programmes(first: $n, filter: { search: "synthetic" }) {
    totalCount
    nodes { name owner { name }
      participants { role organisation { name participations { role } } }
      fundings(first: 10) { totalCount nodes { amountAwarded { amount } scheme { code } allocations { shareBasisPoints region { name } } } } } } }"#;

async fn statements_per_size(app: &crate::helpers::TestApp, query: &str) -> Vec<u64> {
    let counter = app.db.query_counter();
    let mut costs = Vec::new();
    for n in [1, 50, 100] {
        // Warm the pool first so connection setup is not counted.
        app.data(query, json!({ "n": n })).await;
        let before = counter.get();
        let d = app.data(query, json!({ "n": n })).await;
        costs.push(counter.get() - before);
        let nodes = d["programmes"]["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), n as usize);
        assert!(
            nodes.iter().all(|p| p["participants"].as_array().is_some_and(|a| a.len() == 2)),
            "nested lists are not empty"
        );
        assert!(nodes.iter().all(|p| p["fundings"]["nodes"].as_array().is_some_and(|a| a.len() == 2)));
    }
    costs
}

#[actix_web::test]
async fn a_nested_page_costs_the_same_bounded_number_of_statements_at_any_size() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let set = crate::fixtures::synthetic(120);
        app.with_conn(move |c| techniekpact_api::data::load(c, &set, false).expect("fixture loads")).await;
        let costs = statements_per_size(&app, SHAPE).await;
        assert!(costs.iter().all(|c| *c <= 8), "{backend:?}: statements per request {costs:?}");
        assert!(costs.windows(2).all(|w| w[0] == w[1]), "{backend:?}: cost must not grow with the page: {costs:?}");
        let costs = statements_per_size(&app, NESTED).await;
        assert!(costs.iter().all(|c| *c <= 16), "{backend:?}: statements per request {costs:?}");
        assert!(costs.windows(2).all(|w| w[0] == w[1]), "{backend:?}: cost must not grow with the page: {costs:?}");
    }
}
