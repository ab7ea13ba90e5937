//! The polling toolkit every wait and watch of the SDK is built from (waiting for an evaluation
//! result, following an optimization job): how often to poll and how long ([`PollOptions`]),
//! the clock that enforces it ([`Deadline`]), how failed polls are counted and when they end
//! the wait ([`FailedPolls`]), and why a wait ended without its answer ([`WaitError`], with
//! what each wait knows when its deadline passes).
//!
//! A wait outlives a short outage: a poll failing with a transient error
//! ([`Error::is_retryable`]: connection failures, a poll's timeout, 408, 429, 5xx; or an
//! answer lost on the way, [`Error::AnswerLost`], since a poll is a GET) after the
//! transport's own retries does not end it. The wait polls again at its interval (later if
//! the server's `Retry-After` asks for longer), until the deadline, or until
//! [`PollOptions::max_failed_polls`] polls in a row have failed
//! ([`WaitError::PollsFailed`]). Any other error (401, 403, 404 where it does not mean "not
//! yet", an answer that cannot be read) ends the wait at once.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// How often to poll, how long to wait at most, and how many failed polls in a row end the
/// wait. The defaults: poll every 2 s, give up after 10 minutes (a wait may choose other
/// defaults, e.g. an optimization watch's 30 minutes) or after 5 failed polls in a row.
///
/// ```
/// use std::time::Duration;
/// use mutagent_core::polling::PollOptions;
/// let options = PollOptions::new()
///     .poll_interval(Duration::from_millis(500))
///     .deadline(Duration::from_secs(120))
///     .max_failed_polls(10);
/// assert_eq!(options.deadline, Some(Duration::from_secs(120)));
/// assert_eq!(options.max_failed_polls, 10);
/// assert_eq!(PollOptions::new().no_deadline().deadline, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollOptions {
    /// The pause between two polls (default 2 s; at least [`MIN_POLL_INTERVAL`], 100 ms: a
    /// shorter one, zero included, pauses that long).
    pub poll_interval: Duration,
    /// How long to wait at most, from the first poll (default 10 minutes); `None` waits
    /// without limit (see [`no_deadline`](Self::no_deadline)).
    pub deadline: Option<Duration>,
    /// How many polls in a row may fail with a transient error before the wait ends with
    /// [`WaitError::PollsFailed`] (default 5; 0 counts as 1, i.e. the first failure ends it).
    /// This is what ends a wait without deadline on a server that stays down.
    pub max_failed_polls: u32,
}

/// The default of [`PollOptions::max_failed_polls`]: with the transport's retries (4 attempts
/// over about 2 s) and the 2 s interval, an outage of about 20 s is outlived.
pub const DEFAULT_MAX_FAILED_POLLS: u32 = 5;

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
            max_failed_polls: DEFAULT_MAX_FAILED_POLLS,
        }
    }
    /// Sets the pause between two polls. A wait pauses at least [`MIN_POLL_INTERVAL`]
    /// (100 ms) whatever is set here, so a zero or mistyped interval cannot flood the server.
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }
    /// Sets how long to wait at most.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
    /// Sets how many polls in a row may fail with a transient error before the wait ends
    /// (0 counts as 1).
    #[must_use]
    pub fn max_failed_polls(mut self, count: u32) -> Self {
        self.max_failed_polls = count;
        self
    }
    /// Waits without a time limit: until the answer comes, a call fails with an error that is
    /// not transient, or [`max_failed_polls`](Self::max_failed_polls) polls in a row fail.
    #[must_use]
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
    /// Takes the error of the last poll, when it failed and no poll succeeded after it; the
    /// conversion into [`Error::Timeout`] keeps it as `last_poll_error` (its `source()`).
    /// `None` (the default) when the wait keeps no such error.
    fn take_last_poll_error(&mut self) -> Option<Box<Error>> {
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
    /// A call failed with an error that ends the wait at once (not transient: 401, 403, an
    /// answer that cannot be read, …), or a call that is not a poll failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// [`PollOptions::max_failed_polls`] polls in a row failed with transient errors (the
    /// server down or overloaded); it carries how many and the last poll's error.
    #[error(transparent)]
    PollsFailed(PollsFailed),
}

