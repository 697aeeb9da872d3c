//! Walking lists page by page over HTTP, several lists per request, and checking each walk against
//! its reference.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::prelude::*;
use serde_json::json;
use techniekpact_api::db::schema::*;

use super::data::{ordered, rows, Field, Key, Source};
use crate::helpers::TestApp;

/// One list to page: where it hangs (`None` for a root list, else the parent field with its
/// arguments), its rows, and its field and node key in the API.
pub(super) struct Target {
    pub(super) source: Source,
    pub(super) parent: Option<String>,
    pub(super) list: &'static str,
    pub(super) node_key: &'static str,
}

impl Target {
    pub(super) fn root_fundings() -> Self {
        Self { source: Source::Fundings, parent: None, list: "fundings", node_key: "key" }
    }
    pub(super) fn root_programmes() -> Self {
        Self { source: Source::Programmes, parent: None, list: "programmes", node_key: "slug" }
    }
    pub(super) fn of_programme(id: i64, slug: &str) -> Self {
        let parent = Some(format!("programme(slug: {})", json!(slug)));
        Self { source: Source::FundingsOfProgramme(id), parent, list: "fundings", node_key: "key" }
    }
    pub(super) fn of_scheme(id: i64, code: &str) -> Self {
        let parent = Some(format!("fundingScheme(code: {})", json!(code)));
        Self { source: Source::FundingsOfScheme(id), parent, list: "fundings", node_key: "key" }
    }
    pub(super) fn order_type(&self) -> &'static str {
        if self.source == Source::Programmes {
            "ProgrammeOrder"
        } else {
            "FundingOrder"
        }
    }
}

/// One request for the next page of each open target (aliased `t0`, `t1`, …; cursors `$c0`, …).
fn page_query(targets: &[Target], open: &[usize], size: usize, backward: bool) -> String {
    let (count, position) = if backward { ("last", "before") } else { ("first", "after") };
    let mut variables = vec![format!("$order: {}", targets[0].order_type())];
    let mut body = String::new();
    for &i in open {
        let t = &targets[i];
        variables.push(format!("$c{i}: String"));
        let connection = format!(
            "{}({count}: {size}, {position}: $c{i}, orderBy: $order) {{ pageInfo {{ hasNextPage hasPreviousPage \
             startCursor endCursor }} nodes {{ {} }} }}",
            t.list, t.node_key
        );
        match &t.parent {
            Some(p) => body.push_str(&format!(" t{i}: {p} {{ {connection} }}")),
            None => body.push_str(&format!(" t{i}: {connection}")),
        }
    }
    format!("query({}) {{{body} }}", variables.join(", "))
}

static COPIES: AtomicU32 = AtomicU32::new(0);

/// Inserts a copy of the row with API key `key` (the same sort values and parents, a new key and a
/// higher id, so it ties with that row); returns the copy's key.
async fn insert_tied_copy(app: &TestApp, source: Source, key: &str) -> String {
    let copy = format!("tied-copy-{}", COPIES.fetch_add(1, Ordering::SeqCst));
    let (key, new) = (key.to_owned(), copy.clone());
    app.with_conn(move |c| {
        let sql = if source == Source::Programmes {
            let id: i64 =
                programme::table.filter(programme::slug.eq(&key)).select(programme::id).first(c).expect("boundary");
            format!(
                "INSERT INTO programme (slug, name, description, kind, theme, start_date, start_precision, end_date, \
                 end_precision, website, status, status_year, owner_id, aliases, sort_key, search_text, created_at, \
                 updated_at, version, note, status_inferred, status_note) SELECT '{new}', name, description, kind, \
                 theme, start_date, start_precision, end_date, end_precision, website, status, status_year, owner_id, \
                 aliases, sort_key, search_text, created_at, updated_at, version, note, status_inferred, status_note \
                 FROM programme WHERE id = {id}"
            )
        } else {
            let id: i64 = funding::table.filter(funding::key.eq(&key)).select(funding::id).first(c).expect("boundary");
            format!(
                "INSERT INTO funding (key, scheme_id, funder_id, programme_id, recipient_id, start_date, \
                 start_precision, end_date, end_precision, award_date, amount_cents, co_financing_cents, qualifier, \
                 basis, status, note, sort_key, search_text, created_at, updated_at, version, award_precision) \
                 SELECT '{new}', scheme_id, funder_id, programme_id, recipient_id, start_date, start_precision, \
                 end_date, end_precision, award_date, amount_cents, co_financing_cents, qualifier, basis, status, \
                 note, sort_key, search_text, created_at, updated_at, version, award_precision FROM funding \
                 WHERE id = {id}"
            )
        };
        assert_eq!(diesel::sql_query(sql).execute(c).expect("insert the tied copy"), 1);
    })
    .await;
    copy
}

/// How a walk goes.
#[derive(Debug, Clone, Copy)]
struct Walk {
    field: Field,
    descending: bool,
    backward: bool,
    size: usize,
    /// Insert a copy of each list's page boundary after the second page.
    insert: bool,
}

