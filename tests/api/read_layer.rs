//! The read layer on its own (no GraphQL): per-parent pages, the region tree and filters, on both
//! backends, against references computed here from plain table reads.

use std::collections::{BTreeMap, HashSet};

use diesel::prelude::*;
use techniekpact_api::data::generate::{generate, Options, Sizes};
use techniekpact_api::db::schema::*;
use techniekpact_api::db::DbConn;
use techniekpact_api::read;
use techniekpact_api::read::fundings::{FundingParent, FundingQuery};
use techniekpact_api::read::page::{Order, PageSpec, Position, SortField, Sorted};
use techniekpact_api::read::region_tree::RegionTree;

use crate::helpers::{backends, spawn_app, TestApp};

const SIZES: Sizes = Sizes { organisations: 40, programmes: 60, fundings: 700, seed: 11 };

/// The shipped data plus a generated set, with ties: every third funding shares one sort key, and
/// all generated rows share their `updated_at`.
async fn app_with_ties(backend: crate::helpers::Backend) -> TestApp {
    let app = spawn_app(backend, true).await;
    app.with_conn(|c| {
        generate(c, SIZES, Options::default()).expect("generate");
        diesel::sql_query("UPDATE funding SET sort_key = 'tie' WHERE id % 3 = 0").execute(c).expect("ties");
        diesel::sql_query("UPDATE funding SET amount_cents = 500000 WHERE id % 4 = 0").execute(c).expect("ties");
        diesel::sql_query("UPDATE funding SET award_date = NULL WHERE id % 5 = 0").execute(c).expect("nulls");
    })
    .await;
    app
}

/// `(sort value, id)` of a parent's fundings in the order given, computed from the whole table:
/// by value (amounts as numbers), then id, both in the order's direction; rows without a value last.
fn reference(conn: &mut DbConn, parent: FundingParent, id: i64, order: Order) -> Vec<(String, i64)> {
    let rows = read::fundings::of_parents(conn, parent, &[id]).expect("rows");
    in_order(rows.into_iter().map(|(_, r)| r).collect(), order)
}

fn in_order(rows: Vec<techniekpact_api::db::models::FundingRow>, order: Order) -> Vec<(String, i64)> {
    let key = |r: &techniekpact_api::db::models::FundingRow| -> Option<String> {
        match order.field {
            SortField::Amount => Some(format!("{:020}", i128::from(r.amount_cents) + i128::from(i64::MAX))),
            SortField::AwardDate => r.award_date.map(|d| d.to_string()),
            f => Some(r.sort_value(f)),
        }
    };
    let mut keyed: Vec<(Option<String>, String, i64)> =
        rows.iter().map(|r| (key(r), r.sort_value(order.field), r.id.0)).collect();
    keyed.sort_by(|a, b| {
        let by_value = match (&a.0, &b.0) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => return std::cmp::Ordering::Less,
            (None, Some(_)) => return std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        let ord = by_value.then(a.2.cmp(&b.2));
        if order.descending {
            ord.reverse()
        } else {
            ord
        }
    });
    keyed.into_iter().map(|(_, v, id)| (v, id)).collect()
}

fn spec(limit: i64, backward: bool, order: Order, after: Option<Position>, before: Option<Position>) -> PageSpec {
    PageSpec { limit, backward, after, before, order }
}

/// Walks every parent's fundings page by page (all parents in one call per page), forwards with
/// `after` and backwards with `before`, and checks each walk against the reference.
const ORDERS: [Order; 8] = [
    Order { field: SortField::Name, descending: false },
    Order { field: SortField::Name, descending: true },
    Order { field: SortField::UpdatedAt, descending: false },
    Order { field: SortField::UpdatedAt, descending: true },
    Order { field: SortField::Amount, descending: false },
    Order { field: SortField::Amount, descending: true },
    Order { field: SortField::AwardDate, descending: false },
    Order { field: SortField::AwardDate, descending: true },
];

