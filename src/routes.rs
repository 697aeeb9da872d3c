//! HTTP routes: `POST /graphql` (the API), `GET /health`; `GET /graphql` (GraphiQL) and
//! `GET /schema.graphql` are in [`graphiql`].

pub mod graphiql;

use actix_web::http::header::AUTHORIZATION;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::dataloader::DataLoader;
use diesel::connection::SimpleConnection;

use crate::auth::keys::JwtKeys;
use crate::auth::token::authenticate;
use crate::auth::Viewer;
use crate::db::Database;
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::{ensure_error_codes, ApiSchema};

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

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
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the request body could not be read"))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            let message = format!("the request body is larger than {MAX_BODY_BYTES} bytes");
            return Err(request_error(StatusCode::PAYLOAD_TOO_LARGE, "REQUEST_TOO_LARGE", &message));
        }
        body.extend_from_slice(&chunk);
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
    http: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let request = match read_request(&http, payload).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    let viewer = match viewer(&http, db.get_ref(), keys.get_ref()).await {
        Ok(v) => v,
        Err(e) => {
            let status = if matches!(e, AppError::Unauthenticated(_)) {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            let mut response = request_error(status, e.code(), &e.to_string());
            response.headers_mut().insert(
                actix_web::http::header::WWW_AUTHENTICATE,
                actix_web::http::header::HeaderValue::from_static("Bearer"),
            );
            return response;
        }
    };
    let loader = DataLoader::new(DbLoader::new(db.get_ref().clone()), tokio::spawn);
    let (query, operation) = (request.query.clone(), request.operation_name.clone());
    let mut response = schema.execute(request.data(loader).data(viewer)).await;
    ensure_error_codes(&mut response);
    crate::graphql::order::reorder(&query, operation.as_deref(), &mut response.data);
    match serde_json::to_vec(&response) {
        Ok(body) => {
            HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).content_type("application/json").body(body)
        }
        Err(_) => HttpResponse::InternalServerError().finish(),
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

/// `200 {"status":"ok"}` when the database answers, `503` otherwise.
pub async fn health(db: web::Data<Database>) -> HttpResponse {
    match db.run(|c| Ok(c.batch_execute("SELECT 1")?)).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(_) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database unavailable" })),
    }
}

/// Any other method on `/graphql`: `405` in the GraphQL error shape.
pub async fn method_not_allowed() -> HttpResponse {
    request_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "use POST /graphql (or GET for GraphiQL)")
}

/// Any other path: `404` in the GraphQL error shape.
pub async fn not_found() -> HttpResponse {
    request_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such path: the API is at POST /graphql")
}
