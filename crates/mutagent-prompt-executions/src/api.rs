//! The operations of the `prompt_executions` namespace, for the async and the blocking client
//! alike.

use mutagent_core::request::validate;
use mutagent_core::{ApiClient, Error};
use serde_json::Value;

use crate::models::{
    CreateBatchPromptExecution, CreatePromptExecution, ExecutionId, ExecutionsCsv, ExportFormat,
    ExportPromptExecutions, ListPlaygroundRuns, ListPromptExecutions, PlaygroundRun,
    PlaygroundRunList, PromptExecution, PromptExecutionList, RunId,
};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `prompt_executions` namespace (API 0.1.2): recorded prompt executions and the
    /// playground runs that group them.
    ///
    /// Get it with `client.prompt_executions()` (from
    /// [`PromptExecutionsExt`](crate::PromptExecutionsExt)). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    ///
    /// The contract types only the execution record; lists, runs, exports and deletes are untyped
    /// there, so they come back as JSON (wrapped, with accessors, where the record suggests what
    /// they hold).
    pub struct PromptExecutionsApi;
    /// Adds `.prompt_executions()` to both clients.
    pub trait PromptExecutionsExt {
        /// The `prompt_executions` namespace.
        fn prompt_executions;
    }
}

impl<'a, C: ApiClient> PromptExecutionsApi<'a, C> {
    /// `GET /api/prompts/executions/runs`: one page of playground runs.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::{ListPlaygroundRuns, PromptExecutionsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .prompt_executions()
    ///     .list_playground_runs(&ListPlaygroundRuns::new().prompt_id(7).limit(20))
    ///     .await?;
    /// for run in page.runs() {
    ///     println!("{:?}", run.run_group_id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_playground_runs(
        &self,
        params: &ListPlaygroundRuns,
    ) -> C::Response<PlaygroundRunList> {
        self.client.call(
            op::LIST_PLAYGROUND_RUNS
                .request()
                .query_params(params)
                .build(),
        )
    }

    /// `GET /api/prompts/executions/runs/{runId}`: one playground run with its executions.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::PromptExecutionsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let run = client.prompt_executions().get_playground_run("run-1").await?;
    /// for execution in run.executions().unwrap_or_default() {
    ///     println!("{}: {}", execution.model, execution.actual_output);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_playground_run(&self, run_id: impl Into<RunId>) -> C::Response<PlaygroundRun> {
        self.client
            .call(op::GET_PLAYGROUND_RUN.request(run_id.into()).build())
    }

    /// `DELETE /api/prompts/executions/runs/{runId}`: deletes a playground run. The answer is
    /// untyped in the contract (presumably `{success, message?}`), so it is returned as JSON.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::PromptExecutionsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let answer = client.prompt_executions().delete_playground_run("run-1").await?;
    /// println!("{answer}");
    /// # Ok(()) }
    /// ```
    pub fn delete_playground_run(&self, run_id: impl Into<RunId>) -> C::Response<Value> {
        self.client
            .call(op::DELETE_PLAYGROUND_RUN.request(run_id.into()).build())
    }

    /// `GET /api/prompts/executions/`: one page of recorded executions.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::{ListPromptExecutions, PromptExecutionsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .prompt_executions()
    ///     .list_prompt_executions(&ListPromptExecutions::new().prompt_id(7).model("gpt-4o"))
    ///     .await?;
    /// for execution in page.executions().unwrap_or_default() {
    ///     println!("{} {:?}", execution.id, execution.cost);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_prompt_executions(
        &self,
        params: &ListPromptExecutions,
    ) -> C::Response<PromptExecutionList> {
        self.client.call(
            op::LIST_PROMPT_EXECUTIONS
                .request()
                .query_params(params)
                .build(),
        )
    }

    /// `POST /api/prompts/executions/`: records one execution of a prompt (made elsewhere,
    /// e.g. by your own model call).
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::{
    ///     CreatePromptExecution, ExecutionStatus, NewExecution, PromptExecutionsExt, TokenUsage,
    /// };
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let execution = NewExecution::new(
    ///     serde_json::json!({"question": "Where is my invoice?"}),
    ///     "gpt-4o",
    ///     "In Settings > Billing.",
    ///     ExecutionStatus::Success,
    /// )
    /// .token_usage(TokenUsage::new(18, 7));
    /// let recorded = client
    ///     .prompt_executions()
    ///     .create_prompt_execution(&CreatePromptExecution::new(7, execution))
    ///     .await?;
    /// println!("recorded {}", recorded.id);
    /// # Ok(()) }
    /// ```
    pub fn create_prompt_execution(
        &self,
        body: &CreatePromptExecution,
    ) -> C::Response<PromptExecution> {
        let request = op::CREATE_PROMPT_EXECUTION
            .request()
            .validate(|operation| validate::positive_id(operation, "promptId", body.prompt_id))
            .validate(|operation| body.execution.check(operation, ""))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/prompts/executions/export`: every execution matching `params`, as the JSON
    /// export (`format=json`; the answer is untyped in the contract, so it is returned whole).
    /// For the CSV export see [`export_prompt_executions_csv`](Self::export_prompt_executions_csv).
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::{ExportPromptExecutions, PromptExecutionsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let export = client
    ///     .prompt_executions()
    ///     .export_prompt_executions(&ExportPromptExecutions::new().prompt_id(7))
    ///     .await?;
    /// println!("{export:#}");
    /// # Ok(()) }
    /// ```
    pub fn export_prompt_executions(&self, params: &ExportPromptExecutions) -> C::Response<Value> {
        self.client.call(
            op::EXPORT_PROMPT_EXECUTIONS
                .request()
                .query_params(&ExportFormat::JSON)
                .query_params(params)
                .build(),
        )
    }

    /// `GET /api/prompts/executions/export` with `format=csv`: every execution matching
    /// `params`, as CSV. The body is not JSON, so it is handed back as sent, with its
    /// `Content-Type` ([`ExecutionsCsv`]); error statuses are errors as for every call.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::{ExportPromptExecutions, PromptExecutionsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let csv = client
    ///     .prompt_executions()
    ///     .export_prompt_executions_csv(&ExportPromptExecutions::new().model("gpt-4o"))
    ///     .await?;
    /// std::fs::write("executions.csv", &csv.body).expect("write");
    /// # Ok(()) }
    /// ```
    pub fn export_prompt_executions_csv(
        &self,
        params: &ExportPromptExecutions,
    ) -> C::Outcome<ExecutionsCsv, Error> {
        let request = op::EXPORT_PROMPT_EXECUTIONS
            .request()
            .query_params(&ExportFormat::CSV)
            .query_params(params)
            .build();
        self.client.drive(move |client| async move {
            let (body, meta) = client.send_raw(request?).await?;
            let content_type = meta.header("content-type").map(str::to_owned);
            Ok(ExecutionsCsv::new(body, content_type))
        })
    }

    /// `GET /api/prompts/executions/{id}`: one recorded execution.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::PromptExecutionsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let execution = client.prompt_executions().get_prompt_execution(12).await?;
    /// println!("{} answered {}", execution.model, execution.actual_output);
    /// # Ok(()) }
    /// ```
    pub fn get_prompt_execution(&self, id: impl Into<ExecutionId>) -> C::Response<PromptExecution> {
        self.client
            .call(op::GET_PROMPT_EXECUTION.request(id.into()).build())
    }

    /// `DELETE /api/prompts/executions/{id}`: deletes a recorded execution. The answer is
    /// untyped in the contract (presumably `{success, message?}`), so it is returned as JSON.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::PromptExecutionsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let answer = client.prompt_executions().delete_prompt_execution(12).await?;
    /// println!("{answer}");
    /// # Ok(()) }
    /// ```
    pub fn delete_prompt_execution(&self, id: impl Into<ExecutionId>) -> C::Response<Value> {
        self.client
            .call(op::DELETE_PROMPT_EXECUTION.request(id.into()).build())
    }

    /// `POST /api/prompts/executions/batch`: records several executions of one prompt as one
    /// run ("create multi-model run"). The answer is untyped in the contract, so it is
    /// returned as JSON.
    ///
    /// ```no_run
    /// use mutagent_prompt_executions::{
    ///     CreateBatchPromptExecution, ExecutionStatus, NewExecution, PromptExecutionsExt,
    /// };
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let inputs = serde_json::json!({"question": "Hi?"});
    /// let batch = CreateBatchPromptExecution::new(7, [
    ///     NewExecution::new(inputs.clone(), "gpt-4o", "Hello!", ExecutionStatus::Success),
    ///     NewExecution::new(inputs, "claude-3-5-sonnet", "Hi there!", ExecutionStatus::Success),
    /// ]);
    /// let answer = client.prompt_executions().create_batch_prompt_execution(&batch).await?;
    /// println!("{answer}");
    /// # Ok(()) }
    /// ```
    pub fn create_batch_prompt_execution(
        &self,
        body: &CreateBatchPromptExecution,
    ) -> C::Response<Value> {
        let request = op::CREATE_BATCH_PROMPT_EXECUTION
            .request()
            .validate(|operation| validate::positive_id(operation, "promptId", body.prompt_id))
            .validate(|operation| {
                body.executions
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, execution)| {
                        execution.check(operation, &format!("executions[{i}]."))
                    })
            })
            .json(body)
            .build();
        self.client.call(request)
    }
}
