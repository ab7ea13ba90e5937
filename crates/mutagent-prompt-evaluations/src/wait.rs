//! Running an evaluation and waiting for its result, with a deadline.
//!
//! Written once as async code on [`Client`]; both clients run it through
//! [`ApiClient::drive`](mutagent_core::ApiClient::drive) (the blocking client on its background
//! runtime).

use std::time::Duration;

use std::fmt;

use mutagent_core::ids::EvaluationId;
use mutagent_core::polling::{Deadline, DeadlinePassed, FailedPolls, PollOptions, WaitError};
use mutagent_core::{Client, Error};

use crate::api::PromptEvaluationsApi;
use crate::models::{EvaluationResult, EvaluationRun};

/// How often to poll, how long to wait for an evaluation result, and how many failed polls
/// in a row end the wait: the SDK's [`PollOptions`] (every 2 s, at most 10 minutes, 5 failed
/// polls by default).
///
/// ```
/// use std::time::Duration;
/// use mutagent_prompt_evaluations::EvaluationWaitOptions;
/// let options = EvaluationWaitOptions::new()
///     .poll_interval(Duration::from_millis(500))
///     .deadline(Duration::from_secs(120));
/// assert_eq!(options.deadline, Some(Duration::from_secs(120)));
/// ```
pub type EvaluationWaitOptions = PollOptions;

/// Why waiting for an evaluation result ended without one: the deadline passed
/// ([`EvaluationDeadlineExceeded`]), a call failed with an error that is not transient
/// ([`Api`](WaitError::Api), including a 404 for an evaluation that does not exist), or
/// [`max_failed_polls`](PollOptions::max_failed_polls) polls in a row failed with transient
/// errors ([`PollsFailed`](WaitError::PollsFailed)); a poll failing transiently (connection,
/// timeout, 408, 429, 5xx) alone does not end the wait.
///
/// Converts into [`mutagent_core::Error`] (the deadline becoming [`Error::Timeout`](mutagent_core::Error::Timeout) with
/// operation `wait_for_evaluation_result`, or `run_evaluation_and_wait` inside
/// [`Error::Partial`](mutagent_core::Error::Partial) once that helper has asked for a run; the
/// last failed poll's error, if any, kept as the timeout's `last_poll_error` and `source()`),
/// so `?` works in functions returning the SDK's error.
pub type EvaluationWaitError = WaitError<EvaluationDeadlineExceeded>;

/// No result (or, after an earlier run's result, no new one) appeared before the deadline.
/// Nothing was cancelled: the run may still finish later.
#[derive(Debug)]
#[non_exhaustive]
pub struct EvaluationDeadlineExceeded {
    /// The evaluation.
    pub evaluation_id: EvaluationId,
    /// The deadline that expired.
    pub deadline: Duration,
    /// How many times the result was polled: every poll started, the one the deadline cut
    /// short (it may have been sent) and `run_evaluation_and_wait`'s first included.
    pub polls: u32,
    /// Whether the evaluation had a result of an earlier run, so the wait was for another
    /// one ([`run_evaluation_and_wait`](crate::PromptEvaluationsApi::run_evaluation_and_wait)).
    pub earlier_result: bool,
    /// Whether this helper had asked for a run
    /// ([`run_evaluation_and_wait`](crate::PromptEvaluationsApi::run_evaluation_and_wait)),
    /// which goes on; a run request cut short by the deadline counts, as the server may have
    /// taken it. Through `?` such a deadline is [`Error::Partial`](mutagent_core::Error::Partial),
    /// not retryable: running the helper again would start another run.
    pub run_started: bool,
    /// The error of the last poll, when it failed (transiently: the wait went on) and no poll
    /// succeeded after it; the message mentions it.
    pub last_poll_error: Option<Box<Error>>,
}

impl fmt::Display for EvaluationDeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = if self.earlier_result {
            "no new result (only an earlier run's)"
        } else {
            "no result"
        };
        write!(
            f,
            "evaluation {} has {which} after {:?} ({} poll(s))",
            self.evaluation_id, self.deadline, self.polls
        )?;
        if let Some(err) = &self.last_poll_error {
            write!(f, "; the last poll failed: {err}")?;
        }
        if self.run_started {
            f.write_str("; the run this wait started goes on")?;
        }
        Ok(())
    }
}

