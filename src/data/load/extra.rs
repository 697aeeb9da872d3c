//! Loading the pact's goals and themes, and observations.

use diesel::prelude::*;

use super::step::Record;
use super::{Ids, Loader};
use crate::data::format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::period::{parse_partial_date, Bound};
use crate::write::links;

impl Loader<'_> {
    pub(super) fn goals(&mut self, goals: &[format::Goal]) -> Result<(), AppError> {
        for g in goals {
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
            let natural_key = pact_goal::code.eq(&g.code);
            let record = Record { kind: RecordKind::PactGoal, key: &g.code, data: g, natural_key };
            let Some(w) = self.step(pact_goal::table, record, values, t)?.written() else { continue };
            let programmes = g.programmes.iter().map(|p| Ids::get(&self.ids.programmes, p, RecordKind::Programme));
            links::goal_programmes(self.conn, w.id, &programmes.collect::<Result<Vec<_>, _>>()?)?;
            self.sources(RecordKind::PactGoal, w.id, &g.sources)?;
            self.remember(RecordKind::PactGoal, &g.code, &w)?;
        }
        Ok(())
    }

    pub(super) fn subject(&self, subject: &str) -> Result<(RecordKind, Option<i64>), AppError> {
        Ok(match subject.split_once(':') {
            None => (RecordKind::Pact, None),
            Some(("programme", slug)) => {
                (RecordKind::Programme, Some(Ids::get(&self.ids.programmes, slug, RecordKind::Programme)?))
            }
            Some(("organisation", slug)) => {
                (RecordKind::Organisation, Some(Ids::get(&self.ids.organisations, slug, RecordKind::Organisation)?))
            }
            Some(("scheme", code)) => {
                (RecordKind::FundingScheme, Some(Ids::get(&self.ids.schemes, code, RecordKind::FundingScheme)?))
            }
            Some(("region", key)) => (RecordKind::Region, Some(Ids::get(&self.ids.regions, key, RecordKind::Region)?)),
            Some(_) => return Err(AppError::internal(format!("loader: bad subject {subject}"))),
        })
    }

    pub(super) fn observations(&mut self, observations: &[format::Observation]) -> Result<(), AppError> {
        for o in observations {
            let key = o.natural_key();
            let (subject_type, subject_id) = self.subject(&o.subject)?;
            let date = o.date.as_deref().and_then(|d| parse_partial_date(d, Bound::Start).ok());
            let t = now();
            let values = (
                observation::natural_key.eq(&key),
                observation::subject_type.eq(subject_type.as_str()),
                observation::subject_id.eq(subject_id),
                observation::metric.eq(&o.metric),
                observation::value.eq(&o.value),
                observation::unit.eq(&o.unit),
                observation::qualifier.eq(o.qualifier.as_deref()),
                observation::observed_on.eq(date.map(|d| d.0)),
                observation::observed_precision.eq(date.map(|d| d.1.as_str())),
                observation::report_year.eq(o.report_year),
                observation::note.eq(&o.note),
                observation::updated_at.eq(t),
            );
            let natural_key = observation::natural_key.eq(&key);
            let record = Record { kind: RecordKind::Observation, key: &key, data: o, natural_key };
            let Some(w) = self.step(observation::table, record, values, t)?.written() else { continue };
            self.sources(RecordKind::Observation, w.id, &o.sources)?;
            self.remember(RecordKind::Observation, &key, &w)?;
        }
        Ok(())
    }
}
