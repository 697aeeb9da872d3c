//! The data of the order tests: a generated set with ties and missing values, and the reference
//! order of each list computed from plain table reads.

use chrono::NaiveDate;
use diesel::prelude::*;
use techniekpact_api::data::generate::{generate, Options, Sizes};
use techniekpact_api::db::schema::*;
use techniekpact_api::db::DbConn;

use crate::helpers::{spawn_app, Backend, TestApp};

const SIZES: Sizes = Sizes { organisations: 30, programmes: 60, fundings: 300, seed: 23 };
/// One amount shared by every fourth funding.
const TIED_CENTS: i64 = 500_000;

/// The shipped data plus a generated set, with ties and missing values: every fourth funding has
/// the same amount, every fifth no award date; every fourth programme starts on the same day, every
/// fifth has no start.
pub(super) async fn app_with_ties(backend: Backend) -> TestApp {
    let app = spawn_app(backend, true).await;
    app.with_conn(|c| {
        generate(c, SIZES, Options::default()).expect("generate");
        for sql in [
            format!("UPDATE funding SET amount_cents = {TIED_CENTS} WHERE id % 4 = 0"),
            "UPDATE funding SET award_date = NULL, award_precision = NULL WHERE id % 5 = 0".into(),
            "UPDATE programme SET start_date = '2021-09-01', start_precision = 'DAY' WHERE id % 4 = 0".into(),
            "UPDATE programme SET start_date = NULL, start_precision = NULL WHERE id % 5 = 0".into(),
        ] {
            diesel::sql_query(sql).execute(c).expect("ties");
        }
    })
    .await;
    app
}

/// A sort field of the new orders (and `NAME`, the old one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Name,
    Amount,
    AwardDate,
    StartDate,
}

impl Field {
    pub(super) fn enum_value(self) -> &'static str {
        match self {
            Self::Name => "NAME",
            Self::Amount => "AMOUNT",
            Self::AwardDate => "AWARD_DATE",
            Self::StartDate => "START_DATE",
        }
    }
}

/// A sort value; `None` for a row without one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key {
    Int(i64),
    Date(NaiveDate),
    Text(String),
}

/// A row of a list: its key in the API (funding key, programme slug), id and sort value.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) key: String,
    pub(super) id: i64,
    pub(super) value: Option<Key>,
}

/// Which rows a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Fundings,
    FundingsOfProgramme(i64),
    FundingsOfScheme(i64),
    Programmes,
}

type FundingColumns = (i64, String, i64, Option<NaiveDate>, String, Option<i64>, Option<i64>);

/// The rows of a list with their values for `field`, read from the tables.
pub(super) fn rows(c: &mut DbConn, source: Source, field: Field) -> Vec<Row> {
    if source == Source::Programmes {
        let all: Vec<(i64, String, Option<NaiveDate>, String)> = programme::table
            .select((programme::id, programme::slug, programme::start_date, programme::sort_key))
            .load(c)
            .expect("programmes");
        return all
            .into_iter()
            .map(|(id, key, start, sort_key)| {
                let value = if field == Field::StartDate { start.map(Key::Date) } else { Some(Key::Text(sort_key)) };
                Row { key, id, value }
            })
            .collect();
    }
    let all: Vec<FundingColumns> = funding::table
        .select((
            funding::id,
            funding::key,
            funding::amount_cents,
            funding::award_date,
            funding::sort_key,
            funding::programme_id,
            funding::scheme_id,
        ))
        .load(c)
        .expect("fundings");
    all.into_iter()
        .filter(|r| match source {
            Source::FundingsOfProgramme(p) => r.5 == Some(p),
            Source::FundingsOfScheme(s) => r.6 == Some(s),
            _ => true,
        })
        .map(|(id, key, cents, award, sort_key, _, _)| {
            let value = match field {
                Field::Amount => Some(Key::Int(cents)),
                Field::AwardDate => award.map(Key::Date),
                _ => Some(Key::Text(sort_key)),
            };
            Row { key, id, value }
        })
        .collect()
}

/// The keys in list order: by value then id, reversed for descending; rows without a value last
/// in both directions (by id, reversed for descending).
pub(super) fn ordered(rows: Vec<Row>, descending: bool) -> Vec<String> {
    let (mut valued, mut empty): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(|r| r.value.is_some());
    valued.sort_by(|a, b| (&a.value, a.id).cmp(&(&b.value, b.id)));
    empty.sort_by_key(|r| r.id);
    if descending {
        valued.reverse();
        empty.reverse();
    }
    valued.into_iter().chain(empty).map(|r| r.key).collect()
}
