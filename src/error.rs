//! One error type for the service, its stable `extensions.code`, and how it reaches a client.
//!
//! Resolvers return it with `?`: async-graphql keeps the `AppError` as the error's source, and the
//! response boundary ([`crate::graphql::finish_errors`]) sets `extensions.code` from it and logs
//! each internal cause once, with the request id.

use std::fmt;
use std::sync::Arc;

/// What went wrong, in the small stable set of codes clients can match on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// The request's input is wrong; the message names the argument. Code `BAD_USER_INPUT`.
    #[error("{0}")]
    BadUserInput(String),
    /// A looked-up record does not exist. Code `NOT_FOUND`.
    #[error("{0}")]
    NotFound(String),
    /// No valid credentials. Code `UNAUTHENTICATED`.
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials, but not allowed. Code `FORBIDDEN`.
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the stored state. Code `CONFLICT`.
    #[error("{0}")]
    Conflict(String),
    /// Input that fails validation, field by field; mutations return these as `userErrors`.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A unique key is taken (e.g. a region code). Mutations return it as a `DUPLICATE` user error.
    #[error("{0}")]
    Duplicate(String),
    /// The caller's cost budget cannot pay for the request (nothing ran); the message says when it
    /// can. Code `RATE_LIMITED` (HTTP 429).
    #[error("{0}")]
    RateLimited(String),
    /// The database is busy or unreachable: no pooled connection (or SQLite write lock) came free
    /// within the wait. Worth retrying; the cause is logged. Code `SERVICE_UNAVAILABLE`.
    #[error("the service is busy: try again in a moment")]
    Unavailable(#[source] Cause),
    /// Anything else. The cause is logged once; the client sees only `internal error`. Code `INTERNAL`.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl AppError {
    /// An internal error: what was being done, for the log.
    pub fn internal(context: impl Into<String>) -> Self {
        Self::Internal(Cause::new(context, None))
    }

    /// An internal error caused by `source` while doing `context`.
    pub fn internal_from(context: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Cause::new(context, Some(Box::new(source))))
    }

    /// The database could not serve the request, caused by `source`.
    pub fn unavailable_from(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Unavailable(Cause::new(context, Some(Box::new(source))))
    }

    /// A `BAD_USER_INPUT` error.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadUserInput(message.into())
    }

    /// One invalid field.
    pub fn invalid(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// The stable code sent as `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadUserInput(_) => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Conflict(_) | Self::Duplicate(_) => "CONFLICT",
            Self::Invalid(_) => "BAD_USER_INPUT",
            Self::RateLimited(_) => "RATE_LIMITED",
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The cause kept for the log: set for internal and unavailable errors only.
    pub fn cause(&self) -> Option<&Cause> {
        match self {
            Self::Internal(c) | Self::Unavailable(c) => Some(c),
            _ => None,
        }
    }

    /// Logs the cause of an internal or unavailable error with the request's id; other errors are
    /// the caller's own and are not logged. Called once per cause at the response boundary.
    pub fn log(&self, request_id: &str) {
        match self {
            Self::Internal(cause) => tracing::error!(request_id, error.cause = %cause.chain(), "internal error"),
            Self::Unavailable(cause) => {
                tracing::warn!(request_id, error.cause = %cause.chain(), "database unavailable");
            }
            _ => {}
        }
    }
}

/// Why an internal or unavailable error happened, for the log and never for the client: what was
/// being done and the underlying error. Clones share one cause, so a failed batch that many fields
/// wait for is one cause, logged once (see [`Cause::same`]).
#[derive(Clone)]
pub struct Cause(Arc<CauseInner>);

struct CauseInner {
    context: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Cause {
    fn new(context: impl Into<String>, source: Option<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(Arc::new(CauseInner { context: context.into(), source }))
    }

    /// True when both are clones of one cause.
    pub fn same(&self, other: &Cause) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// What was being done, then each underlying error: `context: source: its source …`.
    pub fn chain(&self) -> String {
        let mut text = self.0.context.clone();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            text.push_str(": ");
            text.push_str(&e.to_string());
            next = e.source();
        }
        text
    }
}

