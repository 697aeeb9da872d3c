//! `fundingMatrix`, `fundingTimeline`, `fundingByRegion.byYear` and `FundingFilter.year` against
//! a reference computed here from the records (`matrix_reference.rs`), on generated data with
//! co-financing (stated, zero and missing), fundings without a year and programmes without target
//! groups.

use std::collections::{BTreeMap, BTreeSet};

use diesel::connection::SimpleConnection;
use serde_json::{json, Value};
use techniekpact_api::db::write_transaction;
use techniekpact_api::write::placement;

use crate::helpers::{backends, error_codes, spawn_app, TestApp};
use crate::matrix_reference::{
    columns_of, matrix_query, measured, read_matrix, read_timeline, reference, timeline, Figures, Matrix,
};
use crate::placement_reference::{cents, fetch, listed_keys, report, Funding, Report, World, LEVELS, PLACEMENTS};

const DIMENSIONS: [&str; 4] = ["SCHEME", "YEAR", "PROGRAMME_KIND", "TARGET_GROUP"];
const MEASURES: [(&str, &str); 3] = [("awarded", "AWARDED"), ("co", "CO_FINANCING"), ("total", "TOTAL")];
const KINDS: [&str; 5] = ["INITIATIVE", "PPS", "NETWORK", "PACT_ACTION", "PROJECT"];
const TARGET_GROUPS: [&str; 9] = ["PO", "VO", "VMBO", "MBO", "HBO", "WO", "WORKERS", "JOB_SEEKERS", "TEACHERS"];

/// Generated data (with the placement tests' mixed cases) where some fundings state co-financing,
/// some state zero, the rest none; some have no award date, some no date at all; some programmes
/// state no target group. The placement is rebuilt from the records afterwards, as a data load does.
async fn matrix_app(backend: crate::helpers::Backend, seed: u64) -> TestApp {
    let app = crate::placement::generated_app(backend, seed).await;
    app.with_conn(|c| {
        c.batch_execute(
            "UPDATE funding SET co_financing_cents = amount_cents / 3 + 7 WHERE id % 3 = 0;
             UPDATE funding SET co_financing_cents = 0 WHERE id % 6 = 1;
             UPDATE funding SET award_date = NULL, award_precision = NULL WHERE id % 5 = 0;
             UPDATE funding SET start_date = NULL, start_precision = NULL, end_date = NULL, end_precision = NULL
              WHERE id % 10 = 0;
             DELETE FROM programme_target_group WHERE programme_id % 4 = 0;",
        )
        .expect("the edits");
        write_transaction(c, placement::rebuild).expect("rebuilt");
    })
    .await;
    app
}

/// The data tells apart what the matrix must: unknown years, missing and stated co-financing,
/// fundings without a programme, programmes without and with several target groups.
fn assert_the_data_has_every_case(w: &World, b: crate::helpers::Backend) {
    let has = |what: &str, p: &dyn Fn(&Funding) -> bool| assert!(w.fundings.iter().any(p), "{b:?}: no funding {what}");
    has("without a year", &|f| f.year.is_none());
    has("with a year", &|f| f.year.is_some());
    has("without co-financing", &|f| f.co.is_none());
    has("with co-financing", &|f| f.co.is_some_and(|c| c > 0));
    has("with zero co-financing", &|f| f.co == Some(0));
    has("without a programme", &|f| f.programme.is_none());
    has("whose programme has no target group", &|f| f.programme.is_some() && f.target_groups.is_empty());
    has("whose programme has several target groups", &|f| f.target_groups.len() > 1);
}

/// The reference figures as the API shows them under `measure` (programme counts only under
/// `CO_FINANCING`, the only matrix of the three that asks for them).
fn shown(f: &Figures, measure: &str) -> (i64, Figures) {
    let programmes = if measure == "CO_FINANCING" { f.programmes } else { None };
    (measured(f, measure), Figures { awarded: 0, co: 0, programmes, ..f.clone() })
}

