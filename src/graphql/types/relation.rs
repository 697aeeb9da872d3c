//! `Relation`: a typed link between two records ("Jet-Net PART_OF …").

use async_graphql::{Context, Enum, Object, ID};

use super::common::Period;
use super::linked::{linked_record, LinkedRecord};
use super::record::Sourced;
use crate::db::models::RelationRow;
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::vocab::RelationKind;

/// Which relations of a record to list: those it is the subject of, the object of, or both.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RelationDirection {
    /// Relations whose subject is this record ("this record PART_OF …").
    Outgoing,
    /// Relations whose object is this record ("… PART_OF this record").
    Incoming,
    /// Both.
    #[default]
    Both,
}

impl RelationDirection {
    /// True when a relation in which the record is (or is not) the subject and the object is listed.
    pub fn holds(self, is_subject: bool, is_object: bool) -> bool {
        match self {
            Self::Outgoing => is_subject,
            Self::Incoming => is_object,
            Self::Both => is_subject || is_object,
        }
    }
}

/// A relation the documents state between two records: the subject stands to the object as its
/// kind says ("subject PART_OF object"), optionally for a period. Read from the data set.
#[derive(Clone)]
pub struct Relation(pub RelationRow);

/// A relation the documents state between two records: the subject stands to the object as its
/// kind says ("subject PART_OF object"), optionally for a period. Read from the data set.
#[Object]
impl Relation {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Relation, self.0.id)
    }

    /// How the subject stands to the object.
    async fn kind(&self) -> Option<RelationKind> {
        RelationKind::parse(&self.0.kind)
    }

    /// The record the relation starts from ("Jet-Net" in "Jet-Net PART_OF …").
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<LinkedRecord>> {
        linked_record(ctx, &self.0.subject_type, self.0.subject_id).await
    }

    /// The record the relation points to.
    async fn object(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<LinkedRecord>> {
        linked_record(ctx, &self.0.object_type, self.0.object_id).await
    }

    /// When the relation held, where a source says; null when no source says.
    async fn period(&self) -> Option<Period> {
        let r = &self.0;
        Period::from_db(r.start_date, r.start_precision.as_deref(), r.end_date, r.end_precision.as_deref())
    }

    /// A remark by the data's authors, e.g. what the source leaves open.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Relation, self.0.id.into())
    }
}
