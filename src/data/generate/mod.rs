//! `generate-data`: deterministic synthetic organisations, programmes and fundings of realistic
//! shape, beside the loaded real data, for benchmarks. Everything it writes is recognisably
//! synthetic: slugs and keys start with `synthetic-`, names end in `(synthetic)`, and every record
//! cites one source of its own (document `synthetic`), never a real document.
//!
//! Shape (fractions of rows), after `../shared/bench/synthetic.sql`:
//! - organisations: kinds like the real set, schools with a level; 70 % one home region, 10 % two.
//! - programmes: 85 % owned by a synthetic organisation (skewed: a few own many), 5 % by a real one,
//!   10 % without owner; the owner is LEAD; 0–3 further participants (3 % PROPOSED); 1–2 target
//!   groups; 0–2 regions; YEAR periods starting 2012–2020, 70 % with an end 0–4 years later.
//! - fundings: over the real schemes (weighted to PRAKTIJKLEREN, RIF, MKB!dee, SECTORPLANNEN), 3 %
//!   outside a scheme with a named funder; amounts log-uniform €5,000–€5,000,000 (60 % round
//!   thousands, 30 % whole euros, 10 % with cents); 90 % to a programme (skewed); 90 % with a
//!   recipient and an award date to the day.
//! - allocations: 12 % none; 4 % regions without shares; 50 % one region at 10000 bp (60 % a
//!   province, 40 % a subregion); 30 % split over 2–4 provinces/subregions with shares summing to
//!   10000 (not multiples of 100); 4 % a whole landsdeel.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::*;
use crate::db::{now, write_transaction, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::text::{search_key, search_text};

mod existing;
mod rng;

use existing::{holds_synthetic, partners_wrote, real, remove_synthetic, Real};
use rng::Rng;

/// What the programme and funding generators share: the random source, the real records to draw
/// on, the synthetic organisations, the sizes, the time stamp and the running report.
struct Run<'a> {
    rng: &'a mut Rng,
    real: &'a Real,
    orgs: &'a [i64],
    sizes: Sizes,
    t: chrono::NaiveDateTime,
    report: &'a mut Generated,
}

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Synthetic organisations.
    pub organisations: usize,
    /// Synthetic programmes.
    pub programmes: usize,
    /// Synthetic fundings.
    pub fundings: usize,
    /// The seed: the same seed and sizes give the same rows.
    pub seed: u64,
}

/// What to do about what the database already holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Delete an earlier synthetic set first.
    pub replace: bool,
    /// Generate even when partners wrote records through the API.
    pub force: bool,
}

/// What was written.
#[derive(Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Generated {
    pub organisations: usize,
    pub programmes: usize,
    pub participations: usize,
    pub fundings: usize,
    pub allocations: usize,
    pub removed_earlier_set: bool,
}

/// The prefix of every synthetic slug and key.
pub const PREFIX: &str = "synthetic-";
/// The `document` of every synthetic record's source.
pub const SOURCE_DOCUMENT: &str = "synthetic";

/// Rows per insert statement (SQLite allows 32,766 bound values).
const CHUNK: usize = 500;
/// Fundings per transaction.
const FUNDINGS_PER_TRANSACTION: usize = 20_000;

/// Runs one batch insert on whichever backend `conn` is.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(CHUNK) {
            match $conn {
                DbConn::Pg(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConn::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
    };
}

// After the macro: these use it.
mod fundings;
mod programmes;

fn synthetic_source(entity_type: RecordKind, entity_id: i64, t: chrono::NaiveDateTime) -> SourceRow {
    (
        source::entity_type.eq(entity_type.as_str()),
        source::entity_id.eq(entity_id),
        source::document.eq(Some(SOURCE_DOCUMENT)),
        source::created_at.eq(t),
        source::updated_at.eq(t),
        source::version.eq(1),
    )
}

type SourceRow = (
    diesel::dsl::Eq<source::entity_type, &'static str>,
    diesel::dsl::Eq<source::entity_id, i64>,
    diesel::dsl::Eq<source::document, Option<&'static str>>,
    diesel::dsl::Eq<source::created_at, chrono::NaiveDateTime>,
    diesel::dsl::Eq<source::updated_at, chrono::NaiveDateTime>,
    diesel::dsl::Eq<source::version, i32>,
);

/// Ids of the synthetic rows just inserted (after `after`, keyed with [`PREFIX`]), in insert order.
fn ids_in_order(conn: &mut DbConn, what: &str, after: i64) -> Result<Vec<i64>, AppError> {
    let like = format!("{PREFIX}{what}-%");
    Ok(match what {
        "org" => organisation::table
            .filter(organisation::id.gt(after))
            .filter(organisation::slug.like(like))
            .order(organisation::id)
            .select(organisation::id)
            .load(conn)?,
        _ => programme::table
            .filter(programme::id.gt(after))
            .filter(programme::slug.like(like))
            .order(programme::id)
            .select(programme::id)
            .load(conn)?,
    })
}

fn year_day(year: i32, rng: &mut Rng) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).map_or(NaiveDate::MIN, |d| d + chrono::Duration::days(rng.below(365) as i64))
}