/// The columns are in the documented order and name what they are.
fn check_columns(what: &str, dimension: &str, v: &Value, want: &Matrix) {
    let columns = v["columns"].as_array().unwrap();
    let keys: Vec<&str> = columns.iter().map(|c| c["key"].as_str().unwrap()).collect();
    let used: BTreeSet<&str> = want.cells.keys().map(|k| k.1.as_str()).collect();
    for c in columns {
        assert_eq!(c["dimension"], dimension, "{what}: {c}");
        assert!(c["labelNl"].as_str().is_some_and(|l| !l.is_empty()), "{what}: {c}");
    }
    let tail = |none: &[&str]| -> Vec<String> {
        none.iter().filter(|n| used.contains(**n)).map(|n| (*n).to_owned()).collect()
    };
    match dimension {
        "YEAR" => {
            let known: Vec<i64> = keys.iter().filter(|k| **k != "YEAR_UNKNOWN").map(|k| k.parse().unwrap()).collect();
            let used_years: Vec<i64> =
                used.iter().filter(|k| **k != "YEAR_UNKNOWN").map(|k| k.parse().unwrap()).collect();
            let (lo, hi) = (used_years.iter().min().unwrap(), used_years.iter().max().unwrap());
            assert_eq!(known, (*lo..=*hi).collect::<Vec<_>>(), "{what}: every year from the first to the last");
            assert_eq!(keys[known.len()..].to_vec(), tail(&["YEAR_UNKNOWN"]), "{what}: the unknown year last");
            for c in columns {
                let unknown = c["key"] == "YEAR_UNKNOWN";
                assert_eq!(c["yearUnknown"].as_bool(), Some(unknown), "{what}: {c}");
                assert_eq!(
                    c["year"].as_i64().map(|y| y.to_string()),
                    (!unknown).then(|| c["key"].as_str().unwrap().to_owned())
                );
            }
        }
        "SCHEME" => {
            assert_eq!(keys.iter().copied().collect::<BTreeSet<_>>(), used, "{what}: the schemes with fundings");
            let named = keys.iter().filter(|k| **k != "NO_SCHEME").count();
            assert_eq!(keys[named..].to_vec(), tail(&["NO_SCHEME"]), "{what}: no scheme last");
            for c in &columns[..named] {
                assert_eq!(c["scheme"]["id"], c["key"], "{what}: {c}");
            }
        }
        "PROGRAMME_KIND" => {
            assert_eq!(keys[..KINDS.len()], KINDS, "{what}: every kind, in the vocabulary's order");
            assert_eq!(keys[KINDS.len()..].to_vec(), tail(&["NO_PROGRAMME"]), "{what}");
            assert!(columns[..KINDS.len()].iter().all(|c| c["programmeKind"] == c["key"]), "{what}");
            assert!(columns[KINDS.len()..].iter().all(|c| c["noProgramme"] == true), "{what}");
        }
        _ => {
            assert_eq!(keys[..TARGET_GROUPS.len()], TARGET_GROUPS, "{what}: every group, in the vocabulary's order");
            assert_eq!(keys[TARGET_GROUPS.len()..].to_vec(), tail(&["NO_TARGET_GROUP", "NO_PROGRAMME"]), "{what}");
            assert!(columns[..TARGET_GROUPS.len()].iter().all(|c| c["targetGroup"] == c["key"]), "{what}");
        }
    }
}

/// Every cell and row total of the three measures equals the reference; returns the `AWARDED`
/// matrix's rows (amount, figures).
async fn check_matrix(
    app: &TestApp,
    w: &World,
    level: &str,
    dimension: &str,
    placement: &str,
    filter: &Value,
    keep: &dyn Fn(&Funding) -> bool,
) -> Value {
    let what = format!("[{:?}] {level} × {dimension} {placement} {filter}", app.backend);
    let want = reference(w, level, dimension, placement == "STATED", keep);
    let vars = json!({ "level": level, "columns": dimension, "filter": filter, "placement": placement });
    let d = app.data(&matrix_query(), vars).await;
    for (alias, measure) in MEASURES {
        let what = format!("{what} {measure}");
        let v = &d[alias];
        let echo = [&v["level"], &v["dimension"], &v["measure"], &v["placement"]].map(|e| e.as_str());
        assert_eq!(echo, [level, dimension, measure, placement].map(Some), "{what}");
        check_columns(&what, dimension, v, &want);
        let (_, totals, cells) = read_matrix(v, &what);
        let want_totals: BTreeMap<_, _> = want.totals.iter().map(|(k, f)| (k.clone(), shown(f, measure))).collect();
        assert_eq!(totals, want_totals, "{what}: the row totals");
        let want_cells: BTreeMap<_, _> = want.cells.iter().map(|(k, f)| (k.clone(), shown(f, measure))).collect();
        for (k, c) in &want_cells {
            assert_eq!(cells.get(k), Some(c), "{what}: the cell {k:?}");
        }
        assert_eq!(cells.len(), want_cells.len(), "{what}: the non-empty cells");
        let grand: i64 = want.totals.values().map(|f| measured(f, measure)).sum();
        assert_eq!(cents(&v["grandTotal"]["amount"]), grand, "{what}: grandTotal");
    }
    d
}

