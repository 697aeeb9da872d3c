//! Per-connection orders (`FundingOrder`, `ProgrammeOrder`): paging fundings by amount and award
//! date and programmes by start date walks every row exactly once, forwards and backwards, with
//! ties and rows without a date (last in both directions, the ID breaking ties), also when a row
//! tied with the page boundary is inserted between two page requests; on both backends, against
//! references computed here from plain table reads.

mod data;
mod walk;

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::{json, Value};
use techniekpact_api::db::schema::*;
use techniekpact_api::ids::Cursor;

use crate::helpers::{backends, error_codes, TestApp};
use data::{app_with_ties, ordered, rows, Field, Key, Source};
use walk::{assert_ties_and_gaps, walk_every_way, Target};

#[actix_web::test]
async fn root_fundings_by_amount_and_award_date_walk_every_row_once() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        for field in [Field::Amount, Field::AwardDate] {
            assert_ties_and_gaps(&app, Source::Fundings, field).await;
            walk_every_way(&app, &[Target::root_fundings()], field, 23).await;
        }
    }
}

#[actix_web::test]
async fn root_programmes_by_start_date_walk_every_row_once() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        assert_ties_and_gaps(&app, Source::Programmes, Field::StartDate).await;
        walk_every_way(&app, &[Target::root_programmes()], Field::StartDate, 7).await;
    }
}

/// The `n` parents with the most fundings, by (id, name in the API).
async fn busiest(app: &TestApp, programmes: bool, n: usize) -> Vec<(i64, String)> {
    app.with_conn(move |c| {
        let parents: Vec<Option<i64>> = if programmes {
            funding::table.select(funding::programme_id).load(c).expect("fundings")
        } else {
            funding::table.select(funding::scheme_id).load(c).expect("fundings")
        };
        let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
        for p in parents.into_iter().flatten() {
            *counts.entry(p).or_default() += 1;
        }
        let mut by_size: Vec<(usize, i64)> = counts.into_iter().map(|(p, k)| (k, p)).collect();
        by_size.sort_by(|a, b| b.cmp(a));
        by_size
            .into_iter()
            .take(n)
            .map(|(_, id)| {
                let name = if programmes {
                    programme::table.find(id).select(programme::slug).first(c)
                } else {
                    funding_scheme::table.find(id).select(funding_scheme::code).first(c)
                };
                (id, name.expect("the parent"))
            })
            .collect()
    })
    .await
}

/// Nested pages are read by the read layer's per-parent pages; they follow the same rules.
#[actix_web::test]
async fn nested_fundings_by_amount_and_award_date_walk_every_row_once_for_several_parents() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        let programmes: Vec<Target> =
            busiest(&app, true, 3).await.iter().map(|(id, slug)| Target::of_programme(*id, slug)).collect();
        let schemes: Vec<Target> =
            busiest(&app, false, 2).await.iter().map(|(id, code)| Target::of_scheme(*id, code)).collect();
        assert_eq!((programmes.len(), schemes.len()), (3, 2), "{backend:?}: parents with fundings");
        for field in [Field::Amount, Field::AwardDate] {
            assert_ties_and_gaps(&app, schemes[0].source, field).await;
            walk_every_way(&app, &programmes, field, 3).await;
            walk_every_way(&app, &schemes, field, 5).await;
        }
    }
}

fn cursor_query(list: &str, order_type: &str) -> String {
    format!(
        "query($order: {order_type}, $after: String) {{ {list}(first: 3, after: $after, orderBy: $order) {{ \
         pageInfo {{ endCursor }} nodes {{ id }} }} }}"
    )
}

