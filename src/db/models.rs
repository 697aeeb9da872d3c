//! Row structs, one per table, as diesel reads and writes them. GraphQL output types wrap these
//! (see `graphql::types`); nothing here is sent to clients directly.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::*;
use crate::ids::{
    BudgetLineId, EventId, FundingId, FundingSchemeId, OrganisationId, ParticipationId, PersonId, ProgrammeId,
    RegionId, RelationId, StatementId,
};
use crate::vocab::ParticipationStatus;

/// A row of `region`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = region)]
pub struct RegionRow {
    pub id: RegionId,
    pub scheme: String,
    pub code: String,
    pub name: String,
    pub aliases: String,
    pub identifiers: String,
    pub parent_id: Option<i64>,
    pub note: Option<String>,
    pub sort_key: String,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A row of `region_link`: an association or same-name link between two regions.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = region_link)]
pub struct RegionLinkRow {
    pub id: i64,
    pub region_id: i64,
    pub linked_region_id: i64,
    pub kind: String,
}

/// A row of `organisation`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisation)]
pub struct OrganisationRow {
    pub id: OrganisationId,
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub school_level: Option<String>,
    pub identifiers: String,
    pub website: Option<String>,
    pub aliases: String,
    pub sort_key: String,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub note: Option<String>,
    /// A short description in our own words (Dutch).
    pub description: Option<String>,
}

/// A row of `programme`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = programme)]
pub struct ProgrammeRow {
    pub id: ProgrammeId,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub theme: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub start_precision: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub end_precision: Option<String>,
    pub website: Option<String>,
    pub status: Option<String>,
    pub status_year: Option<i32>,
    pub owner_id: Option<i64>,
    pub aliases: String,
    pub sort_key: String,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub note: Option<String>,
    /// True when the data's authors derived the status; `status_note` gives the reasoning.
    pub status_inferred: bool,
    pub status_note: Option<String>,
}

/// A row of `participation`: an organisation's role in a programme.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participation)]
pub struct ParticipationRow {
    pub id: ParticipationId,
    pub programme_id: i64,
    pub organisation_id: i64,
    pub role: String,
    /// `ACCEPTED`, or `PROPOSED` until the proposed organisation accepts.
    pub status: String,
    /// Raised by every change.
    pub version: i32,
    pub start_date: Option<NaiveDate>,
    pub start_precision: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub end_precision: Option<String>,
}

impl ParticipationRow {
    /// True while the participation awaits the proposed organisation's acceptance.
    pub fn is_proposed(&self) -> bool {
        self.status == ParticipationStatus::Proposed.as_str()
    }
}

/// A row of `funding_scheme`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = funding_scheme)]
pub struct FundingSchemeRow {
    pub id: FundingSchemeId,
    pub code: String,
    pub name: String,
    pub display_name: String,
    pub funder_id: Option<i64>,
    pub administrator_id: Option<i64>,
    pub legal_basis: Option<String>,
    pub url: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub start_precision: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub end_precision: Option<String>,
    pub aliases: String,
    pub sort_key: String,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub note: Option<String>,
    /// What the scheme is, in our own words (Dutch).
    pub description: Option<String>,
}

/// A row of `budget_line`: a scheme-level amount for a year or period.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = budget_line)]
pub struct BudgetLineRow {
    pub id: BudgetLineId,
    pub scheme_id: i64,
    pub start_date: Option<NaiveDate>,
    pub start_precision: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub end_precision: Option<String>,
    pub amount_cents: i64,
    pub qualifier: Option<String>,
    pub basis: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A row of `funding`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = funding)]
pub struct FundingRow {
    pub id: FundingId,
    pub key: String,
    pub scheme_id: Option<i64>,
    pub funder_id: Option<i64>,
    pub programme_id: Option<i64>,
    pub recipient_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub start_precision: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub end_precision: Option<String>,
    pub award_date: Option<NaiveDate>,
    pub amount_cents: i64,
    pub co_financing_cents: Option<i64>,
    pub qualifier: Option<String>,
    pub basis: Option<String>,
    pub status: Option<String>,
    pub note: Option<String>,
    pub sort_key: String,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// The precision of `award_date` (`YEAR`, `MONTH`, `DAY`).
    pub award_precision: Option<String>,
}

