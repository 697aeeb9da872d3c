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
use crate::text::{search_key, search_text};

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

/// SplitMix64: a small, fast, deterministic generator (no dependency for benchmark data).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Skewed towards 0: a few indices get most of the picks.
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * u) * n as f64) as usize % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|i| i.1).sum();
        let mut x = (self.next() % u64::from(total.max(1))) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[0].0
    }
}

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

/// True when a partner wrote through the API (an audit event not made by the command line).
fn partners_wrote(conn: &mut DbConn) -> Result<bool, AppError> {
    let n: i64 = audit_event::table.filter(audit_event::mutation.not_like("cli:%")).count().get_result(conn)?;
    Ok(n > 0)
}

/// A synthetic set is recognised by its sources (document `synthetic`, which no partner write
/// can cite), never by a slug alone: a partner's "Synthetic fuels" programme is not synthetic.
fn holds_synthetic(conn: &mut DbConn) -> Result<bool, AppError> {
    let n: i64 = source::table.filter(source::document.eq(SOURCE_DOCUMENT)).count().get_result(conn)?;
    Ok(n > 0)
}

/// Deletes every synthetic record and what hangs off it (also fundings recorded through the API
/// for a synthetic programme or recipient).
fn remove_synthetic(conn: &mut DbConn) -> Result<(), AppError> {
    use diesel::connection::SimpleConnection;
    // Constant SQL, the same on both backends; subqueries, because a synthetic set may hold a
    // million rows (more than either backend binds in one statement).
    const REMOVE: &str = "
        CREATE TEMPORARY TABLE synthetic_record AS SELECT entity_type, entity_id FROM source
          WHERE document = 'synthetic';
        CREATE TEMPORARY TABLE synthetic_funding AS SELECT id FROM funding
          WHERE id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'funding')
             OR programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme')
             OR recipient_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DELETE FROM region_allocation WHERE funding_id IN (SELECT id FROM synthetic_funding);
        DELETE FROM source WHERE document = 'synthetic';
        DELETE FROM funding WHERE id IN (SELECT id FROM synthetic_funding);
        DELETE FROM participation
          WHERE programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme')
             OR organisation_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DELETE FROM programme_target_group
          WHERE programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme');
        DELETE FROM programme_region
          WHERE programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme');
        DELETE FROM programme WHERE id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme');
        DELETE FROM organisation_region
          WHERE organisation_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DELETE FROM organisation
          WHERE id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DROP TABLE synthetic_funding;
        DROP TABLE synthetic_record;";
    write_transaction(conn, |c| Ok(c.batch_execute(REMOVE)?))
}

/// The real records synthetic ones point at.
struct Real {
    provinces: Vec<i64>,
    subregions: Vec<i64>,
    landsdelen: Vec<i64>,
    organisations: Vec<i64>,
    /// (scheme id, weight, first year, last year)
    schemes: Vec<(i64, u32)>,
}

fn real(conn: &mut DbConn) -> Result<Real, AppError> {
    let regions = |c: &mut DbConn, scheme: &str| -> Result<Vec<i64>, AppError> {
        Ok(region::table.filter(region::scheme.eq(scheme)).order(region::id).select(region::id).load(c)?)
    };
    let provinces = regions(conn, "PROVINCE")?;
    let subregions = regions(conn, "SUBREGION")?;
    let landsdelen = regions(conn, "LANDSDEEL")?;
    let like = format!("{PREFIX}%");
    let organisations: Vec<i64> = organisation::table
        .filter(organisation::slug.not_like(like))
        .order(organisation::id)
        .select(organisation::id)
        .load(conn)?;
    let codes: Vec<(i64, String)> =
        funding_scheme::table.order(funding_scheme::id).select((funding_scheme::id, funding_scheme::code)).load(conn)?;
    let schemes = codes
        .into_iter()
        .map(|(id, code)| {
            let weight = match code.as_str() {
                "PRAKTIJKLEREN" | "SUBSIDIEREGELING_PRAKTIJKLEREN" => 30,
                "RIF" => 20,
                "MKB_IDEE" => 15,
                "SECTORPLANNEN" => 10,
                _ => 2,
            };
            (id, weight)
        })
        .collect();
    let real = Real { provinces, subregions, landsdelen, organisations, schemes };
    if real.provinces.is_empty() || real.schemes.is_empty() || real.organisations.is_empty() {
        return Err(AppError::bad_input(
            "generate-data adds to the real data: load it first (`techniekpact-api load-data`)",
        ));
    }
    Ok(real)
}