/// Generates a synthetic set of `sizes` beside the loaded real data.
///
/// # Errors
/// `BAD_USER_INPUT` when the database holds partner-written records (without `force`), an earlier
/// synthetic set (without `replace`), or no real data; a database error.
pub fn generate(conn: &mut DbConn, sizes: Sizes, options: Options) -> Result<Generated, AppError> {
    if !options.force && partners_wrote(conn)? {
        return Err(AppError::bad_input(
            "the database holds records partners wrote through the API: generate synthetic data only on a \
             benchmark copy (or pass --force)",
        ));
    }
    let mut report = Generated::default();
    if holds_synthetic(conn)? {
        if !options.replace {
            return Err(AppError::bad_input(
                "the database already holds a synthetic set: pass --replace to delete it first",
            ));
        }
        remove_synthetic(conn)?;
        report.removed_earlier_set = true;
    }
    let real = real(conn)?;
    let mut rng = Rng(sizes.seed);
    let t = now();
    let all_regions: Vec<i64> = real.provinces.iter().chain(&real.subregions).copied().collect();

    let max_org: i64 =
        organisation::table.select(diesel::dsl::max(organisation::id)).first::<Option<i64>>(conn)?.unwrap_or(0);
    let max_programme: i64 =
        programme::table.select(diesel::dsl::max(programme::id)).first::<Option<i64>>(conn)?.unwrap_or(0);
    let max_funding: i64 =
        funding::table.select(diesel::dsl::max(funding::id)).first::<Option<i64>>(conn)?.unwrap_or(0);

    // Organisations.
    let kinds = [
        ("SCHOOL", 30),
        ("COMPANY", 25),
        ("FOUNDATION", 10),
        ("MUNICIPALITY", 10),
        ("OTHER", 13),
        ("EMPLOYER_ORGANISATION", 5),
        ("REGIONAL_PLATFORM", 5),
        ("TRADE_UNION", 2),
    ];
    let levels = ["VO", "MBO", "HBO", "WO", "PO"];
    write_transaction(conn, |c| {
        let mut rows = Vec::with_capacity(sizes.organisations);
        for i in 0..sizes.organisations {
            let kind = *rng.weighted(&kinds);
            let name = format!("Synthetic {} {i} (synthetic)", kind.to_ascii_lowercase().replace('_', " "));
            let level = (kind == "SCHOOL").then(|| *rng.pick(&levels));
            rows.push((
                organisation::slug.eq(format!("{PREFIX}org-{i:07}")),
                organisation::sort_key.eq(search_key(&name)),
                organisation::search_text.eq(search_text([name.as_str()])),
                organisation::name.eq(name),
                organisation::kind.eq(kind),
                organisation::school_level.eq(level),
                organisation::identifiers.eq("[]"),
                organisation::aliases.eq("[]"),
                organisation::website.eq(Some(format!("https://org-{i}.synthetic.invalid"))),
                organisation::created_at.eq(t),
                organisation::updated_at.eq(t),
                organisation::version.eq(1),
            ));
        }
        insert_rows!(c, organisation::table, rows);
        Ok(())
    })?;
    let orgs = ids_in_order(conn, "org", max_org)?;
    report.organisations = orgs.len();
    write_transaction(conn, |c| {
        let mut homes = Vec::new();
        let mut sources = Vec::new();
        for &org in &orgs {
            let n = if rng.chance(0.7) {
                1
            } else if rng.chance(0.33) {
                2
            } else {
                0
            };
            let n = n.min(all_regions.len());
            let mut chosen: Vec<i64> = Vec::new();
            while chosen.len() < n {
                let r = *rng.pick(&all_regions);
                if !chosen.contains(&r) {
                    chosen.push(r);
                }
            }
            for r in chosen {
                homes.push((
                    organisation_region::organisation_id.eq(org),
                    organisation_region::region_id.eq(r),
                    organisation_region::created_at.eq(t),
                    organisation_region::updated_at.eq(t),
                    organisation_region::version.eq(1),
                ));
            }
            sources.push(synthetic_source(RecordKind::Organisation, org, t));
        }
        insert_rows!(c, organisation_region::table, homes);
        insert_rows!(c, source::table, sources);
        Ok(())
    })?;

    let mut run = Run { rng: &mut rng, real: &real, orgs: &orgs, sizes, t, report: &mut report };
    let progs = programmes::write(conn, &mut run, &all_regions, max_programme)?;
    fundings::write(conn, &mut run, &progs, max_funding)?;
    // Each batch appended its totals: fold them once, so a server started next reads folded totals.
    write_transaction(conn, |c| crate::write::placement::compact(c, [0, 0]))?;
    if matches!(conn, DbConn::Pg(_)) {
        // Folding deleted every appended row, but their pages stay: a plain vacuum only marks them
        // free, and every report read the whole heap (at 1M fundings funding_region_total held
        // 30,000 rows in 86 MB, 29 ms a scan; rewritten, 3.7 MB and 7 ms). The generator is a bulk
        // job on a database no partner writes to yet, so it takes the exclusive lock to rewrite.
        use diesel::connection::SimpleConnection;
        conn.batch_execute("VACUUM FULL funding_region_total, funding_region_programme")?;
    }
    // A bulk write leaves the planner's statistics behind (PostgreSQL's autovacuum catches up only
    // later): without them it guesses a parent's rows and may read whole tables for one page.
    crate::db::analyze(conn)?;
    Ok(report)
}
