//! The reference for `placement.rs`: every region and funding read back through the API, placed
//! again here by the documented rules (README "Funding per region"), independently of the
//! service's own placement, and `fundingByRegion` read into the same shape to compare.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::helpers::TestApp;

pub const LEVELS: [&str; 4] = ["LANDSDEEL", "PROVINCE", "SUBREGION", "ARBEIDSMARKTREGIO"];
pub const PLACEMENTS: [&str; 2] = ["STATED_AND_PROGRAMME", "STATED"];
const NO_SCHEME: &str = "No scheme (named funder)";

pub struct Region {
    pub scheme: Option<String>,
    pub code: String,
    pub parent: Option<String>,
}

pub struct Funding {
    pub key: String,
    pub cents: i64,
    pub scheme: Option<String>,
    pub status: Option<String>,
    /// The recipient and the named funder.
    pub organisations: Vec<String>,
    pub programme: Option<String>,
    pub programme_regions: Vec<String>,
    /// Region, share, and the API's own split amount (only to cross-check the split).
    pub allocations: Vec<(String, Option<i64>, Option<i64>)>,
    /// The co-financing in cents, where stated.
    pub co: Option<i64>,
    /// The award year, else the period's start year.
    pub year: Option<i32>,
    pub programme_kind: Option<String>,
    pub target_groups: Vec<String>,
}

/// Every region (by ID) and funding, as the API returns them.
pub struct World {
    pub regions: BTreeMap<String, Region>,
    pub fundings: Vec<Funding>,
}

/// A sum of cents and how many fundings contribute to it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub cents: i64,
    pub count: i64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RegionRow {
    pub total: Total,
    pub programmes: i64,
    pub through: Total,
    pub by_scheme: BTreeMap<Option<String>, Total>,
}

/// One `fundingByRegion` answer; `unsplit` and `unallocated` list funding key → candidate IDs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub grand: i64,
    pub regions: BTreeMap<String, RegionRow>,
    pub unsplit: Total,
    pub outside: Total,
    pub unallocated: Total,
    pub unsplit_listed: BTreeMap<String, BTreeSet<String>>,
    pub unallocated_listed: BTreeMap<String, BTreeSet<String>>,
}

pub enum Bucket {
    Region(String),
    Outside,
    Unsplit(BTreeSet<String>),
    Unallocated,
}

/// `"123.45"` in cents.
pub fn cents(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("a decimal string: {v}"));
    let (euros, c) = s.split_once('.').unwrap_or_else(|| panic!("two decimals: {s}"));
    assert_eq!(c.len(), 2, "two decimals: {s}");
    euros.parse::<i64>().unwrap() * 100 + c.parse::<i64>().unwrap()
}

fn id(v: &Value) -> Option<String> {
    v["id"].as_str().map(String::from)
}

/// Largest remainder: floor parts, the leftover cents one each to the largest remainders, ties to
/// the earlier allocation.
pub fn split(amount: i64, shares: &[i64]) -> Vec<i64> {
    let mut parts: Vec<i64> = shares.iter().map(|s| amount * s / 10_000).collect();
    let left = amount - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(amount * shares[i] % 10_000), i));
    for &i in order.iter().take(usize::try_from(left).unwrap()) {
        parts[i] += 1;
    }
    parts
}

const REGIONS: &str = "{ regions(first: 100) { pageInfo { hasNextPage } nodes { id code scheme parent { id } } } }";
const FUNDINGS: &str = "query($after: String) { fundings(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { key status amountAwarded { amount } scheme { id } funder { id } recipient { id }
            coFinancing { amount } awardDate { value } period { start { value } }
            programme { id kind targetGroups regions { id } } allocations { region { id } shareBasisPoints amount { amount } } } } }";

pub async fn fetch_regions(app: &TestApp) -> BTreeMap<String, Region> {
    let d = app.data(REGIONS, json!({})).await;
    assert_eq!(d["regions"]["pageInfo"]["hasNextPage"], false, "more than 100 regions");
    let nodes = d["regions"]["nodes"].as_array().unwrap();
    nodes
        .iter()
        .map(|r| {
            let region = Region {
                scheme: r["scheme"].as_str().map(String::from),
                code: r["code"].as_str().unwrap().to_owned(),
                parent: id(&r["parent"]),
            };
            (id(r).unwrap(), region)
        })
        .collect()
}