fn walk_all(conn: &mut DbConn, counter: &techniekpact_api::db::QueryCounter, parent: FundingParent, ids: &[i64]) {
    let orders = ORDERS;
    for order in orders {
        for backward in [false, true] {
            // One parent's walk at a time keeps the positions apart; every call still serves all
            // parents, so the statement count per call is what a DataLoader batch costs.
            for &id in ids {
                let want = reference(conn, parent, id, order);
                // About six pages per walk, whatever the parent's size (at least 3 rows a page).
                let limit = (want.len() as i64 / 6).max(3);
                let mut got: Vec<(String, i64)> = Vec::new();
                let mut position: Option<Position> = None;
                let mut calls = 0;
                loop {
                    let s = if backward {
                        spec(limit, true, order, None, position.clone())
                    } else {
                        spec(limit, false, order, position.clone(), None)
                    };
                    let before = counter.get();
                    let pages = read::fundings::pages_of(conn, parent, ids, &s).expect("pages");
                    assert_eq!(counter.get() - before, expected_statements(parent), "{parent:?}: statements per batch");
                    assert_eq!(pages.len(), ids.len(), "every parent gets a page");
                    let page = pages.into_iter().find(|(p, _)| *p == id).map(|(_, p)| p).expect("the parent's page");
                    assert!(page.rows.len() as i64 <= limit);
                    let keys: Vec<(String, i64)> =
                        page.rows.iter().map(|r| (r.sort_value(order.field), r.id.0)).collect();
                    let more = if backward { page.has_previous } else { page.has_next };
                    if backward {
                        assert_eq!(page.has_next, position.is_some(), "backward: hasNextPage when `before` was given");
                        got.splice(0..0, keys.clone());
                        position = keys.first().map(|k| Position { value: k.0.clone(), id: k.1 });
                    } else {
                        assert_eq!(
                            page.has_previous,
                            position.is_some(),
                            "forward: hasPreviousPage when `after` was given"
                        );
                        got.extend(keys.clone());
                        position = keys.last().map(|k| Position { value: k.0.clone(), id: k.1 });
                    }
                    calls += 1;
                    assert!(calls < 1000, "the walk ends");
                    if !more {
                        break;
                    }
                    assert_eq!(keys.len() as i64, limit, "a page before the last is full");
                }
                assert_eq!(got, want, "{parent:?} {id} {order:?} backward={backward}: every row once, in order");
            }
        }
    }
}

/// Every batch is one statement, regions included (the database walks the region tree).
fn expected_statements(_parent: FundingParent) -> u64 {
    1
}

#[actix_web::test]
async fn per_parent_pages_walk_every_row_once_with_ties_in_one_statement_per_batch() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        let counter = app.db.query_counter();
        app.with_conn(move |c| {
            // Parents with many, few and no fundings.
            // Generated programmes (most have fundings, some many) and one shipped programme without any.
            let mut programmes: Vec<i64> =
                programme::table.select(programme::id).order(programme::id.desc()).limit(12).load(c).unwrap();
            programmes.push(programme::table.select(programme::id).order(programme::id).first(c).unwrap());
            let schemes: Vec<i64> =
                funding_scheme::table.select(funding_scheme::id).order(funding_scheme::id).limit(5).load(c).unwrap();
            let recipients: Vec<i64> =
                organisation::table.select(organisation::id).order(organisation::id.desc()).limit(8).load(c).unwrap();
            let regions: Vec<i64> = region::table.select(region::id).load(c).unwrap();
            let ties: i64 = funding::table.filter(funding::sort_key.eq("tie")).count().get_result(c).unwrap();
            assert!(ties > 100, "the data has ties: {ties}");
            let undated: i64 = funding::table.filter(funding::award_date.is_null()).count().get_result(c).unwrap();
            assert!(undated > 100, "the data has fundings without an award date: {undated}");
            for (parent, ids) in [
                (FundingParent::Programme, &programmes),
                (FundingParent::Scheme, &schemes),
                (FundingParent::Recipient, &recipients),
                (
                    FundingParent::Region(techniekpact_api::vocab::Placement::StatedAndProgramme),
                    &regions[..regions.len().min(6)].to_vec(),
                ),
            ] {
                let sizes: HashSet<usize> =
                    ids.iter().map(|id| read::fundings::of_parents(c, parent, &[*id]).unwrap().len()).collect();
                assert!(sizes.len() > 2, "{parent:?}: parents of different sizes: {sizes:?}");
                walk_all(c, &counter, parent, ids);
            }
        })
        .await;
    }
}

