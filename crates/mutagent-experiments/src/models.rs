//! Experiment models. The API leaves every experiment answer untyped, so the answer types are
//! lenient: every field is optional, and anything unknown — or of an unexpected type — is
//! kept in `extra` rather than failing the call.

use mutagent_core::ids::{
    DatasetId, DatasetItemId, EvaluationId, ExperimentId, PromptGroupId, PromptId,
};
use mutagent_core::pagination::{next_page_offset, Paginated};
use mutagent_core::request::validate;
use mutagent_core::{Error, Page};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::lenient::Fields;

mutagent_core::open_enum! {
    /// The state of an experiment.
    pub enum ExperimentStatus {
        /// Collecting results.
        Running = "running",
        /// Done.
        Completed = "completed",
        /// Stopped by an error.
        Failed = "failed",
        /// Done with some results missing.
        Partial = "partial",
    }
}

/// An experiment: one prompt, evaluation and dataset, run against several models.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Experiment {
    /// The id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<ExperimentId>,
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_id: Option<PromptId>,
    /// The prompt group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_group_id: Option<PromptGroupId>,
    /// The evaluation that scores outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_id: Option<EvaluationId>,
    /// The dataset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_id: Option<DatasetId>,
    /// The compared models (one column each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<ExperimentModel>>,
    /// How many dataset items are used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_item_count: Option<i64>,
    /// The state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ExperimentStatus>,
    /// The summary given on completion (typically `{totalEvaluations,
    /// completedEvaluations, perModelStats}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Value>,
    /// The results, when the server includes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<ExperimentResult>>,
    /// How many results were recorded, when the server says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_count: Option<i64>,
    /// Who created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// When it was created (ISO 8601 text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When it was last updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// When it was completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// Every other field, and any field whose value had an unexpected type.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Experiment {
    /// The experiment's id, which the calls that take an experiment need
    /// ([`add_experiment_result`](crate::ExperimentsApi::add_experiment_result),
    /// [`complete_experiment`](crate::ExperimentsApi::complete_experiment), …).
    ///
    /// # Errors
    ///
    /// [`Error::Unexpected`] (operation `Experiment::require_id`, not retryable) when the
    /// server left the `id` out, which the contract allows: a typed error to `?` on, rather
    /// than an `Option` that is easy to skip past silently.
    pub fn require_id(&self) -> Result<&ExperimentId, Error> {
        self.id.as_ref().ok_or(Error::Unexpected {
            operation: "Experiment::require_id",
            reason: "the server's experiment has no `id` (the contract lets it leave the field \
                     out), so no call that takes the experiment's id can be made for it"
                .into(),
            source: None,
        })
    }
}

impl<'de> Deserialize<'de> for Experiment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(Map::deserialize(deserializer)?);
        Ok(Self {
            id: f.take("id"),
            name: f.take("name"),
            prompt_id: f.take_int("promptId").map(PromptId),
            prompt_group_id: f.take("promptGroupId"),
            evaluation_id: f.take_int("evaluationId").map(EvaluationId),
            dataset_id: f.take_int("datasetId").map(DatasetId),
            models: f.take("models"),
            dataset_item_count: f.take_int("datasetItemCount"),
            status: f.take("status"),
            summary: f.take("summary"),
            results: f.take("results"),
            result_count: f.take_int("resultCount"),
            created_by: f.take("createdBy"),
            created_at: f.take("createdAt"),
            updated_at: f.take("updatedAt"),
            completed_at: f.take("completedAt"),
            extra: f.rest(),
        })
    }
}

/// One recorded output of one model on one dataset item.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExperimentResult {
    /// The id of the result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The experiment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<ExperimentId>,
    /// The dataset item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_item_id: Option<DatasetItemRef>,
    /// The position of the item in the dataset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_item_index: Option<i64>,
    /// The model column (`models[].id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_column_id: Option<String>,
    /// What the model produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_score: Option<f64>,
    /// Whether it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_passed: Option<bool>,
    /// The latency in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// An error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The trace of the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Per-criterion scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_criteria: Option<Vec<CriterionScore>>,
    /// When it was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Every other field, and any field whose value had an unexpected type.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for ExperimentResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(Map::deserialize(deserializer)?);
        Ok(Self {
            id: f.take("id"),
            experiment_id: f.take("experimentId"),
            dataset_item_id: f.take("datasetItemId"),
            dataset_item_index: f.take_int("datasetItemIndex"),
            model_column_id: f.take("modelColumnId"),
            output: f.take("output"),
            eval_score: f.take_number("evalScore"),
            eval_passed: f.take("evalPassed"),
            latency_ms: f.take_number("latencyMs"),
            error: f.take("error"),
            trace_id: f.take("traceId"),
            eval_criteria: f.take("evalCriteria"),
            created_at: f.take("createdAt"),
            extra: f.rest(),
        })
    }
}

