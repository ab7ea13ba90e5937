//! The provider configs namespace of the MutagenT Rust SDK (`llm_providers` in the live 0.4.1
//! SDK, `provider_configs` in API 0.1.2): stored LLM provider credentials (provider type, key,
//! base URL, model allow-list) and model listings, per workspace.
//!
//! API keys are [`Secret`]s: `Debug` shows `[redacted]`, and the server only ever answers with
//! a masked copy (`api_key_masked`).
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/llm_providers.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/llm_providers.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`LlmProvidersExt::llm_providers`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_provider_configs::{CreateProviderConfig, LlmProviderType, LlmProvidersExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let providers = client.llm_providers();
//! let config = providers
//!     .create_provider_config(&CreateProviderConfig::new("OpenAI", LlmProviderType::OpenAi).api_key("sk-..."))
//!     .await?;
//! let check = providers.test_provider_config(&config.id).await?;
//! println!("{}: {}", config.name, check.message);
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{LlmProvidersApi, LlmProvidersExt};
pub use models::{
    AvailableModel, AvailableModels, CreateProviderConfig, ListProviderConfigs, ListedModel,
    LlmProviderType, ModelListingSource, ProviderConfig, ProviderConfigId, ProviderConfigList,
    ProviderModel, TestConnectionResult, UpdateProviderConfig, WorkspaceModelListing,
};
pub use mutagent_core::ids::WorkspaceId;
pub use mutagent_core::models::{Patch, Secret, SuccessResponse};
