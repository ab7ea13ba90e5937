//! The `optimization` namespace of the MutagenT Rust SDK: prompt optimization jobs — start,
//! follow, pause, resume, cancel, read results.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/optimization.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/optimization.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`OptimizationExt::optimization`]. Following a job to its end, with progress and a
//! deadline, is `watch_optimization` (a `Stream` or an `Iterator` of snapshots) or
//! `wait_for_optimization` (a callback).
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use std::time::Duration;
//! use mutagent_core::Client;
//! use mutagent_optimization::{OptimizationConfig, OptimizationExt, OptimizePrompt, OptimizationWatchOptions};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let job = client
//!     .optimization()
//!     .optimize_prompt(7, &OptimizePrompt::new(3, OptimizationConfig::new(10).target_score(0.9)))
//!     .await?;
//! let options = OptimizationWatchOptions::new()
//!     .deadline(Duration::from_secs(15 * 60))
//!     .cancel_on_deadline(true);
//! let mut watch = client.optimization().watch_optimization(&job.id, options);
//! while let Some(progress) = watch.next().await {
//!     let progress = progress?;
//!     // e.g. "running iteration 2/5 (40%), stage evaluating, best score 0.712"
//!     println!("{progress}");
//!     if let Some(prompt) = progress.result_prompt_id() {
//!         println!("optimized prompt: {prompt}");
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! ## Outages and deadlines
//!
//! A poll that fails transiently (connection refused, a timeout, 408, 429, 5xx, after the
//! transport's own retries) does not end the watch: it yields nothing and the next poll
//! comes at the interval (or after the server's longer `Retry-After`). The watch ends with
//! [`PollsFailed`](mutagent_core::polling::WaitError::PollsFailed) (the count and the last
//! error) once [`max_failed_polls`](OptimizationWatchOptions::max_failed_polls) polls in a
//! row failed (default 5); any other error (401, 403, 404, an answer that cannot be read)
//! ends it at once.
//!
//! When the deadline expires the watch ends with [`DeadlineExceeded`](mutagent_core::polling::WaitError::DeadlineExceeded), which
//! carries the last snapshot and, with [`OptimizationWatchOptions::cancel_on_deadline`], the outcome of
//! cancelling the job. [`OptimizationWaitError`] converts into [`mutagent_core::Error`]
//! (as [`Error::Timeout`](mutagent_core::Error::Timeout)), so `?` works in code returning the
//! SDK's error.

mod api;
mod models;
pub mod operations;
mod watch;

pub use api::{OptimizationApi, OptimizationExt};
pub use models::{
    ExecutionMode, JobStatus, ListOptimizations, OptimizationConfig, OptimizationJob,
    OptimizationJobList, OptimizationJobStatus, OptimizationResults, OptimizationScoreProgression,
    OptimizationStates, OptimizePrompt,
};
pub use mutagent_core::ids::{DatasetId, EvaluationId, JobId, PromptGroupId, PromptId};
pub use watch::{
    CancelOutcome, OptimizationDeadlineExceeded, OptimizationProgress, OptimizationWaitError,
    OptimizationWatch, OptimizationWatchIter, OptimizationWatchOptions, WatchControl,
};
