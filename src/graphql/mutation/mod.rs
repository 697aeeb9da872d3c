//! Mutations: input types, their parsing into domain values, and payloads with `userErrors`.
//!
//! Every mutation runs one pipeline, [`mutate`]: the policy's scope check → parse the input →
//! refusals as `userErrors` → the write in one transaction → the payload. Refusals: no or bad
//! token → top-level `UNAUTHENTICATED`; a valid token writing what it may not → top-level
//! `FORBIDDEN`; invalid input, unknown references, duplicates and stale versions → `userErrors`
//! (codes in `UserErrorCode`), and nothing is written.

mod admin;
mod funding;
mod inputs;
mod programme;
mod token;

use async_graphql::{Context, MergedObject, SimpleObject};

use super::context::{db, Caller};
use crate::auth::keys::JwtKeys;
use crate::auth::policy::{self, Mutation};
use crate::auth::Actor;
use crate::db::DbConn;
use crate::error::{AppError, FieldError, UserErrorCode};
use crate::write::Validator;

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

/// A mutation's input, parsed into the value its write operation takes. Problems are pushed to the
/// validator with their field path; the parsed value is used only when there were none.
pub trait MutationInput {
    /// The mutation this is the input of (its scope is checked before parsing).
    const MUTATION: Mutation;

    /// The domain value.
    type Parsed: Send + Sync + 'static;

    /// Parses the input, pushing every problem found (not only the first).
    fn parse(&self, v: &mut Validator) -> Self::Parsed;
}

/// A payload: the changed record, or the reasons the input was refused.
pub trait Payload: Sized {
    /// What a successful write returns to the client.
    type Value;

    /// The payload of a successful write.
    fn done(value: Self::Value) -> Self;

    /// The payload of a refused input.
    fn refused(user_errors: Vec<UserError>) -> Self;
}

/// Runs the mutation of `input` for the caller: checks its scope ([`policy::authorise`]), parses
/// `input`, returns its problems as `userErrors`, runs `write` in one write transaction and wraps
/// its result with `show`. A write that a concurrent request beat to a unique key is retried once
/// (so a racing create with the same idempotency key replays the winner).
///
/// # Errors
/// `UNAUTHENTICATED`, `FORBIDDEN` and internal failures as top-level errors.
pub async fn mutate<I, P, R, W>(
    ctx: &Context<'_>,
    input: &I,
    write: W,
    show: impl FnOnce(R) -> P::Value,
) -> async_graphql::Result<P>
where
    I: MutationInput,
    P: Payload,
    R: Send + 'static,
    W: Fn(&mut DbConn, &Actor, &I::Parsed) -> Result<R, AppError> + Send + Sync + 'static,
{
    let actor = policy::authorise(ctx.viewer(), I::MUTATION)?;
    let mut v = Validator::new();
    let parsed = input.parse(&mut v);
    if let Err(e) = v.finish() {
        return Ok(P::refused(user_errors(e)?));
    }
    let work = std::sync::Arc::new((parsed, write, actor));
    let db = db(ctx)?.clone();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let work = work.clone();
        let outcome = db.write(move |c| (work.1)(c, &work.2, &work.0)).await;
        match outcome {
            Err(AppError::Duplicate(_)) if attempt < 2 => continue,
            Ok(value) => return Ok(P::done(show(value))),
            Err(e) => return Ok(P::refused(user_errors(e)?)),
        }
    }
}

/// A refused write as `userErrors`: invalid fields, a stale version, a taken key. Anything else
/// (authorisation, internal failures) stays a top-level error.
fn user_errors(e: AppError) -> Result<Vec<UserError>, AppError> {
    Ok(match e {
        AppError::Invalid(errors) => errors.into_iter().map(UserError::from).collect(),
        AppError::Conflict(message) => vec![UserError {
            field: vec!["input".into(), "expectedVersion".into()],
            message,
            code: UserErrorCode::Conflict,
        }],
        AppError::Duplicate(message) => {
            vec![UserError { field: vec!["input".into()], message, code: UserErrorCode::Duplicate }]
        }
        other => return Err(other),
    })
}

/// The signing keys.
pub(crate) fn keys<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a JwtKeys> {
    Ok(ctx.data::<JwtKeys>().map_err(|_| AppError::internal("no signing keys in the schema data"))?)
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

        impl $crate::graphql::mutation::Payload for $name {
            type Value = $ty;

            fn done(value: $ty) -> Self {
                Self { $field: Some(value), user_errors: Vec::new() }
            }

            fn refused(user_errors: Vec<$crate::graphql::mutation::UserError>) -> Self {
                Self { $field: None, user_errors }
            }
        }
    };
}
pub(crate) use payload;
