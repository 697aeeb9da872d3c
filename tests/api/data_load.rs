//! The data loader: idempotent, all-or-nothing, and it never overwrites a record changed through
//! the API since it was loaded.

use diesel::prelude::*;
use serde_json::json;
use techniekpact_api::data::{self, format::DataSet};

use crate::helpers::{backends, digest, spawn_app};

fn bundled() -> DataSet {
    data::parse(data::BUNDLED_DATA).expect("the bundled data parses")
}

#[actix_web::test]
async fn loading_the_same_data_set_again_changes_nothing() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let report = app
            .with_conn(|c| {
                let before = digest(c);
                let quick = data::load(c, &bundled(), false).expect("second load");
                let forced = data::load(c, &bundled(), true).expect("forced load");
                assert_eq!(digest(c), before, "a repeated load must not write");
                (quick, forced)
            })
            .await;
        assert!(report.0.up_to_date, "{backend:?}");
        let set = bundled();
        let records = set.regions.len()
            + set.organisations.len()
            + set.programmes.len()
            + set.funding_schemes.len()
            + set.fundings.len()
            + set.goals.len()
            + set.observations.len()
            + set.relations.len()
            + set.events.len()
            + set.people.len()
            + set.items.len()
            + set.statements.len();
        assert_eq!((report.1.inserted, report.1.updated, report.1.unchanged), (0, 0, records), "{backend:?}");
    }
}

#[actix_web::test]
async fn a_newer_data_set_updates_records_but_keeps_api_changes() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let report = app
            .with_conn(|c| {
                use techniekpact_api::db::schema::organisation::dsl::*;
                let v1 = crate::fixtures::synthetic(2);
                data::load(c, &v1, false).expect("v1 loads");
                // A partner edits org-000 through the API (simulated: the API bumps the version).
                diesel::update(organisation.filter(slug.eq("org-000")))
                    .set((name.eq("Bewerkt door partner"), version.eq(version + 1)))
                    .execute(c)
                    .expect("edit");
                let mut v2 = v1.clone();
                v2.data_version = 2;
                v2.organisations[0].name = "Nieuwe naam uit bestand".into();
                v2.organisations[1].name = "Organisatie 001 (bijgewerkt)".into();
                let report = data::load(c, &v2, false).expect("v2 loads");
                let names: Vec<(String, String, i32)> = organisation
                    .filter(slug.eq_any(["org-000", "org-001"]))
                    .order(slug.asc())
                    .select((slug, name, version))
                    .load(c)
                    .expect("names");
                (report, names)
            })
            .await;
        let (report, names) = report;
        assert_eq!(report.updated, 1, "{backend:?}: {report:?}");
        assert_eq!(report.kept_api_changes.len(), 1);
        assert!(report.kept_api_changes[0].contains("org-000"));
        assert_eq!(names[0], ("org-000".into(), "Bewerkt door partner".into(), 2));
        assert_eq!(names[1], ("org-001".into(), "Organisatie 001 (bijgewerkt)".into(), 2));
    }
}

#[actix_web::test]
async fn an_invalid_data_set_is_refused_whole_with_the_record_and_field_named() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let outcome = app
            .with_conn(|c| {
                let before = digest(c);
                let mut bad = crate::fixtures::synthetic(2);
                bad.fundings[0].allocations[0].share_basis_points = Some(1);
                bad.programmes[1].participants[0].organisation = "no-such-org".into();
                let err = data::load(c, &bad, false).expect_err("invalid data is refused");
                (format!("{err:?}"), digest(c) == before)
            })
            .await;
        let (message, unchanged) = outcome;
        assert!(unchanged, "{backend:?}: nothing is written");
        assert!(message.contains("funding split-000") && message.contains("shareBasisPoints"), "{message}");
        assert!(
            message.contains("programme synthetic-001") && message.contains("no-such-org")
                || message.contains("unknown organisation"),
            "{message}"
        );
    }
}

#[test]
fn the_bundled_data_set_is_valid() {
    let problems = data::validate(&bundled());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let _ = json!({});
}
