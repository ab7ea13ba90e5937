//! What the read side returns and the filters it takes.

use mutagent_core::ids::{TraceId, WorkspaceId};
use mutagent_core::pagination::TotalPage;
use mutagent_core::request::validate;
use mutagent_core::QueryValue;
use mutagent_core::{Error, Page, QueryParams};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::ingest::{Environment, Status, TraceSource};

/// A page of traces: `{data, total, limit, offset}`.
pub type TraceList = TotalPage<Trace>;

/// A stored trace: an element of [`TraceList`], and the answer of `get_trace` (with its
/// spans).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Trace {
    /// The trace id.
    pub id: TraceId,
    /// The workspace it was ingested into.
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    /// The session.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// Where it comes from.
    pub source: TraceSource,
    /// The environment.
    #[serde(default)]
    pub environment: Option<Environment>,
    /// Tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: Value,
    /// When it started (ISO 8601 text).
    pub start_time: String,
    /// When it ended (ISO 8601 text).
    #[serde(default)]
    pub end_time: Option<String>,
    /// How long it took, in milliseconds.
    #[serde(default)]
    pub duration_ms: Option<f64>,
    /// Input tokens over all spans.
    #[serde(default)]
    pub total_input_tokens: Option<u64>,
    /// Output tokens over all spans.
    #[serde(default)]
    pub total_output_tokens: Option<u64>,
    /// How many spans it has.
    #[serde(default)]
    pub total_spans: Option<u64>,
    /// The total cost in US dollars, as decimal text (e.g. `"0.000400"`); a JSON number is
    /// accepted too.
    #[serde(default, deserialize_with = "decimal_text")]
    pub total_cost_usd: Option<String>,
    /// How it ended (a free string; usually `ok` or `error`).
    pub status: Status,
    /// The error, when it failed.
    #[serde(default)]
    pub error: Option<String>,
    /// When it was stored (ISO 8601 text).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601 text).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The stored spans: always sent by `get_trace`, sent by `list_traces` only with
    /// `include=spans`. Their shape is not part of the contract, so they are JSON; see
    /// [`Trace::spans_as`] to decode them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spans: Option<Vec<Value>>,
}

impl Trace {
    /// Decodes the stored spans as `T`, for instance as [`NewSpan`](crate::NewSpan) (stored
    /// spans echo the ingested fields). No spans decode as an empty list.
    pub fn spans_as<T: DeserializeOwned>(&self) -> Result<Vec<T>, serde_json::Error> {
        self.spans
            .iter()
            .flatten()
            .map(|span| T::deserialize(span))
            .collect()
    }
}

fn decimal_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(text)) => Some(text),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    })
}

/// `{success, traceId, spanCount}`: the answer of `ingest_trace`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TraceIngestion {
    /// Whether the trace was stored.
    pub success: bool,
    /// The trace id.
    pub trace_id: TraceId,
    /// How many spans were received.
    pub span_count: u64,
}

/// `{success, count, traceIds}`: the answer of `ingest_trace_batch` and `ingest_otlp`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchIngestion {
    /// Whether the traces were stored.
    pub success: bool,
    /// How many traces were stored.
    pub count: u64,
    /// Their ids.
    pub trace_ids: Vec<TraceId>,
}

/// The answer of `get_analytics_summary`. The API does not define the nested shapes, so each
/// part is JSON.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AnalyticsSummary {
    /// Headline numbers (totals, averages, rates).
    #[serde(default)]
    pub kpis: Value,
    /// Cost per model.
    #[serde(default)]
    pub cost_by_model: Vec<Value>,
    /// Token use over time.
    #[serde(default)]
    pub tokens_over_time: Vec<Value>,
    /// Latency percentiles.
    #[serde(default)]
    pub latency_percentiles: Vec<Value>,
    /// Error rate over time.
    #[serde(default)]
    pub error_rate: Vec<Value>,
    /// Cost efficiency per model.
    #[serde(default)]
    pub cost_efficiency: Vec<Value>,
    /// Budget burn-down (filled when a budget is given).
    #[serde(default)]
    pub budget_burndown: Vec<Value>,
    /// The same headline numbers for the previous period, when there is one.
    #[serde(default)]
    pub previous_period_kpis: Value,
    /// Sparklines of the headline numbers.
    #[serde(default)]
    pub kpi_sparklines: Value,
    /// Errors by kind.
    #[serde(default)]
    pub error_breakdown: Vec<Value>,
    /// Models side by side.
    #[serde(default)]
    pub model_comparison: Vec<Value>,
}

/// Filters and paging of `list_traces`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListTraces {
    /// Only traces of this session.
    pub session_id: Option<String>,
    /// Only traces with this status.
    pub status: Option<Status>,
    /// Only traces from this source.
    pub source: Option<TraceSource>,
    /// Only traces from this environment.
    pub environment: Option<Environment>,
    /// Only traces that started at or after this time (ISO 8601).
    pub start_after: Option<String>,
    /// Only traces that started before this time (ISO 8601).
    pub start_before: Option<String>,
    /// Paging: the page size and how many traces to skip. The contract states no range for
    /// the traces' limit, so none is checked: the server decides.
    #[serde(flatten)]
    pub page: Page<{ u32::MAX }>,
    /// Related data to embed, e.g. `spans`.
    pub include: Option<String>,
}

