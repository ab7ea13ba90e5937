//! Provider config models (wire names of mutagent-sdk 0.4.1; the 0.1.2 fields that 0.4.1
//! dropped or renamed are kept as options so both server generations decode).

use std::collections::BTreeMap;

use mutagent_core::ids::WorkspaceId;
use mutagent_core::models::{Patch, Secret};
use serde::{Deserialize, Serialize};
use serde_json::Value;

mutagent_core::string_id! {
    /// The id of a provider config (a UUID on 0.1.2 servers, a plain string in 0.4.1).
    pub struct ProviderConfigId;
}

mutagent_core::open_enum! {
    /// The kind of LLM provider (the API's `LlmProviderType`, 0.4.1).
    pub enum LlmProviderType {
        /// OpenAI.
        OpenAi = "openai",
        /// Anthropic.
        Anthropic = "anthropic",
        /// Google.
        Google = "google",
        /// Moonshot.
        Moonshot = "moonshot",
        /// GLM.
        Glm = "glm",
        /// DeepSeek (0.4.1).
        DeepSeek = "deepseek",
        /// xAI.
        Xai = "xai",
        /// Azure.
        Azure = "azure",
        /// Vertex AI (0.4.1).
        Vertex = "vertex",
        /// Amazon Bedrock.
        Bedrock = "bedrock",
        /// Any other OpenAI-compatible endpoint.
        Custom = "custom",
    }
}

mutagent_core::open_enum! {
    /// Where a model listing comes from (the API's `ModelListingSource`).
    pub enum ModelListingSource {
        /// Listed from the provider just now.
        Live = "live",
        /// The persisted allow-list.
        Stored = "stored",
    }
}

/// A model a provider config supports (the API's `ProviderModel`), in bodies and answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProviderModel {
    /// The model id.
    pub id: String,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The model family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Roles (values not modelled by the contract).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Where it came from (values not modelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl ProviderModel {
    /// A model by id.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            display_name: None,
            family: None,
            roles: None,
            source: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the display name.
        into display_name: String;
        /// Sets the family.
        into family: String;
        /// Sets the roles.
        list roles: String;
    }
}

mutagent_core::model_with_former_names! {
    /// Stored credentials of one LLM provider: the answer of create, get and update, and an
    /// element of the list. The server never returns the key itself, only `api_key_masked`;
    /// `credential_fields` values are [`Secret`]s, as the contract does not say whether the server
    /// masks them.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
    #[serde(rename_all = "camelCase", from = "provider_config_as_sent::ProviderConfig")]
    #[non_exhaustive]
    pub struct ProviderConfig {
        /// The id.
        pub id: ProviderConfigId,
        /// The display name.
        pub name: String,
        /// The provider type.
        pub provider: LlmProviderType,
        /// The key, masked by the server.
        #[serde(default)]
        pub api_key_masked: Option<String>,
        /// The workspace it belongs to (`null` on some 0.1.2 configs).
        #[serde(default)]
        pub workspace_id: Option<WorkspaceId>,
        /// The base URL, if not the provider's default.
        #[serde(default)]
        pub base_url: Option<String>,
        /// Model id overrides.
        #[serde(default)]
        pub model_overrides: Option<BTreeMap<String, String>>,
        /// Whether it is active.
        #[serde(default)]
        pub is_active: bool,
        /// Whether it is the default.
        #[serde(default)]
        pub is_default: bool,
        /// The hosted model family (0.4.1's `hostedFamily`; `family` on 0.1.2 servers, read when
        /// `hostedFamily` is absent or `null`, and a server sending both still decodes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub hosted_family: Option<String>,
        /// The models it allows.
        #[serde(default)]
        pub supported_models: Option<Vec<ProviderModel>>,
        /// The API version (Azure and the like).
        #[serde(default)]
        pub api_version: Option<String>,
        /// Free-form metadata (an object, or `null`).
        #[serde(default)]
        pub metadata: Value,
        /// Further credentials, by name (0.4.1).
        #[serde(default)]
        pub credential_fields: Option<BTreeMap<String, Secret>>,
        /// The organization it belonged to (0.1.2 servers only).
        #[serde(default)]
        pub organization_id: Option<String>,
        /// The user it belonged to (0.1.2 servers only).
        #[serde(default)]
        pub user_id: Option<String>,
        /// Who created it.
        #[serde(default)]
        pub created_by: Option<String>,
        /// The default model set of the hosted agent runtime (0.4.1).
        #[serde(default)]
        pub helix_default_model_set: Option<String>,
        /// When it was created (ISO 8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// When it was last updated (ISO 8601 text).
        #[serde(default)]
        pub updated_at: Option<String>,
    }
    former names in mod provider_config_as_sent {
        hosted_family <- family: Option<String> = "family",
    }
}