fn synthetic_source(entity_type: &'static str, entity_id: i64, t: chrono::NaiveDateTime) -> SourceRow {
    (
        source::entity_type.eq(entity_type),
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

    let max_org: i64 = organisation::table.select(diesel::dsl::max(organisation::id)).first::<Option<i64>>(conn)?.unwrap_or(0);
    let max_programme: i64 =
        programme::table.select(diesel::dsl::max(programme::id)).first::<Option<i64>>(conn)?.unwrap_or(0);
    let max_funding: i64 = funding::table.select(diesel::dsl::max(funding::id)).first::<Option<i64>>(conn)?.unwrap_or(0);

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
            let n = if rng.chance(0.7) { 1 } else if rng.chance(0.33) { 2 } else { 0 };
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
            sources.push(synthetic_source("organisation", org, t));
        }
        insert_rows!(c, organisation_region::table, homes);
        insert_rows!(c, source::table, sources);
        Ok(())
    })?;

    // Programmes, their participants, target groups and regions.
    let programme_kinds = [("PROJECT", 40), ("INITIATIVE", 30), ("NETWORK", 10), ("PPS", 15), ("PACT_ACTION", 5)];
    let groups = ["PO", "VO", "VMBO", "MBO", "HBO", "WO", "WORKERS", "JOB_SEEKERS", "TEACHERS"];
    let mut owners: Vec<Option<i64>> = Vec::with_capacity(sizes.programmes);
    write_transaction(conn, |c| {
        let mut rows = Vec::with_capacity(sizes.programmes);
        for i in 0..sizes.programmes {
            let kind = *rng.weighted(&programme_kinds);
            let name = format!("Synthetic programme {i} (synthetic)");
            let owner = if orgs.is_empty() {
                None
            } else {
                let u = rng.unit();
                if u < 0.85 {
                    Some(orgs[rng.skewed(orgs.len())])
                } else if u < 0.90 {
                    Some(*rng.pick(&real.organisations))
                } else {
                    None
                }
            };
            owners.push(owner);
            let start_year = 2012 + rng.below(9) as i32;
            let start = NaiveDate::from_ymd_opt(start_year, 1, 1);
            let end = rng.chance(0.7).then(|| NaiveDate::from_ymd_opt(start_year + rng.below(5) as i32, 12, 31)).flatten();
            rows.push((
                programme::slug.eq(format!("{PREFIX}programme-{i:07}")),
                programme::sort_key.eq(search_key(&name)),
                programme::search_text.eq(search_text([name.as_str()])),
                programme::name.eq(name),
                programme::kind.eq(kind),
                programme::start_date.eq(start),
                programme::start_precision.eq(start.map(|_| "YEAR")),
                programme::end_date.eq(end),
                programme::end_precision.eq(end.map(|_| "YEAR")),
                programme::owner_id.eq(owner),
                programme::aliases.eq("[]"),
                programme::note.eq(Some("Synthetic record made by generate-data for benchmarks.")),
                programme::created_at.eq(t),
                programme::updated_at.eq(t),
                programme::version.eq(1),
            ));
        }
        insert_rows!(c, programme::table, rows);
        Ok(())
    })?;
    let progs = ids_in_order(conn, "programme", max_programme)?;
    report.programmes = progs.len();
    let roles = ["PARTNER", "IMPLEMENTER", "FUNDER", "PARTICIPANT"];
    write_transaction(conn, |c| {
        let (mut parts, mut tgs, mut regions, mut sources) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (p, owner) in progs.iter().zip(&owners) {
            let mut members: Vec<i64> = Vec::new();
            if let Some(o) = owner {
                members.push(*o);
                parts.push((*o, "LEAD", "ACCEPTED"));
            }
            for _ in 0..rng.below(4) {
                let org = if orgs.is_empty() || rng.chance(0.2) { *rng.pick(&real.organisations) } else { *rng.pick(&orgs) };
                if !members.contains(&org) {
                    members.push(org);
                    let status = if rng.chance(0.03) { "PROPOSED" } else { "ACCEPTED" };
                    parts.push((org, *rng.pick(&roles), status));
                }
            }
            regions.extend(parts.drain(..).map(|(org, role, status)| Membership::Participant(*p, org, role, status)));
            let n = 1 + rng.below(2);
            let mut chosen: Vec<&str> = Vec::new();
            while chosen.len() < n {
                let g = *rng.pick(&groups);
                if !chosen.contains(&g) {
                    chosen.push(g);
                }
            }
            for g in chosen {
                tgs.push((
                    programme_target_group::programme_id.eq(*p),
                    programme_target_group::target_group.eq(g),
                    programme_target_group::created_at.eq(t),
                    programme_target_group::updated_at.eq(t),
                    programme_target_group::version.eq(1),
                ));
            }
            let mut chosen: Vec<i64> = Vec::new();
            for _ in 0..rng.below(3) {
                let r = *rng.pick(&all_regions);
                if !chosen.contains(&r) {
                    chosen.push(r);
                }
            }
            for r in chosen {
                regions.push(Membership::Region(*p, r));
            }
        }
        // `regions` holds both programme regions and participations, in generation order.
        let mut participation_rows = Vec::new();
        let mut region_rows = Vec::new();
        for m in regions {
            match m {
                Membership::Participant(p, org, role, status) => participation_rows.push((
                    participation::programme_id.eq(p),
                    participation::organisation_id.eq(org),
                    participation::role.eq(role),
                    participation::status.eq(status),
                    participation::created_at.eq(t),
                    participation::updated_at.eq(t),
                    participation::version.eq(1),
                )),
                Membership::Region(p, r) => region_rows.push((
                    programme_region::programme_id.eq(p),
                    programme_region::region_id.eq(r),
                    programme_region::created_at.eq(t),
                    programme_region::updated_at.eq(t),
                    programme_region::version.eq(1),
                )),
            }
        }
        report.participations = participation_rows.len();
        insert_rows!(c, participation::table, participation_rows);
        insert_rows!(c, programme_target_group::table, tgs);
        insert_rows!(c, programme_region::table, region_rows);
        for p in &progs {
            sources.push(synthetic_source("programme", *p, t));
        }
        insert_rows!(c, source::table, sources);
        Ok(())
    })?;

    // Fundings and their allocations, in transactions of 20,000.
    let mut done = 0;
    while done < sizes.fundings {
        let upto = (done + FUNDINGS_PER_TRANSACTION).min(sizes.fundings);
        let mut allocations_planned: Vec<Vec<(i64, Option<i32>)>> = Vec::with_capacity(upto - done);
        write_transaction(conn, |c| {
            let mut rows = Vec::with_capacity(upto - done);
            for i in done..upto {
                let in_scheme = !rng.chance(0.03);
                let scheme = in_scheme.then(|| *rng.weighted(&real.schemes));
                let funder = (!in_scheme).then(|| *rng.pick(&real.organisations));
                let euros = (5_000f64 * 1_000f64.powf(rng.unit())) as i64;
                let cents = match rng.below(10) {
                    0..=5 => (euros / 1_000).max(5) * 100_000,
                    6..=8 => euros * 100,
                    _ => euros * 100 + rng.below(100) as i64,
                };
                let programme = (!progs.is_empty() && rng.chance(0.9)).then(|| progs[rng.skewed(progs.len())]);
                let stated = rng.chance(0.9);
                let recipient = (stated && !orgs.is_empty()).then(|| {
                    if rng.chance(0.8) {
                        orgs[rng.below(orgs.len())]
                    } else {
                        *rng.pick(&real.organisations)
                    }
                });
                let year = 2012 + rng.below(12) as i32;
                let award = stated.then(|| year_day(year, &mut rng));
                let start = NaiveDate::from_ymd_opt(year, 1, 1);
                let end = NaiveDate::from_ymd_opt(year + rng.below(4) as i32, 12, 31);
                let key = format!("{PREFIX}funding-{i:08}");
                rows.push((
                    funding::sort_key.eq(search_key(&key)),
                    funding::search_text.eq(search_text([key.as_str()])),
                    funding::key.eq(key),
                    funding::scheme_id.eq(scheme),
                    funding::funder_id.eq(funder),
                    funding::programme_id.eq(programme),
                    funding::recipient_id.eq(recipient),
                    funding::start_date.eq(start),
                    funding::start_precision.eq(Some("YEAR")),
                    funding::end_date.eq(end),
                    funding::end_precision.eq(Some("YEAR")),
                    funding::award_date.eq(award),
                    funding::award_precision.eq(award.map(|_| "DAY")),
                    funding::amount_cents.eq(cents),
                    funding::qualifier.eq(Some("EXACT")),
                    funding::basis.eq(Some("TOTAL")),
                    funding::status.eq(Some("AWARDED")),
                    funding::created_at.eq(t),
                    funding::updated_at.eq(t),
                    funding::version.eq(1),
                ));
                allocations_planned.push(plan_allocations(&mut rng, &real));
            }
            insert_rows!(c, funding::table, rows);
            Ok(())
        })?;
        let like_from = format!("{PREFIX}funding-{done:08}");
        let like_to = format!("{PREFIX}funding-{:08}", upto);
        let ids: Vec<i64> = funding::table
            .filter(funding::id.gt(max_funding))
            .filter(funding::key.ge(like_from).and(funding::key.lt(like_to)))
            .order(funding::key)
            .select(funding::id)
            .load(conn)?;
        write_transaction(conn, |c| {
            let mut allocations = Vec::new();
            let mut sources = Vec::with_capacity(ids.len());
            for (id, planned) in ids.iter().zip(&allocations_planned) {
                for (region, share) in planned {
                    allocations.push((
                        region_allocation::funding_id.eq(*id),
                        region_allocation::region_id.eq(*region),
                        region_allocation::share_basis_points.eq(*share),
                        region_allocation::created_at.eq(t),
                        region_allocation::updated_at.eq(t),
                        region_allocation::version.eq(1),
                    ));
                }
                sources.push(synthetic_source("funding", *id, t));
            }
            report.allocations += allocations.len();
            insert_rows!(c, region_allocation::table, allocations);
            insert_rows!(c, source::table, sources);
            Ok(())
        })?;
        report.fundings += ids.len();
        done = upto;
        tracing::info!(fundings.done = done, fundings.total = sizes.fundings, "generating synthetic fundings");
    }
    Ok(report)
}

