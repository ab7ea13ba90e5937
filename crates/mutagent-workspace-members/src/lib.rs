//! The `workspace_members` namespace of the MutagenT Rust SDK: the members of a workspace and
//! their roles. The member paths take the member's **user id**.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/workspace_members.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/workspace_members.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`WorkspaceMembersExt::workspace_members`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_workspace_members::{AddWorkspaceMember, WorkspaceMembersExt, WorkspaceRole};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let members = client.workspace_members();
//! members
//!     .add_workspace_member("ws_1", &AddWorkspaceMember::new("user_42", WorkspaceRole::Viewer))
//!     .await?;
//! members.update_workspace_member("ws_1", "user_42", WorkspaceRole::Editor).await?;
//! println!("{} member(s)", members.list_workspace_members("ws_1").await?.data.len());
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{WorkspaceMembersApi, WorkspaceMembersExt};
pub use models::{AddWorkspaceMember, WorkspaceMember, WorkspaceMemberList};
pub use mutagent_core::ids::{UserId, WorkspaceId};
pub use mutagent_core::models::{Listing, MemberUser, SuccessResponse, WorkspaceRole};
