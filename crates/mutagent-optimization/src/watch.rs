//! Following a job to its end: a stream (async) or iterator (blocking) of progress snapshots,
//! a callback form, a deadline, and cancellation.
//!
//! One polling state machine (`Watcher`) holds the logic, written once as async code on
//! [`Client`]. Both clients walk it through [`ApiClient::steps`] (the blocking client runs
//! each step on its background runtime) and [`ApiClient::visit`] (the callback form).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use mutagent_core::ids::{JobId, PromptId};
use mutagent_core::models::escaped_excerpt;
use mutagent_core::polling::{Deadline, DeadlinePassed, FailedPolls, PollOptions, WaitError};
use mutagent_core::{ApiClient, BlockingClient, Client, Error, Steps};

use crate::api::OptimizationApi;
use crate::models::{JobStatus, OptimizationJob, OptimizationJobStatus};

const WAIT_OPERATION: &str = "wait_for_optimization";

/// How long the cancel sent at the deadline ([`OptimizationWatchOptions::cancel_on_deadline`])
/// may take at most (less when the client's own timeout is shorter).
const DEADLINE_CANCEL_TIMEOUT: Duration = Duration::from_secs(10);

/// How often to poll a job, how long to follow it at most, and whether to cancel it then.
///
/// ```
/// use std::time::Duration;
/// use mutagent_optimization::OptimizationWatchOptions;
/// let options = OptimizationWatchOptions::new()
///     .poll_interval(Duration::from_secs(5))
///     .deadline(Duration::from_secs(15 * 60))
///     .cancel_on_deadline(true);
/// assert!(options.cancel_on_deadline);
/// assert_eq!(options.poll.deadline, Some(Duration::from_secs(15 * 60)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OptimizationWatchOptions {
    /// The pause between two polls of `get_optimization` (default 2 s), how long to follow
    /// the job at most, from the first poll (default 30 minutes; `None`: without limit), and
    /// how many polls in a row may fail transiently before the watch ends (default 5).
    pub poll: PollOptions,
    /// Whether to cancel the job when the deadline expires (default `false`: the job keeps
    /// running on the server). That cancel call is given at most 10 s (the client's timeout
    /// if shorter), so a stalled server holds the watch no longer than that past the deadline;
    /// a cancel cut short is [`CancelOutcome::Failed`] with a timeout (the server may still
    /// have taken it).
    pub cancel_on_deadline: bool,
}

impl Default for OptimizationWatchOptions {
    fn default() -> Self {
        Self {
            poll: PollOptions::every(Duration::from_secs(2), Some(Duration::from_secs(30 * 60))),
            cancel_on_deadline: false,
        }
    }
}

impl OptimizationWatchOptions {
    /// The defaults: poll every 2 s, give up after 30 minutes, do not cancel.
    pub fn new() -> Self {
        Self::default()
    }
    /// Follows the job without a time limit.
    #[must_use]
    pub fn no_deadline(mut self) -> Self {
        self.poll = self.poll.no_deadline();
        self
    }
    mutagent_core::setters! {
        /// Sets the pause between two polls (at least
        /// [`MIN_POLL_INTERVAL`](mutagent_core::polling::MIN_POLL_INTERVAL), 100 ms: a shorter
        /// one, zero included, pauses that long).
        poll poll_interval: Duration;
        /// Sets how long to follow the job at most.
        poll deadline: Duration;
        /// Sets how many polls in a row may fail with a transient error (connection, timeout,
        /// 408, 429, 5xx) before the watch ends with
        /// [`PollsFailed`](mutagent_core::polling::WaitError::PollsFailed) (0 counts as 1).
        poll max_failed_polls: u32;
        /// Cancels the job when the deadline expires.
        set cancel_on_deadline: bool;
    }
}

/// One snapshot of a job, reported when something changed (state, iteration, stage, scores
/// or progress) and always for the final, terminal state. Everything is read through methods;
/// `Display` writes one line with the state, iteration, percent, stage and best score:
/// `running iteration 2/5 (40%), stage evaluating, best score 0.712` (the server's words
/// escaped and cut to 100 bytes, so they cannot break the line; the methods give them as sent).
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizationProgress {
    job: OptimizationJobStatus,
    polls: u32,
    elapsed: Duration,
}

/// How many bytes of a server's word (a state, a stage) a line or message shows.
const WORD_LIMIT: usize = 100;

/// A server's word as this crate's lines and messages show it: escaped, so it cannot break
/// the one line or drive a terminal, and short.
fn word(text: &str) -> std::borrow::Cow<'_, str> {
    escaped_excerpt(text, WORD_LIMIT)
}

