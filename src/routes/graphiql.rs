//! `GET /graphql` (one dispatch rule, see [`get_graphql`]), the GraphiQL page and its files under
//! `/graphiql/`, and `GET /schema.graphql`.

use std::sync::OnceLock;

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::parser::types::{DocumentOperations, OperationType};

use super::request_error;
use crate::static_assets;

/// The query-string parameters reserved for persisted reads over GET.
const RESERVED_PARAMETERS: [&str; 3] = ["query", "documentId", "extensions"];

/// The page's Content-Security-Policy: scripts, styles and requests from this server only (fonts and
/// GraphiQL's small images are inlined `data:` URLs), so the page cannot load anything from outside.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Registers `/schema.graphql` and `/graphiql/{file}` (`GET /graphql` itself is in the route table).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/schema.graphql", web::get().to(schema_sdl)).route("/graphiql/{file}", web::get().to(asset));
}

/// What a `GET /graphql` asks for.
#[derive(Debug, PartialEq, Eq)]
enum GetRequest {
    /// A WebSocket upgrade for `graphql-transport-ws`: reserved for live updates.
    LiveUpdates,
    /// Some other WebSocket upgrade.
    OtherWebSocket,
    /// A mutation in `?query=`: never over GET.
    Mutation,
    /// `?query=`, `?documentId=` or `?extensions=`: reserved for persisted reads.
    PersistedRead,
    /// A query string that is not `application/x-www-form-urlencoded`.
    BadQueryString,
    /// A browser (`Accept: text/html`): the GraphiQL page.
    Page,
    /// Anything else.
    Other,
}

/// `GET /graphql`, decided in this order:
/// 1. a WebSocket upgrade with `Sec-WebSocket-Protocol: graphql-transport-ws` is reserved for live
///    updates (`405` until they exist; other upgrades are `405` too);
/// 2. a `query`, `documentId` or `extensions` parameter is reserved for persisted reads (`405` until
///    they exist; a mutation in `query` is always `405`);
/// 3. `Accept: text/html` gets GraphiQL; anything else a JSON `405`.
pub async fn get_graphql(http: HttpRequest) -> HttpResponse {
    let not_allowed = |message: &str| {
        let mut response = request_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", message);
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        response
    };
    let mut response = match classify(&http) {
        GetRequest::LiveUpdates => {
            not_allowed("live updates over WebSocket (graphql-transport-ws) are not available yet: use POST /graphql")
        }
        GetRequest::OtherWebSocket => {
            not_allowed("WebSocket upgrades on /graphql are reserved for graphql-transport-ws: use POST /graphql")
        }
        GetRequest::Mutation => not_allowed("mutations are never run over GET: use POST /graphql"),
        GetRequest::PersistedRead => {
            not_allowed("reads over GET are reserved for persisted queries, not available yet: use POST /graphql")
        }
        GetRequest::BadQueryString => {
            request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the query string is not form-encoded")
        }
        GetRequest::Page => page(),
        GetRequest::Other => {
            not_allowed("GET /graphql serves GraphiQL to browsers (Accept: text/html); send queries with POST /graphql")
        }
    };
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept, Upgrade, Sec-WebSocket-Protocol"));
    response
}

fn classify(http: &HttpRequest) -> GetRequest {
    let headers = http.headers();
    if header_has_token(headers, header::UPGRADE, "websocket") {
        return if header_has_token(headers, header::SEC_WEBSOCKET_PROTOCOL, "graphql-transport-ws") {
            GetRequest::LiveUpdates
        } else {
            GetRequest::OtherWebSocket
        };
    }
    if !http.query_string().is_empty() {
        let Ok(params) = web::Query::<Vec<(String, String)>>::from_query(http.query_string()) else {
            return GetRequest::BadQueryString;
        };
        if params.iter().any(|(k, v)| k == "query" && is_mutation(v)) {
            return GetRequest::Mutation;
        }
        if params.iter().any(|(k, _)| RESERVED_PARAMETERS.contains(&k.as_str())) {
            return GetRequest::PersistedRead;
        }
    }
    if accepts_html(headers) {
        GetRequest::Page
    } else {
        GetRequest::Other
    }
}

