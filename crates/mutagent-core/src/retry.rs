//! When and how long to wait before trying a call again.
//!
//! * Idempotent methods (GET, HEAD, PUT, DELETE) are retried on 408, 429, 500, 502, 503, 504
//!   and on connection failures. After a 2xx head the server has done what was asked: an
//!   answer that then breaks off is retried for GET, HEAD and PUT only (a second DELETE would
//!   answer 404), and never for a stalled one (the call's time is up).
//! * POST and PATCH are retried only when the request certainly never reached the server
//!   (the connection could not be made), or when the caller opts in for that call.
//! * Waits double from 250 ms up to 4 s, with ±25 % jitter. A `Retry-After` header (seconds or
//!   an HTTP date) replaces the computed wait, capped at [`RetryPolicy::max_retry_after`].
//! * A client-wide retry budget stops retries when most recent calls are failing, so the SDK
//!   cannot multiply the load on a server that is already down.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// How a client retries failed calls.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The default policy: 3 retries, 250 ms doubling to 4 s, `Retry-After` capped at 30 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// No retries at all.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The most retries after the first attempt (default 3).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first wait (default 250 ms); each later wait doubles.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest computed wait (default 4 s).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest wait a server's `Retry-After` can impose (default 30 s).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Turns jitter on or off (default on). Off makes waits exact, e.g. for tests.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The configured number of retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `retry` (0 for the first retry), without `Retry-After`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        if self.jitter {
            // ±25 %: spreads clients that failed together so they do not retry together.
            // From the OS (getrandom, already in the tree through ring); if it ever fails,
            // the middle of the range, i.e. no jitter for this wait.
            let mut bytes = [0u8; 8];
            let unit = match getrandom::getrandom(&mut bytes) {
                // The top 53 bits make a uniform f64 in [0, 1).
                Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
                Err(_) => 0.5,
            };
            // `try_from_secs_f64` rather than `mul_f64`, which panics near `Duration::MAX`.
            Duration::try_from_secs_f64(base.as_secs_f64() * (0.75 + 0.5 * unit)).unwrap_or(base)
        } else {
            base
        }
    }

    /// The wait before retry number `retry`, honouring a server's `Retry-After` (capped).
    pub(crate) fn wait(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff(retry),
        }
    }
}

/// Reads `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        if seconds.is_finite() && seconds >= 0.0 {
            return Some(Duration::from_secs_f64(seconds.min(86_400.0)));
        }
        return None;
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A token bucket shared by all calls of one client: each retry spends tokens, each success
/// earns one back. When the bucket is empty, failures are returned without retrying.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: AtomicU32,
}

const BUDGET_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 5;

impl RetryBudget {
    pub(crate) fn new() -> Self {
        Self {
            tokens: AtomicU32::new(BUDGET_CAPACITY),
        }
    }

    /// Takes the cost of one retry; `None` when the budget is spent. The cost comes back if
    /// the [`Spent`] is dropped before it is [`kept`](Spent::keep): a call dropped while it
    /// waits to retry sent no retry, and the budget counts retries sent to the server.
    pub(crate) fn try_spend(&self) -> Option<Spent<'_>> {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(RETRY_COST)
            })
            .ok()
            .map(|_| Spent { budget: self })
    }

    /// Earns one token back after a success.
    pub(crate) fn refund(&self) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                (tokens < BUDGET_CAPACITY).then_some(tokens + 1)
            });
    }

    /// Gives back the cost of a retry that was never sent, up to the capacity.
    fn give_back(&self) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                (tokens < BUDGET_CAPACITY)
                    .then(|| tokens.saturating_add(RETRY_COST).min(BUDGET_CAPACITY))
            });
    }

    #[cfg(test)]
    pub(crate) fn remaining(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

/// The cost of one retry, taken from a [`RetryBudget`] before the wait that precedes it; given
/// back when dropped unless [`kept`](Self::keep) once the retry is about to be sent.
#[must_use = "dropped at once, the cost is given back"]
pub(crate) struct Spent<'a> {
    budget: &'a RetryBudget,
}

impl Spent<'_> {
    /// The retry is being sent: the cost stays spent.
    pub(crate) fn keep(self) {
        std::mem::forget(self);
    }
}

