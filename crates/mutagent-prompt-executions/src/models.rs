//! Prompt execution models: what the API returns and what it takes.
//!
//! Only the execution record and the request bodies have a shape in the contract (API 0.1.2,
//! `IdPromptIdWorkspaceId`, `PromptIdInputsModel`, `PromptIdExecutions`); every other answer
//! is untyped there, so it is kept as JSON with accessors for what the records suggest.

use mutagent_core::ids::{PromptGroupId, PromptId};
use mutagent_core::request::validate;
use mutagent_core::{Error, Page, QueryParams};
use serde::{Deserialize, Serialize};
use serde_json::Value;

mutagent_core::int_id! {
    /// The id of a recorded prompt execution (an integer, at least 1).
    pub struct ExecutionId;
}

mutagent_core::string_id! {
    /// The id of a playground run: the `runGroupId` its executions share.
    pub struct RunId;
}

mutagent_core::open_enum! {
    /// How an execution ended.
    pub enum ExecutionStatus {
        /// The model answered.
        Success = "success",
        /// The call failed.
        Failed = "failed",
        /// The call timed out.
        Timeout = "timeout",
        /// The call ended in an error.
        Error = "error",
    }
}

/// Token counts of one execution: `{input, output, total}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenUsage {
    /// Input (prompt) tokens.
    pub input: u64,
    /// Output (completion) tokens.
    pub output: u64,
    /// All tokens.
    pub total: u64,
}

impl TokenUsage {
    /// Input and output tokens; `total` is their sum.
    pub fn new(input: u64, output: u64) -> Self {
        Self {
            input,
            output,
            total: input.saturating_add(output),
        }
    }
}

/// A recorded prompt execution: the answer of create and get (`IdPromptIdWorkspaceId`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromptExecution {
    /// The id.
    pub id: ExecutionId,
    /// The prompt that ran (`null` once the prompt is gone, presumably).
    #[serde(default)]
    pub prompt_id: Option<PromptId>,
    /// The workspace it was recorded in.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// The template variable values it ran with (any JSON).
    #[serde(default)]
    pub inputs: Value,
    /// The model that ran.
    #[serde(default)]
    pub model: String,
    /// What the model answered.
    #[serde(default)]
    pub actual_output: String,
    /// How it ended (free text in answers; the request values are [`ExecutionStatus`]'s).
    pub execution_status: ExecutionStatus,
    /// How long it took (the unit is not stated; milliseconds, presumably).
    #[serde(default)]
    pub execution_time: Option<f64>,
    /// The error, when it failed.
    #[serde(default)]
    pub execution_error: Option<String>,
    /// The sampling temperature.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// The output token cap, as recorded (the contract states no sign for the record; the ≥ 1
    /// rule is the request bodies').
    #[serde(default)]
    pub max_tokens: Option<i64>,
    /// Token usage as sent (any JSON; see [`PromptExecution::token_counts`]).
    #[serde(default)]
    pub token_usage: Value,
    /// The cost (the currency is not stated; USD, presumably).
    #[serde(default)]
    pub cost: Option<f64>,
    /// The run it belongs to, if any (see [`RunId`]).
    #[serde(default)]
    pub run_group_id: Option<RunId>,
    /// The score, for evaluated runs.
    #[serde(default)]
    pub score: Option<f64>,
    /// Whether it passed, for evaluated runs.
    #[serde(default)]
    pub success: Option<bool>,
    /// When it was recorded (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
}

impl PromptExecution {
    /// `token_usage` read as `{input, output, total}`, when it has that shape.
    ///
    /// ```
    /// use mutagent_prompt_executions::PromptExecution;
    /// let execution: PromptExecution = serde_json::from_value(serde_json::json!({
    ///     "id": 1, "executionStatus": "success",
    ///     "tokenUsage": {"input": 12, "output": 30, "total": 42}
    /// })).unwrap();
    /// assert_eq!(execution.token_counts().map(|t| t.total), Some(42));
    /// ```
    pub fn token_counts(&self) -> Option<TokenUsage> {
        TokenUsage::deserialize(&self.token_usage).ok()
    }
}