impl fmt::Display for OptimizationProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} iteration {}/{} ({:.0}%)",
            word(self.status().as_str()),
            self.iteration(),
            self.max_iterations(),
            self.percent()
        )?;
        if let Some(stage) = self.stage() {
            write!(f, ", stage {}", word(stage))?;
        }
        if let Some(best) = self.best_score() {
            write!(f, ", best score {best:.3}")?;
        }
        Ok(())
    }
}

impl OptimizationProgress {
    /// The job as `get_optimization` returned it.
    pub fn job(&self) -> &OptimizationJobStatus {
        &self.job
    }
    /// The job, by value.
    pub fn into_job(self) -> OptimizationJobStatus {
        self.job
    }
    /// How many polls were made so far.
    pub fn polls(&self) -> u32 {
        self.polls
    }
    /// Time since watching started.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
    /// The state.
    pub fn status(&self) -> &JobStatus {
        &self.job.job.status
    }
    /// Whether the job reached a state it will not leave (completed, failed, cancelled).
    pub fn is_terminal(&self) -> bool {
        self.status().is_terminal()
    }
    /// Iterations done so far.
    pub fn iteration(&self) -> u32 {
        self.job.job.current_iteration
    }
    /// The iteration budget.
    pub fn max_iterations(&self) -> u32 {
        self.job.job.max_iterations
    }
    /// Progress in percent.
    pub fn percent(&self) -> f64 {
        self.job.job.progress
    }
    /// The stage of the current iteration.
    pub fn stage(&self) -> Option<&str> {
        self.job.job.current_stage.as_deref()
    }
    /// The score of the latest iteration.
    pub fn current_score(&self) -> Option<f64> {
        self.job.job.current_score
    }
    /// The best score so far.
    pub fn best_score(&self) -> Option<f64> {
        self.job.job.best_score
    }
    /// The optimized prompt version, once the job completed.
    pub fn result_prompt_id(&self) -> Option<PromptId> {
        self.job.job.result_prompt_id
    }
}

/// What a progress callback asks for next. A callback returning `()` means
/// [`Continue`](WatchControl::Continue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WatchControl {
    /// Keep following the job.
    #[default]
    Continue,
    /// Cancel the job, then keep following it until it reports its final state.
    Cancel,
    /// Stop following the job without cancelling it: the wait ends at once, successfully, with
    /// the job of the snapshot just given to the callback (its state need not be final: check
    /// [`is_terminal`](JobStatus::is_terminal)). No further poll is sent. This is how to end a
    /// wait without a deadline on a state the SDK does not know (a final state added to the
    /// API later never counts as final here) or when the caller no longer cares. Returned
    /// after [`Cancel`](WatchControl::Cancel), it stops the wait too (the cancel asked for,
    /// if already sent, stands).
    Stop,
}

impl From<()> for WatchControl {
    // `Continue` is also the `Default`, so `Default::default()` here is the same; mutants:
    // equivalent.
    fn from((): ()) -> Self {
        WatchControl::Continue
    }
}

/// What happened to the cancellation requested when a deadline expired: by
/// [`OptimizationWatchOptions::cancel_on_deadline`], or by a callback's
/// [`WatchControl::Cancel`] that the deadline caught before its answer (sent, or sent again,
/// with the same bounded time).
#[derive(Debug)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// No cancellation was asked for ([`OptimizationWatchOptions::cancel_on_deadline`] is off,
    /// and no callback asked for one that the deadline cut short).
    NotRequested,
    /// The job was cancelled; this is the server's answer.
    Cancelled(Box<OptimizationJob>),
    /// The cancellation failed (for example because the job finished meanwhile).
    Failed(Box<Error>),
}

/// Why following a job ended without a final state: the deadline passed
/// ([`OptimizationDeadlineExceeded`]), a call failed with an error that is not transient
/// ([`Api`](WaitError::Api): 401, 403, 404, an answer that cannot be read, a failed cancel),
/// or [`max_failed_polls`](PollOptions::max_failed_polls) polls in a row failed transiently
/// ([`PollsFailed`](WaitError::PollsFailed)). A poll failing transiently alone does not end
/// the watch and yields no item: the next poll comes at the interval (or after the server's
/// longer `Retry-After`).
///
/// Converts into [`mutagent_core::Error`] (the deadline becoming [`Error::Timeout`] with
/// operation `wait_for_optimization`, the last failed poll's error, if any, kept as its
/// `last_poll_error` and `source()`), so `?` works in functions returning the SDK's error.
pub type OptimizationWaitError = WaitError<OptimizationDeadlineExceeded>;