#[actix_web::test]
async fn counts_per_parent_match_the_rows() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        app.with_conn(move |c| {
            let ids: Vec<i64> = programme::table.select(programme::id).load(c).unwrap();
            let counts: BTreeMap<i64, i64> =
                read::fundings::counts_of(c, FundingParent::Programme, &ids).unwrap().into_iter().collect();
            let mut want: BTreeMap<i64, i64> = BTreeMap::new();
            for p in funding::table.select(funding::programme_id).load::<Option<i64>>(c).unwrap().into_iter().flatten()
            {
                *want.entry(p).or_default() += 1;
            }
            assert_eq!(counts, want, "{backend:?}");
        })
        .await;
    }
}

#[test]
fn the_region_tree_answers_descendants_ancestors_and_levels() {
    let rows = vec![
        (1, None, "LANDSDEEL".to_owned()),
        (2, Some(1), "PROVINCE".to_owned()),
        (3, Some(2), "SUBREGION".to_owned()),
        (4, Some(1), "PROVINCE".to_owned()),
        (5, None, "PROVINCE".to_owned()),
        // A cycle is a data error: walking it must end.
        (6, Some(7), "SUBREGION".to_owned()),
        (7, Some(6), "SUBREGION".to_owned()),
    ];
    let tree = RegionTree::from_rows(rows);
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };
    assert_eq!(sorted(tree.descendants(1)), vec![1, 2, 3, 4]);
    assert_eq!(sorted(tree.descendants(3)), vec![3]);
    assert_eq!(sorted(tree.descendants(99)), vec![99], "an unknown region is its own only member");
    assert_eq!(tree.ancestors(3), vec![2, 1], "nearest first");
    assert_eq!(tree.ancestors(1), Vec::<i64>::new());
    assert_eq!(tree.at_level(3, "LANDSDEEL"), Some(1));
    assert_eq!(tree.at_level(3, "PROVINCE"), Some(2));
    assert_eq!(tree.at_level(2, "PROVINCE"), Some(2), "a region is its own ancestor-or-self");
    assert_eq!(tree.at_level(5, "LANDSDEEL"), None);
    assert_eq!(tree.at_level(6, "LANDSDEEL"), None);
    assert_eq!(sorted(tree.descendants(6)), vec![6, 7]);
}

