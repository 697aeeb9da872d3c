//! Every GraphQL block in README.md runs against the shipped data without errors and returns data,
//! so the README cannot drift from the API.

use serde_json::{json, Value};

use crate::helpers::{backends, spawn_app};

fn graphql_blocks(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```graphql") => current = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// True when some list or non-null scalar in the data is non-empty.
fn has_content(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => a.iter().any(has_content),
        Value::Object(o) => o.values().any(has_content),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn all_lists_non_empty(v: &Value, path: &str, empty: &mut Vec<String>) {
    match v {
        Value::Array(a) if a.is_empty() => empty.push(path.to_owned()),
        Value::Array(a) => a.iter().for_each(|x| all_lists_non_empty(x, path, empty)),
        Value::Object(o) => o.iter().for_each(|(k, x)| all_lists_non_empty(x, &format!("{path}.{k}"), empty)),
        _ => {}
    }
}

#[actix_web::test]
async fn every_graphql_example_in_the_readme_returns_data() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let blocks = graphql_blocks(&readme);
    assert!(blocks.len() >= 3, "the README shows at least three example queries");
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        for block in &blocks {
            let body = app.query(block, json!({})).await;
            assert!(body.get("errors").is_none(), "{backend:?}: README example failed:\n{block}\n{body:#}");
            assert!(has_content(&body["data"]), "{backend:?}: README example returned no data:\n{block}");
            let top: Vec<&Value> = body["data"].as_object().map(|o| o.values().collect()).unwrap_or_default();
            let mut empty = Vec::new();
            for v in top {
                all_lists_non_empty(v, "data", &mut empty);
            }
            // Only the first level of lists must be non-empty; nested empties are fine (e.g. a region without fundings).
            let top_level_empty: Vec<&String> = empty.iter().filter(|p| p.matches('.').count() <= 3).collect();
            assert!(top_level_empty.is_empty(), "{backend:?}: README example has empty lists {top_level_empty:?}:\n{block}");
        }
    }
}
