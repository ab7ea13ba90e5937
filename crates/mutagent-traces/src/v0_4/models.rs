//! The shapes of the 0.4.1 trace contract (models.md, "traces — 0.4.1 contract").
//!
//! Responses follow the contract's presence rules: a "required, nullable" field is an
//! `Option` that also tolerates a missing key, unknown fields are ignored, and open shapes
//! (`resource`, `attributes`, `events`, log `body`) stay [`serde_json::Value`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The body of `ingest_trace_batch` (0.4.1, "mutagent-cli hook format"): `{"traces": [...]}`.
///
/// ```
/// use mutagent_traces::v0_4::{HookSpan, HookTrace, TraceBatchRequest};
/// let batch = TraceBatchRequest::new([HookTrace::new("t-1", "2026-11-01T10:00:00Z")
///     .name("answer")
///     .span(HookSpan::new("s-1", "chat", "2026-11-01T10:00:00Z").input("hi").output("hello"))]);
/// let json = serde_json::to_value(&batch).unwrap();
/// assert_eq!(json["traces"][0]["spans"][0]["input"], "hi");
/// assert!(json["traces"][0].get("sessionId").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[non_exhaustive]
pub struct TraceBatchRequest {
    /// The traces.
    pub traces: Vec<HookTrace>,
}

impl TraceBatchRequest {
    /// What the contract states of a batch's fields and `ingest_trace_batch` checks before
    /// sending: each trace's and span's `metadata`, when set, is a JSON object. The field is
    /// named by its place (`traces[0].spans[2].metadata`).
    pub(crate) fn check(&self, operation: &'static str) -> Result<(), mutagent_core::Error> {
        use mutagent_core::request::validate::object;
        for (t, trace) in self.traces.iter().enumerate() {
            object(
                operation,
                format!("traces[{t}].metadata"),
                trace.metadata.as_ref(),
            )?;
            for (s, span) in trace.spans.iter().flatten().enumerate() {
                let field = format!("traces[{t}].spans[{s}].metadata");
                object(operation, field, span.metadata.as_ref())?;
            }
        }
        Ok(())
    }

    /// A batch of these traces.
    pub fn new(traces: impl IntoIterator<Item = HookTrace>) -> Self {
        Self {
            traces: traces.into_iter().collect(),
        }
    }
}

/// One trace of a 0.4.1 batch (`TraceBatchTrace`). Free strings where 0.1.2 had enums.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HookTrace {
    /// The trace id.
    pub trace_id: String,
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where it comes from (a free string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When it started.
    pub start_time: String,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// How it ended (a free string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The spans (left out when none were added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spans: Option<Vec<HookSpan>>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl HookTrace {
    /// A trace with its id and start time.
    pub fn new(trace_id: impl Into<String>, start_time: impl Into<String>) -> Self {
        Self {
            trace_id: trace_id.into(),
            session_id: None,
            name: None,
            source: None,
            start_time: start_time.into(),
            end_time: None,
            status: None,
            spans: None,
            metadata: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the session.
        into session_id: String;
        /// Sets the name.
        into name: String;
        /// Sets the source.
        into source: String;
        /// Sets the end time.
        into end_time: String;
        /// Sets the status.
        into status: String;
    }
    /// Adds a span.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn span(mut self, span: HookSpan) -> Self {
        self.spans.get_or_insert_with(Vec::new).push(span);
        self
    }
    mutagent_core::setters! {
        /// Sets the metadata.
        value metadata: Value;
    }
}

/// One span of a 0.4.1 batch trace (`TraceBatchSpan`): `input`/`output` are strings, `kind`
/// and `status` free strings, and there are no token or cost fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HookSpan {
    /// The span id.
    pub span_id: String,
    /// The name.
    pub name: String,
    /// What it does (a free string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// When it started.
    pub start_time: String,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// How it ended (a free string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The input, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The output, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The parent span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<String>,
    /// Free-form metadata (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl HookSpan {
    /// A span with its id, name and start time.
    pub fn new(
        span_id: impl Into<String>,
        name: impl Into<String>,
        start_time: impl Into<String>,
    ) -> Self {
        Self {
            span_id: span_id.into(),
            name: name.into(),
            kind: None,
            start_time: start_time.into(),
            end_time: None,
            status: None,
            input: None,
            output: None,
            parent_span_id: None,
            metadata: None,
        }
    }
    mutagent_core::setters! {
        /// Sets the kind.
        into kind: String;
        /// Sets the end time.
        into end_time: String;
        /// Sets the status.
        into status: String;
        /// Sets the input text.
        into input: String;
        /// Sets the output text.
        into output: String;
    }
    /// Sets the parent span.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn parent(mut self, parent_span_id: impl Into<String>) -> Self {
        self.parent_span_id = Some(parent_span_id.into());
        self
    }
    mutagent_core::setters! {
        /// Sets the metadata.
        value metadata: Value;
    }
}

