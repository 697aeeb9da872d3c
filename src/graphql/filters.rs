//! Filter inputs of the root connections, and how each becomes a boxed SQL query. Every filter is
//! applied the same way on both backends; name search compares normalised search keys with an
//! escaped `LIKE` (see `crate::text`).

use async_graphql::{InputObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::loaders::descendants_of;
use crate::db::schema::*;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::{decode_typed_id, NodeType};
use crate::period::{parse_partial_date, Bound};
use crate::text::like_pattern;
use crate::vocab::*;

/// A period to overlap with: records whose period shares at least one day with it match. A record
/// without any period never matches; an open or unknown end counts as unbounded.
#[derive(InputObject, Clone, Debug)]
pub struct PeriodFilter {
    /// First day of interest: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a year means its 1 January).
    pub from: Option<String>,
    /// Last day of interest: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a year means its 31 December).
    pub to: Option<String>,
}

impl PeriodFilter {
    fn bounds(&self, argument: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
        let parse = |s: &Option<String>, bound, name| {
            s.as_deref()
                .map(|t| parse_partial_date(t, bound).map(|(d, _)| d))
                .transpose()
                .map_err(|e| AppError::bad_input(format!("argument `{argument}.{name}`: {e}")))
        };
        let from = parse(&self.from, Bound::Start, "from")?;
        let to = parse(&self.to, Bound::End, "to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(AppError::bad_input(format!("argument `{argument}`: `to` is before `from`")));
            }
        }
        Ok((from, to))
    }
}

/// Adds the period-overlap condition for a table with start/end date columns.
macro_rules! overlap {
    ($q:ident, $t:ident, $bounds:expr) => {{
        let (from, to) = $bounds;
        $q = $q.filter($t::start_date.is_not_null().or($t::end_date.is_not_null()));
        if let Some(to) = to {
            $q = $q.filter($t::start_date.is_null().or($t::start_date.le(to)));
        }
        if let Some(from) = from {
            $q = $q.filter($t::end_date.is_null().or($t::end_date.ge(from)));
        }
    }};
}

/// The most values a filter list may hold.
pub const MAX_FILTER_VALUES: usize = 100;

/// Refuses a filter list longer than [`MAX_FILTER_VALUES`].
fn capped<T>(list: Option<&Vec<T>>, argument: &str) -> Result<(), AppError> {
    match list {
        Some(l) if l.len() > MAX_FILTER_VALUES => {
            Err(AppError::bad_input(format!("argument `{argument}`: at most {MAX_FILTER_VALUES} values")))
        }
        _ => Ok(()),
    }
}

/// The `LIKE` pattern of a search, refusing one without letters or digits.
fn search_pattern(search: &str, argument: &str) -> Result<String, AppError> {
    if search.chars().count() > 200 {
        return Err(AppError::bad_input(format!("argument `{argument}`: at most 200 characters")));
    }
    if crate::text::search_key(search).is_empty() {
        return Err(AppError::bad_input(format!("argument `{argument}` needs at least one letter or digit")));
    }
    Ok(like_pattern(search))
}

fn region_ids(conn: &mut DbConn, id: &ID, argument: &str) -> Result<Vec<i64>, AppError> {
    let root = decode_typed_id(id, NodeType::Region, argument)?;
    Ok(descendants_of(conn, &[root])?.remove(&root).unwrap_or_default())
}

