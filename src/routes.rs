//! HTTP routes: `POST /graphql` (the API), `GET /graphql` (GraphiQL), `GET /health`.

use actix_web::http::header::AUTHORIZATION;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::dataloader::DataLoader;
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::GraphQLRequest;
use diesel::connection::SimpleConnection;

use crate::auth::keys::JwtKeys;
use crate::auth::token::authenticate;
use crate::auth::Viewer;
use crate::db::Database;
use crate::error::AppError;
use crate::graphql::loaders::DbLoader;
use crate::graphql::{ensure_error_codes, ApiSchema};

/// Runs one GraphQL request with a fresh set of data loaders and the caller found in its
/// `Authorization` header. A header that is not a valid, unrevoked bearer token is refused with
/// `401` and `UNAUTHENTICATED`, also for reads: a bad token is never silently anonymous.
pub async fn graphql(
    schema: web::Data<ApiSchema>,
    db: web::Data<Database>,
    keys: web::Data<JwtKeys>,
    http: HttpRequest,
    request: GraphQLRequest,
) -> HttpResponse {
    let viewer = match viewer(&http, db.get_ref(), keys.get_ref()).await {
        Ok(v) => v,
        Err(e) => {
            let body = serde_json::json!({
                "data": null,
                "errors": [{ "message": e.to_string(), "extensions": { "code": e.code() } }]
            });
            let status = if matches!(e, AppError::Unauthenticated(_)) {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            return HttpResponse::build(status).insert_header(("WWW-Authenticate", "Bearer")).json(body);
        }
    };
    let loader = DataLoader::new(DbLoader::new(db.get_ref().clone()), tokio::spawn);
    let mut response = schema.execute(request.into_inner().data(loader).data(viewer)).await;
    ensure_error_codes(&mut response);
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

/// The GraphiQL explorer, posting to `/graphql`.
pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GraphiQLSource::build().endpoint("/graphql").title("Techniekpact partner graph").finish())
}

/// `200 {"status":"ok"}` when the database answers, `503` otherwise.
pub async fn health(db: web::Data<Database>) -> HttpResponse {
    match db.run(|c| Ok(c.batch_execute("SELECT 1")?)).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(_) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database unavailable" })),
    }
}
