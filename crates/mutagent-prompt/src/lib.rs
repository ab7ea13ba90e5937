//! The `prompt` namespace of the MutagenT Rust SDK: prompts and their versions.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/prompt.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/prompt.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through [`PromptExt::prompt`].
//!
//! At run time, [`Prompt::render`] (or [`PromptContent::render`]) fills a prompt's `{variables}`
//! with an app's values; the [`render`] module says which text counts as a variable.
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_prompt::{CreatePrompt, ListPrompts, PromptContent, PromptExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let prompt = client
//!     .prompt()
//!     .create_prompt(&CreatePrompt::new(
//!         "greeter",
//!         PromptContent::raw("Say hello to {name}."),
//!         serde_json::json!({"type": "object"}),
//!     ))
//!     .await?;
//! let page = client.prompt().list_prompts(&ListPrompts::new().limit(10)).await?;
//! println!("{} of {} prompts; created {}", page.data.len(), page.total, prompt.id);
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;
pub mod render;

pub use api::{PromptApi, PromptExt};
pub use models::{
    CreatePrompt, CreatePromptVersion, ListPrompts, Message, Prompt, PromptContent, PromptList,
    Role, UpdatePrompt,
};
pub use mutagent_core::ids::{PromptGroupId, PromptId};
pub use render::RenderError;