/// The payload of [`WaitError::PollsFailed`]: how many polls in a row failed, and the last
/// one's error (its status, request id and `Retry-After` kept). Prints as
/// `gave up after 5 failed poll(s) in a row`, with the last error as its source.
#[derive(Debug, thiserror::Error)]
#[error("gave up after {failed} failed poll(s) in a row")]
#[non_exhaustive]
pub struct PollsFailed {
    /// How many polls in a row failed.
    pub failed: u32,
    /// The last poll's error.
    #[source]
    pub last: Error,
}

impl PollsFailed {
    /// `failed` polls in a row failed, the last with `last`.
    pub fn new(failed: u32, last: Error) -> Self {
        Self { failed, last }
    }

    /// The same count around another error: a helper wraps the last error in what it had
    /// done ([`Error::Partial`]).
    #[must_use]
    pub fn map_last(self, wrap: impl FnOnce(Error) -> Error) -> Self {
        Self {
            failed: self.failed,
            last: wrap(self.last),
        }
    }
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
            WaitError::Api(_) | WaitError::PollsFailed(_) => None,
        }
    }

    /// The failed call's error, if that is what ended the wait (after failed polls, the
    /// last poll's).
    pub fn as_api_error(&self) -> Option<&Error> {
        match self {
            WaitError::Api(err) => Some(err),
            WaitError::PollsFailed(failed) => Some(&failed.last),
            WaitError::DeadlineExceeded(_) => None,
        }
    }

    /// How many polls in a row failed, if that is what ended the wait.
    pub fn failed_polls(&self) -> Option<u32> {
        match self {
            WaitError::PollsFailed(failed) => Some(failed.failed),
            _ => None,
        }
    }
}

impl<D: DeadlinePassed> From<WaitError<D>> for Error {
    fn from(err: WaitError<D>) -> Self {
        match err {
            WaitError::DeadlineExceeded(mut passed) => {
                let operation = passed.operation();
                let timeout = Error::Timeout {
                    operation,
                    timeout: passed.deadline(),
                    attempts: passed.polls(),
                    last_poll_error: passed.take_last_poll_error(),
                };
                match passed.done() {
                    Some(done) => Error::partial(operation, done, timeout),
                    None => timeout,
                }
            }
            WaitError::Api(err) => err,
            // The last poll's own error, so its status and retryability stay (the count is
            // on the `WaitError`).
            WaitError::PollsFailed(failed) => failed.last,
        }
    }
}

/// Whether a poll's error may pass if the poll is made again later: what
/// [`Error::is_retryable`] says, and also an answer lost on the way
/// ([`Error::AnswerLost`]). A poll is a GET, so sending it again is harmless; `is_retryable`
/// says no to a lost answer only because a write the server took must not be sent twice.
fn is_transient(error: &Error) -> bool {
    error.is_retryable() || matches!(error, Error::AnswerLost { .. })
}

/// The longest pause a server's `Retry-After` may impose between two polls: longer asks are
/// cut to this, so a wait without deadline cannot be parked for a day by one answer.
pub const MAX_RETRY_AFTER_PAUSE: Duration = Duration::from_secs(300);

/// The shortest pause between two polls of a wait, whatever [`PollOptions::poll_interval`]
/// says: a zero interval, or a typo such as 2 ms for 2 s, would otherwise send hundreds of
/// polls a second to the server (and use up its rate limit for the caller's other calls).
/// 100 ms keeps a wait at 10 polls a second at most, still far below the default of 2 s.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The failed polls of one wait, counted in a row: decides whether a failed poll ends the
/// wait, how long to pause before the next, and remembers the last failure for the deadline's
/// report. Every wait and watch of the SDK uses it, so all follow the same rules.
///
/// ```
/// use mutagent_core::polling::{FailedPolls, PollOptions, WaitError};
/// use mutagent_core::Error;
/// let options = PollOptions::new().max_failed_polls(2);
/// let mut failed = FailedPolls::new();
/// let timeout = || Error::Timeout {
///     operation: "get_thing", timeout: Default::default(), attempts: 1, last_poll_error: None,
/// };
/// assert!(failed.record::<()>(timeout(), &options).is_ok(), "transient: poll again");
/// assert_eq!(failed.in_a_row(), 1);
/// let ended = failed.record::<()>(timeout(), &options).expect_err("the second in a row");
/// assert_eq!(ended.failed_polls(), Some(2));
/// ```
#[derive(Debug, Default)]
pub struct FailedPolls {
    in_a_row: u32,
    last: Option<Error>,
}

