//! What one request may cost: nesting, reports, mutations, connections and introspection, and
//! inputs that must be refused cleanly (Defects 1/4).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use techniekpact_api::ids::NodeType as T;

use crate::helpers::{backends, digest, error_codes, spawn_app, spawn_app_with, Backend, TestApp};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

/// `[[[ … true … ]]]` nested `n` deep.
fn nested_list(n: usize) -> String {
    format!("{}true{}", "[".repeat(n), "]".repeat(n))
}

/// `{a: {a: … 1 … }}` nested `n` deep.
fn nested_object(n: usize) -> String {
    format!("{}1{}", "{a: ".repeat(n), "}".repeat(n))
}

/// One query per position where a value can be written.
fn nested_documents(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("argument list", format!("{{ nodes(ids: {}) {{ id }} }}", nested_list(n))),
        ("input object", format!("{{ programmes(filter: {}) {{ totalCount }} }}", nested_object(n))),
        ("directive", format!("{{ __typename @skip(if: {}) }}", nested_list(n))),
        ("variable default", format!("query($v: [ID] = {}) {{ __typename }}", nested_list(n))),
    ]
}

async fn still_answers(app: &TestApp, what: &str) {
    let body = app.query("{ __typename }", json!({})).await;
    assert_eq!(body["data"]["__typename"], "QueryRoot", "{:?} after {what}: {body}", app.backend);
}

#[actix_web::test]
async fn deeply_nested_values_are_refused_with_a_code_and_the_server_keeps_answering() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        for n in [10, 1_000, 5_000, 100_000] {
            for (position, query) in nested_documents(n) {
                let (status, body) = app.post_raw(serde_json::to_vec(&json!({ "query": query })).unwrap()).await;
                let codes = error_codes(&body);
                if n == 10 {
                    assert!(!codes.contains(&"NESTED_TOO_DEEP".to_owned()), "{backend:?} {position} {n}: {body}");
                } else {
                    // Too deep, or (100,000 nested objects) larger than the body limit: a coded error.
                    assert!(
                        codes == ["NESTED_TOO_DEEP"] || (n == 100_000 && codes == ["REQUEST_TOO_LARGE"]),
                        "{backend:?} {position} {n}: {status} {body}"
                    );
                    assert!(status == 400 || status == 413, "{position} {n}: {status}");
                }
                still_answers(&app, position).await;
            }
            // The variables' JSON.
            let (open, close) = ("[".repeat(n), "]".repeat(n));
            let body =
                format!(r#"{{"query": "query($v: JSON) {{ __typename }}", "variables": {{"v": {open}1{close}}}}}"#);
            let (status, body) = app.post_raw(body.into_bytes()).await;
            let codes = error_codes(&body);
            if n == 10 {
                assert!(!codes.contains(&"NESTED_TOO_DEEP".to_owned()), "{backend:?} variables {n}: {body}");
            } else {
                assert_eq!(codes, ["NESTED_TOO_DEEP"], "{backend:?} variables {n}: {status} {body}");
                assert_eq!(status, 400);
            }
            still_answers(&app, "variables").await;
        }
    }
}

