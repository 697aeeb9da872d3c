//! HTTP routes: `POST /graphql` (the API), `GET /health`; `GET /graphql` (GraphiQL) and
//! `GET /schema.graphql` are in [`graphiql`], the open-data downloads under `/export/` in [`export`],
//! the page at `/` in [`page`].

pub mod budget;
pub mod export;
pub mod graphiql;
pub mod page;

use actix_web::http::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use async_graphql::dataloader::DataLoader;
use diesel::connection::SimpleConnection;

use crate::auth::keys::JwtKeys;
use crate::auth::token::authenticate;
use crate::auth::Viewer;
use crate::db::Database;
use crate::error::AppError;
use crate::graphql::limits::budget::RequestBudget;
use crate::graphql::limits::{nesting_of_json, nesting_of_query, MAX_NESTING, NESTED_TOO_DEEP};
use crate::graphql::loaders::DbLoader;
use crate::graphql::{finish_errors, ApiSchema};
use crate::middleware::{OperationName, RequestId};

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// How long the whole request body may take to arrive.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// An error response outside GraphQL execution, still in the GraphQL shape with `extensions.code`.
fn request_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "data": null,
        "errors": [{ "message": message, "extensions": { "code": code } }]
    }))
}

/// Reads the body (at most [`MAX_BODY_BYTES`]) as one GraphQL request in JSON.
async fn read_request(http: &HttpRequest, mut payload: web::Payload) -> Result<async_graphql::Request, HttpResponse> {
    use futures_util::StreamExt;
    let json = http
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "send `Content-Type: application/json` with a body {\"query\": …}",
        ));
    }
    let too_large = || {
        let message = format!("the request body is larger than {MAX_BODY_BYTES} bytes");
        request_error(StatusCode::PAYLOAD_TOO_LARGE, "REQUEST_TOO_LARGE", &message)
    };
    // A declared length over the limit is refused before any of the body is read.
    let declared = http.headers().get(actix_web::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok());
    if declared.and_then(|v| v.parse::<u64>().ok()).is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let read = async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| {
                request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the request body could not be read")
            })?;
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    let body = actix_web::rt::time::timeout(BODY_TIMEOUT, read).await.map_err(|_| {
        let message = format!("the request body did not arrive within {} seconds", BODY_TIMEOUT.as_secs());
        request_error(StatusCode::REQUEST_TIMEOUT, "REQUEST_TIMEOUT", &message)
    })??;
    // Before any value is built: serde and the GraphQL parser recurse per level.
    if nesting_of_json(&body) > MAX_NESTING + 2 {
        let message = format!("the request body nests arrays and objects more than {MAX_NESTING} deep");
        return Err(request_error(StatusCode::BAD_REQUEST, NESTED_TOO_DEEP, &message));
    }
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
        request_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the body must be JSON: {\"query\": \"…\", \"variables\": {…}}",
        )
    })?;
    if value.is_array() {
        return Err(request_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "batch requests are not supported: send one query per request",
        ));
    }
    if !value.get("query").is_some_and(serde_json::Value::is_string) {
        return Err(request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the body needs a string `query`"));
    }
    if value["query"].as_str().is_some_and(|q| nesting_of_query(q) > MAX_NESTING) {
        let message = format!("the query nests brackets more than {MAX_NESTING} deep");
        return Err(request_error(StatusCode::BAD_REQUEST, NESTED_TOO_DEEP, &message));
    }
    if value.get("variables").is_some_and(|v| !v.is_object() && !v.is_null()) {
        return Err(request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "`variables` must be an object"));
    }
    serde_json::from_value(value).map_err(|_| {
        request_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the body must be {\"query\": string, \"variables\": object, \"operationName\": string}",
        )
    })
}

/// Runs one GraphQL request with a fresh set of data loaders and the caller found in its
/// `Authorization` header. A header that is not a valid, unrevoked bearer token is refused with
/// `401` and `UNAUTHENTICATED`, also for reads: a bad token is never silently anonymous.
pub async fn graphql(
    schema: web::Data<ApiSchema>,
    db: web::Data<Database>,
    keys: web::Data<JwtKeys>,
    trusted: web::Data<budget::TrustedProxies>,
    http: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let request = match read_request(&http, payload).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    let viewer = match viewer(&http, db.get_ref(), keys.get_ref()).await {
        Ok(v) => v,
        Err(e) => return viewer_refusal(&http, &e),
    };
    // This request's share of the pool: its resolvers and loaders find this handle first.
    let request_db = db.get_ref().for_request();
    let loader = DataLoader::new(DbLoader::new(request_db.clone()), tokio::spawn);
    let (query, operation) = (request.query.clone(), request.operation_name.clone());
    let paying = RequestBudget::new(budget::payer(&http, &viewer, trusted.get_ref()), operation.clone());
    let request = request.data(loader).data(viewer).data(request_db).data(paying.clone());
    let mut response = schema.execute(request).await;
    finish_errors(&mut response, &request_id(&http));
    if let Some(charge) = paying.charge() {
        budget::add_cost(&mut response, charge);
    }
    let label = operation_label(&query, operation.as_deref());
    crate::graphql::order::reorder(&query, operation.as_deref(), &mut response.data);
    let unavailable = no_data(&response.data)
        && response.errors.iter().any(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .is_some_and(|c| matches!(c, async_graphql::Value::String(s) if s == "SERVICE_UNAVAILABLE"))
        });
    let mut http_response = match serde_json::to_vec(&response) {
        Ok(body) if unavailable => HttpResponse::ServiceUnavailable()
            .insert_header((RETRY_AFTER, RETRY_AFTER_SECONDS))
            .insert_header(("Cache-Control", "no-store"))
            .content_type("application/json")
            .body(body),
        Ok(body) => {
            HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).content_type("application/json").body(body)
        }
        Err(_) => HttpResponse::InternalServerError().finish(),
    };
    if let Some(charge) = paying.charge() {
        budget::add_headers(&mut http_response, charge);
    }
    http_response.extensions_mut().insert(OperationName(label));
    http_response
}

