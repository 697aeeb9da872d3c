//! The open-data exports (README "Open-data exports"): `GET /export/360giving.json` (a 360Giving
//! data package of the fundings that state what the standard requires), `GET
//! /export/360giving/summary` (what it would hold and leave out, and why) and `GET
//! /export/fundings.csv` (every funding). All take the `FundingFilter` fields as query parameters,
//! are charged to the caller's query budget, and stream in constant memory ([`stream`]).

mod compose;
mod giving;
mod params;
mod stream;
mod table;

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::budget::{add_headers, payer, TrustedProxies};
use super::{request_error, request_id, viewer, viewer_refusal};
use crate::auth::budget::{Budget, Budgets};
use crate::auth::keys::JwtKeys;
use crate::db::Database;
use crate::error::AppError;
use crate::read::export::Summary;
pub use table::{header as csv_header, neutralised};

/// What a download costs from the caller's query budget: as much as the costliest GraphQL request
/// may (50,000 points), since it reads every matching funding.
pub const DOWNLOAD_COST: u64 = 50_000;
/// What the summary costs: as much as a report (it counts and sums in one statement).
pub const SUMMARY_COST: u64 = 5_000;
/// How many exports one instance streams at once (each holds a connection and a blocking thread
/// for its whole download); more wait their turn for at most [`TURN_WAIT`].
pub const EXPORTS_AT_ONCE: usize = 2;
/// How long a download waits for its turn before `503 SERVICE_UNAVAILABLE`.
const TURN_WAIT: Duration = Duration::from_secs(10);

/// The exports' turns, shared by the workers of one instance.
#[derive(Clone)]
pub struct Exports {
    turns: Arc<tokio::sync::Semaphore>,
}

impl Default for Exports {
    fn default() -> Self {
        Self { turns: Arc::new(tokio::sync::Semaphore::new(EXPORTS_AT_ONCE)) }
    }
}

/// Registers the export routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/export/360giving.json", web::get().to(giving_package))
        .route("/export/360giving/summary", web::get().to(giving_summary))
        .route("/export/fundings.csv", web::get().to(fundings_csv));
}

/// What every export handler is handed.
struct Ctx {
    http: HttpRequest,
    db: web::Data<Database>,
    keys: web::Data<JwtKeys>,
    trusted: web::Data<TrustedProxies>,
    budgets: web::Data<Budgets>,
}

/// An error of an export as a response: the parameters (`400`), a busy service (`503`), else as
/// for any request (`401`, or `500` logged with the request id).
fn refusal(http: &HttpRequest, e: &AppError) -> HttpResponse {
    match e {
        AppError::BadUserInput(message) => request_error(StatusCode::BAD_REQUEST, e.code(), message),
        AppError::Unavailable(_) => {
            e.log(&request_id(http));
            let mut r = request_error(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.to_string());
            r.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("5"));
            r
        }
        _ => viewer_refusal(http, e),
    }
}