impl Drop for Spent<'_> {
    fn drop(&mut self) {
        self.budget.give_back();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_setter_changes_only_its_own_setting() {
        let base = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(7))
            .jitter(false);
        let more = base.clone().max_retries(5);
        assert_eq!(more.retries(), 5);
        assert_eq!(more.backoff(0), Duration::from_millis(7));
        assert_eq!(RetryPolicy::disabled().retries(), 0);
        assert_eq!(RetryPolicy::new().retries(), 3);
        let capped = base.clone().max_backoff(Duration::from_millis(10));
        assert_eq!(capped.backoff(3), Duration::from_millis(10));
        assert_eq!(capped.retries(), 3);
        let short = base.max_retry_after(Duration::from_secs(2));
        assert_eq!(
            short.wait(0, Some(Duration::from_secs(9))),
            Duration::from_secs(2)
        );
        assert_eq!(short.backoff(0), Duration::from_millis(7));
    }
    use http::HeaderValue;

    /// Mutation: the default `Retry-After` cap changed from 30 s.
    #[test]
    fn retry_after_is_capped_at_30_seconds_by_default() {
        let policy = RetryPolicy::new();
        let hour = Duration::from_secs(3600);
        assert_eq!(policy.wait(0, Some(hour)), Duration::from_secs(30));
        assert_eq!(
            policy.wait(2, Some(Duration::from_secs(29))),
            Duration::from_secs(29)
        );
        assert_eq!(
            RetryPolicy::default().wait(0, Some(hour)),
            Duration::from_secs(30)
        );
        let custom = RetryPolicy::new().max_retry_after(Duration::from_secs(5));
        assert_eq!(custom.wait(0, Some(hour)), Duration::from_secs(5));
    }

    #[test]
    fn backoff_doubles_to_the_cap() {
        let policy = RetryPolicy::new().jitter(false);
        let waits: Vec<u128> = (0..7).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(waits, [250, 500, 1000, 2000, 4000, 4000, 4000]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(4));
    }

    #[test]
    fn huge_durations_never_panic() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .max_retry_after(Duration::MAX);
        for retry in [0, 1, 5, u32::MAX] {
            assert!(policy.backoff(retry) > Duration::from_secs(1));
        }
        assert_eq!(policy.wait(0, Some(Duration::MAX)), Duration::MAX);
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        let policy = RetryPolicy::new();
        for _ in 0..200 {
            let wait = policy.backoff(1).as_millis();
            assert!((375..=625).contains(&wait), "{wait}");
        }
    }

    /// Jitter must spread clients out, not just stay in range: over 200 waits some fall in the
    /// lowest and some in the highest fifth (a fixed or broken random number would not).
    #[test]
    fn jitter_spreads_waits_across_the_range() {
        let policy = RetryPolicy::new();
        let waits: Vec<u128> = (0..200).map(|_| policy.backoff(1).as_millis()).collect();
        assert!(waits.iter().any(|&w| w < 450), "{waits:?}");
        assert!(waits.iter().any(|&w| w > 550), "{waits:?}");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        headers.insert("retry-after", HeaderValue::from_str(&later).expect("date"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(12)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(12));
        headers.insert("retry-after", HeaderValue::from_str(&past).expect("date"));
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
        headers.insert("retry-after", HeaderValue::from_static("-3"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn retry_after_is_capped() {
        let policy = RetryPolicy::new().max_retry_after(Duration::from_secs(5));
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn budget_runs_out_and_refills() {
        let budget = RetryBudget::new();
        let mut spent = 0;
        while let Some(cost) = budget.try_spend() {
            cost.keep();
            spent += 1;
        }
        assert_eq!(spent, BUDGET_CAPACITY / RETRY_COST);
        for _ in 0..RETRY_COST {
            budget.refund();
        }
        budget.try_spend().expect("refilled").keep();
        assert_eq!(budget.remaining(), 0);
    }

    /// A retry whose call was dropped during its wait was never sent: its cost comes back.
    #[test]
    fn the_cost_of_a_retry_never_sent_comes_back() {
        let budget = RetryBudget::new();
        let cost = budget.try_spend().expect("full");
        assert_eq!(budget.remaining(), BUDGET_CAPACITY - RETRY_COST);
        drop(cost);
        assert_eq!(budget.remaining(), BUDGET_CAPACITY);
        budget.try_spend().expect("full").keep();
        assert_eq!(budget.remaining(), BUDGET_CAPACITY - RETRY_COST);
    }

    #[test]
    fn refunds_never_fill_the_budget_past_its_capacity() {
        let budget = RetryBudget::new();
        for _ in 0..10 {
            budget.refund();
        }
        assert_eq!(budget.remaining(), BUDGET_CAPACITY);
    }
}
