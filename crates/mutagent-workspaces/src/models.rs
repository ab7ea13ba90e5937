//! Workspace models: what the API returns and what it takes.

use mutagent_core::ids::{OrganizationId, WorkspaceId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use mutagent_core::models::{Patch, WorkspaceRole};

/// A workspace: the answer of create, get, update and set-default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Workspace {
    /// The id.
    pub id: WorkspaceId,
    /// The organization it belongs to.
    pub organization_id: OrganizationId,
    /// The display name.
    pub name: String,
    /// The URL-friendly name, unique within the organization.
    pub slug: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether this is the organization's default workspace.
    pub is_default: bool,
    /// Whether the workspace is active.
    pub is_active: bool,
    /// Settings (an object, or `null`).
    #[serde(default)]
    pub settings: Value,
    /// Free-form metadata (an object, or `null`).
    #[serde(default)]
    pub metadata: Value,
    /// The logo URL (sent by newer servers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// When it was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A workspace together with the caller's role in it (element of [`WorkspaceList`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkspaceWithRole {
    /// The workspace.
    #[serde(flatten)]
    pub workspace: Workspace,
    /// The caller's role.
    pub role: WorkspaceRole,
}

/// `{workspaces, total}`: the answer of `list_workspaces`. The API returns every workspace
/// at once (no paging).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkspaceList {
    /// The workspaces.
    pub workspaces: Vec<WorkspaceWithRole>,
    /// How many there are.
    pub total: u64,
}

/// Filters of `list_workspaces`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListWorkspaces {
    /// Whether inactive workspaces are listed too.
    pub include_inactive: Option<bool>,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListWorkspaces unchecked {
        /// Lists inactive workspaces too (`true`) or not (`false`).
        value include_inactive: bool;
    }
}

/// The body of `create_workspace`. The organization follows from the caller's credentials
/// (and the `x-organization-id` header, when the client sets one).
///
/// ```
/// use mutagent_workspaces::CreateWorkspace;
/// let body = CreateWorkspace::new("Staging", "staging").is_default(false);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"name": "Staging", "slug": "staging", "isDefault": false})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateWorkspace {
    /// The display name (1 to 255 characters).
    pub name: String,
    /// The URL-friendly name (not empty).
    pub slug: String,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it becomes the default workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// Settings (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Value>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl CreateWorkspace {
    /// A workspace with its name and slug.
    pub fn new(name: impl Into<String>, slug: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            slug: slug.into(),
            description: None,
            is_default: None,
            settings: None,
            metadata: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the description.
        into description: String;
        /// Sets whether it becomes the default workspace.
        value is_default: bool;
        /// Sets the settings.
        value settings: Value;
        /// Sets the metadata.
        value metadata: Value;
    }
}

/// The body of `update_workspace`. Unset fields are left out and keep their value; the
/// description can also be cleared (sent as `null`) with [`clear_description`](Self::clear_description).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateWorkspace {
    /// A new name (1 to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new slug (not empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The description: set, cleared or left alone.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub description: Patch<String>,
    /// Makes it the default workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// Activates or deactivates the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// New settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Value>,
    /// New metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl UpdateWorkspace {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Sets the slug.
        into slug: String;
    }
    mutagent_core::patch_setters! {
        /// the description
        into description, clear_description: String;
    }
    mutagent_core::setters! {
        /// Sets whether it is the default workspace.
        value is_default: bool;
        /// Activates (`true`) or deactivates (`false`) the workspace.
        value is_active: bool;
        /// Sets the settings.
        value settings: Value;
        /// Sets the metadata.
        value metadata: Value;
    }
}
