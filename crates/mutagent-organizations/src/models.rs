//! Organization models: what the API returns and what it takes.

use mutagent_core::ids::OrganizationId;
use mutagent_core::pagination::OffsetPage;
use mutagent_core::Page;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use mutagent_core::models::{OrganizationRole, Patch};

/// A page of organizations with the caller's role in each:
/// `{data, total, limit, offset, hasNext, hasPrevious}`.
pub type OrganizationList = OffsetPage<OrganizationWithRole>;

/// An organization: the answer of create, get, update and get-by-slug.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Organization {
    /// The id.
    pub id: OrganizationId,
    /// The display name.
    pub name: String,
    /// The URL-friendly unique name.
    pub slug: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The logo URL.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// The billing plan (a free string, e.g. `free`).
    pub billing_plan: String,
    /// The Stripe customer id (not sent in list answers).
    #[serde(default)]
    pub stripe_customer_id: Option<String>,
    /// The billing email (not sent in list answers).
    #[serde(default)]
    pub billing_email: Option<String>,
    /// Whether the organization is active.
    pub is_active: bool,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: Value,
    /// Who created it (not sent in list answers).
    #[serde(default)]
    pub created_by: Option<String>,
    /// When it was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// An organization together with the caller's role in it (element of [`OrganizationList`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrganizationWithRole {
    /// The organization.
    #[serde(flatten)]
    pub organization: Organization,
    /// The caller's role.
    pub role: OrganizationRole,
}

/// `{count}`: the answer of `get_organization_member_count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[non_exhaustive]
pub struct MemberCount {
    /// How many members the organization has.
    pub count: u64,
}

/// The answer of `delete_organization`.
///
/// The contract does not model this answer (its "success or error" union is an empty model), so
/// any 2xx decodes: an empty body or a `204`, `{success, message?}`, or any other JSON. The HTTP
/// status already says the organization is gone; `success` is the body's own flag when it sends
/// one, and `true` otherwise.
///
/// ```
/// use mutagent_organizations::OrganizationDeleted;
/// let empty: OrganizationDeleted = serde_json::from_str("null").unwrap();
/// assert!(empty.success);
/// let flagged: OrganizationDeleted =
///     serde_json::from_str(r#"{"success": true, "message": "gone"}"#).unwrap();
/// assert_eq!(flagged.message.as_deref(), Some("gone"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OrganizationDeleted {
    /// The body's `success` flag; `true` when the body has none (the status was 2xx).
    pub success: bool,
    /// The body's `message`, when it has one.
    pub message: Option<String>,
    /// The whole body as sent (`null` for an empty body).
    pub body: Value,
}

impl<'de> Deserialize<'de> for OrganizationDeleted {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let body = Value::deserialize(deserializer)?;
        Ok(Self {
            success: body.get("success").and_then(Value::as_bool).unwrap_or(true),
            message: body
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned),
            body,
        })
    }
}

/// Writes the body as the server sent it (`null` for an empty one), so it reads back the same.
#[cfg(feature = "serde-roundtrip")]
impl Serialize for OrganizationDeleted {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(serializer)
    }
}

/// The body of `create_organization`.
///
/// ```
/// use mutagent_organizations::CreateOrganization;
/// let body = CreateOrganization::new("Acme", "acme").description("Rockets");
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json, serde_json::json!({"name": "Acme", "slug": "acme", "description": "Rockets"}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateOrganization {
    /// The display name (1 to 255 characters).
    pub name: String,
    /// The URL-friendly unique name (not empty).
    pub slug: String,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A logo URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The billing email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_email: Option<String>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Whether the server may add a suffix when the slug is taken (servers from API 0.4 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_suffix_slug: Option<bool>,
}

impl CreateOrganization {
    /// An organization with its name and slug.
    pub fn new(name: impl Into<String>, slug: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            slug: slug.into(),
            description: None,
            logo_url: None,
            billing_email: None,
            metadata: None,
            auto_suffix_slug: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the description.
        into description: String;
        /// Sets the logo URL.
        into logo_url: String;
        /// Sets the billing email.
        into billing_email: String;
        /// Sets the metadata.
        value metadata: Value;
        /// Lets the server add a suffix when the slug is taken.
        value auto_suffix_slug: bool;
    }
}

/// The body of `update_organization`. Unset fields are left out and keep their value; the
/// nullable ones can also be cleared (sent as `null`) with the `clear_*` setters.
///
/// ```
/// use mutagent_organizations::UpdateOrganization;
/// let body = UpdateOrganization::new().description("New").clear_logo_url().is_active(false);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"description": "New", "logoUrl": null, "isActive": false})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateOrganization {
    /// A new name (1 to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new slug (not empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The description: set, cleared or left alone.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub description: Patch<String>,
    /// The logo URL: set, cleared or left alone.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub logo_url: Patch<String>,
    /// The billing email: set, cleared or left alone.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub billing_email: Patch<String>,
    /// A new billing plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_plan: Option<String>,
    /// Activates or deactivates the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// The metadata: set, cleared or left alone.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub metadata: Patch<Value>,
}

impl UpdateOrganization {
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
        /// the logo URL
        into logo_url, clear_logo_url: String;
        /// the billing email
        into billing_email, clear_billing_email: String;
    }
    mutagent_core::setters! {
        /// Sets the billing plan.
        into billing_plan: String;
        /// Activates (`true`) or deactivates (`false`) the organization.
        value is_active: bool;
    }
    mutagent_core::patch_setters! {
        /// the metadata
        value metadata, clear_metadata: Value;
    }
}

/// Filters and paging of `list_organizations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListOrganizations {
    /// Paging: the page size (1 to 100) and how many organizations to skip.
    #[serde(flatten)]
    pub page: Page,
    /// Only organizations with this name.
    pub name: Option<String>,
    /// Only organizations on this billing plan.
    pub billing_plan: Option<String>,
    /// Only active (or only inactive) organizations.
    pub is_active: Option<bool>,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListOrganizations {
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
        /// Filters by name.
        into name: String;
        /// Filters by billing plan.
        into billing_plan: String;
        /// Filters by the active flag.
        value is_active: bool;
    }
}