#[actix_web::test]
async fn brackets_inside_strings_and_comments_do_not_count_as_nesting() {
    let app = spawn_app(Backend::Sqlite, false).await;
    let brackets = "[".repeat(5_000);
    let queries = [
        format!(r#"{{ __type(name: "{brackets}") {{ name }} }}"#),
        format!("{{ __type(name: \"\"\"{brackets}\"\"\") {{ name }} }}"),
        format!("{{ __type(name: \"a\\\"{brackets}\") {{ name }} }}"),
        format!("{{ organisations {{ totalCount }} }}\n# {brackets}\n"),
    ];
    for query in queries {
        let body = app.query(&query, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let body = app.query("query($s: String!) { __type(name: $s) { name } }", json!({ "s": brackets })).await;
    assert!(body.get("errors").is_none(), "{body}");
}

const REPORT: &str = "fundingByRegion(level: LANDSDEEL) { grandTotal { amount } }";

fn aliased_reports(n: usize) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("r{i}: {REPORT}")).collect();
    format!("{{ {} }}", fields.join(" "))
}

#[actix_web::test]
async fn ten_reports_run_while_others_read_and_eleven_are_refused_before_anything_runs() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let readers = (0..16).map(|i| {
            let app = &app;
            async move {
                let mut bodies = Vec::new();
                for _ in 0..3 {
                    let q = if i % 2 == 0 {
                        "{ programmes(first: 20) { nodes { name participants { organisation { name } } } } }"
                    } else {
                        "{ organisations(first: 20, filter: { search: \"techniek\" }) { totalCount nodes { name } } }"
                    };
                    bodies.push(app.query(q, json!({})).await);
                }
                bodies
            }
        });
        let reports = async { app.query(&aliased_reports(10), json!({})).await };
        let (report, readers) = futures_util::join!(reports, futures_util::future::join_all(readers));
        assert!(report.get("errors").is_none(), "{backend:?}: {report}");
        assert_eq!(report["data"].as_object().unwrap().len(), 10);
        for body in readers.into_iter().flatten() {
            assert!(!error_codes(&body).contains(&"INTERNAL".to_owned()), "{backend:?}: {body}");
        }

        let before = app.db.query_counter().get();
        let body = app.query(&aliased_reports(11), json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{backend:?}: {body}");
        assert!(body["data"].is_null(), "{body}");
        assert_eq!(app.db.query_counter().get(), before, "{backend:?}: statements ran for a refused request");
    }
}

