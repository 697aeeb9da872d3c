//! The synthetic fundings and their allocations, in transactions of 20,000.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::rng::Rng;
use super::{synthetic_source, year_day, Real, Run, CHUNK, FUNDINGS_PER_TRANSACTION, PREFIX};
use crate::db::schema::*;
use crate::db::{write_transaction, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::text::{search_key, search_text};
use crate::write::placement::{self, Scope};

/// Writes `sizes.fundings` fundings over the real schemes, the synthetic programmes `progs` and
/// recipients `orgs` (rows with ids above `max_funding` are this run's).
pub(super) fn write(conn: &mut DbConn, run: &mut Run<'_>, progs: &[i64], max_funding: i64) -> Result<(), AppError> {
    let Run { rng, real, orgs, sizes, t, report } = run;
    let (real, orgs, sizes, t) = (*real, *orgs, *sizes, *t);
    // Fundings and their allocations, in transactions of 20,000.
    let mut done = 0;
    while done < sizes.fundings {
        let upto = (done + FUNDINGS_PER_TRANSACTION).min(sizes.fundings);
        let mut allocations_planned: Vec<Vec<(i64, Option<i32>)>> = Vec::with_capacity(upto - done);
        let written = write_transaction(conn, |c| {
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
                let award = stated.then(|| year_day(year, rng));
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
                allocations_planned.push(plan_allocations(rng, real));
            }
            insert_rows!(c, funding::table, rows);
            // The batch's fundings, allocations, sources and placement commit together, so no
            // reader ever sees a funding that is not placed.
            let like_from = format!("{PREFIX}funding-{done:08}");
            let like_to = format!("{PREFIX}funding-{:08}", upto);
            let ids: Vec<i64> = funding::table
                .filter(funding::id.gt(max_funding))
                .filter(funding::key.ge(like_from).and(funding::key.lt(like_to)))
                .order(funding::key)
                .select(funding::id)
                .load(c)?;
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
                sources.push(synthetic_source(RecordKind::Funding, *id, t));
            }
            report.allocations += allocations.len();
            insert_rows!(c, region_allocation::table, allocations);
            insert_rows!(c, source::table, sources);
            // This batch's ids, as one range when they are consecutive (they are, unless another
            // writer interleaved).
            let range = ids.first().zip(ids.last()).filter(|(lo, hi)| **hi - **lo + 1 == ids.len() as i64);
            match range {
                Some((lo, hi)) => placement::refresh(c, Scope::CreatedRange(*lo, *hi))?,
                None => placement::refresh(c, Scope::Created(&ids))?,
            }
            Ok(ids.len())
        })?;
        report.fundings += written;
        done = upto;
        tracing::info!(fundings.done = done, fundings.total = sizes.fundings, "generating synthetic fundings");
    }
    Ok(())
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
                if share % 100 == 0 {
                    share - 1
                } else {
                    share
                }
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
