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
            grandTotal { amount } unallocated { fundingCount totalAwarded { amount } fundings { key } }
            outsideLevel { fundingCount totalAwarded { amount } }
            regions { region { code } totalAwarded { amount } fundingCount byScheme { scheme { code } totalAwarded { amount } fundingCount } } } }";
        let d = app.data(q, json!({ "level": "LANDSDEEL" })).await;
        let r = &d["fundingByRegion"];
        // 3 × €100.00 split 33.33 / 33.33 / 33.34, all under Testland; 3 × €0.01 named without shares.
        assert_eq!(r["grandTotal"]["amount"], "300.03", "{backend:?}");
        assert_eq!(r["unallocated"]["totalAwarded"]["amount"], "0.03");
        assert_eq!(r["unallocated"]["fundingCount"], 3);
        assert_eq!(r["outsideLevel"]["totalAwarded"]["amount"], "0.00");
        let testland =
            r["regions"].as_array().unwrap().iter().find(|x| x["region"]["code"] == "TEST-L").expect("Testland");
        assert_eq!(testland["totalAwarded"]["amount"], "300.00");
        assert_eq!(testland["fundingCount"], 3, "a funding split over three subregions counts once");
        assert_eq!(
            testland["byScheme"],
            json!([{ "scheme": { "code": "TEST" }, "totalAwarded": { "amount": "300.00" }, "fundingCount": 3 }])
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
        assert_eq!(r["outsideLevel"]["totalAwarded"]["amount"], "100.02", "the province's parts have no subregion");
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