#[actix_web::test]
async fn more_root_mutations_than_the_limit_are_refused_before_anything_is_written() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let fields = |n: usize| {
            let f: Vec<String> = (0..n)
                .map(|i| format!(r#"m{i}: createProgramme(input: {{ name: "Batch {i}", kind: PROJECT }}) {{ programme {{ id }} userErrors {{ code }} }}"#))
                .collect();
            format!("mutation {{ {} }}", f.join(" "))
        };
        let before = w.app.with_conn(digest).await;
        let (_, body) = w.app.query_as(Some(&token), &fields(11), json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{backend:?}: {body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("10"), "{body}");
        assert_eq!(w.app.with_conn(digest).await, before, "{backend:?}: a refused batch wrote rows");
        // Fragments do not hide root fields.
        let hidden = format!(
            "mutation {{ ...M }} fragment M on MutationRoot {{ {} }}",
            (0..11)
                .map(|i| format!(
                    r#"m{i}: createProgramme(input: {{ name: "F {i}", kind: PROJECT }}) {{ userErrors {{ code }} }}"#
                ))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let (_, body) = w.app.query_as(Some(&token), &hidden, json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{backend:?}: {body}");
        // Ten are fine.
        let (_, body) = w.app.query_as(Some(&token), &fields(10), json!({})).await;
        assert!(body.get("errors").is_none(), "{backend:?}: {body}");
        assert_eq!(body["data"].as_object().unwrap().len(), 10);
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/introspection/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("introspection fixture")
}

/// Type name → field names (fields, input fields or enum values), read from `schema.graphql`.
fn committed_types() -> BTreeMap<String, BTreeSet<String>> {
    let sdl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).expect("schema.graphql");
    let mut types = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_description = false;
    let mut paren = 0usize;
    for line in sdl.lines() {
        let t = line.trim();
        if t.starts_with("\"\"\"") {
            // A one-line description opens and closes on the same line.
            if !(t.len() > 3 && t.ends_with("\"\"\"")) {
                in_description = !in_description;
            }
            continue;
        }
        if in_description {
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if let ["type" | "input" | "enum" | "interface", name, ..] = words.as_slice() {
            current = Some((*name).to_owned());
            types.entry((*name).to_owned()).or_insert_with(BTreeSet::new);
            continue;
        }
        if let ["scalar" | "union", name, ..] = words.as_slice() {
            types.entry((*name).to_owned()).or_insert_with(BTreeSet::new);
            continue;
        }
        if t == "}" && paren == 0 {
            current = None;
            continue;
        }
        if let Some(name) = &current {
            if paren == 0 && !t.is_empty() && line.starts_with('\t') && !line.starts_with("\t\t") {
                let field: String = t.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                types.get_mut(name).expect("type").insert(field);
            }
            paren += t.matches('(').count();
            paren -= t.matches(')').count().min(paren);
        }
    }
    types.remove("schema");
    types
}

fn introspected_types(data: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut types = BTreeMap::new();
    for t in data["__schema"]["types"].as_array().expect("types") {
        let name = t["name"].as_str().expect("name");
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        let names: BTreeSet<String> = ["fields", "inputFields", "enumValues"]
            .iter()
            .flat_map(|k| t[*k].as_array().into_iter().flatten())
            .map(|f| f["name"].as_str().expect("field name").to_owned())
            .collect();
        types.insert(name.to_owned(), names);
    }
    types
}

#[actix_web::test]
async fn the_standard_introspection_queries_of_graphql_js_and_graphql_core_succeed() {
    let app = spawn_app(Backend::Sqlite, false).await;
    let committed = committed_types();
    assert!(committed.contains_key("QueryRoot") && committed.len() > 50, "{committed:?}");
    for name in ["graphql-js-16.graphql", "graphql-core-3.2.graphql"] {
        let body = app.query(&fixture(name), json!({})).await;
        assert!(body.get("errors").is_none(), "{name}: {body}");
        assert_eq!(introspected_types(&body["data"]), committed, "{name}: the answer differs from schema.graphql");
        assert_eq!(body["data"]["__schema"]["queryType"]["name"], "QueryRoot");
    }
}

#[actix_web::test]
async fn introspection_gets_its_own_budget_but_data_beside_it_and_disguises_do_not() {
    let app = spawn_app(Backend::Sqlite, false).await;
    let deep_data = "regions { nodes { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } }";
    let of_type = |n: usize| format!("{}name{}", "ofType { ".repeat(n), " }".repeat(n));
    let refused = [
        // A deep data selection beside introspection is still limited.
        format!("{{ __schema {{ queryType {{ name }} }} {deep_data} }}"),
        // An ofType chain of 12.
        format!("{{ __type(name: \"QueryRoot\") {{ fields {{ type {{ {} }} }} }} }}", of_type(12)),
        // `fields { type { fields { type { fields …` fans out.
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }".to_owned(),
        // `__schema` as an alias of a data field, or as a fragment name, is no introspection.
        format!("{{ __schema: {deep_data} }}"),
        format!("{{ ...__schema }} fragment __schema on QueryRoot {{ {deep_data} }}"),
    ];
    for q in refused {
        let body = app.query(&q, json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{q}: {body}");
    }
    let body = app
        .query(&format!("{{ __type(name: \"QueryRoot\") {{ fields {{ type {{ {} }} }} }} }}", of_type(10)), json!({}))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[actix_web::test]
async fn duplicate_ids_in_a_list_input_are_merged_not_refused_with_a_constraint_name() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let region = w.id(T::Region, w.ids.region);
        let version = w
            .app
            .data(
                "query($id: ID!) { node(id: $id) { ... on Organisation { version } } }",
                json!({ "id": w.id(T::Organisation, w.ids.org_a) }),
            )
            .await["node"]["version"]
            .clone();
        let update = "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { homeRegions { id } } userErrors { field message code } } }";
        let input = json!({ "input": { "id": w.id(T::Organisation, w.ids.org_a), "expectedVersion": version, "homeRegionIds": [region, region] } });
        let (_, body) = w.app.query_as(Some(&token), update, input).await;
        assert!(body.get("errors").is_none(), "{backend:?}: {body}");
        assert_eq!(body["data"]["updateOrganisation"]["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(body["data"]["updateOrganisation"]["organisation"]["homeRegions"], json!([{ "id": region }]));

        let create = "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { programme { regions { id } targetGroups } userErrors { field message code } } }";
        let input = json!({ "input": { "name": "Dubbel", "kind": "PROJECT", "regionIds": [region, region], "targetGroups": ["PO", "PO"] } });
        let (_, body) = w.app.query_as(Some(&token), create, input).await;
        assert_eq!(body["data"]["createProgramme"]["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(body["data"]["createProgramme"]["programme"]["regions"], json!([{ "id": region }]));
        assert_eq!(body["data"]["createProgramme"]["programme"]["targetGroups"], json!(["PO"]));
    }
}

#[actix_web::test]
async fn a_json_number_or_a_sloppy_decimal_for_money_is_bad_user_input_naming_the_argument() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let record = "mutation($input: RecordFundingInput!) { recordFunding(input: $input) { funding { id } userErrors { field code } } }";
        let scheme = w.id(T::FundingScheme, w.ids.scheme);
        let before = w.app.with_conn(digest).await;
        for amount in
            [json!(12.5), json!(12), json!(" 12.00"), json!("12."), json!("00012.50"), json!("1e3"), json!("+5")]
        {
            let input = json!({ "input": { "schemeId": scheme, "amountAwarded": amount } });
            let (_, body) = w.app.query_as(Some(&token), record, input).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?} {amount}: {body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("amountAwarded"), "{amount}: {body}");
        }
        // As a literal in the query too.
        let literal = format!("mutation {{ recordFunding(input: {{ schemeId: \"{scheme}\", amountAwarded: 12.5 }}) {{ funding {{ id }} }} }}");
        let (_, body) = w.app.query_as(Some(&token), &literal, json!({})).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?}: {body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("amountAwarded"), "{body}");
        assert_eq!(w.app.with_conn(digest).await, before);
        // The exact form is accepted.
        for amount in ["12", "12.5", "12.50", "0.07", "0"] {
            let input = json!({ "input": { "schemeId": scheme, "amountAwarded": amount } });
            let (_, body) = w.app.query_as(Some(&token), record, input).await;
            assert_eq!(body["data"]["recordFunding"]["userErrors"], json!([]), "{backend:?} {amount}: {body}");
        }
    }
}

#[actix_web::test]
async fn dates_outside_1900_to_2100_are_refused_and_text_is_stored_in_nfc() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let record = "mutation($input: RecordFundingInput!) { recordFunding(input: $input) { funding { id } userErrors { field code } } }";
        let scheme = w.id(T::FundingScheme, w.ids.scheme);
        for date in ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"] {
            let input = json!({ "input": { "schemeId": scheme, "amountAwarded": "5", "awardDate": date } });
            let (_, body) = w.app.query_as(Some(&token), record, input).await;
            assert_eq!(
                body["data"]["recordFunding"]["userErrors"],
                json!([{ "field": ["input", "awardDate"], "code": "OUT_OF_RANGE" }]),
                "{backend:?} {date}: {body}"
            );
        }
        let create = "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { programme { name } userErrors { field code } } }";
        let nfd = "Frysla\u{0302}n techniek";
        let (_, body) =
            w.app.query_as(Some(&token), create, json!({ "input": { "name": nfd, "kind": "PROJECT" } })).await;
        assert_eq!(
            body["data"]["createProgramme"]["programme"]["name"], "Frysl\u{e2}n techniek",
            "{backend:?}: {body}"
        );
    }
}

