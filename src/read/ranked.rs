//! One page per parent for a batch of parents, in one statement on both backends: rows are
//! numbered per parent in page order (`ROW_NUMBER() OVER (PARTITION BY parent ORDER BY …)`) past the
//! keyset position, and only the page plus one row per parent is read.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::page::{cut, parse_date, parse_timestamp, PageSpec, RowPage, SortField};
use super::{group, ByParent};
use crate::db::cached::{Sql, Value as Bind};
use crate::db::{Db, DbConn};
use crate::error::AppError;

/// A statement of our own text with bound values: on PostgreSQL a prepared statement the
/// connection keeps ([`crate::db::cached`]), on SQLite a one-off statement.
#[derive(Debug, Default)]
pub(super) struct RawSql(Sql);

impl RawSql {
    /// Puts `text` before the statement (e.g. `EXPLAIN `).
    pub(super) fn prepend(&mut self, text: &str) {
        self.0.prepend(text);
    }

    pub(super) fn push(&mut self, text: &str) -> &mut Self {
        self.0.push(text);
        self
    }

    fn bind(&mut self, value: Bind) -> &mut Self {
        self.0.value(value);
        self
    }

    pub(super) fn text(&mut self, v: &str) -> &mut Self {
        self.bind(Bind::Text(v.to_owned()))
    }

    pub(super) fn int(&mut self, v: i64) -> &mut Self {
        self.bind(Bind::Int(v))
    }

    /// ` IN (v1, v2, …)` of integers (PostgreSQL: ` = ANY($n)`).
    pub(super) fn in_list(&mut self, values: &[i64]) -> &mut Self {
        self.0.in_list(values);
        self
    }

    /// Runs the statement, reading rows by column name.
    pub(super) fn load<R>(self, conn: &mut DbConn) -> Result<Vec<R>, AppError>
    where
        R: QueryableByName<Db> + QueryableByName<diesel::pg::Pg> + 'static,
    {
        self.0.load(conn)
    }
}

/// The column a sort field reads, in a table whose rows offer it.
pub(super) fn column(field: SortField) -> &'static str {
    match field {
        SortField::Name => "sort_key",
        SortField::UpdatedAt => "updated_at",
        SortField::Amount => "amount_cents",
        SortField::AwardDate => "award_date",
        SortField::StartDate => "start_date",
    }
}

fn value(field: SortField, text: &str) -> Bind {
    match field {
        SortField::Name => Bind::Text(text.to_owned()),
        SortField::UpdatedAt => Bind::Time(parse_timestamp(text).unwrap_or_default()),
        SortField::Amount => Bind::Int(text.parse().unwrap_or_default()),
        SortField::AwardDate | SortField::StartDate => Bind::Date(parse_date(text)),
    }
}

/// ` AND (…)` for each bound of the page: the same rules as the root lists' `keyset!`, NULLs last
/// in both directions.
pub(super) fn keyset(sql: &mut RawSql, alias: &str, spec: &PageSpec) {
    let field = spec.order.field;
    let col = format!("{alias}.{}", column(field));
    let id = format!("{alias}.id");
    for (position, start) in [(spec.after.as_ref(), true), (spec.before.as_ref(), false)] {
        let Some(p) = position else { continue };
        // Further along the ascending order: past the start of an ascending page, or before the
        // end of a descending one.
        let cmp = if start != spec.order.descending { ">" } else { "<" };
        let v = value(field, &p.value);
        sql.push(" AND (");
        if matches!(v, Bind::Date(None)) {
            // Past an undated row: undated rows beyond it; before one: every dated row and the
            // undated rows before it.
            let join = if start { "IS NULL AND" } else { "IS NOT NULL OR" };
            sql.push(&format!("{col} {join} {id} {cmp} ")).int(p.id);
        } else {
            if !field.nullable() || !start {
                // The index range (before a dated row: dated rows only); the rest cuts the ties.
                sql.push(&format!("{col} {cmp}= ")).bind(v.clone()).push(" AND (");
            }
            sql.push(&format!("{col} {cmp} ")).bind(v.clone());
            sql.push(&format!(" OR ({col} = ")).bind(v).push(&format!(" AND {id} {cmp} ")).int(p.id).push(")");
            if field.nullable() && start {
                // Past a dated row: every undated row too.
                sql.push(&format!(" OR {col} IS NULL"));
            } else {
                sql.push(")");
            }
        }
        sql.push(")");
    }
}

