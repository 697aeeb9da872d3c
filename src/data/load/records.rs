//! Loading regions, organisations and programmes.

use diesel::prelude::*;

use super::step::Record;
use super::{dates, json_list, Ids, Loader};
use crate::data::format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::text::{search_key, search_text};
use crate::write::links;

impl Loader<'_> {
    pub(super) fn regions(&mut self, regions: &[format::Region]) -> Result<(), AppError> {
        let mut written = Vec::new();
        for r in regions {
            let key = format!("{}:{}", r.scheme, r.code);
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
            let natural_key = region::scheme.eq(&r.scheme).and(region::code.eq(&r.code));
            let record = Record { kind: RecordKind::Region, key: &key, data: r, natural_key };
            let Some(w) = self.step(region::table, record, values, t)?.noted(&mut self.ids.regions, &key) else {
                continue;
            };
            self.sources(RecordKind::Region, w.id, &r.sources)?;
            written.push((r, key, w));
        }
        // Parents and links once every region has a row.
        for (r, key, w) in written {
            let parent = r.parent.as_deref().map(|p| Ids::get(&self.ids.regions, p, RecordKind::Region)).transpose()?;
            diesel::update(region::table.find(w.id)).set(region::parent_id.eq(parent)).execute(self.conn)?;
            let linked = r.associated.iter().map(|a| (a, "ASSOCIATED")).chain(r.same_as.iter().map(|a| (a, "SAME_AS")));
            let linked = linked
                .map(|(other, kind)| Ok((Ids::get(&self.ids.regions, other, RecordKind::Region)?, kind)))
                .collect::<Result<Vec<_>, AppError>>()?;
            links::region_links(self.conn, w.id, &linked)?;
            self.remember(RecordKind::Region, &key, &w)?;
        }
        Ok(())
    }

    pub(super) fn organisations(&mut self, organisations: &[format::Organisation]) -> Result<(), AppError> {
        for o in organisations {
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
                organisation::description.eq(&o.description),
                organisation::sort_key.eq(search_key(&o.name)),
                organisation::search_text.eq(search_text(names)),
                organisation::updated_at.eq(t),
            );
            let natural_key = organisation::slug.eq(&o.slug);
            let record = Record { kind: RecordKind::Organisation, key: &o.slug, data: o, natural_key };
            let outcome = self.step(organisation::table, record, values, t)?;
            let Some(w) = outcome.noted(&mut self.ids.organisations, &o.slug) else { continue };
            let home = o.home_regions.iter().map(|r| Ids::get(&self.ids.regions, r, RecordKind::Region));
            links::home_regions(self.conn, w.id, &home.collect::<Result<Vec<_>, _>>()?)?;
            self.sources(RecordKind::Organisation, w.id, &o.sources)?;
            self.remember(RecordKind::Organisation, &o.slug, &w)?;
        }
        Ok(())
    }

    pub(super) fn programmes(&mut self, programmes: &[format::Programme]) -> Result<(), AppError> {
        for p in programmes {
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
            let natural_key = programme::slug.eq(&p.slug);
            let record = Record { kind: RecordKind::Programme, key: &p.slug, data: p, natural_key };
            let outcome = self.step(programme::table, record, values, t)?;
            let Some(w) = outcome.noted(&mut self.ids.programmes, &p.slug) else { continue };
            let id = w.id;
            links::target_groups(self.conn, id, p.target_groups.iter().map(String::as_str))?;
            let regions = p.regions.iter().map(|r| Ids::get(&self.ids.regions, r, RecordKind::Region));
            links::programme_regions(self.conn, id, &regions.collect::<Result<Vec<_>, _>>()?)?;
            let old: Vec<i64> = participation::table
                .filter(participation::programme_id.eq(id))
                .select(participation::id)
                .load(self.conn)?;
            links::drop_sources(self.conn, &[RecordKind::Participation], &old)?;
            let mut rows = Vec::new();
            for part in &p.participants {
                let org = Ids::get(&self.ids.organisations, &part.organisation, RecordKind::Organisation)?;
                let (sd, sp, ed, ep) = dates(part.period.as_ref());
                rows.push((
                    participation::programme_id.eq(id),
                    participation::organisation_id.eq(org),
                    participation::role.eq(&part.role),
                    participation::created_at.eq(t),
                    participation::updated_at.eq(t),
                    (
                        participation::start_date.eq(sd),
                        participation::start_precision.eq(sp),
                        participation::end_date.eq(ed),
                        participation::end_precision.eq(ep),
                    ),
                ));
            }
            let existing = participation::table.filter(participation::programme_id.eq(id));
            let ids = links::replace_rows_returning(self.conn, existing, participation::id, rows)?;
            for (pid, part) in ids.into_iter().zip(&p.participants) {
                self.sources(RecordKind::Participation, pid, &part.sources)?;
            }
            let status_sources: Vec<String> = p.status.iter().filter_map(|s| s.source.clone()).collect();
            let mut sources = p.sources.clone();
            sources.extend(status_sources.iter().filter(|s| !p.sources.contains(s)).cloned());
            self.sources(RecordKind::Programme, id, &sources)?;
            self.sources(RecordKind::ProgrammeStatus, id, &status_sources)?;
            self.remember(RecordKind::Programme, &p.slug, &w)?;
        }
        Ok(())
    }
}