/// Filters for `organisations`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OrganisationFilter {
    /// Name, short name or alias contains this text (case and accents ignored: "fryslan" finds "Fryslân").
    pub search: Option<String>,
    /// Any of these kinds.
    pub kind: Option<Vec<OrganisationKind>>,
    /// Based in this region or one of its formal descendants (a Region ID).
    pub region: Option<ID>,
    /// Takes part in this programme (a Programme ID).
    pub programme: Option<ID>,
    /// Has a participation with one of these roles (combined with `programme`: in that programme).
    pub role: Option<Vec<ParticipationRole>>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl OrganisationFilter {
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<organisation::BoxedQuery<'static, Db>, AppError> {
        capped(self.kind.as_ref(), "filter.kind")?;
        capped(self.role.as_ref(), "filter.role")?;
        let mut q = organisation::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(organisation::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(kinds) = &self.kind {
            q = q.filter(organisation::kind.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
        }
        if let Some(region) = &self.region {
            let ids = region_ids(conn, region, "filter.region")?;
            let members = organisation_region::table
                .filter(organisation_region::region_id.eq_any(ids))
                .select(organisation_region::organisation_id);
            q = q.filter(organisation::id.eq_any(members));
        }
        let programme_id =
            self.programme.as_ref().map(|p| decode_typed_id(p, NodeType::Programme, "filter.programme")).transpose()?;
        let roles: Option<Vec<&'static str>> = self.role.as_ref().map(|r| r.iter().map(|r| r.as_str()).collect());
        let parts = participation::table.filter(participation::status.eq("ACCEPTED"));
        match (programme_id, roles) {
            (Some(p), Some(r)) => {
                let ids = parts
                    .filter(participation::programme_id.eq(p))
                    .filter(participation::role.eq_any(r))
                    .select(participation::organisation_id);
                q = q.filter(organisation::id.eq_any(ids));
            }
            (Some(p), None) => {
                q = q
                    .filter(organisation::id.eq_any(
                        parts.filter(participation::programme_id.eq(p)).select(participation::organisation_id),
                    ));
            }
            (None, Some(r)) => {
                q = q.filter(
                    organisation::id
                        .eq_any(parts.filter(participation::role.eq_any(r)).select(participation::organisation_id)),
                );
            }
            (None, None) => {}
        }
        if let Some(t) = self.updated_after {
            q = q.filter(organisation::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}

/// Filters for `programmes`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ProgrammeFilter {
    /// Name or alias contains this text (case and accents ignored).
    pub search: Option<String>,
    /// Any of these kinds.
    pub kind: Option<Vec<ProgrammeKind>>,
    /// For any of these target groups.
    pub target_group: Option<Vec<TargetGroup>>,
    /// Names this region or one of its formal descendants (a Region ID).
    pub region: Option<ID>,
    /// This organisation takes part (an Organisation ID); with `role`, in one of those roles.
    pub organisation: Option<ID>,
    /// Some organisation (or `organisation`) takes part in one of these roles.
    pub role: Option<Vec<ParticipationRole>>,
    /// Funded under this scheme (a FundingScheme ID).
    pub scheme: Option<ID>,
    /// With one of these reported statuses.
    pub status: Option<Vec<ProgrammeStatus>>,
    /// Runs during (overlaps) this period.
    pub period: Option<PeriodFilter>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl ProgrammeFilter {
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<programme::BoxedQuery<'static, Db>, AppError> {
        capped(self.kind.as_ref(), "filter.kind")?;
        capped(self.target_group.as_ref(), "filter.targetGroup")?;
        capped(self.role.as_ref(), "filter.role")?;
        capped(self.status.as_ref(), "filter.status")?;
        let mut q = programme::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(programme::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(kinds) = &self.kind {
            q = q.filter(programme::kind.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
        }
        if let Some(groups) = &self.target_group {
            let groups: Vec<&str> = groups.iter().map(|g| g.as_str()).collect();
            let ids = programme_target_group::table
                .filter(programme_target_group::target_group.eq_any(groups))
                .select(programme_target_group::programme_id);
            q = q.filter(programme::id.eq_any(ids));
        }
        if let Some(region) = &self.region {
            let regions = region_ids(conn, region, "filter.region")?;
            let ids = programme_region::table
                .filter(programme_region::region_id.eq_any(regions))
                .select(programme_region::programme_id);
            q = q.filter(programme::id.eq_any(ids));
        }
        let organisation_id = self
            .organisation
            .as_ref()
            .map(|o| decode_typed_id(o, NodeType::Organisation, "filter.organisation"))
            .transpose()?;
        let roles: Option<Vec<&'static str>> = self.role.as_ref().map(|r| r.iter().map(|r| r.as_str()).collect());
        let parts = participation::table.filter(participation::status.eq("ACCEPTED"));
        match (organisation_id, roles) {
            (Some(o), Some(r)) => {
                let ids = parts
                    .filter(participation::organisation_id.eq(o))
                    .filter(participation::role.eq_any(r))
                    .select(participation::programme_id);
                q = q.filter(programme::id.eq_any(ids));
            }
            (Some(o), None) => {
                q = q
                    .filter(programme::id.eq_any(
                        parts.filter(participation::organisation_id.eq(o)).select(participation::programme_id),
                    ));
            }
            (None, Some(r)) => {
                q = q.filter(
                    programme::id
                        .eq_any(parts.filter(participation::role.eq_any(r)).select(participation::programme_id)),
                );
            }
            (None, None) => {}
        }
        if let Some(s) = &self.scheme {
            let scheme = decode_typed_id(s, NodeType::FundingScheme, "filter.scheme")?;
            let ids = funding::table
                .filter(funding::scheme_id.eq(scheme))
                .filter(funding::programme_id.is_not_null())
                .select(funding::programme_id.assume_not_null());
            q = q.filter(programme::id.eq_any(ids));
        }
        if let Some(statuses) = &self.status {
            q = q.filter(programme::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(p) = &self.period {
            overlap!(q, programme, p.bounds("filter.period")?);
        }
        if let Some(t) = self.updated_after {
            q = q.filter(programme::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}

/// Filters for `regions`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct RegionFilter {
    /// Name or alias contains this text (case and accents ignored: "fryslan" finds "Fryslân").
    pub search: Option<String>,
    /// In one of these schemes.
    pub scheme: Option<Vec<RegionScheme>>,
    /// A formal descendant of this region (a Region ID), the region itself excluded.
    pub within: Option<ID>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl RegionFilter {
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<region::BoxedQuery<'static, Db>, AppError> {
        capped(self.scheme.as_ref(), "filter.scheme")?;
        let mut q = region::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(region::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(schemes) = &self.scheme {
            q = q.filter(region::scheme.eq_any(schemes.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(within) = &self.within {
            let root = decode_typed_id(within, NodeType::Region, "filter.within")?;
            let ids: Vec<i64> = descendants_of(conn, &[root])?
                .remove(&root)
                .unwrap_or_default()
                .into_iter()
                .filter(|id| *id != root)
                .collect();
            q = q.filter(region::id.eq_any(ids));
        }
        if let Some(t) = self.updated_after {
            q = q.filter(region::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}

/// Filters for `fundingSchemes`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct FundingSchemeFilter {
    /// Name, display name, code or alias contains this text (case and accents ignored).
    pub search: Option<String>,
    /// Funded or administered by this organisation (an Organisation ID).
    pub organisation: Option<ID>,
    /// Runs during (overlaps) this period.
    pub period: Option<PeriodFilter>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl FundingSchemeFilter {
    /// The filtered query.
    pub fn query(&self, _conn: &mut DbConn) -> Result<funding_scheme::BoxedQuery<'static, Db>, AppError> {
        let mut q = funding_scheme::table.into_boxed::<Db>();
        if let Some(s) = &self.search {
            q = q.filter(funding_scheme::search_text.like(search_pattern(s, "filter.search")?).escape('\\'));
        }
        if let Some(o) = &self.organisation {
            let org = decode_typed_id(o, NodeType::Organisation, "filter.organisation")?;
            q = q.filter(funding_scheme::funder_id.eq(org).or(funding_scheme::administrator_id.eq(org)));
        }
        if let Some(p) = &self.period {
            overlap!(q, funding_scheme, p.bounds("filter.period")?);
        }
        if let Some(t) = self.updated_after {
            q = q.filter(funding_scheme::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}

/// Filters for `fundings` and `fundingByRegion`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct FundingFilter {
    /// Under one of these schemes (FundingScheme IDs).
    pub scheme: Option<Vec<ID>>,
    /// Allocated to this region or one of its formal descendants (a Region ID).
    pub region: Option<ID>,
    /// To this programme (a Programme ID).
    pub programme: Option<ID>,
    /// This organisation is the recipient or the named funder (an Organisation ID).
    pub organisation: Option<ID>,
    /// With one of these statuses.
    pub status: Option<Vec<FundingStatus>>,
    /// For a period overlapping this one.
    pub period: Option<PeriodFilter>,
    /// Changed after this time (for syncing).
    pub updated_after: Option<DateTime<Utc>>,
}

impl FundingFilter {
    /// The filtered query.
    pub fn query(&self, conn: &mut DbConn) -> Result<funding::BoxedQuery<'static, Db>, AppError> {
        capped(self.scheme.as_ref(), "filter.scheme")?;
        capped(self.status.as_ref(), "filter.status")?;
        let mut q = funding::table.into_boxed::<Db>();
        if let Some(schemes) = &self.scheme {
            let ids = schemes
                .iter()
                .map(|s| decode_typed_id(s, NodeType::FundingScheme, "filter.scheme"))
                .collect::<Result<Vec<_>, _>>()?;
            q = q.filter(funding::scheme_id.eq_any(ids));
        }
        if let Some(region) = &self.region {
            let regions = region_ids(conn, region, "filter.region")?;
            let ids = region_allocation::table
                .filter(region_allocation::region_id.eq_any(regions))
                .select(region_allocation::funding_id);
            q = q.filter(funding::id.eq_any(ids));
        }
        if let Some(p) = &self.programme {
            q = q.filter(funding::programme_id.eq(decode_typed_id(p, NodeType::Programme, "filter.programme")?));
        }
        if let Some(o) = &self.organisation {
            let org = decode_typed_id(o, NodeType::Organisation, "filter.organisation")?;
            q = q.filter(funding::recipient_id.eq(org).or(funding::funder_id.eq(org)));
        }
        if let Some(statuses) = &self.status {
            q = q.filter(funding::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if let Some(p) = &self.period {
            overlap!(q, funding, p.bounds("filter.period")?);
        }
        if let Some(t) = self.updated_after {
            q = q.filter(funding::updated_at.gt(t.naive_utc()));
        }
        Ok(q)
    }
}
