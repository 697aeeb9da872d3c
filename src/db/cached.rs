//! Statements of our own SQL (with bound values) that PostgreSQL prepares once per connection.
//!
//! `diesel::sql_query` marks its text as unsafe to cache (diesel cannot know whether it was built
//! from values), so PostgreSQL parses and plans it on every call: about 0.3 ms of the database's
//! time for a page-per-parent statement, more than it takes to run. [`Sql`] is built from text
//! written in the code and values bound as parameters (a list of ids is one `bigint[]`), so the same
//! shape always gives the same text: diesel keeps it in the connection's statement cache, keyed by
//! that text. The number of shapes is bounded by the code (orders, filters, levels), never by a
//! request's values.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamp, Untyped};

use super::{Db, DbConn};
use crate::error::AppError;

/// A value bound to a statement.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Text(String),
    Date(Option<NaiveDate>),
    Time(NaiveDateTime),
}

/// A piece of a statement.
#[derive(Debug, Clone)]
pub enum Part {
    /// Text written in the code.
    Sql(String),
    /// One bound value.
    Value(Value),
    /// `<expression> IN (…)` for a list of ids, the expression written before it.
    In(Vec<i64>),
}

/// A statement as pieces of text and bound values. On PostgreSQL it runs as a cached prepared
/// statement (unless [`Sql::uncached`]); [`Sql::text_and_values`] gives SQLite's form.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    parts: Vec<Part>,
    uncached: bool,
}

impl Sql {
    /// Appends text written in the code.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.parts.push(Part::Sql(text.to_owned()));
        self
    }

    /// Puts text before the statement (e.g. `EXPLAIN `); such a statement is not cached.
    pub fn prepend(&mut self, text: &str) {
        self.parts.insert(0, Part::Sql(text.to_owned()));
        self.uncached = true;
    }

    /// Appends a bound value.
    pub fn value(&mut self, value: Value) -> &mut Self {
        self.parts.push(Part::Value(value));
        self
    }

    /// Appends ` IN (…)` of these ids (PostgreSQL: ` = ANY($n)`, one parameter whatever their number).
    pub fn in_list(&mut self, ids: &[i64]) -> &mut Self {
        self.parts.push(Part::In(ids.to_vec()));
        self
    }

    /// Runs as a one-off statement on PostgreSQL too (not kept in the connection's cache).
    pub fn uncached(&mut self) -> &mut Self {
        self.uncached = true;
        self
    }

    /// True when nothing was appended yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Runs the statement on either backend, reading rows by column name.
    ///
    /// # Errors
    /// A database error.
    pub fn load<R>(self, conn: &mut DbConn) -> Result<Vec<R>, AppError>
    where
        R: QueryableByName<Db> + QueryableByName<Pg> + 'static,
    {
        if let DbConn::Pg(pg) = conn {
            return Ok(RunQueryDsl::load::<R>(self, pg)?);
        }
        let (text, values) = self.text_and_values();
        let mut q = diesel::sql_query(text).into_boxed::<Db>();
        for b in values {
            q = match b {
                Value::Int(v) => q.bind::<BigInt, _>(v),
                Value::Text(v) => q.bind::<Text, _>(v),
                Value::Date(v) => q.bind::<Nullable<Date>, _>(v),
                Value::Time(v) => q.bind::<Timestamp, _>(v),
            };
        }
        Ok(q.load::<R>(conn)?)
    }

    /// The text with numbered placeholders (`$1`, `$2`, … each used once; SQLite reads them as
    /// numbered parameters) and the values in their order; a list is one placeholder per id.
    #[must_use]
    pub fn text_and_values(&self) -> (String, Vec<Value>) {
        let mut text = String::new();
        let mut values = Vec::new();
        let placeholder = |values: &mut Vec<Value>, v: Value, text: &mut String| {
            values.push(v);
            text.push('$');
            text.push_str(&values.len().to_string());
        };
        for part in &self.parts {
            match part {
                Part::Sql(s) => text.push_str(s),
                Part::Value(v) => placeholder(&mut values, v.clone(), &mut text),
                Part::In(ids) => {
                    text.push_str(" IN (");
                    for (i, id) in ids.iter().enumerate() {
                        if i > 0 {
                            text.push_str(", ");
                        }
                        placeholder(&mut values, Value::Int(*id), &mut text);
                    }
                    text.push(')');
                }
            }
        }
        (text, values)
    }
}

impl QueryFragment<Pg> for Sql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if self.uncached {
            out.unsafe_to_cache_prepared();
        }
        for part in &self.parts {
            match part {
                Part::Sql(s) => out.push_sql(s),
                Part::Value(Value::Int(v)) => out.push_bind_param::<BigInt, _>(v)?,
                Part::Value(Value::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Part::Value(Value::Date(v)) => out.push_bind_param::<Nullable<Date>, _>(v)?,
                Part::Value(Value::Time(v)) => out.push_bind_param::<Timestamp, _>(v)?,
                Part::In(ids) => {
                    out.push_sql(" = ANY(");
                    out.push_bind_param::<Array<BigInt>, _>(ids)?;
                    out.push_sql(")");
                }
            }
        }
        Ok(())
    }
}

impl QueryId for Sql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Sql {
    type SqlType = Untyped;
}

impl RunQueryDsl<PgConnection> for Sql {}
