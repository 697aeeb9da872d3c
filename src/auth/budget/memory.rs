//! The budgets in this process (SQLite: one process serves the database), kept by the `governor`
//! crate: one keyed GCRA limiter per budget size, the whole budget usable as one burst.
//!
//! Why not the `rate_limit` table on SQLite too: a charge is a write, and SQLite has one writer at
//! a time, so every read request would queue for the write lock.

use std::num::NonZeroU32;
use std::time::Duration;

use chrono::Utc;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::gcra::State;
use super::{Limits, Size};

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One limiter and the time one of its points takes to refill.
struct Limiter {
    keyed: Keyed,
    per_point: Duration,
    limit: u32,
}

impl Limiter {
    fn new(period: Duration, limit: u32) -> anyhow::Result<Self> {
        let limit = NonZeroU32::new(limit).ok_or_else(|| anyhow::anyhow!("a budget needs at least one point"))?;
        let per_point = period / limit.get();
        let quota = Quota::with_period(per_point)
            .ok_or_else(|| anyhow::anyhow!("a budget of {limit} points per {period:?} is finer than a nanosecond"))?
            .allow_burst(limit);
        let keyed = RateLimiter::dashmap(quota).with_middleware::<StateInformationMiddleware>();
        Ok(Self { keyed, per_point, limit: limit.get() })
    }

    fn charge(&self, bucket: &String, cost: u64) -> State {
        let now = Utc::now();
        let owed = |points: u64| self.per_point.saturating_mul(u32::try_from(points).unwrap_or(u32::MAX));
        let Some(n) = u32::try_from(cost).ok().and_then(NonZeroU32::new) else {
            return State { remaining: 0, reset_at: now, retry_after: Some(Duration::MAX) };
        };
        let limit = u64::from(self.limit);
        match self.keyed.check_key_n(bucket, n) {
            Ok(Ok(snapshot)) => {
                let remaining = u64::from(snapshot.remaining_burst_capacity());
                State { remaining, reset_at: now + owed(limit - remaining), retry_after: None }
            }
            Ok(Err(not_until)) => {
                let wait = not_until.wait_time_from(self.keyed.clock().now());
                // The standing debt is the wait plus what the budget holds beyond this request.
                let refilled = u64::try_from(wait.as_nanos() / self.per_point.as_nanos().max(1)).unwrap_or(u64::MAX);
                let remaining = cost.saturating_sub(refilled.saturating_add(1));
                let reset_at = now + wait + owed(limit.saturating_sub(cost));
                State { remaining, reset_at, retry_after: Some(wait.max(Duration::from_nanos(1))) }
            }
            // Costs more than the whole budget: refused before the store is asked (`Budgets::charge`).
            Err(_) => State { remaining: 0, reset_at: now, retry_after: Some(Duration::MAX) },
        }
    }
}

/// The three budgets' limiters.
pub struct Memory {
    anonymous: Limiter,
    token: Limiter,
    writes: Limiter,
}

impl Memory {
    /// Limiters of the given sizes.
    ///
    /// # Errors
    /// A budget finer than a nanosecond per point.
    pub fn new(limits: &Limits) -> anyhow::Result<Self> {
        Ok(Self {
            anonymous: Limiter::new(limits.period, limits.anonymous)?,
            token: Limiter::new(limits.period, limits.token)?,
            writes: Limiter::new(limits.period, limits.writes)?,
        })
    }

    /// Charges `cost` points to the bucket, in the limiter of its size.
    pub fn charge(&self, size: Size, bucket: &String, cost: u64) -> State {
        let limiter = match size {
            Size::Anonymous => &self.anonymous,
            Size::Token => &self.token,
            Size::Writes => &self.writes,
        };
        limiter.charge(bucket, cost)
    }

    /// Drops the buckets that are full again.
    pub fn forget_full(&self) {
        for limiter in [&self.anonymous, &self.token, &self.writes] {
            limiter.keyed.retain_recent();
            limiter.keyed.shrink_to_fit();
        }
    }
}