/// The response to a request whose `Authorization` header could not be checked: `401` with
/// `WWW-Authenticate: Bearer` for a bad token, `503` with `Retry-After` when the database is busy,
/// else `500` with the request id (the cause is logged, never sent).
fn viewer_refusal(http: &HttpRequest, e: &AppError) -> HttpResponse {
    match e {
        AppError::Unauthenticated(_) => {
            let mut r = request_error(StatusCode::UNAUTHORIZED, e.code(), &e.to_string());
            r.headers_mut().insert(actix_web::http::header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        }
        AppError::Unavailable(_) => {
            e.log(&request_id(http));
            let mut r = request_error(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.to_string());
            r.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
            r
        }
        _ => {
            e.log(&request_id(http));
            HttpResponse::InternalServerError().json(serde_json::json!({
                "data": null,
                "errors": [{ "message": e.to_string(), "extensions": { "code": e.code(), "requestId": request_id(http) } }]
            }))
        }
    }
}

/// This request's id (set by [`request_context`](crate::middleware::request_context)).
fn request_id(http: &HttpRequest) -> String {
    http.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default()
}

/// The operation's name for the log: `operationName`, else the first named operation in the
/// text, else `-`.
fn operation_label(query: &str, operation_name: Option<&str>) -> String {
    if let Some(name) = operation_name.filter(|n| !n.is_empty()) {
        return name.chars().take(100).collect();
    }
    let text = query.trim_start();
    let rest = ["query", "mutation", "subscription"].iter().find_map(|k| text.strip_prefix(k));
    let name: String = rest
        .filter(|r| r.starts_with(char::is_whitespace))
        .map(str::trim_start)
        .filter(|r| r.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(|r| r.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').take(100).collect())
        .unwrap_or_default();
    if name.is_empty() {
        "-".into()
    } else {
        name
    }
}

/// What `Retry-After` says when the database is busy.
const RETRY_AFTER_SECONDS: &str = "1";

/// True when a response carries no data: `data` is null, or every root field is null.
fn no_data(data: &async_graphql::Value) -> bool {
    match data {
        async_graphql::Value::Null => true,
        async_graphql::Value::Object(fields) => fields.values().all(|v| matches!(v, async_graphql::Value::Null)),
        _ => false,
    }
}

async fn viewer(http: &HttpRequest, db: &Database, keys: &JwtKeys) -> Result<Viewer, AppError> {
    let Some(header) = http.headers().get(AUTHORIZATION) else { return Ok(Viewer::Anonymous) };
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::Unauthenticated("the Authorization header must be `Bearer <token>`".into()))?
        .to_owned();
    let keys = keys.clone();
    let actor = db.run(move |c| authenticate(c, &keys, &token)).await?;
    Ok(Viewer::Authenticated(actor))
}

/// Liveness: `200 {"status":"ok"}` while the process serves requests. Touches no database, so a
/// database outage does not get the process restarted; see [`ready`].
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: `200` when the database answers, every migration is applied, a data set is loaded
/// and the database still records this instance's signing key; `503` with the failed check
/// otherwise.
pub async fn ready(db: web::Data<Database>, keys: web::Data<JwtKeys>, http: HttpRequest) -> HttpResponse {
    let fingerprint = keys.fingerprint.clone();
    let checks = db
        .run(move |c| {
            c.batch_execute("SELECT 1")?;
            if Database::has_pending_migrations(c)? {
                return Ok(Some("migrations are pending"));
            }
            if crate::data::meta(c, "data_version")?.is_none() {
                return Ok(Some("no data set is loaded"));
            }
            if crate::auth::key_record::recorded(c)?.as_deref() != Some(fingerprint.as_str()) {
                return Ok(Some("the database records another token signing key (rotated?): restart with it"));
            }
            Ok(None)
        })
        .await;
    let (status, body) = match checks {
        Ok(None) => (StatusCode::OK, serde_json::json!({ "status": "ready" })),
        Ok(Some(why)) => (StatusCode::SERVICE_UNAVAILABLE, serde_json::json!({ "status": "not ready", "reason": why })),
        Err(e) => {
            e.log(&request_id(&http));
            let body = serde_json::json!({ "status": "not ready", "reason": "the database cannot be reached" });
            (StatusCode::SERVICE_UNAVAILABLE, body)
        }
    };
    HttpResponse::build(status).insert_header(("Cache-Control", "no-store")).json(body)
}

/// Any other method on `/graphql`: `405` in the GraphQL error shape.
pub async fn method_not_allowed() -> HttpResponse {
    request_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "use POST /graphql (or GET for GraphiQL)")
}

/// Another method on `/health` or `/ready`: `405`.
pub async fn get_or_head_only() -> HttpResponse {
    let mut response = request_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "use GET or HEAD");
    response.headers_mut().insert(actix_web::http::header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

/// A file compiled into the binary (`crate::static_assets`) with its type and caching, or `404`.
pub async fn static_file(
    asset: Option<&'static crate::static_assets::Asset>,
    cache_control: &'static str,
) -> HttpResponse {
    match asset {
        Some(a) => HttpResponse::Ok()
            .content_type(a.content_type)
            .insert_header((actix_web::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((actix_web::http::header::CACHE_CONTROL, cache_control))
            .body(a.bytes),
        None => not_found().await,
    }
}

/// Any other path: `404` in the GraphQL error shape.
pub async fn not_found() -> HttpResponse {
    request_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such path: the API is at POST /graphql")
}