/// `{configs, total}`: the answer of `list_provider_configs`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ProviderConfigList {
    /// The configs.
    pub configs: Vec<ProviderConfig>,
    /// How many there are.
    #[serde(default)]
    pub total: u64,
}

/// Filters of `list_provider_configs` (0.4.1 keeps only these two of 0.1.2's five).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListProviderConfigs {
    /// Only configs of this provider type.
    pub provider: Option<LlmProviderType>,
    /// Whether inactive configs are listed too.
    pub include_inactive: Option<bool>,
}

// Nothing to check: no page, and the contract states no constraint on the two filters.
mutagent_core::list_params! {
    /// No filters.
    impl ListProviderConfigs unchecked {
        /// Filters by provider type.
        value provider: LlmProviderType;
        /// Lists inactive configs too (`true`) or not (`false`).
        value include_inactive: bool;
    }
}

/// The body of `create_provider_config`. The API key is a [`Secret`]: `Debug` shows
/// `[redacted]`.
///
/// ```
/// use mutagent_provider_configs::{CreateProviderConfig, LlmProviderType};
/// let body = CreateProviderConfig::new("Anthropic", LlmProviderType::Anthropic).api_key("sk-ant-123");
/// assert!(!format!("{body:?}").contains("sk-ant-123"));
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"name": "Anthropic", "provider": "anthropic", "apiKey": "sk-ant-123"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateProviderConfig {
    /// The display name.
    pub name: String,
    /// The provider type.
    pub provider: LlmProviderType,
    /// The provider's API key (optional in 0.4.1: some providers use `credential_fields`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<Secret>,
    /// Credentials that are not a single key, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_fields: Option<BTreeMap<String, Secret>>,
    /// The hosted model family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_family: Option<String>,
    /// The base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Model id overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_overrides: Option<BTreeMap<String, String>>,
    /// Whether it becomes the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// The models it allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_models: Option<Vec<ProviderModel>>,
    /// The API version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl CreateProviderConfig {
    /// A config with its name and provider type.
    pub fn new(name: impl Into<String>, provider: LlmProviderType) -> Self {
        Self {
            name: name.into(),
            provider,
            api_key: None,
            credential_fields: None,
            hosted_family: None,
            base_url: None,
            model_overrides: None,
            is_default: None,
            supported_models: None,
            api_version: None,
            metadata: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the API key.
        into api_key: Secret;
        /// Sets the hosted model family.
        into hosted_family: String;
        /// Sets the base URL.
        into base_url: String;
        /// Sets the model id overrides.
        value model_overrides: BTreeMap<String, String>;
        /// Sets whether it becomes the default.
        value is_default: bool;
        /// Sets the models it allows.
        list supported_models: ProviderModel;
        /// Sets the API version.
        into api_version: String;
        /// Sets the metadata.
        value metadata: Value;
    }
    /// Adds one credential field (a [`Secret`]).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn credential_field(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.credential_fields
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), value.into());
        self
    }
}

