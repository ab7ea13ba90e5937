//! Running an evaluation and waiting for its result, with a deadline.
//!
//! Written once as async code on [`Client`]; both clients run it through
//! [`ApiClient::drive`](mutagent_core::ApiClient::drive) (the blocking client on its background
//! runtime).

use std::time::Duration;

use mutagent_core::deadline::Deadline;
use mutagent_core::ids::EvaluationId;
use mutagent_core::{Client, Error};

use crate::api::PromptEvaluationsApi;
use crate::models::EvaluationResult;

const WAIT_OPERATION: &str = "wait_for_evaluation_result";

/// How often to poll and how long to wait at most.
///
/// ```
/// use std::time::Duration;
/// use mutagent_prompt_evaluations::WaitOptions;
/// let options = WaitOptions::new()
///     .poll_interval(Duration::from_millis(500))
///     .deadline(Duration::from_secs(120));
/// assert_eq!(options.deadline, Some(Duration::from_secs(120)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// The pause between two polls (default 2 s).
    pub poll_interval: Duration,
    /// How long to wait at most, from the first poll (default 10 minutes); `None` waits
    /// without limit (see [`no_deadline`](Self::no_deadline)).
    pub deadline: Option<Duration>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            deadline: Some(Duration::from_secs(600)),
        }
    }
}

impl WaitOptions {
    /// The defaults: poll every 2 s, give up after 10 minutes.
    pub fn new() -> Self {
        Self::default()
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
    /// Waits without a time limit (only until the result exists or a call fails).
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }
}

/// Why waiting for an evaluation result ended without one.
///
/// Converts into [`mutagent_core::Error`] (the deadline becoming [`Error::Timeout`]), so `?`
/// works in functions returning the SDK's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// No new result appeared before the deadline. Nothing was cancelled: the run may still
    /// finish later.
    #[error("evaluation {evaluation_id} has no new result after {deadline:?} ({polls} poll(s))")]
    DeadlineExceeded {
        /// The evaluation.
        evaluation_id: EvaluationId,
        /// The deadline that expired.
        deadline: Duration,
        /// How many times the result was polled.
        polls: u32,
    },
    /// A call failed (including a 404 for an evaluation that does not exist).
    #[error(transparent)]
    Api(#[from] Error),
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

fn deadline_error(id: EvaluationId, options: &WaitOptions, polls: u32) -> WaitError {
    WaitError::DeadlineExceeded {
        evaluation_id: id,
        deadline: options.deadline.unwrap_or(Duration::MAX),
        polls,
    }
}

/// Polls `get_evaluation_result` until a result other than `before` exists. A 404 means "not
/// yet", unless the evaluation itself does not exist (checked once, on the first 404).
pub(crate) async fn wait_for_result(
    client: Client,
    id: EvaluationId,
    before: Option<ResultIdentity>,
    options: WaitOptions,
) -> Result<EvaluationResult, WaitError> {
    let clock = Deadline::start(options.deadline);
    wait_with(&client, &clock, id, before, &options).await
}

async fn wait_with(
    client: &Client,
    clock: &Deadline,
    id: EvaluationId,
    before: Option<ResultIdentity>,
    options: &WaitOptions,
) -> Result<EvaluationResult, WaitError> {
    let api = PromptEvaluationsApi::new(client);
    let mut polls: u32 = 0;
    let mut checked_exists = false;
    loop {
        if polls > 0 {
            clock.pause(options.poll_interval).await;
        }
        if clock.expired() {
            return Err(deadline_error(id, options, polls));
        }
        let Some(answer) = clock.within(api.get_evaluation_result(id)).await else {
            return Err(deadline_error(id, options, polls));
        };
        polls = polls.saturating_add(1);
        match answer {
            Ok(result) if before.as_ref() != Some(&ResultIdentity::of(&result)) => {
                return Ok(result)
            }
            Ok(_) => {}
            Err(err) if err.is_not_found() => {
                if !checked_exists {
                    checked_exists = true;
                    match clock.within(api.get_evaluation(id)).await {
                        Some(Ok(_)) => {}
                        Some(Err(err)) => return Err(err.into()),
                        None => return Err(deadline_error(id, options, polls)),
                    }
                }
            }
            Err(err) => return Err(err.into()),
        }
    }
}

/// Notes the current result (if any), runs the evaluation, then waits for a newer result.
pub(crate) async fn run_and_wait(
    client: Client,
    id: EvaluationId,
    options: WaitOptions,
) -> Result<EvaluationResult, WaitError> {
    let clock = Deadline::start(options.deadline);
    let api = PromptEvaluationsApi::new(&client);
    let before = match clock.within(api.get_evaluation_result(id)).await {
        Some(Ok(result)) => Some(ResultIdentity::of(&result)),
        Some(Err(err)) if err.is_not_found() => None,
        Some(Err(err)) => return Err(err.into()),
        None => return Err(deadline_error(id, &options, 0)),
    };
    match clock.within(api.run_evaluation(id)).await {
        Some(Ok(_)) => {}
        Some(Err(err)) => return Err(err.into()),
        None => return Err(deadline_error(id, &options, 0)),
    }
    wait_with(&client, &clock, id, before, &options).await
}
