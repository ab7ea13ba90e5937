//! Following a job to its end: a stream (async) or iterator (blocking) of progress snapshots,
//! a callback form, a deadline, and cancellation.
//!
//! One polling state machine ([`Watcher`]) holds the logic, written once as async code on
//! [`Client`]. The async stream drives it directly; the blocking iterator runs each step on
//! the blocking client's background runtime (`BlockingClient::run`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use mutagent_core::deadline::Deadline;
use mutagent_core::ids::{JobId, PromptId};
use mutagent_core::{BlockingClient, Client, Error, ResponseFuture};

use crate::api::OptimizationApi;
use crate::models::{JobStatus, OptimizationJob, OptimizationJobStatus};

const WAIT_OPERATION: &str = "wait_for_optimization";

/// How often to poll a job and how long to follow it at most.
///
/// ```
/// use std::time::Duration;
/// use mutagent_optimization::WatchOptions;
/// let options = WatchOptions::new()
///     .poll_interval(Duration::from_secs(5))
///     .deadline(Duration::from_secs(15 * 60))
///     .cancel_on_deadline(true);
/// assert!(options.cancel_on_deadline);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WatchOptions {
    /// The pause between two polls of `get_optimization` (default 2 s).
    pub poll_interval: Duration,
    /// How long to follow the job at most, from the first poll (default 30 minutes); `None`
    /// follows it without limit (see [`no_deadline`](Self::no_deadline)).
    pub deadline: Option<Duration>,
    /// Whether to cancel the job when the deadline expires (default `false`: the job keeps
    /// running on the server).
    pub cancel_on_deadline: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            deadline: Some(Duration::from_secs(30 * 60)),
            cancel_on_deadline: false,
        }
    }
}

impl WatchOptions {
    /// The defaults: poll every 2 s, give up after 30 minutes, do not cancel.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the pause between two polls.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }
    /// Sets how long to follow the job at most.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
    /// Follows the job without a time limit.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }
    /// Cancels the job when the deadline expires.
    pub fn cancel_on_deadline(mut self, cancel: bool) -> Self {
        self.cancel_on_deadline = cancel;
        self
    }
}

/// One snapshot of a job, reported when something changed (state, iteration, stage, scores
/// or progress) and always for the final, terminal state.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OptimizationProgress {
    /// The job as `get_optimization` returned it.
    pub job: OptimizationJobStatus,
    /// How many polls were made so far.
    pub polls: u32,
    /// Time since watching started.
    pub elapsed: Duration,
}

impl OptimizationProgress {
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
}

impl From<()> for WatchControl {
    fn from((): ()) -> Self {
        WatchControl::Continue
    }
}

/// What happened to the cancellation requested when a deadline expired.
#[derive(Debug)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// No cancellation was asked for ([`WatchOptions::cancel_on_deadline`] is off).
    NotRequested,
    /// The job was cancelled; this is the server's answer.
    Cancelled(Box<OptimizationJob>),
    /// The cancellation failed (for example because the job finished meanwhile).
    Failed(Box<Error>),
}

/// Why following a job ended without a final state.
///
/// Converts into [`mutagent_core::Error`] (the deadline becoming [`Error::Timeout`]), so `?`
/// works in functions returning the SDK's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The job did not reach a final state before the deadline.
    #[error("optimization job {job_id} did not finish within {deadline:?} ({polls} poll(s)){}", describe_last(.last.as_deref()))]
    DeadlineExceeded {
        /// The job.
        job_id: JobId,
        /// The deadline that expired.
        deadline: Duration,
        /// How many polls were made.
        polls: u32,
        /// The last snapshot seen, if any poll succeeded.
        last: Option<Box<OptimizationProgress>>,
        /// Whether the job was cancelled ([`WatchOptions::cancel_on_deadline`]).
        cancel: CancelOutcome,
    },
    /// A call failed.
    #[error(transparent)]
    Api(#[from] Error),
}

fn describe_last(last: Option<&OptimizationProgress>) -> String {
    match last {
        Some(p) => format!(
            "; last seen {} at iteration {}/{}",
            p.status(),
            p.iteration(),
            p.max_iterations()
        ),
        None => String::new(),
    }
}

impl WaitError {
    /// Whether the deadline expired.
    pub fn is_deadline_exceeded(&self) -> bool {
        matches!(self, WaitError::DeadlineExceeded { .. })
    }