/// A page of experiments. The API does not type it; this reads the usual offset envelope
/// (`{data, total, limit, offset, hasNext|hasMore, ...}`) or a bare array.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExperimentList {
    /// The experiments of this page.
    pub data: Vec<Experiment>,
    /// How many match in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// The page size used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The offset of the first experiment of this page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Whether a next page exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_next: Option<bool>,
    /// Whether a previous page exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_previous: Option<bool>,
    /// Whether more experiments follow (the other flag name some endpoints use).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for ExperimentList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = match Value::deserialize(deserializer)? {
            Value::Array(items) => {
                return Ok(Self {
                    data: experiments(items)?,
                    ..Self::default()
                });
            }
            Value::Object(map) => map,
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a list of experiments, got {other}"
                )))
            }
        };
        let mut f = Fields::new(map);
        let data = match f.take_value("data") {
            None => Vec::new(),
            Some(Value::Array(items)) => experiments(items)?,
            Some(other) => {
                return Err(serde::de::Error::custom(format!(
                    "`data` must be a list of experiments (got {})",
                    mutagent_core::models::json_kind(&other)
                )))
            }
        };
        Ok(Self {
            data,
            total: f.take("total"),
            limit: f.take("limit"),
            offset: f.take("offset"),
            has_next: f.take("hasNext"),
            has_previous: f.take("hasPrevious"),
            has_more: f.take("hasMore"),
            extra: f.rest(),
        })
    }
}

/// The experiments of a page, each decoded on its own. Unlike a field of an unexpected type,
/// which stays in `extra`, an element that is not an experiment fails the page with its place
/// named: keeping the page without it would hand out a page, or end a walk, short of what the
/// server sent, and say nothing.
fn experiments<E: serde::de::Error>(items: Vec<Value>) -> Result<Vec<Experiment>, E> {
    let mut data = Vec::with_capacity(items.len());
    for (at, item) in items.into_iter().enumerate() {
        let experiment = Experiment::deserialize(item)
            .map_err(|err| E::custom(format!("`data[{at}]` is not an experiment: {err}")))?;
        data.push(experiment);
    }
    Ok(data)
}

impl ExperimentList {
    /// The offset of the next page (`offset` + the experiments of this one) when more follow,
    /// by the rule of core's pages and of
    /// [`list_experiments_all`](crate::ExperimentsApi::list_experiments_all)
    /// ([`next_page_offset`](mutagent_core::pagination::next_page_offset)): while `total` says
    /// experiments remain, whatever `hasNext`/`hasMore` say (a flag derived from the asked
    /// `limit` can say no more too early); by the flag when the page states no `total`. For
    /// paging by hand: `params.offset(next)`.
    ///
    /// `None` on the last page, on an empty one, where the next offset would reach `total`
    /// even if the page claims more (a walk ends there too, so a loop paging by hand ends as
    /// well), and on a page that does not state its own `offset` (a bare array, or an
    /// envelope without it; the API leaves the answer untyped): the next page then starts at
    /// the offset you asked for plus `data.len()`, which only the caller knows.
    ///
    /// ```
    /// use mutagent_experiments::ExperimentList;
    /// let page: ExperimentList = serde_json::from_str(
    ///     r#"{"data": [{"id": "a"}, {"id": "b"}], "total": 5, "limit": 2, "offset": 2}"#,
    /// ).unwrap();
    /// assert_eq!(page.next_offset(), Some(4));
    /// ```
    pub fn next_offset(&self) -> Option<u64> {
        // Without a total, `has_more` is the flag alone.
        next_page_offset(self.offset?, self.data.len(), self.total, self.has_more())
    }
}

impl Paginated for ExperimentList {
    type Item = Experiment;

    /// `hasNext`, else `hasMore`, else `offset + data.len() < total`, else no.
    fn has_more(&self) -> bool {
        self.has_next
            .or(self.has_more)
            .unwrap_or_else(|| match (self.total, self.offset) {
                (Some(total), Some(offset)) => {
                    offset.saturating_add(self.data.len() as u64) < total
                }
                _ => false,
            })
    }