// Nothing to check: the contract states no range for the traces' limit (not even 1 at
// least), so the server decides.
mutagent_core::list_params! {
    /// No filters.
    impl ListTraces unchecked {
        /// Filters by session.
        into session_id: String;
        /// Filters by status.
        into status: Status;
        /// Filters by source.
        into source: TraceSource;
        /// Filters by environment.
        into environment: Environment;
        /// Only traces that started at or after `time` (RFC 3339, e.g. `2026-11-01T10:00:00Z`).
        into start_after: String;
        /// Only traces that started before `time` (ISO 8601).
        into start_before: String;
        /// Sets the page size (no range is checked: the server decides).
        page limit: u32;
        /// Sets the offset.
        page offset: u64;
        /// Sets `include` as given (e.g. `spans`).
        into include: String;
    }
}

impl ListTraces {
    /// Embeds the spans of each trace (`include=spans`).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn with_spans(self) -> Self {
        self.include("spans")
    }
}

/// The dimension `get_trace_stats` groups by (required by the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatsGroupBy {
    /// By model.
    Model,
    /// By provider.
    Provider,
    /// By span kind.
    Kind,
    /// By trace source.
    Source,
}

impl StatsGroupBy {
    /// Every value, in the contract's order.
    pub const ALL: [StatsGroupBy; 4] = [Self::Model, Self::Provider, Self::Kind, Self::Source];

    /// The value as sent in the query string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Provider => "provider",
            Self::Kind => "kind",
            Self::Source => "source",
        }
    }
}

impl std::fmt::Display for StatsGroupBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for StatsGroupBy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl QueryParams for GetTraceStats {}

impl QueryParams for GetAnalyticsSummary {
    fn check(&self, operation: &'static str) -> Result<(), Error> {
        validate::non_negative(operation, "budget", self.budget)
    }
}

impl QueryValue for StatsGroupBy {
    fn to_query_value(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self.as_str())
    }
}

/// Optional filters of `get_trace_stats` (the grouping is a required argument of the method).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetTraceStats {
    /// Only traces that started at or after this time (ISO 8601).
    pub from: Option<String>,
    /// Only traces that started before this time (ISO 8601).
    pub to: Option<String>,
    /// Only traces of this session.
    pub session_id: Option<String>,
}

impl GetTraceStats {
    /// No filters.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the start of the window (ISO 8601).
        into from: String;
        /// Sets the end of the window (ISO 8601).
        into to: String;
        /// Filters by session.
        into session_id: String;
    }
}

/// The optional query of `get_trace`, for
/// [`get_trace_with`](crate::TracesApi::get_trace_with); [`get_trace`](crate::TracesApi::get_trace)
/// sends none.
///
/// ```
/// use mutagent_traces::GetTrace;
/// let params = GetTrace::new().include("spans");
/// assert_eq!(params.include.as_deref(), Some("spans"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GetTrace {
    /// Related data to embed (the `include` query parameter), passed through as it is. The
    /// spans always come with a trace, so this is for related data a server may add.
    pub include: Option<String>,
}

impl GetTrace {
    /// No query parameters.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets `include`.
        into include: String;
    }
}

impl QueryParams for GetTrace {}

/// Filters of `get_analytics_summary`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetAnalyticsSummary {
    /// Only traces that started at or after this time (ISO 8601).
    pub start_after: Option<String>,
    /// Only traces that started before this time (ISO 8601).
    pub start_before: Option<String>,
    /// A budget in US dollars (≥ 0), for the burn-down.
    pub budget: Option<f64>,
    /// Only spans of this model.
    pub model: Option<String>,
}

impl GetAnalyticsSummary {
    /// No filters.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the start of the window (ISO 8601).
        into start_after: String;
        /// Sets the end of the window (ISO 8601).
        into start_before: String;
        /// Sets the budget in US dollars.
        value budget: f64;
        /// Filters by model.
        into model: String;
    }
}

/// Which trace contract a server speaks, as told by the envelope of its `GET /api/traces/`
/// answer (see [`crate::v0_4`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceContract {
    /// Offset pages `{data, total, limit, offset}`: use `client.traces()`.
    V0_1_2,
    /// Cursor pages `{data, nextCursor}`: use `client.traces_v0_4()`.
    V0_4_1,
    /// Neither envelope: the server speaks something else.
    Unknown,
}

impl<'de> Deserialize<'de> for TraceContract {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let page = Value::deserialize(deserializer)?;
        let has = |key: &str| page.get(key).is_some();
        Ok(if has("nextCursor") {
            TraceContract::V0_4_1
        } else if has("total") && has("offset") {
            TraceContract::V0_1_2
        } else {
            TraceContract::Unknown
        })
    }
}
