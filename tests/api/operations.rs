//! What an operator meets: a database that goes away and comes back, a panic inside a write, the
//! signing key, logs, compression, health (Defects 2/4).

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::{json, Value};

use crate::helpers::{backends, error_codes, Backend};
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
            let input = json!({ "input": { "name": name, "kind": "PROJECT", "idempotencyKey": format!("k-{id}-{round}") } });
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
