//! The `prompt_evaluations` namespace of the MutagenT Rust SDK: evaluations of prompts —
//! create, version, run, and read results, history and aggregates.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/prompt_evaluations.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/prompt_evaluations.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`PromptEvaluationsExt::prompt_evaluations`]. Running an evaluation and waiting for its
//! result, with a deadline, is one call: `run_evaluation_and_wait`.
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use std::time::Duration;
//! use mutagent_core::Client;
//! use mutagent_prompt_evaluations::{
//!     CreateEvaluation, EvalConfig, EvalCriterion, EvaluationWaitOptions, PromptEvaluationsExt,
//! };
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let evaluation = client
//!     .prompt_evaluations()
//!     .create_evaluation(
//!         &CreateEvaluation::new(7, "accuracy").dataset_id(3).eval_config(
//!             EvalConfig::new()
//!                 .with_criterion(EvalCriterion::new("Is the answer correct?", "output"))
//!                 .with_threshold(0.8),
//!         ),
//!     )
//!     .await?;
//! let result = client
//!     .prompt_evaluations()
//!     .run_evaluation_and_wait(evaluation.id, EvaluationWaitOptions::new().deadline(Duration::from_secs(120)))
//!     .await?;
//! println!("score: {:?}", result.score);
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;
mod wait;

pub use api::{PromptEvaluationsApi, PromptEvaluationsExt};
pub use models::{
    CreateEvaluation, EvalConfig, EvalCriterion, Evaluation, EvaluationAggregationResults,
    EvaluationList, EvaluationResult, EvaluationRun, GetEvaluationResultsAggregated,
    ListEvaluations, UpdateEvaluation,
};
pub use mutagent_core::ids::{DatasetId, EvaluationId, PromptGroupId, PromptId};
pub use wait::{EvaluationDeadlineExceeded, EvaluationWaitError, EvaluationWaitOptions};