/// `ORDER BY` terms in fetch order (reversed when paging from the end; NULLs last in the
/// requested order).
pub(super) fn order(alias: &str, spec: &PageSpec) -> String {
    let dir = if spec.fetch_descending() { "DESC" } else { "ASC" };
    let col = column(spec.order.field);
    let nulls = if spec.order.field.nullable() {
        if spec.backward {
            " NULLS FIRST"
        } else {
            " NULLS LAST"
        }
    } else {
        ""
    };
    format!("{alias}.{col} {dir}{nulls}, {alias}.id {dir}")
}

/// A row read for a parent, as a ranked statement returns it.
pub(super) trait Ranked: QueryableByName<Db> + QueryableByName<diesel::pg::Pg> + 'static {
    /// The row type.
    type Row;
    /// The parent and the row.
    fn split(self) -> (i64, Self::Row);
}

macro_rules! ranked_row {
    ($name:ident, $row:ty) => {
        /// A row with the parent it was read for.
        #[derive(QueryableByName)]
        pub(super) struct $name {
            #[diesel(embed)]
            record: $row,
            #[diesel(sql_type = BigInt)]
            parent_id: i64,
        }

        impl Ranked for $name {
            type Row = $row;
            fn split(self) -> (i64, $row) {
                (self.parent_id, self.record)
            }
        }
    };
}

ranked_row!(RankedFunding, crate::db::models::FundingRow);
ranked_row!(RankedProgramme, crate::db::models::ProgrammeRow);

/// A parent and a count.
#[derive(QueryableByName)]
pub(super) struct ParentCount {
    #[diesel(sql_type = BigInt)]
    pub parent_id: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Wraps `inner` (a `SELECT alias.*, <parent> AS parent_id, ROW_NUMBER() … AS page_row FROM …`
/// built by the caller) so that only the page plus one row per parent is read, runs it, and cuts
/// each parent's rows into its page; every id in `ids` gets a page.
pub(super) fn pages<R: Ranked>(
    conn: &mut DbConn,
    mut sql: RawSql,
    ids: &[i64],
    spec: &PageSpec,
) -> Result<ByParent<RowPage<R::Row>>, AppError> {
    finish_pages(&mut sql, spec);
    let rows: Vec<R> = sql.load(conn)?;
    let mut by_parent = group(rows.into_iter().map(Ranked::split));
    Ok(ids.iter().map(|id| (*id, cut(by_parent.remove(id).unwrap_or_default(), spec))).collect())
}

/// Closes a ranked statement: the page plus one row per parent, in parent and page order.
pub(super) fn finish_pages(sql: &mut RawSql, spec: &PageSpec) {
    sql.push(") ranked WHERE ranked.page_row <= ")
        .int(spec.limit.saturating_add(1))
        .push(" ORDER BY ranked.parent_id, ranked.page_row");
}

/// Appends the start of a ranked statement over rows aliased `alias`, partitioned by `parent`; the
/// caller adds the `FROM` sources and the `WHERE` (with [`keyset`]) and hands it to [`pages`].
pub(super) fn ranked_select(sql: &mut RawSql, alias: &str, parent: &str, spec: &PageSpec) {
    sql.push(&format!(
        "SELECT ranked.* FROM (SELECT {alias}.*, {parent} AS parent_id, ROW_NUMBER() OVER (PARTITION BY {parent} ORDER BY {}) AS page_row FROM ",
        order(alias, spec)
    ));
}

/// `WITH RECURSIVE member(root_id, region_id) AS (…) `: each root region with its formal
/// descendants (itself included), walked by the database (`UNION` ends a cycle), binding only the
/// roots.
pub(super) fn members(roots: &[i64]) -> RawSql {
    let mut sql = RawSql::default();
    sql.push("WITH RECURSIVE member(root_id, region_id) AS (SELECT id, id FROM region WHERE id").in_list(roots).push(
        " UNION SELECT member.root_id, region.id FROM member JOIN region ON region.parent_id = member.region_id) ",
    );
    sql
}

/// The counts per parent of a `SELECT … AS parent_id, COUNT(…) AS n … GROUP BY …` statement.
pub(super) fn counts(conn: &mut DbConn, sql: RawSql) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(sql.load::<ParentCount>(conn)?.into_iter().map(|c| (c.parent_id, c.n)).collect())
}
