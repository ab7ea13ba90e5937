//! Workspace member models (wire names of mutagent-sdk 0.4.1).

use mutagent_core::ids::UserId;
use mutagent_core::models::{Listing, MemberUser, WorkspaceRole};
use serde::{Deserialize, Serialize};

/// A member of a workspace: the answer of add and update, and an element of the list.
/// Workspace members carry no `status` (organization members do).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkspaceMember {
    /// The membership id.
    pub id: String,
    /// The user's id: the one the member paths take.
    pub user_id: UserId,
    /// The member's role (values beyond the three known ones decode as `Unknown`).
    pub role: WorkspaceRole,
    /// The user (left out by some 0.1.2 servers).
    #[serde(default)]
    pub user: Option<MemberUser>,
    /// When the membership was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `{data, total}`: the answer of `list_workspace_members` (not paged).
pub type WorkspaceMemberList = Listing<WorkspaceMember>;

/// The body of `add_workspace_member`.
///
/// ```
/// use mutagent_workspace_members::{AddWorkspaceMember, WorkspaceRole};
/// let body = AddWorkspaceMember::new("user_42", WorkspaceRole::Editor);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"userId": "user_42", "role": "editor"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AddWorkspaceMember {
    /// The user to add.
    pub user_id: UserId,
    /// Their role.
    pub role: WorkspaceRole,
}

impl AddWorkspaceMember {
    /// Adds `user_id` with `role`.
    pub fn new(user_id: impl Into<UserId>, role: WorkspaceRole) -> Self {
        Self {
            user_id: user_id.into(),
            role,
        }
    }
}
