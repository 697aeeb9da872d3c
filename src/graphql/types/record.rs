//! Fields several record types share, each written once with one description and flattened into
//! the types that have it (`#[graphql(flatten)]` on a resolver method): where a record comes from
//! (`sources`) and its versioning (`createdAt`, `updatedAt`, `version`); `observations` is
//! flattened the same way from [`Observed`](super::observation::Observed). The helper types never
//! appear in the schema.

use async_graphql::{Context, Object};
use chrono::{DateTime, NaiveDateTime, Utc};

use super::common::Source;
use crate::graphql::context::load_list;
use crate::graphql::loaders::SourcesOf;
use crate::ids::RecordKind;

/// `sources` of one record (its kind as stored, its row id).
pub struct Sourced(pub RecordKind, pub i64);

#[Object]
impl Sourced {
    /// Where this record comes from: the source documents and lines it was read from; a partner's
    /// write is a source without a document (its audit event names the organisation).
    #[graphql(complexity = "5 * child_complexity")]
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(load_list(ctx, SourcesOf(self.0, self.1)).await?.into_iter().map(Source).collect())
    }
}

/// `createdAt`, `updatedAt` and `version` of a record partners can change.
pub struct Versioned {
    /// When the row was inserted.
    pub created_at: NaiveDateTime,
    /// When the row last changed.
    pub updated_at: NaiveDateTime,
    /// Raised by every change.
    pub version: i32,
}

impl Versioned {
    /// From a row's three columns.
    pub fn new(created_at: NaiveDateTime, updated_at: NaiveDateTime, version: i32) -> Self {
        Self { created_at, updated_at, version }
    }
}

#[Object]
impl Versioned {
    /// When the record was created (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at.and_utc()
    }

    /// When the record last changed (UTC).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at.and_utc()
    }

    /// The record's version, raised by every change: send it as `expectedVersion` to change the
    /// record (a stale version is a `CONFLICT`).
    async fn version(&self) -> i32 {
        self.version
    }
}
