//! One error type for the service, its stable `extensions.code`, and how it reaches a client.

use async_graphql::ErrorExtensions;

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
    /// The database is busy or unreachable: no pooled connection (or SQLite write lock) came free
    /// within the wait. Worth retrying; the cause is logged. Code `SERVICE_UNAVAILABLE`.
    #[error("the service is busy: try again in a moment")]
    Unavailable(String),
    /// Anything else. The cause is logged once; the client sees only `internal error`. Code `INTERNAL`.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// An internal error with a cause for the log.
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    /// A `BAD_USER_INPUT` error.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadUserInput(message.into())
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
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

impl AppError {
    /// One invalid field.
    pub fn invalid(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            // The message never names a table, column or constraint; the cause goes to the log.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(db.constraint = info.constraint_name().unwrap_or(""), "unique key taken");
                Self::Duplicate("a record with this key already exists".into())
            }
            // Retryable: another transaction won (PostgreSQL 40001) or a deadlock was broken (40P01).
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Unavailable(format!("database: {}", info.message()))
            }
            Error::DatabaseError(_, info) if info.message().starts_with("deadlock detected") => {
                Self::Unavailable(format!("database: {}", info.message()))
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(format!("database connection closed: {}", info.message()))
            }
            // SQLite's write lock did not come free within the busy timeout; a PostgreSQL lock
            // within `lock_timeout`, or a statement ran past `statement_timeout`.
            Error::DatabaseError(_, info)
                if ["database is locked", "database is busy"].iter().any(|m| info.message().starts_with(m))
                    || ["canceling statement due to lock timeout", "canceling statement due to statement timeout"]
                        .iter()
                        .any(|m| info.message().starts_with(m)) =>
            {
                Self::Unavailable(format!("database: {}", info.message()))
            }
            // PostgreSQL refuses NUL characters in text; SQLite stores them. Same answer on both.
            Error::DatabaseError(_, info) if info.message().contains("0x00") => {
                Self::BadUserInput("text arguments must not contain NUL (\\u0000) characters".into())
            }
            other => Self::Internal(format!("database: {other}")),
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

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        match self {
            Self::Internal(cause) => tracing::error!(error.cause = %cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(error.cause = %cause, "database unavailable"),
            _ => {}
        }
        async_graphql::Error::new(self.to_string()).extend_with(|_, e| e.set("code", self.code()))
    }
}
