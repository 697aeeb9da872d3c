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

macro_rules! by_id_loader {
    ($(#[$m:meta])* $key:ident => $row:ty, $read:path) => {
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
    };
}

by_id_loader!(
    /// An organisation by id.
    OrganisationById => OrganisationRow, read::organisations::by_ids
);
by_id_loader!(
    /// A programme by id.
    ProgrammeById => ProgrammeRow, read::programmes::by_ids
);
by_id_loader!(
    /// A region by id.
    RegionById => RegionRow, read::regions::by_ids
);
by_id_loader!(
    /// A funding scheme by id.
    SchemeById => FundingSchemeRow, read::schemes::by_ids
);
by_id_loader!(
    /// A funding by id.
    FundingById => FundingRow, read::fundings::by_ids
);
by_id_loader!(
    /// A budget line by id.
    BudgetLineById => BudgetLineRow, read::schemes::budget_lines_by_ids
);
by_id_loader!(
    /// A participation by id (for `node`).
    ParticipationById => ParticipationRow, read::programmes::participations_by_ids
);

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
                let mut map: HashMap<$key, Vec<$value>> = keys.iter().map(|k| (*k, Vec::new())).collect();
                for (parent, value) in pairs {
                    map.entry($key(parent.into())).or_default().push(value);
                }
                Ok(map)
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
