//! `Event`: something that happened on a date (a regulation published, a launch, a hand-over…).

use async_graphql::{Context, Object, ID};

use super::common::PartialDate;
use super::linked::{linked_record, LinkedRecord};
use super::record::Sourced;
use crate::db::models::EventRow;
use crate::graphql::context::load_list;
use crate::graphql::loaders::RecordsOfEvent;
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::vocab::{DatePrecision, EventKind};

/// Something the documents say happened on a date, as precise as they give it, tied to the
/// records it concerns. Read from the data set.
#[derive(Clone)]
pub struct Event(pub EventRow);

/// Something the documents say happened on a date, as precise as they give it, tied to the
/// records it concerns. Read from the data set.
#[Object]
impl Event {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Event, self.0.id)
    }

    /// A stable, readable key (lowercase ASCII with `-`), e.g. `rif-regeling-gepubliceerd`.
    async fn key(&self) -> &str {
        &self.0.natural_key
    }

    /// What happened.
    async fn kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.0.kind)
    }

    /// When: a day, a month or a year, as the source gives it.
    async fn date(&self) -> PartialDate {
        let precision = DatePrecision::parse(&self.0.event_precision).unwrap_or(DatePrecision::Day);
        PartialDate { date: self.0.event_date, precision }
    }

    /// What happened, in our own words (Dutch).
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The records the event concerns, in the order the data set lists them.
    #[graphql(complexity = "5 * child_complexity")]
    async fn records(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LinkedRecord>> {
        let tied = load_list(ctx, RecordsOfEvent(self.0.id)).await?;
        let loads = tied.iter().map(|r| linked_record(ctx, &r.record_type, r.record_id));
        Ok(futures_util::future::try_join_all(loads).await?.into_iter().flatten().collect())
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Event, self.0.id.into())
    }
}
