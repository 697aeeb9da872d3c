//! The grouped statements behind the funding cross-tables and timelines (`super::matrix`): sums of
//! placement rows at one level per (region or bucket) and per column, computed by the database,
//! from the maintained totals where they answer, else from the matching fundings' placement rows.
//! Only one row per group reaches this process.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::fundings::{funding_conditions, FundingQuery};
use super::ranked::RawSql;
use crate::db::schema::{funding, funding_placement as fp, programme, programme_target_group as ptg};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::vocab::{FundingDimension, Placement, RegionScheme};

/// The key text of fundings without a programme (`PROGRAMME_KIND`, `TARGET_GROUP`).
pub const NO_PROGRAMME: &str = "NO_PROGRAMME";
/// The key text of fundings whose programme states no target group.
pub const NO_TARGET_GROUP: &str = "NO_TARGET_GROUP";

/// What one statement groups by.
#[derive(Debug, Clone, Copy)]
pub struct Grouping {
    /// Per bucket and region (else all placement rows of a funding together: its whole amount).
    pub by_region: bool,
    /// Per column of this dimension (else one group).
    pub dimension: Option<FundingDimension>,
    /// Count distinct programmes per group (else 0).
    pub programmes: bool,
}

/// One group's sums.
#[derive(Debug, Clone, QueryableByName)]
pub struct Group {
    /// The bucket's stored text (under `STATED`, programme placements are `UNALLOCATED`); `ALL`
    /// when not grouped by region.
    #[diesel(sql_type = Text)]
    pub bucket: String,
    /// The region (0 for a bucket without one).
    #[diesel(sql_type = BigInt)]
    pub region_id: i64,
    /// The column's number: scheme id (0 none) or year (0 unknown).
    #[diesel(sql_type = BigInt)]
    pub key_id: i64,
    /// The column's text: programme kind or target group (or [`NO_PROGRAMME`], [`NO_TARGET_GROUP`]).
    #[diesel(sql_type = Text)]
    pub key_text: String,
    /// Cents awarded.
    #[diesel(sql_type = BigInt)]
    pub cents: i64,
    /// Cents of co-financing.
    #[diesel(sql_type = BigInt)]
    pub co_financing_cents: i64,
    /// Distinct fundings.
    #[diesel(sql_type = BigInt)]
    pub funding_count: i64,
    /// Distinct fundings without a co-financing figure.
    #[diesel(sql_type = BigInt)]
    pub without_co_financing: i64,
    /// Distinct programmes (0 unless asked).
    #[diesel(sql_type = BigInt)]
    pub programme_count: i64,
}

/// The bucket and region terms, with `STATED` moving programme placements to `UNALLOCATED`.
fn bucket_terms(prefix: &str, by_region: bool, placement: Placement) -> (String, String) {
    if !by_region {
        return ("'ALL'".to_owned(), "CAST(0 AS BIGINT)".to_owned());
    }
    match placement {
        Placement::StatedAndProgramme => (format!("{prefix}bucket"), format!("{prefix}region_id")),
        Placement::Stated => {
            let through = format!("{prefix}placed_by = 'PROGRAMME'");
            (
                format!("CASE WHEN {through} THEN 'UNALLOCATED' ELSE {prefix}bucket END"),
                format!("CASE WHEN {through} THEN 0 ELSE {prefix}region_id END"),
            )
        }
    }
}

/// The column terms (number, text).
fn key_terms(prefix: &str, dimension: Option<FundingDimension>) -> (String, String) {
    let none = ("CAST(0 AS BIGINT)".to_owned(), "''".to_owned());
    match dimension {
        None => none,
        Some(FundingDimension::Scheme) => (format!("{prefix}scheme_id"), none.1),
        Some(FundingDimension::Year) => (format!("CAST({prefix}year AS BIGINT)"), none.1),
        Some(FundingDimension::ProgrammeKind) => (none.0, format!("COALESCE(programme.kind, '{NO_PROGRAMME}')")),
        Some(FundingDimension::TargetGroup) => (
            none.0,
            format!(
                "CASE WHEN {prefix}programme_id = 0 THEN '{NO_PROGRAMME}' \
                 ELSE COALESCE(programme_target_group.target_group, '{NO_TARGET_GROUP}') END"
            ),
        ),
    }
}

