//! Test harness: start the real application on a fresh database (SQLite file or a new PostgreSQL
//! database), talk to it over HTTP, and drop the database afterwards.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use serde_json::{json, Value};
use techniekpact_api::config::Settings;
use techniekpact_api::db::Database;
use techniekpact_api::db::DbConn;
use techniekpact_api::startup::Application;

mod test_db;

pub use test_db::TestDb;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends to run on: SQLite always; PostgreSQL when `TEST_DATABASE_URL` is set. With
/// `CI=true` a missing `TEST_DATABASE_URL` is a failure, so CI cannot silently skip the Postgres half.
pub fn backends() -> Vec<Backend> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => vec![Backend::Sqlite, Backend::Postgres],
        _ => {
            assert!(
                std::env::var("CI").map(|v| v != "true").unwrap_or(true),
                "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL half of the suite must run in CI"
            );
            eprintln!("note: TEST_DATABASE_URL is not set; running on SQLite only");
            vec![Backend::Sqlite]
        }
    }
}

fn settings_for(test_db: &TestDb, load_data: bool) -> Settings {
    Settings {
        database_url: test_db.url.clone(),
        host: "127.0.0.1".into(),
        port: 0,
        cors_allowed_origins: String::new(),
        db_pool_size: 4,
        db_pool_timeout: std::time::Duration::from_secs(2),
        totals_fold_interval: std::time::Duration::from_secs(2),
        db_connections_per_request: 2,
        load_data,
        data_dir: test_db.state.path().to_path_buf(),
        jwt_algorithm: techniekpact_api::config::JwtAlgorithm::EdDsa,
        jwt_private_key_path: None,
        jwt_secret: None,
        jwt_issuer: "techniekpact-api".into(),
        jwt_audience: "techniekpact-partners".into(),
        rate_limits: true,
        rate_limit_period: std::time::Duration::from_secs(3600),
        rate_limit_anonymous: 1_000_000_000,
        rate_limit_token: 2_000_000_000,
        rate_limit_writes: 1_000_000,
        trusted_proxies: String::new(),
    }
}

/// A running application and its database.
pub struct TestApp {
    pub address: String,
    pub db: Database,
    pub backend: Backend,
    /// The app's token settings and key folder (tests sign their own tokens with them).
    pub settings: Settings,
    client: awc::Client,
    /// Shared with a second instance over the same database ([`spawn_second_app`]).
    _db: std::sync::Arc<TestDb>,
}

/// Starts the app on a fresh database; with `load_data` the bundled data set is loaded.
pub async fn spawn_app(backend: Backend, load_data: bool) -> TestApp {
    spawn_app_with(backend, load_data, |_| {}).await
}

/// Builds the app with edited settings on a fresh database and returns the build result (for
/// settings that must be refused).
pub async fn try_spawn_with(backend: Backend, edit: impl FnOnce(&mut Settings)) -> anyhow::Result<Application> {
    let test_db = TestDb::new(backend);
    let mut settings = settings_for(&test_db, false);
    edit(&mut settings);
    Application::build(settings).await
}

/// Like [`spawn_app`], with the settings changed by `edit` first.
pub async fn spawn_app_with(backend: Backend, load_data: bool, edit: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        techniekpact_api::telemetry::init();
    }
    let test_db = TestDb::new(backend);
    let settings = settings_for(&test_db, load_data);
    let mut settings = settings;
    edit(&mut settings);
    start(backend, settings, std::sync::Arc::new(test_db)).await
}

/// Builds and runs the app with `settings` over `test_db`.
async fn start(backend: Backend, settings: Settings, test_db: std::sync::Arc<TestDb>) -> TestApp {
    let app = Application::build(settings.clone()).await.expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.database();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp { address, db, backend, settings, client: awc::Client::default(), _db: test_db }
}

/// Starts another instance of the app over `first`'s database and key folder (as a second
/// server behind a load balancer would run), with the settings changed by `edit`.
pub async fn spawn_second_app(first: &TestApp, edit: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = first.settings.clone();
    settings.port = 0;
    edit(&mut settings);
    start(first.backend, settings, first._db.clone()).await
}