/// True when a comma-separated header lists `token` (case-insensitive).
fn header_has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// True when `Accept` names `text/html` (not with `q=0`); `*/*` alone is not a browser.
fn accepts_html(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim();
        let refused =
            parts.any(|p| p.trim().strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
        media.eq_ignore_ascii_case("text/html") && !refused
    })
}

fn is_mutation(query: &str) -> bool {
    // Only to choose the message: never parse what nests deeper than a request may.
    if crate::graphql::limits::nesting_of_query(query) > crate::graphql::limits::MAX_NESTING {
        return false;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else { return false };
    match document.operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => ops.values().any(|op| op.node.ty == OperationType::Mutation),
    }
}

/// The GraphiQL page: the vendored files, our start script and the README's examples.
fn page() -> HttpResponse {
    static PAGE: OnceLock<String> = OnceLock::new();
    let html = PAGE.get_or_init(|| {
        let examples = serde_json::to_string(&readme_examples(static_assets::README)).unwrap_or_else(|_| "[]".into());
        // Inside <script type="application/json">, only `</` could end the element early.
        static_assets::GRAPHIQL_PAGE_TEMPLATE.replace("{{EXAMPLES}}", &examples.replace("</", "<\\/"))
    });
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html.as_str())
}

/// `GET /graphiql/{file}`: one of [`static_assets::ASSETS`], or `404`.
async fn asset(file: web::Path<String>) -> HttpResponse {
    super::static_file(static_assets::find(&file), "public, max-age=3600").await
}

/// `GET /schema.graphql`: the SDL of the running schema (equal to the committed `schema.graphql`).
async fn schema_sdl() -> HttpResponse {
    static SDL: OnceLock<String> = OnceLock::new();
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(SDL.get_or_init(crate::graphql::sdl).as_str())
}

/// One example query offered in GraphiQL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Example {
    /// The sentence before the block in the README, without its closing colon.
    pub title: String,
    pub query: String,
}

/// The ` ```graphql ` blocks of a Markdown text, each titled by the paragraph just before it.
pub fn readme_examples(markdown: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut block: Option<String> = None;
    let mut after_blank = false;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if let Some(query) = &mut block {
            if trimmed.starts_with("```") {
                let title = paragraph.join(" ");
                let title = title.trim().trim_end_matches(':').trim();
                let title = if title.is_empty() { format!("Example {}", examples.len() + 1) } else { title.to_owned() };
                examples.push(Example { title, query: std::mem::take(query) });
                block = None;
                paragraph.clear();
            } else {
                query.push_str(line);
                query.push('\n');
            }
        } else if trimmed.starts_with("```graphql") {
            block = Some(String::new());
        } else if trimmed.is_empty() {
            after_blank = true;
        } else if trimmed.starts_with("```") || trimmed.starts_with('#') {
            paragraph.clear();
        } else {
            if std::mem::take(&mut after_blank) {
                paragraph.clear();
            }
            paragraph.push(trimmed);
        }
    }
    examples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_titled_by_the_paragraph_before_them() {
        let md = "# T\n\nNot this.\n\nFirst, in\ntwo lines:\n\n```graphql\n{ a }\n```\n\n```sh\nx\n```\n```graphql\n{ b }\n```\n";
        let got = readme_examples(md);
        assert_eq!(
            got,
            [
                Example { title: "First, in two lines".into(), query: "{ a }\n".into() },
                Example { title: "Example 2".into(), query: "{ b }\n".into() },
            ]
        );
    }

    #[test]
    fn the_readme_offers_its_examples() {
        let examples = readme_examples(static_assets::README);
        assert!(examples.len() >= 3, "{examples:?}");
        assert!(examples.iter().all(|e| !e.title.starts_with("Example ")), "{examples:?}");
    }
}
