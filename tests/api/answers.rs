//! Questions partners ask, answered from the shipped data with their sources. Where the documents
//! do not say, the answer is null or empty, never a guess; these tests pin both.

use serde_json::{json, Value};

use crate::helpers::{backends, spawn_app, TestApp};

fn sorted(list: &Value, field: &str) -> Vec<String> {
    let mut v: Vec<String> =
        list.as_array().expect("a list").iter().map(|x| x[field].as_str().unwrap_or_default().to_owned()).collect();
    v.sort();
    v
}

async fn ask(app: &TestApp, q: &str) -> Value {
    app.data(q, json!({})).await
}

#[actix_web::test]
async fn the_pacts_questions_have_exact_answers_with_sources_and_unknowns_stay_null() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;

        // 1. Which provinces make up each landsdeel, as far as the documents say.
        let d = ask(&app, r#"{ noord: region(scheme: LANDSDEEL, code: "NOORD") { children { scheme name } }
                               noordvleugel: region(scheme: LANDSDEEL, code: "NOORDVLEUGEL") { children { scheme name } }
                               utrecht: region(scheme: PROVINCE, code: "NL-UT") { parent { code } note } }"#).await;
        let provinces = |v: &Value| -> Vec<String> {
            let mut p: Vec<String> = v["children"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["scheme"] == "PROVINCE")
                .map(|c| c["name"].as_str().unwrap().to_owned())
                .collect();
            p.sort();
            p
        };
        assert_eq!(provinces(&d["noord"]), ["Drenthe", "Fryslân", "Groningen"], "{backend:?}");
        assert_eq!(
            provinces(&d["noordvleugel"]),
            Vec::<String>::new(),
            "no document says which provinces form Noordvleugel"
        );
        assert_eq!(d["utrecht"]["parent"], Value::Null);

        // 2. The RIF's yearly budget and since when; who funds and who runs it.
        let d = ask(&app, r#"{ fundingScheme(code: "RIF") { funder { slug } administrator { slug }
                               budgetLines { basis amount { amount } period { start { value } } sources { document locator } } } }"#).await;
        let s = &d["fundingScheme"];
        assert_eq!(s["funder"]["slug"], "ministerie-van-ocw");
        assert_eq!(s["administrator"], Value::Null, "no document names who administers the RIF");
        let yearly = s["budgetLines"].as_array().unwrap().iter().find(|l| l["basis"] == "PER_YEAR").unwrap();
        assert_eq!(
            (yearly["amount"]["amount"].clone(), yearly["period"]["start"]["value"].clone()),
            (json!("25000000.00"), json!("2014"))
        );

        // 3. MKB!dee in 2018: applications made, amount requested, amount available.
        let d = ask(&app, r#"{ fundingScheme(code: "MKB_IDEE") { displayName administrator { slug }
                               observations { metric value unit qualifier date { value } reportYear sources { document locator } }
                               budgetLines { amount { amount } period { start { value } } } } }"#).await;
        let s = &d["fundingScheme"];
        assert_eq!(s["displayName"], "MKB!dee");
        assert_eq!(s["administrator"], Value::Null);
        let obs = |metric: &str, year: &str| {
            s["observations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["metric"] == metric && o["date"]["value"] == year)
                .cloned()
                .unwrap_or(Value::Null)
        };
        assert_eq!(obs("applications", "2018")["value"], "129", "{backend:?}");
        assert_eq!(
            obs("applications", "2018")["sources"],
            json!([{ "document": "004_c017d09a23e9750a.txt", "locator": "L710-L714" }])
        );
        assert_eq!(
            (obs("amount_requested", "2018")["value"].clone(), obs("amount_requested", "2018")["qualifier"].clone()),
            (json!("12000000"), json!("APPROXIMATE"))
        );
        assert_eq!(obs("amount_available", "2018")["value"], "2000000");
        let budget: Vec<Value> =
            s["budgetLines"].as_array().unwrap().iter().map(|l| l["amount"]["amount"].clone()).collect();
        assert_eq!(
            budget,
            [json!("2000000.00"), json!("7500000.00")],
            "the amount requested is an observation, not a budget"
        );

        // 4. Who leads Jet-Net & TechNet and for whom: the documents name implementers, no lead.
        let d = ask(&app, r#"{ programme(slug: "jet-net-technet") { owner { slug } targetGroups participants { role organisation { slug } } } }"#).await;
        let p = &d["programme"];
        assert_eq!(p["owner"], Value::Null, "no document names a lead, so nobody owns it");
        assert_eq!(p["targetGroups"], json!(["PO", "VO"]));
        assert_eq!(sorted(&p["participants"], "role"), ["IMPLEMENTER", "IMPLEMENTER", "IMPLEMENTER"]);

        // 5. What the 2014 annex says about national actions: its colour code (the status) is lost,
        //    so a status is shown only where the data's authors derived one, marked as inferred.
        let d = ask(&app, r#"{ a2: programme(slug: "techniekpact-actie-02") { kind
                                   status { status reportYear inferred note sources { document locator } } sources { document locator } }
                               a1: programme(slug: "techniekpact-actie-01") { kind status { status } } }"#).await;
        let status = &d["a2"]["status"];
        assert_eq!(
            (status["status"].clone(), status["reportYear"].clone(), status["inferred"].clone()),
            (json!("COMPLETED"), json!(2014), json!(true)),
            "the annex gives no status per action in words: {backend:?}"
        );
        assert!(status["note"].as_str().is_some_and(|n| n.contains("kleurcode") && n.contains("Afgeleid")));
        assert_eq!(status["sources"], json!([{ "document": "001_a9afeef750dbdd18.txt", "locator": "L14-L14" }]));
        assert!(d["a2"]["sources"]
            .as_array()
            .unwrap()
            .contains(&json!({ "document": "001_a9afeef750dbdd18.txt", "locator": "L14-L14" })));
        assert_eq!(
            (d["a1"]["kind"].clone(), d["a1"]["status"].clone()),
            (json!("PACT_ACTION"), Value::Null),
            "the annex's colour is lost: unknown"
        );

        // 6. Counts that change from report to report are kept per report.
        let d = ask(&app, r#"{ programme(slug: "centres-of-expertise") { observations(metric: "centres_of_expertise") { value reportYear } } }"#).await;
        let mut years: Vec<(i64, String)> = d["programme"]["observations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["reportYear"].as_i64().unwrap(), o["value"].as_str().unwrap().to_owned()))
            .collect();
        years.sort();
        assert_eq!(years, [(2014, "24".to_owned()), (2017, "24".to_owned())]);

        // 7. The 12 goals of 2017 and the 4 themes of 2019, linked to programmes.
        let d = ask(
            &app,
            r#"{ goals: goals(kind: GOAL) { code } themes: goals(kind: THEME) { code name programmes { slug } } }"#,
        )
        .await;
        assert_eq!(d["goals"].as_array().map(Vec::len), Some(12));
        assert_eq!(d["themes"].as_array().map(Vec::len), Some(4));
        assert!(d["themes"].as_array().unwrap().iter().all(|t| !t["programmes"].as_array().unwrap().is_empty()));

        // 8. Money per landsdeel: Zeeland's €25 mln counts under Zuidwest (through the Zeeland subregion).
        let d = ask(
            &app,
            r#"{ fundingByRegion(level: LANDSDEEL) { regions { region { code } totalAwarded { amount } } } }"#,
        )
        .await;
        let zw = d["fundingByRegion"]["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"]["code"] == "ZUIDWEST")
            .unwrap()
            .clone();
        assert_eq!(zw["totalAwarded"]["amount"], "25000000.00", "{backend:?}");
    }
}
