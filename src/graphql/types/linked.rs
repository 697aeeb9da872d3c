//! The records relations, events and listed items belong to (`LinkedRecord`), and the fields every
//! such record shares, flattened into `Programme`, `Organisation` and `FundingScheme` from
//! [`Modelled`]: `relations`, `events`, `items` and `statements`.

use async_graphql::{Context, Object, Union};

use super::event::Event;
use super::item::ListedItem;
use super::relation::{Relation, RelationDirection};
use super::statement::Statement;
use super::{FundingScheme, Organisation, Programme};
use crate::graphql::context::{load_list, load_one};
use crate::graphql::loaders::*;
use crate::ids::RecordKind;
use crate::vocab::{EventKind, ItemKind, RelationKind, StatementKind};

/// A record a relation, event or listed item belongs to: a programme, an organisation or a
/// funding scheme.
#[derive(Union, Clone)]
pub enum LinkedRecord {
    /// A programme.
    Programme(Programme),
    /// An organisation.
    Organisation(Organisation),
    /// A funding scheme.
    FundingScheme(FundingScheme),
}

/// Loads a record named by its stored kind text and row id; `None` for another kind or no row.
pub(crate) async fn linked_record(
    ctx: &Context<'_>,
    kind: &str,
    id: i64,
) -> async_graphql::Result<Option<LinkedRecord>> {
    Ok(match RecordKind::parse(kind) {
        Some(RecordKind::Programme) => {
            load_one(ctx, ProgrammeById(id)).await?.map(|r| LinkedRecord::Programme(Programme(r)))
        }
        Some(RecordKind::Organisation) => {
            load_one(ctx, OrganisationById(id)).await?.map(|r| LinkedRecord::Organisation(Organisation(r)))
        }
        Some(RecordKind::FundingScheme) => {
            load_one(ctx, SchemeById(id)).await?.map(|r| LinkedRecord::FundingScheme(FundingScheme(r)))
        }
        _ => None,
    })
}

/// The listed items of a record, optionally only of some kinds.
pub(crate) async fn items_of(
    ctx: &Context<'_>,
    record: (RecordKind, i64),
    kinds: Option<&[ItemKind]>,
) -> async_graphql::Result<Vec<ListedItem>> {
    let rows = load_list(ctx, ItemsOf(record.0, record.1)).await?;
    let wanted = |k: &str| kinds.is_none_or(|ks| ks.iter().any(|w| w.as_str() == k));
    Ok(rows.into_iter().filter(|r| wanted(&r.kind)).map(ListedItem).collect())
}

/// The relations of a record, of one kind or all, in one direction or both.
async fn relations_of(
    ctx: &Context<'_>,
    record: (RecordKind, i64),
    kind: Option<RelationKind>,
    direction: RelationDirection,
) -> async_graphql::Result<Vec<Relation>> {
    let rows = load_list(ctx, RelationsOf(record.0, record.1)).await?;
    let me = (record.0.as_str(), record.1);
    Ok(rows
        .into_iter()
        .filter(|r| kind.is_none_or(|k| k.as_str() == r.kind))
        .filter(|r| {
            let is_subject = (r.subject_type.as_str(), r.subject_id) == me;
            direction.holds(is_subject, (r.object_type.as_str(), r.object_id) == me)
        })
        .map(Relation)
        .collect())
}

/// The events of a record, of one kind or all.
async fn events_of(
    ctx: &Context<'_>,
    record: (RecordKind, i64),
    kind: Option<EventKind>,
) -> async_graphql::Result<Vec<Event>> {
    let rows = load_list(ctx, EventsOf(record.0, record.1)).await?;
    Ok(rows.into_iter().filter(|r| kind.is_none_or(|k| k.as_str() == r.kind)).map(Event).collect())
}

/// The statements about a record, of one kind or all.
async fn statements_of(
    ctx: &Context<'_>,
    record: (RecordKind, i64),
    kind: Option<StatementKind>,
) -> async_graphql::Result<Vec<Statement>> {
    let rows = load_list(ctx, StatementsOf(record.0, record.1)).await?;
    Ok(rows.into_iter().filter(|r| kind.is_none_or(|k| k.as_str() == r.kind)).map(Statement).collect())
}

/// Defines a type whose fields `relations`, `events`, `items` and `statements` are flattened into one record
/// type. Each record type has its own (`ProgrammeModel`, …): the fields lead back to the record
/// types through `LinkedRecord`, and async-graphql copies a flattened type's fields while it
/// registers them, so a type flattened into several of the types it leads to would be copied
/// half-registered into all but one.
macro_rules! modelled {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        pub struct $name(pub RecordKind, pub i64);

        #[Object]
        impl $name {
            /// Relations between this record and other records, as the documents state them, by
            /// kind: both directions unless `direction` says otherwise.
            #[graphql(complexity = "10 * child_complexity")]
            async fn relations(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Only relations of this kind.")] kind: Option<RelationKind>,
                #[graphql(desc = "Where this record stands (default `BOTH`).", default)] direction: RelationDirection,
            ) -> async_graphql::Result<Vec<Relation>> {
                relations_of(ctx, (self.0, self.1), kind, direction).await
            }

            /// Dated events this record is tied to (a publication, a launch, a hand-over…), oldest first.
            #[graphql(complexity = "10 * child_complexity")]
            async fn events(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Only events of this kind.")] kind: Option<EventKind>,
            ) -> async_graphql::Result<Vec<Event>> {
                events_of(ctx, (self.0, self.1), kind).await
            }

            /// Items the documents list inside this record (topsectors, domains, pillars, phases,
            /// scheme conditions…), by kind and then in the documents' order.
            #[graphql(complexity = "10 * child_complexity")]
            async fn items(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Only items of this kind.")] kind: Option<ItemKind>,
            ) -> async_graphql::Result<Vec<ListedItem>> {
                items_of(ctx, (self.0, self.1), kind.as_ref().map(std::slice::from_ref)).await
            }

            /// What the documents say about this record: findings, recommendations, aims, success
            /// factors and plans, in the documents' order (`statements(filter: { record })` also
            /// finds those it states).
            #[graphql(complexity = "10 * child_complexity")]
            async fn statements(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Only statements of this kind.")] kind: Option<StatementKind>,
            ) -> async_graphql::Result<Vec<Statement>> {
                statements_of(ctx, (self.0, self.1), kind).await
            }
        }
    };
}

modelled!(
    /// `relations`, `events`, `items` and `statements` of a programme.
    ProgrammeModel
);
modelled!(
    /// `relations`, `events`, `items` and `statements` of an organisation.
    OrganisationModel
);
modelled!(
    /// `relations`, `events`, `items` and `statements` of a funding scheme.
    SchemeModel
);
