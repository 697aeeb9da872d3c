//! Batched relation loading. One [`DbLoader`] per request (never on the schema, so nothing cached
//! leaks between callers); every key type below runs one read-layer query per batch (`crate::read`),
//! whatever the number of parents.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use crate::db::models::*;
use crate::db::Database;
use crate::error::AppError;
use crate::read;

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

/// Defines, for each `Key => Row, read_fn`, a key type for a row by id and its loader over a
/// read-layer query for a batch of ids.
macro_rules! by_id_loaders {
    ($($(#[$m:meta])* $key:ident => $row:ty, $read:path;)*) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = $row;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $row>, AppError> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let rows: Vec<$row> = self.db.run(move |c| $read(c, &ids)).await?;
                Ok(rows.into_iter().map(|r| ($key(r.id.into()), r)).collect())
            }
        }
    )*};
}

by_id_loaders! {
    /// An organisation by id.
    OrganisationById => OrganisationRow, read::organisations::by_ids;
    /// A programme by id.
    ProgrammeById => ProgrammeRow, read::programmes::by_ids;
    /// A region by id.
    RegionById => RegionRow, read::regions::by_ids;
    /// A funding scheme by id.
    SchemeById => FundingSchemeRow, read::schemes::by_ids;
    /// A funding by id.
    FundingById => FundingRow, read::fundings::by_ids;
    /// A budget line by id.
    BudgetLineById => BudgetLineRow, read::schemes::budget_lines_by_ids;
    /// A participation by id (for `node`).
    ParticipationById => ParticipationRow, read::programmes::participations_by_ids;
    /// A relation by id (for `node`).
    RelationById => RelationRow, read::relations::by_ids;
    /// An event by id (for `node`).
    EventById => EventRow, read::events::by_ids;
    /// A person by id (for `node` and a role's `person`).
    PersonById => PersonRow, read::people::by_ids;
    /// A statement by id (for `node`).
    StatementById => StatementRow, read::statements::by_ids;
}

/// Each key's values among `pairs`, in their order; every key has a list (empty when it has no
/// values), and values of keys not asked for are dropped.
fn grouped<K: Copy + std::hash::Hash + Eq, V>(
    keys: &[K],
    pairs: impl IntoIterator<Item = (K, V)>,
) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for (key, value) in pairs {
        if let Some(list) = map.get_mut(&key) {
            list.push(value);
        }
    }
    map
}

/// Defines a key type for a relation of a parent id and its loader over a read-layer query that
/// returns `(parent, value)` pairs for a batch of parents.
macro_rules! list_loader {
    ($(#[$m:meta])* $key:ident($id:ty) => $value:ty, |$conn:ident, $ids:ident| $body:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub $id);

        impl Loader<$key> for DbLoader {
            type Value = Vec<$value>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Vec<$value>>, AppError> {
                let $ids: Vec<i64> = keys.iter().map(|k| k.0.into()).collect();
                let pairs: Vec<(i64, $value)> = self.db.run(move |$conn| $body).await?;
                Ok($crate::graphql::loaders::grouped(keys, pairs.into_iter().map(|(parent, value)| ($key(parent.into()), value))))
            }
        }
    };
    ($(#[$m:meta])* $key:ident($id:ty) => $value:ty, $read:path) => {
        list_loader!($(#[$m])* $key($id) => $value, |c, ids| $read(c, &ids));
    };
}

mod model;
mod pages;
mod relations;
mod tagged;

pub use model::*;
pub use pages::*;
pub use relations::*;
pub use tagged::*;
