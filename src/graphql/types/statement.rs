//! `Statement`: what a document says ought to be, is the matter, works or is planned.

use async_graphql::{Context, Object, ID};

use super::common::PartialDate;
use super::linked::{linked_record, LinkedRecord};
use super::record::Sourced;
use crate::db::models::{StatementRecordRow, StatementRow};
use crate::graphql::context::load_list;
use crate::graphql::loaders::RecordsOfStatement;
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::read::statements::{ABOUT, STATED_BY};
use crate::vocab::{DatePrecision, StatementKind};

/// What a document says ought to be, is the matter, works or is planned: a finding, a
/// recommendation, an aim, a success factor or a plan, with the records it is about. Read from the
/// data set; it is the document's view (or that of those it reports), not a fact the API checked.
#[derive(Clone)]
pub struct Statement(pub StatementRow);

impl Statement {
    async fn tied(&self, ctx: &Context<'_>, role: &str) -> async_graphql::Result<Vec<LinkedRecord>> {
        let rows = load_list(ctx, RecordsOfStatement(self.0.id)).await?;
        let mine: Vec<&StatementRecordRow> = rows.iter().filter(|r| r.role == role).collect();
        let loads = mine.iter().map(|r| linked_record(ctx, &r.record_type, r.record_id));
        Ok(futures_util::future::try_join_all(loads).await?.into_iter().flatten().collect())
    }
}

/// What a document says ought to be, is the matter, works or is planned: a finding, a
/// recommendation, an aim, a success factor or a plan, with the records it is about. Read from the
/// data set; it is the document's view (or that of those it reports), not a fact the API checked.
#[Object]
impl Statement {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Statement, self.0.id)
    }

    /// A stable, readable key (lowercase ASCII with `-`), e.g. `inventarisatie-curriculum-te-vrijblijvend`.
    async fn key(&self) -> &str {
        &self.0.natural_key
    }

    /// What it is.
    async fn kind(&self) -> Option<StatementKind> {
        StatementKind::parse(&self.0.kind)
    }

    /// What it says, in our own words (Dutch).
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// A few words exactly as the document writes them (Dutch), to find it there.
    async fn phrase(&self) -> &str {
        &self.0.phrase
    }

    /// The heading it stands under in the document, as written (e.g. a life phase: `Werkenden`).
    async fn topic(&self) -> Option<&str> {
        self.0.topic.as_deref()
    }

    /// When it is meant to happen or be reached (a plan's or an aim's date), as precise as the
    /// document gives it; null when it gives none.
    async fn date(&self) -> Option<PartialDate> {
        let date = self.0.date_start?;
        let precision = self.0.date_precision.as_deref().and_then(DatePrecision::parse).unwrap_or(DatePrecision::Day);
        Some(PartialDate { date, precision })
    }

    /// A remark by the data's authors.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The records it is about, in the order the data set lists them.
    #[graphql(complexity = "5 * child_complexity")]
    async fn records(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LinkedRecord>> {
        self.tied(ctx, ABOUT).await
    }

    /// Who states it, where the document names them (empty when it reports unnamed stakeholders).
    #[graphql(complexity = "5 * child_complexity")]
    async fn stated_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LinkedRecord>> {
        self.tied(ctx, STATED_BY).await
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Statement, self.0.id.into())
    }
}