/// The body of `update_provider_config`: unset fields keep their value; those the contract
/// lets you clear are [`Patch`]es (`clear_*` sends `null`). The key is a [`Secret`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateProviderConfig {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<Secret>,
    /// Credential fields to set (a value) or remove (`None`, sent as `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_fields: Option<BTreeMap<String, Option<Secret>>>,
    /// The base URL.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub base_url: Patch<String>,
    /// Model id overrides.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub model_overrides: Patch<BTreeMap<String, String>>,
    /// Activates or deactivates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// Makes it the default (or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// The hosted model family.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub hosted_family: Patch<String>,
    /// The models it allows.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub supported_models: Patch<Vec<ProviderModel>>,
    /// The API version.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub api_version: Patch<String>,
    /// Free-form metadata.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub metadata: Patch<Value>,
}

impl UpdateProviderConfig {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Replaces the API key.
        into api_key: Secret;
        /// Activates (`true`) or deactivates (`false`) it.
        value is_active: bool;
        /// Sets whether it is the default.
        value is_default: bool;
    }
    /// Sets (`Some`) or removes (`None`) one credential field.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn credential_field(mut self, name: impl Into<String>, value: Option<Secret>) -> Self {
        self.credential_fields
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), value);
        self
    }
    mutagent_core::patch_setters! {
        /// the base URL
        into base_url, clear_base_url: String;
        /// the hosted model family
        into hosted_family, clear_hosted_family: String;
        /// the API version
        into api_version, clear_api_version: String;
        /// the model id overrides
        value model_overrides, clear_model_overrides: BTreeMap<String, String>;
        /// the allowed models
        value supported_models, clear_supported_models: Vec<ProviderModel>;
        /// the metadata
        value metadata, clear_metadata: Value;
    }
}

/// The answer of `test_provider_config` (`TestConnectionResult`). A failed test is an answer
/// with `success: false`, not an error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TestConnectionResult {
    /// Whether the provider answered.
    pub success: bool,
    /// The provider tested.
    #[serde(default)]
    pub provider: String,
    /// What happened.
    #[serde(default)]
    pub message: String,
    /// How long the provider took, in milliseconds.
    #[serde(default)]
    pub latency_ms: Option<f64>,
    /// Model ids the provider reported.
    #[serde(default)]
    pub models: Option<Vec<String>>,
}

/// A model of `list_provider_config_models`, with this workspace's enablement.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListedModel {
    /// The model id.
    pub id: String,
    /// The display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Whether it is enabled in this workspace.
    #[serde(default)]
    pub enabled: bool,
    /// Roles (values not modelled).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Whether the model was verified with the provider.
    #[serde(default)]
    pub model_verified: bool,
}

/// The answer of `list_provider_config_models` (`WorkspaceModelListing`, 0.4.1 only).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkspaceModelListing {
    /// The models.
    pub models: Vec<ListedModel>,
    /// Live from the provider, or the stored allow-list.
    pub source: ModelListingSource,
    /// Whether the listing fell back (e.g. the live listing failed).
    #[serde(default)]
    pub degraded: bool,
    /// Why, when degraded.
    #[serde(default)]
    pub message: Option<String>,
}

/// A model of [`AvailableModels`] (the contract's `ModelsList` element).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AvailableModel {
    /// The model id.
    pub id: String,
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The provider type.
    #[serde(default)]
    pub provider: Option<String>,
    /// The context window, in tokens.
    #[serde(default)]
    pub context_window: Option<u64>,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
}

/// The answer of `list_available_models`: untyped in the contract, so the JSON is kept whole;
/// [`models`](Self::models) and [`providers`](Self::providers) read the `ModelsList` shape
/// (`{models: [...], providers: [...]}`) the contract suggests.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(transparent)]
pub struct AvailableModels(pub Value);

impl AvailableModels {
    /// The models that have the suggested shape (an element without an `id` is skipped).
    pub fn models(&self) -> Vec<AvailableModel> {
        self.0
            .get("models")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| AvailableModel::deserialize(m).ok())
            .collect()
    }

    /// The provider types listed under `providers`.
    pub fn providers(&self) -> Vec<&str> {
        self.0
            .get("providers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }
}
