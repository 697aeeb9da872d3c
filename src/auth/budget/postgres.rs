//! The budgets on PostgreSQL: one row per bucket in `rate_limit` (an UNLOGGED table: no WAL, so a
//! charge never waits for a disk flush; after a crash the table is empty, i.e. every budget full),
//! charged with one statement per request using the database's clock, so every instance over the
//! database decides by the same TATs and the same time.
//!
//! A departure from "use a crate": the crates that keep GCRA state in a shared store want Redis;
//! this keeps the one store the service already has, in one statement of our own.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};

use super::gcra::{self, Params, State};
use crate::db::cached::{Sql, Value};
use crate::db::schema::rate_limit;
use crate::db::DbConn;
use crate::error::AppError;

/// The charge: insert the bucket, or move its TAT when the request fits (`ON CONFLICT … DO UPDATE
/// … WHERE`, which locks the row, so concurrent charges of one bucket apply one after the other),
/// and read back the clock, the TAT and whether the request fitted. A refused request reads the
/// standing TAT; one that costs more than the period allows inserts nothing. Each use of a value is
/// its own parameter, so the text is the same for every request and the connection keeps it
/// prepared ([`crate::db::cached`]).
fn charge_sql(bucket: &str, increment_ns: i64, tolerance_ns: i64) -> Sql {
    let (b, inc, tol) = (|| Value::Text(bucket.to_owned()), || Value::Int(increment_ns), || Value::Int(tolerance_ns));
    let mut sql = Sql::default();
    sql.push(
        "WITH clock AS (SELECT CAST(EXTRACT(EPOCH FROM now()) * 1000000000 AS BIGINT) AS now_ns), \
         up AS (INSERT INTO rate_limit AS r (bucket, tat) SELECT ",
    )
    .value(b())
    .push(", clock.now_ns + ")
    .value(inc())
    .push(" FROM clock WHERE ")
    .value(inc())
    .push(" <= ")
    .value(tol())
    .push(" ON CONFLICT (bucket) DO UPDATE SET tat = GREATEST(r.tat + ")
    .value(inc())
    .push(", EXCLUDED.tat) WHERE GREATEST(r.tat + ")
    .value(inc())
    .push(", EXCLUDED.tat) - (EXCLUDED.tat - ")
    .value(inc())
    .push(") <= ")
    .value(tol())
    .push(
        " RETURNING r.tat) \
         SELECT clock.now_ns, COALESCE((SELECT tat FROM up), (SELECT tat FROM rate_limit WHERE bucket = ",
    )
    .value(b())
    .push(")) AS tat, EXISTS (SELECT 1 FROM up) AS allowed FROM clock");
    sql
}

#[derive(QueryableByName)]
struct Charged {
    #[diesel(sql_type = BigInt)]
    now_ns: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    tat: Option<i64>,
    #[diesel(sql_type = Bool)]
    allowed: bool,
}

/// Charges one request to `bucket` (one statement).
///
/// # Errors
/// A database error; `INTERNAL` on SQLite (its budgets are in memory).
pub fn charge(conn: &mut DbConn, bucket: &str, params: Params) -> Result<State, AppError> {
    let DbConn::Pg(pg) = conn else { return Err(AppError::internal("budgets in the database need PostgreSQL")) };
    let row: Charged = charge_sql(bucket, params.increment_ns, params.tolerance_ns).get_result(pg)?;
    Ok(gcra::state(params, row.now_ns, row.tat, row.allowed))
}

/// Deletes the buckets that are full again (their TAT has passed).
///
/// # Errors
/// A database error.
pub fn forget_full(conn: &mut DbConn) -> Result<(), AppError> {
    let DbConn::Pg(pg) = conn else { return Ok(()) };
    let now: i64 = diesel::select(diesel::dsl::sql::<BigInt>("CAST(EXTRACT(EPOCH FROM now()) * 1000000000 AS BIGINT)"))
        .get_result(pg)?;
    diesel::delete(rate_limit::table.filter(rate_limit::tat.lt(now))).execute(pg)?;
    Ok(())
}
