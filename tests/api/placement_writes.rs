//! The totals `fundingByRegion` reads are kept in the write's own transaction: after each write
//! that moves a figure the very next request's reports show it, both as worked out by hand and
//! as the reference placement recomputed from the records. And a split to the cent, by hand.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::helpers::{backends, spawn_app, TestApp};
use crate::placement::{admin_token, mutate, programme, rif, shared};
use crate::placement_reference::{
    fetch, fetch_regions, report, Funding, RegionRow, Report, Total, World, LEVELS, PLACEMENTS,
};

type Reports = BTreeMap<(&'static str, &'static str), Report>;
const ALL: &str = "STATED_AND_PROGRAMME";

/// The reports of every level and placement (read first, right after the write), checked against
/// the reference recomputed from the records; and the province report by `scheme` and of those awarded.
async fn reports_after(app: &TestApp, step: &str, scheme: &Value) -> (Reports, World) {
    let mut got = Reports::new();
    for level in LEVELS {
        for placement in PLACEMENTS {
            got.insert((level, placement), report(app, level, placement, &Value::Null).await);
        }
    }
    let mut filtered = Vec::new();
    for (what, filter) in [("by scheme", json!({ "scheme": [scheme] })), ("awarded", json!({ "status": ["AWARDED"] }))]
    {
        for placement in PLACEMENTS {
            filtered.push((what, placement, report(app, "PROVINCE", placement, &filter).await));
        }
    }
    let w = fetch(app).await;
    for ((level, placement), r) in &got {
        let want = w.reference(level, *placement == "STATED", &|_| true);
        w.compare(&format!("[{:?}] after {step}: {level} {placement}", app.backend), r, &want);
    }
    for (what, placement, r) in &filtered {
        let keep = |f: &Funding| match *what {
            "by scheme" => f.scheme.as_deref() == scheme.as_str(),
            _ => f.status.as_deref() == Some("AWARDED"),
        };
        let want = w.reference("PROVINCE", *placement == "STATED", &keep);
        w.compare(&format!("[{:?}] after {step}: PROVINCE {placement} {what}", app.backend), r, &want);
    }
    (got, w)
}

/// How `read` changed from `before` to `after` in the report at `level` under `placement`.
fn moved(
    before: &Reports,
    after: &Reports,
    level: &'static str,
    placement: &'static str,
    read: impl Fn(&Report) -> i64,
) -> i64 {
    read(&after[&(level, placement)]) - read(&before[&(level, placement)])
}

fn in_region(id: &str) -> impl Fn(&Report) -> i64 + '_ {
    move |r| r.regions.get(id).map_or(0, |x| x.total.cents)
}

fn through(id: &str) -> impl Fn(&Report) -> i64 + '_ {
    move |r| r.regions.get(id).map_or(0, |x| x.through.cents)
}

async fn funding(app: &TestApp, token: &str, name: &str, input: Value) -> (Value, Value) {
    let f = mutate(app, token, name, "funding { id version }", input).await;
    (f["funding"]["id"].clone(), f["funding"]["version"].clone())
}

async fn set_regions(app: &TestApp, token: &str, p: &(Value, Value), regions: &[&String]) -> (Value, Value) {
    let input = json!({ "programmeId": p.0, "expectedVersion": p.1, "regionIds": regions });
    let d = mutate(app, token, "setProgrammeRegions", "programme { id version }", input).await;
    (d["programme"]["id"].clone(), d["programme"]["version"].clone())
}