    fn into_items(self) -> Vec<Experiment> {
        self.data
    }

    /// `offset` when the page has one (a bare array or an envelope without it: `None`).
    fn echoed_offset(&self) -> Option<u64> {
        self.offset
    }

    /// `total` when the page has one.
    fn total(&self) -> Option<u64> {
        self.total
    }
}

/// A dataset item as experiments name it: by number (the item id) or by string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatasetItemRef {
    /// A numeric item id.
    Id(i64),
    /// A string key.
    Key(String),
}

impl Serialize for DatasetItemRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DatasetItemRef::Id(id) => serializer.serialize_i64(*id),
            DatasetItemRef::Key(key) => serializer.serialize_str(key),
        }
    }
}

impl<'de> Deserialize<'de> for DatasetItemRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(n) => n
                .as_i64()
                .map(DatasetItemRef::Id)
                .ok_or_else(|| serde::de::Error::custom("a dataset item id must be an integer")),
            Value::String(key) => Ok(DatasetItemRef::Key(key)),
            other => Err(serde::de::Error::custom(format!(
                "expected a dataset item id, got {other}"
            ))),
        }
    }
}

impl From<DatasetItemId> for DatasetItemRef {
    fn from(id: DatasetItemId) -> Self {
        DatasetItemRef::Id(id.get())
    }
}

impl From<i64> for DatasetItemRef {
    fn from(id: i64) -> Self {
        DatasetItemRef::Id(id)
    }
}

impl From<&str> for DatasetItemRef {
    fn from(key: &str) -> Self {
        DatasetItemRef::Key(key.to_owned())
    }
}

impl From<String> for DatasetItemRef {
    fn from(key: String) -> Self {
        DatasetItemRef::Key(key)
    }
}

/// One compared model: a column id, the model and its temperature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExperimentModel {
    /// The column id (results name it as `modelColumnId`).
    pub id: String,
    /// The model, e.g. `gpt-4o`.
    pub model: String,
    /// The sampling temperature.
    pub temperature: f64,
}

impl ExperimentModel {
    /// A model column.
    pub fn new(id: impl Into<String>, model: impl Into<String>, temperature: f64) -> Self {
        Self {
            id: id.into(),
            model: model.into(),
            temperature,
        }
    }
}

/// The score of one criterion in a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CriterionScore {
    /// The criterion.
    pub name: String,
    /// The score, 0 to 1.
    pub score: f64,
    /// Whether it passed.
    pub passed: bool,
    /// What the criterion checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Why the judge decided so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl CriterionScore {
    /// A criterion score.
    pub fn new(name: impl Into<String>, score: f64, passed: bool) -> Self {
        Self {
            name: name.into(),
            score,
            passed,
            description: None,
            reason: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the description.
        into description: String;
        /// Sets the reason.
        into reason: String;
    }
}

/// The body of `create_experiment`.
///
/// ```
/// use mutagent_experiments::{CreateExperiment, ExperimentModel};
/// let body = CreateExperiment::new(
///     7,
///     "6f1c7a2e-8d4b-4c1e-9a7f-2b3c4d5e6f70",
///     5,
///     3,
///     [ExperimentModel::new("a", "gpt-4o", 0.0), ExperimentModel::new("b", "claude-sonnet", 0.7)],
/// )
/// .name("4o vs sonnet");
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json["models"][1]["model"], "claude-sonnet");
/// assert!(json.get("datasetItemCount").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateExperiment {
    /// The prompt.
    pub prompt_id: PromptId,
    /// The prompt's group.
    pub prompt_group_id: PromptGroupId,
    /// The evaluation that scores outputs.
    pub evaluation_id: EvaluationId,
    /// The dataset.
    pub dataset_id: DatasetId,
    /// The compared models.
    pub models: Vec<ExperimentModel>,
    /// How many dataset items to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_item_count: Option<u64>,
    /// The name (1 to 255 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl CreateExperiment {
    /// An experiment comparing `models` on a prompt, evaluation and dataset.
    pub fn new(
        prompt_id: impl Into<PromptId>,
        prompt_group_id: impl Into<PromptGroupId>,
        evaluation_id: impl Into<EvaluationId>,
        dataset_id: impl Into<DatasetId>,
        models: impl IntoIterator<Item = ExperimentModel>,
    ) -> Self {
        Self {
            prompt_id: prompt_id.into(),
            prompt_group_id: prompt_group_id.into(),
            evaluation_id: evaluation_id.into(),
            dataset_id: dataset_id.into(),
            models: models.into_iter().collect(),
            dataset_item_count: None,
            name: None,
        }
    }
    mutagent_core::setters! {
        /// Sets how many dataset items to use.
        value dataset_item_count: u64;
        /// Sets the name.
        into name: String;
    }
}

