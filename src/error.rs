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
            Self::Conflict(_) => "CONFLICT",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(format!("database: {e}"))
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if let Self::Internal(cause) = self {
            tracing::error!(error.cause = %cause, "internal error");
        }
        async_graphql::Error::new(self.to_string()).extend_with(|_, e| e.set("code", self.code()))
    }
}