/// The fields of one execution to record, shared by [`CreatePromptExecution`] and each element
/// of [`CreateBatchPromptExecution`] (`InputsModelActualOutput`).
///
/// ```
/// use mutagent_prompt_executions::{ExecutionStatus, NewExecution, TokenUsage};
/// let execution = NewExecution::new(
///     serde_json::json!({"question": "Hi?"}),
///     "gpt-4o",
///     "Hello!",
///     ExecutionStatus::Success,
/// )
/// .execution_time(412.0)
/// .token_usage(TokenUsage::new(12, 3));
/// assert_eq!(
///     serde_json::to_value(&execution).unwrap(),
///     serde_json::json!({
///         "inputs": {"question": "Hi?"}, "model": "gpt-4o", "actualOutput": "Hello!",
///         "executionStatus": "success", "executionTime": 412.0,
///         "tokenUsage": {"input": 12, "output": 3, "total": 15}
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewExecution {
    /// The template variable values (a JSON object).
    pub inputs: Value,
    /// The model (not empty).
    pub model: String,
    /// What the model answered.
    pub actual_output: String,
    /// How it ended.
    pub execution_status: ExecutionStatus,
    /// How long it took (at least 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_time: Option<f64>,
    /// The error, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_error: Option<String>,
    /// The sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// The output token cap (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Token counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_usage: Option<TokenUsage>,
    /// The cost (at least 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

impl NewExecution {
    /// An execution with what the contract requires: inputs, model, output and status.
    pub fn new(
        inputs: Value,
        model: impl Into<String>,
        actual_output: impl Into<String>,
        execution_status: ExecutionStatus,
    ) -> Self {
        Self {
            inputs,
            model: model.into(),
            actual_output: actual_output.into(),
            execution_status,
            execution_time: None,
            execution_error: None,
            temperature: None,
            max_tokens: None,
            token_usage: None,
            cost: None,
        }
    }
    mutagent_core::setters! {
        /// Sets how long it took (at least 0).
        value execution_time: f64;
        /// Sets the error text.
        into execution_error: String;
        /// Sets the temperature.
        value temperature: f64;
        /// Sets the output token cap (at least 1).
        value max_tokens: u32;
        /// Sets the token counts.
        value token_usage: TokenUsage;
        /// Sets the cost (at least 0).
        value cost: f64;
    }

    /// The contract's constraints, checked before sending; `at` prefixes field names (an
    /// element of a batch is `executions[2].model`).
    pub(crate) fn check(&self, operation: &'static str, at: &str) -> Result<(), Error> {
        let field = |name: &str| format!("{at}{name}");
        if !self.inputs.is_object() {
            return Err(Error::invalid_input(
                operation,
                field("inputs"),
                "must be a JSON object (the template variable values)",
            ));
        }
        if self.model.is_empty() {
            return Err(Error::invalid_input(
                operation,
                field("model"),
                "must not be empty",
            ));
        }
        for (name, value) in [("executionTime", self.execution_time), ("cost", self.cost)] {
            validate::non_negative(operation, field(name), value)?;
        }
        validate::finite(operation, field("temperature"), self.temperature)?;
        if self.max_tokens == Some(0) {
            return Err(Error::invalid_input(
                operation,
                field("maxTokens"),
                "must be at least 1 (got 0)",
            ));
        }
        Ok(())
    }
}

/// The body of `create_prompt_execution` (`PromptIdInputsModel`): a prompt and one execution.
///
/// ```
/// use mutagent_prompt_executions::{CreatePromptExecution, ExecutionStatus, NewExecution};
/// let body = CreatePromptExecution::new(
///     7,
///     NewExecution::new(serde_json::json!({}), "gpt-4o", "ok", ExecutionStatus::Success),
/// );
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"promptId": 7, "inputs": {}, "model": "gpt-4o",
///                        "actualOutput": "ok", "executionStatus": "success"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatePromptExecution {
    /// The prompt that ran (at least 1).
    pub prompt_id: PromptId,
    /// The execution.
    #[serde(flatten)]
    pub execution: NewExecution,
}

impl CreatePromptExecution {
    /// One execution of a prompt.
    pub fn new(prompt_id: impl Into<PromptId>, execution: NewExecution) -> Self {
        Self {
            prompt_id: prompt_id.into(),
            execution,
        }
    }
}

/// The body of `create_batch_prompt_execution` (`PromptIdExecutions`): several executions of
/// one prompt, recorded as one run (e.g. one per model).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateBatchPromptExecution {
    /// The prompt that ran (at least 1).
    pub prompt_id: PromptId,
    /// The executions.
    pub executions: Vec<NewExecution>,
}

impl CreateBatchPromptExecution {
    /// The executions of a prompt.
    pub fn new(
        prompt_id: impl Into<PromptId>,
        executions: impl IntoIterator<Item = NewExecution>,
    ) -> Self {
        Self {
            prompt_id: prompt_id.into(),
            executions: executions.into_iter().collect(),
        }
    }
}

