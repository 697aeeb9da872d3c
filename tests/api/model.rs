//! The pact's model through the API: relations in both directions, dated events (the root list's
//! filters, paging and count), people in public roles, listed items, scheme conditions, `node`.

use serde_json::{json, Value};

use crate::helpers::{backends, error_codes, spawn_app, TestApp};

fn strings(list: &Value, field: &str) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|n| n[field].as_str().unwrap_or_default().to_owned()).collect()
}

async fn scheme_id(app: &TestApp, code: &str) -> String {
    let d = app.data("query($c: String!) { fundingScheme(code: $c) { id } }", json!({ "c": code })).await;
    d["fundingScheme"]["id"].as_str().expect("the scheme exists").to_owned()
}

#[actix_web::test]
async fn a_relation_is_listed_on_both_records_with_its_sources() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{
                  pact: programme(slug: "nationaal-techniekpact") {
                    relations(direction: INCOMING, kind: PART_OF) { kind subject { ... on Programme { slug } } }
                    outgoing: relations(direction: OUTGOING) { id }
                  }
                  action: programme(slug: "techniekpact-actie-12") {
                    relations { kind object { ... on Programme { slug } } sources { document locator } }
                  }
                  coalition: organisation(slug: "industriecoalitie") {
                    relations(kind: MEMBER_OF) { subject { ... on Organisation { slug } } }
                  }
                  fund: organisation(slug: "otib") {
                    relations(direction: OUTGOING) { kind object { __typename ... on FundingScheme { code } } note }
                  }
                  scheme: fundingScheme(code: "BETATECHNIEK_NETWERKEN") {
                    relations(kind: FUNDED_UNDER, direction: INCOMING) { subject { ... on Programme { slug } } period { start { value } } }
                  }
                }"#,
                json!({}),
            )
            .await;
        let parts: Vec<&str> =
            d["pact"]["relations"].as_array().unwrap().iter().filter_map(|r| r["subject"]["slug"].as_str()).collect();
        assert_eq!(
            parts,
            [
                "techniekpact-actie-12",
                "techniekpact-actie-16",
                "techniekpact-actie-21",
                "techniekpact-zuidwest",
                "techniekpact-zuidoost",
                "techniekpact-noord-nederland"
            ],
            "{backend:?}: {d}"
        );
        assert_eq!(d["pact"]["outgoing"], json!([]), "{backend:?}");
        let action = &d["action"]["relations"][0];
        assert_eq!(action["kind"], "PART_OF", "{backend:?}");
        assert_eq!(action["object"]["slug"], "nationaal-techniekpact", "{backend:?}");
        assert_eq!(action["sources"].as_array().map(Vec::len), Some(2), "{backend:?}: {action}");
        let mut members: Vec<&str> = d["coalition"]["relations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["subject"]["slug"].as_str())
            .collect();
        members.sort_unstable();
        assert_eq!(
            members,
            ["bouwend-nederland", "fme", "koninklijke-metaalunie", "techniek-nederland"],
            "{backend:?}"
        );
        let fund = &d["fund"]["relations"][0];
        assert_eq!(fund["kind"], "FUNDED_UNDER", "{backend:?}: {d}");
        assert_eq!(fund["object"], json!({ "__typename": "FundingScheme", "code": "DWSRA" }), "{backend:?}");
        assert!(fund["note"].as_str().is_some_and(|n| n.contains("bedrag")), "no amount is stated: {backend:?}");
        let funded = d["scheme"]["relations"].as_array().unwrap();
        assert_eq!(funded.len(), 3, "{backend:?}: {d}");
        assert!(funded.iter().all(|r| r["period"].is_null()), "no source gives these a period: {backend:?}");
    }
}

const EVENTS: &str = r#"query($f: EventFilter, $first: Int, $after: String) {
  events(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { key kind date { value precision earliest latest } records { __typename ... on FundingScheme { code } } }
  }
}"#;

