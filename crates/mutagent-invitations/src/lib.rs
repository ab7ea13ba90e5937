//! The `invitations` namespace of the MutagenT Rust SDK: invitations to join an organization
//! (create, list, read, resend, delete). The invitee accepts outside the API, by following
//! the invitation's `invite_url`.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/invitations.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/invitations.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`InvitationsExt::invitations`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_invitations::{CreateInvitation, InvitationsExt, OrganizationRole, ResendInvitation};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let invite = client
//!     .invitations()
//!     .create_invitation("org_1", &CreateInvitation::new(OrganizationRole::Editor).email("dev@example.com"))
//!     .await?;
//! client.invitations().resend_invitation("org_1", &invite.id, &ResendInvitation::new()).await?;
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{InvitationsApi, InvitationsExt};
pub use models::{CreateInvitation, Invitation, InvitationId, InvitationList, ResendInvitation};
pub use mutagent_core::ids::OrganizationId;
pub use mutagent_core::models::{Listing, OrganizationRole, Secret, SuccessResponse};
