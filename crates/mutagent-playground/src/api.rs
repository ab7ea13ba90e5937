//! The operations of the `playground` namespace, for the async and the blocking client alike.

use mutagent_core::ids::PromptId;
use mutagent_core::request::validate;
use mutagent_core::ApiClient;

use crate::models::{check_body, PlaygroundCall, PlaygroundEval, PlaygroundResult};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `playground` namespace (API 0.1.2): run a stored prompt once, or run it and score the
    /// output with an evaluation.
    ///
    /// Get it with `client.playground()` (from [`PlaygroundExt`](crate::PlaygroundExt)). With the
    /// async [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    ///
    /// A run is recorded as a prompt execution; find it with the `prompt_executions` namespace.
    pub struct PlaygroundApi;
    /// Adds `.playground()` to both clients.
    pub trait PlaygroundExt {
        /// The `playground` namespace.
        fn playground;
    }
}

impl<'a, C: ApiClient> PlaygroundApi<'a, C> {
    /// `POST /api/prompt/{id}/playground/call`: runs prompt `id` once with these variable
    /// values. Not retried (a POST): a second attempt would run, and record, it twice.
    ///
    /// ```no_run
    /// use mutagent_playground::{LlmConfig, PlaygroundCall, PlaygroundExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let result = client
    ///     .playground()
    ///     .playground_call(
    ///         7,
    ///         &PlaygroundCall::new(serde_json::json!({"question": "Where is my invoice?"}))
    ///             .llm_config(LlmConfig::new().model("gpt-4o")),
    ///     )
    ///     .await?;
    /// println!("{:?} (execution {:?})", result.actual_output(), result.execution_id());
    /// # Ok(()) }
    /// ```
    pub fn playground_call(
        &self,
        id: impl Into<PromptId>,
        body: &PlaygroundCall,
    ) -> C::Response<PlaygroundResult> {
        let request = op::PLAYGROUND_CALL
            .request(id.into())
            .validate(|operation| check_body(operation, &body.input, body.llm_config.as_ref()))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `POST /api/prompt/{id}/playground/eval`: runs prompt `id` once and scores the output
    /// with an evaluation.
    ///
    /// ```no_run
    /// use mutagent_playground::{PlaygroundEval, PlaygroundExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let result = client
    ///     .playground()
    ///     .playground_eval(7, &PlaygroundEval::new(serde_json::json!({"question": "Refunds?"}), 3))
    ///     .await?;
    /// println!("score {:?}, passed {:?}", result.score(), result.success());
    /// # Ok(()) }
    /// ```
    pub fn playground_eval(
        &self,
        id: impl Into<PromptId>,
        body: &PlaygroundEval,
    ) -> C::Response<PlaygroundResult> {
        let request = op::PLAYGROUND_EVAL
            .request(id.into())
            .validate(|operation| check_body(operation, &body.input, body.llm_config.as_ref()))
            .validate(|operation| {
                validate::positive_id(operation, "evaluationId", body.evaluation_id)
            })
            .json(body)
            .build();
        self.client.call(request)
    }
}