/// Walks all targets page by page (one request per page for all of them) and checks each against
/// its reference: every original row once, in order; a tied copy inserted between pages is seen
/// exactly when it lies ahead of the walk (after the boundary in ascending order, before it in
/// descending order, so ahead of forward walks of ascending lists and backward walks of
/// descending ones).
async fn walk(app: &TestApp, targets: &[Target], w: Walk) {
    let label = format!("[{:?}] {w:?}", app.backend);
    let mut want = Vec::new();
    for t in targets {
        let (source, field) = (t.source, w.field);
        want.push(ordered(app.with_conn(move |c| rows(c, source, field)).await, w.descending));
    }
    let n = targets.len();
    let mut got: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut cursors: Vec<Option<String>> = vec![None; n];
    let mut done = vec![false; n];
    let mut copies: Vec<Option<String>> = vec![None; n];
    let order = json!({ "field": w.field.enum_value(), "direction": if w.descending { "DESC" } else { "ASC" } });
    for step in 0.. {
        assert!(step < 1000, "{label}: the walk ends");
        let open: Vec<usize> = (0..n).filter(|i| !done[*i]).collect();
        if open.is_empty() {
            break;
        }
        let mut variables = json!({ "order": order });
        for &i in &open {
            variables[format!("c{i}")] = json!(cursors[i]);
        }
        let d = app.data(&page_query(targets, &open, w.size, w.backward), variables).await;
        for &i in &open {
            let t = &targets[i];
            let at = &d[format!("t{i}")];
            let connection = if t.parent.is_some() { &at[t.list] } else { at };
            let keys: Vec<String> = connection["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{label}: nodes of t{i}: {d}"))
                .iter()
                .map(|node| node[t.node_key].as_str().expect("a key").to_owned())
                .collect();
            let info = &connection["pageInfo"];
            assert!(keys.len() <= w.size, "{label}");
            let (more, given) = if w.backward {
                (info["hasPreviousPage"].as_bool(), info["hasNextPage"].as_bool())
            } else {
                (info["hasNextPage"].as_bool(), info["hasPreviousPage"].as_bool())
            };
            assert_eq!(given, Some(cursors[i].is_some()), "{label} t{i}: the flag of the side a cursor was given for");
            let more = more == Some(true);
            if more {
                assert_eq!(keys.len(), w.size, "{label} t{i}: a page before the last is full");
            }
            let boundary = if w.backward { keys.first().cloned() } else { keys.last().cloned() };
            if w.backward {
                got[i].splice(0..0, keys);
                cursors[i] = info["startCursor"].as_str().map(String::from);
            } else {
                got[i].extend(keys);
                cursors[i] = info["endCursor"].as_str().map(String::from);
            }
            if !more {
                done[i] = true;
            } else if w.insert && step == 1 {
                let boundary = boundary.expect("a full page has a boundary row");
                copies[i] = Some(insert_tied_copy(app, t.source, &boundary).await);
            }
        }
    }
    if w.insert {
        assert!(copies.iter().any(Option::is_some), "{label}: a tied row was inserted between pages");
    }
    for i in 0..n {
        let original: HashSet<&String> = want[i].iter().collect();
        let seen: Vec<String> = got[i].iter().filter(|k| original.contains(k)).cloned().collect();
        assert_eq!(seen, want[i], "{label} t{i} {:?}: every original row once, in order", targets[i].source);
        let ahead = w.backward == w.descending;
        let expected = usize::from(copies[i].is_some() && ahead);
        let copy_seen = copies[i].as_ref().map_or(0, |c| got[i].iter().filter(|k| *k == c).count());
        assert_eq!(copy_seen, expected, "{label} t{i}: the tied copy {:?} (ahead: {ahead})", copies[i]);
        assert_eq!(got[i].len(), want[i].len() + expected, "{label} t{i}: nothing else in the walk");
    }
}

/// Every walk of `field`: both directions, forwards and backwards, with and without a tied row
/// inserted between pages.
pub(super) async fn walk_every_way(app: &TestApp, targets: &[Target], field: Field, size: usize) {
    for insert in [false, true] {
        for descending in [false, true] {
            for backward in [false, true] {
                walk(app, targets, Walk { field, descending, backward, size, insert }).await;
            }
        }
    }
}

/// Checks that a list has ties in `field` and rows without a value (for nullable fields).
pub(super) async fn assert_ties_and_gaps(app: &TestApp, source: Source, field: Field) {
    let rows = app.with_conn(move |c| rows(c, source, field)).await;
    let mut counts: BTreeMap<Option<Key>, usize> = BTreeMap::new();
    for r in rows {
        *counts.entry(r.value).or_default() += 1;
    }
    assert!(counts.iter().any(|(v, n)| v.is_some() && *n > 2), "{source:?} {field:?}: ties");
    if field != Field::Amount {
        assert!(counts.get(&None).copied().unwrap_or(0) > 2, "{source:?} {field:?}: rows without a value");
    }
}