/// A row of `region_allocation`: part of a funding attributed to a region.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = region_allocation)]
pub struct AllocationRow {
    pub id: i64,
    pub funding_id: i64,
    pub region_id: i64,
    pub share_basis_points: Option<i32>,
}

/// A row of `source`: where a record comes from.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = source)]
pub struct SourceRow {
    pub id: i64,
    pub entity_type: String,
    pub entity_id: i64,
    pub document: Option<String>,
    pub line_start: Option<i32>,
    pub line_end: Option<i32>,
    pub organisation_id: Option<i64>,
    pub audit_event_id: Option<i64>,
}

/// A row of `observation`: a dated figure about a subject (or the pact as a whole).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = observation)]
pub struct ObservationRow {
    pub id: i64,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub metric: String,
    pub value: String,
    pub unit: String,
    pub qualifier: Option<String>,
    pub observed_on: Option<NaiveDate>,
    pub observed_precision: Option<String>,
    pub report_year: Option<i32>,
    pub note: Option<String>,
}

/// A row of `pact_goal`: a goal (2017 report) or theme (2019 report) of the pact.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pact_goal)]
pub struct GoalRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    pub report_year: Option<i32>,
}

/// A row of `relation`: a typed link from a subject record to an object record.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = relation)]
pub struct RelationRow {
    pub id: RelationId,
    pub natural_key: String,
    pub kind: String,
    pub subject_type: String,
    pub subject_id: i64,
    pub object_type: String,
    pub object_id: i64,
    pub start_date: Option<NaiveDate>,
    pub start_precision: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub end_precision: Option<String>,
    pub note: Option<String>,
}

/// A row of `event`: something that happened on a date, as precise as the source gives it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = event)]
pub struct EventRow {
    pub id: EventId,
    pub natural_key: String,
    pub kind: String,
    /// The first day the date covers.
    pub event_date: NaiveDate,
    /// The last day the date covers.
    pub event_date_end: NaiveDate,
    pub event_precision: String,
    pub description: String,
    pub sort_key: String,
    pub updated_at: NaiveDateTime,
}

/// A row of `event_record`: a record an event is tied to.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = event_record)]
pub struct EventRecordRow {
    pub event_id: i64,
    pub record_type: String,
    pub record_id: i64,
}

/// A row of `person`: someone the documents name in a public role.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = person)]
pub struct PersonRow {
    pub id: PersonId,
    pub slug: String,
    pub name: String,
    pub aliases: String,
    pub note: Option<String>,
    pub sort_key: String,
    pub updated_at: NaiveDateTime,
}

/// A row of `person_role`: a public role a person holds, optionally in an organisation or programme.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = person_role)]
pub struct PersonRoleRow {
    pub id: i64,
    pub person_id: i64,
    pub title: String,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub start_precision: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub end_precision: Option<String>,
}

/// A row of `listed_item`: one item of a list inside a record (a topsector, a pillar, a condition…).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = listed_item)]
pub struct ListedItemRow {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub kind: String,
    pub label: String,
    pub code: Option<String>,
    pub position: i32,
    pub note: Option<String>,
}

/// A row of `statement`: a finding, recommendation, aim, success factor or plan a document states.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statement)]
pub struct StatementRow {
    pub id: StatementId,
    pub natural_key: String,
    pub kind: String,
    pub summary: String,
    pub phrase: String,
    pub topic: Option<String>,
    /// The first day the date covers.
    pub date_start: Option<NaiveDate>,
    pub date_precision: Option<String>,
    pub note: Option<String>,
    pub sort_key: String,
    pub updated_at: NaiveDateTime,
}

/// A row of `statement_record`: a record a statement is about (`ABOUT`) or that states it
/// (`STATED_BY`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statement_record)]
pub struct StatementRecordRow {
    pub statement_id: i64,
    pub role: String,
    pub record_type: String,
    pub record_id: i64,
}