impl DeadlinePassed for EvaluationDeadlineExceeded {
    fn operation(&self) -> &'static str {
        if self.run_started {
            RUN_AND_WAIT
        } else {
            WAIT
        }
    }
    fn deadline(&self) -> Duration {
        self.deadline
    }
    fn polls(&self) -> u32 {
        self.polls
    }
    fn done(&self) -> Option<String> {
        self.run_started.then(|| started(self.evaluation_id))
    }
    fn take_last_poll_error(&mut self) -> Option<Box<Error>> {
        self.last_poll_error.take()
    }
}

/// The error of a run the server answered with `success: false`, quoting its message.
fn refused(client: &Client, id: EvaluationId, run: &EvaluationRun) -> Error {
    let said = run
        .message
        .as_deref()
        .map(|message| format!(": {}", client.printable(message)))
        .unwrap_or_default();
    Error::Unexpected {
        operation: RUN_AND_WAIT,
        reason: format!(
            "the server did not accept the run of evaluation {id} (success: false){said}"
        )
        .into(),
        source: None,
    }
}

/// What `run_evaluation_and_wait` has done once it asked for the run.
fn started(id: EvaluationId) -> String {
    format!("evaluation {id} was asked to run (the run goes on)")
}

/// What identifies a result, to tell a new one from the one that existed before a run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResultIdentity {
    id: i64,
    created_at: Option<String>,
}

impl ResultIdentity {
    fn of(result: &EvaluationResult) -> Self {
        Self {
            id: result.id,
            created_at: result.created_at.clone(),
        }
    }
}

fn deadline_error(
    id: EvaluationId,
    options: &EvaluationWaitOptions,
    polls: u32,
    before: Option<&ResultIdentity>,
    run_started: bool,
) -> EvaluationWaitError {
    deadline_after_failures(id, options, polls, before, run_started, None)
}

/// [`deadline_error`] with the error of the last poll, when it failed.
fn deadline_after_failures(
    id: EvaluationId,
    options: &EvaluationWaitOptions,
    polls: u32,
    before: Option<&ResultIdentity>,
    run_started: bool,
    last_poll_error: Option<Error>,
) -> EvaluationWaitError {
    WaitError::DeadlineExceeded(EvaluationDeadlineExceeded {
        evaluation_id: id,
        deadline: options.deadline_or_max(),
        polls,
        earlier_result: before.is_some(),
        run_started,
        last_poll_error: last_poll_error.map(Box::new),
    })
}

/// Polls `get_evaluation_result` until a result other than `before` exists. A 404 means "not
/// yet", unless the evaluation itself does not exist (checked once, on the first 404). A poll
/// (or the existence check) failing transiently is retried at the next interval
/// ([`FailedPolls`]).
pub(crate) async fn wait_for_result(
    client: Client,
    id: EvaluationId,
    before: Option<ResultIdentity>,
    options: EvaluationWaitOptions,
) -> Result<EvaluationResult, EvaluationWaitError> {
    let clock = options.start();
    wait_with(&client, &clock, id, before, &options, false, 0).await
}