/// Reads the records of an answer whose envelope the contract leaves open: a bare array, or
/// the array under the first of `keys` that holds one.
fn records<'v>(body: &'v Value, keys: &[&str]) -> Option<&'v Vec<Value>> {
    body.as_array()
        .or_else(|| keys.iter().find_map(|key| body.get(key)?.as_array()))
}

/// Decodes every record of `list` as a [`PromptExecution`].
fn executions_of(list: Option<&Vec<Value>>) -> Result<Vec<PromptExecution>, serde_json::Error> {
    list.map_or_else(
        || Ok(Vec::new()),
        |list| list.iter().map(PromptExecution::deserialize).collect(),
    )
}

/// The answer of `list_prompt_executions`, kept whole: the contract leaves it untyped.
///
/// Its records are presumably [`PromptExecution`]s (the contract's execution model); the
/// envelope is unknown, so [`executions`](Self::executions) reads a bare array or the array
/// under `data` (or `executions`), and [`total`](Self::total) a `total` count.
///
/// ```
/// use mutagent_prompt_executions::PromptExecutionList;
/// let page: PromptExecutionList = serde_json::from_value(serde_json::json!({
///     "data": [{"id": 3, "executionStatus": "success", "model": "m", "actualOutput": "x"}],
///     "total": 9
/// })).unwrap();
/// assert_eq!(page.total(), Some(9));
/// assert_eq!(page.executions().unwrap()[0].id.get(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(transparent)]
pub struct PromptExecutionList(pub Value);

impl PromptExecutionList {
    /// The executions of this page (empty when the answer has no array of them).
    pub fn executions(&self) -> Result<Vec<PromptExecution>, serde_json::Error> {
        executions_of(records(&self.0, &["data", "executions"]))
    }

    /// The `total` count, when the answer has one.
    pub fn total(&self) -> Option<u64> {
        self.0.get("total").and_then(Value::as_u64)
    }
}

/// The answer of `list_playground_runs`, kept whole: the contract leaves it untyped.
///
/// [`runs`](Self::runs) reads a bare array or the array under `data` (or `runs`); each run is
/// a [`PlaygroundRun`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(transparent)]
pub struct PlaygroundRunList(pub Value);

impl PlaygroundRunList {
    /// The runs of this page (empty when the answer has no array of them).
    pub fn runs(&self) -> Vec<PlaygroundRun> {
        records(&self.0, &["data", "runs"])
            .map(|list| list.iter().cloned().map(PlaygroundRun).collect())
            .unwrap_or_default()
    }

    /// The `total` count, when the answer has one.
    pub fn total(&self) -> Option<u64> {
        self.0.get("total").and_then(Value::as_u64)
    }
}

/// A playground run, kept whole: the contract leaves it untyped ("playground run with execution
/// details"). Presumably the run's id and its [`PromptExecution`]s.
///
/// ```
/// use mutagent_prompt_executions::PlaygroundRun;
/// let run: PlaygroundRun = serde_json::from_value(serde_json::json!({
///     "runGroupId": "run-1",
///     "executions": [{"id": 4, "executionStatus": "success", "runGroupId": "run-1"}]
/// })).unwrap();
/// assert_eq!(run.run_group_id().map(|id| id.as_str().to_owned()).as_deref(), Some("run-1"));
/// assert_eq!(run.executions().unwrap().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(transparent)]
pub struct PlaygroundRun(pub Value);

impl PlaygroundRun {
    /// The run's id: its `runGroupId` (or `id`), when it has one.
    pub fn run_group_id(&self) -> Option<RunId> {
        ["runGroupId", "id"]
            .iter()
            .find_map(|key| self.0.get(key)?.as_str())
            .map(RunId::from)
    }

    /// The run's executions (under `executions`, or `data`; empty when it lists none).
    pub fn executions(&self) -> Result<Vec<PromptExecution>, serde_json::Error> {
        executions_of(records(&self.0, &["executions", "data"]))
    }
}

/// Filters and paging of `list_playground_runs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListPlaygroundRuns {
    /// Only runs of this prompt.
    pub prompt_id: Option<PromptId>,
    /// Only runs of this prompt group.
    pub prompt_group_id: Option<PromptGroupId>,
    /// Only runs from this time on (free text in the contract; ISO 8601, presumably).
    pub from_date: Option<String>,
    /// Only runs up to this time.
    pub to_date: Option<String>,
    /// Paging: the page size (1 to 100) and how many runs to skip.
    #[serde(flatten)]
    pub page: Page,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListPlaygroundRuns checked by check_list_playground_runs {
        /// Filters by prompt.
        into prompt_id: PromptId;
        /// Filters by prompt group.
        into prompt_group_id: PromptGroupId;
        /// Sets the earliest time.
        into from_date: String;
        /// Sets the latest time.
        into to_date: String;
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
    }
}