#[actix_web::test]
async fn events_filter_by_kind_date_and_record_and_page_oldest_first() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app.data(EVENTS, json!({ "f": { "kind": "APPLICATION_OPENED" }, "first": 100 })).await;
        let keys = strings(&d["events"]["nodes"], "key");
        assert_eq!(
            keys,
            [
                "sectorplannen-indienen-open",
                "eerst-de-klas-onderwijstraineeship-werving-2015-open",
                "sectorplannen-tweede-tranche-open",
                "onderwijstraineeship-tweede-wervingsronde-2014-open",
                "rif-eerste-tranche-open",
                "overijssel-subsidie-open",
                "mkb-idee-tranche-2019-open"
            ],
            "{backend:?}"
        );
        assert_eq!(d["events"]["totalCount"], 7, "{backend:?}");

        let d = app.data(EVENTS, json!({ "f": { "from": "2014", "to": "2014" }, "first": 100 })).await;
        assert_eq!(
            strings(&d["events"]["nodes"], "key"),
            [
                "beleidsagenda-om-de-leerling-vastgesteld",
                "educatieve-minor-invoering-gestart",
                "eerst-de-klas-onderwijstraineeship-werving-2015-open",
                "eerst-de-klas-onderwijstraineeship-wervingsronde-2014",
                "praktijkleren-in-werking",
                "sectorplannen-tweede-tranche-open",
                "rif-regeling-gepubliceerd",
                "onderwijstraineeship-tweede-wervingsronde-2014-open",
                "rif-eerste-tranche-open",
                "sectorplannen-eerste-goedkeuringen",
                "slo-kennisbasis-natuurwetenschappen",
                "sectorplannen-tweede-tranche-sluit",
                "rif-eerste-tranche-sluit",
                "onderwijstraineeship-tweede-wervingsronde-2014-deadline",
                "studiebijsluiters-beschikbaar"
            ],
            "{backend:?}"
        );

        // A year-precise event covers its whole year: "2017" matches a filter starting in June.
        let rif = scheme_id(&app, "RIF").await;
        let d = app.data(EVENTS, json!({ "f": { "record": rif, "from": "2017-06" } })).await;
        let only = &d["events"]["nodes"][0];
        assert_eq!(only["key"], "rif-verlengd-tot-2018", "{backend:?}: {d}");
        assert_eq!(
            only["date"],
            json!({ "value": "2017", "precision": "YEAR", "earliest": "2017-01-01", "latest": "2017-12-31" })
        );
        assert_eq!(only["records"], json!([{ "__typename": "FundingScheme", "code": "RIF" }]));

        let first = app.data(EVENTS, json!({ "f": { "record": rif }, "first": 3 })).await;
        assert_eq!(first["events"]["totalCount"], 4, "{backend:?}");
        assert_eq!(first["events"]["pageInfo"]["hasNextPage"], true, "{backend:?}");
        let after = first["events"]["pageInfo"]["endCursor"].clone();
        let rest = app.data(EVENTS, json!({ "f": { "record": rif }, "first": 3, "after": after })).await;
        assert_eq!(strings(&rest["events"]["nodes"], "key"), ["rif-verlengd-tot-2018"], "{backend:?}");
        assert_eq!(rest["events"]["pageInfo"]["hasNextPage"], false, "{backend:?}");
        assert_eq!(rest["events"]["totalCount"], 4, "{backend:?}");

        let d = app.data(EVENTS, json!({ "first": 100 })).await;
        let dates: Vec<String> = d["events"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["date"]["earliest"].as_str().unwrap().to_owned())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{backend:?}: oldest first: {dates:?}");
        assert!(dates.len() >= 10, "{backend:?}");
    }
}

#[actix_web::test]
async fn the_events_filter_refuses_bad_dates_and_ids_of_other_kinds() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let region = app.data(r#"{ region(scheme: PROVINCE, code: "NL-ZE") { id } }"#, json!({})).await;
        for filter in [
            json!({ "from": "2014-13" }),
            json!({ "from": "2015", "to": "2014" }),
            json!({ "to": "1800" }),
            json!({ "record": region["region"]["id"] }),
            json!({ "record": "not-an-id" }),
        ] {
            let body = app.query(EVENTS, json!({ "f": filter })).await;
            assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{backend:?} {filter}: {body}");
        }
    }
}

