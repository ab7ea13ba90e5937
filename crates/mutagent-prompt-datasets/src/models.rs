//! Dataset models: what the API returns and what it takes.

use mutagent_core::ids::{DatasetId, PromptGroupId, PromptId};
use mutagent_core::pagination::OffsetPage;
use mutagent_core::request::validate;
use mutagent_core::{Error, Page};
use mutagent_prompt_dataset_items::PromptDatasetItem;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A page of datasets: `{data, total, limit, offset, hasNext, hasPrevious}`.
pub type PromptDatasetList = OffsetPage<PromptDataset>;

/// A dataset: test cases for the prompts of one prompt group.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromptDataset {
    /// The dataset id.
    pub id: DatasetId,
    /// The name.
    pub name: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The prompt group the dataset belongs to (datasets belong to the group, not to one
    /// version).
    pub prompt_group_id: PromptGroupId,
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
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    /// How many items it holds (only some responses carry it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_count: Option<u64>,
}

/// The answer of `export_prompt_dataset`: the dataset, its prompt group and every item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromptDatasetExport {
    /// The dataset.
    pub dataset: PromptDataset,
    /// The prompt group (shape not documented, so kept as JSON).
    #[serde(default)]
    pub prompt_group: Value,
    /// Every item of the dataset.
    #[serde(default)]
    pub items: Vec<PromptDatasetItem>,
    /// When the export was made (ISO 8601 text).
    #[serde(default)]
    pub exported_at: Option<String>,
}

/// The body of `create_prompt_dataset`.
///
/// ```
/// use mutagent_prompt_datasets::CreatePromptDataset;
/// let body = CreatePromptDataset::new("smoke tests").labels(["smoke"]);
/// let wire = serde_json::to_value(&body).unwrap();
/// assert_eq!(wire, serde_json::json!({"name": "smoke tests", "labels": ["smoke"]}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatePromptDataset {
    /// The name (1 to 255 characters).
    pub name: String,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form metadata (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// The creator's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

impl CreatePromptDataset {
    /// A dataset with its name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            metadata: None,
            created_by: None,
            labels: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the description.
        into description: String;
        /// Sets the metadata (a JSON object).
        value metadata: Value;
        /// Sets the creator's email.
        into created_by: String;
        /// Sets the labels.
        list labels: String;
    }
}

/// The changes of `update_prompt_dataset`. Unset fields are left out, so they keep their
/// value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdatePromptDataset {
    /// A new name (1 to 255 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New metadata (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// New labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

impl UpdatePromptDataset {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Sets the description.
        into description: String;
        /// Sets the metadata (a JSON object).
        value metadata: Value;
        /// Sets the labels.
        list labels: String;
    }
}

/// Where a clone goes: to the group of one prompt version, or to a prompt group. Exactly one
/// of the two is sent, so an invalid mix cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum CloneTarget {
    /// `targetPromptId`: the group of this prompt version.
    #[serde(rename = "targetPromptId")]
    Prompt(PromptId),
    /// `targetPromptGroupId`: this prompt group.
    #[serde(rename = "targetPromptGroupId")]
    PromptGroup(PromptGroupId),
}

/// The body of `clone_prompt_dataset`: a target and an optional new name.
///
/// ```
/// use mutagent_prompt_datasets::ClonePromptDataset;
/// let body = ClonePromptDataset::to_prompt(7).new_name("copy");
/// let wire = serde_json::to_value(&body).unwrap();
/// assert_eq!(wire, serde_json::json!({"targetPromptId": 7, "newName": "copy"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClonePromptDataset {
    /// Where the copy goes.
    #[serde(flatten)]
    pub target: CloneTarget,
    /// The name of the copy (1 to 255 characters; the server picks one when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
}

impl ClonePromptDataset {
    /// A clone to `target`.
    pub fn new(target: CloneTarget) -> Self {
        Self {
            target,
            new_name: None,
        }
    }
    /// A clone into the group of prompt version `prompt_id`.
    pub fn to_prompt(prompt_id: impl Into<PromptId>) -> Self {
        Self::new(CloneTarget::Prompt(prompt_id.into()))
    }
    /// A clone into prompt group `group_id`.
    pub fn to_prompt_group(group_id: impl Into<PromptGroupId>) -> Self {
        Self::new(CloneTarget::PromptGroup(group_id.into()))
    }
    mutagent_core::setters! {
        /// Sets the name of the copy.
        into new_name: String;
    }
}

/// Filters and paging of `list_prompt_datasets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListPromptDatasets {
    /// Paging: the page size (1 to 100) and how many datasets to skip.
    #[serde(flatten)]
    pub page: Page,
    /// Only datasets of the group of this prompt version.
    pub prompt_id: Option<PromptId>,
    /// Only datasets of this prompt group.
    pub prompt_group_id: Option<PromptGroupId>,
    /// Only datasets with this name.
    pub name: Option<String>,
    /// Only datasets created by this email.
    pub created_by: Option<String>,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListPromptDatasets checked by check_list_prompt_datasets {
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
        /// Filters by prompt version (its group).
        into prompt_id: PromptId;
        /// Filters by prompt group.
        into prompt_group_id: PromptGroupId;
        /// Filters by name.
        into name: String;
        /// Filters by creator.
        into created_by: String;
    }
}

/// The page, then the prompt filter (ids start at 1).
fn check_list_prompt_datasets(
    params: &ListPromptDatasets,
    operation: &'static str,
) -> Result<(), Error> {
    params.page.check(operation)?;
    validate::positive_id(operation, "promptId", params.prompt_id)
}
