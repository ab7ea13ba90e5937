//! The MutagenT Rust SDK.
//!
//! Manage prompts and their versions, build datasets, evaluate prompts, run prompt
//! optimization jobs, ingest and read traces, within organizations and workspaces — from async
//! code or blocking code, with the same calls.
//!
//! ```no_run
//! use mutagent::prelude::*;
//! use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), mutagent::Error> {
//!     // Reads MUTAGENT_API_KEY and MUTAGENT_SERVER_URL when not given here.
//!     let client = mutagent::Client::builder().build()?;
//!     let created = client
//!         .prompt()
//!         .create_prompt(&CreatePrompt::new(
//!             "greeter",
//!             PromptContent::chat("You are friendly.", "Greet {name}."),
//!             serde_json::json!({"type": "object"}),
//!         ))
//!         .await?;
//!     let page = client.prompt().list_prompts(&ListPrompts::new().limit(20)).await?;
//!     println!("created {}; {} prompts in all", created.id, page.total);
//!     Ok(())
//! }
//! ```
//!
//! The blocking client takes the same calls without `.await`:
//!
//! ```no_run
//! use mutagent::prelude::*;
//! # fn main() -> Result<(), mutagent::Error> {
//! let client = mutagent::BlockingClient::builder().build_blocking()?;
//! let tags = client.prompt().list_prompt_tags()?;
//! # let _ = tags; Ok(()) }
//! ```
//!
//! # Configuration
//!
//! See [`config`] for every setting with its environment variable and default.
//!
//! # Features
//!
//! Each API namespace is a Cargo feature, all on by default. Turn off default features and
//! pick the ones you use to compile less; or depend on a namespace crate alone.
//!
//! | feature | module | crate |
//! |---|---|---|
//! | `prompt` | [`prompt`] | `mutagent-prompt` |
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use mutagent_core::{
    blocking, config, env, error, http_client, ids, models, pagination, request, retry, ApiClient,
    ApiError, ApiRequest, BaseUrl, BlockingClient, CallOptions, Client, ClientBuilder, Config,
    ConfigError, DecodeError, Error, ItemStream, Method, Operation, Paginated, ResponseFuture,
    Result, RetryPolicy,
};

/// Prompts and their versions (feature `prompt`).
#[cfg(feature = "prompt")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompt")))]
pub use mutagent_prompt as prompt;

/// The extension traits that add the namespaces to both clients: `use mutagent::prelude::*;`.
pub mod prelude {
    pub use mutagent_core::ApiClient;
    #[cfg(feature = "prompt")]
    pub use mutagent_prompt::PromptExt as _;
}

/// Every API operation of the enabled namespaces, in contract order.
pub fn operations() -> Vec<&'static Operation> {
    let mut all: Vec<&'static Operation> = Vec::new();
    #[cfg(feature = "prompt")]
    all.extend_from_slice(mutagent_prompt::operations::OPERATIONS);
    all
}
