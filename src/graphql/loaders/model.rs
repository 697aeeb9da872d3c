//! The pact's model: relations, events, people, listed items and statements by id and by the records they
//! belong to (`(record kind, row id)` keys), one read-layer query per batch.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::DbLoader;
use crate::db::models::*;
use crate::error::AppError;
use crate::ids::{EventId, PersonId, RecordKind, StatementId};
use crate::read;

list_loader!(
    /// A person's roles.
    RolesOfPerson(PersonId) => PersonRoleRow, read::people::roles_of
);
list_loader!(
    /// The records an event is tied to.
    RecordsOfEvent(EventId) => EventRecordRow, read::events::records_of
);
list_loader!(
    /// The records a statement is about or stated by.
    RecordsOfStatement(StatementId) => StatementRecordRow, read::statements::records_of
);

/// Defines a key `(record kind, row id)` and its loader over a read-layer query that returns
/// `((kind, id), row)` pairs for a batch of records.
macro_rules! record_loader {
    ($(#[$m:meta])* $key:ident => $row:ty, $read:path) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub RecordKind, pub i64);

        impl Loader<$key> for DbLoader {
            type Value = Vec<$row>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Vec<$row>>, AppError> {
                let records: Vec<(RecordKind, i64)> = keys.iter().map(|k| (k.0, k.1)).collect();
                let pairs = self.db.run(move |c| $read(c, &records)).await?;
                Ok(super::grouped(keys, pairs.into_iter().map(|((kind, id), row)| ($key(kind, id), row))))
            }
        }
    };
}

record_loader!(
    /// The relations a record is the subject or object of.
    RelationsOf => RelationRow, read::relations::of_records
);
record_loader!(
    /// The events a record is tied to.
    EventsOf => EventRow, read::events::of_records
);
record_loader!(
    /// The statements about a record.
    StatementsOf => StatementRow, read::statements::of_records
);
record_loader!(
    /// The listed items of a record.
    ItemsOf => ListedItemRow, read::items::of_records
);
record_loader!(
    /// The roles people hold in a record (an organisation or programme).
    RolesIn => PersonRoleRow, read::people::roles_in
);
