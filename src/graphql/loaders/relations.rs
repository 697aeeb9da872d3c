//! Relations keyed by a parent id: one statement per batch of parents.

use std::collections::{HashMap, HashSet};

use async_graphql::dataloader::Loader;
use diesel::prelude::*;

use super::{descendants_of, DbLoader};
use crate::db::models::*;
use crate::db::schema::*;
use crate::error::AppError;

list_loader!(
    /// A programme's participations.
    ParticipationsOfProgramme => ParticipationRow, |c, ids| {
        let rows: Vec<ParticipationRow> = participation::table
            .filter(participation::programme_id.eq_any(ids))
            .order((participation::role.asc(), participation::id.asc()))
            .select(ParticipationRow::as_select())
            .load(c)?;
        Ok(rows.into_iter().map(|r| (r.programme_id, r)).collect())
    }
);

list_loader!(
    /// An organisation's participations.
    ParticipationsOfOrganisation => ParticipationRow, |c, ids| {
        let rows: Vec<ParticipationRow> = participation::table
            .filter(participation::organisation_id.eq_any(ids))
            .order(participation::id.asc())
            .select(ParticipationRow::as_select())
            .load(c)?;
        Ok(rows.into_iter().map(|r| (r.organisation_id, r)).collect())
    }
);

list_loader!(
    /// A programme's target groups (stored text).
    TargetGroupsOfProgramme => String, |c, ids| {
        Ok(programme_target_group::table
            .filter(programme_target_group::programme_id.eq_any(ids))
            .order(programme_target_group::id.asc())
            .select((programme_target_group::programme_id, programme_target_group::target_group))
            .load(c)?)
    }
);

list_loader!(
    /// The regions a programme names.
    RegionsOfProgramme => RegionRow, |c, ids| {
        Ok(programme_region::table
            .inner_join(region::table.on(region::id.eq(programme_region::region_id)))
            .filter(programme_region::programme_id.eq_any(ids))
            .order((region::sort_key.asc(), region::id.asc()))
            .select((programme_region::programme_id, RegionRow::as_select()))
            .load(c)?)
    }
);

list_loader!(
    /// An organisation's home regions.
    HomeRegionsOfOrganisation => RegionRow, |c, ids| {
        Ok(organisation_region::table
            .inner_join(region::table.on(region::id.eq(organisation_region::region_id)))
            .filter(organisation_region::organisation_id.eq_any(ids))
            .order((region::sort_key.asc(), region::id.asc()))
            .select((organisation_region::organisation_id, RegionRow::as_select()))
            .load(c)?)
    }
);

list_loader!(
    /// A region's direct formal children.
    ChildrenOfRegion => RegionRow, |c, ids| {
        let rows: Vec<RegionRow> = region::table
            .filter(region::parent_id.eq_any(ids))
            .order((region::sort_key.asc(), region::id.asc()))
            .select(RegionRow::as_select())
            .load(c)?;
        Ok(rows.into_iter().filter_map(|r| r.parent_id.map(|p| (p, r))).collect())
    }
);

list_loader!(
    /// A region's links (associations and same-name records), both directions, with the link kind.
    LinksOfRegion => (String, RegionRow), |c, ids| {
        let links: Vec<RegionLinkRow> = region_link::table
            .filter(region_link::region_id.eq_any(&ids).or(region_link::linked_region_id.eq_any(&ids)))
            .select(RegionLinkRow::as_select())
            .load(c)?;
        let other_ids: Vec<i64> = links.iter().flat_map(|l| [l.region_id, l.linked_region_id]).collect();
        let regions: HashMap<i64, RegionRow> = region::table
            .filter(region::id.eq_any(other_ids))
            .select(RegionRow::as_select())
            .load(c)?
            .into_iter()
            .map(|r: RegionRow| (r.id, r))
            .collect();
        let wanted: HashSet<i64> = ids.iter().copied().collect();
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for l in links {
            for (me, other) in [(l.region_id, l.linked_region_id), (l.linked_region_id, l.region_id)] {
                // A link recorded in both directions is shown once.
                if let (true, Some(r)) = (wanted.contains(&me), regions.get(&other)) {
                    if seen.insert((me, other, l.kind.clone())) {
                        out.push((me, (l.kind.clone(), r.clone())));
                    }
                }
            }
        }
        Ok(out)
    }
);

list_loader!(
    /// Schemes an organisation funds or administers.
    SchemesOfOrganisation => FundingSchemeRow, |c, ids| {
        let rows: Vec<FundingSchemeRow> = funding_scheme::table
            .filter(funding_scheme::funder_id.eq_any(&ids).or(funding_scheme::administrator_id.eq_any(&ids)))
            .order((funding_scheme::sort_key.asc(), funding_scheme::id.asc()))
            .select(FundingSchemeRow::as_select())
            .load(c)?;
        let wanted: HashSet<i64> = ids.iter().copied().collect();
        Ok(rows
            .into_iter()
            .flat_map(|r| {
                let mut owners: Vec<i64> = [r.funder_id, r.administrator_id].into_iter().flatten().filter(|o| wanted.contains(o)).collect();
                owners.dedup();
                owners.into_iter().map(move |o| (o, r.clone()))
            })
            .collect())
    }
);