#[actix_web::test]
async fn a_cursor_of_one_order_is_refused_under_another() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        let fundings = cursor_query("fundings", "FundingOrder");
        let programmes = cursor_query("programmes", "ProgrammeOrder");
        let end = |d: &Value, list: &str| d[list]["pageInfo"]["endCursor"].as_str().expect("a cursor").to_owned();
        let amount = json!({ "field": "AMOUNT" });
        let c = end(&app.data(&fundings, json!({ "order": amount })).await, "fundings");
        // Accepted under its own order, on the root list and nested.
        app.data(&fundings, json!({ "order": amount, "after": c })).await;
        for (query, order) in [
            (&fundings, json!({ "field": "AMOUNT", "direction": "DESC" })),
            (&fundings, json!({ "field": "AWARD_DATE" })),
            (&fundings, json!({ "field": "NAME" })),
            (&fundings, Value::Null),
            (&programmes, json!({ "field": "START_DATE" })),
        ] {
            let body = app.query(query, json!({ "order": order, "after": c })).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?} {order}: {body}");
        }
        let start = json!({ "field": "START_DATE", "direction": "DESC" });
        let c = end(&app.data(&programmes, json!({ "order": start })).await, "programmes");
        app.data(&programmes, json!({ "order": start, "after": c })).await;
        for order in [json!({ "field": "START_DATE" }), json!({ "field": "NAME", "direction": "DESC" })] {
            let body = app.query(&programmes, json!({ "order": order, "after": c })).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?} {order}: {body}");
        }
        // A cursor with the right tag but a value the field cannot have.
        for (query, order, tag, value, ok) in [
            (&fundings, json!({ "field": "AMOUNT" }), "Funding:AMOUNT_ASC", "lots", false),
            (&fundings, json!({ "field": "AMOUNT" }), "Funding:AMOUNT_ASC", "", false),
            (&fundings, json!({ "field": "AMOUNT" }), "Funding:AMOUNT_ASC", "12345", true),
            (&fundings, json!({ "field": "AWARD_DATE" }), "Funding:AWARD_DATE_ASC", "2020-13-45", false),
            (&fundings, json!({ "field": "AWARD_DATE" }), "Funding:AWARD_DATE_ASC", "", true),
            // Only the form cursors are written in: no padding, no short months, no sign.
            (&fundings, json!({ "field": "AWARD_DATE" }), "Funding:AWARD_DATE_ASC", "2014-1-1", false),
            (&fundings, json!({ "field": "AWARD_DATE" }), "Funding:AWARD_DATE_ASC", " 2014-01-01", false),
            (&fundings, json!({ "field": "AMOUNT" }), "Funding:AMOUNT_ASC", "+12", false),
            (&fundings, json!({ "field": "AMOUNT" }), "Funding:AMOUNT_ASC", "012", false),
            (&programmes, json!({ "field": "START_DATE" }), "Programme:START_DATE_ASC", "yesterday", false),
            (&programmes, json!({ "field": "START_DATE" }), "Programme:START_DATE_ASC", "2021-09-01", true),
        ] {
            let cursor = Cursor { order: tag.into(), value: value.into(), id: 1 }.encode();
            let body = app.query(query, json!({ "order": order, "after": cursor })).await;
            let want: &[&str] = if ok { &[] } else { &["BAD_USER_INPUT"] };
            assert_eq!(error_codes(&body), want, "{backend:?} {tag} {value:?}: {body}");
        }
    }
}

#[actix_web::test]
async fn the_old_name_order_still_works_for_fundings_and_programmes() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        let fundings = "query($order: FundingOrder, $after: String) { fundings(first: 50, after: $after, orderBy: $order) { pageInfo { endCursor } nodes { key } } }";
        let programmes = "query($order: ProgrammeOrder, $after: String) { programmes(first: 50, after: $after, orderBy: $order) { pageInfo { endCursor } nodes { key: slug } } }";
        for (query, list, source) in
            [(fundings, "fundings", Source::Fundings), (programmes, "programmes", Source::Programmes)]
        {
            for (order, descending) in [
                (json!({ "field": "NAME" }), false),
                (json!({ "field": "NAME", "direction": "ASC" }), false),
                (json!({ "field": "NAME", "direction": "DESC" }), true),
                (Value::Null, false),
            ] {
                let want = ordered(app.with_conn(move |c| rows(c, source, Field::Name)).await, descending);
                let d = app.data(query, json!({ "order": order })).await;
                let keys: Vec<String> = d[list]["nodes"]
                    .as_array()
                    .expect("nodes")
                    .iter()
                    .map(|n| n["key"].as_str().expect("a key").to_owned())
                    .collect();
                assert_eq!(keys, want[..50], "{backend:?} {list} {order}");
                // The cursor tag of the old order is unchanged (`Funding:NAME_ASC`, …): a cursor
                // made by hand in the old form still pages.
                let tag = format!(
                    "{}:NAME_{}",
                    if list == "fundings" { "Funding" } else { "Programme" },
                    if descending { "DESC" } else { "ASC" }
                );
                let (value, id) = app
                    .with_conn(move |c| {
                        let r = rows(c, source, Field::Name);
                        let row = r.into_iter().find(|r| r.key == want[49]).expect("row 50");
                        match row.value {
                            Some(Key::Text(t)) => (t, row.id),
                            other => panic!("a sort key: {other:?}"),
                        }
                    })
                    .await;
                let old = Cursor { order: tag, value, id }.encode();
                assert_eq!(d[list]["pageInfo"]["endCursor"], json!(old), "{backend:?} {list} {order}: the cursor form");
                let next = app.data(query, json!({ "order": order, "after": old })).await;
                let first: &str = next[list]["nodes"][0]["key"].as_str().unwrap_or_default();
                let want = ordered(app.with_conn(move |c| rows(c, source, Field::Name)).await, descending);
                assert_eq!(first, want[50], "{backend:?} {list} {order}: the page after the old cursor");
            }
            let d = app.data(query, json!({ "order": { "field": "UPDATED_AT", "direction": "DESC" } })).await;
            assert_eq!(d[list]["nodes"].as_array().map(Vec::len), Some(50), "{backend:?} {list}: UPDATED_AT");
        }
    }
}
