//! The committed SDL is the public contract: it must equal what the code prints, and every type and
//! field in it must be described.

use techniekpact_api::graphql::sdl;

#[test]
fn schema_graphql_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap_or_default();
    let printed = sdl();
    assert!(
        committed == printed,
        "schema.graphql differs from the schema in the code. If the change is intended, regenerate it with\n    \
         cargo run -- print-schema > schema.graphql\nand commit it."
    );
}

#[test]
fn every_type_field_and_argument_has_a_description() {
    let schema = techniekpact_api::graphql::schema_builder().finish();
    let query = r#"{ __schema { types { name kind description
        fields { name description args { name description } }
        inputFields { name description } enumValues { name description } } } }"#;
    let response = futures_executor(schema.execute(query));
    let data = response.data.into_json().expect("json");
    let mut missing = Vec::new();
    for t in data["__schema"]["types"].as_array().expect("types") {
        let name = t["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if t["description"].as_str().is_none_or(str::is_empty) {
            missing.push(format!("type {name}"));
        }
        for f in t["fields"].as_array().into_iter().flatten().chain(t["inputFields"].as_array().into_iter().flatten()) {
            let field = f["name"].as_str().unwrap_or_default();
            if f["description"].as_str().is_none_or(str::is_empty) {
                missing.push(format!("field {name}.{field}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if a["description"].as_str().is_none_or(str::is_empty) {
                    missing.push(format!("argument {name}.{field}({})", a["name"].as_str().unwrap_or_default()));
                }
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if v["description"].as_str().is_none_or(str::is_empty) {
                missing.push(format!("enum value {name}.{}", v["name"].as_str().unwrap_or_default()));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented schema items:\n  {}", missing.join("\n  "));
}

fn futures_executor<F: std::future::Future>(f: F) -> F::Output {
    actix_web::rt::System::new().block_on(f)
}
