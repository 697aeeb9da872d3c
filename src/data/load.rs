//! The idempotent loader. It writes the whole data set in one transaction, remembers per record the
//! hash it loaded and the row version it left, and on a later load:
//! - skips records whose data did not change (so a second load changes nothing);
//! - updates records whose data changed, unless the row was changed through the API since it was
//!   loaded (its version moved on): those are kept as they are and listed in the report;
//! - never deletes a row that is no longer in the file (it is listed instead).

use std::collections::HashMap;

use diesel::prelude::*;

use super::format::{self, DataSet, Period, SourceRef};
use super::{content_hash, validate};
use crate::db::schema::*;
use crate::db::{now, write_transaction, DbConn};
use crate::error::AppError;
use crate::money::parse_euros;
use crate::period::{parse_partial_date, Bound, DatePrecision};
use crate::text::{search_key, search_text};

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
}

const META_VERSION: &str = "data_version";
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
    let file_hash = content_hash(&serde_json::to_vec(data).map_err(|e| AppError::internal(e.to_string()))?);
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
        loader.leftovers(data)?;
        set_meta(loader.conn, META_VERSION, &data.data_version.to_string())?;
        set_meta(loader.conn, META_HASH, &file_hash)?;
        Ok(loader.report)
    })
}

fn meta(conn: &mut DbConn, name: &str) -> Result<Option<String>, AppError> {
    Ok(dataset_meta::table.filter(dataset_meta::name.eq(name)).select(dataset_meta::value).first(conn).optional()?)
}

