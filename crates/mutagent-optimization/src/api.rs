//! The operations of the `optimization` namespace, for the async and the blocking client
//! alike, plus the helpers that follow a job to its end.

use std::ops::ControlFlow;

use mutagent_core::ids::{JobId, PromptId};
use mutagent_core::request::validate;
use mutagent_core::{ApiClient, ApiRequest, Error};

use crate::models::{
    ListOptimizations, OptimizationJob, OptimizationJobList, OptimizationJobStatus,
    OptimizationResults, OptimizationScoreProgression, OptimizationStates, OptimizePrompt,
};
use crate::operations as op;
use crate::watch::{
    watch_ended_early, CancelRequest, OptimizationProgress, OptimizationWaitError,
    OptimizationWatch, OptimizationWatchOptions, WatchControl, Watcher,
};

mutagent_core::namespace! {
    /// The `optimization` namespace: prompt optimization jobs.
    ///
    /// Get it with `client.optimization()` (from [`OptimizationExt`](crate::OptimizationExt)).
    /// With the async [`Client`](mutagent_core::Client) each method returns a future; with the [`BlockingClient`](mutagent_core::BlockingClient) it
    /// returns the result directly.
    pub struct OptimizationApi;
    /// Adds `.optimization()` to both clients.
    pub trait OptimizationExt {
        /// The `optimization` namespace.
        fn optimization;
    }
}

impl<'a, C: ApiClient> OptimizationApi<'a, C> {
    /// `POST /api/prompt/{id}/optimize`: starts a job optimizing prompt `prompt_id`.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationConfig, OptimizationExt, OptimizePrompt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let job = client
    ///     .optimization()
    ///     .optimize_prompt(
    ///         7,
    ///         &OptimizePrompt::new(3, OptimizationConfig::new(5).target_score(0.9)).evaluation_id(5),
    ///     )
    ///     .await?;
    /// println!("job {} is {}", job.id, job.status);
    /// # Ok(()) }
    /// ```
    pub fn optimize_prompt(
        &self,
        prompt_id: impl Into<PromptId>,
        body: &OptimizePrompt,
    ) -> C::Response<OptimizationJob> {
        let config = &body.config;
        let request = op::OPTIMIZE_PROMPT
            .request(prompt_id.into())
            .validate(|operation| validate::positive_id(operation, "datasetId", body.dataset_id))
            .validate(|operation| {
                validate::positive_id(operation, "evaluationId", body.evaluation_id)
            })
            .validate(|operation| {
                validate::range(
                    operation,
                    "config.maxIterations",
                    i64::from(config.max_iterations),
                    1..=100,
                )
            })
            .validate(|operation| {
                config.target_score.map_or(Ok(()), |score| {
                    validate::score(operation, "config.targetScore", score)
                })
            })
            .validate(|operation| {
                config.patience.map_or(Ok(()), |patience| {
                    validate::range(operation, "config.patience", i64::from(patience), 1..=50)
                })
            })
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/optimization/{id}`: a job with its latest state and recent events.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let job = client.optimization().get_optimization("job_123").await?;
    /// println!("{} {}%", job.job.status, job.job.progress);
    /// # Ok(()) }
    /// ```
    pub fn get_optimization(&self, id: impl Into<JobId>) -> C::Response<OptimizationJobStatus> {
        self.client
            .call(op::GET_OPTIMIZATION.request(id.into()).build())
    }

    /// `GET /api/optimization`: one page of jobs.
    ///
    /// ```no_run
    /// use mutagent_optimization::{JobStatus, ListOptimizations, OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .optimization()
    ///     .list_optimizations(&ListOptimizations::new().status(JobStatus::Running).limit(20))
    ///     .await?;
    /// println!("{} running jobs", page.total);
    /// # Ok(()) }
    /// ```
    pub fn list_optimizations(
        &self,
        params: &ListOptimizations,
    ) -> C::Response<OptimizationJobList> {
        self.client.call(list_request(params))
    }

    /// Every job matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_optimization::{ListOptimizations, OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client
    ///     .optimization()
    ///     .list_optimizations_all(&ListOptimizations::new().prompt_group_id("group-uuid"))
    ///     .try_collect()
    ///     .await?;
    /// println!("{} jobs", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_optimizations_all(&self, params: &ListOptimizations) -> C::Items<OptimizationJob> {
        self.client
            .paginate::<OptimizationJobList>(list_request(params))
    }

