//! With 10,000 generated fundings, the page statements read indexes: PostgreSQL's plans hold no
//! `Seq Scan` on `funding` or `programme`; SQLite's plans search an index.

use diesel::prelude::*;
use techniekpact_api::data::generate::{generate, Options, Sizes};
use techniekpact_api::db::schema::*;
use techniekpact_api::db::DbConn;
use techniekpact_api::read;
use techniekpact_api::read::fundings::{FundingParent, FundingQuery};
use techniekpact_api::read::page::{Order, PageSpec, Position, SortField};
use techniekpact_api::read::programmes::ProgrammeQuery;

use crate::helpers::{backends, spawn_app, Backend};

const SIZES: Sizes = Sizes { organisations: 400, programmes: 1_500, fundings: 10_000, seed: 5 };

fn spec(field: SortField, descending: bool, backward: bool, position: Option<Position>) -> PageSpec {
    let order = Order { field, descending };
    if backward {
        PageSpec { limit: 20, backward, after: None, before: position, order }
    } else {
        PageSpec { limit: 20, backward, after: position, before: None, order }
    }
}

/// On SQLite a page past a dated row under a date order (`date >= ? OR date IS NULL`) is an index
/// scan in page order that stops at the page, not a range search: `search` is false there.
fn check(backend: Backend, what: &str, plan: &[String]) {
    check_with(backend, what, plan, true)
}

fn check_with(backend: Backend, what: &str, plan: &[String], search: bool) {
    let text = plan.join("\n");
    match backend {
        Backend::Postgres => {
            for table in ["funding", "programme"] {
                assert!(
                    !plan.iter().any(|l| l.contains(&format!("Seq Scan on {table} "))
                        || l.trim_end().ends_with(&format!("Seq Scan on {table}"))),
                    "{what}: a sequential scan of {table}:\n{text}"
                );
            }
        }
        Backend::Sqlite => {
            assert!(
                plan.iter().any(|l| (l.starts_with("SEARCH") || !search) && l.contains("USING") && l.contains("INDEX")),
                "{what}: no index search:\n{text}"
            );
            for l in plan {
                let scans_table = l.starts_with("SCAN funding")
                    || l.starts_with("SCAN programme")
                    || l.starts_with("SCAN f ")
                    || l == "SCAN f"
                    || l.starts_with("SCAN p ")
                    || l == "SCAN p";
                assert!(!scans_table || l.contains("INDEX"), "{what}: a table scan without an index: {l}\n{text}");
            }
        }
    }
}

fn plans(conn: &mut DbConn, backend: Backend) {
    let position = |value: &str| Some(Position { value: value.to_owned(), id: 5_000 });
    let fields: [(SortField, &str); 4] = [
        (SortField::Name, "synthetic-m"),
        (SortField::UpdatedAt, "2026-01-01T00:00:00.000000"),
        (SortField::Amount, "2500000"),
        (SortField::AwardDate, "2016-06-01"),
    ];
    let programme: i64 = funding::table
        .filter(funding::programme_id.is_not_null())
        .select(funding::programme_id.assume_not_null())
        .first(conn)
        .expect("a funded programme");
    for (field, value) in fields {
        for descending in [false, true] {
            for backward in [false, true] {
                let s = spec(field, descending, backward, position(value));
                let what = format!("fundings {field:?} desc={descending} backward={backward}");
                let search = !field.nullable() || backward;
                let plan = read::fundings::page_plan(conn, &FundingQuery::default(), &s).expect("plan");
                check_with(backend, &what, &plan, search);
                let q = FundingQuery { programme: Some(programme), ..FundingQuery::default() };
                check(
                    backend,
                    &format!("{what}, one programme"),
                    &read::fundings::page_plan(conn, &q, &s).expect("plan"),
                );
            }
        }
    }
    for (field, value) in [(SortField::Name, "synthetic-m"), (SortField::StartDate, "2015-01-01")] {
        for descending in [false, true] {
            let s = spec(field, descending, false, position(value));
            let plan = read::programmes::page_plan(conn, &ProgrammeQuery::default(), &s).expect("plan");
            check_with(backend, &format!("programmes {field:?} desc={descending}"), &plan, !field.nullable());
        }
    }
    let parents: Vec<i64> =
        programme::table.select(programme::id).order(programme::id.desc()).limit(50).load(conn).unwrap();
    // Parents with a handful of fundings each. (A few schemes hold most fundings: for them a
    // sequential read is the cheaper plan, and PostgreSQL rightly takes it.)
    for parent in [FundingParent::Programme, FundingParent::Recipient] {
        let ids: Vec<i64> = match parent {
            FundingParent::Recipient => organisation::table.select(organisation::id).limit(50).load(conn).unwrap(),
            _ => parents.clone(),
        };
        for (field, value) in [(SortField::Name, "synthetic-m"), (SortField::Amount, "2500000")] {
            let s = spec(field, false, false, position(value));
            let plan = read::fundings::pages_of_plan(conn, parent, &ids, &s).expect("plan");
            check(backend, &format!("nested {parent:?} {field:?}"), &plan);
        }
    }
}

#[actix_web::test]
async fn page_statements_read_indexes_on_both_backends() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        app.with_conn(move |c| {
            generate(c, SIZES, Options::default()).expect("generate");
            diesel::sql_query("ANALYZE").execute(c).expect("analyze");
            let n: i64 = funding::table.count().get_result(c).unwrap();
            assert!(n >= 10_000, "{n} fundings");
            plans(c, backend);
        })
        .await;
    }
}