/// How an experiment ended (the `status` of `complete_experiment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CompletionStatus {
    /// Every result is in.
    Completed,
    /// It failed.
    Failed,
    /// Some results are missing.
    Partial,
}

/// The `summary` of `complete_experiment`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExperimentSummary {
    /// How many evaluations were planned.
    pub total_evaluations: u64,
    /// How many were done.
    pub completed_evaluations: u64,
    /// Statistics per model column (shape not documented; `{}` by default).
    pub per_model_stats: Value,
}

impl ExperimentSummary {
    /// A summary with empty per-model statistics.
    pub fn new(total_evaluations: u64, completed_evaluations: u64) -> Self {
        Self {
            total_evaluations,
            completed_evaluations,
            per_model_stats: Value::Object(Map::new()),
        }
    }
    mutagent_core::setters! {
        /// Sets the per-model statistics.
        set per_model_stats: Value;
    }
}

/// The body of `complete_experiment`: `{status, summary, completedAt}`.
///
/// ```
/// use mutagent_experiments::{CompleteExperiment, CompletionStatus, ExperimentSummary};
/// let body = CompleteExperiment::new(CompletionStatus::Completed, ExperimentSummary::new(4, 4))
///     .completed_at("2026-11-01T10:00:00.000Z");
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json["status"], "completed");
/// assert_eq!(json["summary"]["perModelStats"], serde_json::json!({}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CompleteExperiment {
    /// How it ended.
    pub status: CompletionStatus,
    /// The summary.
    pub summary: ExperimentSummary,
    /// When it ended (ISO 8601; [`new`](Self::new) sets the current time).
    pub completed_at: String,
}

impl CompleteExperiment {
    /// Completes now (`completedAt` is the current UTC time).
    pub fn new(status: CompletionStatus, summary: ExperimentSummary) -> Self {
        Self {
            status,
            summary,
            completed_at: now_rfc3339(),
        }
    }
    /// Sets when it ended (ISO 8601 text).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn completed_at(mut self, at: impl Into<String>) -> Self {
        self.completed_at = at.into();
        self
    }
}

/// The body of `add_experiment_result`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AddExperimentResult {
    /// The dataset item.
    pub dataset_item_id: DatasetItemRef,
    /// Its position in the dataset.
    pub dataset_item_index: u64,
    /// The model column (`models[].id`).
    pub model_column_id: String,
    /// What the model produced (not empty).
    pub output: String,
    /// The score: a nullable number with no stated range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_score: Option<f64>,
    /// Whether it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_passed: Option<bool>,
    /// The latency in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// An error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The trace of the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Per-criterion scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_criteria: Option<Vec<CriterionScore>>,
}

impl AddExperimentResult {
    /// The output of model column `model_column_id` on one dataset item.
    pub fn new(
        dataset_item_id: impl Into<DatasetItemRef>,
        dataset_item_index: u64,
        model_column_id: impl Into<String>,
        output: impl Into<String>,
    ) -> Self {
        Self {
            dataset_item_id: dataset_item_id.into(),
            dataset_item_index,
            model_column_id: model_column_id.into(),
            output: output.into(),
            eval_score: None,
            eval_passed: None,
            latency_ms: None,
            error: None,
            trace_id: None,
            eval_criteria: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the score (any finite number: the contract states no range).
        value eval_score: f64;
        /// Sets whether it passed.
        value eval_passed: bool;
        /// Sets the latency in milliseconds.
        value latency_ms: f64;
        /// Sets the error message.
        into error: String;
        /// Sets the trace id.
        into trace_id: String;
    }
    /// Sets the per-criterion scores.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn eval_criteria(mut self, criteria: impl IntoIterator<Item = CriterionScore>) -> Self {
        self.eval_criteria = Some(criteria.into_iter().collect());
        self
    }
}

