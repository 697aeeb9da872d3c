//! Small synthetic data sets built in code, for tests that need many rows or exact numbers.

use serde_json::{json, Value};
use techniekpact_api::data::format::DataSet;

const DOC: &str = "fixture.txt";

fn src() -> Value {
    json!([format!("{DOC}#L1-L1")])
}

/// `n` programmes, each with a LEAD and a PARTNER and two fundings: one split over two subregions
/// and a province by shares 3333/3333/3334, one without allocations.
pub fn synthetic(n: usize) -> DataSet {
    let orgs: Vec<Value> = (0..=n)
        .map(|i| json!({ "slug": format!("org-{i:03}"), "name": format!("Organisatie {i:03}"), "kind": "COMPANY", "sources": src() }))
        .collect();
    let programmes: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "slug": format!("synthetic-{i:03}"), "name": format!("Synthetic programme {i:03}"), "kind": "PROJECT",
                "targetGroups": ["MBO"], "regions": ["SUBREGION:TEST-S1"], "owner": format!("org-{i:03}"),
                "period": { "start": "2015", "end": "2016" },
                "participants": [
                    { "organisation": format!("org-{i:03}"), "role": "LEAD", "sources": src() },
                    { "organisation": format!("org-{:03}", i + 1), "role": "PARTNER", "sources": src() }
                ],
                "sources": src()
            })
        })
        .collect();
    let fundings: Vec<Value> = (0..n)
        .flat_map(|i| {
            [
                json!({
                    "key": format!("split-{i:03}"), "scheme": "TEST", "programme": format!("synthetic-{i:03}"),
                    "recipient": format!("org-{i:03}"), "amountAwarded": "100.00",
                    "allocations": [
                        { "region": "SUBREGION:TEST-S1", "shareBasisPoints": 3333 },
                        { "region": "SUBREGION:TEST-S2", "shareBasisPoints": 3333 },
                        { "region": "PROVINCE:TEST-P", "shareBasisPoints": 3334 }
                    ],
                    "sources": src()
                }),
                json!({
                    "key": format!("whole-{i:03}"), "scheme": "TEST", "programme": format!("synthetic-{i:03}"),
                    "amountAwarded": "0.01", "allocations": [ { "region": "LANDSDEEL:TEST-L" } ], "sources": src()
                }),
            ]
        })
        .collect();
    let set = json!({
        "dataVersion": 1,
        "documents": [{ "file": DOC, "title": "Test fixture" }],
        "regions": [
            { "scheme": "LANDSDEEL", "code": "TEST-L", "name": "Testland", "sources": src() },
            { "scheme": "SUBREGION", "code": "TEST-S1", "name": "Testregio Één", "aliases": ["Eerste testregio"], "parent": "LANDSDEEL:TEST-L", "sources": src() },
            { "scheme": "SUBREGION", "code": "TEST-S2", "name": "Testregio Twee", "parent": "LANDSDEEL:TEST-L", "sources": src() },
            { "scheme": "PROVINCE", "code": "TEST-P", "name": "Testprovincie", "parent": "LANDSDEEL:TEST-L", "sources": src() },
            { "scheme": "LANDSDEEL", "code": "TEST-EMPTY", "name": "Leegland", "sources": src() }
        ],
        "organisations": orgs,
        "programmes": programmes,
        "fundingSchemes": [{ "code": "TEST", "name": "Testregeling", "sources": src(),
                             "budgetLines": [{ "period": { "start": "2015" }, "amount": "1000000", "basis": "PER_YEAR", "sources": src() }] }],
        "fundings": fundings
    });
    serde_json::from_value(set).expect("the fixture is a valid data file")
}