/// Each row's total is `fundingByRegion`'s for the region (sum, fundings, programmes), and the
/// level's buckets and grand total are too.
fn rows_agree_with_funding_by_region(what: &str, d: &Value, r: &Report) {
    let awarded = &d["awarded"];
    assert_eq!(cents(&awarded["grandTotal"]["amount"]), r.grand, "{what}: grandTotal");
    let programmes: BTreeMap<&str, i64> = d["co"]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["region"]["id"].as_str().unwrap(), row["total"]["programmeCount"].as_i64().unwrap()))
        .collect();
    let rows = awarded["regions"].as_array().unwrap();
    assert_eq!(rows.len(), r.regions.len(), "{what}: the level's regions");
    for row in rows {
        let id = row["region"]["id"].as_str().unwrap();
        let want = &r.regions[id];
        let total = (cents(&row["total"]["amount"]["amount"]), row["total"]["fundingCount"].as_i64().unwrap());
        assert_eq!(total, (want.total.cents, want.total.count), "{what}: region {id}");
        assert_eq!(programmes[id], want.programmes, "{what}: region {id}'s programmes");
    }
    for (name, want) in [("unsplit", r.unsplit), ("outsideLevel", r.outside), ("unallocated", r.unallocated)] {
        let t = &awarded[name]["total"];
        let got = (cents(&t["amount"]["amount"]), t["fundingCount"].as_i64().unwrap());
        assert_eq!(got, (want.cents, want.count), "{what}: {name}");
    }
}

/// The timeline under each measure equals the reference; its years are consecutive and add up to
/// its total. Returns the `AWARDED` total.
async fn check_timeline(app: &TestApp, w: &World, filter: &Value, keep: &dyn Fn(&Funding) -> bool) -> i64 {
    let (want_years, want_total) = timeline(w, keep);
    let mut awarded = 0;
    for (_, measure) in MEASURES {
        let what = format!("[{:?}] timeline {measure} {filter}", app.backend);
        let (years, (amount, total)) = read_timeline(app, measure, filter).await;
        assert_eq!((amount, total.clone()), shown_all(&want_total, measure), "{what}: total");
        let known: Vec<i32> = years.iter().filter_map(|y| y.0).collect();
        let lo_hi = (want_years.keys().flatten().min().copied(), want_years.keys().flatten().max().copied());
        let want_known: Vec<i32> = match lo_hi {
            (Some(lo), Some(hi)) => (lo..=hi).collect(),
            _ => Vec::new(),
        };
        assert_eq!(known, want_known, "{what}: every year from the first to the last");
        let unknown: Vec<usize> = years.iter().enumerate().filter(|(_, y)| y.0.is_none()).map(|(i, _)| i).collect();
        let want_unknown = if want_years.contains_key(&None) { vec![years.len() - 1] } else { Vec::new() };
        assert_eq!(unknown, want_unknown, "{what}: the unknown year once, last");
        for (year, amount, f) in &years {
            let want = want_years
                .get(year)
                .map(|f| shown_all(f, measure))
                .unwrap_or_else(|| (0, Figures { programmes: Some(0), ..Figures::default() }));
            assert_eq!((*amount, f.clone()), want, "{what}: year {year:?}");
        }
        let sum: i64 = years.iter().map(|y| y.1).sum();
        let count: i64 = years.iter().map(|y| y.2.count).sum();
        assert_eq!((sum, count), (amount, total.count), "{what}: the years add up to the total");
        if measure == "AWARDED" {
            awarded = amount;
        }
    }
    awarded
}

/// The reference figures as the timeline shows them (programme counts always asked for).
fn shown_all(f: &Figures, measure: &str) -> (i64, Figures) {
    (measured(f, measure), Figures { awarded: 0, co: 0, ..f.clone() })
}