#[actix_web::test]
async fn every_write_that_moves_a_figure_shows_in_the_next_report() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let token = admin_token(&app).await;
        let regions = World { regions: fetch_regions(&app).await, fundings: Vec::new() };
        let [dr, fr, gr, ze, ut, ov, oost, twente, rotterdam] = [
            ("PROVINCE", "NL-DR"),
            ("PROVINCE", "NL-FR"),
            ("PROVINCE", "NL-GR"),
            ("PROVINCE", "NL-ZE"),
            ("PROVINCE", "NL-UT"),
            ("PROVINCE", "NL-OV"),
            ("LANDSDEEL", "OOST"),
            ("SUBREGION", "TWENTE"),
            ("SUBREGION", "ROTTERDAM-RIJNMOND"),
        ]
        .map(|(s, c)| regions.region(s, c));
        let scheme = rif(&app).await;
        let p1 = programme(&app, &token, "Trigger one", std::slice::from_ref(&dr)).await;
        let p2 = programme(&app, &token, "Trigger two", &[twente.clone(), rotterdam.clone()]).await;
        let (mut before, _) = reports_after(&app, "the programmes", &scheme).await;
        let outside = |r: &Report| r.outside.cents;
        let unsplit = |r: &Report| r.unsplit.cents;
        let unallocated = |r: &Report| r.unallocated.cents;
        let b = backend;

        let input = json!({ "schemeId": scheme, "programmeId": p1.0, "amountAwarded": "10.00", "status": "AWARDED" });
        let a = funding(&app, &token, "recordFunding", input).await;
        let (after, _) = reports_after(&app, "recordFunding without allocations", &scheme).await;
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, in_region(&dr)), 1000, "{b:?}");
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, through(&dr)), 1000, "{b:?}");
        assert_eq!(moved(&before, &after, "PROVINCE", "STATED", unallocated), 1000, "{b:?}");
        before = after;

        let allocations =
            json!([{ "regionId": fr, "shareBasisPoints": 6000 }, { "regionId": gr, "shareBasisPoints": 4000 }]);
        let input =
            json!({ "schemeId": scheme, "amountAwarded": "10.01", "allocations": allocations, "status": "AWARDED" });
        let f = funding(&app, &token, "recordFunding", input).await;
        let (after, _) = reports_after(&app, "recordFunding with allocations", &scheme).await;
        let fr_gr = |b4: &Reports, a: &Reports| [&fr, &gr].map(|id| moved(b4, a, "PROVINCE", "STATED", in_region(id)));
        assert_eq!(fr_gr(&before, &after), [601, 400], "{b:?}");
        before = after;

        let f = funding(
            &app,
            &token,
            "updateFunding",
            json!({ "id": f.0, "expectedVersion": f.1, "amountAwarded": "20.00" }),
        )
        .await;
        let (after, _) = reports_after(&app, "updateFunding of the amount", &scheme).await;
        assert_eq!(fr_gr(&before, &after), [599, 400], "{b:?}");
        before = after;

        let allocations = json!([{ "regionId": ze, "shareBasisPoints": 10000 }]);
        let f = funding(
            &app,
            &token,
            "updateFunding",
            json!({ "id": f.0, "expectedVersion": f.1, "allocations": allocations }),
        )
        .await;
        let (after, _) = reports_after(&app, "updateFunding of the allocations", &scheme).await;
        assert_eq!(fr_gr(&before, &after), [-1200, -800], "{b:?}");
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, in_region(&ze)), 2000, "{b:?}");
        before = after;

        funding(&app, &token, "updateFunding", json!({ "id": a.0, "expectedVersion": a.1, "programmeId": p2.0 })).await;
        let (after, _) = reports_after(&app, "updateFunding of the programme", &scheme).await;
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, in_region(&dr)), -1000, "{b:?}");
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, outside), 1000, "{b:?}: Twente has no province");
        assert_eq!(moved(&before, &after, "LANDSDEEL", ALL, unsplit), 1000, "{b:?}: Oost and Zuidwest");
        assert_eq!(moved(&before, &after, "SUBREGION", ALL, unsplit), 1000, "{b:?}");
        before = after;

        let p2 = set_regions(&app, &token, &p2, &[&ut]).await;
        let (after, w) = reports_after(&app, "setProgrammeRegions", &scheme).await;
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, in_region(&ut)), 1000, "{b:?}");
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, outside), -1000, "{b:?}");
        assert_eq!(moved(&before, &after, "LANDSDEEL", ALL, unsplit), -1000, "{b:?}");
        assert_eq!(moved(&before, &after, "LANDSDEEL", ALL, outside), 1000, "{b:?}: Utrecht has no landsdeel");
        let q = "query($r: ID!) { fundings(filter: { region: $r }) { totalCount } }";
        let n = app.data(q, json!({ "r": ut })).await["fundings"]["totalCount"].as_u64().unwrap() as usize;
        assert_eq!(n, w.members(&ut, false).len(), "{b:?}");
        before = after;

        set_regions(&app, &token, &p2, &[]).await;
        let (after, _) = reports_after(&app, "setProgrammeRegions to none", &scheme).await;
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, in_region(&ut)), -1000, "{b:?}");
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, unallocated), 1000, "{b:?}");
        before = after;

        let deleted =
            mutate(&app, &token, "deleteFunding", "deletedFundingId", json!({ "id": f.0, "expectedVersion": f.1 }))
                .await;
        assert_eq!(deleted["deletedFundingId"], f.0, "{b:?}");
        let (after, _) = reports_after(&app, "deleteFunding", &scheme).await;
        assert_eq!(moved(&before, &after, "PROVINCE", ALL, in_region(&ze)), -2000, "{b:?}");
        before = after;

        // Subregions hang under a landsdeel; a labour-market region may hang under a province.
        let region = |scheme: &str, code: &str, parent: &String| json!({ "scheme": scheme, "code": code, "name": format!("Test {code}"), "parentId": parent });
        let mut new = Vec::new();
        for input in [region("ARBEIDSMARKTREGIO", "TEST-OV-AMR", &ov), region("SUBREGION", "TEST-OOST-SUB", &oost)] {
            let id = mutate(&app, &token, "createRegion", "region { id }", input).await["region"]["id"].clone();
            new.push(id.as_str().unwrap().to_owned());
        }
        let (after, _) = reports_after(&app, "createRegion", &scheme).await;
        assert_eq!(after[&("SUBREGION", ALL)].regions.get(&new[1]).map(|r| r.total), Some(Total::default()), "{b:?}");
        assert_eq!(moved(&before, &after, "SUBREGION", ALL, outside), 0, "{b:?}: a new region moves nothing");
        before = after;
        let allocations =
            json!([{ "regionId": new[0], "shareBasisPoints": 5000 }, { "regionId": new[1], "shareBasisPoints": 5000 }]);
        let input =
            json!({ "schemeId": scheme, "amountAwarded": "5.00", "allocations": allocations, "status": "AWARDED" });
        funding(&app, &token, "recordFunding", input).await;
        let (after, _) = reports_after(&app, "recordFunding in the new regions", &scheme).await;
        let at = |level, id| moved(&before, &after, level, "STATED", in_region(id));
        assert_eq!(at("PROVINCE", &ov), 250, "{b:?}: the labour-market region rolls up to Overijssel");
        assert_eq!(at("ARBEIDSMARKTREGIO", &new[0]), 250, "{b:?}");
        assert_eq!(at("SUBREGION", &new[1]), 250, "{b:?}");
        assert_eq!(at("LANDSDEEL", &oost), 250, "{b:?}: the subregion rolls up to Oost");
        assert_eq!(moved(&before, &after, "LANDSDEEL", "STATED", outside), 250, "{b:?}: Overijssel has no landsdeel");
    }
}

