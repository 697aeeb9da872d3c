//! The request's context: its id and span, and one access-log line per request.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use tracing::Instrument;

/// The header a request id travels in, both ways.
pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// This request's id: the caller's `x-request-id` when it is 1–64 of `[A-Za-z0-9._-]`, otherwise
/// a new random one. Returned as a header, logged with every line, and put in the `extensions` of
/// every `INTERNAL` error.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The GraphQL operation a response answered, for the access log (set by the `/graphql` handler).
#[derive(Clone, Debug)]
pub struct OperationName(pub String);

fn valid_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn new_request_id() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 12];
    rand_core::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Gives the request its id and span, and logs one line when it is answered: method, path,
/// status, duration, GraphQL operation name and request id.
///
/// # Errors
/// Whatever the inner service returns.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let had_origin = req.headers().contains_key(actix_web::http::header::ORIGIN);
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| valid_request_id(v))
        .map_or_else(new_request_id, str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let (method, path) = (req.method().to_string(), req.path().to_owned());
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    match result {
        Ok(response) => {
            let mut response = as_json_error(response.map_into_boxed_body(), had_origin, &id);
            if let Ok(value) = HeaderValue::from_str(&id) {
                response.headers_mut().insert(REQUEST_ID_HEADER.clone(), value);
            }
            let operation = response.response().extensions().get::<OperationName>().map(|o| o.0.clone());
            tracing::info!(
                http.method = %method,
                http.path = %path,
                http.status = response.status().as_u16(),
                http.duration_ms = format_args!("{millis:.1}"),
                graphql.operation = operation.as_deref().unwrap_or("-"),
                request_id = %id,
                "request"
            );
            Ok(response)
        }
        Err(e) => {
            tracing::info!(
                http.method = %method,
                http.path = %path,
                http.status = e.as_response_error().status_code().as_u16(),
                http.duration_ms = format_args!("{millis:.1}"),
                graphql.operation = "-",
                request_id = %id,
                "request"
            );
            Err(e)
        }
    }
}

/// An error response made outside our handlers (a refused CORS preflight, a framework error) in
/// the API's JSON error shape; JSON responses pass unchanged.
fn as_json_error(response: ServiceResponse<BoxBody>, had_origin: bool, id: &str) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let json = response
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (code, message) = match status.as_u16() {
        // actix-cors refuses a disallowed origin (preflight or request) with a plain-text 400.
        400 if had_origin => {
            ("FORBIDDEN", "this origin may not call the API from a browser (see CORS_ALLOWED_ORIGINS)")
        }
        400 => ("BAD_REQUEST", "the request could not be read"),
        404 => ("NOT_FOUND", "no such path: the API is at POST /graphql"),
        405 => ("METHOD_NOT_ALLOWED", "this method is not allowed here"),
        413 => ("REQUEST_TOO_LARGE", "the request is too large"),
        s if s >= 500 => ("INTERNAL", "internal error"),
        _ => ("BAD_REQUEST", "the request was refused"),
    };
    let body = serde_json::json!({
        "data": null,
        "errors": [{ "message": message, "extensions": { "code": code, "requestId": id } }]
    });
    let (request, original) = response.into_parts();
    let mut replaced = actix_web::HttpResponse::build(status).json(body);
    // Keep what the original said besides its body (`Allow`, `Vary`, CORS headers, …).
    for (name, value) in original.headers() {
        if name != actix_web::http::header::CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
            replaced.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_kept_only_when_well_formed() {
        assert!(valid_request_id("abc-DEF_1.2"));
        assert!(!valid_request_id(""));
        assert!(!valid_request_id(&"a".repeat(65)));
        assert!(!valid_request_id("a b"));
        assert!(!valid_request_id("a\u{e9}"));
        assert_eq!(new_request_id().len(), 24);
    }
}
