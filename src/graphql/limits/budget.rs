//! Cost budgets in the engine: [`CostBudget`] charges each operation's cost (the complexity the
//! validation step computes, the model of `limit_complexity`) to its caller's budget after
//! validation and before anything runs, and refuses it with `RATE_LIMITED` when the budget cannot
//! pay; `rateLimit` reads what the charge left. The HTTP side (headers, status 429,
//! `extensions.cost`) is in `routes::budget`.

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Context, ServerError, ServerResult, SimpleObject, ValidationResult, Variables};
use chrono::{DateTime, Utc};

use crate::auth::budget::{Budget, Budgets, Charge, Payer};
use crate::error::AppError;

/// One request's budget: who pays, and (once validated) what it was charged. The handler puts it
/// in the request data and reads the charge back for the response.
pub struct RequestBudget {
    payer: Payer,
    operation_name: Option<String>,
    mutation: OnceLock<bool>,
    charge: OnceLock<Charge>,
}

impl RequestBudget {
    /// The budget of a request by `payer` that runs the operation `operation_name` (or the only one).
    pub fn new(payer: Payer, operation_name: Option<String>) -> Arc<Self> {
        Arc::new(Self { payer, operation_name, mutation: OnceLock::new(), charge: OnceLock::new() })
    }

    /// What the request was charged; `None` before validation, when it failed validation (nothing
    /// is charged then), or when limits are off.
    pub fn charge(&self) -> Option<&Charge> {
        self.charge.get()
    }
}

/// The schema extension that charges every operation's cost before it runs.
pub struct CostBudget;

impl ExtensionFactory for CostBudget {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostBudgetExtension)
    }
}

struct CostBudgetExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for CostBudgetExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Some(request) = ctx.data_opt::<Arc<RequestBudget>>() {
            let kind = operation_type(&document, request.operation_name.as_deref());
            let _ = request.mutation.set(kind == Some(OperationType::Mutation));
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        // An invalid or too costly document is refused by validation and charged nothing.
        let result = next.run(ctx).await?;
        let (Some(request), Some(budgets)) = (ctx.data_opt::<Arc<RequestBudget>>(), ctx.data_opt::<Arc<Budgets>>())
        else {
            return Ok(result);
        };
        let budget = if request.mutation.get() == Some(&true) { Budget::Writes } else { Budget::Reads };
        let cost = u64::try_from(result.complexity).unwrap_or(u64::MAX);
        let charge = budgets.charge(&request.payer, budget, cost).await.map_err(|e| vec![server_error(e)])?;
        let Some(charge) = charge else { return Ok(result) };
        let refusal = refusal(&charge, budgets);
        let _ = request.charge.set(charge);
        match refusal {
            Some(error) => Err(vec![error]),
            None => Ok(result),
        }
    }
}

/// An error of the request as a whole (no location), keeping the [`AppError`] for its code.
fn server_error(e: AppError) -> ServerError {
    let mut error = ServerError::new(e.to_string(), None);
    error.source = Some(Arc::new(e));
    error
}

/// The `RATE_LIMITED` error of a refused charge, with `extensions.retryAfter` in seconds.
fn refusal(charge: &Charge, budgets: &Budgets) -> Option<ServerError> {
    let wait = charge.refused.as_ref()?;
    let which = match charge.budget {
        Budget::Reads => "query",
        Budget::Writes => "mutation",
    };
    let period = humantime::format_duration(budgets.period());
    let (cost, limit) = (charge.cost, charge.limit);
    let message = match (wait, charge.remaining) {
        (Some(wait), Some(left)) => format!(
            "over the {which} budget: this request costs {cost} points and {left} of {limit} per {period} are left; \
             retry after {} seconds",
            retry_seconds(*wait)
        ),
        _ => format!(
            "this request costs {cost} points, more than the whole {which} budget of {limit} per {period}: ask for \
             less (smaller pages, fewer fields or reports)"
        ),
    };
    let mut error = server_error(AppError::RateLimited(message));
    if let Some(wait) = wait {
        error.extensions.get_or_insert_with(Default::default).set("retryAfter", retry_seconds(*wait));
    }
    Some(error)
}

/// A wait in whole seconds, rounded up, at least 1 (what `Retry-After` says).
pub fn retry_seconds(wait: std::time::Duration) -> u64 {
    wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The operation a request runs: the one named, or the only one.
fn operation_type(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().map(|op| op.node.ty),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// What this request cost and what is left of the caller's query budget (like GitHub's
/// `rateLimit`). Budgets are per token (a session token spends its parent token's) or, without a
/// token, per client address; mutations have a budget of their own, shown in the mutation
/// response's `extensions.cost` and `RateLimit-*` headers.
#[derive(SimpleObject)]
pub struct RateLimit {
    /// The budget's points per period (README "Settings": `RATE_LIMIT_PERIOD`, one hour by default).
    pub limit: i32,
    /// What this request costs: its complexity (every field 1, a connection its page size times its
    /// items, a report at least 5,000), charged before it ran.
    pub cost: i32,
    /// Points left after this request.
    pub remaining: i32,
    /// Points spent and not yet refilled (`limit - remaining`).
    pub used: i32,
    /// When the budget is full again (it refills evenly over the period).
    pub reset_at: DateTime<Utc>,
}

/// The `rateLimit` field: the charge of this request; null when limits are off.
pub fn rate_limit(ctx: &Context<'_>) -> Option<RateLimit> {
    let charge = ctx.data_opt::<Arc<RequestBudget>>()?.charge()?;
    let points = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
    let remaining = charge.remaining?;
    Some(RateLimit {
        limit: points(charge.limit),
        cost: points(charge.cost),
        remaining: points(remaining),
        used: points(charge.limit.saturating_sub(remaining)),
        reset_at: charge.reset_at?,
    })
}
