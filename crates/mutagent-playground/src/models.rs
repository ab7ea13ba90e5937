//! Playground models: the two request bodies (typed by the contract) and the answer (untyped
//! there, so kept as JSON with accessors).

use mutagent_core::ids::EvaluationId;
use mutagent_core::request::validate;
use mutagent_core::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Model settings of a playground run (`llmConfig`, `ModelTemperatureMaxTokens`); unset fields
/// are left to the server (the prompt's own settings, presumably).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LlmConfig {
    /// The model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The sampling temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// The output token cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
}

impl LlmConfig {
    /// No settings.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the model.
        into model: String;
        /// Sets the temperature.
        value temperature: f64;
        /// Sets the output token cap.
        value max_tokens: u32;
    }
}

/// The body of `playground_call` (`InputLlmConfig`): the template variable values, and
/// optionally model settings.
///
/// ```
/// use mutagent_playground::{LlmConfig, PlaygroundCall};
/// let body = PlaygroundCall::new(serde_json::json!({"name": "Ann"}))
///     .llm_config(LlmConfig::new().model("gpt-4o").temperature(0.2));
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"input": {"name": "Ann"}, "llmConfig": {"model": "gpt-4o", "temperature": 0.2}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlaygroundCall {
    /// The template variable values (a JSON object).
    pub input: Value,
    /// Model settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm_config: Option<LlmConfig>,
}

impl PlaygroundCall {
    /// A run with these variable values.
    pub fn new(input: Value) -> Self {
        Self {
            input,
            llm_config: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the model settings.
        value llm_config: LlmConfig;
    }
}

/// The body of `playground_eval` (`InputEvaluationIdLlmConfig`): the variable values, the
/// evaluation that scores the output, and optionally model settings.
///
/// ```
/// use mutagent_playground::PlaygroundEval;
/// let body = PlaygroundEval::new(serde_json::json!({"name": "Ann"}), 3);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"input": {"name": "Ann"}, "evaluationId": 3})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlaygroundEval {
    /// The template variable values (a JSON object).
    pub input: Value,
    /// The evaluation that scores the output (at least 1).
    pub evaluation_id: EvaluationId,
    /// Model settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm_config: Option<LlmConfig>,
}

impl PlaygroundEval {
    /// A scored run with these variable values.
    pub fn new(input: Value, evaluation_id: impl Into<EvaluationId>) -> Self {
        Self {
            input,
            evaluation_id: evaluation_id.into(),
            llm_config: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the model settings.
        value llm_config: LlmConfig;
    }
}

/// `input` must be an object (the template variable values), and a temperature a finite
/// number (JSON has no NaN: it would go out as `null`).
pub(crate) fn check_body(
    operation: &'static str,
    input: &Value,
    llm_config: Option<&LlmConfig>,
) -> Result<(), Error> {
    if !input.is_object() {
        return Err(Error::invalid_input(
            operation,
            "input",
            "must be a JSON object (the template variable values)",
        ));
    }
    validate::finite(
        operation,
        "llmConfig.temperature",
        llm_config.and_then(|config| config.temperature),
    )
}

/// The answer of a playground run, kept whole: the contract leaves it untyped.
///
/// The accessors read what the contract's execution record (`IdPromptIdWorkspaceId`) suggests a
/// run answers with; each is `None` when the server sends no such field (or another type).
///
/// ```
/// use mutagent_playground::PlaygroundResult;
/// let result: PlaygroundResult = serde_json::from_value(serde_json::json!({
///     "id": 4, "actualOutput": "Hi Ann!", "executionStatus": "success",
///     "runGroupId": "run-1", "score": 0.82, "success": true, "cost": 0.0001
/// })).unwrap();
/// assert_eq!(result.actual_output(), Some("Hi Ann!"));
/// assert_eq!(result.execution_id(), Some(4));
/// assert_eq!(result.score(), Some(0.82));
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(transparent)]
pub struct PlaygroundResult(pub Value);

impl PlaygroundResult {
    fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key)?.as_str()
    }
    fn number(&self, key: &str) -> Option<f64> {
        self.0.get(key)?.as_f64()
    }

    /// What the model answered (`actualOutput`, or `output`).
    pub fn actual_output(&self) -> Option<&str> {
        self.text("actualOutput").or_else(|| self.text("output"))
    }
    /// How the run ended (`executionStatus`: `success`, `failed`, `timeout`, `error`, …).
    pub fn execution_status(&self) -> Option<&str> {
        self.text("executionStatus")
    }
    /// The id of the recorded execution (`executionId`, or the record's own `id`), to look up
    /// with `prompt_executions().get_prompt_execution(..)`.
    pub fn execution_id(&self) -> Option<i64> {
        ["executionId", "id"]
            .iter()
            .find_map(|key| self.0.get(key)?.as_i64())
    }
    /// The run the execution was recorded under (`runGroupId`).
    pub fn run_group_id(&self) -> Option<&str> {
        self.text("runGroupId")
    }
    /// The model that ran.
    pub fn model(&self) -> Option<&str> {
        self.text("model")
    }
    /// How long it took (`executionTime`; milliseconds, presumably).
    pub fn execution_time(&self) -> Option<f64> {
        self.number("executionTime")
    }
    /// The cost (USD, presumably).
    pub fn cost(&self) -> Option<f64> {
        self.number("cost")
    }
    /// The token counts as sent (`tokenUsage`, presumably `{input, output, total}`).
    pub fn token_usage(&self) -> Option<&Value> {
        self.0.get("tokenUsage").filter(|usage| !usage.is_null())
    }
    /// The evaluation score (runs of `playground_eval`).
    pub fn score(&self) -> Option<f64> {
        self.number("score")
    }
    /// Whether the output passed the evaluation (runs of `playground_eval`).
    pub fn success(&self) -> Option<bool> {
        self.0.get("success")?.as_bool()
    }
}
