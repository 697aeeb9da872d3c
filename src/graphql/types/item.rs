//! `ListedItem`: one item of a list inside a record (a topsector, a pillar, a scheme condition…).

use async_graphql::Object;

use super::record::Sourced;
use crate::db::models::ListedItemRow;
use crate::ids::RecordKind;
use crate::vocab::{ItemKind, SchoolLevel, TargetGroup, Topsector};

/// One item of a list the documents give inside a record: a topsector, domain, priority, pillar,
/// objective or phase, a school type or target group, or a scheme's condition. Read from the data set.
#[derive(Clone)]
pub struct ListedItem(pub ListedItemRow);

impl ListedItem {
    fn code_if(&self, kind: ItemKind) -> Option<&str> {
        (self.0.kind == kind.as_str()).then_some(self.0.code.as_deref()).flatten()
    }
}

/// One item of a list the documents give inside a record: a topsector, domain, priority, pillar,
/// objective or phase, a school type or target group, or a scheme's condition. Read from the data set.
#[Object]
impl ListedItem {
    /// What the item is.
    async fn kind(&self) -> Option<ItemKind> {
        ItemKind::parse(&self.0.kind)
    }

    /// The item as the documents write it (Dutch), e.g. `Life Science & Health`.
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// The item's place in its list (1 is first), per kind.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// For a `TOPSECTOR` item: which topsector; null for other kinds.
    async fn topsector(&self) -> Option<Topsector> {
        self.code_if(ItemKind::Topsector).and_then(Topsector::parse)
    }

    /// For a `SCHOOL_TYPE` item: which level of education; null for other kinds.
    async fn school_level(&self) -> Option<SchoolLevel> {
        self.code_if(ItemKind::SchoolType).and_then(SchoolLevel::parse)
    }

    /// For a `TARGET_GROUP` item: which target group; null for other kinds.
    async fn target_group(&self) -> Option<TargetGroup> {
        self.code_if(ItemKind::TargetGroup).and_then(TargetGroup::parse)
    }

    /// A remark by the data's authors.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::ListedItem, self.0.id)
    }
}