/// `SELECT` list and `GROUP BY` list (never empty: the level is constant).
fn terms(prefix: &str, g: Grouping, placement: Placement, sums: &str) -> (String, String) {
    let (bucket, region) = bucket_terms(prefix, g.by_region, placement);
    let (key_id, key_text) = key_terms(prefix, g.dimension);
    let select =
        format!("{bucket} AS bucket, {region} AS region_id, {key_id} AS key_id, {key_text} AS key_text, {sums}");
    let mut group = vec![format!("{prefix}level")];
    if g.by_region {
        group.extend([bucket, region]);
    }
    match g.dimension {
        None => {}
        Some(FundingDimension::Scheme | FundingDimension::Year) => group.push(key_id),
        Some(FundingDimension::ProgrammeKind | FundingDimension::TargetGroup) => group.push(key_text),
    }
    (select, group.join(", "))
}

/// True when the maintained totals answer: no condition but schemes, grouped per region, by
/// scheme or year or not at all, without programme counts.
pub fn totals_answer(query: &FundingQuery, g: Grouping) -> bool {
    super::report::totals_answer(query)
        && g.by_region
        && !g.programmes
        && matches!(g.dimension, None | Some(FundingDimension::Scheme | FundingDimension::Year))
}

/// Loads the groups of a boxed query over the placement rows (joined as the dimension needs).
macro_rules! grouped {
    ($from:expr, $conn:expr, $level:expr, $query:expr, $select:expr, $group:expr) => {{
        type Row = (String, i64, i64, String, i64, i64, i64, i64, i64);
        let mut q = $from
            .filter(fp::level.eq($level.as_str()))
            .select(sql::<(Text, BigInt, BigInt, Text, BigInt, BigInt, BigInt, BigInt, BigInt)>(&$select))
            .group_by(sql::<BigInt>(&$group))
            .into_boxed::<Db>();
        funding_conditions!(q, $query);
        let rows: Vec<Row> = q.load($conn)?;
        rows
    }};
}

/// The groups at `level` of the fundings `query` matches.
///
/// # Errors
/// A database error.
pub fn groups(
    conn: &mut DbConn,
    level: RegionScheme,
    query: &FundingQuery,
    placement: Placement,
    g: Grouping,
) -> Result<Vec<Group>, AppError> {
    if totals_answer(query, g) {
        return from_totals(conn, level, query.schemes.as_deref(), placement, g);
    }
    // Else group the placement rows of the matching fundings.
    let programmes = if g.programmes {
        "COUNT(DISTINCT CASE WHEN funding_placement.programme_id <> 0 THEN funding_placement.programme_id END)"
    } else {
        "CAST(0 AS BIGINT)"
    };
    // Per region, a funding has one placement row per (bucket, region) and one per target group
    // of its programme (unique per programme), so rows count fundings; over a level a funding
    // split by shares has several rows, so they are counted distinct.
    let (fundings, without) = if g.by_region {
        ("COUNT(*)", "CAST(SUM(1 - funding_placement.co_financing_known) AS BIGINT)")
    } else {
        (
            "COUNT(DISTINCT funding_placement.funding_id)",
            "COUNT(DISTINCT CASE WHEN funding_placement.co_financing_known = 0 THEN funding_placement.funding_id END)",
        )
    };
    let sums = format!(
        "CAST(SUM(funding_placement.cents) AS BIGINT), CAST(SUM(funding_placement.co_financing_cents) AS BIGINT), \
         {fundings}, {without}, {programmes}"
    );
    let (select, group) = terms("funding_placement.", g, placement, &sums);
    let base = fp::table.inner_join(funding::table);
    let rows = match g.dimension {
        Some(FundingDimension::ProgrammeKind) => {
            let from = base.left_join(programme::table.on(programme::id.eq(fp::programme_id)));
            grouped!(from, conn, level, query, select, group)
        }
        Some(FundingDimension::TargetGroup) => {
            let from = base.left_join(ptg::table.on(ptg::programme_id.eq(fp::programme_id)));
            grouped!(from, conn, level, query, select, group)
        }
        _ => grouped!(base, conn, level, query, select, group),
    };
    Ok(rows.into_iter().map(to_group).collect())
}

