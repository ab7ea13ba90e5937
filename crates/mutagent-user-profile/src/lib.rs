//! The `user_profile` namespace of the MutagenT Rust SDK: the calling user's own account under
//! `/api/users/me` (profile, password, account deletion) and login sessions.
//!
//! Every answer is untyped in the contract; [`UserProfile`] and [`UserSessions`] keep the JSON
//! whole and read the keys the contract's other models suggest.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/user_profile.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/user_profile.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`UserProfileExt::user_profile`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_user_profile::{UpdateProfile, UserProfileExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let me = client.user_profile().update_profile(&UpdateProfile::new().name("Ada")).await?;
//! let sessions = client.user_profile().list_user_sessions().await?;
//! println!("{:?} has {} session(s)", me.name(), sessions.sessions().len());
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{UserProfileApi, UserProfileExt};
pub use models::{ChangePassword, SessionId, UpdateProfile, UserProfile, UserSessions};
pub use mutagent_core::models::{Patch, Secret};
