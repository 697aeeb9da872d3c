//! The HTTP side of cost budgets: who pays for a request (its token, else its client address, with
//! `X-Forwarded-For` honoured only from a trusted proxy), and what the response says about the
//! charge (`extensions.cost`, `RateLimit-*` headers, `Retry-After` and status 429 when refused).

use std::net::{IpAddr, Ipv4Addr};

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use crate::auth::budget::{Charge, Payer};
use crate::auth::Viewer;
use crate::graphql::limits::budget::retry_seconds;

/// The proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

/// Who pays for the request: the token's budget, else the client address's.
pub fn payer(http: &HttpRequest, viewer: &Viewer, trusted: &TrustedProxies) -> Payer {
    match viewer.actor() {
        Some(actor) => Payer::Token(actor.budget_jti.clone()),
        None => Payer::address(client_address(http, trusted)),
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy that sent
/// `X-Forwarded-For`; then the right-most address in it that is not a trusted proxy (each proxy
/// appends the address it was called from, so only the entries right of the first untrusted one
/// can be believed).
pub fn client_address(http: &HttpRequest, trusted: &TrustedProxies) -> IpAddr {
    // Canonical form: a dual-stack listener sees an IPv4 proxy as `::ffff:10.0.0.2`.
    let peer = http.peer_addr().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip().to_canonical());
    if !trusted.0.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = http
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop).map(|ip| ip.to_canonical()) else { break };
        client = ip;
        if !trusted.0.contains(&ip) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`, `[2001:db8::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    hop.rsplit_once(':').and_then(|(ip, _)| ip.parse::<Ipv4Addr>().ok()).map(IpAddr::V4)
}

/// `extensions.cost` of a response: `{ requested, limit, remaining, resetAt }` (`remaining` and
/// `resetAt` are null for a request that costs more than the whole budget).
pub fn add_cost(response: &mut async_graphql::Response, charge: &Charge) {
    let value = serde_json::json!({
        "requested": charge.cost,
        "limit": charge.limit,
        "remaining": charge.remaining,
        "resetAt": charge.reset_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    });
    if let Ok(value) = async_graphql::Value::from_json(value) {
        response.extensions.insert("cost".into(), value);
    }
}

/// The `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the budget is
/// full again) headers; for a refused request status 429 and `Retry-After` (seconds until it fits).
pub fn add_headers(response: &mut HttpResponse, charge: &Charge) {
    let mut set = |name: &'static str, value: u64| {
        if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
            response.headers_mut().insert(HeaderName::from_static(name), value);
        }
    };
    set("ratelimit-limit", charge.limit);
    if let Some(remaining) = charge.remaining {
        set("ratelimit-remaining", remaining);
    }
    if let Some(reset_at) = charge.reset_at {
        let wait = (reset_at - chrono::Utc::now()).to_std().unwrap_or_default();
        set("ratelimit-reset", if wait.is_zero() { 0 } else { retry_seconds(wait) });
    }
    if let Some(Some(wait)) = &charge.refused {
        set("retry-after", retry_seconds(*wait));
    }
    if charge.refused.is_some() {
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    }
}