#[actix_web::test]
async fn filters_select_what_an_independent_reference_selects() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        app.with_conn(move |c| {
            let tree = RegionTree::load(c).unwrap();
            let landsdelen: Vec<i64> =
                region::table.filter(region::scheme.eq("LANDSDEEL")).select(region::id).load(c).unwrap();
            let allocations: Vec<(i64, i64, Option<i32>)> = region_allocation::table
                .select((
                    region_allocation::funding_id,
                    region_allocation::region_id,
                    region_allocation::share_basis_points,
                ))
                .load(c)
                .unwrap();
            let fundings: Vec<(i64, Option<i64>)> =
                funding::table.select((funding::id, funding::programme_id)).load(c).unwrap();
            let programme_regions: Vec<(i64, i64)> = programme_region::table
                .select((programme_region::programme_id, programme_region::region_id))
                .load(c)
                .unwrap();
            let whole_spec = spec(100, false, Order::default(), None, None);
            for root in landsdelen {
                // The placement rules at the landsdeel level, computed here from the rows.
                let landsdeel = |r: i64| tree.at_level(r, "LANDSDEEL");
                let want: HashSet<i64> = fundings
                    .iter()
                    .filter(|(f, programme)| {
                        let own: Vec<&(i64, i64, Option<i32>)> = allocations.iter().filter(|a| a.0 == *f).collect();
                        if !own.is_empty() && own.iter().all(|a| a.2.is_some()) {
                            return own.iter().any(|a| landsdeel(a.1) == Some(root));
                        }
                        let named: Vec<i64> = if own.is_empty() {
                            programme_regions.iter().filter(|(p, _)| Some(*p) == *programme).map(|(_, r)| *r).collect()
                        } else {
                            own.iter().map(|a| a.1).collect()
                        };
                        !named.is_empty() && named.iter().all(|r| landsdeel(*r) == Some(root))
                    })
                    .map(|(f, _)| *f)
                    .collect();
                let query = FundingQuery { region: Some(root), ..FundingQuery::default() };
                assert_eq!(read::fundings::count(c, &query).unwrap(), want.len() as i64, "{backend:?}: region {root}");
                let mut seen = HashSet::new();
                let mut s = whole_spec.clone();
                loop {
                    let page = read::fundings::page(c, &query, &s).unwrap();
                    for r in &page.rows {
                        assert!(seen.insert(r.id.0), "each funding once");
                    }
                    let Some(last) = page.rows.last() else { break };
                    if !page.has_next {
                        break;
                    }
                    s.after = Some(Position { value: last.sort_key.clone(), id: last.id.0 });
                }
                assert_eq!(seen, want, "{backend:?}: region {root}");
            }
            // Organisation: recipient or named funder.
            let org: i64 = funding::table
                .filter(funding::recipient_id.is_not_null())
                .select(funding::recipient_id.assume_not_null())
                .first(c)
                .unwrap();
            let want: i64 = funding::table
                .filter(funding::recipient_id.eq(org).or(funding::funder_id.eq(org)))
                .count()
                .get_result(c)
                .unwrap();
            let query = FundingQuery { organisation: Some(org), ..FundingQuery::default() };
            assert_eq!(read::fundings::count(c, &query).unwrap(), want);
        })
        .await;
    }
}

#[actix_web::test]
async fn root_pages_walk_every_row_once_under_every_order_with_ties_and_nulls() {
    for backend in backends() {
        let app = app_with_ties(backend).await;
        app.with_conn(move |c| {
            // The fundings of a few schemes: hundreds of rows, walked in pages of 37.
            let schemes: Vec<i64> =
                funding_scheme::table.select(funding_scheme::id).order(funding_scheme::id).limit(3).load(c).unwrap();
            let query = FundingQuery { schemes: Some(schemes.clone()), ..FundingQuery::default() };
            let all: Vec<techniekpact_api::db::models::FundingRow> = funding::table
                .filter(funding::scheme_id.eq_any(&schemes))
                .select(techniekpact_api::db::models::FundingRow::as_select())
                .load(c)
                .unwrap();
            assert!(all.len() > 100, "{} rows", all.len());
            for order in ORDERS {
                let want = in_order(all.clone(), order);
                for backward in [false, true] {
                    let mut got: Vec<(String, i64)> = Vec::new();
                    let mut position: Option<Position> = None;
                    loop {
                        let s = if backward {
                            spec(37, true, order, None, position.clone())
                        } else {
                            spec(37, false, order, position.clone(), None)
                        };
                        let page = read::fundings::page(c, &query, &s).unwrap();
                        let keys: Vec<(String, i64)> =
                            page.rows.iter().map(|r| (r.sort_value(order.field), r.id.0)).collect();
                        let more = if backward { page.has_previous } else { page.has_next };
                        if backward {
                            got.splice(0..0, keys.clone());
                            position = keys.first().map(|k| Position { value: k.0.clone(), id: k.1 });
                        } else {
                            got.extend(keys.clone());
                            position = keys.last().map(|k| Position { value: k.0.clone(), id: k.1 });
                        }
                        if !more {
                            break;
                        }
                    }
                    assert_eq!(got, want, "{backend:?} {order:?} backward={backward}");
                }
            }
        })
        .await;
    }
}
