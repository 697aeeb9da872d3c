//! `generate-data`: deterministic for a seed, beside the real data, refusing what it must.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::json;
use techniekpact_api::data::generate::{generate, Options, Sizes};
use techniekpact_api::db::schema::*;
use techniekpact_api::db::DbConn;

use crate::helpers::{backends, spawn_app, TestApp};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

const SIZES: Sizes = Sizes { organisations: 30, programmes: 60, fundings: 400, seed: 7 };

/// Every synthetic funding by key: amount, scheme code, programme slug, recipient slug, award date,
/// and its allocations (region code, share) — natural keys only, so two databases compare.
type Dump =
    BTreeMap<String, (i64, Option<String>, Option<String>, Option<String>, Option<String>, Vec<(String, Option<i32>)>)>;

fn dump(conn: &mut DbConn) -> Dump {
    let slugs: BTreeMap<i64, String> =
        organisation::table.select((organisation::id, organisation::slug)).load(conn).unwrap().into_iter().collect();
    let programmes: BTreeMap<i64, String> =
        programme::table.select((programme::id, programme::slug)).load(conn).unwrap().into_iter().collect();
    let schemes: BTreeMap<i64, String> = funding_scheme::table
        .select((funding_scheme::id, funding_scheme::code))
        .load(conn)
        .unwrap()
        .into_iter()
        .collect();
    let regions: BTreeMap<i64, String> =
        region::table.select((region::id, region::code)).load(conn).unwrap().into_iter().collect();
    type Row = (i64, String, i64, Option<i64>, Option<i64>, Option<i64>, Option<chrono::NaiveDate>);
    let rows: Vec<Row> = funding::table
        .filter(funding::key.like("synthetic-%"))
        .select((
            funding::id,
            funding::key,
            funding::amount_cents,
            funding::scheme_id,
            funding::programme_id,
            funding::recipient_id,
            funding::award_date,
        ))
        .load(conn)
        .unwrap();
    let allocations: Vec<(i64, i64, Option<i32>)> = region_allocation::table
        .order(region_allocation::id)
        .select((region_allocation::funding_id, region_allocation::region_id, region_allocation::share_basis_points))
        .load(conn)
        .unwrap();
    let mut by_funding: BTreeMap<i64, Vec<(String, Option<i32>)>> = BTreeMap::new();
    for (f, r, share) in allocations {
        by_funding.entry(f).or_default().push((regions[&r].clone(), share));
    }
    rows.into_iter()
        .map(|(id, key, cents, scheme, programme, recipient, award)| {
            (
                key,
                (
                    cents,
                    scheme.map(|s| schemes[&s].clone()),
                    programme.map(|p| programmes[&p].clone()),
                    recipient.map(|r| slugs[&r].clone()),
                    award.map(|d| d.to_string()),
                    by_funding.remove(&id).unwrap_or_default(),
                ),
            )
        })
        .collect()
}

async fn generated(app: &TestApp, sizes: Sizes, options: Options) -> Result<Dump, String> {
    app.with_conn(move |c| generate(c, sizes, options).map(|_| dump(c)).map_err(|e| e.to_string())).await
}

#[actix_web::test]
async fn the_same_seed_gives_the_same_data_on_both_backends_and_another_seed_does_not() {
    let mut dumps = Vec::new();
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let first = generated(&app, SIZES, Options::default()).await.expect("generated");
        assert_eq!(first.len(), SIZES.fundings, "{backend:?}");
        dumps.push(first);
    }
    let app = spawn_app(crate::helpers::Backend::Sqlite, true).await;
    dumps.push(generated(&app, SIZES, Options::default()).await.unwrap());
    assert!(dumps.windows(2).all(|w| w[0] == w[1]), "the same seed gave different data");
    let other = spawn_app(crate::helpers::Backend::Sqlite, true).await;
    let different = generated(&other, Sizes { seed: 8, ..SIZES }, Options::default()).await.unwrap();
    assert_ne!(different, dumps[0]);

    // The shape the benchmarks rely on.
    let d = &dumps[0];
    let full = d.values().filter(|f| f.3.is_some() && f.4.is_some()).count();
    assert!(full * 100 >= d.len() * 80, "at least 80 % with a recipient and an award date: {full}");
    let split = d.values().filter(|f| f.5.len() > 1 && f.5.iter().all(|a| a.1.is_some())).count();
    let unallocated = d.values().filter(|f| f.5.is_empty()).count();
    assert!(split > 0 && unallocated > 0, "split {split}, unallocated {unallocated}");
    for f in d.values().filter(|f| f.5.iter().all(|a| a.1.is_some()) && !f.5.is_empty()) {
        assert_eq!(f.5.iter().map(|a| a.1.unwrap()).sum::<i32>(), 10_000, "shares sum to 10000: {f:?}");
    }
}

#[actix_web::test]
async fn it_sits_beside_the_real_data_and_the_api_reads_it() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let before = app.data("{ fundings { totalCount } programmes { totalCount } }", json!({})).await;
        generated(&app, SIZES, Options::default()).await.unwrap();
        let after = app
            .data(
                r#"{ fundings { totalCount } programmes { totalCount }
                     synthetic: programmes(first: 1, filter: { search: "synthetic programme" }) { nodes { name sources { document } } } }"#,
                json!({}),
            )
            .await;
        let count = |v: &serde_json::Value, k: &str| v[k]["totalCount"].as_i64().unwrap();
        assert_eq!(count(&after, "fundings"), count(&before, "fundings") + SIZES.fundings as i64, "{backend:?}");
        assert_eq!(count(&after, "programmes"), count(&before, "programmes") + SIZES.programmes as i64);
        let node = &after["synthetic"]["nodes"][0];
        assert!(node["name"].as_str().unwrap().ends_with("(synthetic)"), "{node}");
        assert_eq!(node["sources"], json!([{ "document": "synthetic" }]));
    }
}

#[actix_web::test]
async fn it_refuses_partner_written_databases_and_earlier_sets_unless_asked() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        generated(&app, SIZES, Options::default()).await.unwrap();
        let again = generated(&app, SIZES, Options::default()).await;
        assert!(again.unwrap_err().contains("--replace"), "{backend:?}");
        let replaced = generated(&app, Sizes { fundings: 50, ..SIZES }, Options { replace: true, force: false }).await;
        assert_eq!(replaced.unwrap().len(), 50, "the earlier set was replaced, not added to");

        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        // A partner's programme whose slug happens to start with `synthetic-` is not synthetic.
        let create =
            r#"mutation { createProgramme(input: { name: "Synthetic fuels", kind: PROJECT }) { programme { slug } } }"#;
        let (_, body) = w.app.query_as(Some(&token), create, json!({})).await;
        assert_eq!(body["data"]["createProgramme"]["programme"]["slug"], "synthetic-fuels", "{body}");
        let refused = generated(&w.app, SIZES, Options::default()).await;
        assert!(refused.unwrap_err().contains("partners wrote"), "{backend:?}");
        let forced = generated(&w.app, SIZES, Options { replace: false, force: true }).await;
        assert_eq!(forced.unwrap().len(), SIZES.fundings);
        let replaced = generated(&w.app, Sizes { fundings: 10, ..SIZES }, Options { replace: true, force: true }).await;
        assert_eq!(replaced.unwrap().len(), 10);
        let kept = w.app.data(r#"{ programme(slug: "synthetic-fuels") { name } }"#, json!({})).await;
        assert_eq!(kept["programme"]["name"], "Synthetic fuels", "--replace deleted a partner's programme");
    }
}