list_loader!(
    /// A scheme's budget lines, oldest period first.
    BudgetLinesOfScheme => BudgetLineRow, |c, ids| {
        let rows: Vec<BudgetLineRow> = budget_line::table
            .filter(budget_line::scheme_id.eq_any(ids))
            // NULLs sort first on SQLite and last on PostgreSQL: put unknown periods last on both.
            .order((budget_line::start_date.is_null().asc(), budget_line::start_date.asc(), budget_line::id.asc()))
            .select(BudgetLineRow::as_select())
            .load(c)?;
        Ok(rows.into_iter().map(|r| (r.scheme_id, r)).collect())
    }
);

list_loader!(
    /// A funding's region allocations.
    AllocationsOfFunding => AllocationRow, |c, ids| {
        let rows: Vec<AllocationRow> = region_allocation::table
            .filter(region_allocation::funding_id.eq_any(ids))
            .order(region_allocation::id.asc())
            .select(AllocationRow::as_select())
            .load(c)?;
        Ok(rows.into_iter().map(|r| (r.funding_id, r)).collect())
    }
);

macro_rules! fundings_loader {
    ($(#[$m:meta])* $key:ident, $column:ident) => {
        list_loader!(
            $(#[$m])*
            $key => FundingRow, |c, ids| {
                let rows: Vec<FundingRow> = funding::table
                    .filter(funding::$column.eq_any(ids))
                    .select(FundingRow::as_select())
                    .load(c)?;
                Ok(rows.into_iter().filter_map(|r| r.$column.map(|p| (p, r))).collect())
            }
        );
    };
}

fundings_loader!(
    /// Fundings to a programme.
    FundingsOfProgramme, programme_id
);
fundings_loader!(
    /// Fundings an organisation received.
    FundingsOfRecipient, recipient_id
);
fundings_loader!(
    /// Fundings an organisation gave as named funder.
    FundingsOfFunder, funder_id
);
fundings_loader!(
    /// Fundings under a scheme.
    FundingsOfScheme, scheme_id
);

list_loader!(
    /// Fundings with an allocation to a region or one of its formal descendants (each funding once).
    FundingsOfRegion => FundingRow, |c, ids| {
        let tree = descendants_of(c, &ids)?;
        let all: Vec<i64> = tree.values().flatten().copied().collect();
        let pairs: Vec<(i64, FundingRow)> = region_allocation::table
            .inner_join(funding::table)
            .filter(region_allocation::region_id.eq_any(all))
            .select((region_allocation::region_id, FundingRow::as_select()))
            .load(c)?;
        let mut out = Vec::new();
        for (root, members) in &tree {
            let members: HashSet<&i64> = members.iter().collect();
            let mut seen = HashSet::new();
            for (region_id, f) in &pairs {
                if members.contains(region_id) && seen.insert(f.id) {
                    out.push((*root, f.clone()));
                }
            }
        }
        Ok(out)
    }
);

list_loader!(
    /// Programmes naming a region or one of its formal descendants (each programme once).
    ProgrammesOfRegion => ProgrammeRow, |c, ids| {
        let tree = descendants_of(c, &ids)?;
        let all: Vec<i64> = tree.values().flatten().copied().collect();
        let pairs: Vec<(i64, ProgrammeRow)> = programme_region::table
            .inner_join(programme::table)
            .filter(programme_region::region_id.eq_any(all))
            .select((programme_region::region_id, ProgrammeRow::as_select()))
            .load(c)?;
        let mut out = Vec::new();
        for (root, members) in &tree {
            let members: HashSet<&i64> = members.iter().collect();
            let mut seen = HashSet::new();
            for (region_id, p) in &pairs {
                if members.contains(region_id) && seen.insert(p.id) {
                    out.push((*root, p.clone()));
                }
            }
        }
        Ok(out)
    }
);

list_loader!(
    /// The goals and themes a programme serves.
    GoalsOfProgramme => GoalRow, |c, ids| {
        Ok(programme_goal::table
            .inner_join(pact_goal::table)
            .filter(programme_goal::programme_id.eq_any(ids))
            .order(pact_goal::code.asc())
            .select((programme_goal::programme_id, GoalRow::as_select()))
            .load(c)?)
    }
);

list_loader!(
    /// The programmes serving a goal or theme.
    ProgrammesOfGoal => ProgrammeRow, |c, ids| {
        Ok(programme_goal::table
            .inner_join(programme::table.on(programme::id.eq(programme_goal::programme_id)))
            .filter(programme_goal::goal_id.eq_any(ids))
            .order((programme::sort_key.asc(), programme::id.asc()))
            .select((programme_goal::goal_id, ProgrammeRow::as_select()))
            .load(c)?)
    }
);
