//! Tokens: signed JWTs bound to an organisation. Only their `jti`, organisation, scopes, label,
//! expiry and revocation time are stored, never the token itself.
//!
//! Verification accepts exactly the configured algorithm (never the header's choice), requires
//! `exp`, `iat`, `iss`, `aud`, `sub` and `jti`, checks `nbf` when present, refuses a `typ` other than
//! `techniekpact+jwt`, an `iat` in the future and clock skew beyond 60 s (RFC 8725), and refuses a
//! revoked or unknown `jti`.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use jsonwebtoken::{decode, decode_header, encode, Header, Validation};
use rand_core::RngCore;
use serde::{Deserialize, Serialize};

use super::keys::JwtKeys;
use super::{Actor, Scope};
use crate::db::schema::api_token;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::{decode_typed_id, encode_id, NodeType};

/// The `typ` header every token carries.
pub const TOKEN_TYPE: &str = "techniekpact+jwt";
/// Allowed clock skew, in seconds.
pub const LEEWAY_SECONDS: i64 = 60;
/// The longest a session token (`createSessionToken`) may live.
pub const MAX_SESSION_SECONDS: i64 = 3600;

/// The claims of a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The global ID of the organisation the token acts for.
    pub sub: String,
    /// The token's own ID (revocation is by `jti`).
    pub jti: String,
    /// Space-separated scopes.
    pub scope: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Not valid before (seconds since the epoch), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// Signs claims with the configured key and the `techniekpact+jwt` type.
///
/// # Errors
/// Signing fails (a broken key).
pub fn sign(keys: &JwtKeys, claims: &Claims) -> Result<String, AppError> {
    let mut header = Header::new(keys.algorithm);
    header.typ = Some(TOKEN_TYPE.to_owned());
    encode(&header, claims, &keys.encoding).map_err(|e| AppError::internal_from("signing a token", e))
}

