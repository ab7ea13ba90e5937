//! Invitation models (wire names of mutagent-sdk 0.4.1).

use mutagent_core::ids::OrganizationId;
use mutagent_core::models::{Listing, OrganizationRole, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mutagent_core::string_id! {
    /// The id of an invitation.
    pub struct InvitationId;
}

/// An invitation to join an organization: the answer of create, get and resend, and an element
/// of the list. Its `token` and `invite_url` let anyone join: both are [`Secret`]s, so `Debug`
/// never shows them; hand `invite_url.expose()` to the invitee.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Invitation {
    /// The id.
    pub id: InvitationId,
    /// The organization the invitee joins.
    pub organization_id: OrganizationId,
    /// The invitee's e-mail address, if the invitation names one.
    #[serde(default)]
    pub email: Option<String>,
    /// The invitation secret.
    #[serde(default)]
    pub token: Option<Secret>,
    /// The link the invitee follows (it carries the secret).
    #[serde(default)]
    pub invite_url: Option<Secret>,
    /// The role the invitee gets (a free string in the answer; unknown values decode as
    /// `Unknown`).
    pub role: OrganizationRole,
    /// The status (a free string in the contract, e.g. `pending`).
    #[serde(default)]
    pub status: Option<String>,
    /// When it expires (ISO 8601 text).
    #[serde(default)]
    pub expires_at: Option<String>,
    /// When it was accepted.
    #[serde(default)]
    pub accepted_at: Option<String>,
    /// Who accepted it.
    #[serde(default)]
    pub accepted_by: Option<String>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// The user who invited.
    #[serde(default)]
    pub invited_by_user_id: Option<String>,
    /// When it was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `{data, total}`: the answer of `list_invitations` (not paged).
pub type InvitationList = Listing<Invitation>;

/// The body of `create_invitation`: the role is required, the e-mail address optional.
///
/// ```
/// use mutagent_invitations::{CreateInvitation, OrganizationRole};
/// let body = CreateInvitation::new(OrganizationRole::Editor).email("dev@example.com").expires_in_days(14);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"role": "editor", "email": "dev@example.com", "expiresInDays": 14})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateInvitation {
    /// The role the invitee gets.
    pub role: OrganizationRole,
    /// Who is invited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// How many days the invitation stays valid (the contract states no default or range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
}

impl CreateInvitation {
    /// An invitation with this role.
    pub fn new(role: OrganizationRole) -> Self {
        Self {
            role,
            email: None,
            expires_in_days: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the invitee's e-mail address.
        into email: String;
        /// Sets how many days it stays valid.
        value expires_in_days: i64;
    }
}

/// The body of `resend_invitation`. The contract leaves it untyped (any JSON object):
/// `expires_in_days` is the one key the create body suggests; [`other`](Self::other) sends any
/// further key as given. `ResendInvitation::new()` sends `{}`.
///
/// ```
/// use mutagent_invitations::ResendInvitation;
/// let body = ResendInvitation::new().expires_in_days(3).other("note", "second try");
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"expiresInDays": 3, "note": "second try"})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResendInvitation {
    /// Renews the invitation for this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
    /// Any other keys, sent as given.
    #[serde(flatten)]
    pub others: Map<String, Value>,
}

impl ResendInvitation {
    /// An empty body (`{}`).
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets how many days the invitation stays valid from now.
        value expires_in_days: i64;
    }
    /// Adds another key to the body.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn other(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.others.insert(key.into(), value.into());
        self
    }
}