    /// `GET /api/optimization/{id}/progress`: the score after each iteration.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let progress = client.optimization().get_optimization_progress("job_123").await?;
    /// println!("{} iterations scored", progress.progression.len());
    /// # Ok(()) }
    /// ```
    pub fn get_optimization_progress(
        &self,
        id: impl Into<JobId>,
    ) -> C::Response<OptimizationScoreProgression> {
        self.client
            .call(op::GET_OPTIMIZATION_PROGRESS.request(id.into()).build())
    }

    /// `GET /api/optimization/{id}/states`: the recorded iteration states.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let states = client.optimization().get_optimization_states("job_123").await?;
    /// println!("{} states", states.states.len());
    /// # Ok(()) }
    /// ```
    pub fn get_optimization_states(&self, id: impl Into<JobId>) -> C::Response<OptimizationStates> {
        self.client
            .call(op::GET_OPTIMIZATION_STATES.request(id.into()).build())
    }

    /// `GET /api/optimization/{id}/results`: the scorecards.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let results = client.optimization().get_optimization_results("job_123").await?;
    /// println!("{}", results.scorecard); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn get_optimization_results(
        &self,
        id: impl Into<JobId>,
    ) -> C::Response<OptimizationResults> {
        self.client
            .call(op::GET_OPTIMIZATION_RESULTS.request(id.into()).build())
    }

    /// `POST /api/optimization/{id}/pause`: pauses a queued or running job.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let job = client.optimization().pause_optimization("job_123").await?;
    /// println!("{}", job.status);
    /// # Ok(()) }
    /// ```
    pub fn pause_optimization(&self, id: impl Into<JobId>) -> C::Response<OptimizationJob> {
        self.client
            .call(op::PAUSE_OPTIMIZATION.request(id.into()).build())
    }

    /// `POST /api/optimization/{id}/resume`: resumes a paused job.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let job = client.optimization().resume_optimization("job_123").await?;
    /// println!("{}", job.status);
    /// # Ok(()) }
    /// ```
    pub fn resume_optimization(&self, id: impl Into<JobId>) -> C::Response<OptimizationJob> {
        self.client
            .call(op::RESUME_OPTIMIZATION.request(id.into()).build())
    }

    /// `POST /api/optimization/{id}/cancel`: cancels a job for good.
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let job = client.optimization().cancel_optimization("job_123").await?;
    /// println!("{}", job.status);
    /// # Ok(()) }
    /// ```
    pub fn cancel_optimization(&self, id: impl Into<JobId>) -> C::Response<OptimizationJob> {
        self.client
            .call(op::CANCEL_OPTIMIZATION.request(id.into()).build())
    }

    /// Follows job `id` by polling `get_optimization` every `options.poll.poll_interval`: a
    /// [`Stream`](futures_core::Stream) of snapshots with the async client, an [`Iterator`]
    /// with the blocking client (each poll runs on its background runtime), one snapshot each
    /// time something changes, ending after the final state (completed, failed, cancelled) or
    /// with [`DeadlineExceeded`](mutagent_core::polling::WaitError::DeadlineExceeded) when `options.poll.deadline` expires first (then the job
    /// is cancelled if `options.cancel_on_deadline`; the error then mentions a last failed
    /// poll). A paused job is followed on; the deadline still applies. A poll failing
    /// transiently (connection, timeout, 408, 429, 5xx) yields nothing and the watch goes on,
    /// until `options.poll.max_failed_polls` polls in a row failed
    /// ([`PollsFailed`](mutagent_core::polling::WaitError::PollsFailed)); any other error
    /// ends it at once.
    ///
    /// Drop the watch to stop watching (no further poll is sent; break out of the loop on a
    /// state the SDK does not know); call [`OptimizationWatch::cancel`] to also cancel
    /// the job.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use mutagent_optimization::{OptimizationExt, OptimizationWatchOptions};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let options = OptimizationWatchOptions::new().deadline(Duration::from_secs(600));
    /// let mut watch = client.optimization().watch_optimization("job_123", options);
    /// while let Some(progress) = watch.next().await {
    ///     let progress = progress?;
    ///     // e.g. "running iteration 2/5 (40%), stage evaluating, best score 0.712"
    ///     println!("{progress}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// With the blocking client:
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt, OptimizationWatchOptions};
    /// # fn run(client: mutagent_core::BlockingClient) -> Result<(), mutagent_core::Error> {
    /// for progress in client.optimization().watch_optimization("job_123", OptimizationWatchOptions::new()) {
    ///     let progress = progress?;
    ///     println!("{} {}/{} {}", progress.status(), progress.iteration(), progress.max_iterations(),
    ///         progress.stage().unwrap_or("-"));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch_optimization(
        &self,
        id: impl Into<JobId>,
        options: OptimizationWatchOptions,
    ) -> OptimizationWatch<C> {
        OptimizationWatch::new(self.client, id.into(), options)
    }

    /// Waits for job `id` to reach its final state, calling `on_progress` with each new
    /// snapshot (the final one included), and returns the final job: a future with the async
    /// client, the job itself with the blocking client (the callback then runs on the calling
    /// thread). The final state may be completed, failed or cancelled: check `status`. When
    /// `on_progress` returns [`WatchControl::Cancel`] the job is cancelled and followed until
    /// it says so (that cancel call is cut short at the deadline, like a poll, then sent again
    /// with the bounded time of the deadline's cancel, its outcome in the error's `cancel`).
    /// When it returns [`WatchControl::Stop`] the wait ends at once with that snapshot's job,
    /// whatever its state, and the job goes on (no cancel; the way to end a wait without a
    /// deadline on a state the SDK does not know). When
    /// `options.poll.deadline` expires first the answer is
    /// [`DeadlineExceeded`](mutagent_core::polling::WaitError::DeadlineExceeded). Polls that
    /// fail transiently are not reported to `on_progress` and do not end the wait, unless
    /// `options.poll.max_failed_polls` fail in a row
    /// ([`PollsFailed`](mutagent_core::polling::WaitError::PollsFailed)).
    ///
    /// ```no_run
    /// use mutagent_optimization::{OptimizationExt, OptimizationWatchOptions};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let job = client
    ///     .optimization()
    ///     .wait_for_optimization("job_123", OptimizationWatchOptions::new(), |p| {
    ///         println!("{:.0}% {} best {:?}", p.percent(), p.stage().unwrap_or("-"), p.best_score())
    ///     })
    ///     .await?;
    /// println!("{} -> new prompt {:?}", job.status, job.result_prompt_id);
    /// # Ok(()) }
    /// ```
    pub fn wait_for_optimization<'f, R: Into<WatchControl>>(
        &self,
        id: impl Into<JobId>,
        options: OptimizationWatchOptions,
        mut on_progress: impl FnMut(&OptimizationProgress) -> R + Send + 'f,
    ) -> C::Visit<'f, Result<OptimizationJobStatus, OptimizationWaitError>> {
        let id = id.into();
        let cancel = CancelRequest::default();
        let watcher_cancel = cancel.clone();
        let mut cancel_sent = false;
        self.client.visit(
            move |client| Watcher::new(client, id, options).cancel_on(watcher_cancel),
            move |item: Result<OptimizationProgress, OptimizationWaitError>| {
                let progress = match item {
                    Ok(progress) => progress,
                    Err(err) => return ControlFlow::Break(Err(err)),
                };
                let control = on_progress(&progress).into();
                if progress.is_terminal() || control == WatchControl::Stop {
                    return ControlFlow::Break(Ok(progress.into_job()));
                }
                if control == WatchControl::Cancel && !cancel_sent {
                    cancel_sent = true;
                    cancel.request();
                }
                ControlFlow::Continue(())
            },
            watch_ended_early,
        )
    }
}

fn list_request(params: &ListOptimizations) -> Result<ApiRequest, Error> {
    op::LIST_OPTIMIZATIONS
        .request()
        .query_params(params)
        .build()
}
