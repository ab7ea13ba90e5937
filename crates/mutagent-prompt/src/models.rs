//! Prompt models: what the API returns and what it takes.

use mutagent_core::ids::{PromptGroupId, PromptId};
use mutagent_core::pagination::OffsetPage;
use mutagent_core::Page;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// A page of prompts: `{data, total, limit, offset, hasNext, hasPrevious}`.
pub type PromptList = OffsetPage<Prompt>;

mutagent_core::model_with_former_names! {
    /// One version of a prompt.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
    #[serde(rename_all = "camelCase", from = "prompt_as_sent::Prompt")]
    #[non_exhaustive]
    pub struct Prompt {
        /// The id of this version.
        pub id: PromptId,
        /// The id shared by every version of this prompt.
        pub prompt_group_id: PromptGroupId,
        /// The name.
        pub name: String,
        /// The description.
        #[serde(default)]
        pub description: Option<String>,
        /// The version, e.g. `1.0.0`.
        pub version: String,
        /// Whether this is the latest version of its group.
        pub is_latest: bool,
        /// The system prompt (system + human form).
        #[serde(default)]
        pub system_prompt: Option<String>,
        /// The human prompt (system + human form).
        #[serde(default)]
        pub human_prompt: Option<String>,
        /// The raw prompt (single-text form).
        #[serde(default)]
        pub raw_prompt: Option<String>,
        /// The messages (messages form), when the server returns them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub messages: Option<Vec<Message>>,
        /// The JSON Schema of the template variables.
        #[serde(default)]
        pub input_schema: Value,
        /// The JSON Schema of the expected output.
        #[serde(default)]
        pub output_schema: Value,
        /// Free-form metadata.
        #[serde(default)]
        pub metadata: Value,
        /// When it was created (ISO 8601 text).
        #[serde(default)]
        pub created_at: Option<String>,
        /// When it was last updated (ISO 8601 text).
        #[serde(default)]
        pub updated_at: Option<String>,
        /// Who created it (an email).
        #[serde(default)]
        pub created_by: Option<String>,
        /// Tags.
        #[serde(default)]
        pub tags: Option<Vec<String>>,
        /// Relation counts (`_count` on the wire; `count` is read when `_count` is absent or
        /// `null`, and a server sending both still decodes). Shape not documented.
        #[serde(rename = "_count", default, skip_serializing_if = "Option::is_none")]
        pub counts: Option<Value>,
        /// Analytics attached by some endpoints. Shape not documented.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub analytics: Option<Value>,
    }
    former names in mod prompt_as_sent {
        counts <- count: Option<Value> = "count",
    }
}

impl Prompt {
    /// The content of this version in whichever form it was written, if the server sent it.
    pub fn content(&self) -> Option<PromptContent> {
        if let Some(messages) = &self.messages {
            if !messages.is_empty() {
                return Some(PromptContent::Messages(messages.clone()));
            }
        }
        match (&self.system_prompt, &self.human_prompt, &self.raw_prompt) {
            (Some(system), Some(human), _) => Some(PromptContent::Chat {
                system: system.clone(),
                human: human.clone(),
            }),
            (_, _, Some(raw)) => Some(PromptContent::Raw(raw.clone())),
            _ => None,
        }
    }
}

mutagent_core::open_enum! {
    /// Who speaks a message.
    pub enum Role {
        /// Instructions to the model.
        System = "system",
        /// The user.
        User = "user",
        /// The model.
        Assistant = "assistant",
    }
}

/// One message of a messages-form prompt.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// What is said; may hold `{variables}`.
    pub content: String,
}

impl Message {
    /// A message.
    pub fn new(role: impl Into<Role>, content: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            content: content.into(),
        }
    }
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }
    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }
    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// The text of a prompt, in exactly one of the three forms the API knows. Being an enum, an
/// invalid mix (say a raw prompt and messages) cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PromptContent {
    /// One text (`rawPrompt`).
    Raw(String),
    /// A system prompt and a human prompt (`systemPrompt`, `humanPrompt`).
    Chat {
        /// The system prompt.
        system: String,
        /// The human prompt.
        human: String,
    },
    /// A list of messages (`messages`).
    Messages(Vec<Message>),
}

impl PromptContent {
    /// The single-text form.
    pub fn raw(text: impl Into<String>) -> Self {
        Self::Raw(text.into())
    }
    /// The system + human form.
    pub fn chat(system: impl Into<String>, human: impl Into<String>) -> Self {
        Self::Chat {
            system: system.into(),
            human: human.into(),
        }
    }
    /// The messages form.
    pub fn messages(messages: impl IntoIterator<Item = Message>) -> Self {
        Self::Messages(messages.into_iter().collect())
    }
}

impl Serialize for PromptContent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PromptContent::Raw(text) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("rawPrompt", text)?;
                map.end()
            }
            PromptContent::Chat { system, human } => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("systemPrompt", system)?;
                map.serialize_entry("humanPrompt", human)?;
                map.end()
            }
            PromptContent::Messages(messages) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("messages", messages)?;
                map.end()
            }
        }
    }
}

