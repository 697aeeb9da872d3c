//! Loading funding schemes with their budget lines, and fundings.

use diesel::prelude::*;

use super::step::Record;
use super::{dates, euros, json_list, Ids, Loader};
use crate::data::format;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::period::{parse_partial_date, Bound};
use crate::text::{search_key, search_text};
use crate::write::links;

impl Loader<'_> {
    pub(super) fn schemes(&mut self, schemes: &[format::FundingScheme]) -> Result<(), AppError> {
        for s in schemes {
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
                    funding_scheme::description.eq(&s.description),
                    funding_scheme::sort_key.eq(search_key(&s.name)),
                    funding_scheme::search_text.eq(search_text(names)),
                    funding_scheme::updated_at.eq(t),
                ),
            );
            let natural_key = funding_scheme::code.eq(&s.code);
            let record = Record { kind: RecordKind::FundingScheme, key: &s.code, data: s, natural_key };
            let outcome = self.step(funding_scheme::table, record, values, t)?;
            let Some(w) = outcome.noted(&mut self.ids.schemes, &s.code) else { continue };
            let id = w.id;
            let old: Vec<i64> =
                budget_line::table.filter(budget_line::scheme_id.eq(id)).select(budget_line::id).load(self.conn)?;
            links::drop_sources(self.conn, &[RecordKind::BudgetLine], &old)?;
            let mut rows = Vec::new();
            for line in &s.budget_lines {
                let (sd, sp, ed, ep) = dates(line.period.as_ref());
                rows.push((
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
                ));
            }
            let existing = budget_line::table.filter(budget_line::scheme_id.eq(id));
            let ids = links::replace_rows_returning(self.conn, existing, budget_line::id, rows)?;
            for (line_id, line) in ids.into_iter().zip(&s.budget_lines) {
                self.sources(RecordKind::BudgetLine, line_id, &line.sources)?;
            }
            self.sources(RecordKind::FundingScheme, id, &s.sources)?;
            self.remember(RecordKind::FundingScheme, &s.code, &w)?;
        }
        Ok(())
    }

    pub(super) fn fundings(&mut self, fundings: &[format::Funding]) -> Result<(), AppError> {
        for f in fundings {
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
            let natural_key = funding::key.eq(&f.key);
            let record = Record { kind: RecordKind::Funding, key: &f.key, data: f, natural_key };
            let Some(w) = self.step(funding::table, record, values, t)?.written() else { continue };
            let allocations = f
                .allocations
                .iter()
                .map(|a| Ok((Ids::get(&self.ids.regions, &a.region, RecordKind::Region)?, a.share_basis_points)))
                .collect::<Result<Vec<_>, AppError>>()?;
            links::allocations(self.conn, w.id, &allocations)?;
            self.sources(RecordKind::Funding, w.id, &f.sources)?;
            self.remember(RecordKind::Funding, &f.key, &w)?;
        }
        Ok(())
    }
}