#[actix_web::test]
async fn a_scheme_tells_what_it_is_its_conditions_and_its_dated_events() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ fundingScheme(code: "PRAKTIJKLEREN") {
                    description
                    conditions { kind label position sources { document locator } }
                    events { key kind date { value precision } }
                } }"#,
                json!({}),
            )
            .await;
        let s = &d["fundingScheme"];
        assert!(s["description"].as_str().is_some_and(|t| t.contains("leerbedrijven")), "{backend:?}: {s}");
        let kinds = strings(&s["conditions"], "kind");
        assert_eq!(kinds, ["APPLICANT", "EXTENSION", "EXTENSION"], "{backend:?}: {s}");
        assert_eq!(s["conditions"][1]["position"], 1);
        assert_eq!(s["conditions"][2]["position"], 2);
        assert_eq!(s["conditions"][2]["label"], "definitief verlengd tot 2023");
        assert_eq!(
            s["conditions"][2]["sources"],
            json!([{ "document": "004_c017d09a23e9750a.txt", "locator": "L442-L442" }])
        );
        assert_eq!(
            s["events"],
            json!([{ "key": "praktijkleren-in-werking", "kind": "LAUNCHED", "date": { "value": "2014-01-01", "precision": "DAY" } }]),
            "{backend:?}"
        );
    }
}

#[actix_web::test]
async fn listed_items_keep_the_documents_order_and_their_vocabulary() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ programme(slug: "centra-voor-innovatief-vakmanschap") {
                    items(kind: TOPSECTOR) { kind label position topsector schoolLevel }
                    all: items { kind }
                } }"#,
                json!({}),
            )
            .await;
        let items = d["programme"]["items"].as_array().unwrap();
        assert_eq!(items.len(), 7, "{backend:?}: {d}");
        assert_eq!(
            items[0],
            json!({ "kind": "TOPSECTOR", "label": "Life Science & Health", "position": 1, "topsector": "LIFE_SCIENCES_HEALTH", "schoolLevel": null }),
            "{backend:?}"
        );
        assert_eq!(items[6]["topsector"], "AGRI_FOOD", "{backend:?}");
        let positions: Vec<i64> = items.iter().filter_map(|i| i["position"].as_i64()).collect();
        assert_eq!(positions, (1..=7).collect::<Vec<_>>(), "{backend:?}");
        assert_eq!(d["programme"]["all"].as_array().map(Vec::len), Some(7), "{backend:?}");
    }
}

#[actix_web::test]
async fn people_are_found_by_name_and_hold_public_roles_only() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let q = r#"query($s: String) { people(filter: { search: $s }, first: 5) {
            totalCount
            nodes { name slug roles { title organisation { slug } programme { slug } period { start { value } } person { slug } } }
        } }"#;
        let d = app.data(q, json!({ "s": "bussemaker" })).await;
        assert_eq!(d["people"]["totalCount"], 1, "{backend:?}");
        let jet = &d["people"]["nodes"][0];
        assert_eq!(jet["name"], "Jet Bussemaker", "{backend:?}");
        assert!(jet["roles"].as_array().unwrap().iter().all(|r| r["organisation"]["slug"] == "ministerie-van-ocw"));
        assert_eq!(jet["roles"][0]["person"]["slug"], "jet-bussemaker");

        let d = app.data(q, json!({ "s": "hekkenberg" })).await;
        let role = &d["people"]["nodes"][0]["roles"][0];
        assert_eq!(role["programme"]["slug"], "nationaal-techniekpact", "{backend:?}");
        assert_eq!(role["period"]["start"]["value"], "2016", "{backend:?}");

        // A spelling the documents use finds the person too; accents and case do not matter.
        let d = app.data(q, json!({ "s": "koning willem" })).await;
        assert_eq!(strings(&d["people"]["nodes"], "slug"), ["willem-alexander"], "{backend:?}");
        let d = app.data(q, json!({ "s": "andre kuipers" })).await;
        assert_eq!(strings(&d["people"]["nodes"], "slug"), ["andre-kuipers"], "{backend:?}");

        let all = app.data(q, json!({ "s": null })).await;
        assert!(all["people"]["totalCount"].as_i64().is_some_and(|n| n >= 10), "{backend:?}");
        let names = strings(&all["people"]["nodes"], "name");
        assert_eq!(names[0], "Ab van der Touw", "{backend:?}: by name: {names:?}");

        // The type has no field for anything beyond the name and the public role.
        let body = app.query(r#"{ people { nodes { email } } }"#, json!({})).await;
        assert_eq!(error_codes(&body).len(), 1, "{backend:?}: {body}");

        let d = app
            .data(r#"{ organisation(slug: "ministerie-van-ocw") { roles { title person { name } } } }"#, json!({}))
            .await;
        let holders: Vec<&str> = d["organisation"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["person"]["name"].as_str())
            .collect();
        assert!(holders.contains(&"Jet Bussemaker") && holders.contains(&"Van Engelshoven"), "{backend:?}: {d}");
    }
}

