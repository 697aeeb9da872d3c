//! The fundings one refresh is about, as the predicates its statements use, and how those
//! statements reach the database.

use std::hash::{Hash, Hasher};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::AppError;

/// The predicates naming a refresh's fundings: on `funding` (alias `f`) and on `funding_placement`.
///
/// On PostgreSQL a list of ids becomes the parameter `$1` of statements prepared once per connection
/// and executed with the list: planning the rules' statement took about 3 ms of the database's time
/// per write (ten times its execution); a prepared statement with a generic plan is planned once.
/// Other scopes (a programme, a generator's batch, everything) run as plain statements.
pub(super) struct Scoped {
    pub funding: String,
    pub placement: String,
    /// The `bigint[]` literal that `$1` takes (PostgreSQL, a list of ids).
    ids: Option<String>,
}

impl Scoped {
    /// Fundings with these ids.
    pub fn ids(conn: &DbConn, ids: &[i64]) -> Self {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        if matches!(conn, DbConn::Pg(_)) {
            Self {
                funding: "f.id = ANY($1)".into(),
                placement: "funding_id = ANY($1)".into(),
                ids: Some(format!("{{{list}}}")),
            }
        } else {
            Self::literal(format!("f.id IN ({list})"), format!("funding_id IN ({list})"))
        }
    }

    /// Fundings matching these predicates, written out in each statement.
    pub fn literal(funding: String, placement: String) -> Self {
        Self { funding, placement, ids: None }
    }

    /// Runs a statement written with these predicates.
    pub fn execute(&self, conn: &mut DbConn, sql: &str) -> Result<(), AppError> {
        let Some(ids) = &self.ids else {
            diesel::sql_query(sql).execute(conn)?;
            return Ok(());
        };
        #[derive(QueryableByName)]
        struct Prepared {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        // Named by the statement's text: a connection prepares each statement once, and a change of
        // the text (a new build) gets a new name. (The hash is stable within the process, which is
        // as long as a connection lives.)
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        sql.hash(&mut hasher);
        let name = format!("placement_{:016x}", hasher.finish());
        let prepared: Prepared =
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE name = '{name}'"))
                .get_result(conn)?;
        if prepared.n == 0 {
            conn.batch_execute(&format!("PREPARE {name} (bigint[]) AS {sql}"))?;
        }
        // A generic plan, always: for the rules' statement the planner otherwise keeps choosing a
        // custom plan per execution (about 1 ms of planning each), although the generic one runs
        // as fast for one funding.
        conn.batch_execute(&format!(
            "SET LOCAL plan_cache_mode = force_generic_plan; EXECUTE {name} ('{ids}'); RESET plan_cache_mode"
        ))?;
        Ok(())
    }
}
