//! Who is calling, and what they may do.
//!
//! - [`keys`]: the signing keys, built once at start and handed in as data.
//! - [`key_record`]: the key's fingerprint in the database; rotation.
//! - [`token`]: issuing and verifying tokens (JWT, RFC 8725 checks).
//! - [`policy`]: every access decision in one place.
//! - [`budget`]: what each caller may still spend (cost budgets per token or client address).

pub mod budget;
pub mod key_record;
pub mod keys;
pub mod policy;
pub mod token;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

/// A permission a token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
pub enum Scope {
    /// Create programmes and change the ones the organisation owns.
    #[graphql(name = "PROGRAMMES_WRITE")]
    ProgrammesWrite,
    /// Record and change fundings under schemes the organisation runs or funds.
    #[graphql(name = "FUNDINGS_WRITE")]
    FundingsWrite,
    /// Change the organisation's own profile.
    #[graphql(name = "ORGANISATION_WRITE")]
    OrganisationWrite,
    /// Exchange the token for short-lived session tokens.
    #[graphql(name = "TOKENS_WRITE")]
    TokensWrite,
    /// The pact secretariat: every write.
    #[graphql(name = "ADMIN")]
    Admin,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 5] =
        [Self::ProgrammesWrite, Self::FundingsWrite, Self::OrganisationWrite, Self::TokensWrite, Self::Admin];

    /// The claim text: `programmes:write`, …, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProgrammesWrite => "programmes:write",
            Self::FundingsWrite => "fundings:write",
            Self::OrganisationWrite => "organisation:write",
            Self::TokensWrite => "tokens:write",
            Self::Admin => "admin",
        }
    }

    /// Reads claim text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Parses a space-separated scope claim; unknown scopes are an error.
    ///
    /// # Errors
    /// The first unknown scope.
    pub fn parse_list(text: &str) -> Result<BTreeSet<Self>, String> {
        text.split_whitespace().map(|s| Self::parse(s).ok_or_else(|| format!("unknown scope {s:?}"))).collect()
    }

    /// Formats scopes as a claim.
    pub fn format_list(scopes: &BTreeSet<Self>) -> String {
        scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// The organisation a verified, unrevoked token acts for.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The organisation's row id.
    pub organisation_id: i64,
    /// The token's own ID.
    pub jti: String,
    /// What the token allows.
    pub scopes: BTreeSet<Scope>,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
    /// True for a session token (made by `createSessionToken`), which can mint no tokens.
    pub session: bool,
    /// The token whose cost budget this one spends: itself, or for a session token the token it
    /// was exchanged from.
    pub budget_jti: String,
}

/// Who is making a request: nobody (reads only), or an actor.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// No `Authorization` header.
    Anonymous,
    /// A valid token.
    Authenticated(Actor),
}

impl Viewer {
    /// The actor, if any.
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Self::Anonymous => None,
            Self::Authenticated(a) => Some(a),
        }
    }
}
