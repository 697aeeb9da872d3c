//! The idempotent loader. It writes the whole data set in one transaction, remembers per record the
//! hash it loaded and the row version it left, and on a later load:
//! - skips records whose data did not change (so a second load changes nothing);
//! - updates records whose data changed, unless the row was changed through the API since it was
//!   loaded (its version moved on): those are kept as they are and listed in the report;
//! - never deletes a row that is no longer in the file (it is listed instead), except a person,
//!   who is deleted with their roles (README "People").
//!
//! The per-table steps live in `records` (regions, organisations, programmes), `money` (schemes,
//! budget lines, fundings), `extra` (goals, observations), `model` (relations, events, people,
//! listed items) and `statements`; `reindex` recomputes search keys.

mod extra;
mod model;
mod money;
mod records;
mod reindex;
mod statements;
mod step;

use crate::db::meta::{meta, set_meta};
pub use reindex::reindex_if_needed;

use std::collections::HashMap;

use diesel::prelude::*;

use super::format::{DataSet, Period, SourceRef};
use super::validate;
use crate::db::schema::*;
use crate::db::{write_transaction, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::money::parse_euros;
use crate::period::{parse_partial_date, Bound, DatePrecision};
use crate::text::content_hash;
use crate::write::{links, placement};

/// What a load did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct LoadReport {
    /// The data-set version now in the database.
    pub data_version: i64,
    /// True when the database already held this data set and nothing was compared.
    pub up_to_date: bool,
    /// Records written for the first time.
    pub inserted: usize,
    /// Records brought up to date with the file.
    pub updated: usize,
    /// Records whose data did not change.
    pub unchanged: usize,
    /// Records the file changed but the API had changed since the last load: kept, not overwritten.
    pub kept_api_changes: Vec<String>,
    /// Records in the database from an earlier load that the file no longer has (left in place).
    pub no_longer_in_file: Vec<String>,
    /// People the file no longer has: deleted with their roles (README "People"), by slug.
    pub removed_people: Vec<String>,
}

const META_VERSION: &str = "data_version";
/// Raised when the loader maps a record to rows differently, so that a newer loader rewrites records
/// whose file entry did not change (revision 2: no qualifier/basis defaults, notes on organisations,
/// programmes and schemes, inferred statuses, award-date precision).
const LOADER_REVISION: u32 = 2;
const META_HASH: &str = "data_hash";

/// Loads `data` into the database in one write transaction. With `force == false` a database that
/// already holds this exact data set (same version and hash) is left untouched.
///
/// # Errors
/// `BAD_USER_INPUT` listing every validation problem (nothing is written), or a database error
/// (the transaction is rolled back; nothing is written).
pub fn load(conn: &mut DbConn, data: &DataSet, force: bool) -> Result<LoadReport, AppError> {
    let problems = validate(data);
    if !problems.is_empty() {
        return Err(AppError::bad_input(format!("the data set is invalid:\n  {}", problems.join("\n  "))));
    }
    let file_hash =
        content_hash(&serde_json::to_vec(data).map_err(|e| AppError::internal_from("serialising the data set", e))?);
    write_transaction(conn, |conn| {
        let stored_version = meta(conn, META_VERSION)?.and_then(|v| v.parse::<i64>().ok());
        let stored_hash = meta(conn, META_HASH)?;
        if !force && stored_version == Some(data.data_version) && stored_hash.as_deref() == Some(&file_hash) {
            return Ok(LoadReport { data_version: data.data_version, up_to_date: true, ..LoadReport::default() });
        }
        if let Some(v) = stored_version.filter(|v| *v > data.data_version) {
            return Err(AppError::Conflict(format!(
                "the database holds data-set version {v}, newer than this file's {}; not loading",
                data.data_version
            )));
        }
        let mut loader = Loader {
            conn,
            report: LoadReport { data_version: data.data_version, ..LoadReport::default() },
            ids: Ids::default(),
        };
        loader.regions(&data.regions)?;
        loader.organisations(&data.organisations)?;
        loader.programmes(&data.programmes)?;
        loader.schemes(&data.funding_schemes)?;
        loader.fundings(&data.fundings)?;
        loader.goals(&data.goals)?;
        loader.observations(&data.observations)?;
        loader.relations(&data.relations)?;
        loader.events(&data.events)?;
        loader.people(&data.people)?;
        loader.items(&data.items)?;
        loader.statements(&data.statements)?;
        loader.leftovers(data)?;
        set_meta(loader.conn, META_VERSION, &data.data_version.to_string())?;
        set_meta(loader.conn, META_HASH, &file_hash)?;
        // Keys written now are current; a database that never recorded a key version holds no
        // older ones (see `reindex`), so `serve` need not recompute them.
        reindex::record_version_if_unset(loader.conn)?;
        placement::rebuild(loader.conn)?;
        Ok(loader.report)
    })
}

/// Natural key → row id, filled as the load goes on.
#[derive(Default)]
struct Ids {
    regions: HashMap<String, i64>,
    organisations: HashMap<String, i64>,
    programmes: HashMap<String, i64>,
    schemes: HashMap<String, i64>,
}