    /// The failed call's error, if that is what ended the wait.
    pub fn as_api_error(&self) -> Option<&Error> {
        match self {
            WaitError::Api(err) => Some(err),
            WaitError::DeadlineExceeded { .. } => None,
        }
    }
}

impl From<WaitError> for Error {
    fn from(err: WaitError) -> Self {
        match err {
            WaitError::DeadlineExceeded {
                deadline, polls, ..
            } => Error::Timeout {
                operation: WAIT_OPERATION,
                timeout: deadline,
                attempts: polls,
            },
            WaitError::Api(err) => err,
        }
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

type Item = Result<OptimizationProgress, WaitError>;

/// The polling state machine shared by the stream, the iterator and the callback forms.
#[derive(Debug)]
pub(crate) struct Watcher {
    client: Client,
    job_id: JobId,
    options: WatchOptions,
    clock: Option<Deadline>,
    polls: u32,
    last: Option<OptimizationProgress>,
    seen: Option<Fingerprint>,
    done: bool,
}

impl Watcher {
    pub(crate) fn new(client: Client, job_id: JobId, options: WatchOptions) -> Self {
        Self {
            client,
            job_id,
            options,
            clock: None,
            polls: 0,
            last: None,
            seen: None,
            done: false,
        }
    }

    /// Runs until the next snapshot worth reporting, the end (`None`), or an error (after
    /// which the watch is over). Owned in and out, so the future is `'static`.
    pub(crate) async fn step(mut self: Box<Self>) -> (Box<Self>, Option<Item>) {
        let item = self.next_item().await;
        (self, item)
    }

    async fn next_item(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        let clock = *self
            .clock
            .get_or_insert_with(|| Deadline::start(self.options.deadline));
        loop {
            if self.polls > 0 {
                clock.pause(self.options.poll_interval).await;
            }
            if clock.expired() {
                return Some(Err(self.expire().await));
            }
            let call = OptimizationApi::new(&self.client).get_optimization(&self.job_id);
            let Some(answer) = clock.within(call).await else {
                return Some(Err(self.expire().await));
            };
            self.polls = self.polls.saturating_add(1);
            let job = match answer {
                Ok(job) => job,
                Err(err) => {
                    self.done = true;
                    return Some(Err(err.into()));
                }
            };
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

    /// Ends the watch at the deadline, cancelling the job if asked to.
    async fn expire(&mut self) -> WaitError {
        self.done = true;
        let cancel = if self.options.cancel_on_deadline {
            match OptimizationApi::new(&self.client)
                .cancel_optimization(&self.job_id)
                .await
            {
                Ok(job) => CancelOutcome::Cancelled(Box::new(job)),
                Err(err) => CancelOutcome::Failed(Box::new(err)),
            }
        } else {
            CancelOutcome::NotRequested
        };
        WaitError::DeadlineExceeded {
            job_id: self.job_id.clone(),
            deadline: self.options.deadline.unwrap_or(Duration::MAX),
            polls: self.polls,
            last: self.last.take().map(Box::new),
            cancel,
        }
    }
}

type StepFuture = Pin<Box<dyn Future<Output = (Box<Watcher>, Option<Item>)> + Send>>;

enum State {
    Idle(Box<Watcher>),
    Polling(StepFuture),
    Done,
}

/// The progress of an optimization job as an async [`Stream`]: a snapshot each time
/// something changes, ending after the final state (completed, failed, cancelled), after a
/// failed call, or with [`WaitError::DeadlineExceeded`].
///
/// Drop it to stop watching (the job goes on); call [`cancel`](Self::cancel) to stop watching
/// and cancel the job.
#[must_use = "streams do nothing unless polled"]
pub struct OptimizationWatch {
    client: Client,
    job_id: JobId,
    state: State,
}

impl fmt::Debug for OptimizationWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptimizationWatch")
            .field("job_id", &self.job_id)
            .field("done", &matches!(self.state, State::Done))
            .finish()
    }
}

impl Unpin for OptimizationWatch {}

impl OptimizationWatch {
    pub(crate) fn new(client: Client, job_id: JobId, options: WatchOptions) -> Self {
        let watcher = Watcher::new(client.clone(), job_id.clone(), options);
        Self {
            client,
            job_id,
            state: State::Idle(Box::new(watcher)),
        }
    }

    /// The job being watched.
    pub fn job_id(&self) -> &JobId {
        &self.job_id
    }

    /// The next snapshot, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Item> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Stops watching and cancels the job (`cancel_optimization`).
    pub fn cancel(self) -> ResponseFuture<OptimizationJob> {
        OptimizationApi::new(&self.client).cancel_optimization(self.job_id)
    }
}

impl Stream for OptimizationWatch {
    type Item = Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Idle(watcher) => self.state = State::Polling(Box::pin(watcher.step())),
                State::Polling(mut step) => match step.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::Polling(step);
                        return Poll::Pending;
                    }
                    Poll::Ready((watcher, item)) => {
                        if item.is_some() {
                            self.state = State::Idle(watcher);
                        }
                        return Poll::Ready(item);
                    }
                },
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

/// The progress of an optimization job as a blocking [`Iterator`]; the same snapshots as
/// [`OptimizationWatch`]. Stop iterating to stop watching; call [`cancel`](Self::cancel) to
/// also cancel the job.
#[must_use = "iterators do nothing unless consumed"]
pub struct OptimizationWatchIter {
    client: BlockingClient,
    job_id: JobId,
    watcher: Option<Box<Watcher>>,
}

impl fmt::Debug for OptimizationWatchIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptimizationWatchIter")
            .field("job_id", &self.job_id)
            .field("done", &self.watcher.is_none())
            .finish()
    }
}

