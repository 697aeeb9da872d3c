//! The reference for `matrix.rs`: cross-tables and timelines computed here from the fundings the
//! API lists (with allocations, programme regions, kinds and target groups, co-financing and
//! dates), placed by `placement_reference.rs`'s own rules, and the API's answers read into the
//! same shape.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::placement_reference::{cents, Bucket, Funding, World};

/// A row of a cross-table: a region ID, or `UNSPLIT`, `OUTSIDE_LEVEL`, `UNALLOCATED`.
pub type RowKey = String;

/// One cell's (or row's, or year's) figures; `programmes` is `None` where not asked for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Figures {
    pub awarded: i64,
    pub co: i64,
    pub count: i64,
    pub without_co: i64,
    pub programmes: Option<i64>,
}

/// Figures while they are summed: the programmes as a set.
#[derive(Default)]
struct Sum {
    awarded: i64,
    co: i64,
    fundings: BTreeSet<String>,
    without_co: BTreeSet<String>,
    programmes: BTreeSet<String>,
}

impl Sum {
    fn add(&mut self, f: &Funding, awarded: i64, co: i64) {
        self.awarded += awarded;
        self.co += co;
        self.fundings.insert(f.key.clone());
        if f.co.is_none() {
            self.without_co.insert(f.key.clone());
        }
        self.programmes.extend(f.programme.clone());
    }

    fn figures(&self) -> Figures {
        Figures {
            awarded: self.awarded,
            co: self.co,
            count: self.fundings.len() as i64,
            without_co: self.without_co.len() as i64,
            programmes: Some(self.programmes.len() as i64),
        }
    }
}

/// A cross-table: per row, its total and its non-empty cells by column key.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub totals: BTreeMap<RowKey, Figures>,
    pub cells: BTreeMap<(RowKey, String), Figures>,
}

/// The column keys (as the API's `FundingMatrixColumn.key`) a funding falls in.
pub fn columns_of(f: &Funding, dimension: &str) -> Vec<String> {
    match dimension {
        "SCHEME" => vec![f.scheme.clone().unwrap_or_else(|| "NO_SCHEME".into())],
        "YEAR" => vec![f.year.map_or_else(|| "YEAR_UNKNOWN".into(), |y| y.to_string())],
        "PROGRAMME_KIND" => vec![f.programme_kind.clone().unwrap_or_else(|| "NO_PROGRAMME".into())],
        "TARGET_GROUP" if f.programme.is_none() => vec!["NO_PROGRAMME".into()],
        "TARGET_GROUP" if f.target_groups.is_empty() => vec!["NO_TARGET_GROUP".into()],
        "TARGET_GROUP" => f.target_groups.clone(),
        other => panic!("no dimension {other}"),
    }
}

/// The funding's amounts per row at `level`: a part of no cent places nothing, unless the whole
/// funding is zero (README "Funding per region").
fn rows_of(w: &World, f: &Funding, level: &str, stated: bool) -> BTreeMap<RowKey, (i64, i64)> {
    let zero = f.cents == 0 && f.co.unwrap_or(0) == 0;
    let mut rows: BTreeMap<RowKey, (i64, i64)> = BTreeMap::new();
    for (bucket, c, co, _) in w.pieces(f, level, stated) {
        if c == 0 && co == 0 && !zero {
            continue;
        }
        let key = match bucket {
            Bucket::Region(id) => id,
            Bucket::Outside => "OUTSIDE_LEVEL".into(),
            Bucket::Unsplit(_) => "UNSPLIT".into(),
            Bucket::Unallocated => "UNALLOCATED".into(),
        };
        let e = rows.entry(key).or_default();
        e.0 += c;
        e.1 += co;
    }
    rows
}

/// The cross-table the rules give at `level` with `dimension` columns over the fundings `keep` keeps.
pub fn reference(w: &World, level: &str, dimension: &str, stated: bool, keep: &dyn Fn(&Funding) -> bool) -> Matrix {
    let (mut totals, mut cells) = (BTreeMap::<RowKey, Sum>::new(), BTreeMap::<(RowKey, String), Sum>::new());
    for f in w.fundings.iter().filter(|f| keep(f)) {
        for (row, (c, co)) in rows_of(w, f, level, stated) {
            totals.entry(row.clone()).or_default().add(f, c, co);
            for column in columns_of(f, dimension) {
                cells.entry((row.clone(), column)).or_default().add(f, c, co);
            }
        }
    }
    Matrix {
        totals: totals.into_iter().map(|(k, s)| (k, s.figures())).collect(),
        cells: cells.into_iter().map(|(k, s)| (k, s.figures())).collect(),
    }
}

/// The timeline the rules give: per year (`None`: unknown), and over all.
pub fn timeline(w: &World, keep: &dyn Fn(&Funding) -> bool) -> (BTreeMap<Option<i32>, Figures>, Figures) {
    let (mut years, mut all) = (BTreeMap::<Option<i32>, Sum>::new(), Sum::default());
    for f in w.fundings.iter().filter(|f| keep(f)) {
        let co = f.co.unwrap_or(0);
        years.entry(f.year).or_default().add(f, f.cents, co);
        all.add(f, f.cents, co);
    }
    (years.into_iter().map(|(k, s)| (k, s.figures())).collect(), all.figures())
}

