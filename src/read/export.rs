//! What the open-data exports read (`routes::export`): the matching fundings in id order, one batch
//! at a time, the records each batch names, and the counts of what the 360Giving package leaves out
//! (in one statement, so the response can say it before the first grant).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Timestamp};

use super::fundings::{funding_conditions, FundingQuery};
use super::provenance::sources_of;
use super::report::Total;
use crate::db::models::{FundingRow, FundingSchemeRow, OrganisationRow, ProgrammeRow, SourceRow};
use crate::db::schema::{funding, funding_placement as fp, region};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;

/// SQL (over `funding`): no full `YYYY-MM-DD` award date.
const NO_AWARD_DAY: &str = "(funding.award_date IS NULL OR funding.award_precision IS NULL \
     OR funding.award_precision <> 'DAY')";
/// SQL (over `funding`): no recipient.
const NO_RECIPIENT: &str = "(funding.recipient_id IS NULL)";
/// SQL (over `funding`): no named funder and no scheme with a funder.
const NO_FUNDER: &str = "(funding.funder_id IS NULL AND NOT EXISTS (SELECT 1 FROM funding_scheme s \
     WHERE s.id = funding.scheme_id AND s.funder_id IS NOT NULL))";

fn left_out_sql() -> String {
    format!("({NO_AWARD_DAY} OR {NO_RECIPIENT} OR {NO_FUNDER})")
}

/// How many matching fundings there are, how many a 360Giving package leaves out and why (a funding
/// lacking several fields counts under each), with their sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Every matching funding.
    pub matching: Total,
    /// Left out for any reason.
    pub left_out: Total,
    /// Without a full award date.
    pub no_award_date: Total,
    /// Without a recipient.
    pub no_recipient: Total,
    /// Without a funder (named, or its scheme's).
    pub no_funder: Total,
    /// The latest change of a matching funding.
    pub modified: Option<NaiveDateTime>,
}

impl Summary {
    /// What the package holds.
    pub fn exported(&self) -> Total {
        Total {
            cents: self.matching.cents - self.left_out.cents,
            funding_count: self.matching.funding_count - self.left_out.funding_count,
        }
    }
}

fn filtered(query: &FundingQuery) -> funding::BoxedQuery<'static, Db> {
    let mut q = funding::table.into_boxed::<Db>();
    funding_conditions!(q, query);
    q
}

/// Counts and sums the fundings `query` matches, and what a 360Giving package leaves out of them,
/// in one statement.
///
/// # Errors
/// A database error.
pub fn summary(conn: &mut DbConn, query: &FundingQuery) -> Result<Summary, AppError> {
    let count =
        |cond: &str| sql::<BigInt>(&format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)"));
    let cents = |cond: &str| {
        sql::<BigInt>(&format!(
            "CAST(COALESCE(SUM(CASE WHEN {cond} THEN funding.amount_cents ELSE 0 END), 0) AS BIGINT)"
        ))
    };
    let any = left_out_sql();
    #[expect(clippy::type_complexity, reason = "one row of the statement's columns")]
    let row: ((i64, i64), (i64, i64), (i64, i64), (i64, i64), (i64, i64), Option<NaiveDateTime>) = filtered(query)
        .select((
            (count("1 = 1"), cents("1 = 1")),
            (count(&any), cents(&any)),
            (count(NO_AWARD_DAY), cents(NO_AWARD_DAY)),
            (count(NO_RECIPIENT), cents(NO_RECIPIENT)),
            (count(NO_FUNDER), cents(NO_FUNDER)),
            sql::<Nullable<Timestamp>>("MAX(funding.updated_at)"),
        ))
        .first(conn)?;
    let total = |(funding_count, cents): (i64, i64)| Total { cents, funding_count };
    Ok(Summary {
        matching: total(row.0),
        left_out: total(row.1),
        no_award_date: total(row.2),
        no_recipient: total(row.3),
        no_funder: total(row.4),
        modified: row.5,
    })
}

/// Which fundings a batch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// Every matching funding (the CSV).
    All,
    /// Only those a 360Giving package can hold (full award date, recipient, funder).
    Qualifying,
}

