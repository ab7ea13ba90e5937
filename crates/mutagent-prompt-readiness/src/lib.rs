//! The `prompt_readiness` namespace of the MutagenT Rust SDK (API 0.1.2): whether a prompt
//! group has what the evaluation and optimization pipeline needs.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/prompt_readiness.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/prompt_readiness.md).
//!
//! The operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`PromptReadinessExt::prompt_readiness`].
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_prompt_readiness::PromptReadinessExt;
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let readiness = client
//!     .prompt_readiness()
//!     .get_prompt_readiness("6f1c0a52-1d7e-4a8e-9a51-2b3c4d5e6f70")
//!     .await?;
//! println!("{readiness:#}");
//! # Ok(()) }
//! ```

mod api;
pub mod operations;

pub use api::{PromptReadinessApi, PromptReadinessExt};
pub use mutagent_core::ids::PromptGroupId;