#[actix_web::test]
async fn node_resolves_relations_events_and_people_by_their_ids() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{
                  organisation(slug: "fme") { relations { id } }
                  events(first: 1) { nodes { id key } }
                  people(first: 1) { nodes { id slug } }
                }"#,
                json!({}),
            )
            .await;
        let ids = [
            d["organisation"]["relations"][0]["id"].clone(),
            d["events"]["nodes"][0]["id"].clone(),
            d["people"]["nodes"][0]["id"].clone(),
        ];
        let got = app
            .data(
                r#"query($ids: [ID!]!) { nodes(ids: $ids) {
                    __typename id
                    ... on Relation { kind object { ... on Organisation { slug } } }
                    ... on Event { key }
                    ... on Person { slug }
                } }"#,
                json!({ "ids": ids }),
            )
            .await;
        let nodes = &got["nodes"];
        assert_eq!(nodes[0]["__typename"], "Relation", "{backend:?}: {got}");
        assert_eq!(nodes[0]["object"]["slug"], "industriecoalitie", "{backend:?}");
        assert_eq!(nodes[1]["key"], d["events"]["nodes"][0]["key"], "{backend:?}");
        assert_eq!(nodes[2]["slug"], d["people"]["nodes"][0]["slug"], "{backend:?}");
        for (n, id) in nodes.as_array().unwrap().iter().zip(&ids) {
            assert_eq!(&n["id"], id, "{backend:?}");
        }
    }
}

#[actix_web::test]
async fn a_participation_has_the_period_its_source_gives() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let d = app
            .data(
                r#"{ programme(slug: "jet-net-technet") { participants { organisation { slug } period { start { value } end { value precision } } } } }"#,
                json!({}),
            )
            .await;
        let parts = d["programme"]["participants"].as_array().unwrap();
        let pbt = parts.iter().find(|p| p["organisation"]["slug"] == "platform-beta-techniek").expect("PBT takes part");
        assert_eq!(
            pbt["period"],
            json!({ "start": null, "end": { "value": "2016", "precision": "YEAR" } }),
            "{backend:?}"
        );
        let tecwijzer = parts.iter().find(|p| p["organisation"]["slug"] == "tecwijzer").expect("TecWijzer takes part");
        assert!(tecwijzer["period"].is_null(), "{backend:?}: no source gives TecWijzer's period");
    }
}

#[test]
fn the_data_check_refuses_unknown_records_bad_dates_empty_labels_and_roleless_people() {
    use techniekpact_api::data;
    let mut set = data::parse(data::BUNDLED_DATA).expect("the bundled data parses");
    set.relations[0].object = "organisation:no-such-org".into();
    set.relations[1].kind = "LIKES".into();
    set.events[0].date = "2014-02-30".into();
    set.events[1].records = vec!["region:PROVINCE:NL-ZE".into()];
    set.items[0].label = " ".into();
    set.items[1].code = Some("ICT".into());
    set.people[0].roles.clear();
    set.people[1].roles[0].organisation = Some("no-such-org".into());
    let problems = data::validate(&set).join("\n");
    for expected in [
        "field `object`: unknown record \"organisation:no-such-org\"",
        "field `kind`: unknown value \"LIKES\"",
        "field `date`: \"2014-02-30\" is not a date",
        "field `records`: unknown record \"region:PROVINCE:NL-ZE\"",
        "field `label`: must not be empty",
        "field `code`: unknown value \"ICT\"",
        "field `roles`: a person is in the data set only for a public role",
        "field `organisation`: unknown organisation \"no-such-org\"",
    ] {
        assert!(problems.contains(expected), "missing {expected:?} in:\n{problems}");
    }
}

#[actix_web::test]
async fn a_person_taken_out_of_the_data_file_is_gone_after_the_next_load() {
    use techniekpact_api::data;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let report = app
            .with_conn(|c| {
                let mut set = data::parse(data::BUNDLED_DATA).expect("the bundled data parses");
                set.data_version += 1;
                set.people.retain(|p| p.slug != "kamp");
                data::load(c, &set, false).expect("the smaller set loads")
            })
            .await;
        assert_eq!(report.removed_people, ["kamp"], "{backend:?}");
        let d = app.data(r#"{ people(filter: { search: "kamp" }) { totalCount } }"#, json!({})).await;
        assert_eq!(d["people"]["totalCount"], 0, "{backend:?}");
    }
}
