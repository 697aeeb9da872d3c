//! Opaque global IDs (`node(id:)`) and pagination cursors. Both are base64url text; clients must
//! treat them as opaque. A global ID encodes `Type:rowid`; a cursor encodes the sort position.

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
        }
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
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

/// Encodes a global ID.
pub fn encode_id(node_type: NodeType, id: i64) -> async_graphql::ID {
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
            "argument `{argument}`: expected an ID of a {}, got one of a {}",
            expected.name(),
            node_type.name()
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
}