pub async fn fetch(app: &TestApp) -> World {
    let regions = fetch_regions(app).await;
    let mut fundings = Vec::new();
    let mut after = Value::Null;
    loop {
        let d = app.data(FUNDINGS, json!({ "after": after })).await;
        for f in d["fundings"]["nodes"].as_array().unwrap() {
            let allocations = f["allocations"].as_array().unwrap().iter();
            let year = [&f["awardDate"]["value"], &f["period"]["start"]["value"]]
                .into_iter()
                .find_map(|v| v.as_str().map(|d| d[..4].parse::<i32>().unwrap()));
            fundings.push(Funding {
                co: f["coFinancing"]["amount"].as_str().map(|_| cents(&f["coFinancing"]["amount"])),
                year,
                programme_kind: f["programme"]["kind"].as_str().map(String::from),
                target_groups: f["programme"]["targetGroups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|g| g.as_str().unwrap().to_owned())
                    .collect(),
                key: f["key"].as_str().unwrap().to_owned(),
                cents: cents(&f["amountAwarded"]["amount"]),
                scheme: id(&f["scheme"]),
                status: f["status"].as_str().map(String::from),
                organisations: [id(&f["recipient"]), id(&f["funder"])].into_iter().flatten().collect(),
                programme: id(&f["programme"]),
                programme_regions: f["programme"]["regions"].as_array().into_iter().flatten().filter_map(id).collect(),
                allocations: allocations
                    .map(|a| {
                        let amount = a["amount"]["amount"].as_str().map(|_| cents(&a["amount"]["amount"]));
                        (id(&a["region"]).expect("an allocation's region"), a["shareBasisPoints"].as_i64(), amount)
                    })
                    .collect(),
            });
        }
        let page = &d["fundings"]["pageInfo"];
        if page["hasNextPage"] != true {
            break;
        }
        after = page["endCursor"].clone();
    }
    World { regions, fundings }
}

/// The keys of the fundings `fundings(filter:)` lists, every page.
pub async fn listed_keys(app: &TestApp, filter: &Value) -> BTreeSet<String> {
    let q = "query($f: FundingFilter, $after: String) { fundings(first: 100, after: $after, filter: $f) {
        pageInfo { hasNextPage endCursor } nodes { key } } }";
    let (mut keys, mut after) = (BTreeSet::new(), Value::Null);
    loop {
        let d = app.data(q, json!({ "f": filter, "after": after })).await;
        keys.extend(d["fundings"]["nodes"].as_array().unwrap().iter().map(|n| n["key"].as_str().unwrap().to_owned()));
        if d["fundings"]["pageInfo"]["hasNextPage"] != true {
            return keys;
        }
        after = d["fundings"]["pageInfo"]["endCursor"].clone();
    }
}

impl World {
    pub fn region(&self, scheme: &str, code: &str) -> String {
        let found = self.regions.iter().find(|(_, r)| r.code == code && r.scheme.as_deref() == Some(scheme));
        found.unwrap_or_else(|| panic!("no region {scheme}:{code}")).0.clone()
    }

    pub fn at_level(&self, region: &str, level: &str) -> Option<String> {
        let mut at = Some(region.to_owned());
        for _ in 0..100 {
            let id = at?;
            let r = &self.regions[&id];
            if r.scheme.as_deref() == Some(level) {
                return Some(id);
            }
            at = r.parent.clone();
        }
        panic!("a cycle of parents above {region}")
    }

    /// One funding's pieces at `level`: where, how many cents, and whether through its programme.
    fn place(&self, f: &Funding, level: &str, stated: bool) -> Vec<(Bucket, i64, bool)> {
        self.pieces(f, level, stated).into_iter().map(|(b, c, _, through)| (b, c, through)).collect()
    }

