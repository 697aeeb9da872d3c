//! Loading the pact's goals and themes, and observations.

use diesel::prelude::*;

use super::step::Record;
use super::{Ids, Loader};
use crate::data::format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
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
            let record = Record { kind: "pact_goal", key: &g.code, data: g, natural_key };
            let Some(w) = self.step(pact_goal::table, record, values, t)?.written() else { continue };
            let programmes = g.programmes.iter().map(|p| Ids::get(&self.ids.programmes, p, "programme"));
            links::goal_programmes(self.conn, w.id, &programmes.collect::<Result<Vec<_>, _>>()?)?;
            self.sources("pact_goal", w.id, &g.sources)?;
            self.remember("pact_goal", &g.code, &w)?;
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

    pub(super) fn observations(&mut self, observations: &[format::Observation]) -> Result<(), AppError> {
        for o in observations {
            let key = o.natural_key();
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
                observation::qualifier.eq(o.qualifier.as_deref()),
                observation::observed_on.eq(date.map(|d| d.0)),
                observation::observed_precision.eq(date.map(|d| d.1.as_str())),
                observation::report_year.eq(o.report_year),
                observation::note.eq(&o.note),
                observation::updated_at.eq(t),
            );
            let natural_key = observation::natural_key.eq(&key);
            let record = Record { kind: "observation", key: &key, data: o, natural_key };
            let Some(w) = self.step(observation::table, record, values, t)?.written() else { continue };
            self.sources("observation", w.id, &o.sources)?;
            self.remember("observation", &key, &w)?;
        }
        Ok(())
    }
}