impl FailedPolls {
    /// No poll failed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A poll succeeded: the count starts again, the earlier failure is forgotten.
    pub fn succeeded(&mut self) {
        self.in_a_row = 0;
        self.last = None;
    }

    /// A poll (a GET) failed with `error`. `Ok` when the wait goes on (the error is transient:
    /// [`Error::is_retryable`], or an answer lost on the way ([`Error::AnswerLost`]); and
    /// fewer than `options.max_failed_polls` polls in a row failed); otherwise the error that
    /// ends it: [`WaitError::Api`] at once for an error that is not transient,
    /// [`WaitError::PollsFailed`] once too many failed in a row.
    pub fn record<D>(&mut self, error: Error, options: &PollOptions) -> Result<(), WaitError<D>> {
        if !is_transient(&error) {
            return Err(WaitError::Api(error));
        }
        self.in_a_row = self.in_a_row.saturating_add(1);
        if self.in_a_row >= options.max_failed_polls.max(1) {
            self.last = None;
            return Err(WaitError::PollsFailed(PollsFailed::new(
                self.in_a_row,
                error,
            )));
        }
        self.last = Some(error);
        Ok(())
    }

    /// How many polls in a row have failed (0 after a success).
    pub fn in_a_row(&self) -> u32 {
        self.in_a_row
    }

    /// The error of the last poll, if it failed (for the deadline's report).
    pub fn last(&self) -> Option<&Error> {
        self.last.as_ref()
    }

    /// Takes the error of the last poll, if it failed.
    pub fn take_last(&mut self) -> Option<Error> {
        self.last.take()
    }