fn from_totals(
    conn: &mut DbConn,
    level: RegionScheme,
    schemes: Option<&[i64]>,
    placement: Placement,
    g: Grouping,
) -> Result<Vec<Group>, AppError> {
    // The writers append signed rows (folded now and then): add them up. A funding has one
    // placement row per (bucket, region) and one scheme and year, so the summed counts are
    // distinct fundings.
    let sums = "CAST(SUM(cents) AS BIGINT) AS cents, CAST(SUM(co_financing_cents) AS BIGINT) AS co_financing_cents, \
                CAST(SUM(funding_count) AS BIGINT) AS funding_count, \
                CAST(SUM(co_financing_missing) AS BIGINT) AS without_co_financing, \
                CAST(0 AS BIGINT) AS programme_count";
    let (select, group) = terms("", g, placement, sums);
    let mut sql = RawSql::default();
    sql.push(&format!("SELECT {select} FROM funding_region_total WHERE level = ")).text(level.as_str());
    if let Some(s) = schemes {
        sql.push(" AND scheme_id").in_list(if s.is_empty() { &[-2] } else { s });
    }
    sql.push(&format!(
        " GROUP BY {group} HAVING SUM(cents) <> 0 OR SUM(co_financing_cents) <> 0 OR SUM(funding_count) <> 0"
    ));
    sql.load(conn)
}

/// A group from its columns in `SELECT` order.
fn to_group(r: (String, i64, i64, String, i64, i64, i64, i64, i64)) -> Group {
    Group {
        bucket: r.0,
        region_id: r.1,
        key_id: r.2,
        key_text: r.3,
        cents: r.4,
        co_financing_cents: r.5,
        funding_count: r.6,
        without_co_financing: r.7,
        programme_count: r.8,
    }
}

/// The groups of the fundings `query` matches per funding year (`per_year`, in `key_id`) or all
/// together, over the funding rows themselves (one per funding: nothing counted distinct but the
/// programmes); `bucket` is `ALL`.
///
/// # Errors
/// A database error.
pub fn by_year(
    conn: &mut DbConn,
    query: &FundingQuery,
    per_year: bool,
    programmes: bool,
) -> Result<Vec<Group>, AppError> {
    type Row = (String, i64, i64, String, i64, i64, i64, i64, i64);
    type Sql = (Text, BigInt, BigInt, Text, BigInt, BigInt, BigInt, BigInt, BigInt);
    let year = crate::period::funding_year_sql(matches!(conn, DbConn::Pg(_)), "funding");
    let key = if per_year { format!("CAST({year} AS BIGINT)") } else { "CAST(0 AS BIGINT)".to_owned() };
    let programmes = if programmes { "COUNT(DISTINCT funding.programme_id)" } else { "CAST(0 AS BIGINT)" };
    // COALESCE: without GROUP BY an empty set still gives one row.
    let select = format!(
        "'ALL', CAST(0 AS BIGINT), {key}, '', CAST(COALESCE(SUM(funding.amount_cents), 0) AS BIGINT), \
         CAST(COALESCE(SUM(COALESCE(funding.co_financing_cents, 0)), 0) AS BIGINT), COUNT(*), \
         CAST(COALESCE(SUM(CASE WHEN funding.co_financing_cents IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
         {programmes}"
    );
    let rows: Vec<Row> = if per_year {
        let mut q = funding::table.select(sql::<Sql>(&select)).group_by(sql::<BigInt>(&key)).into_boxed::<Db>();
        funding_conditions!(q, query);
        q.load(conn)?
    } else {
        let mut q = funding::table.select(sql::<Sql>(&select)).into_boxed::<Db>();
        funding_conditions!(q, query);
        q.load(conn)?
    };
    Ok(rows.into_iter().map(to_group).collect())
}
