//! The operations of the provider configs namespace, for the async and the blocking client
//! alike. Method names are the live 0.4.1 SDK's (`llm_providers`); the 0.1.2 names
//! (`provider_configs`) are doc aliases, so a search for either finds them.

use mutagent_core::models::SuccessResponse;
use mutagent_core::request::validate;
use mutagent_core::ApiClient;
use serde_json::Value;

use crate::models::{
    AvailableModels, CreateProviderConfig, ListProviderConfigs, ProviderConfig, ProviderConfigId,
    ProviderConfigList, TestConnectionResult, UpdateProviderConfig, WorkspaceModelListing,
};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `llm_providers` namespace (`provider_configs` in API 0.1.2): stored LLM provider
    /// credentials and model listings of the workspace the credentials resolve to.
    ///
    /// Get it with `client.llm_providers()` (from [`LlmProvidersExt`]). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    #[doc(alias = "provider_configs")]
    pub struct LlmProvidersApi;
    /// Adds `.llm_providers()` to both clients.
    #[doc(alias = "ProviderConfigsExt")]
    pub trait LlmProvidersExt {
        /// The `llm_providers` namespace (`provider_configs` in API 0.1.2).
        #[doc(alias = "provider_configs")]
        fn llm_providers;
    }
}

impl<'a, C: ApiClient> LlmProvidersApi<'a, C> {
    /// `GET /api/providers/`: the workspace's provider configs (`{configs, total}`).
    ///
    /// ```no_run
    /// use mutagent_provider_configs::{ListProviderConfigs, LlmProviderType, LlmProvidersExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let list = client
    ///     .llm_providers()
    ///     .list_provider_configs(&ListProviderConfigs::new().provider(LlmProviderType::OpenAi))
    ///     .await?;
    /// for config in &list.configs {
    ///     println!("{} ({}) key {:?}", config.name, config.provider, config.api_key_masked);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "list_providers")]
    pub fn list_provider_configs(
        &self,
        params: &ListProviderConfigs,
    ) -> C::Response<ProviderConfigList> {
        self.client
            .call(op::LIST_PROVIDERS.request().query_params(params).build())
    }

    /// `POST /api/providers/`: stores a provider's credentials. The key travels in the body
    /// and is never shown by `Debug`; the answer carries only the server's masked copy.
    ///
    /// ```no_run
    /// use mutagent_provider_configs::{CreateProviderConfig, LlmProviderType, LlmProvidersExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let key = std::env::var("ANTHROPIC_API_KEY").unwrap_or_default();
    /// let config = client
    ///     .llm_providers()
    ///     .create_provider_config(&CreateProviderConfig::new("Anthropic", LlmProviderType::Anthropic).api_key(key))
    ///     .await?;
    /// println!("stored as {:?}", config.api_key_masked);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "create_provider")]
    pub fn create_provider_config(
        &self,
        body: &CreateProviderConfig,
    ) -> C::Response<ProviderConfig> {
        let request = op::CREATE_PROVIDER
            .request()
            .validate(|operation| validate::object(operation, "metadata", body.metadata.as_ref()))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/providers/models`: the models available through the configured providers
    /// (untyped in the contract; see [`AvailableModels`]).
    ///
    /// ```no_run
    /// use mutagent_provider_configs::LlmProvidersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let available = client.llm_providers().list_available_models().await?;
    /// for model in available.models() {
    ///     println!("{} via {:?}", model.id, model.provider);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_available_models(&self) -> C::Response<AvailableModels> {
        self.client
            .call(op::LIST_AVAILABLE_MODELS.request().build())
    }

    /// `GET /api/providers/{id}`: one provider config.
    ///
    /// ```no_run
    /// use mutagent_provider_configs::LlmProvidersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let config = client.llm_providers().get_provider_config("cfg_1").await?;
    /// println!("{} active: {}", config.name, config.is_active);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "get_provider")]
    pub fn get_provider_config(
        &self,
        id: impl Into<ProviderConfigId>,
    ) -> C::Response<ProviderConfig> {
        self.client
            .call(op::GET_PROVIDER.request(id.into()).build())
    }

    /// `PATCH /api/providers/{id}`: changes a provider config; unset fields keep their value.
    ///
    /// ```no_run
    /// use mutagent_provider_configs::{LlmProvidersExt, UpdateProviderConfig};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let config = client
    ///     .llm_providers()
    ///     .update_provider_config("cfg_1", &UpdateProviderConfig::new().api_key("sk-new").clear_base_url())
    ///     .await?;
    /// println!("now {:?}", config.api_key_masked);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "update_provider")]
    pub fn update_provider_config(
        &self,
        id: impl Into<ProviderConfigId>,
        body: &UpdateProviderConfig,
    ) -> C::Response<ProviderConfig> {
        let request = op::UPDATE_PROVIDER
            .request(id.into())
            .validate(|operation| validate::object(operation, "metadata", body.metadata.value()))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/providers/{id}`: deletes a provider config.
    ///
    /// ```no_run
    /// use mutagent_provider_configs::LlmProvidersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.llm_providers().delete_provider_config("cfg_1").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "delete_provider")]
    pub fn delete_provider_config(
        &self,
        id: impl Into<ProviderConfigId>,
    ) -> C::Response<SuccessResponse> {
        self.client
            .call(op::DELETE_PROVIDER.request(id.into()).build())
    }

    /// `GET /api/providers/catalog`: the model catalog (untyped in the contract: open JSON).
    ///
    /// ```no_run
    /// use mutagent_provider_configs::LlmProvidersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let catalog = client.llm_providers().get_model_catalog().await?;
    /// println!("{catalog}");
    /// # Ok(()) }
    /// ```
    #[doc(alias = "get_models_catalog")]
    pub fn get_model_catalog(&self) -> C::Response<Value> {
        self.client.call(op::GET_MODELS_CATALOG.request().build())
    }

    /// `POST /api/providers/{id}/test`: checks that the stored credentials reach the provider.
    /// A failed check is an answer with `success: false`.
    ///
    /// ```no_run
    /// use mutagent_provider_configs::LlmProvidersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let result = client.llm_providers().test_provider_config("cfg_1").await?;
    /// println!("{}: {}", if result.success { "ok" } else { "failed" }, result.message);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "test_provider")]
    pub fn test_provider_config(
        &self,
        id: impl Into<ProviderConfigId>,
    ) -> C::Response<TestConnectionResult> {
        self.client
            .call(op::TEST_PROVIDER.request(id.into()).build())
    }

    /// `GET /api/providers/{id}/models` (0.4.1 servers only): a config's models, with this
    /// workspace's enablement.
    ///
    /// ```no_run
    /// use mutagent_provider_configs::LlmProvidersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let listing = client.llm_providers().list_provider_config_models("cfg_1").await?;
    /// for model in listing.models.iter().filter(|m| m.enabled) {
    ///     println!("{} ({})", model.id, listing.source);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "list_provider_models")]
    pub fn list_provider_config_models(
        &self,
        id: impl Into<ProviderConfigId>,
    ) -> C::Response<WorkspaceModelListing> {
        self.client
            .call(op::LIST_PROVIDER_CONFIG_MODELS.request(id.into()).build())
    }
}