/// The body of `create_prompt`.
///
/// ```
/// use mutagent_prompt::{CreatePrompt, PromptContent};
/// let body = CreatePrompt::new(
///     "greeter",
///     PromptContent::chat("You are friendly.", "Greet {name}."),
///     serde_json::json!({"type": "object", "properties": {"name": {"type": "string"}}}),
/// )
/// .description("Says hello")
/// .tags(["demo"]);
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json["systemPrompt"], "You are friendly.");
/// assert!(json.get("rawPrompt").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatePrompt {
    /// The name (1 to 255 characters).
    pub name: String,
    /// The text, in one of the three forms.
    #[serde(flatten)]
    pub content: PromptContent,
    /// The JSON Schema of the template variables (required by the API).
    pub input_schema: Value,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The version (the server picks one when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Whether this is the latest version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_latest: Option<bool>,
    /// The JSON Schema of the expected output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    /// Free-form metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// The creator's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl CreatePrompt {
    /// A prompt with its name, text and input schema.
    pub fn new(name: impl Into<String>, content: PromptContent, input_schema: Value) -> Self {
        Self {
            name: name.into(),
            content,
            input_schema,
            description: None,
            version: None,
            is_latest: None,
            output_schema: None,
            metadata: None,
            created_by: None,
            tags: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the description.
        into description: String;
        /// Sets the version.
        into version: String;
        /// Sets whether this is the latest version.
        value is_latest: bool;
        /// Sets the output schema.
        value output_schema: Value;
        /// Sets the metadata.
        value metadata: Value;
        /// Sets the creator's email.
        into created_by: String;
        /// Sets the tags.
        list tags: String;
    }
}

/// The body of `update_prompt`, and the `changes` of a new version. Unset fields are left
/// out, so they keep their value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdatePrompt {
    /// A new name (1 to 255 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether this is the latest version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_latest: Option<bool>,
    /// A new system prompt. Each of the four text fields is optional on its own (the contract
    /// makes no pair of them go together), so a PATCH of only the system prompt is expressible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// A new human prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_prompt: Option<String>,
    /// A new single-text prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_prompt: Option<String>,
    /// New messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
    /// A new input schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<Value>,
    /// A new output schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    /// New metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// New tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl UpdatePrompt {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Sets the description.
        into description: String;
        /// Sets whether this is the latest version.
        value is_latest: bool;
    }
    /// Sets the text in one of the three whole forms: the fields of that form are set, the
    /// others are left as they were.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn content(mut self, content: PromptContent) -> Self {
        match content {
            PromptContent::Raw(text) => self.raw_prompt = Some(text),
            PromptContent::Chat { system, human } => {
                self.system_prompt = Some(system);
                self.human_prompt = Some(human);
            }
            PromptContent::Messages(messages) => self.messages = Some(messages),
        }
        self
    }
    mutagent_core::setters! {
        /// Sets only the system prompt.
        into system_prompt: String;
        /// Sets only the human prompt.
        into human_prompt: String;
        /// Sets only the single-text prompt.
        into raw_prompt: String;
    }
    /// Sets only the messages.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn messages(mut self, messages: impl IntoIterator<Item = Message>) -> Self {
        self.messages = Some(messages.into_iter().collect());
        self
    }
    mutagent_core::setters! {
        /// Sets the input schema.
        value input_schema: Value;
        /// Sets the output schema.
        value output_schema: Value;
        /// Sets the metadata.
        value metadata: Value;
        /// Sets the tags.
        list tags: String;
    }
}

/// The body of `create_prompt_version`: `{newVersion, changes?}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatePromptVersion {
    /// The new version, `MAJOR.MINOR.PATCH` (e.g. `1.1.0`).
    pub new_version: String,
    /// What changes from the base version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<UpdatePrompt>,
}

impl CreatePromptVersion {
    /// A new version with no changes.
    pub fn new(new_version: impl Into<String>) -> Self {
        Self {
            new_version: new_version.into(),
            changes: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the changes.
        value changes: UpdatePrompt;
    }
}

/// Filters and paging of `list_prompts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListPrompts {
    /// Paging: the page size (1 to 100) and how many prompts to skip.
    #[serde(flatten)]
    pub page: Page,
    /// Only prompts with this name.
    pub name: Option<String>,
    /// Only latest (or only older) versions.
    pub is_latest: Option<bool>,
    /// Only this version.
    pub version: Option<String>,
    /// Only prompts created by this email.
    pub created_by: Option<String>,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListPrompts {
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
        /// Filters by name.
        into name: String;
        /// Filters by latest flag.
        value is_latest: bool;
        /// Filters by version.
        into version: String;
        /// Filters by creator.
        into created_by: String;
    }
}
