//! What ingestion sends: [`NewTrace`] with its [`NewSpan`]s, and the enums they use.
//!
//! These are plain data: they serialise to the camelCase JSON of the API, leave out every unset
//! field, and also deserialise, so an exporter can buffer or persist them.

use mutagent_core::ids::TraceId;
use mutagent_core::request::validate;
use mutagent_core::Error;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mutagent_core::open_enum! {
    /// What a span does. The 15 kinds of the tracing contract.
    pub enum SpanKind {
        /// A chat-model call.
        LlmChat = "llm.chat",
        /// A text-completion call.
        LlmCompletion = "llm.completion",
        /// An embedding call.
        LlmEmbedding = "llm.embedding",
        /// A chain of steps.
        Chain = "chain",
        /// An agent run.
        Agent = "agent",
        /// A graph run.
        Graph = "graph",
        /// A graph node.
        Node = "node",
        /// A graph edge.
        Edge = "edge",
        /// A workflow.
        Workflow = "workflow",
        /// Middleware.
        Middleware = "middleware",
        /// A retrieval.
        Retrieval = "retrieval",
        /// A reranking.
        Rerank = "rerank",
        /// A tool call.
        Tool = "tool",
        /// A guardrail check.
        Guardrail = "guardrail",
        /// Anything else.
        Custom = "custom",
    }
}

mutagent_core::open_enum! {
    /// Where a trace comes from.
    pub enum TraceSource {
        /// An SDK's own tracing helper.
        Sdk = "sdk",
        /// LangChain.
        Langchain = "langchain",
        /// LangGraph.
        Langgraph = "langgraph",
        /// The Vercel AI SDK.
        VercelAi = "vercel-ai",
        /// The OpenAI SDK.
        Openai = "openai",
        /// OpenTelemetry.
        Otel = "otel",
        /// Sent by hand.
        Manual = "manual",
    }
}

mutagent_core::open_enum! {
    /// The deployment environment of a trace.
    pub enum Environment {
        /// Production.
        Production = "production",
        /// Staging.
        Staging = "staging",
        /// Development.
        Development = "development",
    }
}

mutagent_core::open_enum! {
    /// How a span (or a trace) ended.
    pub enum Status {
        /// It succeeded.
        Ok = "ok",
        /// It failed.
        Error = "error",
        /// Not recorded.
        Unset = "unset",
    }
}

/// Token counts of a span: `{input, output}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenUsage {
    /// Prompt (input) tokens.
    pub input: u64,
    /// Completion (output) tokens.
    pub output: u64,
}

impl TokenUsage {
    /// Input and output token counts.
    pub fn new(input: u64, output: u64) -> Self {
        Self { input, output }
    }
}

/// Something that happened at one instant of a span: `{name, timestamp, attributes?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpanEvent {
    /// The event name.
    pub name: String,
    /// When it happened (RFC 3339, e.g. `2026-11-01T10:00:00.250Z`).
    pub timestamp: String,
    /// Attributes (left out when empty).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub attributes: Map<String, Value>,
}

impl SpanEvent {
    /// An event with its name and time (RFC 3339; [`rfc3339`](crate::rfc3339) writes a
    /// `SystemTime` so).
    pub fn new(name: impl Into<String>, timestamp: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            timestamp: timestamp.into(),
            attributes: Map::new(),
        }
    }
    /// Adds an attribute.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }
}

