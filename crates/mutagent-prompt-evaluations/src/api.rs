//! The operations of the `prompt_evaluations` namespace, for the async and the blocking
//! client alike, plus run-and-wait helpers.

use mutagent_core::ids::{EvaluationId, PromptGroupId};
use mutagent_core::request::validate;
use mutagent_core::{ApiClient, ApiRequest, Error, QueryParams};
use serde::Serialize;
use serde_json::Value;

use crate::models::{
    CreateEvaluation, Evaluation, EvaluationAggregationResults, EvaluationList, EvaluationResult,
    EvaluationRun, GetEvaluationResultsAggregated, ListEvaluations, UpdateEvaluation,
};
use crate::operations as op;
use crate::wait::{self, EvaluationWaitError, EvaluationWaitOptions};

mutagent_core::namespace! {
    /// The `prompt_evaluations` namespace: evaluations of prompts, their runs, results and
    /// history.
    ///
    /// Get it with `client.prompt_evaluations()` (from
    /// [`PromptEvaluationsExt`](crate::PromptEvaluationsExt)). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the [`BlockingClient`](mutagent_core::BlockingClient) it returns the result
    /// directly.
    pub struct PromptEvaluationsApi;
    /// Adds `.prompt_evaluations()` to both clients.
    pub trait PromptEvaluationsExt {
        /// The `prompt_evaluations` namespace.
        fn prompt_evaluations;
    }
}

impl<'a, C: ApiClient> PromptEvaluationsApi<'a, C> {
    /// `GET /api/prompts/evaluations/`: one page of evaluations.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{ListEvaluations, PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .prompt_evaluations()
    ///     .list_evaluations(&ListEvaluations::new().prompt_id(7).dataset_id(3).limit(20))
    ///     .await?;
    /// println!("{} evaluations", page.total);
    /// # Ok(()) }
    /// ```
    pub fn list_evaluations(&self, params: &ListEvaluations) -> C::Response<EvaluationList> {
        self.client.call(list_request(params))
    }