#[actix_web::test]
async fn the_decimal_scalar_states_its_form_and_datetime_its_specification() {
    let sdl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert!(sdl.contains("-?(0|[1-9][0-9]*)(\\.[0-9]{1,2})?"), "the Decimal description states its form");
    assert!(sdl.contains("scalar DateTime @specifiedBy(url: \"https://datatracker.ietf.org/doc/html/rfc3339\")"));
}

#[actix_web::test]
async fn no_free_connection_within_the_wait_is_service_unavailable_with_retry_after() {
    for backend in backends() {
        let app = spawn_app_with(backend, false, |s| {
            s.db_pool_size = 1;
            s.db_pool_timeout = std::time::Duration::from_millis(300);
        })
        .await;
        // Hold the pool's only connection.
        let db = app.db.clone();
        let (taken_tx, taken_rx) = std::sync::mpsc::channel::<()>();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            let _conn = db.get().expect("the only connection");
            taken_tx.send(()).ok();
            release_rx.recv().ok();
        });
        taken_rx.recv().expect("the holder took the connection");
        let (status, retry_after, body) = app.query_with_retry_after(None, "{ regions { totalCount } }").await;
        assert_eq!(error_codes(&body), ["SERVICE_UNAVAILABLE"], "{backend:?}: {body}");
        assert_eq!((status, retry_after.as_deref()), (503, Some("1")), "{backend:?}: {body}");
        // With data beside the failed field: 200 and the field error.
        let (status, _, body) = app.query_with_retry_after(None, "{ __typename regions { totalCount } }").await;
        assert_eq!((status, error_codes(&body)), (200, vec!["SERVICE_UNAVAILABLE".to_owned()]), "{body}");
        release_tx.send(()).ok();
        holder.join().expect("holder");
        still_answers(&app, "the pool came free").await;
    }
}

