//! HTTP routes: `POST /graphql` (the API), `GET /graphql` (GraphiQL), `GET /health`.

use actix_web::{web, HttpResponse};
use async_graphql::dataloader::DataLoader;
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use diesel::connection::SimpleConnection;

use crate::db::Database;
use crate::graphql::loaders::DbLoader;
use crate::graphql::{ensure_error_codes, ApiSchema};

/// Runs one GraphQL request with a fresh set of data loaders.
pub async fn graphql(
    schema: web::Data<ApiSchema>,
    db: web::Data<Database>,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let loader = DataLoader::new(DbLoader::new(db.get_ref().clone()), tokio::spawn);
    let mut response = schema.execute(request.into_inner().data(loader)).await;
    ensure_error_codes(&mut response);
    response.into()
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
