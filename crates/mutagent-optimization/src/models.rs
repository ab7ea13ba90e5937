//! Optimization models: what the API returns and what it takes.

use std::ops::Deref;

use mutagent_core::ids::{DatasetId, EvaluationId, JobId, PromptGroupId, PromptId};
use mutagent_core::pagination::HasMorePage;
use mutagent_core::Page;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A page of optimization jobs: `{data, total, limit, offset, hasMore}`.
pub type OptimizationJobList = HasMorePage<OptimizationJob>;

mutagent_core::open_enum! {
    /// The state of an optimization job.
    pub enum JobStatus {
        /// Waiting to start.
        Queued = "queued",
        /// Waiting to start (the name older API versions use).
        Pending = "pending",
        /// Running iterations.
        Running = "running",
        /// Paused; resume it to go on.
        Paused = "paused",
        /// Finished; `resultPromptId` names the optimized prompt version.
        Completed = "completed",
        /// Stopped by an error (see `error`).
        Failed = "failed",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

impl JobStatus {
    /// Whether the job will not change any more: completed, failed or cancelled.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled
        )
    }

    /// Whether the job is waiting or running (not paused, not finished).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            JobStatus::Queued | JobStatus::Pending | JobStatus::Running
        )
    }

    /// Whether the job completed successfully.
    pub fn is_success(&self) -> bool {
        matches!(self, JobStatus::Completed)
    }
}

mutagent_core::open_enum! {
    /// How the server runs a job.
    pub enum ExecutionMode {
        /// The worker loop.
        WorkerLoop = "worker_loop",
        /// The Bun worker.
        BunWorker = "bun_worker",
    }
}

/// An optimization job.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OptimizationJob {
    /// The job id.
    pub id: JobId,
    /// The prompt being optimized.
    pub prompt_id: PromptId,
    /// Its prompt group.
    pub prompt_group_id: PromptGroupId,
    /// The dataset it optimizes against.
    pub dataset_id: DatasetId,
    /// The evaluation that scores iterations, if one was given.
    #[serde(default)]
    pub evaluation_id: Option<EvaluationId>,
    /// The state.
    pub status: JobStatus,
    /// How the server runs it.
    #[serde(default)]
    pub execution_mode: Option<ExecutionMode>,
    /// The job configuration as the server echoes it (shape not documented).
    #[serde(default)]
    pub config: Value,
    /// Progress in percent.
    #[serde(default)]
    pub progress: f64,
    /// Iterations done so far.
    #[serde(default)]
    pub current_iteration: u32,
    /// The iteration budget.
    #[serde(default)]
    pub max_iterations: u32,
    /// The stage of the current iteration (e.g. `executing`, `evaluating`).
    #[serde(default)]
    pub current_stage: Option<String>,
    /// The score of the latest iteration.
    #[serde(default)]
    pub current_score: Option<f64>,
    /// The best score so far.
    #[serde(default)]
    pub best_score: Option<f64>,
    /// The iteration that scored best.
    #[serde(default)]
    pub best_iteration: Option<u32>,
    /// The optimized prompt version, once the job completed.
    #[serde(default)]
    pub result_prompt_id: Option<PromptId>,
    /// Why the job failed.
    #[serde(default)]
    pub error: Option<String>,
    /// When it was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it started.
    #[serde(default)]
    pub started_at: Option<String>,
    /// When it finished.
    #[serde(default)]
    pub completed_at: Option<String>,
}

/// The answer of `get_optimization`: the job plus its latest state and recent events. It
/// dereferences to [`OptimizationJob`], so `status.best_score` reads the job's field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OptimizationJobStatus {
    /// The job.
    #[serde(flatten)]
    pub job: OptimizationJob,
    /// The latest iteration state (shape not documented).
    #[serde(default)]
    pub latest_state: Value,
    /// Recent events, e.g. `{eventType, iteration, stage, data}` (shape not documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_events: Option<Vec<Value>>,
}

impl Deref for OptimizationJobStatus {
    type Target = OptimizationJob;
    fn deref(&self) -> &OptimizationJob {
        &self.job
    }
}

/// The answer of `get_optimization_progress`: the score after each iteration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OptimizationScoreProgression {
    /// The job.
    pub job_id: JobId,
    /// One entry per iteration (shape not documented; typically `{iteration, score, ...}`).
    #[serde(default)]
    pub progression: Vec<Value>,
}

