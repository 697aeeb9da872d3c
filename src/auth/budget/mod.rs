//! Cost budgets per caller: every operation's cost (its complexity, computed before it runs) is
//! charged to its caller's budget, and an operation over budget is refused before it runs.
//!
//! - A caller is its token (a session token pays from its parent token's budget) or, without a
//!   token, its client address (an IPv6 address counts per /64 network).
//! - Queries and mutations have budgets of their own ([`Budget::Reads`], [`Budget::Writes`]).
//! - Each budget is a GCRA bucket (generic cell rate algorithm): `limit` points per `period`,
//!   refilled evenly, the whole budget usable as one burst. Its state is one time per bucket, the
//!   *theoretical arrival time* (TAT): the budget is full again at the TAT, and a request of cost
//!   `c` fits while `max(TAT, now) + c·period/limit − now ≤ period`.
//! - On PostgreSQL the TATs live in the database ([`postgres`]), so every instance over one database
//!   charges one budget per caller; on SQLite (one process) they live in memory ([`memory`],
//!   the `governor` crate).

pub mod gcra;
mod memory;
mod postgres;

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::db::{Database, DbTarget};
use crate::error::AppError;

/// Which budget an operation is charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Queries.
    Reads,
    /// Mutations.
    Writes,
}

/// Who pays for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payer {
    /// A token, by the `jti` of the token at the root of its session chain.
    Token(String),
    /// A caller without a token, by its client address.
    Address(IpAddr),
}

impl Payer {
    /// The payer for a client address: IPv4 as is, IPv6 by its /64 network (one host usually holds
    /// a whole /64, so counting single IPv6 addresses would count nothing).
    pub fn address(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Self::Address(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self::Address(IpAddr::V4(v4)),
                None => {
                    let network = u128::from(v6) & !((1u128 << 64) - 1);
                    Self::Address(IpAddr::V6(network.into()))
                }
            },
        }
    }

    /// The bucket's name in a store: `reads:token:<jti>`, `writes:address:192.0.2.1`, …
    fn bucket(&self, budget: Budget) -> String {
        let budget = match budget {
            Budget::Reads => "reads",
            Budget::Writes => "writes",
        };
        match self {
            Self::Token(jti) => format!("{budget}:token:{jti}"),
            Self::Address(ip) => format!("{budget}:address:{ip}"),
        }
    }
}

/// The budgets' sizes, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The period a budget is counted over.
    pub period: Duration,
    /// Query points per period per client address without a token.
    pub anonymous: u32,
    /// Query points per period per token.
    pub token: u32,
    /// Mutation points per period per caller.
    pub writes: u32,
}

/// The three sizes of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    Anonymous,
    Token,
    Writes,
}

impl Size {
    /// The size of `payer`'s `budget`.
    fn of(payer: &Payer, budget: Budget) -> Self {
        match (budget, payer) {
            (Budget::Writes, _) => Self::Writes,
            (Budget::Reads, Payer::Token(_)) => Self::Token,
            (Budget::Reads, Payer::Address(_)) => Self::Anonymous,
        }
    }
}

impl Limits {
    /// The points per period of `budget` for `payer`.
    pub fn of(&self, payer: &Payer, budget: Budget) -> u32 {
        match Size::of(payer, budget) {
            Size::Anonymous => self.anonymous,
            Size::Token => self.token,
            Size::Writes => self.writes,
        }
    }
}

/// What charging a request did: its cost and the budget's state afterwards.
#[derive(Debug, Clone)]
pub struct Charge {
    /// Which budget was charged.
    pub budget: Budget,
    /// The request's cost in points.
    pub cost: u64,
    /// The budget's points per period.
    pub limit: u64,
    /// Points left (after this request when it was let through); `None` when the request costs
    /// more than the whole budget (the store was not asked).
    pub remaining: Option<u64>,
    /// When the budget is full again.
    pub reset_at: Option<DateTime<Utc>>,
    /// Refused: how long until the request would fit (`None` when it never fits).
    pub refused: Option<Option<Duration>>,
}

