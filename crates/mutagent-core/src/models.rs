//! Shapes shared by several namespaces.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `{success, message?}`: the answer of most delete operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SuccessResponse {
    /// Whether the server did what was asked.
    pub success: bool,
    /// A human-readable note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

crate::open_enum! {
    /// A role in an organization (the API's `OrganizationRole`): what members, invitations
    /// and organization listings carry.
    pub enum OrganizationRole {
        /// Owns the organization.
        Owner = "owner",
        /// Administers it.
        Admin = "admin",
        /// Edits its resources.
        Editor = "editor",
        /// Reads its resources.
        Viewer = "viewer",
    }
}

crate::open_enum! {
    /// A role in a workspace (the API's `WorkspaceRole`; workspaces have no owner).
    pub enum WorkspaceRole {
        /// Administers the workspace.
        Admin = "admin",
        /// Edits its resources.
        Editor = "editor",
        /// Reads its resources.
        Viewer = "viewer",
    }
}

/// `{id, name, email, image}`: the user a membership is about (the API's `MemberUser`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemberUser {
    /// The user id.
    pub id: crate::ids::UserId,
    /// The display name, if the user set one.
    #[serde(default)]
    pub name: Option<String>,
    /// The e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// The avatar URL, if any.
    #[serde(default)]
    pub image: Option<String>,
}

/// `{data, total}`: a list answered whole, without paging (members, invitations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Listing<T> {
    /// The items.
    pub data: Vec<T>,
    /// How many there are (the number of items when the server leaves it out).
    #[serde(default)]
    pub total: Option<u64>,
}

/// A secret a request body carries (an LLM provider's API key, a password): sent as a plain
/// JSON string, shown as `[redacted]` by `Debug`, and with no `Display` at all, so it cannot
/// end up in a log line by accident. A call whose body carries one scrubs it (whole or
/// JSON-escaped) from everything the server answers, as it does the API key: a server that
/// echoes a provider key in an error message does not get it printed. Values under 6 bytes
/// are not scrubbed (that would garble every message); a `Secret` turned into a
/// `serde_json::Value` before the request is built is plain text by then and not tracked.
///
/// ```
/// use mutagent_core::models::Secret;
/// let key = Secret::new("sk-live-123");
/// assert_eq!(format!("{key:?}"), "[redacted]");
/// assert_eq!(serde_json::to_string(&key).unwrap(), "\"sk-live-123\"");
/// assert_eq!(key.expose(), "sk-live-123");
/// ```
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

/// Sent as its plain text; a request body that carries it also hands it to the call's
/// scrubbing, so a server that echoes it in an error never gets it printed.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::secret::note_sent(&self.0);
        serializer.serialize_str(&self.0)
    }
}

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the one place that must send or compare it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::secret::REDACTED)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// One field of a PATCH body, in one of three states:
///
/// * [`Patch::Unset`]: left out of the body, so the server keeps the current value;
/// * [`Patch::Null`]: sent as `null`, which clears the value;
/// * [`Patch::Value`]: sent as the new value.
///
/// ```
/// use mutagent_core::models::Patch;
///
/// #[derive(serde::Serialize)]
/// struct Update {
///     #[serde(skip_serializing_if = "Patch::is_unset")]
///     name: Patch<String>,
///     #[serde(skip_serializing_if = "Patch::is_unset")]
///     description: Patch<String>,
/// }
/// let body = Update { name: Patch::Value("Acme".into()), description: Patch::Null };
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"name": "Acme", "description": null})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the server keeps the current value.
    #[default]
    Unset,
    /// Sent as `null`: the value is cleared.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the body.
    pub fn is_unset(&self) -> bool {
        matches!(self, Patch::Unset)
    }

    /// `None` when unset, `Some(None)` when cleared, `Some(Some(value))` when set.
    pub fn as_option(&self) -> Option<Option<&T>> {
        match self {
            Patch::Unset => None,
            Patch::Null => Some(None),
            Patch::Value(value) => Some(Some(value)),
        }
    }

    /// The new value, if one is set.
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some(value)` sets the value; `None` clears it.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Patch::Value(value),
            None => Patch::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(value) => value.serialize(serializer),
            // `Unset` is skipped by the containing struct; should it be serialised on its own,
            // `null` is the only honest JSON for it.
            Patch::Unset | Patch::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A present key decodes as `Null` or `Value`; a missing key (with `#[serde(default)]`)
    /// stays `Unset`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

