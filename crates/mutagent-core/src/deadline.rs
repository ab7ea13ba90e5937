//! A deadline for helpers that poll the API until something happens (a job finishing, a
//! result appearing): time left, calls cut short at the deadline, pauses that never overrun it.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// A deadline counted from when it was started; `None` as the limit means no deadline.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    started: Instant,
    at: Option<Instant>,
}

impl Deadline {
    /// Starts counting now. A limit too long to represent counts as no deadline.
    pub fn start(limit: Option<Duration>) -> Self {
        let started = Instant::now();
        Self {
            started,
            at: limit.and_then(|limit| started.checked_add(limit)),
        }
    }

    /// How long since it started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time left; `None` without a deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether the deadline has passed.
    pub fn expired(&self) -> bool {
        self.remaining().is_some_and(|left| left.is_zero())
    }

    /// Runs `call`, cut short at the deadline: `None` when the deadline came first.
    pub async fn within<T>(&self, call: impl Future<Output = T>) -> Option<T> {
        match self.remaining() {
            Some(left) => tokio::time::timeout(left, call).await.ok(),
            None => Some(call.await),
        }
    }

    /// Sleeps for `interval`, or until the deadline if that comes first.
    pub async fn pause(&self, interval: Duration) {
        let wait = self.remaining().map_or(interval, |left| left.min(interval));
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn calls_and_pauses_stop_at_the_deadline() {
        let deadline = Deadline::start(Some(Duration::from_secs(10)));
        assert!(!deadline.expired());
        deadline.pause(Duration::from_secs(4)).await;
        assert_eq!(deadline.remaining(), Some(Duration::from_secs(6)));
        let late = deadline
            .within(tokio::time::sleep(Duration::from_secs(60)))
            .await;
        assert!(late.is_none(), "cut short at the deadline");
        assert!(deadline.expired());
        deadline.pause(Duration::from_secs(60)).await; // returns at once
        assert!(deadline.elapsed() < Duration::from_secs(11));
    }

    #[tokio::test(start_paused = true)]
    async fn no_limit_means_no_deadline() {
        for limit in [None, Some(Duration::MAX)] {
            let deadline = Deadline::start(limit);
            assert_eq!(deadline.remaining(), None);
            assert_eq!(deadline.within(async { 7 }).await, Some(7));
            assert!(!deadline.expired());
        }
    }
}