    /// The pause before the next poll: the interval (at least [`MIN_POLL_INTERVAL`]), or the
    /// server's `Retry-After` on the last failed poll when that is longer (at most
    /// [`MAX_RETRY_AFTER_PAUSE`]). Every wait of the SDK takes its pause from here, so the
    /// minimum holds for all of them.
    pub fn pause(&self, interval: Duration) -> Duration {
        let asked = self
            .last
            .as_ref()
            .and_then(Error::as_api_error)
            .and_then(crate::error::ApiError::retry_after)
            .map_or(Duration::ZERO, |wait| wait.min(MAX_RETRY_AFTER_PAUSE));
        interval.max(MIN_POLL_INTERVAL).max(asked)
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
    /// Where no timer can be set (outside Tokio, on a runtime built without timers or being
    /// shut down) the call runs uncut rather than panic in the timer: an SDK call answers [`Error::Runtime`]
    /// there at once, which says how to build the runtime.
    pub async fn within<T>(&self, call: impl Future<Output = T>) -> Option<T> {
        if !timers_usable() {
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
        if !timers_usable() {
            return;
        }
        let wait = self.remaining().map_or(interval, |left| left.min(interval));
        tokio::time::sleep(wait).await;
    }
}

/// Whether a timer can be used here: a Tokio runtime with timers that is not being shut down
/// (Tokio panics on either). Where not, an SDK call answers [`Error::Runtime`] at once.
fn timers_usable() -> bool {
    crate::runtime_check::timers().is_ok() && !crate::runtime_check::shutting_down()
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

    /// On a runtime being shut down (a wait made from a `spawn_blocking` task that goes on
    /// while the runtime is dropped) a pause and a cut call set no timer, which would panic in
    /// Tokio: the pause returns at once, the call runs uncut (an SDK call then answers
    /// `RuntimeProblem::ShuttingDown`).
    #[test]
    fn pauses_and_cut_calls_set_no_timer_on_a_runtime_shutting_down() {
        let outcome = mutagent_test_support::while_a_runtime_shuts_down(|handle| {
            std::panic::catch_unwind(|| {
                handle.block_on(async {
                    let deadline = Deadline::start(Some(Duration::from_secs(60)));
                    let started = std::time::Instant::now();
                    deadline.pause(Duration::from_secs(30)).await;
                    let paused = started.elapsed();
                    let answer = deadline.within(std::future::ready(7)).await;
                    (paused, answer)
                })
            })
            .map_err(|_| "panicked")
        });
        let (paused, answer) = outcome.expect("no panic");
        assert!(paused < Duration::from_secs(5), "{paused:?}");
        assert_eq!(answer, Some(7));
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

    /// A wait's deadline payload, for the conversions into [`Error`] (shared with
    /// `failed_polls_tests`).
    #[derive(Debug)]
    pub(super) struct Passed;

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
                last_poll_error,
            } => {
                assert!(last_poll_error.is_none(), "{last_poll_error:?}");
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

    /// The error of the last poll, which a deadline payload carries when the polls were
    /// failing as the deadline passed, survives `?`: it is the timeout's `source()` (so `{:?}`
    /// and chain printers show it), with its status, and taken once.
    #[test]
    fn a_passed_deadline_keeps_the_last_poll_error_through_the_conversion() {
        #[derive(Debug)]
        struct Failing(Option<Box<Error>>);
        impl fmt::Display for Failing {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("no answer after 5s")
            }
        }
        impl DeadlinePassed for Failing {
            fn operation(&self) -> &'static str {
                "wait_for_test"
            }
            fn deadline(&self) -> Duration {
                Duration::from_secs(5)
            }
            fn polls(&self) -> u32 {
                3
            }
            fn take_last_poll_error(&mut self) -> Option<Box<Error>> {
                self.0.take()
            }
        }
        let last = Error::Timeout {
            operation: "get_thing",
            timeout: Duration::from_secs(1),
            attempts: 4,
            last_poll_error: None,
        };
        let err = Error::from(WaitError::DeadlineExceeded(Failing(Some(Box::new(last)))));
        let Error::Timeout {
            operation,
            last_poll_error: Some(kept),
            ..
        } = &err
        else {
            panic!("expected a timeout keeping the last poll error, got {err:#?}")
        };
        assert_eq!(*operation, "wait_for_test");
        assert_eq!(kept.operation(), Some("get_thing"));
        let source = std::error::Error::source(&err).expect("the last poll error as source");
        assert_eq!(source.to_string(), kept.to_string());
        let printed = format!("{err:?}");
        assert!(
            printed.contains("Caused by:") && printed.contains("[get_thing] timed out after 1s"),
            "{printed}"
        );
        // Without a failed poll there is no source.
        let quiet = Error::from(WaitError::DeadlineExceeded(Failing(None)));
        assert!(std::error::Error::source(&quiet).is_none(), "{quiet:#?}");
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

#[cfg(test)]
mod failed_polls_tests {
    use super::*;
    use crate::error::ApiError;
    use http::StatusCode;

    // A wait's deadline payload, for the conversions into `Error`.
    use super::wait_error_tests::Passed;

    fn answered(status: u16, retry_after: Option<Duration>) -> Error {
        Error::Api(Box::new(ApiError {
            operation: "get_thing",
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            code: None,
            message: None,
            details: None,
            request_id: None,
            retry_after,
            attempts: 4,
            body_snippet: String::new(),
            hint: None,
        }))
    }

    #[test]
    fn transient_failures_go_on_until_too_many_in_a_row() {
        let options = PollOptions::new().max_failed_polls(3);
        let mut failed = FailedPolls::new();
        for _ in 0..2 {
            assert!(failed.record::<()>(answered(503, None), &options).is_ok());
        }
        assert_eq!(failed.in_a_row(), 2);
        assert_eq!(failed.last().and_then(Error::status_code), Some(503));
        // A success starts the count again and forgets the failure.
        failed.succeeded();
        assert_eq!(failed.in_a_row(), 0);
        assert!(failed.last().is_none());
        for _ in 0..2 {
            assert!(failed.record::<()>(answered(502, None), &options).is_ok());
        }
        let ended = failed
            .record::<Passed>(answered(429, None), &options)
            .expect_err("the third in a row");
        assert_eq!(ended.failed_polls(), Some(3));
        assert_eq!(ended.as_api_error().and_then(Error::status_code), Some(429));
        assert_eq!(ended.to_string(), "gave up after 3 failed poll(s) in a row");
        let source = std::error::Error::source(&ended).map(ToString::to_string);
        assert!(
            source.as_deref().is_some_and(|s| s.contains("429")),
            "{source:?}"
        );
        let err = Error::from(ended);
        assert_eq!(err.status_code(), Some(429), "the last error itself");
        assert!(err.is_retryable());
    }

    #[test]
    fn an_error_that_is_not_transient_ends_the_wait_at_once() {
        let options = PollOptions::new();
        for status in [401, 403, 404, 400] {
            let mut failed = FailedPolls::new();
            let ended = failed
                .record::<()>(answered(status, None), &options)
                .expect_err("not transient");
            assert!(
                matches!(&ended, WaitError::Api(e) if e.status_code() == Some(status)),
                "{ended:?}"
            );
            assert_eq!(ended.failed_polls(), None);
        }
    }

    /// A poll is a GET: its answer lost on the way is transient, though `is_retryable` says
    /// no (for writes); an unexpected answer is not.
    #[test]
    fn a_lost_answer_is_transient_an_unexpected_one_is_not() {
        let options = PollOptions::new();
        let lost = Error::AnswerLost {
            operation: "get_thing",
            status: StatusCode::OK,
            request_id: None,
            attempts: 4,
            source: "connection closed mid-body".into(),
        };
        assert!(!lost.is_retryable());
        let mut failed = FailedPolls::new();
        assert!(failed.record::<()>(lost, &options).is_ok());
        assert_eq!(failed.in_a_row(), 1);
        let unexpected = Error::Unexpected {
            operation: "get_thing",
            reason: "not the contract's shape".into(),
            source: None,
        };
        assert!(failed.record::<()>(unexpected, &options).is_err());
    }

    #[test]
    fn zero_failed_polls_allowed_counts_as_one() {
        let options = PollOptions::new().max_failed_polls(0);
        let ended = FailedPolls::new()
            .record::<()>(answered(503, None), &options)
            .expect_err("the first failure ends it");
        assert_eq!(ended.failed_polls(), Some(1));
        assert_eq!(
            PollOptions::new().max_failed_polls,
            DEFAULT_MAX_FAILED_POLLS
        );
    }

    #[test]
    fn a_longer_retry_after_stretches_the_pause_within_a_bound() {
        let options = PollOptions::new();
        let interval = Duration::from_secs(2);
        let mut failed = FailedPolls::new();
        assert_eq!(failed.pause(interval), interval);
        for (asked, pause) in [
            (Duration::from_secs(1), interval),
            (Duration::from_secs(7), Duration::from_secs(7)),
            (Duration::from_secs(86_400), MAX_RETRY_AFTER_PAUSE),
        ] {
            failed.succeeded();
            assert!(failed
                .record::<()>(answered(503, Some(asked)), &options)
                .is_ok());
            assert_eq!(failed.pause(interval), pause, "Retry-After {asked:?}");
        }
        failed.succeeded();
        assert_eq!(
            failed.pause(interval),
            interval,
            "forgotten after a success"
        );
    }

    /// An interval below [`MIN_POLL_INTERVAL`] (zero, or a typo such as 2 ms for 2 s) pauses
    /// the minimum between polls, so a wait never polls back to back: both the evaluation
    /// wait and the optimization watch take their pause from here. At or above the minimum
    /// the interval is kept; a longer `Retry-After` still stretches it.
    #[test]
    fn an_interval_below_the_minimum_pauses_the_minimum() {
        let failed = FailedPolls::new();
        for typo in [
            Duration::ZERO,
            Duration::from_millis(2),
            Duration::from_nanos(1),
        ] {
            assert_eq!(failed.pause(typo), MIN_POLL_INTERVAL, "{typo:?}");
        }
        assert_eq!(MIN_POLL_INTERVAL, Duration::from_millis(100));
        assert_eq!(failed.pause(MIN_POLL_INTERVAL), MIN_POLL_INTERVAL);
        let longer = MIN_POLL_INTERVAL + Duration::from_millis(1);
        assert_eq!(failed.pause(longer), longer);

        let mut failed = FailedPolls::new();
        let asked = Duration::from_secs(3);
        assert!(failed
            .record::<()>(answered(429, Some(asked)), &PollOptions::new())
            .is_ok());
        assert_eq!(failed.pause(Duration::ZERO), asked);
    }
}
