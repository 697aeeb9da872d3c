//! Cost budgets per caller (Operations 1): what a request costs, what is left, refusals that run
//! nothing, refills, the default budget, limits off. Who pays (tokens, session tokens, client
//! addresses, two instances): `rate_limit_callers.rs`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};
use serde_json::{json, Value};
use techniekpact_api::config::Settings;

use crate::helpers::{backends, digest, error_codes, spawn_app, spawn_app_with, Backend, TestApp};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

pub const REPORT: &str = "{ fundingByRegion(level: PROVINCE) { grandTotal { amount } } }";
const PAGE: &str = "{ organisations(first: 50) { nodes { name } } }";
const NESTED: &str = "{ programmes(first: 50) { nodes { name fundings(first: 10) { nodes { key } } } } }";
const RATE_LIMIT: &str = "{ rateLimit { limit cost remaining used resetAt } }";
pub const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

/// Records the complexity the engine's validation computes.
struct Measure(Arc<Mutex<Option<usize>>>);

impl ExtensionFactory for Measure {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Measure(self.0.clone()))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Measure {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        *self.0.lock().unwrap() = Some(result.complexity);
        Ok(result)
    }
}

/// The complexity of `query` as the schema's own validation computes it (run without data: its
/// resolvers fail, which does not matter here).
async fn complexity_of(query: &str) -> u64 {
    let seen = Arc::new(Mutex::new(None));
    let schema = techniekpact_api::graphql::schema_builder().extension(Measure(seen.clone())).finish();
    let _ = schema.execute(query).await;
    let complexity = seen.lock().unwrap().expect("the document validates");
    complexity as u64
}

pub fn budgets(anonymous: u32, period: Duration) -> impl FnOnce(&mut Settings) {
    move |s| {
        s.rate_limit_anonymous = anonymous;
        s.rate_limit_period = period;
    }
}

pub fn from(address: &str) -> [(&str, &str); 1] {
    [("x-forwarded-for", address)]
}

pub fn cost_of(body: &Value) -> &Value {
    &body["extensions"]["cost"]
}

pub fn number(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A refusal: 429, `RATE_LIMITED`, no data, and the retry time in `Retry-After` and the error.
pub fn assert_refused(app: &TestApp, what: &str, status: u16, headers: &BTreeMap<String, String>, body: &Value) -> u64 {
    let backend = app.backend;
    assert_eq!(status, 429, "{backend:?} {what}: {body}");
    assert_eq!(error_codes(body), ["RATE_LIMITED"], "{backend:?} {what}: {body}");
    assert!(body["data"].is_null(), "{backend:?} {what}: {body}");
    let retry: u64 = headers.get("retry-after").expect("Retry-After").parse().unwrap();
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry, "{backend:?} {what}: {body}");
    assert!(retry >= 1, "{backend:?} {what}: {retry}");
    retry
}

#[actix_web::test]
async fn the_cost_charged_is_the_documents_complexity_and_every_answer_shows_what_is_left() {
    let limit = 1_000_000u64;
    for backend in backends() {
        let app = spawn_app_with(backend, false, budgets(limit as u32, WEEK)).await;
        let mut spent = 0u64;
        // `{ __typename }` 0, charged as 1 (every request costs at least a point); a page of 50 ×
        // one field 50 × 2 + 1; a report its floor.
        for (query, by_hand) in
            [("{ __typename }", Some(0)), (PAGE, Some(101)), (NESTED, None), (REPORT, Some(5_000)), (RATE_LIMIT, None)]
        {
            let complexity = complexity_of(query).await;
            if let Some(by_hand) = by_hand {
                assert_eq!(complexity, by_hand, "{query}");
            }
            let expected = complexity.max(1);
            let (status, headers, body) = app.post_with(None, &[], query).await;
            assert_eq!(status, 200, "{backend:?} {query}: {body}");
            assert!(body.get("errors").is_none(), "{backend:?} {query}: {body}");
            spent += expected;
            let cost = cost_of(&body);
            assert_eq!(cost["requested"], expected, "{backend:?} {query}: {body}");
            assert_eq!(cost["limit"], limit, "{backend:?} {query}: {body}");
            // What is left, give or take the refill since the first request (1.65 points a second).
            let remaining = number(&cost["remaining"]);
            assert!((limit - spent..=limit - spent + 10).contains(&remaining), "{backend:?} {query}: {remaining}");
            let reset = chrono::DateTime::parse_from_rfc3339(cost["resetAt"].as_str().unwrap()).unwrap();
            assert!(reset > chrono::Utc::now() - chrono::Duration::seconds(1), "{backend:?} {query}: {reset}");
            assert_eq!(headers["ratelimit-limit"], limit.to_string(), "{backend:?}");
            assert_eq!(headers["ratelimit-remaining"], remaining.to_string(), "{backend:?}");
            assert!(headers["ratelimit-reset"].parse::<u64>().unwrap() <= WEEK.as_secs(), "{backend:?}");
            assert!(!headers.contains_key("retry-after"), "{backend:?}");
            if query == RATE_LIMIT {
                let r = &body["data"]["rateLimit"];
                assert_eq!(r["limit"], limit, "{backend:?}: {body}");
                assert_eq!(r["cost"], expected, "{backend:?}: {body}");
                assert_eq!(r["remaining"], remaining, "{backend:?}: {body}");
                assert_eq!(number(&r["used"]), limit - remaining, "{backend:?}: {body}");
                assert!(r["resetAt"].as_str().is_some(), "{backend:?}: {body}");
            }
        }
    }
}

