//! A fresh database per test: an SQLite file in a temporary folder, or a new PostgreSQL database
//! on `TEST_DATABASE_URL`, dropped afterwards.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use super::Backend;

/// A fresh, empty database and state folder, removed when dropped.
pub struct TestDb {
    pub url: String,
    /// The app's state folder (its signing key); for SQLite also the database file.
    pub state: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        let state = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", state.path().join("test.db").display());
                Self { url, state, postgres: None }
            }
            Backend::Postgres => {
                let admin_url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
                let name = format!(
                    "tp_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_micros()
                );
                let mut admin = PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
                admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
                let url = match admin_url.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("TEST_DATABASE_URL must end in /DBNAME"),
                };
                Self { url, state, postgres: Some((admin_url, name)) }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}