/// Filters and paging of `list_prompt_executions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListPromptExecutions {
    /// Only executions of this prompt.
    pub prompt_id: Option<PromptId>,
    /// Only executions of this model.
    pub model: Option<String>,
    /// Only executions from this time on (free text in the contract; ISO 8601, presumably).
    pub from_date: Option<String>,
    /// Only executions up to this time.
    pub to_date: Option<String>,
    /// Only executions of this run.
    pub run_group_id: Option<RunId>,
    /// Paging: the page size (1 to 100) and how many executions to skip.
    #[serde(flatten)]
    pub page: Page,
}

mutagent_core::list_params! {
    /// No filters.
    impl ListPromptExecutions checked by check_list_prompt_executions {
        /// Filters by prompt.
        into prompt_id: PromptId;
        /// Filters by model.
        into model: String;
        /// Sets the earliest time.
        into from_date: String;
        /// Sets the latest time.
        into to_date: String;
        /// Filters by run.
        into run_group_id: RunId;
        /// Sets the page size (1 to 100).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
    }
}

/// Filters of `export_prompt_executions` (the JSON export, `format=json`) and
/// `export_prompt_executions_csv` (`format=csv`): the format is the method's, not a field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExportPromptExecutions {
    /// Only executions of this prompt.
    pub prompt_id: Option<PromptId>,
    /// Only executions of this model.
    pub model: Option<String>,
    /// Only executions from this time on.
    pub from_date: Option<String>,
    /// Only executions up to this time.
    pub to_date: Option<String>,
}

mutagent_core::list_params! {
    /// No filters: every execution.
    impl ExportPromptExecutions checked by check_export_prompt_executions {
        /// Filters by prompt.
        into prompt_id: PromptId;
        /// Filters by model.
        into model: String;
        /// Sets the earliest time.
        into from_date: String;
        /// Sets the latest time.
        into to_date: String;
    }
}

/// The prompt filter (ids start at 1), then the page.
fn check_list_playground_runs(
    params: &ListPlaygroundRuns,
    operation: &'static str,
) -> Result<(), Error> {
    validate::positive_id(operation, "promptId", params.prompt_id)?;
    params.page.check(operation)
}

/// The prompt filter (ids start at 1), then the page.
fn check_list_prompt_executions(
    params: &ListPromptExecutions,
    operation: &'static str,
) -> Result<(), Error> {
    validate::positive_id(operation, "promptId", params.prompt_id)?;
    params.page.check(operation)
}

/// The prompt filter (ids start at 1); an export has no page.
fn check_export_prompt_executions(
    params: &ExportPromptExecutions,
    operation: &'static str,
) -> Result<(), Error> {
    validate::positive_id(operation, "promptId", params.prompt_id)
}

/// The export's `format` query parameter: chosen by the method called
/// ([`export_prompt_executions`](crate::PromptExecutionsApi::export_prompt_executions) or its
/// `_csv` twin), never by the caller, so it is not a field of [`ExportPromptExecutions`].
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct ExportFormat {
    format: ExportFormatName,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
enum ExportFormatName {
    Json,
    Csv,
}

impl ExportFormat {
    /// `format=json`.
    pub(crate) const JSON: Self = Self {
        format: ExportFormatName::Json,
    };
    /// `format=csv`.
    pub(crate) const CSV: Self = Self {
        format: ExportFormatName::Csv,
    };
}

impl QueryParams for ExportFormat {}

/// The CSV export of `export_prompt_executions_csv`: the body as the server sent it, and its
/// `Content-Type`. Nothing is parsed: the contract does not say which columns it has.
///
/// ```
/// use mutagent_prompt_executions::ExecutionsCsv;
/// let csv = ExecutionsCsv::new(b"id,model\n1,gpt-4o\n".to_vec(), Some("text/csv".into()));
/// assert_eq!(csv.text().unwrap().lines().count(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecutionsCsv {
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// The answer's `Content-Type` (e.g. `text/csv; charset=utf-8`), when it sent one.
    pub content_type: Option<String>,
}

impl ExecutionsCsv {
    /// A body and its content type.
    pub fn new(body: Vec<u8>, content_type: Option<String>) -> Self {
        Self { body, content_type }
    }

    /// The body as text, when it is UTF-8.
    pub fn text(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.body)
    }
}