/// The job did not reach a final state before the deadline.
#[derive(Debug)]
#[non_exhaustive]
pub struct OptimizationDeadlineExceeded {
    /// The job.
    pub job_id: JobId,
    /// The deadline that expired.
    pub deadline: Duration,
    /// How many polls were made, the one the deadline cut short (it may have been sent)
    /// included.
    pub polls: u32,
    /// The last snapshot seen, if any poll succeeded.
    pub last: Option<Box<OptimizationProgress>>,
    /// Whether the job was cancelled ([`OptimizationWatchOptions::cancel_on_deadline`]).
    pub cancel: CancelOutcome,
    /// The error of the last poll, when it failed (transiently: the watch went on) and no
    /// poll succeeded after it; the message mentions it.
    pub last_poll_error: Option<Box<Error>>,
}

impl fmt::Display for OptimizationDeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "optimization job {} did not finish within {:?} ({} poll(s))",
            self.job_id, self.deadline, self.polls
        )?;
        if let Some(p) = &self.last {
            write!(
                f,
                "; last seen {} at iteration {}/{}",
                word(p.status().as_str()),
                p.iteration(),
                p.max_iterations()
            )?;
        }
        if let Some(err) = &self.last_poll_error {
            write!(f, "; the last poll failed: {err}")?;
        }
        Ok(())
    }
}

impl DeadlinePassed for OptimizationDeadlineExceeded {
    fn operation(&self) -> &'static str {
        WAIT_OPERATION
    }
    fn deadline(&self) -> Duration {
        self.deadline
    }
    fn polls(&self) -> u32 {
        self.polls
    }
    fn take_last_poll_error(&mut self) -> Option<Box<Error>> {
        self.last_poll_error.take()
    }
}

/// What counts as a change worth reporting.
#[derive(Debug, Clone, PartialEq)]
struct Fingerprint {
    status: JobStatus,
    iteration: u32,
    stage: Option<String>,
    current: Option<f64>,
    best: Option<f64>,
    progress: f64,
    result: Option<PromptId>,
}

impl Fingerprint {
    fn of(job: &OptimizationJob) -> Self {
        Self {
            status: job.status.clone(),
            iteration: job.current_iteration,
            stage: job.current_stage.clone(),
            current: job.current_score,
            best: job.best_score,
            progress: job.progress,
            result: job.result_prompt_id,
        }
    }
}

/// One item of a watch: a snapshot, or why the watch ended without a final state.
type WatchItem = Result<OptimizationProgress, OptimizationWaitError>;

/// Asks a running [`Watcher`] to cancel its job before its next poll (the callback form's
/// [`WatchControl::Cancel`]); shared between the callback's side and the watcher.
#[derive(Debug, Clone, Default)]
pub(crate) struct CancelRequest(Arc<AtomicBool>);

impl CancelRequest {
    pub(crate) fn request(&self) {
        self.0.store(true, Ordering::Release);
    }

    fn take(&self) -> bool {
        self.0.swap(false, Ordering::AcqRel)
    }
}

/// The polling state machine behind the stream, the iterator and the callback forms, written
/// once as async code on [`Client`]; both clients walk it through
/// [`ApiClient::steps`](mutagent_core::ApiClient::steps).
#[derive(Debug)]
pub(crate) struct Watcher {
    client: Client,
    job_id: JobId,
    options: OptimizationWatchOptions,
    clock: Option<Deadline>,
    polls: u32,
    last: Option<OptimizationProgress>,
    seen: Option<Fingerprint>,
    failed: FailedPolls,
    cancel: CancelRequest,
    done: bool,
}

impl Watcher {
    pub(crate) fn new(client: Client, job_id: JobId, options: OptimizationWatchOptions) -> Self {
        Self {
            client,
            job_id,
            options,
            clock: None,
            polls: 0,
            last: None,
            seen: None,
            failed: FailedPolls::new(),
            cancel: CancelRequest::default(),
            done: false,
        }
    }

    /// Cancels the job before the next poll whenever `cancel` is requested.
    pub(crate) fn cancel_on(mut self, cancel: CancelRequest) -> Self {
        self.cancel = cancel;
        self
    }

