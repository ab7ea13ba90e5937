//! When a batch is sent again after it failed for a reason that may pass (the server down or
//! restarting, a 5xx, a 429, a timeout), once the retry policy's retries were spent.
//!
//! The per-send retries cover a blip of a second or two; a deploy or a network outage lasts
//! longer. Rather than dropping the batch, the sender keeps its spans at the front and tries
//! again after a back-off that grows with each failed attempt, up to a cap: a server down for
//! minutes costs one attempt per step, never a loop of them.

use std::time::Duration;

use tokio::time::Instant;

/// The longest back-off accepted (longer ones are cut to this).
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// The shortest first step accepted: the sender never tries again at once.
const MIN_BACKOFF: Duration = Duration::from_millis(1);

/// The back-off between attempts at a kept batch: `first` after the first failure, doubling up
/// to `max`, each step drawn between its half and its whole (so that many exporters cut off
/// by the same outage do not all come back at the same instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Backoff {
    first: Duration,
    max: Duration,
}

impl Default for Backoff {
    /// 1 s, doubling to 30 s.
    fn default() -> Self {
        Self::new(Duration::from_secs(1), Duration::from_secs(30))
    }
}

impl Backoff {
    /// `first` (at least 1 ms) doubling to `max` (at least `first`, at most an hour).
    pub(super) fn new(first: Duration, max: Duration) -> Self {
        let first = first.clamp(MIN_BACKOFF, MAX_BACKOFF);
        Self {
            first,
            max: max.clamp(first, MAX_BACKOFF),
        }
    }

    /// The wait after the `failures`-th failed attempt in a row (1 for the first): the step
    /// with jitter, but never less than what the server asked for with `Retry-After` (itself
    /// cut to `max`, so a server asking for a day does not stop delivery for a day).
    pub(super) fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let step = self.step(failures);
        let half = step / 2;
        // `step` is at most an hour: its nanoseconds fit a u64.
        let jitter = Duration::from_nanos(fastrand::u64(0..=nanos(step - half)));
        let delay = half + jitter;
        match retry_after {
            Some(asked) => delay.max(asked.min(self.max)),
            None => delay,
        }
    }

    /// The step before jitter: `first * 2^(failures - 1)`, at most `max`.
    fn step(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.first
            .checked_mul(1 << doublings)
            .map_or(self.max, |step| step.min(self.max))
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// A batch failed for a reason that may pass and its spans are kept: when to try again.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outage {
    /// Failed attempts in a row.
    pub(super) failures: u32,
    /// When the next attempt is made.
    pub(super) retry_at: Instant,
}

impl Outage {
    /// The outage after one more failed attempt at `now` (the first one when `previous` is
    /// `None`); returns it with the wait until its next attempt.
    pub(super) fn after_failure(
        previous: Option<Outage>,
        backoff: &Backoff,
        now: Instant,
        retry_after: Option<Duration>,
    ) -> (Outage, Duration) {
        let failures = previous.map_or(1, |outage| outage.failures.saturating_add(1));
        let wait = backoff.delay(failures, retry_after);
        // Never `now + …`: that panics where the clock cannot represent the sum (and
        // `unwrap_or` would compute it on every call). Past the clock's end there is no later
        // instant to wait for, so the attempt is due at once.
        let retry_at = now
            .checked_add(wait)
            .or_else(|| now.checked_add(MAX_BACKOFF))
            .unwrap_or(now);
        (Outage { failures, retry_at }, wait)
    }

    /// Whether the next attempt is due at `now`.
    pub(super) fn is_due(&self, now: Instant) -> bool {
        now >= self.retry_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last instant the clock can represent, near enough: adding a minute overflows.
    fn near_the_clocks_end() -> Instant {
        let now = Instant::now();
        let (mut low, mut high) = (0u64, u64::MAX);
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if now.checked_add(Duration::from_secs(mid)).is_some() {
                low = mid;
            } else {
                high = mid;
            }
        }
        now + Duration::from_secs(low)
    }

    #[test]
    fn a_clock_at_its_end_makes_the_attempt_due_instead_of_panicking() {
        let end = near_the_clocks_end();
        assert!(end.checked_add(Duration::from_secs(60)).is_none());
        let backoff = Backoff::new(Duration::from_secs(30), Duration::from_secs(60));
        let (outage, _) = Outage::after_failure(None, &backoff, end, None);
        assert!(outage.is_due(end), "no later instant to wait for");
    }

    #[test]
    fn steps_double_from_the_first_to_the_cap_with_jitter_within_each_step() {
        let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        let steps = [1, 2, 4, 8, 16, 30, 30, 30];
        for (failures, step) in (1..).zip(steps) {
            let step = Duration::from_secs(step);
            for _ in 0..50 {
                let delay = backoff.delay(failures, None);
                assert!(
                    delay >= step / 2 && delay <= step,
                    "failure {failures}: {delay:?} outside {:?}..={step:?}",
                    step / 2
                );
            }
        }
        assert_eq!(
            backoff.step(u32::MAX),
            Duration::from_secs(30),
            "no overflow"
        );
        // Not all the same: the jitter spreads exporters cut off by the same outage.
        let draws: std::collections::HashSet<Duration> =
            (0..20).map(|_| backoff.delay(3, None)).collect();
        assert!(draws.len() > 1, "{draws:?}");
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        let asked = backoff.delay(1, Some(Duration::from_secs(12)));
        assert_eq!(asked, Duration::from_secs(12));
        let too_long = backoff.delay(1, Some(Duration::from_secs(86_400)));
        assert_eq!(too_long, Duration::from_secs(30));
        assert!(backoff.delay(1, Some(Duration::ZERO)) >= Duration::from_millis(500));
    }

    #[test]
    fn settings_out_of_range_are_clamped() {
        let zero = Backoff::new(Duration::ZERO, Duration::ZERO);
        assert_eq!((zero.first, zero.max), (MIN_BACKOFF, MIN_BACKOFF));
        let inverted = Backoff::new(Duration::from_secs(10), Duration::from_secs(1));
        assert_eq!(
            inverted.max,
            Duration::from_secs(10),
            "the cap is at least the first"
        );
        let huge = Backoff::new(Duration::MAX, Duration::MAX);
        assert_eq!((huge.first, huge.max), (MAX_BACKOFF, MAX_BACKOFF));
        assert!(huge.delay(u32::MAX, None) <= MAX_BACKOFF);
    }

    #[test]
    fn each_failure_in_a_row_moves_to_the_next_step() {
        let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        let now = Instant::now();
        let (first, wait) = Outage::after_failure(None, &backoff, now, None);
        assert_eq!(first.failures, 1);
        assert_eq!(first.retry_at, now + wait);
        assert!(!first.is_due(now) && first.is_due(now + wait));
        let (second, wait) = Outage::after_failure(Some(first), &backoff, now, None);
        assert_eq!(second.failures, 2);
        assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(2));
    }
}
