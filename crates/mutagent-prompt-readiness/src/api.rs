//! The operation of the `prompt_readiness` namespace, for the async and the blocking client
//! alike.

use mutagent_core::ids::PromptGroupId;
use mutagent_core::ApiClient;
use serde_json::Value;

use crate::operations as op;

mutagent_core::namespace! {
    /// The `prompt_readiness` namespace (API 0.1.2): whether a prompt group is ready for the
    /// evaluation and optimization pipeline.
    ///
    /// Get it with `client.prompt_readiness()` (from
    /// [`PromptReadinessExt`](crate::PromptReadinessExt)). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct PromptReadinessApi;
    /// Adds `.prompt_readiness()` to both clients.
    pub trait PromptReadinessExt {
        /// The `prompt_readiness` namespace.
        fn prompt_readiness;
    }
}

impl<'a, C: ApiClient> PromptReadinessApi<'a, C> {
    /// `GET /api/prompts/readiness/{promptGroupId}`: the "pipeline readiness" of a prompt
    /// group (the group id, not a prompt id).
    ///
    /// The API documents no shape for this answer (the official SDK returns a plain `dict`),
    /// so it is returned as JSON, whole. The emulator answers `{promptGroupId, ready, checks:
    /// [{name, passed, detail}], …}`; a real server may answer differently.
    ///
    /// ```no_run
    /// use mutagent_prompt_readiness::PromptReadinessExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let readiness = client
    ///     .prompt_readiness()
    ///     .get_prompt_readiness("6f1c0a52-1d7e-4a8e-9a51-2b3c4d5e6f70")
    ///     .await?;
    /// println!("ready: {}", readiness["ready"]); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn get_prompt_readiness(
        &self,
        prompt_group_id: impl Into<PromptGroupId>,
    ) -> C::Response<Value> {
        self.client.call(
            op::GET_PROMPT_READINESS
                .request(prompt_group_id.into())
                .build(),
        )
    }
}