    /// Every evaluation matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{ListEvaluations, PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client
    ///     .prompt_evaluations()
    ///     .list_evaluations_all(&ListEvaluations::new().prompt_id(7))
    ///     .try_collect()
    ///     .await?;
    /// println!("{} evaluations", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_evaluations_all(&self, params: &ListEvaluations) -> C::Items<Evaluation> {
        self.client.paginate::<EvaluationList>(list_request(params))
    }

    /// `POST /api/prompts/evaluations/`: creates an evaluation of a prompt.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{CreateEvaluation, EvalConfig, EvalCriterion, PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let evaluation = client
    ///     .prompt_evaluations()
    ///     .create_evaluation(
    ///         &CreateEvaluation::new(7, "helpfulness")
    ///             .dataset_id(3)
    ///             .eval_config(
    ///                 EvalConfig::new()
    ///                     .with_criterion(EvalCriterion::new("The answer resolves the question", "answer"))
    ///                     .with_threshold(0.7),
    ///             ),
    ///     )
    ///     .await?;
    /// println!("evaluation {}", evaluation.id);
    /// # Ok(()) }
    /// ```
    pub fn create_evaluation(&self, body: &CreateEvaluation) -> C::Response<Evaluation> {
        let request = op::CREATE_EVALUATION
            .request()
            .validate(|operation| validate::name(operation, "name", &body.name))
            .validate(|operation| validate::positive_id(operation, "promptId", body.prompt_id))
            .validate(|operation| validate::positive_id(operation, "datasetId", body.dataset_id))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/prompts/evaluations/results`: scores aggregated over the runs of a prompt
    /// group's evaluations, grouped by `group_by` (for example `evaluation`, `version`,
    /// `dataset` or `day`; the API does not document the accepted values). The rows' shape is
    /// not documented either.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{GetEvaluationResultsAggregated, PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let rows = client
    ///     .prompt_evaluations()
    ///     .get_evaluation_results_aggregated("group-uuid", "version", &GetEvaluationResultsAggregated::new().time_range("30d"))
    ///     .await?;
    /// println!("{} rows", rows.total);
    /// # Ok(()) }
    /// ```
    pub fn get_evaluation_results_aggregated(
        &self,
        prompt_group_id: impl Into<PromptGroupId>,
        group_by: &str,
        params: &GetEvaluationResultsAggregated,
    ) -> C::Response<EvaluationAggregationResults> {
        let request = op::GET_EVALUATION_RESULTS_AGGREGATED
            .request()
            .query_params(&AggregatedQuery {
                prompt_group_id: &prompt_group_id.into(),
                group_by,
                filters: params,
            })
            .build();
        self.client.call(request)
    }

    /// `GET /api/prompts/evaluations/{id}`: one evaluation.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let evaluation = client.prompt_evaluations().get_evaluation(5).await?;
    /// println!("{} (latest: {})", evaluation.name, evaluation.is_latest);
    /// # Ok(()) }
    /// ```
    pub fn get_evaluation(&self, id: impl Into<EvaluationId>) -> C::Response<Evaluation> {
        self.client
            .call(op::GET_EVALUATION.request(id.into()).build())
    }

    /// `PATCH /api/prompts/evaluations/{id}`: changes an evaluation in place.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{PromptEvaluationsExt, UpdateEvaluation};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let evaluation = client
    ///     .prompt_evaluations()
    ///     .update_evaluation(5, &UpdateEvaluation::new().description("Scores helpfulness").tags(["nightly"]))
    ///     .await?;
    /// println!("{}", evaluation.name);
    /// # Ok(()) }
    /// ```
    pub fn update_evaluation(
        &self,
        id: impl Into<EvaluationId>,
        body: &UpdateEvaluation,
    ) -> C::Response<Evaluation> {
        let request = op::UPDATE_EVALUATION
            .request(id.into())
            .validate(|operation| validate::optional_name(operation, "name", body.name.as_deref()))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/prompts/evaluations/{id}`: deletes an evaluation. The answer is not typed
    /// by the API (usually `{success, message}`), so it is returned as JSON.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.prompt_evaluations().delete_evaluation(5).await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_evaluation(&self, id: impl Into<EvaluationId>) -> C::Response<Value> {
        self.client
            .call(op::DELETE_EVALUATION.request(id.into()).build())
    }

    /// `POST /api/prompts/evaluations/{id}/run`: starts a run. Read the outcome with
    /// [`get_evaluation_result`](Self::get_evaluation_result), or use
    /// `run_evaluation_and_wait` to do both.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// // Starts a run; `run_evaluation_and_wait` also waits for its result.
    /// let run = client.prompt_evaluations().run_evaluation(5).await?;
    /// println!("started: {}", run.success);
    /// # Ok(()) }
    /// ```
    pub fn run_evaluation(&self, id: impl Into<EvaluationId>) -> C::Response<EvaluationRun> {
        self.client
            .call(op::RUN_EVALUATION.request(id.into()).build())
    }

    /// `GET /api/prompts/evaluations/{id}/result`: the latest result. A 404 answer means the
    /// evaluation has no result yet (or does not exist).
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let result = client.prompt_evaluations().get_evaluation_result(5).await?;
    /// println!("success {} score {:?}", result.success, result.score);
    /// # Ok(()) }
    /// ```
    pub fn get_evaluation_result(
        &self,
        id: impl Into<EvaluationId>,
    ) -> C::Response<EvaluationResult> {
        self.client
            .call(op::GET_EVALUATION_RESULT.request(id.into()).build())
    }

    /// `GET /api/prompts/evaluations/{id}/history`: past runs (shape not documented, so
    /// returned as JSON).
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let history = client.prompt_evaluations().get_evaluation_history(5).await?;
    /// println!("{history}"); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn get_evaluation_history(&self, id: impl Into<EvaluationId>) -> C::Response<Value> {
        self.client
            .call(op::GET_EVALUATION_HISTORY.request(id.into()).build())
    }

    /// `POST /api/prompts/evaluations/{id}/version`: a new version of the evaluation, which
    /// becomes the latest.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let next = client.prompt_evaluations().create_evaluation_version(5).await?;
    /// println!("version {} (ancestor {:?})", next.id, next.ancestor_id);
    /// # Ok(()) }
    /// ```
    pub fn create_evaluation_version(
        &self,
        id: impl Into<EvaluationId>,
    ) -> C::Response<Evaluation> {
        self.client
            .call(op::CREATE_EVALUATION_VERSION.request(id.into()).build())
    }

    /// Polls `get_evaluation_result` until a result exists (a 404 means "not yet"), at most
    /// until `options.deadline`: a future with the async [`Client`](mutagent_core::Client), the result itself with
    /// the [`BlockingClient`](mutagent_core::BlockingClient) (the same code, run on its background runtime).
    ///
    /// If the evaluation already has a result from an earlier run, that one is returned at
    /// once; use [`run_evaluation_and_wait`](Self::run_evaluation_and_wait) to wait for the
    /// result of a new run. A 404 for the evaluation itself ends the wait with that error.
    ///
    /// A poll failing transiently (connection, timeout, 408, 429, 5xx, after the transport's
    /// retries) does not end the wait: the next comes at the interval (or after the server's
    /// longer `Retry-After`), until `options.max_failed_polls` polls in a row failed
    /// ([`PollsFailed`](mutagent_core::polling::WaitError::PollsFailed), with the count and the
    /// last error) or the deadline passes (its error then mentions the last failed poll). Any
    /// other error (401, 403, an answer that cannot be read) ends the wait at once.
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{EvaluationWaitOptions, PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let result = client
    ///     .prompt_evaluations()
    ///     .wait_for_evaluation_result(5, EvaluationWaitOptions::new().deadline(std::time::Duration::from_secs(120)))
    ///     .await?;
    /// println!("score {:?}", result.score);
    /// # Ok(()) }
    /// ```
    pub fn wait_for_evaluation_result(
        &self,
        id: impl Into<EvaluationId>,
        options: EvaluationWaitOptions,
    ) -> C::Outcome<EvaluationResult, EvaluationWaitError> {
        let id = id.into();
        self.client
            .drive(move |client| wait::wait_for_result(client, id, None, options))
    }

    /// Runs the evaluation and waits for the result of this run: notes the current result
    /// (if any), calls `run_evaluation`, then polls until a different result exists. The
    /// deadline covers all of it; when it expires the run is not cancelled (the API has no
    /// way to). A run the server accepted (2xx) is waited for even if its answer cannot be
    /// read; a run request cut short by the call's own timeout fails as
    /// [`Error::Partial`](mutagent_core::Error::Partial) (the server may have taken it), never
    /// retryable. A run answered `success: false` was not accepted: the helper ends at once
    /// with [`Error::Unexpected`](mutagent_core::Error::Unexpected) quoting the server's
    /// message. Failed polls after the run follow the rules of
    /// [`wait_for_evaluation_result`](Self::wait_for_evaluation_result) (their final error
    /// wrapped in [`Error::Partial`](mutagent_core::Error::Partial)); the first poll, before
    /// anything was run, ends the helper on any failure, as running it again is safe.
    ///
    /// # Which result is "of this run"
    ///
    /// The API does not tie a result to a run: `run_evaluation` answers
    /// `{success, message, evaluationId}` (no run id), and a result carries its own `id` and a
    /// nullable `createdAt` whose order the contract does not state (no run counter either).
    /// So the helper takes as the run's result the first one whose `id` or `createdAt`
    /// differs from the result noted before the run (any result, when there was none). That
    /// is exact against one consistent server. Behind servers that can answer from
    /// different, lagging states (read replicas, caches) it is not: a poll served by a state
    /// older than the first poll's can answer an earlier result (taken as new), and a first
    /// poll that saw no result yet (a 404 from a lagging state) makes any existing result
    /// count as new. If that matters, compare the result's `created_at` with the time you
    /// called this helper.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use mutagent_prompt_evaluations::{EvaluationWaitOptions, PromptEvaluationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let result = client
    ///     .prompt_evaluations()
    ///     .run_evaluation_and_wait(5, EvaluationWaitOptions::new().deadline(Duration::from_secs(300)))
    ///     .await?;
    /// println!("score {:?}", result.score);
    /// # Ok(()) }
    /// ```
    ///
    /// With the blocking client:
    ///
    /// ```no_run
    /// use mutagent_prompt_evaluations::{EvaluationWaitOptions, PromptEvaluationsExt};
    /// # fn run(client: mutagent_core::BlockingClient) -> Result<(), mutagent_core::Error> {
    /// let result = client
    ///     .prompt_evaluations()
    ///     .run_evaluation_and_wait(5, EvaluationWaitOptions::new())?;
    /// println!("score {:?}", result.score);
    /// # Ok(()) }
    /// ```
    pub fn run_evaluation_and_wait(
        &self,
        id: impl Into<EvaluationId>,
        options: EvaluationWaitOptions,
    ) -> C::Outcome<EvaluationResult, EvaluationWaitError> {
        let id = id.into();
        self.client
            .drive(move |client| wait::run_and_wait(client, id, options))
    }
}

/// The query of `get_evaluation_results_aggregated`: the required group and grouping, then
/// the optional filters.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AggregatedQuery<'a> {
    prompt_group_id: &'a PromptGroupId,
    group_by: &'a str,
    #[serde(flatten)]
    filters: &'a GetEvaluationResultsAggregated,
}

impl QueryParams for AggregatedQuery<'_> {
    fn check(&self, operation: &'static str) -> Result<(), Error> {
        validate::non_empty(operation, "promptGroupId", self.prompt_group_id.as_str())?;
        validate::non_empty(operation, "groupBy", self.group_by)
    }
}

fn list_request(params: &ListEvaluations) -> Result<ApiRequest, Error> {
    op::LIST_EVALUATIONS.request().query_params(params).build()
}
