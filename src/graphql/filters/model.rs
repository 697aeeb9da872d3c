//! Filters of `events`, `people` and `statements`.

use async_graphql::{InputObject, ID};

use super::{search_text, PeriodFilter};
use crate::error::AppError;
use crate::ids::decode_id;
use crate::ids::RecordKind;
use crate::read::events::EventQuery;
use crate::read::people::PersonQuery;
use crate::read::records::LINKABLE;
use crate::read::statements::StatementQuery;
use crate::vocab::{EventKind, StatementKind};

/// Filters for `events`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct EventFilter {
    /// Only events of this kind.
    pub kind: Option<EventKind>,
    /// Only events whose date can fall on or after this day: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a
    /// year means its 1 January). An event dated "2014" matches `from: "2014-06"`.
    pub from: Option<String>,
    /// Only events whose date can fall on or before this day: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a
    /// year means its 31 December).
    pub to: Option<String>,
    /// Only events tied to this record (the ID of a Programme, Organisation or FundingScheme).
    pub record: Option<ID>,
}

impl EventFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the field: a bad date, `to` before `from`, or an ID that is not one
    /// of a programme, organisation or scheme.
    pub fn to_query(&self) -> Result<EventQuery, AppError> {
        let span = PeriodFilter { from: self.from.clone(), to: self.to.clone() }.overlap("filter")?;
        Ok(EventQuery { kind: self.kind, from: span.from, to: span.to, record: linkable(self.record.as_ref())? })
    }
}

/// A `filter.record` argument: the ID of a programme, organisation or scheme.
fn linkable(id: Option<&ID>) -> Result<Option<(RecordKind, i64)>, AppError> {
    let Some(id) = id else { return Ok(None) };
    let (node, row) = decode_id(id, "filter.record")?;
    let kind = node.kind();
    if !LINKABLE.contains(&kind) {
        return Err(AppError::bad_input(format!(
            "argument `filter.record`: expected the ID of a Programme, Organisation or FundingScheme, got one of {}",
            node.with_article()
        )));
    }
    Ok(Some((kind, row)))
}

/// Filters for `statements`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct StatementFilter {
    /// Only statements of this kind.
    pub kind: Option<StatementKind>,
    /// Only statements about this record or stated by it (the ID of a Programme, Organisation or
    /// FundingScheme).
    pub record: Option<ID>,
    /// The summary, phrase, topic or note contains this text (case and accents ignored).
    pub search: Option<String>,
}

impl StatementFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT` naming the field: an ID that is not one of a programme, organisation or
    /// scheme, a search without letters or digits or longer than 200 characters.
    pub fn to_query(&self) -> Result<StatementQuery, AppError> {
        Ok(StatementQuery {
            kind: self.kind,
            record: linkable(self.record.as_ref())?,
            search: search_text(&self.search, "filter.search")?,
        })
    }
}

/// Filters for `people`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct PersonFilter {
    /// The name (or another spelling of it the documents use) contains this text (case and accents ignored).
    pub search: Option<String>,
}

impl PersonFilter {
    /// The read layer's query.
    ///
    /// # Errors
    /// `BAD_USER_INPUT`: a search without letters or digits, or longer than 200 characters.
    pub fn to_query(&self) -> Result<PersonQuery, AppError> {
        Ok(PersonQuery { search: search_text(&self.search, "filter.search")? })
    }
}