#[actix_web::test]
async fn a_query_over_budget_is_refused_with_429_and_runs_nothing() {
    for backend in backends() {
        let app = spawn_app_with(backend, false, budgets(10_000, WEEK)).await;
        for _ in 0..2 {
            let (status, _, body) = app.post_with(None, &[], REPORT).await;
            assert_eq!(status, 200, "{backend:?}: {body}");
        }
        let before = app.db.query_counter().get();
        let (status, headers, body) = app.post_with(None, &[], REPORT).await;
        let statements = app.db.query_counter().get() - before;
        assert_refused(&app, "a third report", status, &headers, &body);
        assert_eq!(cost_of(&body)["requested"], 5_000, "{backend:?}: {body}");
        assert!(number(&cost_of(&body)["remaining"]) < 5_000, "{backend:?}: {body}");
        // The charge runs on the budgets' own connections (or in memory): nothing on the serving pool.
        assert_eq!(statements, 0, "{backend:?}: statements ran for a refused request");
        // A document refused by validation is charged nothing and says no cost.
        let body = app.query("{ nosuchfield }", json!({})).await;
        assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"], "{backend:?}: {body}");
        assert!(body.get("extensions").is_none_or(|e| e.get("cost").is_none()), "{backend:?}: {body}");
    }
}

const CREATE: &str = r#"mutation { createProgramme(input: { name: "Budgeted", kind: PROJECT }) { programme { id } userErrors { code } } }"#;

#[actix_web::test]
async fn a_refused_mutation_leaves_no_row_and_no_audit_event_and_reads_have_their_own_budget() {
    let cost = complexity_of(CREATE).await;
    for backend in backends() {
        let w = World::new_with(backend, |s| {
            s.rate_limit_writes = cost as u32;
            s.rate_limit_period = WEEK;
        })
        .await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let (status, _, body) = w.app.post_with(Some(&token), &[], CREATE).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        assert!(body["data"]["createProgramme"]["programme"]["id"].is_string(), "{backend:?}: {body}");
        assert_eq!(cost_of(&body)["requested"], cost, "{backend:?}: {body}");
        assert_eq!(cost_of(&body)["remaining"], 0, "{backend:?}: {body}");

        let before = w.app.with_conn(digest).await;
        let again = CREATE.replace("Budgeted", "Refused");
        let (status, headers, body) = w.app.post_with(Some(&token), &[], &again).await;
        assert_refused(&w.app, "a second mutation", status, &headers, &body);
        assert_eq!(w.app.with_conn(digest).await, before, "{backend:?}: a refused mutation wrote");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("mutation budget"), "{backend:?}: {body}");

        // Reads are charged to the token's query budget, which is untouched.
        let (status, _, body) = w.app.post_with(Some(&token), &[], RATE_LIMIT).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        assert_eq!(body["data"]["rateLimit"]["limit"], 2_000_000_000u64, "{backend:?}: {body}");
    }
}

#[actix_web::test]
async fn a_budget_refills_over_its_period() {
    let cost = complexity_of(PAGE).await;
    for backend in backends() {
        // The whole budget is one page, refilled in two seconds.
        let app = spawn_app_with(backend, false, budgets(cost as u32, Duration::from_secs(2))).await;
        let (status, _, body) = app.post_with(None, &[], PAGE).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        let (status, headers, body) = app.post_with(None, &[], PAGE).await;
        let retry = assert_refused(&app, "a second page at once", status, &headers, &body);
        assert!(retry <= 2, "{backend:?}: {retry}");
        actix_web::rt::time::sleep(Duration::from_secs(retry)).await;
        let (status, _, body) = app.post_with(None, &[], PAGE).await;
        assert_eq!(status, 200, "{backend:?} after {retry} s: {body}");
    }
}

#[actix_web::test]
async fn the_default_anonymous_budget_lets_200_reports_in_a_row_through() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let mut last = Value::Null;
        for i in 0..200 {
            let (status, _, body) = app.post_with(None, &[], REPORT).await;
            assert_eq!(status, 200, "{backend:?} report {i}: {body}");
            assert!(body.get("errors").is_none(), "{backend:?} report {i}: {body}");
            last = body;
        }
        let limit = app.settings.rate_limit_anonymous;
        assert_eq!(cost_of(&last)["limit"], limit, "{backend:?}");
        assert!(number(&cost_of(&last)["remaining"]) >= u64::from(limit) - 200 * 5_000, "{backend:?}: {last}");
    }
}

#[actix_web::test]
async fn with_limits_off_nothing_is_charged_or_refused() {
    let app = spawn_app_with(Backend::Sqlite, false, |s| {
        s.rate_limits = false;
        s.rate_limit_anonymous = 1;
    })
    .await;
    for _ in 0..3 {
        let (status, headers, body) = app.post_with(None, &[], "{ rateLimit { remaining } }").await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["rateLimit"].is_null(), "{body}");
        assert!(body.get("extensions").is_none_or(|e| e.get("cost").is_none()), "{body}");
        assert!(!headers.contains_key("ratelimit-limit"), "{headers:?}");
    }
}
