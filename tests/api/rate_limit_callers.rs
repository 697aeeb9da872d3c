//! Who pays for a request: a token (its session tokens spend its budget), a client address (named
//! by `X-Forwarded-For` only from a trusted proxy), and one budget per caller across two instances
//! over one PostgreSQL database.

use techniekpact_api::config::Settings;

use crate::helpers::{backends, spawn_app_with, spawn_second_app, Backend};
use crate::rate_limits::{assert_refused, budgets, cost_of, from, number, REPORT, WEEK};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

#[actix_web::test]
async fn a_session_token_spends_its_parent_tokens_budget_and_other_tokens_keep_theirs() {
    let session = "mutation { createSessionToken(input: {}) { token { token } userErrors { code } } }";
    for backend in backends() {
        let w = World::new_with(backend, |s| {
            s.rate_limit_token = 10_000;
            s.rate_limit_period = WEEK;
        })
        .await;
        let parent = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let (_, _, body) = w.app.post_with(Some(&parent), &[], session).await;
        let child = body["data"]["createSessionToken"]["token"]["token"].as_str().expect("a session token").to_owned();
        for (who, token) in [("parent", &parent), ("session", &child)] {
            let (status, _, body) = w.app.post_with(Some(token), &[], REPORT).await;
            assert_eq!(status, 200, "{backend:?} {who}: {body}");
        }
        let (status, headers, body) = w.app.post_with(Some(&parent), &[], REPORT).await;
        assert_refused(&w.app, "the parent after its session spent", status, &headers, &body);
        let (status, headers, body) = w.app.post_with(Some(&child), &[], REPORT).await;
        assert_refused(&w.app, "the session", status, &headers, &body);
        // Another token, and callers without a token, have budgets of their own.
        let other = w.token(w.ids.org_b, "programmes:write").await;
        let (status, _, body) = w.app.post_with(Some(&other), &[], REPORT).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        let (status, _, body) = w.app.post_with(None, &[], REPORT).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
    }
}

#[actix_web::test]
async fn x_forwarded_for_names_the_client_only_from_a_trusted_proxy() {
    // From an untrusted peer the header is ignored: both "clients" are the peer, one budget.
    let app = spawn_app_with(Backend::Sqlite, false, budgets(10_000, WEEK)).await;
    for client in ["192.0.2.1", "192.0.2.2"] {
        let (status, _, body) = app.post_with(None, &from(client), REPORT).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, headers, body) = app.post_with(None, &from("192.0.2.3"), REPORT).await;
    assert_refused(&app, "a third address from an untrusted peer", status, &headers, &body);

    // Behind a trusted proxy each client has its own budget; a forged entry left of the client's
    // own address (`spoofed, client, proxy`) does not change who pays.
    let app = spawn_app_with(Backend::Sqlite, false, |s| {
        budgets(10_000, WEEK)(s);
        s.trusted_proxies = "127.0.0.1, 10.0.0.2".into();
    })
    .await;
    for forged in ["203.0.113.9, 192.0.2.1", "203.0.113.8, 192.0.2.1, 10.0.0.2"] {
        let (status, _, body) = app.post_with(None, &from(forged), REPORT).await;
        assert_eq!(status, 200, "{forged}: {body}");
    }
    let (status, headers, body) = app.post_with(None, &from("192.0.2.1"), REPORT).await;
    assert_refused(&app, "192.0.2.1 a third time", status, &headers, &body);
    let (status, _, body) = app.post_with(None, &from("192.0.2.2"), REPORT).await;
    assert_eq!(status, 200, "another client: {body}");
    assert_eq!(cost_of(&body)["remaining"], 5_000, "{body}");
}

#[actix_web::test]
async fn two_instances_over_one_postgresql_database_keep_one_budget_per_caller() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let settings = |s: &mut Settings| {
        budgets(25_000, WEEK)(s);
        s.trusted_proxies = "127.0.0.1".into();
    };
    let first = spawn_app_with(Backend::Postgres, false, settings).await;
    let second = spawn_second_app(&first, |_| {}).await;
    assert_ne!(first.address, second.address);
    let instances = [&first, &second];
    // One caller alternating between the instances spends one budget: five reports in all.
    for i in 0..5 {
        let (status, _, body) = instances[i % 2].post_with(None, &from("192.0.2.1"), REPORT).await;
        assert_eq!(status, 200, "report {i} on instance {}: {body}", i % 2);
        assert_eq!(number(&cost_of(&body)["remaining"]) / 1_000, (25 - 5 * (i as u64 + 1)), "report {i}: {body}");
    }
    for (n, app) in instances.iter().enumerate() {
        let (status, headers, body) = app.post_with(None, &from("192.0.2.1"), REPORT).await;
        assert_refused(app, &format!("a sixth report on instance {n}"), status, &headers, &body);
    }
    // Another caller is not affected, on either instance.
    for app in instances {
        let (status, _, body) = app.post_with(None, &from("192.0.2.2"), REPORT).await;
        assert_eq!(status, 200, "another caller: {body}");
    }
}