#[actix_web::test]
async fn an_sqlite_write_lock_held_past_the_wait_is_service_unavailable() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let w = World::new(Backend::Sqlite).await;
    let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
    let path = w.app.settings.database_url.trim_start_matches("sqlite://").to_owned();
    let mut other = diesel::SqliteConnection::establish(&path).expect("a second connection");
    other.batch_execute("BEGIN IMMEDIATE").expect("the write lock");
    let create = r#"mutation { createProgramme(input: { name: "Locked", kind: PROJECT }) { programme { id } } }"#;
    let (status, retry_after, body) = w.app.query_with_retry_after(Some(&token), create).await;
    assert_eq!(error_codes(&body), ["SERVICE_UNAVAILABLE"], "{body}");
    assert_eq!((status, retry_after.as_deref()), (503, Some("1")));
    other.batch_execute("ROLLBACK").expect("release");
    let (_, body) = w.app.query_as(Some(&token), create, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[actix_web::test]
async fn sqlite_writers_waiting_for_the_lock_take_turns_in_arrival_order() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    // Left to SQLite's busy handler, waiting writers retry after growing sleeps, so one that came
    // later (shorter sleeps) usually wins the lock first, and under load the unlucky one runs out of
    // time (`SERVICE_UNAVAILABLE`; the load measurement's pair (d) saw 3–6 per run).
    let w = World::new_with(Backend::Sqlite, |s| s.db_pool_timeout = std::time::Duration::from_secs(3)).await;
    let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
    let path = w.app.settings.database_url.trim_start_matches("sqlite://").to_owned();
    let mut other = diesel::SqliteConnection::establish(&path).expect("a second connection");
    other.batch_execute("BEGIN IMMEDIATE").expect("the write lock");
    let create = r#"mutation($i: CreateProgrammeInput!) { createProgramme(input: $i) { programme { id } userErrors { code } } }"#;
    let send = |name: String, after_ms: u64| {
        let (w, token) = (&w, &token);
        async move {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(after_ms)).await;
            let (_, body) =
                w.app.query_as(Some(token), create, json!({ "i": { "name": name, "kind": "PROJECT" } })).await;
            body
        }
    };
    // The first writer waits on the lock alone for a while (its retries are 100 ms apart by now);
    // seven more come just before the lock is released (their first retries are milliseconds apart).
    let writers = (0..8).map(|i| send(format!("Beurt {i}"), if i == 0 { 0 } else { 1170 }));
    let release = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(1200)).await;
        other.batch_execute("ROLLBACK").expect("release");
    };
    let (bodies, ()) = futures_util::join!(futures_util::future::join_all(writers), release);
    for body in &bodies {
        assert!(
            body.get("errors").is_none() && body["data"]["createProgramme"]["programme"]["id"].is_string(),
            "{body}"
        );
    }
    let q = "{ programmes(first: 100, orderBy: { field: UPDATED_AT, direction: ASC }) { nodes { name } } }";
    let d = w.app.data(q, json!({})).await;
    let order: Vec<&str> = d["programmes"]["nodes"]
        .as_array()
        .expect("programmes")
        .iter()
        .filter_map(|n| n["name"].as_str())
        .filter(|n| n.starts_with("Beurt "))
        .collect();
    assert_eq!(order.len(), 8, "{d}");
    assert_eq!(order[0], "Beurt 0", "the writer that waited longest writes first: {order:?}");
}

/// `F0 { __typename }`, `F(i) { ...F(i-1) ...F(i-1) }`: 2^n fields from a 1 KB document.
fn fragment_bomb(n: usize, on: &str) -> String {
    let mut doc = format!("fragment F0 on {on} {{ __typename }}");
    for i in 1..=n {
        doc.push_str(&format!(" fragment F{i} on {on} {{ ...F{p} ...F{p} }}", p = i - 1));
    }
    doc
}

