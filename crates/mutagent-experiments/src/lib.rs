//! The `experiments` namespace of the MutagenT Rust SDK: experiments comparing models on a
//! prompt, an evaluation and a dataset — create, record or execute results, complete,
//! rename, delete.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/experiments.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/experiments.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`ExperimentsExt::experiments`].
//!
//! The API does not type any experiment answer. Answers decode into lenient structs
//! ([`Experiment`], [`ExperimentResult`], [`ExperimentList`]): every field is optional, and
//! unknown fields — or known ones holding a value of an unexpected type — are kept in
//! `extra` instead of failing the call.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_experiments::{CreateExperiment, ExperimentModel, ExperimentsExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let experiment = client
//!     .experiments()
//!     .create_experiment(&CreateExperiment::new(
//!         7,
//!         "6f1c7a2e-8d4b-4c1e-9a7f-2b3c4d5e6f70",
//!         5,
//!         3,
//!         [ExperimentModel::new("a", "gpt-4o", 0.0), ExperimentModel::new("b", "gpt-4o-mini", 0.0)],
//!     ))
//!     .await?;
//! // The contract lets the server leave the id out: `require_id` makes that a typed error.
//! let id = experiment.require_id()?.clone();
//! let done = client.experiments().execute_experiment(&id).await?;
//! println!("{:?}: {} results", done.status, done.results.map_or(0, |r| r.len()));
//! # Ok(()) }
//! ```

mod api;
mod lenient;
mod models;
pub mod operations;

pub use api::{ExperimentsApi, ExperimentsExt};
pub use models::{
    AddExperimentResult, CompleteExperiment, CompletionStatus, CreateExperiment, CriterionScore,
    DatasetItemRef, Experiment, ExperimentList, ExperimentModel, ExperimentResult,
    ExperimentStatus, ExperimentSummary, ListExperiments,
};
pub use mutagent_core::ids::{
    DatasetId, DatasetItemId, EvaluationId, ExperimentId, PromptGroupId, PromptId,
};
