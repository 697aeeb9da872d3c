//! Loading funding schemes with their budget lines, and fundings.

use diesel::prelude::*;

use super::{dates, euros, json_list, Ids, Loader, Plan};
use crate::data::format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::period::{parse_partial_date, Bound};
use crate::text::{search_key, search_text};

impl Loader<'_> {
    pub(super) fn schemes(&mut self, schemes: &[format::FundingScheme]) -> Result<(), AppError> {
        for s in schemes {
            let (plan, hash) = self.plan(RecordKind::FundingScheme, &s.code, s, |c| {
                funding_scheme::table
                    .filter(funding_scheme::code.eq(&s.code))
                    .select((funding_scheme::id, funding_scheme::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let (sd, sp, ed, ep) = dates(s.period.as_ref());
            let funder = s
                .funder
                .as_deref()
                .map(|o| Ids::get(&self.ids.organisations, o, RecordKind::Organisation))
                .transpose()?;
            let admin = s
                .administrator
                .as_deref()
                .map(|o| Ids::get(&self.ids.organisations, o, RecordKind::Organisation))
                .transpose()?;
            // Without a display name the scheme shows its name as the documents give it, never its code.
            let display = s.display_name.clone().unwrap_or_else(|| s.name.clone());
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
                    funding_scheme::note.eq(&s.note),
                    funding_scheme::sort_key.eq(search_key(&s.name)),
                    funding_scheme::search_text.eq(search_text(names)),
                    funding_scheme::updated_at.eq(t),
                ),
            );
            let id = match plan {
                Plan::Skip => continue,
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
                source::table
                    .filter(source::entity_type.eq(RecordKind::BudgetLine.as_str()))
                    .filter(source::entity_id.eq_any(&old)),
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
                        budget_line::qualifier.eq(line.qualifier.as_deref()),
                        budget_line::basis.eq(line.basis.as_deref()),
                        budget_line::note.eq(&line.note),
                        budget_line::created_at.eq(t),
                        budget_line::updated_at.eq(t),
                    ))
                    .returning(budget_line::id)
                    .get_result(self.conn)?;
                self.sources(RecordKind::BudgetLine, line_id, &line.sources)?;
            }
            self.sources(RecordKind::FundingScheme, id, &s.sources)?;
            self.remember(RecordKind::FundingScheme, &s.code, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }

    pub(super) fn fundings(&mut self, fundings: &[format::Funding]) -> Result<(), AppError> {
        for f in fundings {
            let (plan, hash) = self.plan(RecordKind::Funding, &f.key, f, |c| {
                funding::table
                    .filter(funding::key.eq(&f.key))
                    .select((funding::id, funding::version))
                    .first(c)
                    .optional()
            })?;
            let t = now();
            let (sd, sp, ed, ep) = dates(f.period.as_ref());
            let org = |slug: &Option<String>, ids: &Ids| {
                slug.as_deref().map(|o| Ids::get(&ids.organisations, o, RecordKind::Organisation)).transpose()
            };
            let funder = org(&f.funder, &self.ids)?;
            let recipient = org(&f.recipient, &self.ids)?;
            let scheme =
                f.scheme.as_deref().map(|c| Ids::get(&self.ids.schemes, c, RecordKind::FundingScheme)).transpose()?;
            let programme =
                f.programme.as_deref().map(|p| Ids::get(&self.ids.programmes, p, RecordKind::Programme)).transpose()?;
            // The award date keeps the file's precision: "2018-11" is some day in November 2018.
            let award = f.award_date.as_deref().and_then(|d| parse_partial_date(d, Bound::Start).ok());
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
                    funding::award_date.eq(award.map(|(d, _)| d)),
                    funding::award_precision.eq(award.map(|(_, p)| p.as_str())),
                ),
                (
                    funding::amount_cents.eq(euros(&f.amount_awarded)?),
                    funding::co_financing_cents.eq(co_financing),
                    funding::qualifier.eq(f.qualifier.as_deref()),
                    funding::basis.eq(f.basis.as_deref()),
                    funding::status.eq(&f.status),
                    funding::note.eq(&f.note),
                    funding::sort_key.eq(search_key(&f.key)),
                    funding::search_text.eq(search_text([f.key.as_str()])),
                    funding::updated_at.eq(t),
                ),
            );
            let id = match plan {
                Plan::Keep(_) | Plan::Skip => continue,
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
                let region_id = Ids::get(&self.ids.regions, &a.region, RecordKind::Region)?;
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
            self.sources(RecordKind::Funding, id, &f.sources)?;
            self.remember(RecordKind::Funding, &f.key, id, &hash, matches!(plan, Plan::Insert))?;
        }
        Ok(())
    }
}
