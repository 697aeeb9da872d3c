//! Opaque global IDs (`node(id:)`) and pagination cursors. Both are base64url text; clients must
//! treat them as opaque. A global ID encodes `Type:rowid`; a cursor encodes the sort position.
//! Also the kinds of record as the database names them ([`RecordKind`]) and the typed row ids
//! ([`RowId`]: [`OrganisationId`], [`ProgrammeId`], …).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::AppError;

/// The record types that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    /// `Organisation`
    Organisation,
    /// `Programme`
    Programme,
    /// `Region`
    Region,
    /// `FundingScheme`
    FundingScheme,
    /// `Funding`
    Funding,
    /// `BudgetLine`
    BudgetLine,
    /// `Participation`
    Participation,
    /// `AuditEvent` (not resolvable through `node`)
    AuditEvent,
    /// `Relation`
    Relation,
    /// `Event`
    Event,
    /// `Person`
    Person,
    /// `Statement`
    Statement,
}

impl NodeType {
    /// The GraphQL type name, which is also the prefix inside the ID.
    pub fn name(self) -> &'static str {
        match self {
            Self::Organisation => "Organisation",
            Self::Programme => "Programme",
            Self::Region => "Region",
            Self::FundingScheme => "FundingScheme",
            Self::Funding => "Funding",
            Self::BudgetLine => "BudgetLine",
            Self::Participation => "Participation",
            Self::AuditEvent => "AuditEvent",
            Self::Relation => "Relation",
            Self::Event => "Event",
            Self::Person => "Person",
            Self::Statement => "Statement",
        }
    }

    /// The type name with its article, for messages: `an Organisation`, `a Programme`.
    pub fn with_article(self) -> String {
        let name = self.name();
        let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
        format!("{article} {name}")
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            Self::Organisation,
            Self::Programme,
            Self::Region,
            Self::FundingScheme,
            Self::Funding,
            Self::BudgetLine,
            Self::Participation,
            Self::AuditEvent,
            Self::Relation,
            Self::Event,
            Self::Person,
            Self::Statement,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

/// Defines [`RecordKind`] with each kind's stored text and node type.
macro_rules! record_kinds {
    ($($(#[$doc:meta])* $variant:ident => $text:literal, $node:expr;)+) => {
        /// A kind of record as the database names it in `audit_event.entity_type`,
        /// `source.entity_type`, `observation.subject_type`, `idempotency_key.entity_type` and
        /// `dataset_record.entity_type`. The stored text is fixed: changing it needs a migration.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RecordKind {
            $($(#[$doc])* $variant,)+
        }

        impl RecordKind {
            /// Every kind.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// Reads stored text; `None` for unknown text.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }

            /// The node type of a kind whose records have global IDs.
            pub fn node_type(self) -> Option<NodeType> {
                match self { $(Self::$variant => $node),+ }
            }
        }
    };
}

record_kinds! {
    /// An organisation.
    Organisation => "organisation", Some(NodeType::Organisation);
    /// A programme.
    Programme => "programme", Some(NodeType::Programme);
    /// A region.
    Region => "region", Some(NodeType::Region);
    /// A funding scheme.
    FundingScheme => "funding_scheme", Some(NodeType::FundingScheme);
    /// A funding.
    Funding => "funding", Some(NodeType::Funding);
    /// A budget line of a funding scheme.
    BudgetLine => "budget_line", Some(NodeType::BudgetLine);
    /// An organisation's participation in a programme.
    Participation => "participation", Some(NodeType::Participation);
    /// An audit event (never stored as a kind; the filter on one finds nothing).
    AuditEvent => "audit_event", Some(NodeType::AuditEvent);
    /// A programme's status (its sources are kept apart from the programme's).
    ProgrammeStatus => "programme_status", None;
    /// An API token.
    ApiToken => "api_token", None;
    /// The pact as a whole (the subject of pact-wide observations).
    Pact => "pact", None;
    /// A goal or theme of the pact.
    PactGoal => "pact_goal", None;
    /// An observation.
    Observation => "observation", None;
    /// A relation between two records.
    Relation => "relation", Some(NodeType::Relation);
    /// A dated event.
    Event => "event", Some(NodeType::Event);
    /// A person in a public role.
    Person => "person", Some(NodeType::Person);
    /// A role a person holds.
    PersonRole => "person_role", None;
    /// An item of a list inside a record.
    ListedItem => "listed_item", None;
    /// A finding, recommendation, aim, success factor or plan a document states.
    Statement => "statement", Some(NodeType::Statement);
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl NodeType {
    /// The record kind of this node type.
    pub fn kind(self) -> RecordKind {
        match self {
            Self::Organisation => RecordKind::Organisation,
            Self::Programme => RecordKind::Programme,
            Self::Region => RecordKind::Region,
            Self::FundingScheme => RecordKind::FundingScheme,
            Self::Funding => RecordKind::Funding,
            Self::BudgetLine => RecordKind::BudgetLine,
            Self::Participation => RecordKind::Participation,
            Self::AuditEvent => RecordKind::AuditEvent,
            Self::Relation => RecordKind::Relation,
            Self::Event => RecordKind::Event,
            Self::Person => RecordKind::Person,
            Self::Statement => RecordKind::Statement,
        }
    }
}

/// Defines a row-id newtype per table, so that ids of different tables cannot be swapped.
macro_rules! row_ids {
    ($($(#[$doc:meta])* $name:ident => $node:ident;)+) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, diesel_derive_newtype::DieselNewType)]
            pub struct $name(pub i64);

            impl RowId for $name {
                const NODE: NodeType = NodeType::$node;
            }

            impl From<i64> for $name {
                fn from(id: i64) -> Self {
                    Self(id)
                }
            }

            impl From<$name> for i64 {
                fn from(id: $name) -> Self {
                    id.0
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.0.fmt(f)
                }
            }

            /// The bare number, as an `i64` prints (a request's fingerprint does not depend on it).
            impl std::fmt::Debug for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.0.fmt(f)
                }
            }
        )+
    };
}

/// A typed row id: the id of one table's rows, with the node type of its global ID.
pub trait RowId: Copy + From<i64> + Into<i64> {
    /// The node type of the rows' global IDs.
    const NODE: NodeType;
}

row_ids! {
    /// The id of an `organisation` row.
    OrganisationId => Organisation;
    /// The id of a `programme` row.
    ProgrammeId => Programme;
    /// The id of a `region` row.
    RegionId => Region;
    /// The id of a `funding_scheme` row.
    FundingSchemeId => FundingScheme;
    /// The id of a `funding` row.
    FundingId => Funding;
    /// The id of a `budget_line` row.
    BudgetLineId => BudgetLine;
    /// The id of a `participation` row.
    ParticipationId => Participation;
    /// The id of a `relation` row.
    RelationId => Relation;
    /// The id of an `event` row.
    EventId => Event;
    /// The id of a `person` row.
    PersonId => Person;
    /// The id of a `statement` row.
    StatementId => Statement;
}

/// Encodes a global ID.
pub fn encode_id(node_type: NodeType, id: impl Into<i64>) -> async_graphql::ID {
    let id: i64 = id.into();
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", node_type.name())))
}

/// Decodes any global ID into its type and row id.
///
/// # Errors
/// `BAD_USER_INPUT` naming `argument` when the text is not one of our IDs.
pub fn decode_id(id: &str, argument: &str) -> Result<(NodeType, i64), AppError> {
    let bad = || AppError::bad_input(format!("argument `{argument}`: {} is not a valid ID", echo(id)));
    if id.len() > 100 {
        return Err(bad());
    }
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (name, raw) = text.split_once(':').ok_or_else(bad)?;
    let node_type = NodeType::from_name(name).ok_or_else(bad)?;
    let row: i64 = raw.parse().map_err(|_| bad())?;
    // Only the canonical form: no sign, no leading zeros (one record, one ID).
    if row <= 0 || raw != row.to_string() {
        return Err(bad());
    }
    Ok((node_type, row))
}

/// Quotes user input in an error message, shortened to 60 characters.
pub fn echo(input: &str) -> String {
    if input.chars().count() <= 60 {
        format!("{input:?}")
    } else {
        format!("{:?}…", input.chars().take(60).collect::<String>())
    }
}

/// Decodes a global ID that must be of `expected` type.
///
/// # Errors
/// `BAD_USER_INPUT` naming `argument` when it is not an ID or of another type.
pub fn decode_typed_id(id: &str, expected: NodeType, argument: &str) -> Result<i64, AppError> {
    let (node_type, row) = decode_id(id, argument)?;
    if node_type != expected {
        return Err(AppError::bad_input(format!(
            "argument `{argument}`: expected an ID of {}, got one of {}",
            expected.with_article(),
            node_type.with_article()
        )));
    }
    Ok(row)
}

/// A position in an ordered list: the ordering's name, the sort value as text, and the row id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The ordering the cursor was made for (`NAME`, `UPDATED_AT`, …); a cursor is refused under another.
    pub order: String,
    /// The row's sort value as text.
    pub value: String,
    /// The row id, the tiebreak.
    pub id: i64,
}

impl Cursor {
    /// The opaque text form.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}\u{1f}{}\u{1f}{}", self.order, self.id, self.value))
    }

    /// Reads a cursor made for `order`.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming `argument` when the text is not a cursor, or was made for another order.
    pub fn decode(text: &str, order: &str, argument: &str) -> Result<Self, AppError> {
        let bad = || AppError::bad_input(format!("argument `{argument}`: {} is not a valid cursor", echo(text)));
        if text.len() > 1000 {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
        let decoded = String::from_utf8(bytes).map_err(|_| bad())?;
        if decoded.contains('\0') {
            return Err(bad());
        }
        let mut parts = decoded.splitn(3, '\u{1f}');
        let (Some(o), Some(id), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if o != order {
            return Err(AppError::bad_input(format!(
                "argument `{argument}`: the cursor belongs to another list or orderBy ({}, not {order})",
                echo(o)
            )));
        }
        Ok(Self { order: o.to_owned(), value: value.to_owned(), id: id.parse().map_err(|_| bad())? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_refuse_garbage() {
        let id = encode_id(NodeType::Programme, 42);
        assert_eq!(decode_id(&id, "id").unwrap(), (NodeType::Programme, 42));
        assert!(decode_id("nonsense!", "id").is_err());
        assert!(decode_typed_id(&id, NodeType::Region, "id").is_err());
        let c = Cursor { order: "NAME".into(), value: "a\u{1f}b".into(), id: 7 };
        assert_eq!(Cursor::decode(&c.encode(), "NAME", "after").unwrap(), c);
        assert!(Cursor::decode(&c.encode(), "UPDATED_AT", "after").is_err());
    }

    #[test]
    fn record_kinds_round_trip_and_match_node_types() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Some(*k));
            if let Some(t) = k.node_type() {
                assert_eq!(t.kind(), *k);
            }
        }
        assert_eq!(RecordKind::parse("scheme"), None);
        assert_eq!(NodeType::FundingScheme.kind().as_str(), "funding_scheme");
    }

    #[test]
    fn a_wrong_type_is_named_with_its_article() {
        let event = encode_id(NodeType::Event, 1);
        let message = format!("{:?}", decode_typed_id(&event, NodeType::Organisation, "id").unwrap_err());
        assert!(message.contains("expected an ID of an Organisation, got one of an Event"), "{message}");
        assert_eq!(NodeType::Programme.with_article(), "a Programme");
    }
}
