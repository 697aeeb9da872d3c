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

mod relations;
mod tagged;

pub use relations::*;
pub use tagged::*;