fn set_meta(conn: &mut DbConn, name: &str, value: &str) -> Result<(), AppError> {
    if meta(conn, name)?.as_deref() == Some(value) {
        return Ok(());
    }
    let t = now();
    let n = diesel::update(dataset_meta::table.filter(dataset_meta::name.eq(name)))
        .set((
            dataset_meta::value.eq(value),
            dataset_meta::updated_at.eq(t),
            dataset_meta::version.eq(dataset_meta::version + 1),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(dataset_meta::table)
            .values((
                dataset_meta::name.eq(name),
                dataset_meta::value.eq(value),
                dataset_meta::created_at.eq(t),
                dataset_meta::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
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
    fn get(map: &HashMap<String, i64>, key: &str, what: &str) -> Result<i64, AppError> {
        map.get(key).copied().ok_or_else(|| AppError::internal(format!("loader: {what} {key} has no row")))
    }
}

/// What to do with one record.
enum Plan {
    Insert,
    Update(i64),
    Keep(i64),
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
    /// Decides insert/update/keep for a record and does the bookkeeping that does not depend on the table.
    fn plan<T: serde::Serialize>(
        &mut self,
        kind: &str,
        key: &str,
        record: &T,
        current: impl FnOnce(&mut DbConn) -> QueryResult<Option<(i64, i32)>>,
    ) -> Result<(Plan, String), AppError> {
        let hash = content_hash(&serde_json::to_vec(record).map_err(|e| AppError::internal(e.to_string()))?);
        let loaded: Option<(i64, String, i32)> = dataset_record::table
            .filter(dataset_record::entity_type.eq(kind))
            .filter(dataset_record::natural_key.eq(key))
            .select((dataset_record::entity_id, dataset_record::content_hash, dataset_record::row_version))
            .first(self.conn)
            .optional()?;
        let row = current(self.conn)?;
        let plan = match (loaded, row) {
            (None, None) => Plan::Insert,
            (None, Some((id, _))) => {
                self.report
                    .kept_api_changes
                    .push(format!("{kind} {key}: created through the API before the data set had it"));
                Plan::Keep(id)
            }
            (Some(_), None) => Plan::Insert,
            (Some((_, h, _)), Some((id, _))) if h == hash => {
                self.report.unchanged += 1;
                Plan::Keep(id)
            }
            (Some((_, _, loaded_version)), Some((id, version))) if version != loaded_version => {
                self.report
                    .kept_api_changes
                    .push(format!("{kind} {key}: changed through the API since it was loaded; not overwritten"));
                Plan::Keep(id)
            }
            (Some(_), Some((id, _))) => Plan::Update(id),
        };
        Ok((plan, hash))
    }

    fn remember(&mut self, kind: &str, key: &str, id: i64, hash: &str, inserted: bool) -> Result<(), AppError> {
        let t = now();
        diesel::delete(
            dataset_record::table
                .filter(dataset_record::entity_type.eq(kind))
                .filter(dataset_record::natural_key.eq(key)),
        )
        .execute(self.conn)?;
        diesel::insert_into(dataset_record::table)
            .values((
                dataset_record::entity_type.eq(kind),
                dataset_record::natural_key.eq(key),
                dataset_record::entity_id.eq(id),
                dataset_record::content_hash.eq(hash),
                dataset_record::row_version.eq(if inserted { 1 } else { row_version(self.conn, kind, id)? }),
                dataset_record::created_at.eq(t),
                dataset_record::updated_at.eq(t),
            ))
            .execute(self.conn)?;
        if inserted {
            self.report.inserted += 1;
        } else {
            self.report.updated += 1;
        }
        Ok(())
    }

    fn sources(&mut self, entity_type: &str, entity_id: i64, sources: &[String]) -> Result<(), AppError> {
        diesel::delete(
            source::table.filter(source::entity_type.eq(entity_type)).filter(source::entity_id.eq(entity_id)),
        )
        .execute(self.conn)?;
        let t = now();
        for s in sources {
            let r = SourceRef::parse(s).map_err(AppError::bad_input)?;
            diesel::insert_into(source::table)
                .values((
                    source::entity_type.eq(entity_type),
                    source::entity_id.eq(entity_id),
                    source::document.eq(Some(r.document)),
                    source::line_start.eq(Some(r.line_start)),
                    source::line_end.eq(Some(r.line_end)),
                    source::created_at.eq(t),
                    source::updated_at.eq(t),
                ))
                .execute(self.conn)?;
        }
        Ok(())
    }

    fn regions(&mut self, regions: &[format::Region]) -> Result<(), AppError> {
        let mut written = Vec::new();
        for r in regions {
            let key = format!("{}:{}", r.scheme, r.code);
            let (plan, hash) = self.plan("region", &key, r, |c| {
                region::table
                    .filter(region::scheme.eq(&r.scheme))
                    .filter(region::code.eq(&r.code))
                    .select((region::id, region::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let names: Vec<&str> =
                std::iter::once(r.name.as_str()).chain(r.aliases.iter().map(String::as_str)).collect();
            let values = (
                region::scheme.eq(&r.scheme),
                region::code.eq(&r.code),
                region::name.eq(&r.name),
                region::aliases.eq(json_list(&r.aliases)),
                region::identifiers.eq(json_list(&r.identifiers)),
                region::note.eq(&r.note),
                region::sort_key.eq(search_key(&r.name)),
                region::search_text.eq(search_text(names)),
                region::updated_at.eq(t),
            );
            let id = match plan {
                Plan::Keep(id) => {
                    self.ids.regions.insert(key, id);
                    continue;
                }
                Plan::Insert => diesel::insert_into(region::table)
                    .values((values, region::created_at.eq(t)))
                    .returning(region::id)
                    .get_result(self.conn)?,
                Plan::Update(id) => {
                    diesel::update(region::table.find(id))
                        .set((values, region::version.eq(region::version + 1)))
                        .execute(self.conn)?;
                    id
                }
            };
            self.ids.regions.insert(key.clone(), id);
            self.sources("region", id, &r.sources)?;
            written.push((r, key, id, hash, matches!(plan, Plan::Insert)));
        }
        // Parents and links once every region has a row.
        for (r, key, id, hash, inserted) in written {
            let parent = r.parent.as_deref().map(|p| Ids::get(&self.ids.regions, p, "region")).transpose()?;
            diesel::update(region::table.find(id)).set(region::parent_id.eq(parent)).execute(self.conn)?;
            diesel::delete(region_link::table.filter(region_link::region_id.eq(id))).execute(self.conn)?;
            let t = now();
            let links = r.associated.iter().map(|a| (a, "ASSOCIATED")).chain(r.same_as.iter().map(|a| (a, "SAME_AS")));
            for (other, kind) in links {
                let other = Ids::get(&self.ids.regions, other, "region")?;
                diesel::insert_into(region_link::table)
                    .values((
                        region_link::region_id.eq(id),
                        region_link::linked_region_id.eq(other),
                        region_link::kind.eq(kind),
                        region_link::created_at.eq(t),
                        region_link::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            self.remember("region", &key, id, &hash, inserted)?;
        }
        Ok(())
    }

    fn organisations(&mut self, organisations: &[format::Organisation]) -> Result<(), AppError> {
        for o in organisations {
            let (plan, hash) = self.plan("organisation", &o.slug, o, |c| {
                organisation::table
                    .filter(organisation::slug.eq(&o.slug))
                    .select((organisation::id, organisation::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let names = std::iter::once(o.name.as_str())
                .chain(o.short_name.as_deref())
                .chain(o.aliases.iter().map(String::as_str));
            let values = (
                organisation::slug.eq(&o.slug),
                organisation::name.eq(&o.name),
                organisation::short_name.eq(&o.short_name),
                organisation::kind.eq(&o.kind),
                organisation::school_level.eq(&o.school_level),
                organisation::identifiers.eq(json_list(&o.identifiers)),
                organisation::website.eq(&o.website),
                organisation::aliases.eq(json_list(&o.aliases)),
                organisation::sort_key.eq(search_key(&o.name)),
                organisation::search_text.eq(search_text(names)),
                organisation::updated_at.eq(t),
            );
            let id = match plan {
                Plan::Keep(id) => {
                    self.ids.organisations.insert(o.slug.clone(), id);
                    continue;
                }
                Plan::Insert => diesel::insert_into(organisation::table)
                    .values((values, organisation::created_at.eq(t)))
                    .returning(organisation::id)
                    .get_result(self.conn)?,
                Plan::Update(id) => {
                    diesel::update(organisation::table.find(id))
                        .set((values, organisation::version.eq(organisation::version + 1)))
                        .execute(self.conn)?;
                    id
                }
            };
            self.ids.organisations.insert(o.slug.clone(), id);
            diesel::delete(organisation_region::table.filter(organisation_region::organisation_id.eq(id)))
                .execute(self.conn)?;
            for r in &o.home_regions {
                let region_id = Ids::get(&self.ids.regions, r, "region")?;
                diesel::insert_into(organisation_region::table)
                    .values((
                        organisation_region::organisation_id.eq(id),
                        organisation_region::region_id.eq(region_id),
                        organisation_region::created_at.eq(t),
                        organisation_region::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            self.sources("organisation", id, &o.sources)?;
            self.remember("organisation", &o.slug, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    fn programmes(&mut self, programmes: &[format::Programme]) -> Result<(), AppError> {
        for p in programmes {
            let (plan, hash) = self.plan("programme", &p.slug, p, |c| {
                programme::table
                    .filter(programme::slug.eq(&p.slug))
                    .select((programme::id, programme::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let (sd, sp, ed, ep) = dates(p.period.as_ref());
            let owner = p.owner.as_deref().map(|o| Ids::get(&self.ids.organisations, o, "organisation")).transpose()?;
            let names = std::iter::once(p.name.as_str()).chain(p.aliases.iter().map(String::as_str));
            let values = (
                (
                    programme::slug.eq(&p.slug),
                    programme::name.eq(&p.name),
                    programme::description.eq(&p.description),
                    programme::kind.eq(&p.kind),
                    programme::theme.eq(&p.theme),
                    programme::start_date.eq(sd),
                    programme::start_precision.eq(sp),
                    programme::end_date.eq(ed),
                    programme::end_precision.eq(ep),
                    programme::website.eq(&p.website),
                ),
                (
                    programme::status.eq(p.status.as_ref().map(|s| s.value.clone())),
                    programme::status_year.eq(p.status.as_ref().and_then(|s| s.report_year)),
                    programme::owner_id.eq(owner),
                    programme::aliases.eq(json_list(&p.aliases)),
                    programme::sort_key.eq(search_key(&p.name)),
                    programme::search_text.eq(search_text(names)),
                    programme::updated_at.eq(t),
                ),
            );
            let id = match plan {
                Plan::Keep(id) => {
                    self.ids.programmes.insert(p.slug.clone(), id);
                    continue;
                }
                Plan::Insert => diesel::insert_into(programme::table)
                    .values((values, programme::created_at.eq(t)))
                    .returning(programme::id)
                    .get_result(self.conn)?,
                Plan::Update(id) => {
                    diesel::update(programme::table.find(id))
                        .set((values, programme::version.eq(programme::version + 1)))
                        .execute(self.conn)?;
                    id
                }
            };
            self.ids.programmes.insert(p.slug.clone(), id);
            diesel::delete(programme_target_group::table.filter(programme_target_group::programme_id.eq(id)))
                .execute(self.conn)?;
            for g in &p.target_groups {
                diesel::insert_into(programme_target_group::table)
                    .values((
                        programme_target_group::programme_id.eq(id),
                        programme_target_group::target_group.eq(g),
                        programme_target_group::created_at.eq(t),
                        programme_target_group::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            diesel::delete(programme_region::table.filter(programme_region::programme_id.eq(id))).execute(self.conn)?;
            for r in &p.regions {
                let region_id = Ids::get(&self.ids.regions, r, "region")?;
                diesel::insert_into(programme_region::table)
                    .values((
                        programme_region::programme_id.eq(id),
                        programme_region::region_id.eq(region_id),
                        programme_region::created_at.eq(t),
                        programme_region::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            let old: Vec<i64> = participation::table
                .filter(participation::programme_id.eq(id))
                .select(participation::id)
                .load(self.conn)?;
            diesel::delete(
                source::table.filter(source::entity_type.eq("participation")).filter(source::entity_id.eq_any(&old)),
            )
            .execute(self.conn)?;
            diesel::delete(participation::table.filter(participation::programme_id.eq(id))).execute(self.conn)?;
            for part in &p.participants {
                let org = Ids::get(&self.ids.organisations, &part.organisation, "organisation")?;
                let pid: i64 = diesel::insert_into(participation::table)
                    .values((
                        participation::programme_id.eq(id),
                        participation::organisation_id.eq(org),
                        participation::role.eq(&part.role),
                        participation::created_at.eq(t),
                        participation::updated_at.eq(t),
                    ))
                    .returning(participation::id)
                    .get_result(self.conn)?;
                let sources = if part.sources.is_empty() { &p.sources } else { &part.sources };
                self.sources("participation", pid, sources)?;
            }
            let mut sources = p.sources.clone();
            if let Some(s) = p.status.as_ref().and_then(|s| s.source.clone()) {
                sources.push(s);
            }
            self.sources("programme", id, &sources)?;
            self.remember("programme", &p.slug, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    fn schemes(&mut self, schemes: &[format::FundingScheme]) -> Result<(), AppError> {
        for s in schemes {
            let (plan, hash) = self.plan("funding_scheme", &s.code, s, |c| {
                funding_scheme::table
                    .filter(funding_scheme::code.eq(&s.code))
                    .select((funding_scheme::id, funding_scheme::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let (sd, sp, ed, ep) = dates(s.period.as_ref());
            let funder =
                s.funder.as_deref().map(|o| Ids::get(&self.ids.organisations, o, "organisation")).transpose()?;
            let admin =
                s.administrator.as_deref().map(|o| Ids::get(&self.ids.organisations, o, "organisation")).transpose()?;
            let display = s.display_name.clone().unwrap_or_else(|| s.code.clone());
            let names = [s.name.as_str(), display.as_str(), s.code.as_str()]
                .into_iter()
                .chain(s.aliases.iter().map(String::as_str));
            let values = (
                (
                    funding_scheme::code.eq(&s.code),
                    funding_scheme::name.eq(&s.name),
                    funding_scheme::display_name.eq(&display),
                    funding_scheme::funder_id.eq(funder),
                    funding_scheme::administrator_id.eq(admin),
                    funding_scheme::legal_basis.eq(&s.legal_basis),
                    funding_scheme::url.eq(&s.url),
                    funding_scheme::start_date.eq(sd),
                    funding_scheme::start_precision.eq(sp),
                ),
                (
                    funding_scheme::end_date.eq(ed),
                    funding_scheme::end_precision.eq(ep),
                    funding_scheme::aliases.eq(json_list(&s.aliases)),
                    funding_scheme::sort_key.eq(search_key(&s.name)),
                    funding_scheme::search_text.eq(search_text(names)),
                    funding_scheme::updated_at.eq(t),
                ),
            );
            let id = match plan {
                Plan::Keep(id) => {
                    self.ids.schemes.insert(s.code.clone(), id);
                    continue;
                }
                Plan::Insert => diesel::insert_into(funding_scheme::table)
                    .values((values, funding_scheme::created_at.eq(t)))
                    .returning(funding_scheme::id)
                    .get_result(self.conn)?,
                Plan::Update(id) => {
                    diesel::update(funding_scheme::table.find(id))
                        .set((values, funding_scheme::version.eq(funding_scheme::version + 1)))
                        .execute(self.conn)?;
                    id
                }
            };
            self.ids.schemes.insert(s.code.clone(), id);
            let old: Vec<i64> =
                budget_line::table.filter(budget_line::scheme_id.eq(id)).select(budget_line::id).load(self.conn)?;
            diesel::delete(
                source::table.filter(source::entity_type.eq("budget_line")).filter(source::entity_id.eq_any(&old)),
            )
            .execute(self.conn)?;
            diesel::delete(budget_line::table.filter(budget_line::scheme_id.eq(id))).execute(self.conn)?;
            for line in &s.budget_lines {
                let (sd, sp, ed, ep) = dates(line.period.as_ref());
                let line_id: i64 = diesel::insert_into(budget_line::table)
                    .values((
                        budget_line::scheme_id.eq(id),
                        budget_line::start_date.eq(sd),
                        budget_line::start_precision.eq(sp),
                        budget_line::end_date.eq(ed),
                        budget_line::end_precision.eq(ep),
                        budget_line::amount_cents.eq(euros(&line.amount)?),
                        budget_line::qualifier.eq(line.qualifier.as_deref().unwrap_or("EXACT")),
                        budget_line::basis.eq(line.basis.as_deref().unwrap_or("TOTAL")),
                        budget_line::note.eq(&line.note),
                        budget_line::created_at.eq(t),
                        budget_line::updated_at.eq(t),
                    ))
                    .returning(budget_line::id)
                    .get_result(self.conn)?;
                self.sources("budget_line", line_id, &line.sources)?;
            }
            self.sources("funding_scheme", id, &s.sources)?;
            self.remember("funding_scheme", &s.code, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    fn fundings(&mut self, fundings: &[format::Funding]) -> Result<(), AppError> {
        for f in fundings {
            let (plan, hash) = self.plan("funding", &f.key, f, |c| {
                funding::table
                    .filter(funding::key.eq(&f.key))
                    .select((funding::id, funding::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let (sd, sp, ed, ep) = dates(f.period.as_ref());
            let org = |slug: &Option<String>, ids: &Ids| {
                slug.as_deref().map(|o| Ids::get(&ids.organisations, o, "organisation")).transpose()
            };
            let funder = org(&f.funder, &self.ids)?;
            let recipient = org(&f.recipient, &self.ids)?;
            let scheme = f.scheme.as_deref().map(|c| Ids::get(&self.ids.schemes, c, "scheme")).transpose()?;
            let programme =
                f.programme.as_deref().map(|p| Ids::get(&self.ids.programmes, p, "programme")).transpose()?;
            let award = f.award_date.as_deref().and_then(|d| parse_partial_date(d, Bound::Start).ok()).map(|(d, _)| d);
            let co_financing = f.co_financing.as_deref().map(euros).transpose()?;
            let values = (
                (
                    funding::key.eq(&f.key),
                    funding::scheme_id.eq(scheme),
                    funding::funder_id.eq(funder),
                    funding::programme_id.eq(programme),
                    funding::recipient_id.eq(recipient),
                    funding::start_date.eq(sd),
                    funding::start_precision.eq(sp),
                    funding::end_date.eq(ed),
                    funding::end_precision.eq(ep),
                    funding::award_date.eq(award),
                ),
                (
                    funding::amount_cents.eq(euros(&f.amount_awarded)?),
                    funding::co_financing_cents.eq(co_financing),
                    funding::qualifier.eq(f.qualifier.as_deref().unwrap_or("EXACT")),
                    funding::basis.eq(f.basis.as_deref().unwrap_or("TOTAL")),
                    funding::status.eq(&f.status),
                    funding::note.eq(&f.note),
                    funding::sort_key.eq(search_key(&f.key)),
                    funding::search_text.eq(search_text([f.key.as_str()])),
                    funding::updated_at.eq(t),
                ),
            );
            let id = match plan {
                Plan::Keep(_) => continue,
                Plan::Insert => diesel::insert_into(funding::table)
                    .values((values, funding::created_at.eq(t)))
                    .returning(funding::id)
                    .get_result(self.conn)?,
                Plan::Update(id) => {
                    diesel::update(funding::table.find(id))
                        .set((values, funding::version.eq(funding::version + 1)))
                        .execute(self.conn)?;
                    id
                }
            };
            diesel::delete(region_allocation::table.filter(region_allocation::funding_id.eq(id))).execute(self.conn)?;
            for a in &f.allocations {
                let region_id = Ids::get(&self.ids.regions, &a.region, "region")?;
                diesel::insert_into(region_allocation::table)
                    .values((
                        region_allocation::funding_id.eq(id),
                        region_allocation::region_id.eq(region_id),
                        region_allocation::share_basis_points.eq(a.share_basis_points),
                        region_allocation::created_at.eq(t),
                        region_allocation::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            self.sources("funding", id, &f.sources)?;
            self.remember("funding", &f.key, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    fn goals(&mut self, goals: &[format::Goal]) -> Result<(), AppError> {
        for g in goals {
            let (plan, hash) = self.plan("pact_goal", &g.code, g, |c| {
                pact_goal::table
                    .filter(pact_goal::code.eq(&g.code))
                    .select((pact_goal::id, pact_goal::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let values = (
                pact_goal::code.eq(&g.code),
                pact_goal::kind.eq(&g.kind),
                pact_goal::name.eq(&g.name),
                pact_goal::description.eq(&g.description),
                pact_goal::report_year.eq(g.report_year),
                pact_goal::sort_key.eq(&g.code),
                pact_goal::updated_at.eq(t),
            );
            let id = match plan {
                Plan::Keep(_) => continue,
                Plan::Insert => diesel::insert_into(pact_goal::table)
                    .values((values, pact_goal::created_at.eq(t)))
                    .returning(pact_goal::id)
                    .get_result(self.conn)?,
                Plan::Update(id) => {
                    diesel::update(pact_goal::table.find(id))
                        .set((values, pact_goal::version.eq(pact_goal::version + 1)))
                        .execute(self.conn)?;
                    id
                }
            };
            diesel::delete(programme_goal::table.filter(programme_goal::goal_id.eq(id))).execute(self.conn)?;
            for p in &g.programmes {
                let programme_id = Ids::get(&self.ids.programmes, p, "programme")?;
                diesel::insert_into(programme_goal::table)
                    .values((
                        programme_goal::programme_id.eq(programme_id),
                        programme_goal::goal_id.eq(id),
                        programme_goal::created_at.eq(t),
                        programme_goal::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            self.sources("pact_goal", id, &g.sources)?;
            self.remember("pact_goal", &g.code, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    fn subject(&self, subject: &str) -> Result<(&'static str, Option<i64>), AppError> {
        Ok(match subject.split_once(':') {
            None => ("pact", None),
            Some(("programme", slug)) => ("programme", Some(Ids::get(&self.ids.programmes, slug, "programme")?)),
            Some(("organisation", slug)) => {
                ("organisation", Some(Ids::get(&self.ids.organisations, slug, "organisation")?))
            }
            Some(("scheme", code)) => ("funding_scheme", Some(Ids::get(&self.ids.schemes, code, "scheme")?)),
            Some(("region", key)) => ("region", Some(Ids::get(&self.ids.regions, key, "region")?)),
            Some(_) => return Err(AppError::internal(format!("loader: bad subject {subject}"))),
        })
    }

    fn observations(&mut self, observations: &[format::Observation]) -> Result<(), AppError> {
        for o in observations {
            let key = o.natural_key();
            let (plan, hash) = self.plan("observation", &key, o, |c| {
                observation::table
                    .filter(observation::natural_key.eq(&key))
                    .select((observation::id, observation::version))
                    .first(c)
                    .optional()
            })?;
            let (subject_type, subject_id) = self.subject(&o.subject)?;
            let date = o.date.as_deref().and_then(|d| parse_partial_date(d, Bound::Start).ok());
            let t = now();
            let values = (
                observation::natural_key.eq(&key),
                observation::subject_type.eq(subject_type),
                observation::subject_id.eq(subject_id),
                observation::metric.eq(&o.metric),
                observation::value.eq(&o.value),
                observation::unit.eq(&o.unit),
                observation::qualifier.eq(o.qualifier.as_deref().unwrap_or("EXACT")),
                observation::observed_on.eq(date.map(|d| d.0)),
                observation::observed_precision.eq(date.map(|d| d.1.as_str())),
                observation::report_year.eq(o.report_year),
                observation::note.eq(&o.note),
                observation::updated_at.eq(t),
            );
            let id = match plan {
                Plan::Keep(_) => continue,
                Plan::Insert => diesel::insert_into(observation::table)
                    .values((values, observation::created_at.eq(t)))
                    .returning(observation::id)
                    .get_result(self.conn)?,
                Plan::Update(id) => {
                    diesel::update(observation::table.find(id))
                        .set((values, observation::version.eq(observation::version + 1)))
                        .execute(self.conn)?;
                    id
                }
            };
            self.sources("observation", id, &o.sources)?;
            self.remember("observation", &key, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    /// Lists records of earlier loads that the file no longer has.
    fn leftovers(&mut self, data: &DataSet) -> Result<(), AppError> {
        let mut keys: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
        keys.extend(data.regions.iter().map(|r| ("region".into(), format!("{}:{}", r.scheme, r.code))));
        keys.extend(data.organisations.iter().map(|o| ("organisation".into(), o.slug.clone())));
        keys.extend(data.programmes.iter().map(|p| ("programme".into(), p.slug.clone())));
        keys.extend(data.funding_schemes.iter().map(|s| ("funding_scheme".into(), s.code.clone())));
        keys.extend(data.fundings.iter().map(|f| ("funding".into(), f.key.clone())));
        keys.extend(data.goals.iter().map(|g| ("pact_goal".into(), g.code.clone())));
        keys.extend(data.observations.iter().map(|o| ("observation".into(), o.natural_key())));
        let loaded: Vec<(String, String)> =
            dataset_record::table.select((dataset_record::entity_type, dataset_record::natural_key)).load(self.conn)?;
        for (kind, key) in loaded {
            if !keys.contains(&(kind.clone(), key.clone())) {
                self.report.no_longer_in_file.push(format!("{kind} {key}"));
            }
        }
        Ok(())
    }
}

fn row_version(conn: &mut DbConn, kind: &str, id: i64) -> Result<i32, AppError> {
    let v = match kind {
        "region" => region::table.find(id).select(region::version).first(conn)?,
        "organisation" => organisation::table.find(id).select(organisation::version).first(conn)?,
        "programme" => programme::table.find(id).select(programme::version).first(conn)?,
        "funding_scheme" => funding_scheme::table.find(id).select(funding_scheme::version).first(conn)?,
        "funding" => funding::table.find(id).select(funding::version).first(conn)?,
        "pact_goal" => pact_goal::table.find(id).select(pact_goal::version).first(conn)?,
        "observation" => observation::table.find(id).select(observation::version).first(conn)?,
        other => return Err(AppError::internal(format!("loader: unknown entity type {other}"))),
    };
    Ok(v)
}

const META_KEY_VERSION: &str = "search_key_version";

/// Recomputes every stored sort key and search text when [`crate::text::search_key`] changed since
/// they were written (tracked in `dataset_meta`). Returns whether it did.
///
/// # Errors
/// A database error (the transaction is rolled back).
pub fn reindex_if_needed(conn: &mut DbConn) -> Result<bool, AppError> {
    use crate::graphql::types::common::json_strings;
    use crate::text::SEARCH_KEY_VERSION;
    write_transaction(conn, |conn| {
        if meta(conn, META_KEY_VERSION)?.as_deref() == Some(SEARCH_KEY_VERSION) {
            return Ok(false);
        }
        let rows: Vec<(i64, String, String)> =
            region::table.select((region::id, region::name, region::aliases)).load(conn)?;
        for (id, name, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names = std::iter::once(name.as_str()).chain(aliases.iter().map(String::as_str));
            diesel::update(region::table.find(id))
                .set((region::sort_key.eq(search_key(&name)), region::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String, Option<String>, String)> = organisation::table
            .select((organisation::id, organisation::name, organisation::short_name, organisation::aliases))
            .load(conn)?;
        for (id, name, short, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names =
                std::iter::once(name.as_str()).chain(short.as_deref()).chain(aliases.iter().map(String::as_str));
            diesel::update(organisation::table.find(id))
                .set((organisation::sort_key.eq(search_key(&name)), organisation::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String, String)> =
            programme::table.select((programme::id, programme::name, programme::aliases)).load(conn)?;
        for (id, name, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names = std::iter::once(name.as_str()).chain(aliases.iter().map(String::as_str));
            diesel::update(programme::table.find(id))
                .set((programme::sort_key.eq(search_key(&name)), programme::search_text.eq(search_text(names))))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String, String, String, String)> = funding_scheme::table
            .select((
                funding_scheme::id,
                funding_scheme::name,
                funding_scheme::display_name,
                funding_scheme::code,
                funding_scheme::aliases,
            ))
            .load(conn)?;
        for (id, name, display, code, aliases) in rows {
            let aliases = json_strings(&aliases);
            let names =
                [name.as_str(), display.as_str(), code.as_str()].into_iter().chain(aliases.iter().map(String::as_str));
            diesel::update(funding_scheme::table.find(id))
                .set((
                    funding_scheme::sort_key.eq(search_key(&name)),
                    funding_scheme::search_text.eq(search_text(names)),
                ))
                .execute(conn)?;
        }
        let rows: Vec<(i64, String)> = funding::table.select((funding::id, funding::key)).load(conn)?;
        for (id, key) in rows {
            diesel::update(funding::table.find(id))
                .set((funding::sort_key.eq(search_key(&key)), funding::search_text.eq(search_text([key.as_str()]))))
                .execute(conn)?;
        }
        set_meta(conn, META_KEY_VERSION, SEARCH_KEY_VERSION)?;
        Ok(true)
    })
}
