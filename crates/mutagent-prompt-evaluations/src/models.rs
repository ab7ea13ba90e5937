//! Evaluation models: what the API returns and what it takes.

use mutagent_core::ids::{DatasetId, EvaluationId, PromptGroupId, PromptId};
use mutagent_core::pagination::OffsetPage;
use mutagent_core::request::validate;
use mutagent_core::{Error, Page};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A page of evaluations: `{data, total, limit, offset, hasNext, hasPrevious}`.
pub type EvaluationList = OffsetPage<Evaluation>;

/// One version of an evaluation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Evaluation {
    /// The id of this version.
    pub id: EvaluationId,
    /// The prompt group it evaluates.
    pub prompt_group_id: PromptGroupId,
    /// The dataset it runs on, if fixed.
    #[serde(default)]
    pub dataset_id: Option<DatasetId>,
    /// The name.
    pub name: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// How outputs are judged (an open JSON object; see [`EvalConfig`]).
    #[serde(default)]
    pub eval_config: EvalConfig,
    /// Judge model settings, e.g. `{"model": "gpt-4o", "temperature": 0}`.
    #[serde(default)]
    pub llm_config: Value,
    /// Tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: Value,
    /// When it was created (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// The id shared by every version of this evaluation.
    pub evaluation_group_id: String,
    /// The version, e.g. `1.0.0`.
    pub version: String,
    /// The version this one was derived from.
    #[serde(default)]
    pub ancestor_id: Option<EvaluationId>,
    /// Whether this is the latest version of its group.
    pub is_latest: bool,
}

/// The `evalConfig` of an evaluation: how outputs are judged.
///
/// Public material describes this object in several incompatible ways, so it stays an open
/// JSON value: whatever the server sends is kept and sent back unchanged. The typed helpers
/// read and write the shape of the official SDK,
/// `{criteria: [{id?, name?, criteria, evaluationParameter, evaluationSteps?}], threshold?, model?}`.
///
/// ```
/// use mutagent_prompt_evaluations::{EvalConfig, EvalCriterion};
/// let config = EvalConfig::new()
///     .with_criterion(EvalCriterion::new("Is the answer polite?", "output").name("politeness"))
///     .with_threshold(0.8)
///     .with_model("gpt-4o");
/// assert_eq!(config.threshold(), Some(0.8));
/// assert_eq!(config.criteria().unwrap()[0].name.as_deref(), Some("politeness"));
/// assert_eq!(config.as_value()["criteria"][0]["evaluationParameter"], "output");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EvalConfig(Value);

impl EvalConfig {
    /// An empty configuration (`{}`).
    pub fn new() -> Self {
        Self(Value::Object(Map::new()))
    }

    /// The configuration as JSON, exactly as sent or received.
    pub fn as_value(&self) -> &Value {
        &self.0
    }

    /// The configuration as JSON.
    pub fn into_value(self) -> Value {
        self.0
    }

    /// The criteria, when present and in the official SDK's shape; `None` otherwise (read
    /// [`as_value`](Self::as_value) for other shapes).
    pub fn criteria(&self) -> Option<Vec<EvalCriterion>> {
        let criteria = self.0.get("criteria")?;
        // Read through `&Value`'s own deserializer rather than `from_value(criteria.clone())`:
        // the same result without cloning the JSON (a `BTreeMap` clone compiled for it).
        Vec::<EvalCriterion>::deserialize(criteria).ok()
    }

    /// The pass threshold, when present and a number.
    pub fn threshold(&self) -> Option<f64> {
        self.0.get("threshold").and_then(Value::as_f64)
    }

    /// The judge model, when present and a string.
    pub fn model(&self) -> Option<&str> {
        self.0.get("model").and_then(Value::as_str)
    }

    /// Appends a criterion to `criteria`.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn with_criterion(self, criterion: EvalCriterion) -> Self {
        let value = serde_json::to_value(criterion).unwrap_or(Value::Null);
        self.push("criteria", value)
    }

    /// Sets `threshold`.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn with_threshold(self, threshold: f64) -> Self {
        self.with_field("threshold", Value::from(threshold))
    }

    /// Sets `model`.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn with_model(self, model: impl Into<String>) -> Self {
        self.with_field("model", Value::String(model.into()))
    }

    /// Sets any field, for shapes the typed helpers do not cover.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn with_field(self, key: impl Into<String>, value: Value) -> Self {
        self.edit(|map| {
            map.insert(key.into(), value);
        })
    }

    fn push(self, key: &str, value: Value) -> Self {
        self.edit(|map| {
            let slot = map
                .entry(key.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            match slot {
                Value::Array(items) => items.push(value),
                other => *other = Value::Array(vec![value]),
            }
        })
    }

    /// Edits the object (a non-object value is replaced by an empty object first).
    fn edit(mut self, change: impl FnOnce(&mut Map<String, Value>)) -> Self {
        let mut map = match std::mem::take(&mut self.0) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        change(&mut map);
        self.0 = Value::Object(map);
        self
    }
}

impl From<Value> for EvalConfig {
    fn from(value: Value) -> Self {
        Self(value)
    }
}

impl From<EvalConfig> for Value {
    fn from(config: EvalConfig) -> Self {
        config.0
    }
}

/// One criterion of an [`EvalConfig`] in the official SDK's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EvalCriterion {
    /// An id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What is judged, in words.
    pub criteria: String,
    /// Which prompt variable or output field is judged.
    pub evaluation_parameter: String,
    /// Steps the judge follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_steps: Option<Vec<String>>,
}