#[actix_web::test]
async fn a_part_of_zero_cents_places_no_funding_in_its_region() {
    for backend in backends() {
        let fx = crate::writes_fixture::World::new(backend).await;
        let (app, token) = (&fx.app, fx.token(fx.ids.secretariat, "admin").await);
        let oost =
            app.data(r#"{ region(scheme: LANDSDEEL, code: "OOST") { id } }"#, json!({})).await["region"]["id"].clone();
        let mut provinces = Vec::new();
        for code in ["TEST-A", "TEST-B", "TEST-C"] {
            let input = json!({ "scheme": "PROVINCE", "code": code, "name": code, "parentId": oost });
            let r = mutate(app, &token, "createRegion", "region { id }", input).await;
            provinces.push(r["region"]["id"].as_str().unwrap().to_owned());
        }
        let scheme = fx.id(techniekpact_api::ids::NodeType::FundingScheme, fx.ids.scheme);
        let [a, b, c] = [&provinces[0], &provinces[1], &provinces[2]];
        let allocations = shared(&[(a, 3333), (b, 3333), (c, 3334)]);
        let input =
            json!({ "key": "two-cents", "schemeId": scheme, "amountAwarded": "0.02", "allocations": allocations });
        mutate(app, &token, "recordFunding", "funding { id }", input).await;

        // 0.02 by 3333/3333/3334: 0 + 0 + 0 and two cents left, to C (remainder 6668) and A (6666,
        // earlier than B): 0.01 / 0.00 / 0.01.
        let r = report(app, "PROVINCE", "STATED_AND_PROGRAMME", &Value::Null).await;
        let one_cent = RegionRow {
            total: Total { cents: 1, count: 1 },
            programmes: 0,
            through: Total::default(),
            by_scheme: [(Some(scheme.clone()), Total { cents: 1, count: 1 })].into(),
        };
        assert_eq!([&r.regions[a], &r.regions[c]], [&one_cent, &one_cent], "{backend:?}");
        let oost_row =
            &report(app, "LANDSDEEL", "STATED_AND_PROGRAMME", &Value::Null).await.regions[oost.as_str().unwrap()];
        assert_eq!(oost_row.total, Total { cents: 100_002, count: 2 }, "{backend:?}: f and two-cents");
        let q = "query($r: ID!) { fundings(filter: { region: $r }) { totalCount } node(id: $r) { ... on Region { fundings { totalCount } } } }";
        let d = app.data(q, json!({ "r": b })).await;
        let listed = (d["fundings"]["totalCount"].clone(), d["node"]["fundings"]["totalCount"].clone());
        assert_eq!(
            (&r.regions[b], listed),
            (&RegionRow::default(), (json!(0), json!(0))),
            "{backend:?}: no cent of two-cents is placed in TEST-B (fundingCount, byScheme, fundings(filter: region), Region.fundings)"
        );
    }
}

/// Fundings created in a programme while its regions change, all at once: each funding is placed by
/// the regions its transaction saw last, and the totals equal the reference recomputed afterwards
/// (on PostgreSQL the two kinds of write share the programme's lock: without it a funding created
/// during a change of regions was counted under both).
#[actix_web::test]
async fn fundings_created_while_their_programmes_regions_change_are_counted_once() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let token = admin_token(&app).await;
        let regions = World { regions: fetch_regions(&app).await, fundings: Vec::new() };
        let [dr, fr, gr] =
            [("PROVINCE", "NL-DR"), ("PROVINCE", "NL-FR"), ("PROVINCE", "NL-GR")].map(|(s, c)| regions.region(s, c));
        let scheme = rif(&app).await;
        let p = programme(&app, &token, "Racing regions", std::slice::from_ref(&dr)).await;
        let (before, _) = reports_after(&app, "the programme", &scheme).await;
        let creates = (0..24).map(|i| {
            let input = json!({ "schemeId": scheme, "programmeId": p.0, "amountAwarded": format!("{}.00", i + 1) });
            let (app, token) = (&app, &token);
            async move { funding(app, token, "recordFunding", input).await }
        });
        let changes = async {
            let mut version = p.clone();
            for round in 0..9 {
                let to: &[&String] = match round % 3 {
                    0 => &[&fr],
                    1 => &[&fr, &gr],
                    _ => &[&dr],
                };
                version = set_regions(&app, &token, &version, to).await;
            }
        };
        let (created, ()) = futures_util::join!(futures_util::future::join_all(creates), changes);
        assert_eq!(created.len(), 24, "{backend:?}");
        let (after, _) = reports_after(&app, "racing writes", &scheme).await;
        let placed: i64 = [&dr, &fr, &gr].iter().map(|id| moved(&before, &after, "PROVINCE", ALL, in_region(id))).sum();
        assert_eq!(placed, (1..=24).sum::<i64>() * 100, "{backend:?}: the last regions were Drenthe");
    }
}
