//! The `workspaces` namespace of the MutagenT Rust SDK: workspaces within an organization.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/workspaces.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/workspaces.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through [`WorkspacesExt::workspaces`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_workspaces::{CreateWorkspace, ListWorkspaces, WorkspacesExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let staging = client
//!     .workspaces()
//!     .create_workspace(&CreateWorkspace::new("Staging", "staging"))
//!     .await?;
//! client.workspaces().set_default_workspace(&staging.id).await?;
//! let all = client.workspaces().list_workspaces(&ListWorkspaces::new()).await?;
//! for entry in &all.workspaces {
//!     println!("{} ({}), default: {}", entry.workspace.name, entry.role, entry.workspace.is_default);
//! }
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{WorkspacesApi, WorkspacesExt};
pub use models::{
    CreateWorkspace, ListWorkspaces, UpdateWorkspace, Workspace, WorkspaceList, WorkspaceWithRole,
};
pub use mutagent_core::ids::{OrganizationId, WorkspaceId};
pub use mutagent_core::models::SuccessResponse;
pub use mutagent_core::models::{Patch, WorkspaceRole};