pub use crate::text::{escaped_excerpt, json_kind};

#[cfg(test)]
mod patch_tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_unset")]
        field: Patch<String>,
    }

    #[test]
    fn three_states_on_the_wire() {
        let text = |field| serde_json::to_string(&Body { field }).expect("json");
        assert_eq!(text(Patch::Unset), "{}");
        assert_eq!(text(Patch::Null), r#"{"field":null}"#);
        assert_eq!(text(Patch::Value("x".into())), r#"{"field":"x"}"#);
    }

    #[test]
    fn three_states_decode_back() {
        let parse = |text: &str| serde_json::from_str::<Body>(text).expect("json").field;
        assert_eq!(parse("{}"), Patch::Unset);
        assert_eq!(parse(r#"{"field":null}"#), Patch::Null);
        assert_eq!(parse(r#"{"field":"x"}"#), Patch::Value("x".to_owned()));
    }

    #[test]
    fn json_kinds_read_as_words() {
        use serde_json::json;
        let kinds: Vec<_> = [
            json!(null),
            json!(true),
            json!(1.5),
            json!("x"),
            json!([]),
            json!({}),
        ]
        .iter()
        .map(json_kind)
        .collect();
        assert_eq!(
            kinds,
            [
                "null",
                "a boolean",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }

    #[test]
    fn accessors() {
        assert_eq!(Patch::<u8>::Unset.as_option(), None);
        assert_eq!(Patch::<u8>::Null.as_option(), Some(None));
        assert_eq!(Patch::Value(3).as_option(), Some(Some(&3)));
        assert_eq!(Patch::from(Some(2)).value(), Some(&2));
        assert_eq!(Patch::<u8>::from(None), Patch::Null);
        assert!(Patch::<u8>::default().is_unset());
    }

    crate::model_with_former_names! {
        /// `current`, or `former` from older servers.
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", from = "renamed_as_sent::Renamed")]
        struct Renamed {
            /// The id.
            id: u8,
            /// The renamed field.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            current: Option<String>,
        }
        former names in mod renamed_as_sent {
            current <- former: Option<String> = "former",
        }
    }

    #[test]
    fn a_renamed_field_decodes_from_either_name_or_both() {
        let parse = |text: &str| serde_json::from_str::<Renamed>(text).expect("json").current;
        assert_eq!(parse(r#"{"id":1,"current":"a"}"#).as_deref(), Some("a"));
        assert_eq!(parse(r#"{"id":1,"former":"b"}"#).as_deref(), Some("b"));
        assert_eq!(
            parse(r#"{"former":"b","id":1,"current":"a"}"#).as_deref(),
            Some("a")
        );
        assert_eq!(
            parse(r#"{"id":1,"current":null,"former":"b"}"#).as_deref(),
            Some("b")
        );
        assert_eq!(parse(r#"{"id":1,"other":[1]}"#), None);
    }

    #[test]
    fn a_wrong_type_under_either_name_is_named_at_its_key() {
        for (text, path) in [
            (r#"{"id":1,"current":3}"#, "current"),
            (r#"{"id":1,"former":3}"#, "former"),
        ] {
            let err = serde_json::from_str::<Renamed>(text).expect_err(text);
            let found = crate::decode::json_path::of_error(text.as_bytes(), &err);
            assert_eq!(found, path, "{text}");
        }
        let err = serde_json::from_str::<Renamed>("7").expect_err("no struct");
        assert!(err.to_string().contains("struct Renamed"), "{err}");
    }

    #[test]
    fn a_renamed_field_is_written_under_its_current_name() {
        let text = |current: Option<&str>| {
            let current = current.map(str::to_owned);
            serde_json::to_string(&Renamed { id: 1, current }).expect("json")
        };
        assert_eq!(text(Some("a")), r#"{"id":1,"current":"a"}"#);
        assert_eq!(text(None), r#"{"id":1}"#);
    }
}
