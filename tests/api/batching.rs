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

/// Every event with its records, and each record's relations (with both ends), events, items and
/// roles: the model's relation fields are batched too.
const MODEL: &str = r#"query($n: Int!) {
  events(first: $n) {
    totalCount
    nodes { key sources { locator }
      records {
        ... on Programme { slug relations { kind subject { __typename } object { __typename } } events { key } items { label } roles { title person { name } } }
        ... on Organisation { slug relations { kind object { __typename } } events { key } roles { title person { name } } }
        ... on FundingScheme { code conditions { label sources { locator } } relations { kind subject { __typename } } events { key } }
      } } } }"#;

#[actix_web::test]
async fn the_models_relation_fields_are_batched_whatever_the_number_of_events() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let counter = app.db.query_counter();
        let all = app.data("{ events { totalCount } }", json!({})).await["events"]["totalCount"].as_u64().unwrap();
        assert!(all >= 40, "{backend:?}: the data set has {all} events");
        // 40 events with their records, relations and sources stay under a request's cost limit.
        let all = all.min(40);
        let mut costs = Vec::new();
        for n in [all / 2, all] {
            app.data(MODEL, json!({ "n": n })).await;
            // The fewest of three runs: on a loaded machine a DataLoader batch can close before
            // every key of a level is queued and split in two; the batching itself is what counts.
            let mut statements = u64::MAX;
            let mut d = json!(null);
            for _ in 0..3 {
                let before = counter.get();
                d = app.data(MODEL, json!({ "n": n })).await;
                statements = statements.min(counter.get() - before);
            }
            let records: usize = d["events"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["records"].as_array().map_or(0, Vec::len))
                .sum();
            assert!(records as u64 >= n, "{backend:?}: every event has a record");
            assert!(statements <= 20, "{backend:?}: {statements} statements for {n} events and {records} records");
            costs.push(statements);
        }
        // Twice the events cost at most a few more statements (one per record kind the first half
        // lacks: organisations, programmes, schemes, regions, people), never one per event.
        assert!(costs[1] <= costs[0] + 5, "{backend:?}: statements for half and all events: {costs:?}");
    }
}