#[actix_web::test]
async fn every_cell_row_and_year_on_generated_data_equals_the_rules_recomputed_from_the_records() {
    for backend in backends() {
        let app = matrix_app(backend, 7).await;
        let w = fetch(&app).await;
        assert_the_data_has_every_case(&w, backend);
        let mut target_groups_overlap = false;
        for level in LEVELS {
            for placement in PLACEMENTS {
                let by_region = report(&app, level, placement, &Value::Null).await;
                for dimension in DIMENSIONS {
                    let d = check_matrix(&app, &w, level, dimension, placement, &Value::Null, &|_| true).await;
                    let what = format!("[{backend:?}] {level} × {dimension} {placement}");
                    rows_agree_with_funding_by_region(&what, &d, &by_region);
                    if dimension == "TARGET_GROUP" {
                        // A funding counts in each of its programme's groups: some row's cells add
                        // up to more than its total.
                        let rows = d["awarded"]["regions"].as_array().unwrap();
                        target_groups_overlap |= rows.iter().any(|r| {
                            let cells: i64 = r["cells"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|c| c["fundingCount"].as_i64().unwrap())
                                .sum();
                            cells > r["total"]["fundingCount"].as_i64().unwrap()
                        });
                    }
                }
            }
        }
        assert!(target_groups_overlap, "{backend:?}: no row where target groups overlap");

        let grand = report(&app, "LANDSDEEL", "STATED_AND_PROGRAMME", &Value::Null).await.grand;
        assert_eq!(check_timeline(&app, &w, &Value::Null, &|_| true).await, grand, "{backend:?}: timeline total");

        // fundingByRegion.byYear: per region, per funding year.
        let q = "{ fundingByRegion(level: PROVINCE) { regions { region { id } byYear { year totalAwarded { amount } fundingCount } } } }";
        let d = app.data(q, json!({})).await;
        let want = reference(&w, "PROVINCE", "YEAR", false, &|_| true);
        for row in d["fundingByRegion"]["regions"].as_array().unwrap() {
            let id = row["region"]["id"].as_str().unwrap().to_owned();
            let got: Vec<(String, i64, i64)> = row["byYear"]
                .as_array()
                .unwrap()
                .iter()
                .map(|y| {
                    let key = y["year"].as_i64().map_or_else(|| "YEAR_UNKNOWN".to_owned(), |y| y.to_string());
                    (key, cents(&y["totalAwarded"]["amount"]), y["fundingCount"].as_i64().unwrap())
                })
                .collect();
            let mut wanted: Vec<(String, i64, i64)> =
                want.cells.iter().filter(|(k, _)| k.0 == id).map(|(k, f)| (k.1.clone(), f.awarded, f.count)).collect();
            // Years ascending, the unknown year last.
            wanted.sort_by_key(|(k, _, _)| (k == "YEAR_UNKNOWN", k.clone()));
            assert_eq!(got, wanted, "{backend:?}: byYear of {id}");
        }
    }
}

#[actix_web::test]
async fn filtered_matrices_and_timelines_match_the_rules_and_the_year_filter_agrees_with_the_year_columns() {
    for backend in backends() {
        let app = matrix_app(backend, 8).await;
        let w = fetch(&app).await;
        let mut per_scheme = BTreeMap::<String, usize>::new();
        w.fundings.iter().filter_map(|f| f.scheme.clone()).for_each(|s| *per_scheme.entry(s).or_default() += 1);
        let mut ranked: Vec<_> = per_scheme.into_iter().collect();
        ranked.sort_by_key(|(s, n)| (std::cmp::Reverse(*n), s.clone()));
        let schemes: Vec<String> = ranked.into_iter().take(2).map(|(s, _)| s).collect();
        let in_schemes = |f: &Funding| f.scheme.as_ref().is_some_and(|s| schemes.contains(s));
        for level in ["LANDSDEEL", "PROVINCE"] {
            for placement in PLACEMENTS {
                for dimension in ["SCHEME", "YEAR", "TARGET_GROUP"] {
                    check_matrix(&app, &w, level, dimension, placement, &json!({ "scheme": schemes }), &in_schemes)
                        .await;
                }
            }
        }
        check_timeline(&app, &w, &json!({ "scheme": schemes }), &in_schemes).await;

        // The year filter: the list, the matrix, the timeline and the YEAR columns agree.
        let (from, to) = (2015, 2018);
        let in_years = |f: &Funding| f.year.is_some_and(|y| (from..=to).contains(&y));
        let filter = json!({ "year": { "from": from, "to": to } });
        let want: BTreeSet<String> = w.fundings.iter().filter(|f| in_years(f)).map(|f| f.key.clone()).collect();
        assert!(!want.is_empty() && want.len() < w.fundings.len() / 2, "{backend:?}: {}", want.len());
        assert_eq!(listed_keys(&app, &filter).await, want, "{backend:?}: fundings(filter: {{ year }})");
        let open = json!({ "year": { "from": 2020 } });
        let after: BTreeSet<String> =
            w.fundings.iter().filter(|f| f.year.is_some_and(|y| y >= 2020)).map(|f| f.key.clone()).collect();
        assert_eq!(listed_keys(&app, &open).await, after, "{backend:?}: an open end");
        for dimension in DIMENSIONS {
            check_matrix(&app, &w, "PROVINCE", dimension, "STATED_AND_PROGRAMME", &filter, &in_years).await;
        }
        check_timeline(&app, &w, &filter, &in_years).await;
        let whole = check_matrix(&app, &w, "PROVINCE", "YEAR", "STATED", &Value::Null, &|_| true).await;
        let part = check_matrix(&app, &w, "PROVINCE", "YEAR", "STATED", &filter, &in_years).await;
        let (keys, _, part_cells) = read_matrix(&part["awarded"], "year-filtered");
        assert_eq!(keys, (from..=to).map(|y| y.to_string()).collect::<Vec<_>>(), "{backend:?}: the filtered columns");
        let (_, _, whole_cells) = read_matrix(&whole["awarded"], "unfiltered");
        let within: BTreeMap<_, _> = whole_cells.into_iter().filter(|(k, _)| keys.contains(&k.1)).collect();
        assert_eq!(part_cells, within, "{backend:?}: the filtered cells are the unfiltered ones of those years");

        // Conditions only the placement rows answer: a status, a region with a year.
        let awarded = |f: &Funding| f.status.as_deref() == Some("AWARDED");
        check_matrix(&app, &w, "PROVINCE", "YEAR", "STATED_AND_PROGRAMME", &json!({ "status": ["AWARDED"] }), &awarded)
            .await;
        let noord = w.region("LANDSDEEL", "NOORD");
        let members = w.members(&noord, false);
        let in_noord = |f: &Funding| members.contains(&f.key) && in_years(f);
        let filter = json!({ "region": noord, "year": { "from": from, "to": to } });
        check_matrix(&app, &w, "PROVINCE", "PROGRAMME_KIND", "STATED_AND_PROGRAMME", &filter, &in_noord).await;
        check_timeline(&app, &w, &filter, &in_noord).await;
    }
}