    /// One funding's pieces at `level`: where, how many cents awarded and of co-financing (split
    /// by the same shares), and whether through its programme.
    pub fn pieces(&self, f: &Funding, level: &str, stated: bool) -> Vec<(Bucket, i64, i64, bool)> {
        let co = f.co.unwrap_or(0);
        let shares: Option<Vec<i64>> = f.allocations.iter().map(|a| a.1).collect();
        if let Some(shares) = shares.filter(|s| !s.is_empty()) {
            let parts = split(f.cents, &shares).into_iter().zip(split(co, &shares));
            return parts
                .zip(&f.allocations)
                .map(|((c, co), a)| (self.at_level(&a.0, level).map_or(Bucket::Outside, Bucket::Region), c, co, false))
                .collect();
        }
        let through = f.allocations.is_empty();
        let named: Vec<&String> =
            if through { f.programme_regions.iter().collect() } else { f.allocations.iter().map(|a| &a.0).collect() };
        if named.is_empty() || (through && stated) {
            return vec![(Bucket::Unallocated, f.cents, co, false)];
        }
        let at: Option<BTreeSet<String>> = named.iter().map(|r| self.at_level(r, level)).collect();
        let bucket = match at {
            None => Bucket::Outside,
            Some(one) if one.len() == 1 => Bucket::Region(one.into_iter().next().unwrap()),
            Some(several) => Bucket::Unsplit(several),
        };
        vec![(bucket, f.cents, co, through)]
    }

    /// The keys of the fundings with cents placed in `region` at its own level.
    pub fn members(&self, region: &str, stated: bool) -> BTreeSet<String> {
        let level = self.regions[region].scheme.clone().expect("a region in a scheme");
        self.fundings
            .iter()
            .filter(|f| {
                let here = self
                    .place(f, &level, stated)
                    .into_iter()
                    .filter(|p| matches!(&p.0, Bucket::Region(r) if r == region));
                here.map(|p| p.1).sum::<i64>() > 0
            })
            .map(|f| f.key.clone())
            .collect()
    }

    /// The report the rules give at `level` over the fundings `keep` keeps.
    pub fn reference(&self, level: &str, stated: bool, keep: &dyn Fn(&Funding) -> bool) -> Report {
        let mut r = Report::default();
        for (id, _) in self.regions.iter().filter(|(_, x)| x.scheme.as_deref() == Some(level)) {
            r.regions.insert(id.clone(), RegionRow::default());
        }
        let mut programmes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let add = |t: &mut Total, c: i64| {
            t.cents += c;
            t.count += 1;
        };
        for f in self.fundings.iter().filter(|f| keep(f)) {
            r.grand += f.cents;
            let (mut here, mut outside) = (BTreeMap::<String, (i64, i64)>::new(), 0);
            for (bucket, c, through) in self.place(f, level, stated) {
                match bucket {
                    Bucket::Region(id) => {
                        let e = here.entry(id).or_default();
                        e.0 += c;
                        e.1 += if through { c } else { 0 };
                    }
                    Bucket::Outside => outside += c,
                    Bucket::Unsplit(candidates) => {
                        add(&mut r.unsplit, c);
                        r.unsplit_listed.insert(f.key.clone(), candidates);
                    }
                    Bucket::Unallocated => {
                        add(&mut r.unallocated, c);
                        r.unallocated_listed.insert(f.key.clone(), BTreeSet::new());
                    }
                }
            }
            if outside > 0 {
                add(&mut r.outside, outside);
            }
            for (id, (c, through)) in here.into_iter().filter(|h| h.1 .0 > 0) {
                let row = r.regions.get_mut(&id).expect("a region at the level");
                add(&mut row.total, c);
                if through > 0 {
                    add(&mut row.through, through);
                }
                add(row.by_scheme.entry(f.scheme.clone()).or_default(), c);
                programmes.entry(id).or_default().extend(f.programme.clone());
            }
        }
        for (id, p) in programmes {
            r.regions.get_mut(&id).unwrap().programmes = p.len() as i64;
        }
        r
    }

