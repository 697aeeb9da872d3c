//! `fundingByRegion`: exact shares, roll-up to the level, unallocated and outside-level amounts,
//! and nothing counted twice.

use serde_json::json;

use crate::helpers::{backends, spawn_app};

#[actix_web::test]
async fn shares_are_split_to_the_cent_and_every_cent_is_reported_once() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let set = crate::fixtures::synthetic(3);
        app.with_conn(move |c| techniekpact_api::data::load(c, &set, false).expect("fixture loads")).await;
        let q = "query($level: RegionScheme!) { fundingByRegion(level: $level) {
            grandTotal { amount } unallocated { fundingCount totalAwarded { amount } fundings { funding { key } } }
            outsideLevel { fundingCount totalAwarded { amount } }
            regions { region { code } totalAwarded { amount } fundingCount byScheme { scheme { code } totalAwarded { amount } fundingCount } } } }";
        let d = app.data(q, json!({ "level": "LANDSDEEL" })).await;
        let r = &d["fundingByRegion"];
        // 3 × €100.00 split 33.33 / 33.33 / 33.34, all under Testland; 3 × €0.01 allocated to
        // Testland itself without shares (placed there whole).
        assert_eq!(r["grandTotal"]["amount"], "300.03", "{backend:?}");
        assert_eq!(r["unallocated"]["totalAwarded"]["amount"], "0.00");
        assert_eq!(r["unallocated"]["fundingCount"], 0);
        assert_eq!(r["outsideLevel"]["totalAwarded"]["amount"], "0.00");
        let testland =
            r["regions"].as_array().unwrap().iter().find(|x| x["region"]["code"] == "TEST-L").expect("Testland");
        assert_eq!(testland["totalAwarded"]["amount"], "300.03");
        assert_eq!(testland["fundingCount"], 6, "a funding split over three subregions counts once");
        assert_eq!(
            testland["byScheme"],
            json!([{ "scheme": { "code": "TEST" }, "totalAwarded": { "amount": "300.03" }, "fundingCount": 6 }])
        );
        let empty =
            r["regions"].as_array().unwrap().iter().find(|x| x["region"]["code"] == "TEST-EMPTY").expect("Leegland");
        assert_eq!(empty["totalAwarded"]["amount"], "0.00");

        let d = app.data(q, json!({ "level": "SUBREGION" })).await;
        let r = &d["fundingByRegion"];
        let amount = |code: &str| {
            r["regions"].as_array().unwrap().iter().find(|x| x["region"]["code"] == code).unwrap()["totalAwarded"]
                ["amount"]
                .clone()
        };
        assert_eq!(amount("TEST-S1"), "99.99", "{backend:?}");
        assert_eq!(amount("TEST-S2"), "99.99");
        assert_eq!(
            r["outsideLevel"]["totalAwarded"]["amount"], "100.05",
            "the province's parts and the landsdeel's own fundings have no subregion"
        );
        assert_eq!(r["grandTotal"]["amount"], "300.03");

        let d = app
            .data(
                "{ fundings(first: 1) { nodes { key allocations { shareBasisPoints amount { amount } } } } }",
                json!({}),
            )
            .await;
        let parts: Vec<_> = d["fundings"]["nodes"][0]["allocations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["amount"]["amount"].clone())
            .collect();
        assert_eq!(parts, [json!("33.33"), json!("33.33"), json!("33.34")]);
    }
}

