//! The fundings one refresh is about, as the predicates its statements use, and how those
//! statements reach the database.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::cached::Sql;
use crate::db::DbConn;
use crate::error::AppError;

/// The predicates naming a refresh's fundings: on `funding` (alias `f`) and on `funding_placement`.
///
/// On PostgreSQL a list of ids is set for the transaction (`techniekpact.placement_ids`, with the
/// tables' locks, in one round trip) and the statements read it, so their text is the same for
/// every write and each connection keeps them prepared ([`crate::db::cached`]): planning the rules'
/// statement took about 3 ms of the database's time per write, ten times its execution. A
/// statement without parameters runs its one generic plan, as fast for one funding as a custom one.
/// Other scopes (a programme, a generator's batch, everything) run as plain statements.
pub(super) struct Scoped {
    pub funding: String,
    pub placement: String,
    /// The `bigint[]` literal of the ids (PostgreSQL, a list of ids).
    ids: Option<String>,
}

/// The ids of the fundings a PostgreSQL write refreshes, as its statements read them.
const IDS: &str = "CAST(current_setting('techniekpact.placement_ids') AS BIGINT[])";

impl Scoped {
    /// Fundings with these ids.
    pub fn ids(conn: &DbConn, ids: &[i64]) -> Self {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        if matches!(conn, DbConn::Pg(_)) {
            Self {
                funding: format!("f.id = ANY({IDS})"),
                placement: format!("funding_id = ANY({IDS})"),
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

    /// PostgreSQL: takes the tables' locks in one order for every writer (totals, then placement),
    /// the order `rebuild` takes them in, so a writer and a rebuild never deadlock (writers do not
    /// block each other: these modes share), and sets the ids for the rest of the transaction.
    /// Called inside the caller's write transaction.
    pub fn begin(&self, conn: &mut DbConn) -> Result<(), AppError> {
        if !matches!(conn, DbConn::Pg(_)) {
            return Ok(());
        }
        let lock = "LOCK TABLE funding_region_total, funding_region_programme, funding_placement IN ROW EXCLUSIVE MODE";
        match &self.ids {
            // The literal holds only digits, commas and spaces.
            Some(ids) => conn.batch_execute(&format!("{lock}; SET LOCAL techniekpact.placement_ids = '{ids}'"))?,
            None => conn.batch_execute(lock)?,
        }
        Ok(())
    }

    /// Runs a statement written with these predicates.
    pub fn execute(&self, conn: &mut DbConn, sql: &str) -> Result<(), AppError> {
        match (conn, &self.ids) {
            (DbConn::Pg(pg), Some(_)) => {
                let mut statement = Sql::default();
                statement.push(sql);
                statement.execute(pg)?;
            }
            (conn, _) => {
                diesel::sql_query(sql).execute(conn)?;
            }
        }
        Ok(())
    }
}