/// One span of a trace being ingested.
///
/// ```
/// use mutagent_traces::{NewSpan, SpanKind};
/// let span = NewSpan::new("s1", "chat", SpanKind::LlmChat, "2026-11-01T10:00:00.000Z")
///     .end_time("2026-11-01T10:00:01.250Z")
///     .model("gpt-4o")
///     .provider("openai")
///     .tokens(12, 30)
///     .cost_usd(0.0004)
///     .attribute("temperature", 0.2);
/// let json = serde_json::to_value(&span).unwrap();
/// assert_eq!(json["kind"], "llm.chat");
/// assert_eq!(json["tokens"], serde_json::json!({"input": 12, "output": 30}));
/// assert!(json.get("events").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewSpan {
    /// The span id, chosen by the caller (1 to 255 characters).
    pub span_id: String,
    /// The parent span, if any (1 to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<String>,
    /// The name.
    pub name: String,
    /// What the span does.
    pub kind: SpanKind,
    /// The input (any JSON; the Python helper sends `{messages, toolCalls, documents, text, raw}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// The output (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// When it started (RFC 3339).
    pub start_time: String,
    /// When it ended (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// How long it took, in milliseconds. Part of the tracing helper's batch format only:
    /// `ingest_trace` (the single-trace model has no such field) refuses a span that sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<f64>,
    /// How it ended. Part of the tracing helper's batch format only: `ingest_trace` (the
    /// single-trace model has no such field) refuses a span that sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Token counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<TokenUsage>,
    /// The model, e.g. `gpt-4o`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The provider, e.g. `openai`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The cost in US dollars (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// The latency in milliseconds (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// The time to first token in milliseconds (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<f64>,
    /// A status message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// The error, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Attributes (left out when empty).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub attributes: Map<String, Value>,
    /// Events (left out when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<SpanEvent>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl NewSpan {
    /// A span with its id, name, kind and start time (RFC 3339, e.g. `2026-11-01T10:00:00.250Z`;
    /// [`rfc3339`](crate::rfc3339) writes a `SystemTime` so).
    pub fn new(
        span_id: impl Into<String>,
        name: impl Into<String>,
        kind: impl Into<SpanKind>,
        start_time: impl Into<String>,
    ) -> Self {
        Self {
            span_id: span_id.into(),
            parent_span_id: None,
            name: name.into(),
            kind: kind.into(),
            input: None,
            output: None,
            start_time: start_time.into(),
            end_time: None,
            duration_ms: None,
            status: None,
            tokens: None,
            model: None,
            provider: None,
            cost_usd: None,
            latency_ms: None,
            ttft_ms: None,
            status_message: None,
            error: None,
            attributes: Map::new(),
            events: Vec::new(),
            metadata: None,
        }
    }
    /// Sets the parent span.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn parent(mut self, parent_span_id: impl Into<String>) -> Self {
        self.parent_span_id = Some(parent_span_id.into());
        self
    }
    mutagent_core::setters! {
        /// Sets the input.
        into input: Value;
        /// Sets the output.
        into output: Value;
        /// Sets the end time (RFC 3339).
        into end_time: String;
        /// Sets the duration in milliseconds.
        value duration_ms: f64;
        /// Sets how the span ended.
        into status: Status;
        /// Sets the model.
        into model: String;
        /// Sets the provider.
        into provider: String;
        /// Sets the cost in US dollars.
        value cost_usd: f64;
        /// Sets the latency in milliseconds.
        value latency_ms: f64;
        /// Sets the time to first token in milliseconds.
        value ttft_ms: f64;
        /// Sets the status message.
        into status_message: String;
        /// Records an error (and leaves `status` as set).
        into error: String;
        /// Sets the metadata.
        value metadata: Value;
    }
    /// Sets the token counts.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn tokens(mut self, input: u64, output: u64) -> Self {
        self.tokens = Some(TokenUsage::new(input, output));
        self
    }
    /// Adds an attribute.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }
    /// Adds an event.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn event(mut self, event: SpanEvent) -> Self {
        self.events.push(event);
        self
    }

    /// Checks the documented constraints; `at` prefixes the field names (e.g. `spans[0].`).
    pub(crate) fn check(&self, operation: &'static str, at: &str) -> Result<(), Error> {
        validate::id(operation, format!("{at}spanId"), &self.span_id)?;
        if let Some(parent) = &self.parent_span_id {
            validate::id(operation, format!("{at}parentSpanId"), parent)?;
        }
        validate::not_blank(operation, format!("{at}startTime"), &self.start_time)?;
        if let Some(end) = &self.end_time {
            validate::not_blank(operation, format!("{at}endTime"), end)?;
        }
        let numbers = [
            ("costUsd", self.cost_usd),
            ("latencyMs", self.latency_ms),
            ("ttftMs", self.ttft_ms),
            ("durationMs", self.duration_ms),
        ];
        for (field, value) in numbers {
            if let Some(value) = value {
                if !(value.is_finite() && value >= 0.0) {
                    return Err(Error::invalid_input(
                        operation,
                        format!("{at}{field}"),
                        format!("must be a finite number of at least 0 (got {value})"),
                    ));
                }
            }
        }
        for (i, event) in self.events.iter().enumerate() {
            validate::not_blank(
                operation,
                format!("{at}events[{i}].timestamp"),
                &event.timestamp,
            )?;
        }
        Ok(())
    }
}

