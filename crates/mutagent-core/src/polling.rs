//! The polling toolkit every wait and watch of the SDK is built from (waiting for an evaluation
//! result, following an optimization job): how often to poll and how long ([`PollOptions`]),
//! the clock that enforces it ([`Deadline`]), and why a wait ended without its answer
//! ([`WaitError`], with what each wait knows when its deadline passes).

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// How often to poll and how long to wait at most. The defaults: poll every 2 s, give up after
/// 10 minutes (a wait may choose other defaults, e.g. an optimization watch's 30 minutes).
///
/// ```
/// use std::time::Duration;
/// use mutagent_core::polling::PollOptions;
/// let options = PollOptions::new()
///     .poll_interval(Duration::from_millis(500))
///     .deadline(Duration::from_secs(120));
/// assert_eq!(options.deadline, Some(Duration::from_secs(120)));
/// assert_eq!(PollOptions::new().no_deadline().deadline, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollOptions {
    /// The pause between two polls (default 2 s).
    pub poll_interval: Duration,
    /// How long to wait at most, from the first poll (default 10 minutes); `None` waits
    /// without limit (see [`no_deadline`](Self::no_deadline)).
    pub deadline: Option<Duration>,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self::every(Duration::from_secs(2), Some(Duration::from_secs(600)))
    }
}

impl PollOptions {
    /// The defaults: poll every 2 s, give up after 10 minutes.
    pub fn new() -> Self {
        Self::default()
    }
    /// Polls every `poll_interval`, for at most `deadline` (`None`: without limit).
    pub const fn every(poll_interval: Duration, deadline: Option<Duration>) -> Self {
        Self {
            poll_interval,
            deadline,
        }
    }
    /// Sets the pause between two polls.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }
    /// Sets how long to wait at most.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
    /// Waits without a time limit (only until the answer comes or a call fails).
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }
    /// Starts the clock of a wait with these options.
    pub fn start(&self) -> Deadline {
        Deadline::start(self.deadline)
    }
    /// The deadline as a duration: [`Duration::MAX`] without one.
    pub fn deadline_or_max(&self) -> Duration {
        self.deadline.unwrap_or(Duration::MAX)
    }
}

/// What a wait knows when its deadline passes: the payload of
/// [`WaitError::DeadlineExceeded`], and what turns it into [`Error::Timeout`].
pub trait DeadlinePassed: fmt::Display + fmt::Debug {
    /// The helper's name, as [`Error::Timeout`] (and [`Error::Partial`]) report it: the one
    /// the user called, so a wait started by another helper names that helper.
    fn operation(&self) -> &'static str;
    /// The deadline that expired.
    fn deadline(&self) -> Duration;
    /// How many polls were made.
    fn polls(&self) -> u32;
    /// What the helper had started or changed before the deadline, which goes on or stays
    /// (`run_evaluation_and_wait`'s run); `None` (the default) when it only watched. With
    /// something done, the deadline becomes [`Error::Partial`] around [`Error::Timeout`]: not
    /// retryable, since running the helper again would start it again.
    fn done(&self) -> Option<String> {
        None
    }
}

/// Why a wait ended without its answer: the deadline passed first (`D` says what is known
/// then), or a call failed.
///
/// Each wait names its own: `EvaluationWaitError`, `OptimizationWaitError`, so two waits
/// never clash in one `use`. Converts into [`Error`] (the deadline becoming
/// [`Error::Timeout`]), so `?` works in functions returning the SDK's error; an [`Error`]
/// converts into it ([`Api`](Self::Api)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError<D> {
    /// The deadline passed before the answer came. Nothing was cancelled unless the wait's
    /// options asked for it.
    #[error("{0}")]
    DeadlineExceeded(D),
    /// A call failed.
    #[error(transparent)]
    Api(#[from] Error),
}

impl<D> WaitError<D> {
    /// Whether the deadline expired.
    pub fn is_deadline_exceeded(&self) -> bool {
        matches!(self, WaitError::DeadlineExceeded(_))
    }

    /// What was known when the deadline passed, if that is what ended the wait.
    pub fn deadline_exceeded(&self) -> Option<&D> {
        match self {
            WaitError::DeadlineExceeded(passed) => Some(passed),
            WaitError::Api(_) => None,
        }
    }

    /// The failed call's error, if that is what ended the wait.
    pub fn as_api_error(&self) -> Option<&Error> {
        match self {
            WaitError::Api(err) => Some(err),
            WaitError::DeadlineExceeded(_) => None,
        }
    }
}