/// Checks the parameters and charges `cost` to the caller; the response so far (its `RateLimit-*`
/// headers) is applied by `finish`.
async fn admit(ctx: &Ctx, cost: u64) -> Result<(params::Params, Option<crate::auth::budget::Charge>), HttpResponse> {
    let params = params::parse(ctx.http.query_string()).map_err(|e| refusal(&ctx.http, &e))?;
    let viewer =
        viewer(&ctx.http, ctx.db.get_ref(), ctx.keys.get_ref()).await.map_err(|e| viewer_refusal(&ctx.http, &e))?;
    let who = payer(&ctx.http, &viewer, ctx.trusted.get_ref());
    let charge = ctx.budgets.charge(&who, Budget::Reads, cost).await.map_err(|e| refusal(&ctx.http, &e))?;
    if let Some(charge) = charge.as_ref().filter(|c| !c.allowed()) {
        let message = match charge.refused {
            Some(Some(wait)) => format!(
                "over the query budget: this download costs {cost} points and {} are left; retry after {} seconds",
                charge.remaining.unwrap_or(0),
                crate::graphql::limits::budget::retry_seconds(wait)
            ),
            _ => format!("this download costs {cost} points, more than the whole query budget of {}", charge.limit),
        };
        let mut response = request_error(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", &message);
        add_headers(&mut response, charge);
        return Err(response);
    }
    Ok((params, charge))
}

/// `scheme://host` as the client addressed this server.
fn base_url(http: &HttpRequest) -> String {
    let info = http.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

fn set(response: &mut HttpResponse, name: &'static str, value: String) {
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(HeaderName::from_static(name), value);
    }
}

/// The headers every export carries: what the package holds and leaves out, counted up front in
/// the same snapshot the body is read in.
fn summary_headers(response: &mut HttpResponse, summary: &Summary) {
    let exported = summary.exported();
    set(response, "export-fundings", summary.matching.funding_count.to_string());
    set(response, "export-grants", exported.funding_count.to_string());
    set(response, "export-left-out", summary.left_out.funding_count.to_string());
    let reasons = format!(
        "awardDate={}, recipientOrganization={}, fundingOrganization={}",
        summary.no_award_date.funding_count, summary.no_recipient.funding_count, summary.no_funder.funding_count
    );
    set(response, "export-left-out-reasons", reasons);
}

async fn download(
    ctx: Ctx,
    body: impl stream::Body,
    params: params::Params,
    content_type: &str,
    file: &str,
) -> HttpResponse {
    let turn = match tokio::time::timeout(TURN_WAIT, ctx.exports().turns.clone().acquire_owned()).await {
        Ok(turn) => turn.ok(),
        Err(e) => {
            let busy = AppError::unavailable_from("waiting for an export's turn", e);
            return refusal(&ctx.http, &busy);
        }
    };
    let db = ctx.db.get_ref().clone();
    match stream::start(db, params.query, body, request_id(&ctx.http), turn).await {
        Ok((summary, chunks)) => {
            let mut response = HttpResponse::Ok()
                .content_type(content_type)
                .insert_header(("Cache-Control", "no-store"))
                .insert_header(("Content-Disposition", format!("attachment; filename=\"{file}\"")))
                .streaming(chunks);
            summary_headers(&mut response, &summary);
            response
        }
        Err(e) => refusal(&ctx.http, &e),
    }
}

impl Ctx {
    fn exports(&self) -> Exports {
        self.http.app_data::<web::Data<Exports>>().map(|e| e.get_ref().clone()).unwrap_or_default()
    }
}

macro_rules! handler {
    ($(#[$doc:meta])* $name:ident, $cost:expr, |$ctx:ident, $params:ident| $body:expr) => {
        $(#[$doc])*
        pub async fn $name(
            http: HttpRequest,
            db: web::Data<Database>,
            keys: web::Data<JwtKeys>,
            trusted: web::Data<TrustedProxies>,
            budgets: web::Data<Budgets>,
        ) -> HttpResponse {
            let $ctx = Ctx { http, db, keys, trusted, budgets };
            let ($params, charge) = match admit(&$ctx, $cost).await {
                Ok(admitted) => admitted,
                Err(response) => return response,
            };
            let mut response = $body;
            if let Some(charge) = &charge {
                add_headers(&mut response, charge);
            }
            response
        }
    };
}

handler!(
    /// `GET /export/360giving.json`: the 360Giving data package.
    giving_package,
    DOWNLOAD_COST,
    |ctx, params| {
        let body = giving::Package {
            base: base_url(&ctx.http),
            placement: params.query.placement,
            issued: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            first: true,
        };
        download(ctx, body, params, "application/json", "360giving.json").await
    }
);

handler!(
    /// `GET /export/fundings.csv`: every matching funding as CSV.
    fundings_csv,
    DOWNLOAD_COST,
    |ctx, params| {
        let body = table::Table { base: base_url(&ctx.http), placement: params.query.placement };
        download(ctx, body, params, "text/csv; charset=utf-8; header=present", "fundings.csv").await
    }
);

handler!(
    /// `GET /export/360giving/summary`: what the package would hold and leave out, and why.
    giving_summary,
    SUMMARY_COST,
    |ctx, params| {
        let query = params.query;
        match ctx.db.get_ref().for_request().run(move |c| crate::read::export::summary(c, &query)).await {
            Ok(summary) => {
                let mut response = HttpResponse::Ok()
                    .insert_header(("Cache-Control", "no-store"))
                    .content_type("application/json")
                    .body(giving::summary_json(&summary));
                summary_headers(&mut response, &summary);
                response
            }
            Err(e) => refusal(&ctx.http, &e),
        }
    }
);