impl OptimizationWatchIter {
    pub(crate) fn new(client: BlockingClient, job_id: JobId, options: WatchOptions) -> Self {
        let watcher = Watcher::new(client.async_client().clone(), job_id.clone(), options);
        Self {
            client,
            job_id,
            watcher: Some(Box::new(watcher)),
        }
    }

    /// The job being watched.
    pub fn job_id(&self) -> &JobId {
        &self.job_id
    }

    /// Stops watching and cancels the job (`cancel_optimization`).
    pub fn cancel(self) -> Result<OptimizationJob, Error> {
        OptimizationApi::new(&self.client).cancel_optimization(self.job_id)
    }
}

impl Iterator for OptimizationWatchIter {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let watcher = self.watcher.take()?;
        match self.client.run(async move { Ok(watcher.step().await) }) {
            Ok((watcher, item)) => {
                if item.is_some() {
                    self.watcher = Some(watcher);
                }
                item
            }
            Err(err) => Some(Err(err.into())),
        }
    }
}

/// The callback form's bookkeeping, shared by the async and the blocking `wait_for_optimization`.
#[derive(Debug, Default)]
pub(crate) struct Driver {
    cancel_sent: bool,
}

/// What the callback loop does with one item.
pub(crate) enum Next {
    /// Return this.
    Finish(Box<Result<OptimizationJobStatus, WaitError>>),
    /// Send `cancel_optimization`, then go on.
    Cancel,
    /// Go on.
    Continue,
}

impl Driver {
    pub(crate) fn on_item<R: Into<WatchControl>>(
        &mut self,
        item: Item,
        on_progress: &mut impl FnMut(&OptimizationProgress) -> R,
    ) -> Next {
        let progress = match item {
            Ok(progress) => progress,
            Err(err) => return Next::Finish(Box::new(Err(err))),
        };
        let control = on_progress(&progress).into();
        if progress.is_terminal() {
            return Next::Finish(Box::new(Ok(progress.job)));
        }
        if control == WatchControl::Cancel && !self.cancel_sent {
            self.cancel_sent = true;
            return Next::Cancel;
        }
        Next::Continue
    }

    /// The answer to the cancellation: a 409 means the job already ended, which the next
    /// poll shows; anything else ends the wait.
    pub(crate) fn on_cancel(result: Result<OptimizationJob, Error>) -> Option<WaitError> {
        match result {
            Ok(_) => None,
            Err(err) if err.status().is_some_and(|s| s.as_u16() == 409) => None,
            Err(err) => Some(err.into()),
        }
    }

    /// The watch ended without a final state or an error (not expected).
    pub(crate) fn ended() -> Result<OptimizationJobStatus, WaitError> {
        Err(Error::invalid_input(
            WAIT_OPERATION,
            "job",
            "the watch ended before the job reached a final state",
        )
        .into())
    }
}
