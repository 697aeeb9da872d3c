//! The database's plan for the page statements (`EXPLAIN` on PostgreSQL, `EXPLAIN QUERY PLAN` on
//! SQLite), one line per plan node: for the index tests and for an operator looking at a slow page.

use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Integer, Text};

use super::ranked::RawSql;
use crate::db::{Db, DbConn};
use crate::error::AppError;

/// A query prefixed with `EXPLAIN` (PostgreSQL: one text column) or `EXPLAIN QUERY PLAN` (SQLite:
/// id, parent, unused, detail); `T` is the plan's row type.
#[derive(Debug, Clone, QueryId)]
pub(super) struct Explain<Q, T> {
    query: Q,
    prefix: &'static str,
    row: std::marker::PhantomData<T>,
}

impl<Q: QueryFragment<DB>, T, DB: Backend> QueryFragment<DB> for Explain<Q, T> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.prefix);
        self.query.walk_ast(out.reborrow())
    }
}

impl<Q, T: diesel::sql_types::SqlType> Query for Explain<Q, T> {
    type SqlType = T;
}

impl<Q, T> RunQueryDsl<DbConn> for Explain<Q, T> {}

/// The SQLite plan row type.
type SqlitePlanRow = (Integer, Integer, Integer, Text);

/// A line of a PostgreSQL plan.
#[derive(QueryableByName)]
struct PgLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// A node of an SQLite plan.
#[derive(QueryableByName)]
struct SqliteLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

fn prefix(conn: &DbConn) -> &'static str {
    match conn {
        DbConn::Pg(_) => "EXPLAIN ",
        DbConn::Sqlite(_) => "EXPLAIN QUERY PLAN ",
    }
}

/// The plan of a diesel query, as text lines.
///
/// # Errors
/// A database error.
pub(crate) fn of_query<Q>(conn: &mut DbConn, query: Q) -> Result<Vec<String>, AppError>
where
    Q: QueryFragment<Db> + QueryId + Send + 'static,
{
    let prefix = prefix(conn);
    Ok(if matches!(conn, DbConn::Pg(_)) {
        Explain::<Q, Text> { query, prefix, row: std::marker::PhantomData }.load::<String>(conn)?
    } else {
        let rows: Vec<(i32, i32, i32, String)> =
            Explain::<Q, SqlitePlanRow> { query, prefix, row: std::marker::PhantomData }.load(conn)?;
        rows.into_iter().map(|r| r.3).collect()
    })
}

/// The plan of a raw statement, as text lines.
///
/// # Errors
/// A database error.
pub(super) fn of_raw(conn: &mut DbConn, mut sql: RawSql) -> Result<Vec<String>, AppError> {
    sql.prepend(prefix(conn));
    Ok(match conn {
        DbConn::Pg(_) => sql.load::<PgLine>(conn)?.into_iter().map(|l| l.line).collect(),
        DbConn::Sqlite(_) => sql.load::<SqliteLine>(conn)?.into_iter().map(|l| l.detail).collect(),
    })
}