impl TestApp {
    /// POSTs a GraphQL query and returns the JSON response (whatever the status).
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        let mut response = self
            .client
            .post(format!("{}/graphql", self.address))
            .send_json(&json!({ "query": query, "variables": variables }))
            .await
            .expect("request sent");
        let body = response.json::<Value>().limit(64 * 1024 * 1024).await.expect("a JSON body");
        assert_no_storage_names(&body);
        body
    }

    /// POSTs a GraphQL query with `Authorization: Bearer <token>`; returns HTTP status and body.
    pub async fn query_as(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(t) = token {
            request = request.insert_header(("Authorization", format!("Bearer {t}")));
        }
        let mut response =
            request.send_json(&json!({ "query": query, "variables": variables })).await.expect("request sent");
        let status = response.status().as_u16();
        let body = response.json::<Value>().limit(64 * 1024 * 1024).await.expect("a JSON body");
        assert_no_storage_names(&body);
        (status, body)
    }

    /// Like [`query`](Self::query) but fails the test on any error; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.query(query, variables).await;
        assert!(body.get("errors").is_none(), "[{:?}] unexpected errors: {body:#}", self.backend);
        body["data"].clone()
    }

    /// POSTs a GraphQL query; returns status, the `Retry-After` header and the body.
    pub async fn query_with_retry_after(&self, token: Option<&str>, query: &str) -> (u16, Option<String>, Value) {
        let (status, headers, body) = self.post_with(token, &[], query).await;
        (status, headers.get("retry-after").cloned(), body)
    }

    /// POSTs a GraphQL query with extra request headers (and a bearer token); returns status, the
    /// response headers (names in lower case) and the body.
    pub async fn post_with(
        &self,
        token: Option<&str>,
        headers: &[(&str, &str)],
        query: &str,
    ) -> (u16, std::collections::BTreeMap<String, String>, Value) {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(t) = token {
            request = request.insert_header(("Authorization", format!("Bearer {t}")));
        }
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let mut response = request.send_json(&json!({ "query": query })).await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let body = response.json::<Value>().limit(64 * 1024 * 1024).await.expect("a JSON body");
        assert_no_storage_names(&body);
        (status, headers, body)
    }

    /// POSTs raw bytes to /graphql; returns status and body (parsed as JSON when it is JSON).
    pub async fn post_raw(&self, body: Vec<u8>) -> (u16, Value) {
        let mut response = self
            .client
            .post(format!("{}/graphql", self.address))
            .insert_header(("content-type", "application/json"))
            .send_body(body)
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let bytes = response.body().limit(64 * 1024 * 1024).await.expect("body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        assert_no_storage_names(&body);
        (status, body)
    }

    /// HEADs a path; returns the status.
    pub async fn head(&self, path: &str) -> u16 {
        self.client.head(format!("{}{path}", self.address)).send().await.expect("request sent").status().as_u16()
    }

    /// GETs a path; returns status and body text.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let mut response = self.client.get(format!("{}{path}", self.address)).send().await.expect("request sent");
        let body = response.body().await.expect("body");
        (response.status().as_u16(), String::from_utf8_lossy(&body).into_owned())
    }

    /// GETs a path with extra request headers; returns status, the response headers (names in lower
    /// case) and body text.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
        let mut request = self.client.get(format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let mut response = request.send().await.expect("request sent");
        let body = response.body().limit(64 * 1024 * 1024).await.expect("body");
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        (response.status().as_u16(), headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Runs blocking database work off the async executor.
    pub async fn with_conn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut techniekpact_api::db::DbConn) -> T + Send + 'static,
    ) -> T {
        let db = self.db.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = db.get().expect("a pooled connection");
            f(&mut conn)
        })
        .await
        .expect("blocking task")
    }
}

/// Names of the storage layer a client must never see in an error: tables and columns with `_`
/// (one-word table names such as `programme` are ordinary words), read from `src/db/schema.rs`.
fn storage_names() -> &'static Vec<String> {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let schema = include_str!("../../src/db/schema.rs");
        let mut names: Vec<String> = schema
            .lines()
            .filter_map(|line| {
                let t = line.trim();
                let name = t.split([' ', '(']).next()?;
                let is_item = t.contains(" -> ") || t.ends_with(") {");
                (is_item && name.contains('_') && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                    .then(|| name.to_owned())
            })
            .collect();
        names.sort();
        names.dedup();
        assert!(names.len() > 30, "read the storage names from schema.rs: {names:?}");
        names
    })
}

/// Fails when an error (message or extensions) names a table, a column or a constraint.
pub fn assert_no_storage_names(body: &Value) {
    let Some(errors) = body.get("errors") else { return };
    let text = errors.to_string();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let constraint = ["_key", "_pkey", "_fkey", "_check"].iter().any(|s| word.ends_with(s));
        assert!(
            !constraint && !storage_names().iter().any(|n| n == word),
            "an error names the storage layer ({word}): {body}"
        );
    }
}

/// The `extensions.code` of every error in a response.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| e["extensions"]["code"].as_str().unwrap_or("<none>").to_owned()).collect())
        .unwrap_or_default()
}

const TABLES: &[&str] = &[
    "region",
    "region_link",
    "organisation",
    "organisation_region",
    "programme",
    "programme_target_group",
    "programme_region",
    "participation",
    "funding_scheme",
    "budget_line",
    "funding",
    "region_allocation",
    "source",
    "dataset_record",
    "dataset_meta",
    "api_token",
    "audit_event",
    "idempotency_key",
    "observation",
    "pact_goal",
    "programme_goal",
    "relation",
    "event",
    "event_record",
    "person",
    "person_role",
    "listed_item",
    "statement",
    "statement_record",
];

#[derive(QueryableByName, Debug, PartialEq, Eq)]
pub struct TableDigest {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub versions: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_change: Option<String>,
}

/// Row count, version sum and last change of every table.
pub fn digest(conn: &mut DbConn) -> Vec<(String, TableDigest)> {
    TABLES
        .iter()
        .map(|t| {
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(version), 0) AS BIGINT) AS versions, \
                 CAST(MAX(updated_at) AS TEXT) AS last_change FROM {t}"
            );
            let d = match conn {
                DbConn::Pg(c) => diesel::sql_query(sql).get_result::<TableDigest>(c),
                DbConn::Sqlite(c) => diesel::sql_query(sql).get_result::<TableDigest>(c),
            };
            ((*t).to_owned(), d.expect("digest query"))
        })
        .collect()
}