    async fn next_item(&mut self) -> Option<WatchItem> {
        if self.done {
            return None;
        }
        let clock = *self.clock.get_or_insert_with(|| self.options.poll.start());
        loop {
            if self.cancel.take() {
                // Cut short at the deadline like a poll: a stalled cancel must not hold the
                // wait past it.
                match clock.within(self.send_cancel()).await {
                    Some(Ok(())) => {}
                    Some(Err(err)) => {
                        self.done = true;
                        return Some(Err(err));
                    }
                    // The deadline came first (before the cancel was sent, or while it was on
                    // its way): the cancel asked for is (re)sent with the deadline's bounded
                    // time, so it is never dropped and its outcome is known.
                    None => return Some(Err(self.expire(true).await)),
                }
            }
            if self.polls > 0 {
                let pause = self.failed.pause(self.options.poll.poll_interval);
                clock.pause(pause).await;
            }
            if clock.expired() {
                return Some(Err(self.expire(false).await));
            }
            // Counted once started: a poll the deadline cuts short may have been sent, and
            // the deadline's `Error::Timeout` must not say that nothing was.
            self.polls = self.polls.saturating_add(1);
            let call = OptimizationApi::new(&self.client).get_optimization(&self.job_id);
            let Some(answer) = clock.within(call).await else {
                return Some(Err(self.expire(false).await));
            };
            let job = match answer {
                Ok(job) => job,
                // A transient failure yields nothing: the job is still followed, and a
                // consumer sees the next snapshot, or the error once too many failed in a row.
                Err(err) => match self.failed.record(err, &self.options.poll) {
                    Ok(()) => continue,
                    Err(ended) => {
                        self.done = true;
                        return Some(Err(ended));
                    }
                },
            };
            self.failed.succeeded();
            let fingerprint = Fingerprint::of(&job);
            let changed = self.seen.as_ref() != Some(&fingerprint);
            let progress = OptimizationProgress {
                job,
                polls: self.polls,
                elapsed: clock.elapsed(),
            };
            self.seen = Some(fingerprint);
            self.last = Some(progress.clone());
            if progress.is_terminal() {
                self.done = true;
                return Some(Ok(progress));
            }
            if changed {
                return Some(Ok(progress));
            }
        }
    }

    /// Cancels the job on request. A 409 means the job already ended, which the next poll
    /// shows; any other failure ends the watch. The answer is not used (the next poll shows
    /// the job), so a 2xx whose answer cannot be read is a cancel taken like any other.
    async fn send_cancel(&self) -> Result<(), OptimizationWaitError> {
        match OptimizationApi::new(&self.client)
            .cancel_optimization(&self.job_id)
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if err.request_accepted() => Ok(()),
            Err(err) if err.status().is_some_and(|s| s.as_u16() == 409) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Ends the watch at the deadline, cancelling the job if the options or the callback
    /// (`cancel_asked`, a cancel the deadline left unsent or unanswered) asked for it.
    async fn expire(&mut self, cancel_asked: bool) -> OptimizationWaitError {
        self.done = true;
        let cancel = if self.options.cancel_on_deadline || cancel_asked {
            // Sent once the deadline has passed, so it cannot be cut short at it: it gets a
            // bounded time of its own instead of the client's whole timeout (60 s by default,
            // minutes for some), which a stalled server would add to the deadline.
            let grace = DEADLINE_CANCEL_TIMEOUT.min(self.client.config().timeout());
            let client = self
                .client
                .with_options(self.client.options().clone().timeout(grace));
            match OptimizationApi::new(&client)
                .cancel_optimization(&self.job_id)
                .await
            {
                Ok(job) => CancelOutcome::Cancelled(Box::new(job)),
                Err(err) => CancelOutcome::Failed(Box::new(err)),
            }
        } else {
            CancelOutcome::NotRequested
        };
        WaitError::DeadlineExceeded(OptimizationDeadlineExceeded {
            job_id: self.job_id.clone(),
            deadline: self.options.poll.deadline_or_max(),
            polls: self.polls,
            last: self.last.take().map(Box::new),
            cancel,
            last_poll_error: self.failed.take_last().map(Box::new),
        })
    }
}

impl Steps for Watcher {
    type Item = WatchItem;

    fn next_step(&mut self) -> impl Future<Output = Option<WatchItem>> + Send + '_ {
        self.next_item()
    }

    fn runtime_lost(error: Error) -> WatchItem {
        Err(error.into())
    }
}

