//! Loading statements (findings, recommendations, aims, success factors, plans) with the records
//! they are about and those that state them.

use diesel::prelude::*;

use super::step::Record;
use super::Loader;
use crate::data::format_model::Statement;
use crate::db::now;
use crate::db::schema::*;
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::period::{parse_partial_date, Bound};
use crate::read::statements::{ABOUT, STATED_BY};
use crate::text::search_text;
use crate::write::links;

impl Loader<'_> {
    pub(super) fn statements(&mut self, statements: &[Statement]) -> Result<(), AppError> {
        for (position, s) in statements.iter().enumerate() {
            let bad = |m: String| AppError::bad_input(format!("statement {}: {m}", s.key));
            let date = match &s.date {
                Some(d) => Some(parse_partial_date(d, Bound::Start).map_err(bad)?),
                None => None,
            };
            let date_end = match &s.date {
                Some(d) => Some(parse_partial_date(d, Bound::End).map_err(bad)?.0),
                None => None,
            };
            let mut tied = Vec::new();
            for (role, list) in [(ABOUT, &s.records), (STATED_BY, &s.stated_by)] {
                for r in links::distinct(list.iter().map(|r| self.record(r)).collect::<Result<Vec<_>, _>>()?) {
                    tied.push((role, r));
                }
            }
            let texts = [Some(&s.summary), Some(&s.phrase), s.topic.as_ref(), s.note.as_ref()];
            let t = now();
            let values = (
                statement::natural_key.eq(&s.key),
                statement::kind.eq(&s.kind),
                statement::summary.eq(&s.summary),
                statement::phrase.eq(&s.phrase),
                statement::topic.eq(&s.topic),
                statement::date_start.eq(date.map(|d| d.0)),
                statement::date_end.eq(date_end),
                statement::date_precision.eq(date.map(|d| d.1.as_str())),
                statement::note.eq(&s.note),
                statement::search_text.eq(search_text(texts.into_iter().flatten().map(String::as_str))),
                // The order of the data file, which follows the documents.
                statement::sort_key.eq(format!("{position:06}")),
                statement::updated_at.eq(t),
            );
            let natural_key = statement::natural_key.eq(&s.key);
            // The position is part of what was loaded: moving a statement in the file changes it.
            let data = (s, position);
            let record = Record { kind: RecordKind::Statement, key: &s.key, data: &data, natural_key };
            let Some(w) = self.step(statement::table, record, values, t)?.written() else { continue };
            let rows = tied.into_iter().map(|(role, (kind, id))| {
                (
                    statement_record::statement_id.eq(w.id),
                    statement_record::role.eq(role),
                    statement_record::record_type.eq(kind.as_str()),
                    statement_record::record_id.eq(id),
                    statement_record::created_at.eq(t),
                    statement_record::updated_at.eq(t),
                )
            });
            let existing = statement_record::table.filter(statement_record::statement_id.eq(w.id));
            links::replace_rows(self.conn, existing, rows)?;
            self.sources(RecordKind::Statement, w.id, &s.sources)?;
            self.remember(RecordKind::Statement, &s.key, &w)?;
        }
        Ok(())
    }
}
