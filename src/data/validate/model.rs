//! The checkers of the pact's model: relations, events, people and their roles, listed items,
//! statements.

use std::collections::HashSet;

use super::{Checker, Keys};
use crate::data::format::DataSet;
use crate::data::format_model::{Event, Item, Person, Relation, Statement};
use crate::period::{parse_partial_date, Bound};
use crate::vocab::{EventKind, ItemKind, RelationKind, SchoolLevel, StatementKind, TargetGroup, Topsector};

/// Checks the model's records of `data`.
pub(super) fn check(v: &mut Checker, keys: &Keys<'_>, data: &DataSet) {
    v.unique("relation", data.relations.iter().map(Relation::natural_key));
    data.relations.iter().for_each(|r| v.relation(keys, r));
    v.unique("event", data.events.iter().map(|e| e.key.clone()));
    data.events.iter().for_each(|e| v.event(keys, e));
    v.unique("person", data.people.iter().map(|p| p.slug.clone()));
    data.people.iter().for_each(|p| v.person(keys, p));
    v.unique("item", data.items.iter().map(Item::natural_key));
    data.items.iter().for_each(|i| v.item(keys, i));
    v.unique("statement", data.statements.iter().map(|s| s.key.clone()));
    data.statements.iter().for_each(|s| v.statement(keys, s));
}

impl Keys<'_> {
    /// True for `programme:`, `organisation:` and `scheme:` keys in the set (what a relation, event
    /// or item may name: not the pact, not a region).
    fn record(&self, s: &str) -> bool {
        matches!(s.split_once(':'), Some(("programme" | "organisation" | "scheme", _))) && self.subject(s)
    }
}

impl Checker {
    fn record_ref(&mut self, keys: &Keys<'_>, at: &str, field: &str, reference: &str) {
        let message = format!("unknown record {reference:?} (programme:<slug>, organisation:<slug> or scheme:<CODE>)");
        self.check(keys.record(reference), at, field, &message);
    }

    fn relation(&mut self, keys: &Keys<'_>, r: &Relation) {
        let at = format!("relation {}", r.natural_key());
        self.known(&at, "kind", Some(&r.kind), |k| RelationKind::parse(k).is_some());
        self.record_ref(keys, &at, "subject", &r.subject);
        self.record_ref(keys, &at, "object", &r.object);
        self.check(r.subject != r.object, &at, "object", "a record cannot relate to itself");
        self.period(&at, "period", r.period.as_ref());
        self.sources(&at, &r.sources);
    }

    fn event(&mut self, keys: &Keys<'_>, e: &Event) {
        let at = format!("event {}", e.key);
        self.slug(&at, &e.key);
        self.known(&at, "kind", Some(&e.kind), |k| EventKind::parse(k).is_some());
        match parse_partial_date(&e.date, Bound::Start) {
            Ok((d, _)) => self.check(crate::period::in_range(d), &at, "date", "years run from 1900 to 2100"),
            Err(message) => self.check(false, &at, "date", &message),
        }
        self.check(!e.records.is_empty(), &at, "records", "an event is tied to at least one record");
        let mut seen = HashSet::new();
        for r in &e.records {
            self.record_ref(keys, &at, "records", r);
            self.check(seen.insert(r), &at, "records", &format!("{r:?} listed twice"));
        }
        self.nonempty(&at, "description", &e.description);
        self.sources(&at, &e.sources);
    }

    fn person(&mut self, keys: &Keys<'_>, p: &Person) {
        let at = format!("person {}", p.slug);
        self.slug(&at, &p.slug);
        self.nonempty(&at, "name", &p.name);
        self.check(!p.roles.is_empty(), &at, "roles", "a person is in the data set only for a public role");
        for (i, role) in p.roles.iter().enumerate() {
            let rat = format!("{at} roles[{i}]");
            self.nonempty(&rat, "title", &role.title);
            self.check(
                role.organisation.is_none() || role.programme.is_none(),
                &rat,
                "programme",
                "a role is in an organisation or a programme, not both",
            );
            if let Some(o) = &role.organisation {
                self.check(
                    keys.orgs.contains(o.as_str()),
                    &rat,
                    "organisation",
                    &format!("unknown organisation {o:?}"),
                );
            }
            if let Some(pr) = &role.programme {
                let known = keys.programmes.contains(pr.as_str());
                self.check(known, &rat, "programme", &format!("unknown programme {pr:?}"));
            }
            self.period(&rat, "period", role.period.as_ref());
            self.sources(&rat, &role.sources);
        }
        self.sources(&at, &p.sources);
    }

    fn item(&mut self, keys: &Keys<'_>, i: &Item) {
        let at = format!("item {}", i.natural_key());
        self.record_ref(keys, &at, "record", &i.record);
        self.nonempty(&at, "label", &i.label);
        let kind = ItemKind::parse(&i.kind);
        self.known(&at, "kind", Some(&i.kind), |_| kind.is_some());
        let code_ok: Option<fn(&str) -> bool> = match kind {
            Some(ItemKind::Topsector) => Some(|c| Topsector::parse(c).is_some()),
            Some(ItemKind::SchoolType) => Some(|c| SchoolLevel::parse(c).is_some()),
            Some(ItemKind::TargetGroup) => Some(|c| TargetGroup::parse(c).is_some()),
            _ => None,
        };
        match (code_ok, &i.code) {
            (Some(ok), Some(code)) => self.check(ok(code), &at, "code", &format!("unknown value {code:?}")),
            // A target group the vocabulary has no value for ("statushouders") is kept by its label.
            (Some(_), None) if kind == Some(ItemKind::TargetGroup) => {}
            (Some(_), None) => self.check(false, &at, "code", "this kind of item needs its vocabulary's value"),
            (None, Some(_)) => {
                self.check(false, &at, "code", "only TOPSECTOR, SCHOOL_TYPE and TARGET_GROUP items have a code")
            }
            (None, None) => {}
        }
        if ItemKind::CONDITIONS.iter().any(|k| Some(*k) == kind) {
            let scheme = i.record.starts_with("scheme:");
            self.check(
                scheme,
                &at,
                "kind",
                "conditions (ELIGIBILITY, APPLICANT, REQUIREMENT, EXTENSION) belong to schemes",
            );
        }
        self.sources(&at, &i.sources);
    }

    fn statement(&mut self, keys: &Keys<'_>, s: &Statement) {
        let at = format!("statement {}", s.key);
        self.slug(&at, &s.key);
        self.known(&at, "kind", Some(&s.kind), |k| StatementKind::parse(k).is_some());
        self.nonempty(&at, "summary", &s.summary);
        let words = s.phrase.split_whitespace().count();
        self.check((2..=12).contains(&words), &at, "phrase", "2 to 12 words, as the cited lines write them");
        if let Some(topic) = &s.topic {
            self.nonempty(&at, "topic", topic);
        }
        if let Some(date) = &s.date {
            match parse_partial_date(date, Bound::Start) {
                Ok((d, _)) => self.check(crate::period::in_range(d), &at, "date", "years run from 1900 to 2100"),
                Err(message) => self.check(false, &at, "date", &message),
            }
        }
        for (field, list) in [("records", &s.records), ("statedBy", &s.stated_by)] {
            let mut seen = HashSet::new();
            for r in list {
                self.record_ref(keys, &at, field, r);
                self.check(seen.insert(r), &at, field, &format!("{r:?} listed twice"));
            }
        }
        self.sources(&at, &s.sources);
    }
}