impl Ids {
    fn get(map: &HashMap<String, i64>, key: &str, what: RecordKind) -> Result<i64, AppError> {
        map.get(key).copied().ok_or_else(|| AppError::internal(format!("loader: {what} {key} has no row")))
    }
}

struct Loader<'c> {
    conn: &'c mut DbConn,
    report: LoadReport,
    ids: Ids,
}

type Dates = (Option<chrono::NaiveDate>, Option<String>, Option<chrono::NaiveDate>, Option<String>);

fn dates(period: Option<&Period>) -> Dates {
    let part = |text: &Option<String>, bound| {
        text.as_deref()
            .and_then(|t| parse_partial_date(t, bound).ok())
            .map(|(d, p): (_, DatePrecision)| (d, p.as_str().to_owned()))
    };
    let (start, end) = period.map_or((None, None), |p| (part(&p.start, Bound::Start), part(&p.end, Bound::End)));
    let (sd, sp) = start.unzip();
    let (ed, ep) = end.unzip();
    (sd, sp, ed, ep)
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn euros(text: &str) -> Result<i64, AppError> {
    parse_euros(text).map_err(AppError::bad_input)
}

impl Loader<'_> {
    /// Sets the sources a record cites, as the file gives them (`FILE#L<a>-L<b>`).
    pub(super) fn sources(
        &mut self,
        entity_type: RecordKind,
        entity_id: i64,
        sources: &[String],
    ) -> Result<(), AppError> {
        let citations = sources
            .iter()
            .map(|s| SourceRef::parse(s).map(|r| (r.document, r.line_start, r.line_end)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(AppError::bad_input)?;
        links::sources(self.conn, entity_type, entity_id, &citations)
    }

    /// Lists records of earlier loads that the file no longer has.
    fn leftovers(&mut self, data: &DataSet) -> Result<(), AppError> {
        let mut keys: std::collections::HashSet<(&str, String)> = std::collections::HashSet::new();
        keys.extend(data.regions.iter().map(|r| (RecordKind::Region.as_str(), format!("{}:{}", r.scheme, r.code))));
        keys.extend(data.organisations.iter().map(|o| (RecordKind::Organisation.as_str(), o.slug.clone())));
        keys.extend(data.programmes.iter().map(|p| (RecordKind::Programme.as_str(), p.slug.clone())));
        keys.extend(data.funding_schemes.iter().map(|s| (RecordKind::FundingScheme.as_str(), s.code.clone())));
        keys.extend(data.fundings.iter().map(|f| (RecordKind::Funding.as_str(), f.key.clone())));
        keys.extend(data.goals.iter().map(|g| (RecordKind::PactGoal.as_str(), g.code.clone())));
        keys.extend(data.observations.iter().map(|o| (RecordKind::Observation.as_str(), o.natural_key())));
        keys.extend(data.relations.iter().map(|r| (RecordKind::Relation.as_str(), r.natural_key())));
        keys.extend(data.events.iter().map(|e| (RecordKind::Event.as_str(), e.key.clone())));
        keys.extend(data.people.iter().map(|p| (RecordKind::Person.as_str(), p.slug.clone())));
        keys.extend(data.items.iter().map(|i| (RecordKind::ListedItem.as_str(), i.natural_key())));
        keys.extend(data.statements.iter().map(|s| (RecordKind::Statement.as_str(), s.key.clone())));
        let loaded: Vec<(String, String)> =
            dataset_record::table.select((dataset_record::entity_type, dataset_record::natural_key)).load(self.conn)?;
        for (kind, key) in loaded {
            if !keys.contains(&(kind.as_str(), key.clone())) {
                self.report.no_longer_in_file.push(format!("{kind} {key}"));
            }
        }
        Ok(())
    }
}

fn row_version(conn: &mut DbConn, kind: RecordKind, id: i64) -> Result<i32, AppError> {
    let v = match kind {
        RecordKind::Region => region::table.find(id).select(region::version).first(conn)?,
        RecordKind::Organisation => organisation::table.find(id).select(organisation::version).first(conn)?,
        RecordKind::Programme => programme::table.find(id).select(programme::version).first(conn)?,
        RecordKind::FundingScheme => funding_scheme::table.find(id).select(funding_scheme::version).first(conn)?,
        RecordKind::Funding => funding::table.find(id).select(funding::version).first(conn)?,
        RecordKind::PactGoal => pact_goal::table.find(id).select(pact_goal::version).first(conn)?,
        RecordKind::Observation => observation::table.find(id).select(observation::version).first(conn)?,
        RecordKind::Relation => relation::table.find(id).select(relation::version).first(conn)?,
        RecordKind::Event => event::table.find(id).select(event::version).first(conn)?,
        RecordKind::Person => person::table.find(id).select(person::version).first(conn)?,
        RecordKind::ListedItem => listed_item::table.find(id).select(listed_item::version).first(conn)?,
        RecordKind::Statement => statement::table.find(id).select(statement::version).first(conn)?,
        other => return Err(AppError::internal(format!("loader: unknown entity type {other}"))),
    };
    Ok(v)
}
