//! Mutations: input types, their validation into domain values, and payloads with `userErrors`.
//!
//! Refusals: no or bad token → top-level `UNAUTHENTICATED`; a valid token writing what it may not →
//! top-level `FORBIDDEN`; invalid input, unknown references, duplicates and stale versions →
//! `userErrors` (codes in `UserErrorCode`), and nothing is written.

mod admin;
mod funding;
mod programme;
mod token;

use async_graphql::{Context, ErrorExtensions, MergedObject, SimpleObject};

use super::context::{actor, db};
use crate::auth::keys::JwtKeys;
use crate::auth::Actor;
use crate::db::{write_transaction, DbConn};
use crate::error::{AppError, FieldError, UserErrorCode};

pub use self::admin::AdminMutation;
pub use self::funding::FundingMutation;
pub use self::programme::ProgrammeMutation;
pub use self::token::TokenMutation;

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct MutationRoot(ProgrammeMutation, FundingMutation, AdminMutation, TokenMutation);

/// An input field a mutation refused.
#[derive(SimpleObject, Clone)]
pub struct UserError {
    /// The path to the field, e.g. `["input", "allocations", "0", "shareBasisPoints"]`.
    pub field: Vec<String>,
    /// What is wrong.
    pub message: String,
    /// A stable code to match on.
    pub code: UserErrorCode,
}

impl From<FieldError> for UserError {
    fn from(e: FieldError) -> Self {
        Self { field: e.field, message: e.message, code: e.code }
    }
}

/// The caller, who must hold `scope` (admin holds every scope). Checked before the input is
/// validated, so a caller without the scope learns nothing about the input rules.
///
/// # Errors
/// `UNAUTHENTICATED` without a token, `FORBIDDEN` without the scope.
pub fn require(ctx: &Context<'_>, scope: crate::auth::Scope) -> async_graphql::Result<Actor> {
    let actor = actor(ctx)?;
    if actor.has(scope) {
        Ok(actor)
    } else {
        Err(AppError::Forbidden(format!("not allowed: this needs the scope {}", scope.as_str())).extend())
    }
}

/// The signing keys.
pub(crate) fn keys<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a JwtKeys> {
    ctx.data::<JwtKeys>().map_err(|_| AppError::internal("no signing keys in the schema data").extend())
}

/// Runs a write for the caller in one write transaction, retrying once when a concurrent request
/// took a unique key first (so a racing create with the same idempotency key replays the winner).
/// Returns the value, or the user errors; authorisation and internal failures are top-level errors.
pub async fn run_write<T, F>(ctx: &Context<'_>, f: F) -> async_graphql::Result<Result<T, Vec<UserError>>>
where
    T: Send + 'static,
    F: Fn(&mut DbConn, &Actor) -> Result<T, AppError> + Clone + Send + 'static,
{
    let actor = actor(ctx)?;
    let db = db(ctx)?.clone();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (f, a) = (f.clone(), actor.clone());
        match db.run(move |c| write_transaction(c, |c| f(c, &a))).await {
            Ok(v) => return Ok(Ok(v)),
            Err(AppError::Invalid(errors)) => return Ok(Err(errors.into_iter().map(UserError::from).collect())),
            Err(AppError::Conflict(message)) => {
                return Ok(Err(vec![UserError {
                    field: vec!["input".into(), "expectedVersion".into()],
                    message,
                    code: UserErrorCode::Conflict,
                }]))
            }
            Err(AppError::Duplicate(_)) if attempt < 2 => continue,
            Err(AppError::Duplicate(message)) => {
                return Ok(Err(vec![UserError {
                    field: vec!["input".into()],
                    message,
                    code: UserErrorCode::Duplicate,
                }]))
            }
            Err(e) => return Err(e.extend()),
        }
    }
}

/// Validation failures found before touching the database, as a payload's `userErrors`.
pub fn validation_errors(e: AppError) -> async_graphql::Result<Vec<UserError>> {
    match e {
        AppError::Invalid(errors) => Ok(errors.into_iter().map(UserError::from).collect()),
        other => Err(other.extend()),
    }
}

/// Defines a payload type: the changed object (null when refused) and `userErrors`.
macro_rules! payload {
    ($(#[$m:meta])* $name:ident, $field:ident: $ty:ty) => {
        $(#[$m])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            /// The changed record; null when the input was refused.
            pub $field: Option<$ty>,
            /// Why the input was refused; empty on success.
            pub user_errors: Vec<$crate::graphql::mutation::UserError>,
        }

        impl $name {
            /// Wraps the outcome of [`run_write`](crate::graphql::mutation::run_write).
            pub fn from_outcome<R>(outcome: Result<R, Vec<$crate::graphql::mutation::UserError>>, f: impl FnOnce(R) -> $ty) -> Self {
                match outcome {
                    Ok(r) => Self { $field: Some(f(r)), user_errors: Vec::new() },
                    Err(user_errors) => Self { $field: None, user_errors },
                }
            }

            /// A refusal found before the write.
            pub fn refused(user_errors: Vec<$crate::graphql::mutation::UserError>) -> Self {
                Self { $field: None, user_errors }
            }
        }
    };
}
pub(crate) use payload;
