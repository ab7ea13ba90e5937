//! User profile models. Every answer of this namespace is untyped in the contract (both
//! releases), so answers are kept as JSON with typed accessors for the keys the contract's
//! other models suggest; the two request bodies are typed (0.4.1).

use mutagent_core::models::{Patch, Secret};
use serde::{Deserialize, Serialize};
use serde_json::Value;

mutagent_core::string_id! {
    /// The id of a login session.
    pub struct SessionId;
}

/// The calling user's profile (the answer of `get_profile` and `update_profile`), kept whole.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(transparent)]
pub struct UserProfile(pub Value);

impl UserProfile {
    fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }
    /// The user id.
    pub fn id(&self) -> Option<&str> {
        self.text("id")
    }
    /// The display name.
    pub fn name(&self) -> Option<&str> {
        self.text("name")
    }
    /// The e-mail address.
    pub fn email(&self) -> Option<&str> {
        self.text("email")
    }
    /// The avatar URL (`avatarUrl`, or `image` as member answers call it).
    pub fn avatar_url(&self) -> Option<&str> {
        self.text("avatarUrl").or_else(|| self.text("image"))
    }
}

/// The calling user's login sessions (the answer of `list_user_sessions`), kept whole: the
/// contract does not say whether it is a bare array or an object around one, so
/// [`sessions`](Self::sessions) reads either (`[...]`, `{data: [...]}` or `{sessions: [...]}`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(transparent)]
pub struct UserSessions(pub Value);

impl UserSessions {
    /// The session objects.
    pub fn sessions(&self) -> &[Value] {
        let list = match &self.0 {
            Value::Array(_) => Some(&self.0),
            Value::Object(map) => map.get("data").or_else(|| map.get("sessions")),
            _ => None,
        };
        list.and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// The ids of the sessions (those that have a string `id`).
    pub fn ids(&self) -> Vec<SessionId> {
        self.sessions()
            .iter()
            .filter_map(|s| s.get("id").and_then(Value::as_str))
            .map(SessionId::from)
            .collect()
    }
}

/// The body of `update_profile`: unset fields keep their value; the avatar can be cleared.
///
/// ```
/// use mutagent_user_profile::UpdateProfile;
/// let body = UpdateProfile::new().name("Ada").clear_avatar_url();
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"name": "Ada", "avatarUrl": null})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateProfile {
    /// A new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The avatar URL: set, cleared or left alone.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub avatar_url: Patch<String>,
}

impl UpdateProfile {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the display name.
        into name: String;
        /// Sets the e-mail address.
        into email: String;
    }
    mutagent_core::patch_setters! {
        /// the avatar URL
        into avatar_url, clear_avatar_url: String;
    }
}

/// The body of `change_password`. Both passwords are [`Secret`]s: `Debug` shows `[redacted]`.
///
/// ```
/// use mutagent_user_profile::ChangePassword;
/// let body = ChangePassword::new("old-pass", "new-pass-123");
/// let shown = format!("{body:?}");
/// assert!(!shown.contains("old-pass") && !shown.contains("new-pass-123"), "{shown}");
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"currentPassword": "old-pass", "newPassword": "new-pass-123"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChangePassword {
    /// The current password.
    pub current_password: Secret,
    /// The new password (the contract states no rules).
    pub new_password: Secret,
}

impl ChangePassword {
    /// Changes `current_password` to `new_password`.
    pub fn new(current_password: impl Into<Secret>, new_password: impl Into<Secret>) -> Self {
        Self {
            current_password: current_password.into(),
            new_password: new_password.into(),
        }
    }
}
