//! Token writes: issue and revoke (admin), session tokens (`tokens:write`, for oneself).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

use super::audit;
use crate::auth::keys::JwtKeys;
use crate::auth::token::{issue, IssuedToken, MAX_SESSION_SECONDS};
use crate::auth::{policy, Actor, Scope};
use crate::check_refs;
use crate::db::schema::api_token;
use crate::db::{now, DbConn};
use crate::error::{AppError, UserErrorCode};
use crate::ids::{OrganisationId, RecordKind};

/// Issues a token for an organisation (admin).
///
/// # Errors
/// A user error for an unknown organisation.
pub fn issue_token(
    conn: &mut DbConn,
    actor: &Actor,
    keys: &JwtKeys,
    organisation_id: OrganisationId,
    scopes: &BTreeSet<Scope>,
    ttl: Duration,
    label: Option<&str>,
) -> Result<IssuedToken, AppError> {
    check_refs!(conn, Organisation, &[organisation_id], ["input", "organisationId"]);
    let issued = issue(conn, keys, organisation_id.0, scopes, ttl, label, None)?;
    let after = json!({ "jti": issued.jti, "organisationId": crate::ids::encode_id(crate::ids::NodeType::Organisation, organisation_id).0, "scopes": Scope::format_list(scopes), "label": label, "expiresAt": issued.expires_at });
    let row = token_row(conn, &issued.jti)?;
    audit(conn, actor, "issueToken", RecordKind::ApiToken, row, Some(organisation_id.0), &Value::Null, &after)?;
    Ok(issued)
}

fn token_row(conn: &mut DbConn, jti: &str) -> Result<i64, AppError> {
    Ok(api_token::table.filter(api_token::jti.eq(jti)).select(api_token::id).first(conn)?)
}

/// Revokes a token by `jti` (admin). It is refused from its next request on.
///
/// # Errors
/// `NOT_FOUND` user error; `CONFLICT` when already revoked.
pub fn revoke_token(conn: &mut DbConn, actor: &Actor, jti: &str) -> Result<DateTime<Utc>, AppError> {
    let row: Option<(i64, i64, Option<chrono::NaiveDateTime>)> = api_token::table
        .filter(api_token::jti.eq(jti))
        .select((api_token::id, api_token::organisation_id, api_token::revoked_at))
        .first(conn)
        .optional()?;
    let Some((id, organisation_id, revoked_at)) = row else {
        return Err(AppError::invalid(&["input", "jti"], UserErrorCode::NotFound, "no such token"));
    };
    if revoked_at.is_some() {
        return Err(AppError::invalid(&["input", "jti"], UserErrorCode::Conflict, "this token is already revoked"));
    }
    let t = now();
    diesel::update(api_token::table.find(id))
        .set((
            api_token::revoked_at.eq(Some(t)),
            api_token::updated_at.eq(t),
            api_token::version.eq(api_token::version + 1),
        ))
        .execute(conn)?;
    audit(
        conn,
        actor,
        "revokeToken",
        RecordKind::ApiToken,
        id,
        Some(organisation_id),
        &json!({ "revokedAt": null }),
        &json!({ "revokedAt": t.and_utc() }),
    )?;
    Ok(t.and_utc())
}

/// Exchanges the caller's token for a short-lived one (at most 1 h, never past the caller's own
/// expiry) for the same organisation with a subset of its scopes.
///
/// # Errors
/// A user error for scopes the caller does not have.
pub fn create_session_token(
    conn: &mut DbConn,
    actor: &Actor,
    keys: &JwtKeys,
    scopes: Option<&BTreeSet<Scope>>,
    ttl_seconds: Option<i64>,
) -> Result<IssuedToken, AppError> {
    let scopes = policy::session_scopes(actor, scopes)?;
    let requested = ttl_seconds.unwrap_or(MAX_SESSION_SECONDS);
    if !(60..=MAX_SESSION_SECONDS).contains(&requested) {
        return Err(AppError::invalid(
            &["input", "ttlSeconds"],
            UserErrorCode::OutOfRange,
            "ttlSeconds must be between 60 and 3600",
        ));
    }
    let remaining = (actor.expires_at - Utc::now()).num_seconds().max(1);
    let label = format!("session of {}", actor.jti);
    let ttl = Duration::seconds(requested.min(remaining));
    let issued = issue(conn, keys, actor.organisation_id, &scopes, ttl, Some(&label), Some(&actor.jti))?;
    let after = json!({ "jti": issued.jti, "scopes": Scope::format_list(&scopes), "expiresAt": issued.expires_at, "parentJti": actor.jti });
    let row = token_row(conn, &issued.jti)?;
    audit(
        conn,
        actor,
        "createSessionToken",
        RecordKind::ApiToken,
        row,
        Some(actor.organisation_id),
        &Value::Null,
        &after,
    )?;
    Ok(issued)
}

