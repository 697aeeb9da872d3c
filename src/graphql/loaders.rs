//! Batched relation loading. One [`DbLoader`] per request (never on the schema, so nothing cached
//! leaks between callers); every key type below costs one SQL statement per batch, whatever the
//! number of parents.

use std::collections::{HashMap, HashSet};

use async_graphql::dataloader::Loader;
use diesel::prelude::*;

use crate::db::models::*;
use crate::db::schema::*;
use crate::db::{Database, DbConn};
use crate::error::AppError;

/// Loads rows and relations for one request.
pub struct DbLoader {
    db: Database,
}

impl DbLoader {
    /// A loader over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

/// Groups `(parent, row)` pairs by parent.
fn group<K: std::hash::Hash + Eq, V>(pairs: impl IntoIterator<Item = (K, V)>) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = HashMap::new();
    for (k, v) in pairs {
        map.entry(k).or_default().push(v);
    }
    map
}

/// Every region id with, for each, the ids of all its formal descendants (itself included).
pub fn descendants_of(conn: &mut DbConn, roots: &[i64]) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    let tree: Vec<(i64, Option<i64>)> = region::table.select((region::id, region::parent_id)).load(conn)?;
    let children = group(tree.into_iter().filter_map(|(id, parent)| parent.map(|p| (p, id))));
    Ok(roots
        .iter()
        .map(|root| {
            let mut seen = HashSet::from([*root]);
            let mut stack = vec![*root];
            while let Some(r) = stack.pop() {
                for c in children.get(&r).into_iter().flatten() {
                    if seen.insert(*c) {
                        stack.push(*c);
                    }
                }
            }
            (*root, seen.into_iter().collect())
        })
        .collect())
}

macro_rules! by_id_loader {
    ($key:ident, $row:ty, $table:ident) => {
        /// Loads a row by id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = $row;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $row>, AppError> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let rows: Vec<$row> = self
                    .db
                    .run(move |c| {
                        Ok($table::table.filter($table::id.eq_any(ids)).select(<$row>::as_select()).load(c)?)
                    })
                    .await?;
                Ok(rows.into_iter().map(|r| ($key(r.id), r)).collect())
            }
        }
    };
}

by_id_loader!(OrganisationById, OrganisationRow, organisation);
by_id_loader!(ProgrammeById, ProgrammeRow, programme);
by_id_loader!(RegionById, RegionRow, region);
by_id_loader!(SchemeById, FundingSchemeRow, funding_scheme);
by_id_loader!(FundingById, FundingRow, funding);
by_id_loader!(BudgetLineById, BudgetLineRow, budget_line);

/// A participation by id (for `node`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParticipationById(pub i64);

impl Loader<ParticipationById> for DbLoader {
    type Value = ParticipationRow;
    type Error = AppError;

    async fn load(&self, keys: &[ParticipationById]) -> Result<HashMap<ParticipationById, ParticipationRow>, AppError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows: Vec<ParticipationRow> = self
            .db
            .run(move |c| {
                Ok(participation::table
                    .filter(participation::id.eq_any(ids))
                    .select(ParticipationRow::as_select())
                    .load(c)?)
            })
            .await?;
        Ok(rows.into_iter().map(|r| (ParticipationById(r.id), r)).collect())
    }
}

macro_rules! list_loader {
    ($(#[$m:meta])* $key:ident => $value:ty, |$conn:ident, $ids:ident| $body:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = Vec<$value>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Vec<$value>>, AppError> {
                let $ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let pairs: Vec<(i64, $value)> = self.db.run(move |$conn| $body).await?;
                let mut map: HashMap<$key, Vec<$value>> = keys.iter().map(|k| (*k, Vec::new())).collect();
                for (parent, value) in pairs {
                    map.entry($key(parent)).or_default().push(value);
                }
                Ok(map)
            }
        }
    };
}

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

/// The sources of a record: (entity type as stored in `source.entity_type`, row id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourcesOf(pub &'static str, pub i64);

impl Loader<SourcesOf> for DbLoader {
    type Value = Vec<SourceRow>;
    type Error = AppError;

    async fn load(&self, keys: &[SourcesOf]) -> Result<HashMap<SourcesOf, Vec<SourceRow>>, AppError> {
        let types: Vec<&'static str> = keys.iter().map(|k| k.0).collect::<HashSet<_>>().into_iter().collect();
        let ids: Vec<i64> = keys.iter().map(|k| k.1).collect();
        let rows: Vec<SourceRow> = self
            .db
            .run(move |c| {
                Ok(source::table
                    .filter(source::entity_type.eq_any(types))
                    .filter(source::entity_id.eq_any(ids))
                    .order(source::id.asc())
                    .select(SourceRow::as_select())
                    .load(c)?)
            })
            .await?;
        let mut map: HashMap<SourcesOf, Vec<SourceRow>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        let key_of: HashMap<(&str, i64), SourcesOf> = keys.iter().map(|k| ((k.0, k.1), k.clone())).collect();
        for r in rows {
            if let Some(list) = key_of.get(&(r.entity_type.as_str(), r.entity_id)).and_then(|k| map.get_mut(k)) {
                list.push(r);
            }
        }
        Ok(map)
    }
}

/// Observations of a subject: (subject type as stored, row id; 0 for the pact as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObservationsOf(pub &'static str, pub i64);

impl Loader<ObservationsOf> for DbLoader {
    type Value = Vec<ObservationRow>;
    type Error = AppError;

    async fn load(&self, keys: &[ObservationsOf]) -> Result<HashMap<ObservationsOf, Vec<ObservationRow>>, AppError> {
        let types: Vec<&'static str> = keys.iter().map(|k| k.0).collect::<HashSet<_>>().into_iter().collect();
        let ids: Vec<i64> = keys.iter().map(|k| k.1).collect();
        let rows: Vec<ObservationRow> = self
            .db
            .run(move |c| {
                Ok(observation::table
                    .filter(observation::subject_type.eq_any(types))
                    .filter(observation::subject_id.eq_any(ids).or(observation::subject_id.is_null()))
                    .order((
                        observation::metric.asc(),
                        observation::report_year.asc(),
                        observation::observed_on.asc(),
                        observation::id.asc(),
                    ))
                    .select(ObservationRow::as_select())
                    .load(c)?)
            })
            .await?;
        let mut map: HashMap<ObservationsOf, Vec<ObservationRow>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for r in rows {
            let key = ObservationsOf(
                keys.iter().map(|k| k.0).find(|t| *t == r.subject_type).unwrap_or("pact"),
                r.subject_id.unwrap_or(0),
            );
            if let Some(list) = map.get_mut(&key) {
                list.push(r);
            }
        }
        Ok(map)
    }
}

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