impl Charge {
    /// True when the request may run.
    pub fn allowed(&self) -> bool {
        self.refused.is_none()
    }
}

/// Where the budgets are kept.
enum Store {
    /// Limiting is switched off (`RATE_LIMITS=false`).
    Off,
    /// In this process (SQLite).
    Memory(Box<memory::Memory>),
    /// In the database (PostgreSQL), shared by every instance, reached through a pool of its own.
    Postgres(Database),
}

/// The pooled connections the budgets use on PostgreSQL, besides the serving pool: a charge takes
/// one for a single short statement, so a few serve every request, and a busy serving pool (or a
/// flood of refused requests) never holds up (or takes from) the other.
pub const BUDGET_CONNECTIONS: u32 = 4;

/// Every caller's budgets. Built once at start; cheap to share.
pub struct Budgets {
    limits: Limits,
    store: Store,
}

impl Budgets {
    /// The budgets the settings ask for: in the database on PostgreSQL (every instance sees them),
    /// in memory on SQLite.
    ///
    /// # Errors
    /// PostgreSQL cannot be reached, or a budget is too fine for the in-memory limiter (less than a
    /// nanosecond per point).
    pub fn new(settings: &Settings) -> anyhow::Result<Self> {
        let postgres = DbTarget::parse(&settings.database_url).map_err(anyhow::Error::msg)?.is_postgres();
        let limits = Limits {
            period: settings.rate_limit_period,
            anonymous: settings.rate_limit_anonymous,
            token: settings.rate_limit_token,
            writes: settings.rate_limit_writes,
        };
        let store = match (settings.rate_limits, postgres) {
            (false, _) => Store::Off,
            (true, true) => Store::Postgres(Database::connect_with(
                &settings.database_url,
                BUDGET_CONNECTIONS,
                settings.db_pool_timeout,
            )?),
            (true, false) => Store::Memory(Box::new(memory::Memory::new(&limits)?)),
        };
        Ok(Self { limits, store })
    }

    /// The period budgets are counted over.
    pub fn period(&self) -> Duration {
        self.limits.period
    }

    /// False when limiting is switched off.
    pub fn enabled(&self) -> bool {
        !matches!(self.store, Store::Off)
    }

    /// Charges `cost` points to `payer`'s `budget`, in one step (one statement on PostgreSQL, off
    /// the async threads). `None` when limiting is off.
    ///
    /// # Errors
    /// The database cannot be reached (`SERVICE_UNAVAILABLE`) or fails.
    pub async fn charge(&self, payer: &Payer, budget: Budget, cost: u64) -> Result<Option<Charge>, AppError> {
        if !self.enabled() {
            return Ok(None);
        }
        let limit = self.limits.of(payer, budget);
        // Every request costs something, even `{ __typename }` (complexity 0).
        let cost = cost.max(1);
        if cost > u64::from(limit) {
            let refused = Some(None);
            return Ok(Some(Charge { budget, cost, limit: limit.into(), remaining: None, reset_at: None, refused }));
        }
        let bucket = payer.bucket(budget);
        let state = match &self.store {
            Store::Off => return Ok(None),
            Store::Memory(memory) => memory.charge(Size::of(payer, budget), &bucket, cost),
            Store::Postgres(db) => {
                let params = gcra::Params::new(self.limits.period, limit, cost);
                db.run(move |c| postgres::charge(c, &bucket, params)).await?
            }
        };
        Ok(Some(Charge {
            budget,
            cost,
            limit: limit.into(),
            remaining: Some(state.remaining),
            reset_at: Some(state.reset_at),
            refused: state.retry_after.map(Some),
        }))
    }

    /// Forgets buckets that are full again (they are the same as no bucket): rows on PostgreSQL,
    /// map entries in memory. Run now and then, not per request.
    ///
    /// # Errors
    /// The database fails.
    pub async fn forget_full(&self) -> Result<(), AppError> {
        match &self.store {
            Store::Off => Ok(()),
            Store::Memory(memory) => {
                memory.forget_full();
                Ok(())
            }
            Store::Postgres(db) => db.run(postgres::forget_full).await,
        }
    }
}