impl EvalCriterion {
    /// A criterion: what is judged and on which parameter.
    pub fn new(criteria: impl Into<String>, evaluation_parameter: impl Into<String>) -> Self {
        Self {
            id: None,
            name: None,
            criteria: criteria.into(),
            evaluation_parameter: evaluation_parameter.into(),
            evaluation_steps: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the id.
        into id: String;
        /// Sets the name.
        into name: String;
        /// Sets the steps.
        list evaluation_steps: String;
    }
}

/// The body of `create_evaluation`.
///
/// ```
/// use mutagent_prompt_evaluations::{CreateEvaluation, EvalConfig};
/// let body = CreateEvaluation::new(7, "accuracy")
///     .dataset_id(3)
///     .eval_config(EvalConfig::new().with_threshold(0.7));
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json, serde_json::json!({
///     "promptId": 7, "datasetId": 3, "name": "accuracy", "evalConfig": {"threshold": 0.7}
/// }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateEvaluation {
    /// The prompt to evaluate.
    pub prompt_id: PromptId,
    /// The dataset to run on (optional for the API, but send it whenever known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_id: Option<DatasetId>,
    /// The name (1 to 255 characters).
    pub name: String,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How outputs are judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_config: Option<EvalConfig>,
    /// Judge model settings, e.g. `{"model": "gpt-4o", "temperature": 0}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm_config: Option<Value>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Free-form metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// The creator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

impl CreateEvaluation {
    /// An evaluation of `prompt_id` named `name`.
    pub fn new(prompt_id: impl Into<PromptId>, name: impl Into<String>) -> Self {
        Self {
            prompt_id: prompt_id.into(),
            dataset_id: None,
            name: name.into(),
            description: None,
            eval_config: None,
            llm_config: None,
            tags: None,
            metadata: None,
            created_by: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the dataset.
        into dataset_id: DatasetId;
        /// Sets the description.
        into description: String;
        /// Sets the judging configuration.
        into eval_config: EvalConfig;
        /// Sets the judge model settings.
        value llm_config: Value;
        /// Sets the tags.
        list tags: String;
        /// Sets the metadata.
        value metadata: Value;
        /// Sets the creator.
        into created_by: String;
    }
}

/// The body of `update_evaluation`. Unset fields are left out, so they keep their value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateEvaluation {
    /// A new name (1 to 255 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new judging configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_config: Option<EvalConfig>,
    /// New judge model settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm_config: Option<Value>,
    /// New tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// New metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl UpdateEvaluation {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the name.
        into name: String;
        /// Sets the description.
        into description: String;
        /// Sets the judging configuration.
        into eval_config: EvalConfig;
        /// Sets the judge model settings.
        value llm_config: Value;
        /// Sets the tags.
        list tags: String;
        /// Sets the metadata.
        value metadata: Value;
    }
}

/// Filters and paging of `list_evaluations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListEvaluations {
    /// Paging: the page size (1 to 100) and how many evaluations to skip.
    #[serde(flatten)]
    pub page: Page,
    /// Only evaluations of this prompt.
    pub prompt_id: Option<PromptId>,
    /// Only evaluations of this prompt group.
    pub prompt_group_id: Option<PromptGroupId>,
    /// Only evaluations on this dataset.
    pub dataset_id: Option<DatasetId>,
    /// Only evaluations with this name.
    pub name: Option<String>,
    /// Only evaluations created by this user.
    pub created_by: Option<String>,
    /// Only latest (or only older) versions.
    pub is_latest: Option<bool>,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListEvaluations checked by check_list_evaluations {
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
        /// Filters by prompt.
        into prompt_id: PromptId;
        /// Filters by prompt group.
        into prompt_group_id: PromptGroupId;
        /// Filters by dataset.
        into dataset_id: DatasetId;
        /// Filters by name.
        into name: String;
        /// Filters by creator.
        into created_by: String;
        /// Filters by latest flag.
        value is_latest: bool;
    }
}

/// The page, then the prompt and dataset filters (ids start at 1).
fn check_list_evaluations(params: &ListEvaluations, operation: &'static str) -> Result<(), Error> {
    params.page.check(operation)?;
    validate::positive_id(operation, "promptId", params.prompt_id)?;
    validate::positive_id(operation, "datasetId", params.dataset_id)
}

/// Optional parameters of `get_evaluation_results_aggregated` (the prompt group and the
/// grouping are required arguments of the method).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetEvaluationResultsAggregated {
    /// The time window, e.g. `7d` (values not documented by the API).
    pub time_range: Option<String>,
}

impl GetEvaluationResultsAggregated {
    /// No time window.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the time window.
        into time_range: String;
    }
}

/// The answer of `run_evaluation`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EvaluationRun {
    /// Whether the run was accepted.
    pub success: bool,
    /// A human-readable note.
    #[serde(default)]
    pub message: Option<String>,
    /// The evaluation that runs.
    pub evaluation_id: EvaluationId,
}

/// The latest result of an evaluation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EvaluationResult {
    /// The id of this result.
    pub id: i64,
    /// The evaluation it belongs to.
    pub evaluation_id: EvaluationId,
    /// What the prompt produced (shape not documented).
    #[serde(default)]
    pub actual_output: Value,
    /// Whether the run succeeded.
    pub success: bool,
    /// The overall score.
    #[serde(default)]
    pub score: Option<f64>,
    /// Per-metric results (shape not documented).
    #[serde(default)]
    pub metric_results: Value,
    /// How long the run took.
    #[serde(default)]
    pub execution_time: Option<f64>,
    /// When it was recorded (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
}

/// The answer of `get_evaluation_results_aggregated`: `{data, total}`; the rows' shape is
/// not documented.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EvaluationAggregationResults {
    /// One row per group.
    pub data: Vec<Value>,
    /// How many rows.
    #[serde(default)]
    pub total: u64,
}