/// `{accepted, rejected, note?}`: the answer of the 0.4.1 `ingest_trace_batch`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[non_exhaustive]
pub struct TraceIngestResult {
    /// How many traces (or spans; the contract does not say which) were stored.
    pub accepted: u64,
    /// How many were refused.
    pub rejected: u64,
    /// A note from the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A cursor page: `{data, nextCursor}`, `nextCursor` null on the last page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CursorPage<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// The cursor of the next page; `None` on the last one.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// A page of traces (0.4.1 `TraceList`).
pub type TraceList = CursorPage<Trace>;
/// A page of log records (0.4.1 `LogRecordList`).
pub type LogRecordList = CursorPage<LogRecord>;

/// A trace envelope (0.4.1 `Trace`): an element of [`TraceList`] and the answer of
/// `get_trace`. It carries no spans: see `list_trace_spans`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Trace {
    /// The trace id.
    pub trace_id: String,
    /// The OTel service name.
    #[serde(default)]
    pub service_name: Option<String>,
    /// The session.
    #[serde(default)]
    pub session_id: Option<String>,
    /// When it started.
    pub start_time: String,
    /// When it ended.
    #[serde(default)]
    pub end_time: Option<String>,
    /// How many spans it has.
    pub span_count: u64,
    /// The OTel resource (an open object).
    #[serde(default)]
    pub resource: Option<Value>,
}

/// `{data}`: the answer of `list_trace_spans`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SpanList {
    /// The spans.
    pub data: Vec<Span>,
}

/// A stored span (0.4.1 `Span`), OTel style: `kind` and `statusCode` are the numeric OTel
/// enums (not the string kinds of 0.1.2).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Span {
    /// The span id.
    pub span_id: String,
    /// The trace id.
    pub trace_id: String,
    /// The parent span.
    #[serde(default)]
    pub parent_span_id: Option<String>,
    /// The name.
    pub name: String,
    /// The OTel span kind (0 unspecified, 1 internal, 2 server, 3 client, 4 producer,
    /// 5 consumer).
    pub kind: i64,
    /// When it started.
    pub start_time: String,
    /// When it ended.
    #[serde(default)]
    pub end_time: Option<String>,
    /// How long it took, in nanoseconds.
    #[serde(default)]
    pub duration_nanos: Option<f64>,
    /// The OTel status code (0 unset, 1 ok, 2 error).
    pub status_code: i64,
    /// The status message.
    #[serde(default)]
    pub status_message: Option<String>,
    /// Attributes (an open object).
    #[serde(default)]
    pub attributes: Value,
    /// Events (open shapes).
    #[serde(default)]
    pub events: Vec<Value>,
    /// Links (open shapes).
    #[serde(default)]
    pub links: Vec<Value>,
    /// The instrumentation scope name.
    #[serde(default)]
    pub scope_name: Option<String>,
    /// The instrumentation scope version.
    #[serde(default)]
    pub scope_version: Option<String>,
}

/// An OTel log record (0.4.1 `LogRecord`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Serialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogRecord {
    /// The record id.
    pub id: i64,
    /// When it happened.
    pub time: String,
    /// When it was observed.
    #[serde(default)]
    pub observed_time: Option<String>,
    /// The OTel severity number.
    pub severity_number: i64,
    /// The severity text.
    #[serde(default)]
    pub severity_text: Option<String>,
    /// The body (any JSON).
    #[serde(default)]
    pub body: Value,
    /// Attributes (an open object).
    #[serde(default)]
    pub attributes: Value,
    /// The trace it belongs to.
    #[serde(default)]
    pub trace_id: Option<String>,
    /// The span it belongs to.
    #[serde(default)]
    pub span_id: Option<String>,
    /// The instrumentation scope name.
    #[serde(default)]
    pub scope_name: Option<String>,
}

/// Paging and filter of the 0.4.1 `list_traces`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListTraces {
    /// Page size (the contract states no range).
    pub limit: Option<u32>,
    /// The cursor of the page to fetch (a previous page's `nextCursor`).
    pub cursor: Option<String>,
    /// Only traces of this session.
    pub session_id: Option<String>,
}

// Nothing to check: the contract states no range.
mutagent_core::list_params! {
    /// The first page, no filter.
    impl ListTraces unchecked {
        /// Sets the page size.
        value limit: u32;
        /// Fetches the page after the one that answered `cursor` as its `nextCursor`.
        into cursor: String;
        /// Filters by session.
        into session_id: String;
    }
}

/// Paging and filter of `list_logs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListLogs {
    /// Page size (the contract states no range).
    pub limit: Option<u32>,
    /// The cursor of the page to fetch.
    pub cursor: Option<String>,
    /// Only records of this trace.
    pub trace_id: Option<String>,
}

// Nothing to check: the contract states no range.
mutagent_core::list_params! {
    /// The first page, no filter.
    impl ListLogs unchecked {
        /// Sets the page size.
        value limit: u32;
        /// Fetches the page after the one that answered `cursor` as its `nextCursor`.
        into cursor: String;
        /// Filters by trace.
        into trace_id: String;
    }
}