/// A trace with its spans, as ingested by `ingest_trace` (and, several at once, by
/// `ingest_trace_batch`).
///
/// ```
/// use mutagent_traces::{rfc3339, NewSpan, NewTrace, SpanKind, TraceSource};
/// let now = rfc3339(std::time::SystemTime::now());
/// let trace = NewTrace::new("trace-1", now.clone())
///     .name("answer question")
///     .source(TraceSource::Manual)
///     .span(NewSpan::new("span-1", "chat", SpanKind::LlmChat, now).model("gpt-4o").tokens(12, 30));
/// let json = serde_json::to_value(&trace).unwrap();
/// assert_eq!(json["traceId"], "trace-1");
/// assert_eq!(json["spans"][0]["model"], "gpt-4o");
/// assert!(json.get("sessionId").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewTrace {
    /// The trace id, chosen by the caller (1 to 255 characters; the helpers use UUIDs).
    pub trace_id: TraceId,
    /// The session the trace belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<TraceSource>,
    /// The environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The spans (always sent, possibly empty).
    #[serde(default)]
    pub spans: Vec<NewSpan>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// When it started (RFC 3339, e.g. `2026-11-01T10:00:00.250Z`).
    pub start_time: String,
    /// When it ended (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
}

impl NewTrace {
    /// A trace with its id and start time (RFC 3339; [`rfc3339`](crate::rfc3339) writes a
    /// `SystemTime` so), and no spans yet.
    pub fn new(trace_id: impl Into<TraceId>, start_time: impl Into<String>) -> Self {
        Self {
            trace_id: trace_id.into(),
            session_id: None,
            name: None,
            source: None,
            environment: None,
            tags: None,
            spans: Vec::new(),
            metadata: None,
            start_time: start_time.into(),
            end_time: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the session.
        into session_id: String;
        /// Sets the name.
        into name: String;
        /// Sets the source.
        into source: TraceSource;
        /// Sets the environment.
        into environment: Environment;
        /// Sets the tags.
        list tags: String;
    }
    /// Adds a span.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn span(mut self, span: NewSpan) -> Self {
        self.spans.push(span);
        self
    }
    /// Adds several spans.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn spans(mut self, spans: impl IntoIterator<Item = NewSpan>) -> Self {
        self.spans.extend(spans);
        self
    }
    mutagent_core::setters! {
        /// Sets the metadata.
        value metadata: Value;
        /// Sets the end time (RFC 3339).
        into end_time: String;
    }

    /// Checks the documented constraints before anything is sent: ids of 1 to 255 characters,
    /// non-empty times, non-negative finite costs and durations. `at` prefixes field names.
    pub(crate) fn check(&self, operation: &'static str, at: &str) -> Result<(), Error> {
        validate::id(operation, format!("{at}traceId"), self.trace_id.as_str())?;
        validate::not_blank(operation, format!("{at}startTime"), &self.start_time)?;
        if let Some(end) = &self.end_time {
            validate::not_blank(operation, format!("{at}endTime"), end)?;
        }
        for (i, span) in self.spans.iter().enumerate() {
            span.check(operation, &format!("{at}spans[{i}]."))?;
        }
        Ok(())
    }
}

/// `ingest_trace` sends the single-trace model (`TraceIdSessionIdName`), whose spans have no
/// `durationMs` and no `status`: those two belong to the tracing helper's batch format. A span
/// that sets either is refused rather than sent with fields the model lacks, or sent without
/// them and so losing them silently.
pub(crate) fn check_single(operation: &'static str, trace: &NewTrace) -> Result<(), Error> {
    for (i, span) in trace.spans.iter().enumerate() {
        let field = if span.duration_ms.is_some() {
            "durationMs"
        } else if span.status.is_some() {
            "status"
        } else {
            continue;
        };
        return Err(Error::invalid_input(
            operation,
            format!("spans[{i}].{field}"),
            "is not part of the single-trace span model; send the trace with \
             ingest_trace_batch (whose helper format carries it) or leave it unset",
        ));
    }
    Ok(())
}

/// The body of `ingest_trace_batch`: `{"traces": [...]}`.
#[derive(Serialize)]
pub(crate) struct TraceBatch<'a> {
    pub(crate) traces: &'a [NewTrace],
}

/// Checks a batch: at least one trace, each valid.
pub(crate) fn check_batch(operation: &'static str, traces: &[NewTrace]) -> Result<(), Error> {
    if traces.is_empty() {
        return validate::non_empty(operation, "traces", "");
    }
    for (i, trace) in traces.iter().enumerate() {
        trace.check(operation, &format!("traces[{i}]."))?;
    }
    Ok(())
}