/// The polling loop; `earlier_polls` are the polls of the result made before it (counted in
/// the deadline's report).
async fn wait_with(
    client: &Client,
    clock: &Deadline,
    id: EvaluationId,
    before: Option<ResultIdentity>,
    options: &EvaluationWaitOptions,
    run_started: bool,
    earlier_polls: u32,
) -> Result<EvaluationResult, EvaluationWaitError> {
    let api = PromptEvaluationsApi::new(client);
    let mut polls = earlier_polls;
    let mut first = true;
    let mut checked_exists = false;
    let mut failed = FailedPolls::new();
    let passed = |polls, failed: &mut FailedPolls| {
        deadline_after_failures(
            id,
            options,
            polls,
            before.as_ref(),
            run_started,
            failed.take_last(),
        )
    };
    loop {
        if !first {
            clock.pause(failed.pause(options.poll_interval)).await;
        }
        first = false;
        if clock.expired() {
            return Err(passed(polls, &mut failed));
        }
        // Counted once started: a poll the deadline cuts short may have been sent, and the
        // deadline's `Error::Timeout` must not say that nothing was.
        polls = polls.saturating_add(1);
        let Some(answer) = clock.within(api.get_evaluation_result(id)).await else {
            return Err(passed(polls, &mut failed));
        };
        match answer {
            Ok(result) if before.as_ref() != Some(&ResultIdentity::of(&result)) => {
                return Ok(result)
            }
            Ok(_) => failed.succeeded(),
            Err(err) if err.is_not_found() => {
                if checked_exists {
                    failed.succeeded();
                    continue;
                }
                match clock.within(api.get_evaluation(id)).await {
                    Some(Ok(_)) => {}
                    // Only existence is asked: a 2xx says it exists, even with an answer
                    // that cannot be read as an `Evaluation`.
                    Some(Err(err)) if err.request_accepted() => {}
                    // A transient failure leaves the question open: asked again on the next
                    // 404, counted as a failed poll.
                    Some(Err(err)) => {
                        failed.record(err, options)?;
                        continue;
                    }
                    None => return Err(passed(polls, &mut failed)),
                }
                checked_exists = true;
                failed.succeeded();
            }
            Err(err) => failed.record(err, options)?,
        }
    }
}

/// Notes the current result (if any), runs the evaluation, then waits for a result other than
/// the one noted. "Other", not "newer": the contract ties no result to a run and states no order
/// of results (see the rustdoc of `run_evaluation_and_wait` for what that means behind lagging
/// replicas).
pub(crate) async fn run_and_wait(
    client: Client,
    id: EvaluationId,
    options: EvaluationWaitOptions,
) -> Result<EvaluationResult, EvaluationWaitError> {
    let clock = options.start();
    let api = PromptEvaluationsApi::new(&client);
    if clock.expired() {
        return Err(deadline_error(id, &options, 0, None, false));
    }
    // The first poll of the result, counted once started (see `wait_with`).
    let polls = 1;
    let before = match clock.within(api.get_evaluation_result(id)).await {
        Some(Ok(result)) => Some(ResultIdentity::of(&result)),
        Some(Err(err)) if err.is_not_found() => None,
        Some(Err(err)) => return Err(err.into()),
        None => return Err(deadline_error(id, &options, polls, None, false)),
    };
    // The deadline may pass just as the first answer comes: then no run is asked for (the
    // call below would not be sent), and none may be reported as started.
    if clock.expired() {
        return Err(deadline_error(id, &options, polls, before.as_ref(), false));
    }
    match clock.within(api.run_evaluation(id)).await {
        // Not accepted: no result will come, so waiting until the deadline (and then saying
        // that the run goes on) would be wrong.
        Some(Ok(run)) if !run.success => return Err(refused(&client, id, &run).into()),
        Some(Ok(_)) => {}
        // A 2xx whose answer broke off or could not be read: the server took the run, whose
        // result is what this helper waits for (the answer itself is not needed).
        Some(Err(err)) if err.request_accepted() => {}
        // Sent, then cut short by the call's own timeout: the server may have taken it, as
        // when the deadline cuts it short, so the helper again could start a second run.
        Some(Err(err)) if err.is_timeout() && err.attempts().is_some() => {
            return Err(WaitError::Api(Error::partial(
                RUN_AND_WAIT,
                started(id),
                err,
            )))
        }
        Some(Err(err)) => return Err(err.into()),
        // Cut short: the server may have taken the run.
        None => return Err(deadline_error(id, &options, polls, before.as_ref(), true)),
    }
    // From here a run goes on: a failed poll must not read as safe to retry (the helper
    // again would start a second run).
    wait_with(&client, &clock, id, before, &options, true, polls)
        .await
        .map_err(|err| match err {
            WaitError::Api(source) => {
                WaitError::Api(Error::partial(RUN_AND_WAIT, started(id), source))
            }
            WaitError::PollsFailed(failed) => WaitError::PollsFailed(
                failed.map_last(|last| Error::partial(RUN_AND_WAIT, started(id), last)),
            ),
            deadline => deadline,
        })
}

/// The helper that only waits, as its deadline names it.
const WAIT: &str = "wait_for_evaluation_result";
/// The helper that runs an evaluation and waits, as its errors name it.
const RUN_AND_WAIT: &str = "run_evaluation_and_wait";