/// A token row as `token list` shows it.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct TokenListing {
    pub jti: String,
    pub organisation: String,
    pub scopes: String,
    pub label: Option<String>,
    pub expires_at: chrono::NaiveDateTime,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

/// Issues a token from the command line (audited without an actor).
///
/// # Errors
/// An unknown organisation slug; a database error.
pub fn issue_from_cli(
    conn: &mut DbConn,
    keys: &JwtKeys,
    organisation_slug: &str,
    scopes: &BTreeSet<Scope>,
    ttl: Duration,
    label: Option<&str>,
) -> Result<IssuedToken, AppError> {
    use crate::db::schema::organisation;
    let org: i64 = organisation::table
        .filter(organisation::slug.eq(organisation_slug))
        .select(organisation::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("no organisation with slug {organisation_slug:?}")))?;
    if ttl < Duration::seconds(60) || ttl > Duration::days(400) {
        return Err(AppError::BadUserInput("--ttl must be between 60s and 400d".into()));
    }
    let issued = issue(conn, keys, org, scopes, ttl, label, None)?;
    let row = token_row(conn, &issued.jti)?;
    let after = json!({ "jti": issued.jti, "organisationId": crate::ids::encode_id(crate::ids::NodeType::Organisation, org).0, "scopes": Scope::format_list(scopes), "label": label, "expiresAt": issued.expires_at });
    super::audit(
        conn,
        super::CommandLine,
        "cli:token issue",
        RecordKind::ApiToken,
        row,
        Some(org),
        &Value::Null,
        &after,
    )?;
    Ok(issued)
}

/// Revokes a token from the command line.
///
/// # Errors
/// An unknown `jti`; a database error.
pub fn revoke_from_cli(conn: &mut DbConn, jti: &str) -> Result<(), AppError> {
    let row: Option<(i64, i64)> = api_token::table
        .filter(api_token::jti.eq(jti))
        .select((api_token::id, api_token::organisation_id))
        .first(conn)
        .optional()?;
    let Some((id, org)) = row else { return Err(AppError::NotFound(format!("no token with jti {jti:?}"))) };
    let t = now();
    diesel::update(api_token::table.find(id).filter(api_token::revoked_at.is_null()))
        .set((
            api_token::revoked_at.eq(Some(t)),
            api_token::updated_at.eq(t),
            api_token::version.eq(api_token::version + 1),
        ))
        .execute(conn)?;
    super::audit(
        conn,
        super::CommandLine,
        "cli:token revoke",
        RecordKind::ApiToken,
        id,
        Some(org),
        &json!({ "revokedAt": null }),
        &json!({ "revokedAt": t.and_utc() }),
    )?;
    Ok(())
}

/// Every token, newest first.
///
/// # Errors
/// A database error.
pub fn list(conn: &mut DbConn) -> Result<Vec<TokenListing>, AppError> {
    use crate::db::schema::organisation;
    Ok(api_token::table
        .inner_join(organisation::table.on(organisation::id.eq(api_token::organisation_id)))
        .order(api_token::id.desc())
        .select((
            api_token::jti,
            organisation::slug,
            api_token::scopes,
            api_token::label,
            api_token::expires_at,
            api_token::revoked_at,
            api_token::created_at,
        ))
        .load(conn)?)
}