/// The next `limit` matching fundings with ids above `after`, in id order (a keyset page: each
/// batch is one indexed range, whatever the number of fundings before it).
///
/// # Errors
/// A database error.
pub fn batch(
    conn: &mut DbConn,
    query: &FundingQuery,
    rows: Rows,
    after: i64,
    limit: i64,
) -> Result<Vec<FundingRow>, AppError> {
    let mut q = filtered(query).filter(funding::id.gt(after));
    if rows == Rows::Qualifying {
        q = q.filter(sql::<Bool>(&format!("NOT {}", left_out_sql())));
    }
    Ok(q.order(funding::id.asc()).limit(limit).select(FundingRow::as_select()).load(conn)?)
}

/// One placement row of a funding at a level, with its region where it is placed in one.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The level (`RegionScheme` text).
    pub level: String,
    /// The bucket (`Bucket` text).
    pub bucket: String,
    /// The region's code and name (for the `REGION` bucket).
    pub region: Option<(String, String)>,
    /// How it was placed (`PlacedBy` text).
    pub placed_by: String,
}

/// The records a batch of fundings names, by id.
#[derive(Debug, Default)]
pub struct Named {
    /// Recipients, named funders and the schemes' funders.
    pub organisations: HashMap<i64, OrganisationRow>,
    /// Schemes.
    pub schemes: HashMap<i64, FundingSchemeRow>,
    /// Programmes.
    pub programmes: HashMap<i64, ProgrammeRow>,
    /// Placement rows per funding, by level and region code.
    pub placements: HashMap<i64, Vec<Placed>>,
    /// Sources per funding, oldest first.
    pub sources: HashMap<i64, Vec<SourceRow>>,
}

/// Funding id, level, bucket, how placed, region code and name.
type PlacementRow = (i64, String, String, String, Option<String>, Option<String>);

fn ids(values: impl Iterator<Item = Option<i64>>) -> Vec<i64> {
    let mut ids: Vec<i64> = values.flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Reads what `rows` name: five statements per batch, whatever its size.
///
/// # Errors
/// A database error.
pub fn named(conn: &mut DbConn, rows: &[FundingRow]) -> Result<Named, AppError> {
    if rows.is_empty() {
        return Ok(Named::default());
    }
    let schemes: HashMap<i64, FundingSchemeRow> = super::schemes::by_ids(conn, &ids(rows.iter().map(|r| r.scheme_id)))?
        .into_iter()
        .map(|s| (s.id.0, s))
        .collect();
    let org_ids =
        ids(rows.iter().flat_map(|r| [r.recipient_id, r.funder_id]).chain(schemes.values().map(|s| s.funder_id)));
    let organisations = super::organisations::by_ids(conn, &org_ids)?.into_iter().map(|o| (o.id.0, o)).collect();
    let programmes = super::programmes::by_ids(conn, &ids(rows.iter().map(|r| r.programme_id)))?
        .into_iter()
        .map(|p| (p.id.0, p))
        .collect();
    let funding_ids: Vec<i64> = rows.iter().map(|r| r.id.0).collect();
    let placed: Vec<PlacementRow> = fp::table
        .left_join(region::table.on(region::id.eq(fp::region_id)))
        .filter(fp::funding_id.eq_any(&funding_ids))
        .order((fp::funding_id, fp::level, region::code.nullable()))
        .select((
            fp::funding_id,
            fp::level,
            fp::bucket,
            fp::placed_by,
            region::code.nullable(),
            region::name.nullable(),
        ))
        .load(conn)?;
    let mut placements: HashMap<i64, Vec<Placed>> = HashMap::new();
    for (id, level, bucket, placed_by, code, name) in placed {
        let region = code.zip(name);
        placements.entry(id).or_default().push(Placed { level, bucket, region, placed_by });
    }
    let records: Vec<(RecordKind, i64)> = funding_ids.iter().map(|id| (RecordKind::Funding, *id)).collect();
    let mut sources: HashMap<i64, Vec<SourceRow>> = HashMap::new();
    for s in sources_of(conn, &records)? {
        sources.entry(s.entity_id).or_default().push(s);
    }
    Ok(Named { organisations, schemes, programmes, placements, sources })
}