impl<D: DeadlinePassed> From<WaitError<D>> for Error {
    fn from(err: WaitError<D>) -> Self {
        match err {
            WaitError::DeadlineExceeded(passed) => {
                let operation = passed.operation();
                let timeout = Error::Timeout {
                    operation,
                    timeout: passed.deadline(),
                    attempts: passed.polls(),
                };
                match passed.done() {
                    Some(done) => Error::partial(operation, done, timeout),
                    None => timeout,
                }
            }
            WaitError::Api(err) => err,
        }
    }
}

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

    /// Runs `call`, cut short at the deadline: `None` when the deadline came first. A call
    /// is not started at all once the deadline has passed.
    ///
    /// Where no timer can be set (outside Tokio, or on a runtime built without timers) the
    /// call runs uncut rather than panic in the timer: an SDK call answers [`Error::Runtime`]
    /// there at once, which says how to build the runtime.
    pub async fn within<T>(&self, call: impl Future<Output = T>) -> Option<T> {
        if crate::runtime_check::timers().is_err() {
            return Some(call.await);
        }
        match self.remaining() {
            // `timeout` polls its future before looking at the clock, and one poll of a
            // request may already send it (a run, a cancel): nothing may start past the end.
            Some(left) if left.is_zero() => None,
            Some(left) => tokio::time::timeout(left, call).await.ok(),
            None => Some(call.await),
        }
    }

    /// Sleeps for `interval`, or until the deadline if that comes first. Where no timer can
    /// be set it returns at once rather than panic; no wait of the SDK gets that far, as the
    /// calls it pauses between fail there with [`Error::Runtime`].
    pub async fn pause(&self, interval: Duration) {
        if crate::runtime_check::timers().is_err() {
            return;
        }
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
        // The paused clock moved exactly 4 s (the pause) and 6 s (the call cut short).
        assert_eq!(deadline.elapsed(), Duration::from_secs(10));
        deadline.pause(Duration::from_secs(60)).await; // returns at once
        assert!(deadline.elapsed() < Duration::from_secs(11));
    }

    /// A call is not even started once the deadline has passed: one poll of a request future
    /// may already send it (a run, a cancel), which a wait past its deadline must not do.
    #[tokio::test(start_paused = true)]
    async fn a_call_is_not_started_after_the_deadline() {
        for limit in [Duration::ZERO, Duration::from_secs(1)] {
            let deadline = Deadline::start(Some(limit));
            tokio::time::sleep(limit).await;
            assert!(deadline.expired());
            let started = std::sync::atomic::AtomicBool::new(false);
            let answer = deadline
                .within(async {
                    started.store(true, std::sync::atomic::Ordering::SeqCst);
                    7
                })
                .await;
            assert_eq!(answer, None, "deadline {limit:?}");
            assert!(
                !started.load(std::sync::atomic::Ordering::SeqCst),
                "the call was started {limit:?} after a deadline of {limit:?}"
            );
        }
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

#[cfg(test)]
mod wait_error_tests {
    use super::*;

    #[derive(Debug)]
    struct Passed;

    impl fmt::Display for Passed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("still running after 5s")
        }
    }

    impl DeadlinePassed for Passed {
        fn operation(&self) -> &'static str {
            "wait_for_test"
        }
        fn deadline(&self) -> Duration {
            Duration::from_secs(5)
        }
        fn polls(&self) -> u32 {
            3
        }
    }

    #[test]
    fn a_passed_deadline_reads_as_its_payload_and_becomes_a_timeout() {
        let err: WaitError<Passed> = WaitError::DeadlineExceeded(Passed);
        assert!(err.is_deadline_exceeded());
        assert!(err.as_api_error().is_none());
        assert_eq!(
            err.deadline_exceeded().map(ToString::to_string).as_deref(),
            Some("still running after 5s")
        );
        assert_eq!(err.to_string(), "still running after 5s");
        match Error::from(err) {
            Error::Timeout {
                operation,
                timeout,
                attempts,
            } => {
                assert_eq!(operation, "wait_for_test");
                assert_eq!(timeout, Duration::from_secs(5));
                assert_eq!(attempts, 3);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    }

    /// A wait that had started something (`done`) passes its deadline as a partial failure
    /// around the timeout: not retryable, what goes on told.
    #[test]
    fn a_passed_deadline_after_starting_something_becomes_a_partial_failure() {
        #[derive(Debug)]
        struct Started;
        impl fmt::Display for Started {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("no result after 5s")
            }
        }
        impl DeadlinePassed for Started {
            fn operation(&self) -> &'static str {
                "wait_for_test"
            }
            fn deadline(&self) -> Duration {
                Duration::from_secs(5)
            }
            fn polls(&self) -> u32 {
                3
            }
            fn done(&self) -> Option<String> {
                Some("test 1 was started".into())
            }
        }
        let err = Error::from(WaitError::DeadlineExceeded(Started));
        assert_eq!(err.done_before_stopping(), Some("test 1 was started"));
        assert!(!err.is_retryable());
        assert_eq!(err.attempts(), Some(3), "the timeout's");
        let Error::Partial { source, .. } = &err else {
            panic!("expected a partial failure, got {err:?}")
        };
        assert!(source.is_timeout() && source.is_retryable(), "{source:?}");
    }

    #[test]
    fn a_failed_call_stays_that_error_both_ways() {
        let err: WaitError<Passed> = Error::invalid_input("wait_for_test", "id", "empty").into();
        assert!(!err.is_deadline_exceeded());
        assert!(err.deadline_exceeded().is_none());
        assert!(
            matches!(err.as_api_error(), Some(Error::InvalidInput { field, .. }) if field == "id"),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            matches!(Error::from(err), Error::InvalidInput { .. }),
            "{message}"
        );
    }

    #[test]
    fn options_default_to_two_seconds_and_ten_minutes() {
        let options = PollOptions::new();
        assert_eq!(options.poll_interval, Duration::from_secs(2));
        assert_eq!(options.deadline, Some(Duration::from_secs(600)));
        assert_eq!(options.no_deadline().deadline_or_max(), Duration::MAX);
    }

    #[test]
    fn each_setter_sets_its_own_field() {
        let options = PollOptions::new()
            .poll_interval(Duration::from_millis(500))
            .deadline(Duration::from_secs(120));
        assert_eq!(
            options,
            PollOptions::every(Duration::from_millis(500), Some(Duration::from_secs(120)))
        );
        assert_eq!(options.deadline_or_max(), Duration::from_secs(120));
    }
}
