//! The GraphQL API: schema construction, limits, and the error contract (`extensions.code` on every
//! error).

pub mod audit;
pub mod context;
pub mod filters;
pub mod limits;
pub mod loaders;
pub mod matrix;
pub mod mutation;
pub mod order;
pub mod ordering;
pub mod pagination;
pub mod query;
pub mod report;
pub mod types;

use std::sync::Arc;

use async_graphql::{EmptySubscription, Schema, SchemaBuilder};

use crate::auth::budget::Budgets;
use crate::auth::keys::JwtKeys;
use crate::db::Database;
use mutation::MutationRoot;
use query::QueryRoot;

/// The schema type.
pub type ApiSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

pub use limits::MAX_DEPTH;
/// How much a query may cost: every field costs 1, a connection costs its page size times its node,
/// a plain list its expected length (5–20, see each field) times its item.
pub const MAX_COMPLEXITY: usize = 50_000;

/// The schema's types and limits, without data.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), EmptySubscription)
        // First, so it sees the document `RequestLimits` parses, and the complexity validation
        // computes: each operation's cost is charged to the caller's budget before it runs.
        .extension(limits::budget::CostBudget)
        // Depth, introspection and mutation counts: `limits::RequestLimits`, which lets the standard
        // introspection query through (it nests 15 deep) and still limits data beside it.
        .extension(limits::RequestLimits)
        .limit_complexity(MAX_COMPLEXITY)
}

/// Builds the schema over `db`, signing tokens with `keys`, charging `budgets`. Data loaders, the
/// caller and its [`RequestBudget`](limits::budget::RequestBudget) are per request (see `routes`),
/// never on the schema.
pub fn build_schema(db: Database, keys: JwtKeys, budgets: Arc<Budgets>) -> ApiSchema {
    schema_builder().data(db).data(keys).data(budgets).finish()
}

/// The SDL (`schema.graphql`), with `@specifiedBy` on scalars that have a specification.
pub fn sdl() -> String {
    schema_builder().finish().sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

/// The response boundary for errors: gives every error an `extensions.code`, logs each internal
/// or unavailable cause once with the request id (a failed batch that many fields waited for is one
/// cause), and adds `extensions.requestId` to `INTERNAL` errors. Errors our resolvers raise carry
/// their [`AppError`](crate::error::AppError) as the source and take its code; those raised by the
/// GraphQL engine get `GRAPHQL_PARSE_FAILED`, `BAD_USER_INPUT` (a value that does not fit its
/// type), `GRAPHQL_VALIDATION_FAILED` or `QUERY_TOO_COMPLEX`; anything else is `INTERNAL`.
pub fn finish_errors(response: &mut async_graphql::Response, request_id: &str) {
    let mut logged: Vec<crate::error::Cause> = Vec::new();
    for error in &mut response.errors {
        if let Some(app) = error.source::<crate::error::AppError>() {
            if let Some(cause) = app.cause() {
                if !logged.iter().any(|c| c.same(cause)) {
                    app.log(request_id);
                    logged.push(cause.clone());
                }
            }
            let code = app.code();
            error.extensions.get_or_insert_with(Default::default).set("code", code);
        }
        engine_code(error, request_id);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if matches!(extensions.get("code"), Some(async_graphql::Value::String(c)) if c == "INTERNAL") {
            extensions.set("requestId", request_id);
        }
    }
}

/// The code of an error the GraphQL engine raised (ours carry one already).
fn engine_code(error: &mut async_graphql::ServerError, request_id: &str) {
    let has_code = error.extensions.as_ref().is_some_and(|e| e.get("code").is_some());
    if has_code {
        return;
    }
    if error.message == "Query is too complex." {
        error.message = format!(
            "the query costs more than {MAX_COMPLEXITY}: every field costs 1, a connection its page size \
             times its items, a report at least {}; ask for smaller pages or fewer reports",
            limits::REPORT_COST
        );
    }
    let m = error.message.as_str();
    let code = if m.contains("nested too deep") || m.contains("too complex") || m.starts_with("the query costs") {
        "QUERY_TOO_COMPLEX"
    } else if m.trim_start().starts_with("-->") {
        // The parser's messages start with the position: ` --> 1:13`.
        "GRAPHQL_PARSE_FAILED"
    } else if m.starts_with("Failed to parse")
        || m.starts_with("Invalid value for argument")
        || m.contains("Invalid value for variable")
        || m.starts_with("Expected input type")
        || (m.starts_with("Variable ") && m.ends_with("is not defined."))
    {
        // A value that does not fit its type (a malformed DateTime, an Int out of range, a string
        // where an input object belongs, a required variable not sent).
        "BAD_USER_INPUT"
    } else if error.path.is_empty() {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        "INTERNAL"
    };
    if code == "INTERNAL" {
        // Not one of ours (those carry their code): log what the engine said.
        tracing::error!(request_id, error.cause = %error.message, "internal error");
        error.message = "internal error".into();
    }
    error.extensions.get_or_insert_with(Default::default).set("code", code);
}
