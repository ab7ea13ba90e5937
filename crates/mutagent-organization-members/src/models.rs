//! Organization member models (wire names of mutagent-sdk 0.4.1).

use mutagent_core::ids::UserId;
use mutagent_core::models::{Listing, MemberUser, OrganizationRole};
use serde::{Deserialize, Serialize};

mutagent_core::open_enum! {
    /// The status of a membership (the API's `MembershipStatus`).
    pub enum MembershipStatus {
        /// A member in good standing (the server's default).
        Active = "active",
        /// Invited, not joined yet.
        Invited = "invited",
        /// Suspended.
        Suspended = "suspended",
    }
}

/// A member of an organization: the answer of add and update, and an element of the list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrganizationMember {
    /// The membership id.
    pub id: String,
    /// The user's id: the one the member paths take.
    pub user_id: UserId,
    /// The member's role (values beyond the four known ones decode as `Unknown`).
    pub role: OrganizationRole,
    /// The membership status.
    #[serde(default)]
    pub status: Option<MembershipStatus>,
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

/// `{data, total}`: the answer of `list_organization_members` (not paged).
pub type OrganizationMemberList = Listing<OrganizationMember>;

/// The body of `add_organization_member`.
///
/// ```
/// use mutagent_organization_members::{AddOrganizationMember, OrganizationRole};
/// let body = AddOrganizationMember::new("user_42", OrganizationRole::Editor);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"userId": "user_42", "role": "editor"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AddOrganizationMember {
    /// The user to add.
    pub user_id: UserId,
    /// Their role.
    pub role: OrganizationRole,
    /// The initial status (the server defaults to `active`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MembershipStatus>,
}

impl AddOrganizationMember {
    /// Adds `user_id` with `role`.
    pub fn new(user_id: impl Into<UserId>, role: OrganizationRole) -> Self {
        Self {
            user_id: user_id.into(),
            role,
            status: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the initial status.
        value status: MembershipStatus;
    }
}
