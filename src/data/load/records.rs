//! Loading regions, organisations and programmes.

use diesel::prelude::*;

use super::{dates, json_list, Ids, Loader, Plan};
use crate::data::format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::text::{search_key, search_text};

impl Loader<'_> {
    pub(super) fn regions(&mut self, regions: &[format::Region]) -> Result<(), AppError> {
        let mut written = Vec::new();
        for r in regions {
            let key = format!("{}:{}", r.scheme, r.code);
            let (plan, hash) = self.plan(RecordKind::Region, &key, r, |c| {
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
                Plan::Skip => continue,
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
            self.sources(RecordKind::Region, id, &r.sources)?;
            written.push((r, key, id, hash, matches!(plan, Plan::Insert)));
        }
        // Parents and links once every region has a row.
        for (r, key, id, hash, inserted) in written {
            let parent = r.parent.as_deref().map(|p| Ids::get(&self.ids.regions, p, RecordKind::Region)).transpose()?;
            diesel::update(region::table.find(id)).set(region::parent_id.eq(parent)).execute(self.conn)?;
            diesel::delete(region_link::table.filter(region_link::region_id.eq(id))).execute(self.conn)?;
            let t = now();
            let links = r.associated.iter().map(|a| (a, "ASSOCIATED")).chain(r.same_as.iter().map(|a| (a, "SAME_AS")));
            for (other, kind) in links {
                let other = Ids::get(&self.ids.regions, other, RecordKind::Region)?;
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
            self.remember(RecordKind::Region, &key, id, &hash, inserted)?;
        }
        Ok(())
    }

    pub(super) fn organisations(&mut self, organisations: &[format::Organisation]) -> Result<(), AppError> {
        for o in organisations {
            let (plan, hash) = self.plan(RecordKind::Organisation, &o.slug, o, |c| {
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
                organisation::note.eq(&o.note),
                organisation::sort_key.eq(search_key(&o.name)),
                organisation::search_text.eq(search_text(names)),
                organisation::updated_at.eq(t),
            );
            let id = match plan {
                Plan::Skip => continue,
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
                let region_id = Ids::get(&self.ids.regions, r, RecordKind::Region)?;
                diesel::insert_into(organisation_region::table)
                    .values((
                        organisation_region::organisation_id.eq(id),
                        organisation_region::region_id.eq(region_id),
                        organisation_region::created_at.eq(t),
                        organisation_region::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            self.sources(RecordKind::Organisation, id, &o.sources)?;
            self.remember(RecordKind::Organisation, &o.slug, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    pub(super) fn programmes(&mut self, programmes: &[format::Programme]) -> Result<(), AppError> {
        for p in programmes {
            let (plan, hash) = self.plan(RecordKind::Programme, &p.slug, p, |c| {
                programme::table
                    .filter(programme::slug.eq(&p.slug))
                    .select((programme::id, programme::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let (sd, sp, ed, ep) = dates(p.period.as_ref());
            let owner = p
                .owner
                .as_deref()
                .map(|o| Ids::get(&self.ids.organisations, o, RecordKind::Organisation))
                .transpose()?;
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
                    programme::note.eq(&p.note),
                ),
                (
                    programme::status.eq(p.status.as_ref().map(|s| s.value.clone())),
                    programme::status_year.eq(p.status.as_ref().and_then(|s| s.report_year)),
                    programme::status_inferred.eq(p.status.as_ref().is_some_and(|s| s.inferred)),
                    programme::status_note.eq(p.status.as_ref().and_then(|s| s.note.clone())),
                    programme::owner_id.eq(owner),
                    programme::aliases.eq(json_list(&p.aliases)),
                    programme::sort_key.eq(search_key(&p.name)),
                    programme::search_text.eq(search_text(names)),
                    programme::updated_at.eq(t),
                ),
            );
            let id = match plan {
                Plan::Skip => continue,
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
                let region_id = Ids::get(&self.ids.regions, r, RecordKind::Region)?;
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
                source::table
                    .filter(source::entity_type.eq(RecordKind::Participation.as_str()))
                    .filter(source::entity_id.eq_any(&old)),
            )
            .execute(self.conn)?;
            diesel::delete(participation::table.filter(participation::programme_id.eq(id))).execute(self.conn)?;
            for part in &p.participants {
                let org = Ids::get(&self.ids.organisations, &part.organisation, RecordKind::Organisation)?;
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
                self.sources(RecordKind::Participation, pid, &part.sources)?;
            }
            let status_sources: Vec<String> = p.status.iter().filter_map(|s| s.source.clone()).collect();
            let mut sources = p.sources.clone();
            sources.extend(status_sources.iter().filter(|s| !p.sources.contains(s)).cloned());
            self.sources(RecordKind::Programme, id, &sources)?;
            self.sources(RecordKind::ProgrammeStatus, id, &status_sources)?;
            self.remember(RecordKind::Programme, &p.slug, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }
}