/// The answer of `get_optimization_states`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OptimizationStates {
    /// One entry per recorded state (shape not documented).
    #[serde(default)]
    pub states: Vec<Value>,
}

/// The answer of `get_optimization_results`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OptimizationResults {
    /// The job.
    pub job_id: JobId,
    /// The per-iteration scorecards (shape not documented; often `{rendered, data: [...]}`).
    #[serde(default)]
    pub scorecard: Value,
}

/// The body of `optimize_prompt`.
///
/// ```
/// use mutagent_optimization::{OptimizationConfig, OptimizePrompt};
/// let body = OptimizePrompt::new(3, OptimizationConfig::new(10).target_score(0.9).patience(3))
///     .evaluation_id(5);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({
///         "datasetId": 3,
///         "evaluationId": 5,
///         "config": {"maxIterations": 10, "targetScore": 0.9, "patience": 3}
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OptimizePrompt {
    /// The dataset to optimize against.
    pub dataset_id: DatasetId,
    /// The evaluation that scores iterations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_id: Option<EvaluationId>,
    /// The job configuration.
    pub config: OptimizationConfig,
    /// How the server should run the job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_mode: Option<ExecutionMode>,
}

impl OptimizePrompt {
    /// A job on `dataset_id` with `config`.
    pub fn new(dataset_id: impl Into<DatasetId>, config: OptimizationConfig) -> Self {
        Self {
            dataset_id: dataset_id.into(),
            evaluation_id: None,
            config,
            execution_mode: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the evaluation.
        into evaluation_id: EvaluationId;
        /// Sets the execution mode.
        into execution_mode: ExecutionMode;
    }
}

/// The `config` of an optimization job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OptimizationConfig {
    /// The iteration budget, 1 to 100.
    pub max_iterations: u32,
    /// Stop once this score (0 to 1) is reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_score: Option<f64>,
    /// Stop after this many iterations without improvement, 1 to 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patience: Option<u32>,
    /// Simulate without creating a prompt version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    /// The model for every stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The model that runs the prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_model: Option<String>,
    /// The model that rewrites the prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimization_model: Option<String>,
    /// The model that judges outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_model: Option<String>,
    /// The provider configuration for execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_provider_id: Option<String>,
    /// The provider configuration for evaluation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_provider_id: Option<String>,
    /// The provider configuration for optimization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimization_provider_id: Option<String>,
    /// Free-form tuning parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tuning_params: Option<Value>,
}

impl OptimizationConfig {
    /// A configuration with an iteration budget (1 to 100; the docs' default is 10).
    pub fn new(max_iterations: u32) -> Self {
        Self {
            max_iterations,
            target_score: None,
            patience: None,
            dry_run: None,
            model: None,
            execution_model: None,
            optimization_model: None,
            evaluation_model: None,
            execution_provider_id: None,
            evaluation_provider_id: None,
            optimization_provider_id: None,
            tuning_params: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the target score (0 to 1).
        value target_score: f64;
        /// Sets the patience (1 to 50).
        value patience: u32;
        /// Sets dry-run mode.
        value dry_run: bool;
        /// Sets the model for every stage.
        into model: String;
        /// Sets the execution model.
        into execution_model: String;
        /// Sets the optimization model.
        into optimization_model: String;
        /// Sets the evaluation model.
        into evaluation_model: String;
        /// Sets the execution provider configuration.
        into execution_provider_id: String;
        /// Sets the evaluation provider configuration.
        into evaluation_provider_id: String;
        /// Sets the optimization provider configuration.
        into optimization_provider_id: String;
        /// Sets the tuning parameters.
        value tuning_params: Value;
    }
}

/// Filters and paging of `list_optimizations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListOptimizations {
    /// Only jobs of this prompt group.
    pub prompt_group_id: Option<PromptGroupId>,
    /// Only jobs in this state.
    pub status: Option<JobStatus>,
    /// Paging: the page size (1 to 100) and how many jobs to skip.
    #[serde(flatten)]
    pub page: Page,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListOptimizations {
        /// Filters by prompt group.
        into prompt_group_id: PromptGroupId;
        /// Filters by state.
        into status: JobStatus;
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
    }
}