#[actix_web::test]
async fn fragment_bombs_and_repeated_introspection_are_refused_before_they_run() {
    let app = spawn_app(Backend::Sqlite, false).await;
    // Found by the attack review: 30 levels ran for minutes on a worker.
    for n in [14, 30] {
        let body = app.query(&format!("{{ ...F{n} }} {}", fragment_bomb(n, "QueryRoot")), json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{n}: {body}");
        let body = app.query(&format!("mutation {{ ...F{n} }} {}", fragment_bomb(n, "MutationRoot")), json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "mutation {n}: {body}");
    }
    // Found by the code review: a doubling chain that ends in an unknown fragment, and a chain of
    // 6,000 fragments each spreading the next (a stack overflow in a recursive walk).
    let unknown_leaf = fragment_bomb(40, "QueryRoot")
        .replace("fragment F0 on QueryRoot { __typename }", "fragment F0 on QueryRoot { ...Nope }");
    let body = app.query(&format!("{{ ...F40 }} {unknown_leaf}"), json!({})).await;
    assert!(!error_codes(&body).is_empty() && body["data"].is_null(), "{body}");
    let chain: String = (0..6_000).map(|i| format!("fragment a{i} on QueryRoot{{...a{}}}", i + 1)).collect();
    let body = app.query(&format!("{{...a0}}{chain}fragment a6000 on QueryRoot{{__typename}}"), json!({})).await;
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
    // Aliases inside introspection multiply it.
    let body = app.query("{ __schema { a1: types { name } a2: types { name } } }", json!({})).await;
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
    let small = app.query(&format!("{{ ...F3 }} {}", fragment_bomb(3, "QueryRoot")), json!({})).await;
    assert_eq!(small["data"]["__typename"], "QueryRoot", "{small}");
    // `__schema` a thousand times under aliases.
    let schema = "__schema { types { name fields { name args { name type { name } } } } }";
    let aliased =
        |n: usize| format!("{{ {} }}", (0..n).map(|i| format!("a{i}: {schema}")).collect::<Vec<_>>().join(" "));
    let body = app.query(&aliased(1000), json!({})).await;
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
    assert_eq!(error_codes(&app.query(&aliased(4), json!({})).await), ["QUERY_TOO_COMPLEX"]);
    assert!(app.query(&aliased(3), json!({})).await.get("errors").is_none());
    still_answers(&app, "the bombs").await;
}

#[actix_web::test]
async fn an_oversized_declared_length_is_refused_at_once_and_a_stalled_body_times_out() {
    use std::io::{Read, Write};
    let app = spawn_app(Backend::Sqlite, false).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let send = |head: String, body: &'static [u8]| {
        let address = address.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(body).unwrap();
            // Read what arrives until the server closes (an unread body may end in a reset).
            let (mut answer, mut buf) = (Vec::new(), [0u8; 4096]);
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                answer.extend_from_slice(&buf[..n]);
            }
            String::from_utf8_lossy(&answer).into_owned()
        })
    };
    let head = |length: u64| {
        format!("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n")
    };
    let big = send(head(999_999_999), b"{\"query\"").await.unwrap();
    assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    assert!(big.contains("REQUEST_TOO_LARGE"), "{big}");
    let stalled = send(head(100), b"{\"query\"").await.unwrap();
    assert!(stalled.starts_with("HTTP/1.1 408"), "{stalled}");
    assert!(stalled.contains("REQUEST_TIMEOUT"), "{stalled}");
    still_answers(&app, "a stalled body").await;
}

#[actix_web::test]
async fn a_postgresql_lock_held_past_the_wait_is_service_unavailable_not_a_stall() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let app = spawn_app(Backend::Postgres, true).await;
    let mut locker = diesel::PgConnection::establish(&app.settings.database_url).expect("a second connection");
    locker.batch_execute("BEGIN; LOCK TABLE programme IN ACCESS EXCLUSIVE MODE").expect("the lock");
    let started = std::time::Instant::now();
    let (status, _, body) = app.query_with_retry_after(None, "{ programmes(first: 1) { totalCount } }").await;
    assert_eq!(error_codes(&body), ["SERVICE_UNAVAILABLE"], "{body}");
    assert_eq!(status, 503);
    // Not a timing goal: the request must end while the lock is still held.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let other = app.query("{ organisations(first: 1) { totalCount } }", json!({})).await;
    assert!(other.get("errors").is_none(), "{other}");
    locker.batch_execute("ROLLBACK").unwrap();
    still_answers(&app, "the lock").await;
}
