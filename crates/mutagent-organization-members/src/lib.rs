//! The `organization_members` namespace of the MutagenT Rust SDK: the members of an
//! organization and their roles. The member paths take the member's **user id**.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/organization_members.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/organization_members.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`OrganizationMembersExt::organization_members`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_organization_members::{AddOrganizationMember, OrganizationMembersExt, OrganizationRole};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let members = client.organization_members();
//! members
//!     .add_organization_member("org_1", &AddOrganizationMember::new("user_42", OrganizationRole::Viewer))
//!     .await?;
//! members.update_organization_member("org_1", "user_42", OrganizationRole::Editor).await?;
//! for member in members.list_organization_members("org_1").await?.data {
//!     println!("{} is {}", member.user_id, member.role);
//! }
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{OrganizationMembersApi, OrganizationMembersExt};
pub use models::{
    AddOrganizationMember, MembershipStatus, OrganizationMember, OrganizationMemberList,
};
pub use mutagent_core::ids::{OrganizationId, UserId};
pub use mutagent_core::models::{Listing, MemberUser, OrganizationRole, SuccessResponse};
