//! Relations keyed by (record type, id): sources and observations of any record, one read-layer
//! query per batch.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::DbLoader;
use crate::db::models::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::read;

/// The sources of a record: (entity type as stored in `source.entity_type`, row id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourcesOf(pub RecordKind, pub i64);

impl Loader<SourcesOf> for DbLoader {
    type Value = Vec<SourceRow>;
    type Error = AppError;

    async fn load(&self, keys: &[SourcesOf]) -> Result<HashMap<SourcesOf, Vec<SourceRow>>, AppError> {
        let records: Vec<(RecordKind, i64)> = keys.iter().map(|k| (k.0, k.1)).collect();
        let rows: Vec<SourceRow> = self.db.run(move |c| read::provenance::sources_of(c, &records)).await?;
        let mut map: HashMap<SourcesOf, Vec<SourceRow>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        let key_of: HashMap<(&str, i64), SourcesOf> = keys.iter().map(|k| ((k.0.as_str(), k.1), k.clone())).collect();
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
pub struct ObservationsOf(pub RecordKind, pub i64);

impl Loader<ObservationsOf> for DbLoader {
    type Value = Vec<ObservationRow>;
    type Error = AppError;

    async fn load(&self, keys: &[ObservationsOf]) -> Result<HashMap<ObservationsOf, Vec<ObservationRow>>, AppError> {
        let subjects: Vec<(RecordKind, i64)> = keys.iter().map(|k| (k.0, k.1)).collect();
        let rows: Vec<ObservationRow> = self.db.run(move |c| read::observations::observations_of(c, &subjects)).await?;
        let mut map: HashMap<ObservationsOf, Vec<ObservationRow>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for r in rows {
            let key = ObservationsOf(
                keys.iter().map(|k| k.0).find(|t| t.as_str() == r.subject_type).unwrap_or(RecordKind::Pact),
                r.subject_id.unwrap_or(0),
            );
            if let Some(list) = map.get_mut(&key) {
                list.push(r);
            }
        }
        Ok(map)
    }
}
