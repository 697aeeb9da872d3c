//! Loading the pact's goals and themes, and observations.

use diesel::prelude::*;

use super::{Ids, Loader, Plan};
use crate::data::format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::period::{parse_partial_date, Bound};

impl Loader<'_> {
    pub(super) fn goals(&mut self, goals: &[format::Goal]) -> Result<(), AppError> {
        for g in goals {
            let (plan, hash) = self.plan(RecordKind::PactGoal, &g.code, g, |c| {
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
                Plan::Keep(_) | Plan::Skip => continue,
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
                let programme_id = Ids::get(&self.ids.programmes, p, RecordKind::Programme)?;
                diesel::insert_into(programme_goal::table)
                    .values((
                        programme_goal::programme_id.eq(programme_id),
                        programme_goal::goal_id.eq(id),
                        programme_goal::created_at.eq(t),
                        programme_goal::updated_at.eq(t),
                    ))
                    .execute(self.conn)?;
            }
            self.sources(RecordKind::PactGoal, id, &g.sources)?;
            self.remember(RecordKind::PactGoal, &g.code, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    fn subject(&self, subject: &str) -> Result<(RecordKind, Option<i64>), AppError> {
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
            let (plan, hash) = self.plan(RecordKind::Observation, &key, o, |c| {
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
            let id = match plan {
                Plan::Keep(_) | Plan::Skip => continue,
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
            self.sources(RecordKind::Observation, id, &o.sources)?;
            self.remember(RecordKind::Observation, &key, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }
}
