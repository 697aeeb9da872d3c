//! Every migration reverts cleanly (its `down.sql` runs) and applies again, on both backends.

use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use serde_json::json;
use techniekpact_api::db::{DbConn, PG_MIGRATIONS, SQLITE_MIGRATIONS};

use crate::helpers::{backends, spawn_app};

/// The tables of the database besides diesel's own bookkeeping.
fn tables(c: &mut DbConn) -> i64 {
    let sql = match c {
        DbConn::Pg(_) => {
            "(SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_name <> '__diesel_schema_migrations')"
        }
        DbConn::Sqlite(_) => {
            "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> '__diesel_schema_migrations')"
        }
    };
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(sql)).get_result(c).expect("count tables")
}

#[actix_web::test]
async fn every_migration_reverts_to_an_empty_database_and_applies_again() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let (applied, after_revert, reapplied) = app
            .with_conn(|c| {
                let pg = matches!(c, DbConn::Pg(_));
                let migrations = move || if pg { PG_MIGRATIONS } else { SQLITE_MIGRATIONS };
                let applied = tables(c);
                c.revert_all_migrations(migrations()).expect("every down.sql runs");
                let after_revert = tables(c);
                c.run_pending_migrations(migrations()).expect("every up.sql runs again");
                (applied, after_revert, tables(c))
            })
            .await;
        assert!(applied > 10, "{backend:?}: {applied} tables");
        assert_eq!(after_revert, 0, "{backend:?}: the down.sql files drop every table they made");
        assert_eq!(reapplied, applied, "{backend:?}");
        let body = app.query("{ programmes(first: 1) { totalCount } }", json!({})).await;
        assert_eq!(body["data"]["programmes"]["totalCount"], 0, "{backend:?}: {body}");
    }
}