/// Checks a token's signature and claims (not yet its revocation).
///
/// # Errors
/// `UNAUTHENTICATED` with a short reason.
pub fn verify(keys: &JwtKeys, token: &str, now: DateTime<Utc>) -> Result<Claims, AppError> {
    let refuse = |why: &str| AppError::Unauthenticated(format!("invalid token: {why}"));
    let header = decode_header(token).map_err(|_| refuse("malformed"))?;
    if header.alg != keys.algorithm {
        return Err(refuse("wrong algorithm"));
    }
    if header.typ.as_deref() != Some(TOKEN_TYPE) {
        return Err(refuse("wrong typ"));
    }
    let mut validation = Validation::new(keys.algorithm);
    validation.algorithms = vec![keys.algorithm];
    validation.leeway = LEEWAY_SECONDS as u64;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.set_issuer(&[&keys.issuer]);
    validation.set_audience(&[&keys.audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let data = decode::<Claims>(token, &keys.decoding, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind as K;
        match e.kind() {
            K::ExpiredSignature => refuse("expired"),
            K::ImmatureSignature => refuse("not yet valid"),
            K::InvalidSignature => refuse("bad signature"),
            K::InvalidIssuer => refuse("wrong issuer"),
            K::InvalidAudience => refuse("wrong audience"),
            K::MissingRequiredClaim(c) => refuse(&format!("missing claim {c}")),
            _ => refuse("malformed"),
        }
    })?;
    let claims = data.claims;
    if claims.iat > now.timestamp() + LEEWAY_SECONDS {
        return Err(refuse("issued in the future"));
    }
    if claims.jti.is_empty() {
        return Err(refuse("missing claim jti"));
    }
    Ok(claims)
}

/// A freshly issued token: shown once, never stored.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The bearer token.
    pub token: String,
    /// Its ID.
    pub jti: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

fn new_jti() -> String {
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Issues a token for an organisation and records it (in the caller's transaction).
///
/// # Errors
/// A database error or a signing failure.
pub fn issue(
    conn: &mut DbConn,
    keys: &JwtKeys,
    organisation_id: i64,
    scopes: &BTreeSet<Scope>,
    ttl: Duration,
    label: Option<&str>,
    parent_jti: Option<&str>,
) -> Result<IssuedToken, AppError> {
    let now = Utc::now();
    // Whole seconds, as in the token's `exp`.
    let expires_at = DateTime::from_timestamp(now.timestamp() + ttl.num_seconds(), 0).unwrap_or(now + ttl);
    let jti = new_jti();
    let claims = Claims {
        sub: encode_id(NodeType::Organisation, organisation_id).0,
        jti: jti.clone(),
        scope: Scope::format_list(scopes),
        iss: keys.issuer.clone(),
        aud: keys.audience.clone(),
        iat: now.timestamp(),
        exp: expires_at.timestamp(),
        nbf: None,
    };
    let token = sign(keys, &claims)?;
    let t = crate::db::now();
    diesel::insert_into(api_token::table)
        .values((
            api_token::jti.eq(&jti),
            api_token::organisation_id.eq(organisation_id),
            api_token::scopes.eq(&claims.scope),
            api_token::label.eq(label),
            api_token::parent_jti.eq(parent_jti),
            api_token::expires_at.eq(expires_at.naive_utc()),
            api_token::created_at.eq(t),
            api_token::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(IssuedToken { token, jti, expires_at })
}

/// True when a token that failed verification is one of ours issued before the last key rotation
/// (its claims are read unverified, only to choose the message).
fn signed_with_retired_key(conn: &mut DbConn, token: &str) -> Result<bool, AppError> {
    let Some(rotated) = crate::auth::key_record::rotated_at(conn)? else { return Ok(false) };
    let Ok(data) = jsonwebtoken::dangerous::insecure_decode::<Claims>(token) else { return Ok(false) };
    let created: Option<chrono::NaiveDateTime> = api_token::table
        .filter(api_token::jti.eq(&data.claims.jti))
        .select(api_token::created_at)
        .first(conn)
        .optional()?;
    Ok(created.is_some_and(|c| c < rotated))
}

/// Verifies a bearer token and checks it was issued here and is not revoked.
///
/// # Errors
/// `UNAUTHENTICATED` for any bad, expired, unknown or revoked token.
pub fn authenticate(conn: &mut DbConn, keys: &JwtKeys, token: &str) -> Result<Actor, AppError> {
    let claims = match verify(keys, token, Utc::now()) {
        Ok(claims) => claims,
        Err(_) if signed_with_retired_key(conn, token)? => {
            return Err(AppError::Unauthenticated("signed with a retired key: ask for a new token".into()));
        }
        Err(e) => return Err(e),
    };
    let refuse = |why: &str| AppError::Unauthenticated(format!("invalid token: {why}"));
    let organisation_id = decode_typed_id(&claims.sub, NodeType::Organisation, "sub").map_err(|_| refuse("bad sub"))?;
    type Stored = (
        i64,
        String,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        Option<String>,
        chrono::NaiveDateTime,
        Option<String>,
    );
    let find = |conn: &mut DbConn, jti: &str| -> Result<Option<Stored>, AppError> {
        Ok(api_token::table
            .filter(api_token::jti.eq(jti))
            .select((
                api_token::organisation_id,
                api_token::scopes,
                api_token::expires_at,
                api_token::revoked_at,
                api_token::parent_jti,
                api_token::created_at,
                crate::auth::key_record::rotated_at_column(),
            ))
            .first(conn)
            .optional()?)
    };
    let Some((stored_org, stored_scopes, stored_expiry, revoked_at, mut parent, created_at, rotated)) =
        find(conn, &claims.jti)?
    else {
        return Err(refuse("unknown token"));
    };
    // Issued before the last key rotation: refused even when it still verifies (an instance that
    // kept the old key, or a secret rotated back).
    if rotated.as_deref().and_then(crate::auth::key_record::parse_rotated_at).is_some_and(|r| created_at < r) {
        return Err(AppError::Unauthenticated("signed with a retired key: ask for a new token".into()));
    }
    let now = Utc::now().naive_utc();
    if revoked_at.is_some() {
        return Err(refuse("revoked"));
    }
    if stored_expiry + Duration::seconds(LEEWAY_SECONDS) < now {
        return Err(refuse("expired"));
    }
    // A session token dies with the token it was exchanged from, and pays from its budget.
    let session = parent.is_some();
    let mut budget_jti = claims.jti.clone();
    for _ in 0..4 {
        let Some(p) = parent.take() else { break };
        match find(conn, &p)? {
            Some((_, _, expiry, None, next, _, _)) if expiry + Duration::seconds(LEEWAY_SECONDS) >= now => {
                parent = next;
                budget_jti = p;
            }
            _ => return Err(refuse("revoked")),
        }
    }
    if stored_org != organisation_id {
        return Err(refuse("bad sub"));
    }
    let claimed = Scope::parse_list(&claims.scope).map_err(|_| refuse("unknown scope"))?;
    let stored = Scope::parse_list(&stored_scopes).map_err(|_| refuse("unknown scope"))?;
    let expires_at = DateTime::from_timestamp(claims.exp, 0).ok_or_else(|| refuse("bad exp"))?;
    let scopes = claimed.intersection(&stored).copied().collect();
    Ok(Actor { organisation_id, jti: claims.jti, scopes, expires_at, session, budget_jti })
}