/// The progress of an optimization job: a snapshot each time something changes, ending after
/// the final state (completed, failed, cancelled), after a call failed with an error that is not
/// transient or [`max_failed_polls`](PollOptions::max_failed_polls) polls in a row failed (a
/// single transiently failed poll yields nothing and the watch goes on), or with
/// [`WaitError::DeadlineExceeded`](mutagent_core::polling::WaitError::DeadlineExceeded). With the async [`Client`] (the default `C`) it is a
/// [`Stream`] (also [`next`](Self::next)`.await`); with the [`BlockingClient`] an [`Iterator`]
/// ([`OptimizationWatchIter`]).
///
/// Drop it to stop watching (the job goes on): a dropped stream or iterator sends no further
/// poll (a poll already on its way is not waited for), so breaking out of the loop on a state
/// the SDK does not know is the way to stop a watch without a deadline. Call
/// [`cancel`](Self::cancel) to stop watching and cancel the job.
#[must_use = "a watch does nothing unless polled or iterated"]
pub struct OptimizationWatch<C: ApiClient = Client> {
    client: C,
    job_id: JobId,
    steps: C::Steps<WatchItem>,
}

/// The blocking form of [`OptimizationWatch`]: an [`Iterator`] of the same snapshots.
pub type OptimizationWatchIter = OptimizationWatch<BlockingClient>;

impl<C: ApiClient> fmt::Debug for OptimizationWatch<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptimizationWatch")
            .field("job_id", &self.job_id)
            .finish_non_exhaustive()
    }
}

impl<C: ApiClient> OptimizationWatch<C> {
    pub(crate) fn new(client: &C, job_id: JobId, options: OptimizationWatchOptions) -> Self {
        let id = job_id.clone();
        Self {
            steps: client.steps(move |client| Watcher::new(client, id, options)),
            client: client.clone(),
            job_id,
        }
    }

    /// The job being watched.
    pub fn job_id(&self) -> &JobId {
        &self.job_id
    }

    /// Stops watching and cancels the job (`cancel_optimization`): a future with the async
    /// client, the answer itself with the blocking client.
    pub fn cancel(self) -> C::Response<OptimizationJob> {
        OptimizationApi::new(&self.client).cancel_optimization(self.job_id)
    }
}

impl<C: ApiClient> OptimizationWatch<C>
where
    C::Steps<WatchItem>: Stream<Item = WatchItem> + Unpin,
{
    /// The next snapshot, or `None` after the last one.
    pub async fn next(&mut self) -> Option<WatchItem> {
        std::future::poll_fn(|cx| Pin::new(&mut self.steps).poll_next(cx)).await
    }
}

impl<C: ApiClient> Unpin for OptimizationWatch<C> {}

impl<C: ApiClient> Stream for OptimizationWatch<C>
where
    C::Steps<WatchItem>: Stream<Item = WatchItem> + Unpin,
{
    type Item = WatchItem;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WatchItem>> {
        Pin::new(&mut self.steps).poll_next(cx)
    }
}

impl<C: ApiClient> Iterator for OptimizationWatch<C>
where
    C::Steps<WatchItem>: Iterator<Item = WatchItem>,
{
    type Item = WatchItem;

    fn next(&mut self) -> Option<WatchItem> {
        self.steps.next()
    }
}

/// The end of a callback wait whose watch stopped without a final state or an error (not
/// expected: a watch ends on a final state, an error or the deadline).
pub(crate) fn watch_ended_early() -> Result<OptimizationJobStatus, OptimizationWaitError> {
    // Not the caller's fault: an Unexpected error, not InvalidInput.
    Err(Error::Unexpected {
        operation: WAIT_OPERATION,
        reason: "the watch ended before the job reached a final state".into(),
        source: None,
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `no_deadline` lifts only the limit; the other settings stay.
    #[test]
    fn no_deadline_keeps_the_other_settings() {
        let options = OptimizationWatchOptions::new()
            .poll_interval(Duration::from_secs(7))
            .cancel_on_deadline(true)
            .no_deadline();
        assert_eq!(options.poll.deadline, None);
        assert_eq!(options.poll.poll_interval, Duration::from_secs(7));
        assert!(options.cancel_on_deadline);
    }

    /// A watch that stops without a final state is not the caller's fault: it is reported as
    /// Unexpected, never as InvalidInput.
    #[test]
    fn a_watch_ending_early_is_unexpected_not_invalid_input() {
        let err = Error::from(watch_ended_early().expect_err("ended early"));
        assert!(
            matches!(&err, Error::Unexpected { operation, source: None, .. } if *operation == WAIT_OPERATION),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("before the job reached a final state"),
            "{err}"
        );
    }
}
