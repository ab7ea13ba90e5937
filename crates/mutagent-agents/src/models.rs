//! Agent models: what the API returns and what it takes (wire names of mutagent-sdk 0.4.1).

use mutagent_core::ids::WorkspaceId;
use mutagent_core::pagination::TotalPage;
use mutagent_core::Page;
use serde::{Deserialize, Serialize};
use serde_json::Value;

mutagent_core::int_id! {
    /// The id of an agent (an integer).
    pub struct AgentId;
}

mutagent_core::open_enum! {
    /// Where an agent's instructions live (0.4.1 servers only).
    pub enum AgentSourceKind {
        /// Defined on the agent itself (`systemPrompt`).
        Inline = "inline",
        /// A file-based agent deployed from a package, whose instructions live in its revisions.
        Package = "package",
    }
}

/// An agent: the answer of create, get, get-by-slug and update.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Agent {
    /// The id.
    pub id: AgentId,
    /// The workspace it belongs to.
    pub workspace_id: WorkspaceId,
    /// The display name.
    pub name: String,
    /// The URL-friendly name, fixed at creation.
    pub slug: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// Where its instructions live (sent by 0.4.1 servers only).
    #[serde(default)]
    pub source_kind: Option<AgentSourceKind>,
    /// The system prompt (`null` for package agents).
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// The model it runs on.
    #[serde(default)]
    pub model: Option<String>,
    /// The most turns one run may take.
    #[serde(default)]
    pub max_turns: Option<i64>,
    /// The permission mode (a free string in the contract).
    #[serde(default)]
    pub permission_mode: Option<String>,
    /// Tools it may use.
    #[serde(default)]
    pub allowed_tools: Option<Vec<String>>,
    /// Tools it may not use.
    #[serde(default)]
    pub disallowed_tools: Option<Vec<String>>,
    /// The status (a free string in the contract).
    #[serde(default)]
    pub status: Option<String>,
    /// Whether it is public.
    #[serde(default)]
    pub is_public: bool,
    /// Free-form metadata (an object, or `null`).
    #[serde(default)]
    pub metadata: Value,
    /// Tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// When it was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// When it was archived (0.4.1 servers only).
    #[serde(default)]
    pub archived_at: Option<String>,
}

/// `{data, total, limit, offset}`: the answer of `list_agents` (no navigation flags).
pub type AgentList = TotalPage<Agent>;

/// Filters and paging of `list_agents`: `limit` 1 to 100, as on the other lists (the
/// contract's `Schemamaximu` bound names `list_agents`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListAgents {
    /// Page size and offset.
    #[serde(flatten)]
    pub page: Page,
    /// Agents whose name matches.
    pub name: Option<String>,
    /// Agents with this status.
    pub status: Option<String>,
    /// Agents created by this user.
    pub created_by: Option<String>,
    /// Only public (`true`) or only private (`false`) agents.
    pub is_public: Option<bool>,
}

mutagent_core::list_params! {
    /// No filters, the server's page size.
    impl ListAgents {
        /// Sets the page size (at least 1).
        page limit: u32;
        /// Sets how many agents to skip.
        page offset: u64;
        /// Filters by name.
        into name: String;
        /// Filters by status.
        into status: String;
        /// Filters by creator.
        into created_by: String;
        /// Filters by visibility.
        value is_public: bool;
    }
}

/// The fields `create_agent` and `update_agent` share (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AgentSettings {
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The turn limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_turns: Option<i64>,
    /// The permission mode (a free string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_mode: Option<String>,
    /// Tools it may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_tools: Option<Vec<String>>,
    /// Tools it may not use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disallowed_tools: Option<Vec<String>>,
    /// The status (a free string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether it is public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// The setters of [`AgentSettings`], on each body that flattens it.
macro_rules! settings_setters {
    ($body:ty) => {
        impl $body {
            /// Sets the description.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn description(mut self, description: impl Into<String>) -> Self {
                self.settings.description = Some(description.into());
                self
            }
            /// Sets the model.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn model(mut self, model: impl Into<String>) -> Self {
                self.settings.model = Some(model.into());
                self
            }
            /// Sets the turn limit.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn max_turns(mut self, max_turns: i64) -> Self {
                self.settings.max_turns = Some(max_turns);
                self
            }
            /// Sets the permission mode.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn permission_mode(mut self, mode: impl Into<String>) -> Self {
                self.settings.permission_mode = Some(mode.into());
                self
            }
            /// Sets the tools it may use.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn allowed_tools<I: IntoIterator<Item = S>, S: Into<String>>(
                mut self,
                tools: I,
            ) -> Self {
                self.settings.allowed_tools = Some(tools.into_iter().map(Into::into).collect());
                self
            }
            /// Sets the tools it may not use.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn disallowed_tools<I: IntoIterator<Item = S>, S: Into<String>>(
                mut self,
                tools: I,
            ) -> Self {
                self.settings.disallowed_tools = Some(tools.into_iter().map(Into::into).collect());
                self
            }
            /// Sets the status.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn status(mut self, status: impl Into<String>) -> Self {
                self.settings.status = Some(status.into());
                self
            }
            /// Sets whether it is public.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn is_public(mut self, is_public: bool) -> Self {
                self.settings.is_public = Some(is_public);
                self
            }
            /// Sets the metadata (an object).
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn metadata(mut self, metadata: Value) -> Self {
                self.settings.metadata = Some(metadata);
                self
            }
            /// Sets the tags.
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
                self.settings.tags = Some(tags.into_iter().map(Into::into).collect());
                self
            }
        }
    };
}

/// The body of `create_agent`: name, slug and system prompt are required.
///
/// ```
/// use mutagent_agents::CreateAgent;
/// let body = CreateAgent::new("Support", "support", "You answer tickets.").max_turns(8);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"name": "Support", "slug": "support", "systemPrompt": "You answer tickets.", "maxTurns": 8})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateAgent {
    /// The display name.
    pub name: String,
    /// The URL-friendly name (cannot be changed later).
    pub slug: String,
    /// The system prompt.
    pub system_prompt: String,
    /// Who creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: AgentSettings,
}

impl CreateAgent {
    /// An agent with its name, slug and system prompt.
    pub fn new(
        name: impl Into<String>,
        slug: impl Into<String>,
        system_prompt: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            slug: slug.into(),
            system_prompt: system_prompt.into(),
            created_by: None,
            settings: AgentSettings::default(),
        }
    }
    mutagent_core::setters! {
        /// Sets who creates it.
        into created_by: String;
    }
}
settings_setters!(CreateAgent);

/// The body of `update_agent`: unset fields keep their value. The slug cannot be changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateAgent {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: AgentSettings,
}

impl UpdateAgent {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Sets the system prompt.
        into system_prompt: String;
    }
}
settings_setters!(UpdateAgent);
