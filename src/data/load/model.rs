//! Loading the pact's model: relations, events (with the records they are tied to), people (with
//! their roles) and listed items.

use std::collections::HashMap;

use diesel::prelude::*;

use super::step::Record;
use super::{dates, json_list, Ids, Loader};
use crate::data::format_model as format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::period::{parse_partial_date, Bound};
use crate::text::{search_key, search_text};
use crate::write::links;

impl Loader<'_> {
    /// A record reference (`programme:<slug>`, `organisation:<slug>`, `scheme:<CODE>`) as its kind and row id.
    pub(super) fn record(&self, reference: &str) -> Result<(RecordKind, i64), AppError> {
        match self.subject(reference)? {
            (kind, Some(id)) => Ok((kind, id)),
            _ => Err(AppError::internal(format!("loader: {reference} is not a record"))),
        }
    }

    pub(super) fn relations(&mut self, relations: &[format::Relation]) -> Result<(), AppError> {
        for r in relations {
            let key = r.natural_key();
            let (st, sid) = self.record(&r.subject)?;
            let (ot, oid) = self.record(&r.object)?;
            let (sd, sp, ed, ep) = dates(r.period.as_ref());
            let t = now();
            let values = (
                relation::natural_key.eq(&key),
                relation::kind.eq(&r.kind),
                relation::subject_type.eq(st.as_str()),
                relation::subject_id.eq(sid),
                relation::object_type.eq(ot.as_str()),
                relation::object_id.eq(oid),
                relation::start_date.eq(sd),
                relation::start_precision.eq(sp),
                relation::end_date.eq(ed),
                relation::end_precision.eq(ep),
                relation::note.eq(&r.note),
                relation::updated_at.eq(t),
            );
            let natural_key = relation::natural_key.eq(&key);
            let record = Record { kind: RecordKind::Relation, key: &key, data: r, natural_key };
            let Some(w) = self.step(relation::table, record, values, t)?.written() else { continue };
            self.sources(RecordKind::Relation, w.id, &r.sources)?;
            self.remember(RecordKind::Relation, &key, &w)?;
        }
        Ok(())
    }

    pub(super) fn events(&mut self, events: &[format::Event]) -> Result<(), AppError> {
        for e in events {
            let bad = |m: String| AppError::bad_input(format!("event {}: {m}", e.key));
            let (start, precision) = parse_partial_date(&e.date, Bound::Start).map_err(bad)?;
            let (end, _) = parse_partial_date(&e.date, Bound::End).map_err(bad)?;
            let records = e.records.iter().map(|r| self.record(r)).collect::<Result<Vec<_>, _>>()?;
            let t = now();
            let values = (
                event::natural_key.eq(&e.key),
                event::kind.eq(&e.kind),
                event::event_date.eq(start),
                event::event_date_end.eq(end),
                event::event_precision.eq(precision.as_str()),
                event::description.eq(&e.description),
                // Oldest first: the first day the date covers, then the key.
                event::sort_key.eq(format!("{}|{}", start.format("%Y-%m-%d"), e.key)),
                event::updated_at.eq(t),
            );
            let natural_key = event::natural_key.eq(&e.key);
            let record = Record { kind: RecordKind::Event, key: &e.key, data: e, natural_key };
            let Some(w) = self.step(event::table, record, values, t)?.written() else { continue };
            let rows = links::distinct(records).into_iter().map(|(kind, id)| {
                (
                    event_record::event_id.eq(w.id),
                    event_record::record_type.eq(kind.as_str()),
                    event_record::record_id.eq(id),
                    event_record::created_at.eq(t),
                    event_record::updated_at.eq(t),
                )
            });
            links::replace_rows(self.conn, event_record::table.filter(event_record::event_id.eq(w.id)), rows)?;
            self.sources(RecordKind::Event, w.id, &e.sources)?;
            self.remember(RecordKind::Event, &e.key, &w)?;
        }
        Ok(())
    }

    pub(super) fn people(&mut self, people: &[format::Person]) -> Result<(), AppError> {
        for p in people {
            let t = now();
            let names = std::iter::once(p.name.as_str()).chain(p.aliases.iter().map(String::as_str));
            let values = (
                person::slug.eq(&p.slug),
                person::name.eq(&p.name),
                person::aliases.eq(json_list(&p.aliases)),
                person::note.eq(&p.note),
                person::sort_key.eq(search_key(&p.name)),
                person::search_text.eq(search_text(names)),
                person::updated_at.eq(t),
            );
            let natural_key = person::slug.eq(&p.slug);
            let record = Record { kind: RecordKind::Person, key: &p.slug, data: p, natural_key };
            let Some(w) = self.step(person::table, record, values, t)?.written() else { continue };
            let old: Vec<i64> =
                person_role::table.filter(person_role::person_id.eq(w.id)).select(person_role::id).load(self.conn)?;
            links::drop_sources(self.conn, &[RecordKind::PersonRole], &old)?;
            let mut rows = Vec::new();
            for role in &p.roles {
                let place = match (&role.organisation, &role.programme) {
                    (Some(o), _) => Some((
                        RecordKind::Organisation,
                        Ids::get(&self.ids.organisations, o, RecordKind::Organisation)?,
                    )),
                    (None, Some(pr)) => {
                        Some((RecordKind::Programme, Ids::get(&self.ids.programmes, pr, RecordKind::Programme)?))
                    }
                    (None, None) => None,
                };
                let (sd, sp, ed, ep) = dates(role.period.as_ref());
                rows.push((
                    (
                        person_role::person_id.eq(w.id),
                        person_role::title.eq(&role.title),
                        person_role::record_type.eq(place.map(|p| p.0.as_str())),
                        person_role::record_id.eq(place.map(|p| p.1)),
                    ),
                    (
                        person_role::start_date.eq(sd),
                        person_role::start_precision.eq(sp),
                        person_role::end_date.eq(ed),
                        person_role::end_precision.eq(ep),
                        person_role::created_at.eq(t),
                        person_role::updated_at.eq(t),
                    ),
                ));
            }
            let existing = person_role::table.filter(person_role::person_id.eq(w.id));
            let ids = links::replace_rows_returning(self.conn, existing, person_role::id, rows)?;
            for (rid, role) in ids.into_iter().zip(&p.roles) {
                self.sources(RecordKind::PersonRole, rid, &role.sources)?;
            }
            self.sources(RecordKind::Person, w.id, &p.sources)?;
            self.remember(RecordKind::Person, &p.slug, &w)?;
        }
        self.drop_removed_people(people)
    }

    /// Deletes the people the file no longer has, with their roles and sources: unlike other
    /// records (kept and listed), a person taken out of the data file (e.g. on their request, README
    /// "People") is gone from the API after the next load.
    fn drop_removed_people(&mut self, people: &[format::Person]) -> Result<(), AppError> {
        let keep: Vec<&str> = people.iter().map(|p| p.slug.as_str()).collect();
        let gone: Vec<(i64, String)> =
            person::table.filter(person::slug.ne_all(&keep)).select((person::id, person::slug)).load(self.conn)?;
        let ids: Vec<i64> = gone.iter().map(|g| g.0).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let roles: Vec<i64> =
            person_role::table.filter(person_role::person_id.eq_any(&ids)).select(person_role::id).load(self.conn)?;
        links::drop_sources(self.conn, &[RecordKind::PersonRole], &roles)?;
        links::drop_sources(self.conn, &[RecordKind::Person], &ids)?;
        diesel::delete(person_role::table.filter(person_role::person_id.eq_any(&ids))).execute(self.conn)?;
        diesel::delete(person::table.filter(person::id.eq_any(&ids))).execute(self.conn)?;
        let loaded = dataset_record::table
            .filter(dataset_record::entity_type.eq(RecordKind::Person.as_str()))
            .filter(dataset_record::entity_id.eq_any(&ids));
        diesel::delete(loaded).execute(self.conn)?;
        self.report.removed_people.extend(gone.into_iter().map(|g| g.1));
        Ok(())
    }

    pub(super) fn items(&mut self, items: &[format::Item]) -> Result<(), AppError> {
        let mut positions: HashMap<(&str, &str), i32> = HashMap::new();
        for i in items {
            let position = positions.entry((i.record.as_str(), i.kind.as_str())).or_insert(0);
            *position += 1;
            let position = *position;
            let key = i.natural_key();
            let (rt, rid) = self.record(&i.record)?;
            let t = now();
            let values = (
                listed_item::natural_key.eq(&key),
                listed_item::record_type.eq(rt.as_str()),
                listed_item::record_id.eq(rid),
                listed_item::kind.eq(&i.kind),
                listed_item::label.eq(&i.label),
                listed_item::code.eq(&i.code),
                listed_item::position.eq(position),
                listed_item::note.eq(&i.note),
                listed_item::updated_at.eq(t),
            );
            let natural_key = listed_item::natural_key.eq(&key);
            // The position is part of what was loaded: moving an item in the file changes it.
            let data = (i, position);
            let record = Record { kind: RecordKind::ListedItem, key: &key, data: &data, natural_key };
            let Some(w) = self.step(listed_item::table, record, values, t)?.written() else { continue };
            self.sources(RecordKind::ListedItem, w.id, &i.sources)?;
            self.remember(RecordKind::ListedItem, &key, &w)?;
        }
        Ok(())
    }
}