const FIGURES: &str = "amount { amount } fundingCount withoutCoFinancingCount";

/// One matrix per measure in one request; programme counts asked for only under `CO_FINANCING`
/// (so the other two may be read from the maintained totals).
pub fn matrix_query() -> String {
    let m = |alias: &str, measure: &str, extra: &str| {
        format!(
            "{alias}: fundingMatrix(rows: $level, columns: $columns, measure: {measure}, filter: $filter, placement: $placement) {{
               level dimension measure placement grandTotal {{ amount }}
               columns {{ dimension key labelNl labelEn scheme {{ id }} year yearUnknown programmeKind targetGroup noProgramme }}
               regions {{ region {{ id }} total {{ {FIGURES} {extra} }} cells {{ column {{ key }} {FIGURES} {extra} }} }}
               unsplit {{ region {{ id }} total {{ {FIGURES} {extra} }} cells {{ column {{ key }} {FIGURES} {extra} }} }}
               outsideLevel {{ total {{ {FIGURES} {extra} }} cells {{ column {{ key }} {FIGURES} {extra} }} }}
               unallocated {{ total {{ {FIGURES} {extra} }} cells {{ column {{ key }} {FIGURES} {extra} }} }} }}"
        )
    };
    format!(
        "query($level: RegionScheme!, $columns: FundingDimension!, $filter: FundingFilter, $placement: Placement!) {{ {} {} {} }}",
        m("awarded", "AWARDED", ""),
        m("co", "CO_FINANCING", "programmeCount"),
        m("total", "TOTAL", "")
    )
}

fn figures(v: &Value) -> Shown {
    let f = Figures {
        awarded: 0,
        co: 0,
        count: v["fundingCount"].as_i64().unwrap(),
        without_co: v["withoutCoFinancingCount"].as_i64().unwrap(),
        programmes: v["programmeCount"].as_i64(),
    };
    (cents(&v["amount"]["amount"]), f)
}

/// A measure's amount with the figures beside it (their `awarded` and `co` left at 0).
pub type Shown = (i64, Figures);

/// One matrix as read: the column keys in order, the rows' totals, the non-empty cells.
pub type Read = (Vec<String>, BTreeMap<RowKey, Shown>, BTreeMap<(RowKey, String), Shown>);

/// One measure's answer: the column keys in order, and per row its total and non-empty cells;
/// fails on a cell that is empty yet not zero.
pub fn read_matrix(v: &Value, what: &str) -> Read {
    let keys: Vec<String> =
        v["columns"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap().to_owned()).collect();
    let mut rows = vec![];
    for r in v["regions"].as_array().unwrap() {
        rows.push((r["region"]["id"].as_str().unwrap().to_owned(), r));
    }
    for (name, key) in [("unsplit", "UNSPLIT"), ("outsideLevel", "OUTSIDE_LEVEL"), ("unallocated", "UNALLOCATED")] {
        rows.push((key.to_owned(), &v[name]));
    }
    let (mut totals, mut cells) = (BTreeMap::new(), BTreeMap::new());
    for (key, r) in rows {
        let (amount, f) = figures(&r["total"]);
        if f.count > 0 || amount != 0 {
            totals.insert(key.clone(), (amount, f));
        }
        let row_cells = r["cells"].as_array().unwrap();
        let got: Vec<&str> = row_cells.iter().map(|c| c["column"]["key"].as_str().unwrap()).collect();
        assert_eq!(got, keys, "{what}: row {key}'s cells are the columns in order");
        for c in row_cells {
            let (amount, f) = figures(c);
            if f.count == 0 {
                assert_eq!((amount, f.without_co, f.programmes.unwrap_or(0)), (0, 0, 0), "{what}: an empty cell {c}");
                continue;
            }
            cells.insert((key.clone(), c["column"]["key"].as_str().unwrap().to_owned()), (amount, f));
        }
    }
    (keys, totals, cells)
}

/// The API's timeline: per year (`None`: unknown) with its amount, and the total.
pub async fn read_timeline(app: &TestApp, measure: &str, filter: &Value) -> (Vec<(Option<i32>, i64, Figures)>, Shown) {
    let q = format!(
        "query($filter: FundingFilter, $measure: FundingMeasure!) {{ fundingTimeline(filter: $filter, measure: $measure) {{
            measure years {{ year yearUnknown {FIGURES} programmeCount }} total {{ {FIGURES} programmeCount }} }} }}"
    );
    let d = app.data(&q, json!({ "filter": filter, "measure": measure })).await;
    let t = &d["fundingTimeline"];
    assert_eq!(t["measure"], measure, "{t}");
    let years = t["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            let year = y["year"].as_i64().map(|y| y as i32);
            assert_eq!(y["yearUnknown"].as_bool(), Some(year.is_none()), "{y}");
            let (amount, f) = figures(y);
            (year, amount, f)
        })
        .collect();
    (years, figures(&t["total"]))
}

/// The amount of `f` under `measure`.
pub fn measured(f: &Figures, measure: &str) -> i64 {
    match measure {
        "AWARDED" => f.awarded,
        "CO_FINANCING" => f.co,
        "TOTAL" => f.awarded + f.co,
        other => panic!("no measure {other}"),
    }
}
