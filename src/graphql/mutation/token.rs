//! Token mutations.

use std::collections::BTreeSet;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Duration, Utc};

use super::inputs::typed_id;
use super::{keys, mutate, payload, MutationInput, Payload, UserError};
use crate::auth::policy::Mutation;
use crate::auth::token::IssuedToken;
use crate::auth::Scope;
use crate::error::UserErrorCode;
use crate::ids::OrganisationId;
use crate::write::tokens as ops;
use crate::write::Validator;

/// A token, shown once: store it safely; the service keeps only its `jti`.
#[derive(SimpleObject)]
pub struct NewToken {
    /// The bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// The token's ID (revoke with it).
    pub jti: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

impl From<IssuedToken> for NewToken {
    fn from(t: IssuedToken) -> Self {
        Self { token: t.token, jti: t.jti, expires_at: t.expires_at }
    }
}

/// Input of `issueToken`.
#[derive(InputObject, Debug)]
pub struct IssueTokenInput {
    /// The organisation the token acts for (an Organisation ID).
    pub organisation_id: ID,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// How long it lives, in seconds (60 s to 400 days; default 90 days).
    pub ttl_seconds: Option<i64>,
    /// A note for whoever lists tokens later.
    pub label: Option<String>,
}

/// Input of `revokeToken`.
#[derive(InputObject, Debug)]
pub struct RevokeTokenInput {
    /// The token's ID (`jti`).
    pub jti: String,
}

/// Input of `createSessionToken`.
#[derive(InputObject, Debug)]
pub struct CreateSessionTokenInput {
    /// A subset of the caller's scopes (default: all but `TOKENS_WRITE`).
    pub scopes: Option<Vec<Scope>>,
    /// How long it lives, 60–3600 seconds (default 3600); never past the caller's own expiry.
    pub ttl_seconds: Option<i64>,
}

/// A parsed `issueToken` input: for whom, what, how long, with which label.
#[derive(Debug)]
pub struct NewTokenRequest {
    organisation_id: OrganisationId,
    scopes: BTreeSet<Scope>,
    ttl: Duration,
    label: Option<String>,
}

impl MutationInput for IssueTokenInput {
    const MUTATION: Mutation = Mutation::IssueToken;
    type Parsed = NewTokenRequest;

    fn parse(&self, v: &mut Validator) -> NewTokenRequest {
        let organisation_id = typed_id(v, "organisationId", &self.organisation_id);
        let ttl = self.ttl_seconds.unwrap_or(90 * 86_400);
        if !(60..=400 * 86_400).contains(&ttl) {
            v.push(
                &["input", "ttlSeconds"],
                UserErrorCode::OutOfRange,
                "ttlSeconds must be between 60 and 34560000 (400 days)",
            );
        }
        if self.scopes.is_empty() {
            v.push(&["input", "scopes"], UserErrorCode::Blank, "give at least one scope");
        }
        let label = v.optional_text("label", self.label.as_deref(), 200);
        NewTokenRequest {
            organisation_id,
            scopes: self.scopes.iter().copied().collect(),
            ttl: Duration::seconds(ttl),
            label,
        }
    }
}

impl MutationInput for RevokeTokenInput {
    const MUTATION: Mutation = Mutation::RevokeToken;
    type Parsed = String;

    fn parse(&self, _: &mut Validator) -> String {
        self.jti.trim().to_owned()
    }
}

impl MutationInput for CreateSessionTokenInput {
    const MUTATION: Mutation = Mutation::CreateSessionToken;
    type Parsed = (Option<BTreeSet<Scope>>, Option<i64>);

    fn parse(&self, _: &mut Validator) -> Self::Parsed {
        (self.scopes.as_ref().map(|s| s.iter().copied().collect()), self.ttl_seconds)
    }
}

payload!(
    /// The result of `issueToken` or `createSessionToken`.
    TokenPayload, token: NewToken
);

/// The result of `revokeToken`.
#[derive(SimpleObject)]
pub struct RevokeTokenPayload {
    /// When the token was revoked; null when the input was refused.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl Payload for RevokeTokenPayload {
    type Value = DateTime<Utc>;

    fn done(revoked_at: DateTime<Utc>) -> Self {
        Self { revoked_at: Some(revoked_at), user_errors: Vec::new() }
    }

    fn refused(user_errors: Vec<UserError>) -> Self {
        Self { revoked_at: None, user_errors }
    }
}

/// Token mutations.
#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Issues a token for an organisation. Who: admin. (Also: `techniekpact-api token issue`.)
    async fn issue_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "For whom, with what scopes.")] input: IssueTokenInput,
    ) -> async_graphql::Result<TokenPayload> {
        let keys = keys(ctx)?.clone();
        let write = move |c: &mut _, a: &_, r: &NewTokenRequest| {
            ops::issue_token(c, a, &keys, r.organisation_id, &r.scopes, r.ttl, r.label.as_deref())
        };
        mutate(ctx, &input, write, NewToken::from).await
    }

    /// Revokes a token; it is refused from its next request on. Who: admin.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which token.")] input: RevokeTokenInput,
    ) -> async_graphql::Result<RevokeTokenPayload> {
        let write = |c: &mut _, a: &_, jti: &String| ops::revoke_token(c, a, jti);
        mutate(ctx, &input, write, |at| at).await
    }

    /// Exchanges the caller's token for a short-lived one (at most one hour) for the same
    /// organisation with a subset of its scopes: a partner's server hands this to its browser
    /// page, which never holds the long-lived token. Who: `tokens:write`.
    async fn create_session_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Scopes and lifetime.")] input: CreateSessionTokenInput,
    ) -> async_graphql::Result<TokenPayload> {
        let keys = keys(ctx)?.clone();
        let write = move |c: &mut _, a: &_, (scopes, ttl): &(Option<BTreeSet<Scope>>, Option<i64>)| {
            ops::create_session_token(c, a, &keys, scopes.as_ref(), *ttl)
        };
        mutate(ctx, &input, write, NewToken::from).await
    }
}