/// Filters and paging of `list_experiments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListExperiments {
    /// Only experiments on this prompt.
    pub prompt_id: Option<PromptId>,
    /// Only experiments in this prompt group.
    pub prompt_group_id: Option<PromptGroupId>,
    /// Only experiments in this state.
    pub status: Option<ExperimentStatus>,
    /// Only experiments created by this user.
    pub created_by: Option<String>,
    /// Paging: the page size (1 to 100) and how many experiments to skip.
    #[serde(flatten)]
    pub page: Page,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListExperiments checked by check_list_experiments {
        /// Filters by prompt.
        into prompt_id: PromptId;
        /// Filters by prompt group.
        into prompt_group_id: PromptGroupId;
        /// Filters by state.
        into status: ExperimentStatus;
        /// Filters by creator.
        into created_by: String;
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
    }
}

/// The page, then the prompt filter (ids start at 1).
fn check_list_experiments(params: &ListExperiments, operation: &'static str) -> Result<(), Error> {
    params.page.check(operation)?;
    validate::positive_id(operation, "promptId", params.prompt_id)
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn now_rfc3339() -> String {
    rfc3339_millis(SystemTime::now())
}

/// `time` as `YYYY-MM-DDTHH:MM:SS.mmmZ`, clamped to what RFC 3339 and humantime can write:
/// humantime panics on a time before 1970 and fails on one from the year 10000 on, and a
/// machine's clock can be set to either.
fn rfc3339_millis(time: SystemTime) -> String {
    // 10000-01-01T00:00:00Z, less one millisecond: the last instant with four year digits.
    const LAST: Duration = Duration::from_millis(253_402_300_800_000 - 1);
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    humantime::format_rfc3339_millis(UNIX_EPOCH + since_epoch.min(LAST)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(json: Value) -> ExperimentList {
        serde_json::from_value(json).expect("a page")
    }

    #[test]
    fn next_offset_follows_the_experiments_until_the_last_page() {
        let two = || vec![json!({"id": "a"}), json!({"id": "b"})];
        // More follow (by either flag, or by the total): offset + this page's experiments.
        let flagged = page(json!({"data": two(), "total": 5, "offset": 2, "hasNext": true}));
        assert_eq!(flagged.next_offset(), Some(4));
        let has_more = page(json!({"data": two(), "offset": 2, "hasMore": true}));
        assert_eq!(has_more.next_offset(), Some(4));
        let by_total = page(json!({"data": two(), "total": 5, "offset": 0}));
        assert_eq!(by_total.next_offset(), Some(2));
        // The last page, by flag (when there is no total) or by total.
        let last = page(json!({"data": two(), "offset": 2, "hasNext": false}));
        assert_eq!(last.next_offset(), None);
        // A flag that says no more while the total says more: the count wins, as in a walk.
        let early = page(json!({"data": two(), "total": 5, "offset": 2, "hasNext": false}));
        assert_eq!(early.next_offset(), Some(4));
        let at_total = page(json!({"data": two(), "total": 4, "offset": 2}));
        assert_eq!(at_total.next_offset(), None);
        // A page claiming more though the next offset reaches the total, an empty page
        // claiming more: no next page (a walk ends there too).
        let stuck = page(json!({"data": two(), "total": 4, "offset": 2, "hasNext": true}));
        assert_eq!(stuck.next_offset(), None);
        let empty = page(json!({"data": [], "total": 9, "offset": 2, "hasNext": true}));
        assert_eq!(empty.next_offset(), None);
        // Without its own offset the page cannot say where the next starts.
        let no_offset = page(json!({"data": two(), "total": 9, "hasNext": true}));
        assert_eq!(no_offset.next_offset(), None);
        let bare = page(json!(two()));
        assert_eq!(bare.next_offset(), None);
    }

    #[test]
    fn completion_times_out_of_range_are_clamped_not_a_panic() {
        assert_eq!(rfc3339_millis(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let before = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(rfc3339_millis(before), "1970-01-01T00:00:00.000Z");
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(rfc3339_millis(far), "9999-12-31T23:59:59.999Z");
        let in_range = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(rfc3339_millis(in_range), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn completion_time_is_rfc3339_utc_with_milliseconds() {
        let text = now_rfc3339();
        assert_eq!(text.len(), 24, "{text}");
        assert!(text.ends_with('Z') && text.as_bytes()[10] == b'T', "{text}");
        let parsed = chrono::DateTime::parse_from_rfc3339(&text).expect("RFC 3339");
        let age = chrono::Utc::now().signed_duration_since(parsed);
        assert!(age.num_seconds().abs() < 60, "{text}");
    }
}
