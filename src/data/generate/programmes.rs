//! The synthetic programmes: owners, participants, target groups and regions.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{ids_in_order, synthetic_source, Run, CHUNK, PREFIX};
use crate::db::schema::*;
use crate::db::{write_transaction, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::text::{search_key, search_text};
use crate::vocab::ParticipationStatus;

/// Writes `sizes.programmes` programmes owned mostly by the synthetic organisations `orgs`;
/// returns their ids in insert order.
pub(super) fn write(
    conn: &mut DbConn,
    run: &mut Run<'_>,
    all_regions: &[i64],
    max_programme: i64,
) -> Result<Vec<i64>, AppError> {
    let Run { rng, real, orgs, sizes, t, report } = run;
    let (real, orgs, sizes, t) = (*real, *orgs, *sizes, *t);
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
            let end =
                rng.chance(0.7).then(|| NaiveDate::from_ymd_opt(start_year + rng.below(5) as i32, 12, 31)).flatten();
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
                parts.push((*o, "LEAD", ParticipationStatus::Accepted.as_str()));
            }
            for _ in 0..rng.below(4) {
                let org =
                    if orgs.is_empty() || rng.chance(0.2) { *rng.pick(&real.organisations) } else { *rng.pick(orgs) };
                if !members.contains(&org) {
                    members.push(org);
                    let status =
                        if rng.chance(0.03) { ParticipationStatus::Proposed } else { ParticipationStatus::Accepted };
                    parts.push((org, *rng.pick(&roles), status.as_str()));
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
                let r = *rng.pick(all_regions);
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
            sources.push(synthetic_source(RecordKind::Programme, *p, t));
        }
        insert_rows!(c, source::table, sources);
        Ok(())
    })?;

    Ok(progs)
}

/// A participation or a programme region, kept in generation order.
enum Membership {
    Participant(i64, i64, &'static str, &'static str),
    Region(i64, i64),
}