/// The placement table of "Funding per region 1/4" on the shipped data, exactly: where each placed
/// funding counts at each level, and every other funding unallocated.
#[actix_web::test]
async fn the_shipped_fundings_are_placed_as_the_documents_say() {
    let placed = [
        // key, then per LANDSDEEL / PROVINCE / SUBREGION: a region code, or "outside".
        ("rif-2018-gas-2-0", ["NOORD", "outside", "outside"]),
        ("rif-alfa-college-fieldlab-practice", ["NOORD", "NL-GR", "outside"]),
        ("rijk-2017-extra-geld-zeeland", ["ZUIDWEST", "outside", "ZEELAND"]),
        ("provincie-limburg-techniekcoalitie", ["outside", "NL-LI", "outside"]),
    ];
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let all =
            app.data("{ fundings(first: 100) { totalCount nodes { key amountAwarded { amount } } } }", json!({})).await;
        let amounts: std::collections::HashMap<String, String> = all["fundings"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["key"].as_str().unwrap().to_owned(), f["amountAwarded"]["amount"].as_str().unwrap().to_owned()))
            .collect();
        let keys: Vec<&str> = placed.iter().map(|(k, _)| *k).collect();
        for k in &keys {
            assert!(amounts.contains_key(*k), "{backend:?}: the shipped data has no funding {k}: {amounts:?}");
        }
        let q = "query($level: RegionScheme!, $placement: Placement!) {
            fundingByRegion(level: $level, placement: $placement) {
              regions { region { id code } fundingCount }
              unsplit { fundingCount } outsideLevel { fundingCount }
              unallocated { fundingCount fundings { funding { key } } } } }";
        for (i, level) in ["LANDSDEEL", "PROVINCE", "SUBREGION"].into_iter().enumerate() {
            let d = app.data(q, json!({ "level": level, "placement": "STATED_AND_PROGRAMME" })).await;
            let r = &d["fundingByRegion"];
            let outside = placed.iter().filter(|(_, at)| at[i] == "outside").count();
            assert_eq!(r["outsideLevel"]["fundingCount"], outside, "{backend:?} {level}");
            assert_eq!(r["unsplit"]["fundingCount"], 0, "{backend:?} {level}");
            let unallocated: Vec<&str> = r["unallocated"]["fundings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["funding"]["key"].as_str().unwrap())
                .collect();
            assert_eq!(unallocated.len(), amounts.len() - placed.len(), "{backend:?} {level}: every other funding");
            assert!(unallocated.iter().all(|k| !keys.contains(k)), "{backend:?} {level}: {unallocated:?}");
            for region in r["regions"].as_array().unwrap() {
                let code = region["region"]["code"].as_str().unwrap();
                let expected: Vec<&str> = placed.iter().filter(|(_, at)| at[i] == code).map(|(k, _)| *k).collect();
                assert_eq!(region["fundingCount"], expected.len(), "{backend:?} {level} {code}");
                // The region filter and the region's own list agree with the report.
                let id = region["region"]["id"].clone();
                let listed = app
                    .data(
                        "query($id: ID!) { fundings(filter: { region: $id }) { nodes { key } }
                           node(id: $id) { ... on Region { fundings { nodes { key } } } } }",
                        json!({ "id": id }),
                    )
                    .await;
                for list in [&listed["fundings"]["nodes"], &listed["node"]["fundings"]["nodes"]] {
                    let mut got: Vec<&str> =
                        list.as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
                    got.sort_unstable();
                    let mut want = expected.clone();
                    want.sort_unstable();
                    assert_eq!(got, want, "{backend:?} {level} {code}");
                }
            }
            // Stated placement only: only Extra geld Zeeland is allocated; the three fundings placed
            // through their programmes are unallocated.
            let d = app.data(q, json!({ "level": level, "placement": "STATED" })).await;
            let r = &d["fundingByRegion"];
            let zeeland_outside = placed[2].1[i] == "outside";
            let in_regions: i64 =
                r["regions"].as_array().unwrap().iter().map(|x| x["fundingCount"].as_i64().unwrap()).sum();
            assert_eq!(in_regions, i64::from(!zeeland_outside), "{backend:?} {level} STATED");
            assert_eq!(r["outsideLevel"]["fundingCount"], usize::from(zeeland_outside), "{backend:?} {level} STATED");
            assert_eq!(
                r["unallocated"]["fundingCount"],
                amounts.len() - placed.len() + 3,
                "{backend:?} {level} STATED"
            );
        }
    }
}

/// Writers append rows to the totals; folding them leaves one row per key and the same report.
#[actix_web::test]
async fn folding_the_appended_totals_keeps_every_figure() {
    use diesel::prelude::*;
    use techniekpact_api::db::schema::{funding_region_programme, funding_region_total};
    for backend in backends() {
        // No folding in the background: the test folds itself.
        let app =
            crate::helpers::spawn_app_with(backend, true, |s| s.totals_fold_interval = std::time::Duration::ZERO).await;
        let token = crate::placement::admin_token(&app).await;
        let rif = crate::placement::rif(&app).await;
        let groningen =
            app.data(r#"{ region(scheme: PROVINCE, code: "NL-GR") { id } }"#, json!({})).await["region"]["id"].clone();
        let q = "{ fundingByRegion(level: PROVINCE) { regions { region { code } totalAwarded { amount } fundingCount programmeCount } grandTotal { amount } } }";
        for i in 0..5 {
            let input = json!({ "schemeId": rif, "amountAwarded": format!("{}.01", 100 + i), "period": { "start": "2020" },
                                "allocations": [{ "regionId": groningen, "shareBasisPoints": 10000 }] });
            crate::placement::mutate(&app, &token, "recordFunding", "funding { id }", input).await;
        }
        let rows = |c: &mut techniekpact_api::db::DbConn| -> (i64, i64) {
            (
                funding_region_total::table.count().get_result(c).unwrap(),
                funding_region_programme::table.count().get_result(c).unwrap(),
            )
        };
        let before = app.data(q, json!({})).await;
        let (appended, folded, again) = app
            .with_conn(move |c| {
                let appended = rows(c);
                let fold = |c: &mut techniekpact_api::db::DbConn, since| {
                    let compact =
                        |c: &mut techniekpact_api::db::DbConn| techniekpact_api::write::placement::compact(c, since);
                    techniekpact_api::db::write_transaction(c, compact).unwrap()
                };
                let seen = fold(c, [0, 0]);
                let folded = rows(c);
                // Nothing appended since: the next round folds nothing.
                assert_eq!(fold(c, seen), seen);
                (appended, folded, rows(c))
            })
            .await;
        assert!(folded.0 < appended.0 && folded.1 < appended.1, "{backend:?}: {appended:?} → {folded:?}");
        assert_eq!(again, folded, "{backend:?}");
        assert_eq!(app.data(q, json!({})).await, before, "{backend:?}: the report is unchanged");
        let groningen_total = before["fundingByRegion"]["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"]["code"] == "NL-GR")
            .unwrap()
            .clone();
        assert_eq!(
            groningen_total["totalAwarded"]["amount"], "2000510.05",
            "{backend:?}: Fieldlab's €2M and the five writes"
        );
        assert_eq!(groningen_total["fundingCount"], 6);
    }
}
