//! `GET /`: the funding-per-region page (`static/page/`), its files under `/page/`, and
//! `GET /README.md`, which the page links to. The page reads only `POST /graphql`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::static_assets;

/// Scripts, styles, images and requests from this server only: the page loads nothing from outside.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Registers `/`, `/page/{file}` and `/README.md`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/page/{file}", web::get().to(asset))
        .route("/README.md", web::get().to(readme));
}

async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(static_assets::PAGE_HTML)
}

/// `GET /page/{file}`: one of [`static_assets::PAGE_ASSETS`], or `404`.
async fn asset(file: web::Path<String>) -> HttpResponse {
    super::static_file(static_assets::find_page_asset(&file), "no-cache").await
}

/// `GET /README.md`: the README this binary was built with, as Markdown text.
async fn readme() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(static_assets::README)
}