/// Only what was being done; the underlying errors are its [`source`](std::error::Error::source)
/// chain (see [`Cause::chain`]).
impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.context)
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cause({})", self.chain())
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        let Error::DatabaseError(kind, info) = &e else { return Self::internal_from("database", e) };
        let message = info.message();
        // Retryable: another transaction won (PostgreSQL 40001), a deadlock was broken (40P01), the
        // connection closed, SQLite's write lock did not come free within the busy timeout, or a
        // PostgreSQL lock within `lock_timeout` or a statement within `statement_timeout`.
        let retryable = matches!(kind, DatabaseErrorKind::SerializationFailure | DatabaseErrorKind::ClosedConnection)
            || [
                "deadlock detected",
                "database is locked",
                "database is busy",
                "canceling statement due to lock timeout",
                "canceling statement due to statement timeout",
            ]
            .iter()
            .any(|m| message.starts_with(m));
        if matches!(kind, DatabaseErrorKind::UniqueViolation) {
            // The message never names a table, column or constraint; the cause goes to the log.
            tracing::debug!(db.constraint = info.constraint_name().unwrap_or(""), "unique key taken");
            Self::Duplicate("a record with this key already exists".into())
        } else if retryable {
            Self::unavailable_from("database", e)
        } else if message.contains("0x00") {
            // PostgreSQL refuses NUL characters in text; SQLite stores them. Same answer on both.
            Self::BadUserInput("text arguments must not contain NUL (\\u0000) characters".into())
        } else {
            Self::internal_from("database", e)
        }
    }
}

/// Why a field of a mutation's input was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum UserErrorCode {
    /// A required value is empty.
    Blank,
    /// The value has the wrong form (an ID, a date, an amount, a slug).
    Invalid,
    /// A number is outside its allowed range (e.g. a negative amount, a share over 10000).
    OutOfRange,
    /// A period ends before it starts.
    EndBeforeStart,
    /// Allocation shares do not sum to 10000 basis points (or only some have a share).
    SharesNotWhole,
    /// An ID names no record of the expected type.
    UnknownReference,
    /// The value is taken (a slug, a code, a participation).
    Duplicate,
    /// `expectedVersion` is stale, or an idempotency key was reused with another input.
    Conflict,
    /// The record cannot be deleted while others depend on it.
    InUse,
    /// The record to change does not exist.
    NotFound,
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The path to the field, e.g. `["input", "allocations", "0", "shareBasisPoints"]`.
    pub field: Vec<String>,
    /// What is wrong, in English.
    pub message: String,
    /// A stable code.
    pub code: UserErrorCode,
}

impl FieldError {
    /// A field error at `field` (path segments).
    pub fn new(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self { field: field.iter().map(|s| (*s).to_owned()).collect(), message: message.into(), code }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_cause_keeps_every_underlying_error_in_its_chain_and_none_in_its_message() {
        let inner = AppError::internal_from("database", std::io::Error::other("no such table: x"));
        let Some(cause) = inner.cause().cloned() else { panic!("an internal error has a cause") };
        let outer = AppError::unavailable_from("database connection lost", cause);
        assert_eq!(outer.to_string(), "the service is busy: try again in a moment");
        let chain = outer.cause().map(Cause::chain).unwrap_or_default();
        assert_eq!(chain, "database connection lost: database: no such table: x");
    }

    #[test]
    fn clones_of_a_cause_are_the_same_cause_and_equal_looking_ones_are_not() {
        let a = AppError::internal("loading");
        let b = a.clone();
        let c = AppError::internal("loading");
        let (Some(ca), Some(cb), Some(cc)) = (a.cause(), b.cause(), c.cause()) else { panic!("causes") };
        assert!(ca.same(cb));
        assert!(!ca.same(cc));
    }
}
