//! What an operator meets: a database that goes away and comes back, a panic inside a write, the
//! signing key, logs, compression, health (Defects 2/4).

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::{json, Value};

use crate::helpers::{backends, error_codes, Backend};
use crate::served::{binary, Served};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

const READ: &str = "{ programmes(first: 20) { totalCount nodes { name participants { organisation { name } } } } }";
const CREATE: &str = "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { programme { name } userErrors { code } } }";

/// Terminates every backend of the app's own database, as a restart or failover would.
fn kill_backends(database_url: &str) -> usize {
    let admin = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let name = database_url.rsplit('/').next().expect("a database name").to_owned();
    let mut admin = diesel::PgConnection::establish(&admin).expect("admin connection");
    #[derive(diesel::QueryableByName)]
    struct Killed {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let killed: Killed = diesel::RunQueryDsl::get_result(
        diesel::sql_query(format!(
            "SELECT CAST(COUNT(pg_terminate_backend(pid)) AS BIGINT) AS n FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )),
        &mut admin,
    )
    .expect("terminate");
    usize::try_from(killed.n).unwrap_or(0)
}

/// One client: reads and writes until `stop`, returning (acknowledged names, error codes seen).
async fn client(w: &World, token: &str, id: usize, rounds: usize) -> (Vec<String>, Vec<String>) {
    let (mut written, mut codes) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if id % 2 == 0 {
            let body = w.app.query(READ, json!({})).await;
            codes.extend(error_codes(&body));
        } else {
            let name = format!("Client {id} round {round}");
            let input =
                json!({ "input": { "name": name, "kind": "PROJECT", "idempotencyKey": format!("k-{id}-{round}") } });
            let (_, body) = w.app.query_as(Some(token), CREATE, input).await;
            codes.extend(error_codes(&body));
            if body["data"]["createProgramme"]["programme"]["name"] == json!(name) {
                written.push(name);
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    (written, codes)
}

async fn programme_names(w: &World) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let d = w
            .app
            .data(
                "query($a: String) { programmes(first: 100, after: $a) { nodes { name } pageInfo { hasNextPage endCursor } } }",
                json!({ "a": after }),
            )
            .await;
        for n in d["programmes"]["nodes"].as_array().unwrap() {
            *names.entry(n["name"].as_str().unwrap().to_owned()).or_insert(0) += 1;
        }
        if d["programmes"]["pageInfo"]["hasNextPage"] != json!(true) {
            return names;
        }
        after = d["programmes"]["pageInfo"]["endCursor"].as_str().map(String::from);
    }
}

async fn all_succeed(w: &World, token: &str, tag: &str) {
    let requests = (0..16).map(|i| async move {
        if i % 2 == 0 {
            w.app.query(READ, json!({})).await
        } else {
            let input = json!({ "input": { "name": format!("{tag} {i}"), "kind": "PROJECT" } });
            w.app.query_as(Some(token), CREATE, input).await.1
        }
    });
    for body in futures_util::future::join_all(requests).await {
        assert!(body.get("errors").is_none(), "{tag}: {body}");
    }
}

#[actix_web::test]
async fn the_pool_heals_after_the_database_kills_every_connection_under_load() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let w = World::new(Backend::Postgres).await;
    let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
    let url = w.app.settings.database_url.clone();
    let clients = (0..16).map(|i| client(&w, &token, i, 30));
    let killer = async {
        actix_web::rt::time::sleep(Duration::from_millis(150)).await;
        let killed = actix_web::rt::task::spawn_blocking(move || kill_backends(&url)).await.unwrap();
        assert!(killed > 0, "the pool had connections to kill");
    };
    let (results, ()) = futures_util::join!(futures_util::future::join_all(clients), killer);
    let mut acknowledged = Vec::new();
    for (written, codes) in results {
        assert!(codes.iter().all(|c| c == "SERVICE_UNAVAILABLE"), "requests caught by the kill: {codes:?}");
        acknowledged.extend(written);
    }
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    all_succeed(&w, &token, "After load").await;
    let names = programme_names(&w).await;
    for name in &acknowledged {
        assert_eq!(names.get(name), Some(&1), "an acknowledged write is missing or doubled: {name}");
    }
    assert!(names.values().all(|n| *n == 1), "a write was applied twice: {names:?}");
}

#[actix_web::test]
async fn the_pool_heals_after_a_kill_with_no_traffic_in_between() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let w = World::new(Backend::Postgres).await;
    let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
    all_succeed(&w, &token, "Before").await;
    let url = w.app.settings.database_url.clone();
    let killed = actix_web::rt::task::spawn_blocking(move || kill_backends(&url)).await.unwrap();
    assert!(killed > 0);
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    all_succeed(&w, &token, "Quiet").await;
}

#[actix_web::test]
async fn a_panic_inside_an_sqlite_write_does_not_leave_the_write_lock_held() {
    let w = World::new(Backend::Sqlite).await;
    let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
    let panicked: Result<(), _> = w
        .app
        .db
        .run(|c| {
            techniekpact_api::db::write_transaction(c, |c| {
                c.batch_execute("UPDATE programme SET version = version + 1")?;
                panic!("forced panic inside a write (test hook)");
            })
        })
        .await;
    assert!(panicked.is_err());
    for i in 0..6 {
        let input = json!({ "input": { "name": format!("After panic {i}"), "kind": "PROJECT" } });
        let (_, body) = w.app.query_as(Some(&token), CREATE, input).await;
        assert!(body.get("errors").is_none(), "write {i} after the panic: {body}");
    }
    let versions: Value = w.app.data(r#"{ programme(slug: "p") { version } }"#, json!({})).await;
    assert_eq!(versions["programme"]["version"], 1, "the panicked write was rolled back");
}

/// A command run in `dir` with only the given settings (none inherited from a `.env`).
fn run_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = binary();
    cmd.current_dir(dir).args(args);
    for var in ["DATABASE_URL", "DATA_DIR", "JWT_ALGORITHM", "JWT_SECRET", "JWT_PRIVATE_KEY_PATH", "LOAD_DATA", "PORT"]
    {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[actix_web::test]
async fn token_commands_refuse_a_missing_database_and_create_nothing() {
    let elsewhere = tempfile::tempdir().unwrap();
    for args in
        [&["token", "list"][..], &["token", "issue", "--org", "sbb", "--scope", "admin"], &["token", "rotate-key"]]
    {
        let out = run_in(elsewhere.path(), args, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert!(stderr.contains("there is no database at techniekpact.db"), "{args:?}: {stderr}");
        assert!(stderr.contains("database: sqlite://techniekpact.db  data folder: .techniekpact"), "{stderr}");
        assert!(out.stdout.is_empty(), "stdout carries only results");
    }
    let out = run_in(elsewhere.path(), &["print-schema"], &[]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("type QueryRoot"));
    assert_eq!(files_in(elsewhere.path()), Vec::<String>::new(), "nothing was created");
    // An empty (migrated, not loaded) database is refused too.
    let url = format!("sqlite://{}", elsewhere.path().join("empty.db").display());
    assert!(run_in(elsewhere.path(), &["migrate"], &[("DATABASE_URL", &url)]).status.success());
    let out = run_in(elsewhere.path(), &["token", "list"], &[("DATABASE_URL", &url)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no loaded data"), "{out:?}");
}

#[actix_web::test]
async fn a_moved_data_folder_is_refused_and_rotate_key_retires_old_tokens() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        // Another, empty data folder: the start is refused, and no key is made there.
        let moved = tempfile::tempdir().unwrap();
        let mut settings = w.app.settings.clone();
        settings.data_dir = moved.path().to_path_buf();
        let refused = techniekpact_api::startup::Application::build(settings.clone()).await;
        let message = format!("{:#}", refused.err().expect("the start is refused"));
        assert!(message.contains("no token signing key"), "{backend:?}: {message}");
        assert_eq!(files_in(moved.path()), Vec::<String>::new());
        // A different key there is refused too.
        let other_key = tempfile::tempdir().unwrap();
        let mut other = w.app.settings.clone();
        other.data_dir = other_key.path().to_path_buf();
        techniekpact_api::auth::keys::JwtKeys::from_settings(&other).expect("a new key elsewhere");
        let refused = techniekpact_api::startup::Application::build(other).await;
        let message = format!("{:#}", refused.err().expect("the start is refused"));
        assert!(message.contains("is not the key this database's tokens were signed with"), "{message}");
        // Rotate with the CLI, against the app's own database and data folder.
        let env = [
            ("DATABASE_URL", w.app.settings.database_url.as_str()),
            ("DATA_DIR", w.app.settings.data_dir.to_str().unwrap()),
        ];
        let out = run_in(moved.path(), &["token", "rotate-key"], &env);
        assert!(out.status.success(), "{backend:?}: {}", String::from_utf8_lossy(&out.stderr));
        let out = run_in(moved.path(), &["token", "list"], &env);
        assert!(String::from_utf8_lossy(&out.stdout).contains("signed with a retired key"), "{out:?}");
        // A new instance with the new key refuses the old token with the retired-key message.
        let restarted = techniekpact_api::startup::Application::build(w.app.settings.clone()).await.expect("restart");
        let address = format!("http://127.0.0.1:{}/graphql", restarted.port());
        actix_web::rt::spawn(restarted.run_until_stopped());
        let mut response = awc::Client::default()
            .post(address)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .send_json(&json!({ "query": "{ viewer { organisation { name } } }" }))
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(response.status().as_u16(), 401, "{body}");
        assert_eq!(body["errors"][0]["message"], "signed with a retired key: ask for a new token", "{backend:?}");
        // The old instance still runs with the retired key: it is no longer ready, and it refuses
        // the old token although its signature still verifies there.
        let (status, ready) = w.app.get("/ready").await;
        assert_eq!(status, 503, "{ready}");
        let (status, body) = w.app.query_as(Some(&token), "{ viewer { organisation { name } } }", json!({})).await;
        assert_eq!(
            (status, body["errors"][0]["message"].as_str()),
            (401, Some("signed with a retired key: ask for a new token"))
        );
    }
}

#[actix_web::test]
async fn health_is_liveness_and_ready_checks_the_database_and_the_data() {
    let w = World::new(Backend::Sqlite).await;
    for path in ["/health", "/ready"] {
        let (status, body) = w.app.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(w.app.head(path).await, 200, "HEAD {path}");
    }
    let empty = crate::helpers::spawn_app(Backend::Sqlite, false).await;
    let (status, body) = empty.get("/ready").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("no data set is loaded"), "{body}");
    assert_eq!(empty.get("/health").await.0, 200);
}

#[actix_web::test]
async fn request_ids_round_trip_and_internal_errors_carry_them() {
    let app = crate::helpers::spawn_app(Backend::Sqlite, true).await;
    let client = awc::Client::default();
    let url = format!("{}/graphql", app.address);
    let response = client
        .post(&url)
        .insert_header(("x-request-id", "partner.req-42_a"))
        .send_json(&json!({ "query": "{ __typename }" }))
        .await
        .unwrap();
    assert_eq!(response.headers().get("x-request-id").unwrap(), "partner.req-42_a");
    for bad in ["has space", &"x".repeat(65), "semi;colon"] {
        let response = client
            .post(&url)
            .insert_header(("x-request-id", bad))
            .send_json(&json!({ "query": "{ __typename }" }))
            .await
            .unwrap();
        let id = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
        assert!(id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{bad:?} → {id}");
    }
    // Break the database under the app: the error is INTERNAL with the request id.
    app.with_conn(|c| c.batch_execute("DROP TABLE programme_goal; DROP TABLE pact_goal").unwrap()).await;
    let mut response = client
        .post(&url)
        .insert_header(("x-request-id", "broken-1"))
        .send_json(&json!({ "query": "{ goals { code } }" }))
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["INTERNAL"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["requestId"], "broken-1");
    assert_eq!(body["errors"][0]["message"], "internal error", "no detail is sent");
}

#[actix_web::test]
async fn responses_are_gzipped_only_when_asked() {
    let app = crate::helpers::spawn_app(Backend::Sqlite, true).await;
    let client = awc::Client::default();
    let url = format!("{}/graphql", app.address);
    let query = json!({ "query": "{ programmes(first: 100) { nodes { name description } } }" });
    let mut plain = client.post(&url).insert_header(("accept-encoding", "identity")).send_json(&query).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.body().limit(1 << 24).await.unwrap().len();
    let mut gzipped = client.post(&url).insert_header(("accept-encoding", "gzip")).send_json(&query).await.unwrap();
    assert_eq!(gzipped.headers().get("content-encoding").unwrap(), "gzip");
    let gzipped_len = gzipped.body().limit(1 << 24).await.unwrap().len();
    assert!(gzipped_len * 2 < plain_len, "{gzipped_len} vs {plain_len}");
    let mut none = client.post(&url).send_json(&query).await.unwrap();
    assert!(none.headers().get("content-encoding").is_none(), "no Accept-Encoding, no compression");
    assert_eq!(none.body().limit(1 << 24).await.unwrap().len(), plain_len);
}

#[actix_web::test]
async fn an_origin_without_a_scheme_is_refused_at_start_and_refused_preflights_are_json() {
    let bad =
        crate::helpers::try_spawn_with(Backend::Sqlite, |s| s.cors_allowed_origins = "partner.example".into()).await;
    assert!(format!("{:#}", bad.err().expect("refused")).contains("CORS_ALLOWED_ORIGINS"));
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, false, |s| {
        s.cors_allowed_origins = "https://partner.example".into();
    })
    .await;
    let client = awc::Client::default();
    let preflight = |origin: &'static str| {
        client
            .request(actix_web::http::Method::OPTIONS, format!("{}/graphql", app.address))
            .insert_header(("origin", origin))
            .insert_header(("access-control-request-method", "POST"))
            .send()
    };
    let ok = preflight("https://partner.example").await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.headers().get("access-control-allow-origin").unwrap(), "https://partner.example");
    let mut refused = preflight("https://evil.example").await.unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
}

#[actix_web::test]
async fn one_access_log_line_per_request_with_all_six_fields_in_json() {
    let mut served = Served::start("info", false);
    let (dir, port) = (served.dir.path().to_owned(), served.port);
    let next_json = |what: &str| -> Value { served.next_json(|v| v["message"] == what) };
    let mut response = awc::Client::default()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .insert_header(("x-request-id", "log-test-1"))
        .send_json(&json!({ "query": "query Tiny { __typename }" }))
        .await
        .unwrap();
    let _ = response.body().await;
    let line = next_json("request");
    let port_text = port.to_string();
    let health = run_in(&dir, &["healthcheck"], &[("PORT", &port_text)]);
    assert!(health.status.success(), "{health:?}");
    served.stop();
    assert!(!run_in(&dir, &["healthcheck"], &[("PORT", &port_text)]).status.success());
    assert_eq!(line["http.method"], "POST", "{line}");
    assert_eq!(line["http.path"], "/graphql", "{line}");
    assert_eq!(line["http.status"], 200, "{line}");
    assert!(line["http.duration_ms"].as_str().is_some_and(|d| d.parse::<f64>().is_ok()), "{line}");
    assert_eq!(line["graphql.operation"], "Tiny", "{line}");
    assert_eq!(line["request_id"], "log-test-1", "{line}");
}

#[actix_web::test]
async fn audit_events_are_a_full_connection_and_cli_events_use_global_ids() {
    for backend in backends() {
        let w = World::new(backend).await;
        let admin = w.token(w.ids.secretariat, "admin").await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        for i in 0..3 {
            let input = json!({ "input": { "name": format!("Audited {i}"), "kind": "PROJECT" } });
            w.app.query_as(Some(&token), CREATE, input).await;
        }
        let q = "{ auditEvents(first: 2) { totalCount edges { cursor node { mutation } } nodes { mutation } pageInfo { hasNextPage endCursor } } }";
        let (_, body) = w.app.query_as(Some(&admin), q, json!({})).await;
        let events = &body["data"]["auditEvents"];
        assert_eq!(events["totalCount"], 3, "{backend:?}: {body}");
        assert_eq!(events["edges"].as_array().unwrap().len(), 2);
        assert_eq!(events["edges"][0]["node"]["mutation"], "createProgramme");
        assert_eq!(events["pageInfo"]["hasNextPage"], true);
        // Events written through the CLI name records by global ID.
        let env = [
            ("DATABASE_URL", w.app.settings.database_url.as_str()),
            ("DATA_DIR", w.app.settings.data_dir.to_str().unwrap()),
        ];
        let dir = tempfile::tempdir().unwrap();
        let out = run_in(dir.path(), &["token", "issue", "--org", "org-b", "--scope", "programmes:write"], &env);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let q =
            r#"{ auditEvents(first: 1, filter: { mutation: "cli:token issue" }) { totalCount nodes { changes } } }"#;
        let (_, body) = w.app.query_as(Some(&admin), q, json!({})).await;
        let org = &body["data"]["auditEvents"]["nodes"][0]["changes"]["after"]["organisationId"];
        assert_eq!(org, &json!(w.id(techniekpact_api::ids::NodeType::Organisation, w.ids.org_b)), "{body}");
    }
}

#[actix_web::test]
async fn load_data_records_the_search_key_version_so_serve_recomputes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("keys.db").display());
    let env = [("DATABASE_URL", url.as_str())];
    assert!(run_in(dir.path(), &["migrate"], &env).status.success());
    assert!(run_in(dir.path(), &["load-data"], &env).status.success());
    let mut conn = diesel::SqliteConnection::establish(dir.path().join("keys.db").to_str().unwrap()).unwrap();
    #[derive(diesel::QueryableByName)]
    struct Meta {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let meta: Vec<Meta> = diesel::RunQueryDsl::load(
        diesel::sql_query("SELECT value FROM dataset_meta WHERE name = 'search_key_version'"),
        &mut conn,
    )
    .unwrap();
    assert_eq!(meta.iter().map(|m| m.value.as_str()).collect::<Vec<_>>(), [techniekpact_api::text::SEARCH_KEY_VERSION]);
}
