//! Fields several record types share, each written once with one description and flattened into
//! the types that have it (`#[graphql(flatten)]` on a resolver method): where a record comes from
//! (`sources`), its versioning (`createdAt`, `updatedAt`, `version`, with its `sources`) and what
//! the data's authors add to it (`aliases`, `note`, with its `observations`, which are flattened
//! alone from [`Observed`] where a record has no note). The helper types never appear in the schema.

use async_graphql::{Context, Object};
use chrono::{DateTime, NaiveDateTime, Utc};

use super::common::Source;
use super::observation::Observed;
use crate::graphql::context::load_list;
use crate::graphql::loaders::SourcesOf;
use crate::ids::RecordKind;
use crate::text::json_strings;

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

/// `sources`, `createdAt`, `updatedAt` and `version` of a record partners can change.
pub struct Versioned {
    /// Its kind and id, for `sources`.
    record: Sourced,
    /// When the row was inserted.
    pub created_at: NaiveDateTime,
    /// When the row last changed.
    pub updated_at: NaiveDateTime,
    /// Raised by every change.
    pub version: i32,
}

impl Versioned {
    /// From a record's kind, id and three versioning columns.
    pub fn new(kind: RecordKind, id: i64, created_at: NaiveDateTime, updated_at: NaiveDateTime, version: i32) -> Self {
        Self { record: Sourced(kind, id), created_at, updated_at, version }
    }
}

#[Object]
impl Versioned {
    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(self.record.0, self.record.1)
    }

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

/// `aliases`, `note` and `observations` of a record the data's authors describe beyond its columns.
pub struct Annotated {
    /// The record's kind and id, for `observations`.
    observed: Observed,
    /// The stored JSON list of other names.
    aliases: String,
    note: Option<String>,
}

impl Annotated {
    /// From a record's kind, id and its `aliases` and `note` columns.
    pub fn new(kind: RecordKind, id: i64, aliases: &str, note: Option<&str>) -> Self {
        Self { observed: Observed(kind, id), aliases: aliases.to_owned(), note: note.map(str::to_owned) }
    }
}

#[Object]
impl Annotated {
    /// Other names and spellings found in the sources (search finds these too).
    async fn aliases(&self) -> Vec<String> {
        json_strings(&self.aliases)
    }

    /// A remark by the data's authors: what the sources leave open or how a value was read.
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// (Flattened: `observations`.)
    #[graphql(flatten)]
    async fn observed(&self) -> Observed {
        Observed(self.observed.0, self.observed.1)
    }
}