    /// Fails unless `got` (from the API) is `want`, naming `what` and the region.
    pub fn compare(&self, what: &str, got: &Report, want: &Report) {
        let codes =
            |m: &BTreeMap<String, RegionRow>| m.keys().map(|id| self.regions[id].code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&got.regions), codes(&want.regions), "{what}: the level's regions");
        for (id, w) in &want.regions {
            assert_eq!(&got.regions[id], w, "{what}: region {}", self.regions[id].code);
        }
        assert_eq!(got.unsplit, want.unsplit, "{what}: unsplit");
        assert_eq!(got.outside, want.outside, "{what}: outsideLevel");
        assert_eq!(got.unallocated, want.unallocated, "{what}: unallocated");
        assert_eq!(got.grand, want.grand, "{what}: grandTotal");
        for (name, g, w) in [
            ("unsplit", &got.unsplit_listed, &want.unsplit_listed),
            ("unallocated", &got.unallocated_listed, &want.unallocated_listed),
        ] {
            if w.len() <= 100 {
                assert_eq!(g, w, "{what}: the {name} fundings and their candidates");
            } else {
                assert_eq!(g.len(), 100, "{what}: the first 100 {name} fundings");
                assert!(g.iter().all(|(k, c)| w.get(k) == Some(c)), "{what}: {name} lists {g:?}");
            }
        }
    }
}

pub const REPORT: &str = "query($level: RegionScheme!, $filter: FundingFilter, $placement: Placement!) {
  fundingByRegion(level: $level, filter: $filter, placement: $placement) {
    level placement grandTotal { amount }
    regions { region { id } totalAwarded { amount } fundingCount programmeCount
              throughProgramme { totalAwarded { amount } fundingCount }
              byScheme { scheme { id } label totalAwarded { amount } fundingCount } }
    unsplit { totalAwarded { amount } fundingCount fundings { funding { key } candidates { id } } }
    outsideLevel { totalAwarded { amount } fundingCount }
    unallocated { totalAwarded { amount } fundingCount fundings { funding { key } candidates { id } } } } }";

fn total(v: &Value) -> Total {
    Total { cents: cents(&v["totalAwarded"]["amount"]), count: v["fundingCount"].as_i64().unwrap() }
}

fn listed(v: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let items = v["fundings"].as_array().unwrap().iter();
    items
        .map(|l| {
            let candidates = l["candidates"].as_array().unwrap().iter().map(|c| id(c).unwrap()).collect();
            (l["funding"]["key"].as_str().unwrap().to_owned(), candidates)
        })
        .collect()
}

/// The API's report at `level` under `placement` and `filter`, read into a [`Report`].
pub async fn report(app: &TestApp, level: &str, placement: &str, filter: &Value) -> Report {
    let vars = json!({ "level": level, "placement": placement, "filter": filter });
    let d = app.data(REPORT, vars).await;
    let v = &d["fundingByRegion"];
    assert_eq!((v["level"].as_str(), v["placement"].as_str()), (Some(level), Some(placement)), "{v}");
    let mut r = Report {
        grand: cents(&v["grandTotal"]["amount"]),
        unsplit: total(&v["unsplit"]),
        outside: total(&v["outsideLevel"]),
        unallocated: total(&v["unallocated"]),
        unsplit_listed: listed(&v["unsplit"]),
        unallocated_listed: listed(&v["unallocated"]),
        ..Report::default()
    };
    for row in v["regions"].as_array().unwrap() {
        let mut by_scheme = BTreeMap::new();
        for s in row["byScheme"].as_array().unwrap() {
            if s["scheme"].is_null() {
                assert_eq!(s["label"], NO_SCHEME, "{s}");
            }
            assert!(by_scheme.insert(id(&s["scheme"]), total(s)).is_none(), "a scheme twice: {row}");
        }
        let region = RegionRow {
            total: total(row),
            programmes: row["programmeCount"].as_i64().unwrap(),
            through: total(&row["throughProgramme"]),
            by_scheme,
        };
        assert!(r.regions.insert(id(&row["region"]).unwrap(), region).is_none(), "a region twice: {row}");
    }
    r
}
