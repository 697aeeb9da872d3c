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

/// True when some list or non-null scalar in the value is non-empty (zero counts as content).
fn has_content(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => a.iter().any(has_content),
        Value::Object(o) => o.values().any(has_content),
        Value::String(s) => !s.is_empty(),
        _ => true,
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
            for (field, value) in body["data"].as_object().into_iter().flatten() {
                assert!(has_content(value), "{backend:?}: README example field `{field}` is empty:\n{block}");
            }
        }
    }
}

#[test]
fn the_readme_data_table_is_the_output_of_stats() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let start = readme.find("<!-- stats:begin -->\n").expect("a stats:begin marker") + "<!-- stats:begin -->\n".len();
    let end = readme.find("<!-- stats:end -->").expect("a stats:end marker");
    let set = techniekpact_api::data::parse(techniekpact_api::data::BUNDLED_DATA).expect("data");
    assert_eq!(
        &readme[start..end],
        techniekpact_api::data::stats(&set),
        "README's data table is out of date: replace it with the output of `cargo run -- stats`"
    );
}
