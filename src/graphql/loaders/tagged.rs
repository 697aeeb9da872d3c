//! Relations keyed by (record type, id): sources and observations of any record.

use std::collections::{HashMap, HashSet};

use async_graphql::dataloader::Loader;
use diesel::prelude::*;

use super::DbLoader;
use crate::db::models::*;
use crate::db::schema::*;
use crate::error::AppError;

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
