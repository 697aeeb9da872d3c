//! The GCRA arithmetic the database store uses, in nanoseconds: what a request adds to a bucket's
//! TAT, how much may be owed, and the budget's state read back from a TAT.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// One request's charge, as the statement needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// What the request adds to the TAT: its cost times the time one point takes to refill.
    pub increment_ns: i64,
    /// How far the TAT may run ahead of now: the whole period (the budget as one burst).
    pub tolerance_ns: i64,
    /// The budget's points per period.
    pub limit: u32,
}

impl Params {
    /// The charge of `cost` points on a budget of `limit` points per `period`.
    pub fn new(period: Duration, limit: u32, cost: u64) -> Self {
        let tolerance = i128::try_from(period.as_nanos()).unwrap_or(i128::MAX).min(i128::from(i64::MAX));
        let limit_wide = i128::from(limit.max(1));
        // Rounded up: a budget never gives more than it says.
        let increment = (i128::from(cost) * tolerance + limit_wide - 1) / limit_wide;
        Self {
            increment_ns: i64::try_from(increment).unwrap_or(i64::MAX),
            tolerance_ns: i64::try_from(tolerance).unwrap_or(i64::MAX),
            limit: limit.max(1),
        }
    }
}

/// A budget's state after a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// Points left.
    pub remaining: u64,
    /// When the budget is full again.
    pub reset_at: DateTime<Utc>,
    /// Refused: how long until the request would fit.
    pub retry_after: Option<Duration>,
}

/// The state from the clock (`now_ns`, since the Unix epoch) and the bucket's TAT: the new one
/// when the request was let through, the standing one when it was refused (`None`: no bucket, i.e.
/// a full budget).
pub fn state(params: Params, now_ns: i64, tat_ns: Option<i64>, allowed: bool) -> State {
    let owed = i128::from(tat_ns.unwrap_or(now_ns).saturating_sub(now_ns).max(0));
    let tolerance = i128::from(params.tolerance_ns.max(1));
    let left = (tolerance - owed).max(0);
    let remaining = u64::try_from(left * i128::from(params.limit) / tolerance).unwrap_or(0);
    let reset_ns = i64::try_from(i128::from(now_ns) + owed).unwrap_or(i64::MAX);
    let reset_at = DateTime::from_timestamp_nanos(reset_ns);
    let retry_after = (!allowed).then(|| {
        let wait = (owed + i128::from(params.increment_ns) - tolerance).max(1);
        Duration::from_nanos(u64::try_from(wait).unwrap_or(u64::MAX))
    });
    State { remaining, reset_at, retry_after }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_charge_takes_its_cost_and_refills_evenly() {
        let p = Params::new(HOUR, 1_000_000_000, 5_000);
        assert_eq!(p.increment_ns, 18_000_000);
        let now = 1_700_000_000_000_000_000;
        let after = state(p, now, Some(now + p.increment_ns), true);
        assert_eq!(after.remaining, 1_000_000_000 - 5_000);
        assert_eq!(after.retry_after, None);
        // Half the owed time later, half the points are back.
        let later = state(p, now + p.increment_ns / 2, Some(now + p.increment_ns), true);
        assert_eq!(later.remaining, 1_000_000_000 - 2_500);
        assert_eq!(state(p, now, None, true).remaining, 1_000_000_000);
    }

    #[test]
    fn a_refusal_says_when_the_request_fits() {
        let p = Params::new(Duration::from_secs(10), 100, 30);
        let now = 0;
        // 90 points owed (9 s): 30 more fit once 2 s have passed.
        let s = state(p, now, Some(9_000_000_000), false);
        assert_eq!(s.remaining, 10);
        assert_eq!(s.retry_after, Some(Duration::from_secs(2)));
        assert_eq!(s.reset_at, DateTime::from_timestamp_nanos(9_000_000_000));
    }
}
