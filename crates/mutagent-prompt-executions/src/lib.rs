//! The `prompt_executions` namespace of the MutagenT Rust SDK (API 0.1.2): recorded prompt
//! executions (one model call with its inputs, output, timing, token usage and cost) and the
//! playground runs that group them by `runGroupId`.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/prompt_executions.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/prompt_executions.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`PromptExecutionsExt::prompt_executions`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_prompt_executions::{
//!     CreatePromptExecution, ExecutionStatus, ListPromptExecutions, NewExecution,
//!     PromptExecutionsExt,
//! };
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let executions = client.prompt_executions();
//! let recorded = executions
//!     .create_prompt_execution(&CreatePromptExecution::new(
//!         7,
//!         NewExecution::new(serde_json::json!({"name": "Ann"}), "gpt-4o", "Hi Ann!", ExecutionStatus::Success),
//!     ))
//!     .await?;
//! let page = executions
//!     .list_prompt_executions(&ListPromptExecutions::new().prompt_id(7))
//!     .await?;
//! println!("{} recorded; {:?} in all", recorded.id, page.total());
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{PromptExecutionsApi, PromptExecutionsExt};
pub use models::{
    CreateBatchPromptExecution, CreatePromptExecution, ExecutionId, ExecutionStatus, ExecutionsCsv,
    ExportPromptExecutions, ListPlaygroundRuns, ListPromptExecutions, NewExecution, PlaygroundRun,
    PlaygroundRunList, PromptExecution, PromptExecutionList, RunId, TokenUsage,
};
pub use mutagent_core::ids::{PromptGroupId, PromptId};