#[actix_web::test]
async fn a_year_range_that_ends_before_it_starts_or_leaves_1900_to_2100_is_refused_with_bad_user_input() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let cases = [
            ("fundings(filter: $f) { totalCount }", json!({ "year": { "from": 2019, "to": 2017 } }), "filter.year"),
            (
                "fundingTimeline(filter: $f) { total { fundingCount } }",
                json!({ "year": { "from": 1800 } }),
                "filter.year.from",
            ),
            (
                "fundingMatrix(rows: PROVINCE, columns: YEAR, filter: $f) { grandTotal { amount } }",
                json!({ "year": { "from": 2018, "to": 2017 } }),
                "filter.year",
            ),
            (
                "fundingByRegion(level: PROVINCE, filter: $f) { grandTotal { amount } }",
                json!({ "year": { "to": 2101 } }),
                "filter.year.to",
            ),
        ];
        for (field, filter, argument) in cases {
            let body = app.query(&format!("query($f: FundingFilter) {{ {field} }}"), json!({ "f": filter })).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?}: {field} {filter}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains(&format!("`{argument}`")), "{backend:?}: {message}");
            assert!(body["data"].is_null(), "{backend:?}: {body}");
        }
        // The same year for both ends is one year, and it is accepted.
        let body =
            app.query("{ fundings(filter: { year: { from: 2017, to: 2017 } }) { totalCount } }", json!({})).await;
        assert!(body.get("errors").is_none(), "{backend:?}: {body}");
    }
}

#[test]
fn the_reference_puts_a_funding_in_each_target_group_of_its_programme() {
    // The reference's own column rule, checked by hand.
    let f = |programme: Option<&str>, groups: &[&str]| Funding {
        key: "f".into(),
        cents: 100,
        scheme: None,
        status: None,
        organisations: Vec::new(),
        programme: programme.map(String::from),
        programme_regions: Vec::new(),
        allocations: Vec::new(),
        co: None,
        year: None,
        programme_kind: programme.map(|_| "PROJECT".into()),
        target_groups: groups.iter().map(|g| (*g).to_owned()).collect(),
    };
    assert_eq!(columns_of(&f(Some("p"), &["MBO", "HBO"]), "TARGET_GROUP"), ["MBO", "HBO"]);
    assert_eq!(columns_of(&f(Some("p"), &[]), "TARGET_GROUP"), ["NO_TARGET_GROUP"]);
    assert_eq!(columns_of(&f(None, &[]), "TARGET_GROUP"), ["NO_PROGRAMME"]);
    assert_eq!(columns_of(&f(None, &[]), "YEAR"), ["YEAR_UNKNOWN"]);
    assert_eq!(columns_of(&f(None, &[]), "SCHEME"), ["NO_SCHEME"]);
}
