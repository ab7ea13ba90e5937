//! The `playground` namespace of the MutagenT Rust SDK (API 0.1.2): run a stored prompt once
//! against given variable values, or run it and score the output with an evaluation. Each run
//! is recorded as a prompt execution (see the `prompt_executions` namespace).
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/playground.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/playground.md).
//!
//! Both operations work with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`PlaygroundExt::playground`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_playground::{PlaygroundCall, PlaygroundEval, PlaygroundExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let input = serde_json::json!({"question": "Do you offer refunds?"});
//! let answer = client.playground().playground_call(7, &PlaygroundCall::new(input.clone())).await?;
//! println!("{:?}", answer.actual_output());
//! let scored = client.playground().playground_eval(7, &PlaygroundEval::new(input, 3)).await?;
//! println!("{:?}", scored.score());
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{PlaygroundApi, PlaygroundExt};
pub use models::{LlmConfig, PlaygroundCall, PlaygroundEval, PlaygroundResult};
pub use mutagent_core::ids::{EvaluationId, PromptId};