/// A participation or a programme region, kept in generation order.
enum Membership {
    Participant(i64, i64, &'static str, &'static str),
    Region(i64, i64),
}

/// Where one funding is placed: (region, share in basis points or none).
fn plan_allocations(rng: &mut Rng, real: &Real) -> Vec<(i64, Option<i32>)> {
    let u = rng.unit();
    let finer = |rng: &mut Rng| {
        if real.subregions.is_empty() || rng.chance(0.6) {
            *rng.pick(&real.provinces)
        } else {
            *rng.pick(&real.subregions)
        }
    };
    if u < 0.12 {
        Vec::new()
    } else if u < 0.16 {
        let a = finer(rng);
        let b = finer(rng);
        if a == b {
            vec![(a, None)]
        } else {
            vec![(a, None), (b, None)]
        }
    } else if u < 0.66 {
        vec![(finer(rng), Some(10_000))]
    } else if u < 0.96 {
        let n = 2 + rng.below(3);
        let mut regions: Vec<i64> = Vec::new();
        while regions.len() < n {
            let r = finer(rng);
            if !regions.contains(&r) {
                regions.push(r);
            }
            if regions.len() >= real.provinces.len() + real.subregions.len() {
                break;
            }
        }
        // Shares summing to 10000 that are not multiples of 100.
        let mut left = 10_000i32;
        let mut out = Vec::new();
        for (k, r) in regions.iter().enumerate() {
            let share = if k + 1 == regions.len() {
                left
            } else {
                // Leave at least 1 for each region after this one.
                let max = left - (regions.len() - k - 1) as i32;
                let share = 1 + rng.below(usize::try_from(max).unwrap_or(1)) as i32;
                if share % 100 == 0 { share - 1 } else { share }
            };
            left -= share;
            out.push((*r, Some(share)));
        }
        out
    } else if real.landsdelen.is_empty() {
        Vec::new()
    } else {
        vec![(*rng.pick(&real.landsdelen), Some(10_000))]
    }
}
