//! The `organizations` namespace of the MutagenT Rust SDK: organizations, their slugs and
//! member counts.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/organizations.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/organizations.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`OrganizationsExt::organizations`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_organizations::{CreateOrganization, OrganizationsExt, UpdateOrganization};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let orgs = client.organizations();
//! let acme = orgs
//!     .create_organization(&CreateOrganization::new("Acme", "acme").description("Rockets"))
//!     .await?;
//! // Rename it and clear its description (sent as `null`).
//! let acme = orgs
//!     .update_organization(&acme.id, &UpdateOrganization::new().name("Acme Inc").clear_description())
//!     .await?;
//! let members = orgs.get_organization_member_count(&acme.id).await?;
//! println!("{} has {} member(s)", acme.name, members.count);
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{OrganizationsApi, OrganizationsExt};
pub use models::{
    CreateOrganization, ListOrganizations, MemberCount, Organization, OrganizationDeleted,
    OrganizationList, OrganizationWithRole, UpdateOrganization,
};
pub use mutagent_core::ids::OrganizationId;
pub use mutagent_core::models::SuccessResponse;
pub use mutagent_core::models::{OrganizationRole, Patch};
