//! Pages of a parent's relation and their counts: keys carry the page request, so parents asking
//! for the same page share one read-layer query per batch, and a count is read only when a
//! connection's `totalCount` is selected.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::DbLoader;
use crate::db::models::{FundingRow, ProgrammeRow};
use crate::error::AppError;
use crate::read;
use crate::read::fundings::FundingParent;
use crate::read::group;
use crate::read::page::{PageSpec, RowPage};

/// One page of a parent's fundings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FundingPageOf {
    /// The kind of parent.
    pub parent: FundingParent,
    /// The parent's row id.
    pub id: i64,
    /// The page.
    pub spec: PageSpec,
}

impl Loader<FundingPageOf> for DbLoader {
    type Value = RowPage<FundingRow>;
    type Error = AppError;

    async fn load(&self, keys: &[FundingPageOf]) -> Result<HashMap<FundingPageOf, RowPage<FundingRow>>, AppError> {
        let batches = group(keys.iter().map(|k| ((k.parent, k.spec.clone()), k.id)));
        self.db
            .run(move |c| {
                let mut out = HashMap::new();
                for ((parent, spec), ids) in batches {
                    for (id, page) in read::fundings::pages_of(c, parent, &ids, &spec)? {
                        out.insert(FundingPageOf { parent, id, spec: spec.clone() }, page);
                    }
                }
                Ok(out)
            })
            .await
    }
}

/// One page of the programmes naming a region or one of its formal descendants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProgrammePageOfRegion {
    /// The region's row id.
    pub id: i64,
    /// The page.
    pub spec: PageSpec,
}

impl Loader<ProgrammePageOfRegion> for DbLoader {
    type Value = RowPage<ProgrammeRow>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ProgrammePageOfRegion],
    ) -> Result<HashMap<ProgrammePageOfRegion, RowPage<ProgrammeRow>>, AppError> {
        let batches = group(keys.iter().map(|k| (k.spec.clone(), k.id)));
        self.db
            .run(move |c| {
                let mut out = HashMap::new();
                for (spec, ids) in batches {
                    for (id, page) in read::programmes::pages_of_regions(c, &ids, &spec)? {
                        out.insert(ProgrammePageOfRegion { id, spec: spec.clone() }, page);
                    }
                }
                Ok(out)
            })
            .await
    }
}

/// The size of a parent's relation, for a nested connection's `totalCount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountOf {
    /// A parent's fundings.
    Fundings(FundingParent, i64),
    /// The programmes naming a region or one of its formal descendants.
    ProgrammesOfRegion(i64),
}

impl Loader<CountOf> for DbLoader {
    type Value = i64;
    type Error = AppError;

    async fn load(&self, keys: &[CountOf]) -> Result<HashMap<CountOf, i64>, AppError> {
        let mut fundings: HashMap<FundingParent, Vec<i64>> = HashMap::new();
        let mut regions = Vec::new();
        for k in keys {
            match *k {
                CountOf::Fundings(parent, id) => fundings.entry(parent).or_default().push(id),
                CountOf::ProgrammesOfRegion(id) => regions.push(id),
            }
        }
        let keys = keys.to_vec();
        self.db
            .run(move |c| {
                let mut found = HashMap::new();
                for (parent, ids) in fundings {
                    for (id, n) in read::fundings::counts_of(c, parent, &ids)? {
                        found.insert(CountOf::Fundings(parent, id), n);
                    }
                }
                if !regions.is_empty() {
                    for (id, n) in read::programmes::counts_of_regions(c, &regions)? {
                        found.insert(CountOf::ProgrammesOfRegion(id), n);
                    }
                }
                // A parent without rows counts 0.
                Ok(keys.into_iter().map(|k| (k, found.get(&k).copied().unwrap_or(0))).collect())
            })
            .await
    }
}
