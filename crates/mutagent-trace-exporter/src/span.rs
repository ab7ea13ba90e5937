//! [`SpanData`]: one finished span as the exporter queues it, and its conversion to the ingest
//! models of `mutagent-traces` ([`to_new_traces`]).
//!
//! A `SpanData` holds times as [`SystemTime`] and ids as integers, so recording one costs no
//! formatting and no allocation besides what the span itself carries; the text forms (RFC 3339,
//! hex) are produced on the exporter's thread.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
use mutagent_traces::v0_4::{HookSpan, HookTrace, TraceBatchRequest};
use mutagent_traces::{
    Environment, NewSpan, NewTrace, SpanEvent, SpanKind, Status, TokenUsage, TraceSource,
};
use serde_json::{Map, Value};

use crate::ids::{SpanId64, TraceId128};

/// Something that happened at one instant of a span.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SpanEventData {
    /// The event name (for `tracing` events: the message).
    pub name: Cow<'static, str>,
    /// When it happened.
    pub time: SystemTime,
    /// Attributes.
    pub attributes: Map<String, Value>,
}

impl SpanEventData {
    /// An event with its name and time.
    pub fn new(name: impl Into<Cow<'static, str>>, time: SystemTime) -> Self {
        Self {
            name: name.into(),
            time,
            attributes: Map::new(),
        }
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }
}

/// One finished span, ready to be exported.
///
/// The trace-level fields (`session_id`, `trace_name`, `trace_start`) may be set on any span of
/// the trace; the exporter puts the first it finds on the trace it sends.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use mutagent_trace_exporter::{SpanData, SpanKind};
///
/// let start = SystemTime::now();
/// let root = SpanData::root("answer", SpanKind::Chain, start, start + Duration::from_millis(900))
///     .session_id("session-42");
/// let chat = SpanData::child_of(&root, "chat", SpanKind::LlmChat, start, start + Duration::from_millis(800))
///     .model("gpt-4o")
///     .provider("openai")
///     .tokens(12, 30);
/// assert_eq!(chat.trace_id, root.trace_id);
/// assert_eq!(chat.parent_span_id, Some(root.span_id));
/// assert_eq!(chat.session_id.as_deref(), Some("session-42"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SpanData {
    /// The trace it belongs to.
    pub trace_id: TraceId128,
    /// Its id.
    pub span_id: SpanId64,
    /// Its parent, if it is not a root.
    pub parent_span_id: Option<SpanId64>,
    /// The name.
    pub name: Cow<'static, str>,
    /// What it does.
    pub kind: SpanKind,
    /// When it started.
    pub start_time: SystemTime,
    /// When it ended.
    pub end_time: SystemTime,
    /// How it ended ([`Status::Ok`] unless an error was recorded).
    pub status: Status,
    /// The error message, when it failed.
    pub error: Option<String>,
    /// The model, e.g. `gpt-4o`.
    pub model: Option<String>,
    /// The provider, e.g. `openai`.
    pub provider: Option<String>,
    /// Token counts.
    pub tokens: Option<TokenUsage>,
    /// The cost in US dollars.
    pub cost_usd: Option<f64>,
    /// The time to the first token, in milliseconds.
    pub ttft_ms: Option<f64>,
    /// The input (any JSON).
    pub input: Option<Value>,
    /// The output (any JSON).
    pub output: Option<Value>,
    /// Other attributes.
    pub attributes: Map<String, Value>,
    /// Events.
    pub events: Vec<SpanEventData>,
    /// The session of the trace (trace-level).
    pub session_id: Option<Arc<str>>,
    /// The name of the trace (trace-level; default: the root span's name).
    pub trace_name: Option<Arc<str>>,
    /// When the trace started (trace-level; default: the earliest span start sent).
    pub trace_start: Option<SystemTime>,
}

impl SpanData {
    /// A span with all its identity given.
    pub fn new(
        trace_id: TraceId128,
        span_id: SpanId64,
        name: impl Into<Cow<'static, str>>,
        kind: impl Into<SpanKind>,
        start_time: SystemTime,
        end_time: SystemTime,
    ) -> Self {
        Self {
            trace_id,
            span_id,
            parent_span_id: None,
            name: name.into(),
            kind: kind.into(),
            start_time,
            end_time,
            status: Status::Ok,
            error: None,
            model: None,
            provider: None,
            tokens: None,
            cost_usd: None,
            ttft_ms: None,
            input: None,
            output: None,
            attributes: Map::new(),
            events: Vec::new(),
            session_id: None,
            trace_name: None,
            trace_start: None,
        }
    }

    /// A span with a fresh random span id in trace `trace_id`: what `root` and `child_of` share.
    fn in_trace(
        trace_id: TraceId128,
        name: impl Into<Cow<'static, str>>,
        kind: impl Into<SpanKind>,
        start_time: SystemTime,
        end_time: SystemTime,
    ) -> Self {
        Self::new(
            trace_id,
            SpanId64::random(),
            name,
            kind,
            start_time,
            end_time,
        )
    }

    /// The root span of a new trace (random trace and span ids).
    pub fn root(
        name: impl Into<Cow<'static, str>>,
        kind: impl Into<SpanKind>,
        start_time: SystemTime,
        end_time: SystemTime,
    ) -> Self {
        let mut span = Self::in_trace(TraceId128::random(), name, kind, start_time, end_time);
        span.trace_start = Some(start_time);
        span
    }

    /// A child of `parent` (same trace, session and trace name; random span id).
    pub fn child_of(
        parent: &SpanData,
        name: impl Into<Cow<'static, str>>,
        kind: impl Into<SpanKind>,
        start_time: SystemTime,
        end_time: SystemTime,
    ) -> Self {
        let mut span = Self::in_trace(parent.trace_id, name, kind, start_time, end_time);
        span.parent_span_id = Some(parent.span_id);
        span.session_id.clone_from(&parent.session_id);
        span.trace_name.clone_from(&parent.trace_name);
        span.trace_start = parent.trace_start;
        span
    }

    /// Sets the parent.
    #[must_use]
    pub fn parent(mut self, parent: SpanId64) -> Self {
        self.parent_span_id = Some(parent);
        self
    }
    /// Marks the span failed with `message`.
    #[must_use]
    pub fn error(mut self, message: impl Into<String>) -> Self {
        self.status = Status::Error;
        self.error = Some(message.into());
        self
    }
    /// Sets the model.
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }
    /// Sets the provider.
    #[must_use]
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }
    /// Sets the token counts.
    #[must_use]
    pub fn tokens(mut self, input: u64, output: u64) -> Self {
        self.tokens = Some(TokenUsage::new(input, output));
        self
    }
    /// Sets the cost in US dollars.
    #[must_use]
    pub fn cost_usd(mut self, cost: f64) -> Self {
        self.cost_usd = Some(cost);
        self
    }
    /// Sets the time to first token in milliseconds.
    #[must_use]
    pub fn ttft_ms(mut self, ttft: f64) -> Self {
        self.ttft_ms = Some(ttft);
        self
    }
    /// Sets the input.
    #[must_use]
    pub fn input(mut self, input: impl Into<Value>) -> Self {
        self.input = Some(input.into());
        self
    }
    /// Sets the output.
    #[must_use]
    pub fn output(mut self, output: impl Into<Value>) -> Self {
        self.output = Some(output.into());
        self
    }
    /// Adds an attribute.
    #[must_use]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }
    /// Adds an event.
    #[must_use]
    pub fn event(mut self, event: SpanEventData) -> Self {
        self.events.push(event);
        self
    }
    /// Sets the session of the trace.
    #[must_use]
    pub fn session_id(mut self, session: impl Into<Arc<str>>) -> Self {
        self.session_id = Some(session.into());
        self
    }
    /// Sets the name of the trace.
    #[must_use]
    pub fn trace_name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.trace_name = Some(name.into());
        self
    }

    /// How long it took (zero if the clock went backwards).
    pub fn duration(&self) -> Duration {
        self.end_time
            .duration_since(self.start_time)
            .unwrap_or(Duration::ZERO)
    }
}

/// What the exporter puts on every trace it sends.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TraceDefaults {
    /// The trace `source` (default [`TraceSource::Sdk`]).
    pub source: Option<TraceSource>,
    /// The deployment environment (default none).
    pub environment: Option<Environment>,
    /// Tags (default none).
    pub tags: Option<Vec<String>>,
    /// The service name (default none): the OTLP resource's `service.name`, and
    /// `metadata.serviceName` of each trace in the batch and hook formats.
    pub service_name: Option<String>,
}

impl Default for TraceDefaults {
    fn default() -> Self {
        Self {
            source: Some(TraceSource::Sdk),
            environment: None,
            tags: None,
            service_name: None,
        }
    }
}

/// Longest names and ids sent; longer text is cut (on a character boundary) rather than have the
/// whole batch rejected. The contract gives 255 for ids; the emulator accepts names up to 1000.
const MAX_ID_CHARS: usize = 255;
const MAX_NAME_CHARS: usize = 1000;

fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => text[..cut].to_owned(),
        None => text.to_owned(),
    }
}

fn name_text(name: &str) -> String {
    if name.trim().is_empty() {
        "span".to_owned()
    } else {
        clip(name, MAX_NAME_CHARS)
    }
}

/// Keeps a number only if the API would accept it (finite, at least 0).
fn non_negative(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite() && *v >= 0.0)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

impl From<&SpanData> for NewSpan {
    /// The ingest form: hex ids, RFC 3339 times (milliseconds), `durationMs`/`latencyMs` from the
    /// two times, `status`, and the optional fields that are set. Values the API would reject are
    /// repaired rather than sent (empty names, over-long ids, negative or non-finite numbers).
    fn from(span: &SpanData) -> Self {
        let mut out = NewSpan::new(
            span.span_id.to_string(),
            name_text(&span.name),
            span.kind.clone(),
            rfc3339(span.start_time),
        )
        .end_time(rfc3339(span.end_time))
        .duration_ms(millis(span.duration()))
        .latency_ms(millis(span.duration()))
        .status(span.status.clone());
        out.parent_span_id = span.parent_span_id.map(|id| id.to_string());
        out.error.clone_from(&span.error);
        out.model = span.model.as_deref().map(|m| clip(m, MAX_ID_CHARS));
        out.provider = span.provider.as_deref().map(|p| clip(p, MAX_ID_CHARS));
        out.tokens = span.tokens;
        out.cost_usd = non_negative(span.cost_usd);
        out.ttft_ms = non_negative(span.ttft_ms);
        out.input.clone_from(&span.input);
        out.output.clone_from(&span.output);
        out.attributes.clone_from(&span.attributes);
        out.events = span
            .events
            .iter()
            .map(|event| {
                let mut converted = SpanEvent::new(name_text(&event.name), rfc3339(event.time));
                converted.attributes.clone_from(&event.attributes);
                converted
            })
            .collect();
        out
    }
}

/// Groups spans by trace (in the order their traces first appear) into the body of
/// `ingest_trace_batch`.
///
/// Per trace: the id in hex; `sessionId` and `name` from the first span that carries them
/// (the name defaults to the root span's name when the root is among `spans`); `startTime` the
/// earliest of the spans' starts and their `trace_start`; `endTime` the root's end when the root
/// is among `spans`; `source`, `environment` and `tags` from `defaults`. The service name, an
/// environment other than the contract's three values, and a source outside the contract's
/// list go into the trace's `metadata` (`serviceName`, `environment`, `source`; the trace's
/// `source` is then `sdk`).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use mutagent_trace_exporter::{to_new_traces, SpanData, SpanKind, TraceDefaults};
/// let t = SystemTime::now();
/// let root = SpanData::root("agent", SpanKind::Agent, t, t + Duration::from_secs(2)).session_id("s1");
/// let tool = SpanData::child_of(&root, "search", SpanKind::Tool, t, t + Duration::from_secs(1));
/// let other = SpanData::root("other", SpanKind::Chain, t, t);
/// let traces = to_new_traces(&[tool, root.clone(), other], &TraceDefaults::default());
/// assert_eq!(traces.len(), 2);
/// assert_eq!(traces[0].trace_id.as_str(), root.trace_id.to_string());
/// assert_eq!(traces[0].spans.len(), 2);
/// assert_eq!(traces[0].session_id.as_deref(), Some("s1"));
/// assert_eq!(traces[0].name.as_deref(), Some("agent"));
/// ```
pub fn to_new_traces(spans: &[SpanData], defaults: &TraceDefaults) -> Vec<NewTrace> {
    let mut order: Vec<(TraceId128, Vec<&SpanData>)> = Vec::new();
    let mut index: HashMap<TraceId128, usize> = HashMap::new();
    for span in spans {
        let slot = *index.entry(span.trace_id).or_insert_with(|| {
            order.push((span.trace_id, Vec::new()));
            order.len() - 1
        });
        if let Some((_, group)) = order.get_mut(slot) {
            group.push(span);
        }
    }
    order
        .into_iter()
        .map(|(trace_id, group)| trace_from_group(trace_id, &group, defaults))
        .collect()
}

fn trace_from_group(
    trace_id: TraceId128,
    group: &[&SpanData],
    defaults: &TraceDefaults,
) -> NewTrace {
    let start = group
        .iter()
        .flat_map(|span| [Some(span.start_time), span.trace_start])
        .flatten()
        .min()
        .unwrap_or_else(SystemTime::now);
    let root = group.iter().find(|span| span.parent_span_id.is_none());
    let mut trace = NewTrace::new(trace_id.to_string(), rfc3339(start));
    trace.session_id = group
        .iter()
        .find_map(|span| span.session_id.as_deref())
        .map(|session| clip(session, MAX_ID_CHARS));
    trace.name = group
        .iter()
        .find_map(|span| span.trace_name.as_deref())
        .or_else(|| root.map(|span| span.name.as_ref()))
        .map(name_text);
    trace.end_time = root.map(|span| rfc3339(span.end_time));
    trace.tags.clone_from(&defaults.tags);
    // The contract's `source` and `environment` take a fixed list of values: any other would
    // have the whole batch refused, so it travels in `metadata`, beside the service name
    // (which has no field).
    let mut metadata = Map::new();
    trace.source = contract_source(defaults.source.as_ref(), &mut metadata);
    match &defaults.environment {
        Some(environment) if environment.is_unknown() => {
            metadata.insert("environment".into(), Value::from(environment.as_str()));
        }
        environment => trace.environment.clone_from(environment),
    }
    if let Some(service) = &defaults.service_name {
        metadata.insert("serviceName".into(), Value::from(service.as_str()));
    }
    trace.metadata = (!metadata.is_empty()).then_some(Value::Object(metadata));
    trace.spans = group.iter().map(|span| NewSpan::from(*span)).collect();
    trace
}

/// The `source` field for `source`: a value of the contract's list as it is; any other is sent
/// as `sdk` (the default, which the batch route accepts) and kept in `metadata.source`, since
/// the batch route refuses a whole batch whose `source` is outside its list.
fn contract_source(
    source: Option<&TraceSource>,
    metadata: &mut Map<String, Value>,
) -> Option<TraceSource> {
    match source {
        Some(source) if source.is_unknown() => {
            metadata.insert("source".into(), Value::from(source.as_str()));
            Some(TraceSource::Sdk)
        }
        source => source.cloned(),
    }
}

/// RFC 3339 in UTC with milliseconds (`2026-11-01T10:00:00.123Z`; finer digits truncated).
/// chrono's own `From<SystemTime>` panics past the year 262143; such times are clamped.
fn rfc3339(time: SystemTime) -> String {
    let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (
            i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            after.subsec_nanos(),
        ),
        Err(before) => {
            let before = before.duration();
            let secs = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            match before.subsec_nanos() {
                0 => (-secs, 0),
                nanos => (-secs - 1, 1_000_000_000 - nanos),
            }
        }
    };
    // Out of chrono's range only far from the epoch, so `secs < 0` made `secs <= 0` is an
    // equivalent mutant for cargo-mutants (docs/reliability.md §12).
    let time = DateTime::<Utc>::from_timestamp(secs, nanos).unwrap_or(if secs < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    });
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Groups spans by trace into the body of the 0.4.1 `ingest_trace_batch` (the "hook format",
/// see [`mutagent_traces::v0_4`]): the same grouping, ids and times as [`to_new_traces`].
///
/// The hook format has no fields for tokens, cost, model, attributes or events, and takes
/// `input`/`output` as text. Nothing is dropped: text stays text, other JSON is sent as its JSON
/// text, and every field without a place of its own goes into the span's `metadata` under its
/// 0.1.2 name (`model`, `provider`, `tokens`, `costUsd`, `ttftMs`, `latencyMs`, `error`,
/// `attributes`, `events`). A trace's `status` is `error` when one of its spans failed, else
/// `ok`; its `source` comes from `defaults`, and `environment` and `tags` go into its
/// `metadata`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use mutagent_trace_exporter::{to_hook_batch, SpanData, SpanKind, TraceDefaults};
/// let t = SystemTime::now();
/// let root = SpanData::root("agent", SpanKind::Agent, t, t + Duration::from_secs(2));
/// let chat = SpanData::child_of(&root, "chat", SpanKind::LlmChat, t, t + Duration::from_secs(1))
///     .model("gpt-4o")
///     .input(serde_json::json!("hi"));
/// let batch = to_hook_batch(&[chat, root], &TraceDefaults::default());
/// let span = &batch.traces[0].spans.as_ref().unwrap()[0];
/// assert_eq!(span.input.as_deref(), Some("hi"));
/// assert_eq!(span.kind.as_deref(), Some("llm.chat"));
/// assert_eq!(span.metadata.as_ref().unwrap()["model"], "gpt-4o");
/// ```
pub fn to_hook_batch(spans: &[SpanData], defaults: &TraceDefaults) -> TraceBatchRequest {
    TraceBatchRequest::new(to_new_traces(spans, defaults).into_iter().map(hook_trace))
}

fn hook_trace(trace: NewTrace) -> HookTrace {
    let failed = trace
        .spans
        .iter()
        .any(|span| span.status.as_ref() == Some(&Status::Error) || span.error.is_some());
    let mut hook = HookTrace::new(trace.trace_id.as_str(), trace.start_time).status(if failed {
        "error"
    } else {
        "ok"
    });
    hook.session_id = trace.session_id;
    hook.name = trace.name;
    hook.end_time = trace.end_time;
    let mut metadata = match trace.metadata {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    // The hook format's `source` is free text (the service): a source the batch route would
    // refuse, moved into `metadata` by `to_new_traces`, goes back where it was set.
    hook.source = match metadata.remove("source") {
        Some(Value::String(source)) => Some(source),
        _ => trace.source.map(|source| source.as_str().to_owned()),
    };
    if let Some(environment) = trace.environment {
        metadata.insert("environment".into(), Value::from(environment.as_str()));
    }
    if let Some(tags) = trace.tags {
        metadata.insert("tags".into(), Value::from(tags));
    }
    hook.metadata = (!metadata.is_empty()).then_some(Value::Object(metadata));
    hook.spans = Some(trace.spans.into_iter().map(hook_span).collect());
    hook
}

/// JSON as the hook format's text: a string as itself, anything else as its JSON text.
fn as_text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

fn hook_span(span: NewSpan) -> HookSpan {
    let mut hook = HookSpan::new(span.span_id, span.name, span.start_time).kind(span.kind.as_str());
    hook.end_time = span.end_time;
    hook.status = span.status.map(|status| status.as_str().to_owned());
    hook.parent_span_id = span.parent_span_id;
    hook.input = span.input.map(as_text);
    hook.output = span.output.map(as_text);
    let mut metadata = match span.metadata {
        Some(Value::Object(map)) => map,
        Some(other) => Map::from_iter([("metadata".to_owned(), other)]),
        None => Map::new(),
    };
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            metadata.insert(key.to_owned(), value);
        }
    };
    put("model", span.model.map(Value::from));
    put("provider", span.provider.map(Value::from));
    put(
        "tokens",
        span.tokens
            .and_then(|tokens| serde_json::to_value(tokens).ok()),
    );
    put("costUsd", span.cost_usd.map(Value::from));
    put("ttftMs", span.ttft_ms.map(Value::from));
    put("latencyMs", span.latency_ms.map(Value::from));
    put("error", span.error.map(Value::from));
    put("statusMessage", span.status_message.map(Value::from));
    put(
        "attributes",
        (!span.attributes.is_empty()).then_some(Value::Object(span.attributes)),
    );
    put(
        "events",
        (!span.events.is_empty())
            .then(|| serde_json::to_value(&span.events).ok())
            .flatten(),
    );
    hook.metadata = (!metadata.is_empty()).then_some(Value::Object(metadata));
    hook
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_are_rfc3339_utc_milliseconds_and_never_panic() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 123_999_999);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let before = UNIX_EPOCH - Duration::from_nanos(1);
        assert_eq!(rfc3339(before), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_millis(951_782_400_000)),
            "2000-02-29T00:00:00.000Z"
        );
        // Whole and part seconds before the epoch count back from it.
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_secs(1)),
            "1969-12-31T23:59:59.000Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_millis(1_500)),
            "1969-12-31T23:59:58.500Z"
        );
        // Far past chrono's range, either way: clamped to its first or last instant, not a
        // panic.
        if let Some(far) = UNIX_EPOCH.checked_add(Duration::from_secs(1 << 50)) {
            assert!(rfc3339(far).starts_with('+'), "{}", rfc3339(far));
        }
        if let Some(far) = UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 50)) {
            assert!(rfc3339(far).starts_with('-'), "{}", rfc3339(far));
        }
    }

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_000 + ms)
    }

    #[test]
    fn span_wire_form() {
        let root = SpanData::root("agent", SpanKind::Agent, at(0), at(2_000));
        let span = SpanData::child_of(&root, "chat", SpanKind::LlmChat, at(100), at(1_350))
            .model("gpt-4o")
            .provider("openai")
            .tokens(12, 30)
            .cost_usd(0.5)
            .ttft_ms(f64::NAN)
            .input("hi")
            .attribute("temperature", 0.2)
            .event(SpanEventData::new("retry", at(200)).attribute("n", 1))
            .error("boom");
        let json = serde_json::to_value(NewSpan::from(&span)).expect("json");
        assert_eq!(
            json,
            json!({
                "spanId": span.span_id.to_string(),
                "parentSpanId": root.span_id.to_string(),
                "name": "chat",
                "kind": "llm.chat",
                "input": "hi",
                "startTime": "2023-11-14T22:13:20.100Z",
                "endTime": "2023-11-14T22:13:21.350Z",
                "durationMs": 1250.0,
                "latencyMs": 1250.0,
                "status": "error",
                "error": "boom",
                "tokens": {"input": 12, "output": 30},
                "model": "gpt-4o",
                "provider": "openai",
                "costUsd": 0.5,
                "attributes": {"temperature": 0.2},
                "events": [{"name": "retry", "timestamp": "2023-11-14T22:13:20.200Z", "attributes": {"n": 1}}],
            })
        );
    }

    #[test]
    fn repairs_what_the_api_would_reject() {
        let long = "m".repeat(300);
        let span = SpanData::root("", SpanKind::Custom, at(5), at(1))
            .model(long.as_str())
            .cost_usd(-1.0)
            .session_id(long.as_str());
        let traces = to_new_traces(std::slice::from_ref(&span), &TraceDefaults::default());
        let json = serde_json::to_value(&traces[0]).expect("json");
        assert_eq!(json["spans"][0]["name"], "span");
        assert_eq!(json["spans"][0]["model"].as_str().map(str::len), Some(255));
        assert!(json["spans"][0].get("costUsd").is_none());
        assert_eq!(json["spans"][0]["durationMs"], 0.0);
        assert_eq!(json["sessionId"].as_str().map(str::len), Some(255));
        assert_eq!(json["name"], "span");
        assert_eq!(json["source"], "sdk");
    }

    #[test]
    fn a_source_outside_the_contract_travels_in_metadata_but_the_hook_keeps_it() {
        let root = SpanData::root("agent", SpanKind::Agent, at(10), at(900));
        let defaults = TraceDefaults {
            source: Some(TraceSource::from("my-service")),
            ..TraceDefaults::default()
        };
        let traces = to_new_traces(std::slice::from_ref(&root), &defaults);
        let json = serde_json::to_value(&traces[0]).expect("json");
        assert_eq!(json["source"], "sdk", "{json}");
        assert_eq!(json["metadata"], json!({"source": "my-service"}));
        // The hook format's `source` is free text: it goes back there.
        let hook = to_hook_batch(std::slice::from_ref(&root), &defaults);
        let hook = serde_json::to_value(&hook.traces[0]).expect("json");
        assert_eq!(hook["source"], "my-service", "{hook}");
        assert!(hook.get("metadata").is_none(), "{hook}");
        // A source of the contract's list is sent as it is.
        let listed = TraceDefaults {
            source: Some(TraceSource::Langchain),
            ..TraceDefaults::default()
        };
        let json = serde_json::to_value(&to_new_traces(&[root], &listed)[0]).expect("json");
        assert_eq!(json["source"], "langchain");
        assert!(json.get("metadata").is_none(), "{json}");
    }

    #[test]
    fn grouping_keeps_trace_order_and_fields() {
        let root = SpanData::root("agent", SpanKind::Agent, at(10), at(900)).session_id("s");
        let late_child = SpanData::child_of(&root, "tool", SpanKind::Tool, at(50), at(60));
        let other = SpanData::root("other", SpanKind::Chain, at(0), at(5)).trace_name("named");
        let defaults = TraceDefaults {
            environment: Some(Environment::Staging),
            tags: Some(vec!["a".into()]),
            ..TraceDefaults::default()
        };
        let traces = to_new_traces(
            &[late_child.clone(), other.clone(), root.clone()],
            &defaults,
        );
        assert_eq!(traces.len(), 2);
        let first = serde_json::to_value(&traces[0]).expect("json");
        assert_eq!(first["traceId"], root.trace_id.to_string());
        assert_eq!(first["startTime"], "2023-11-14T22:13:20.010Z");
        assert_eq!(first["endTime"], "2023-11-14T22:13:20.900Z");
        assert_eq!(first["name"], "agent");
        assert_eq!(first["sessionId"], "s");
        assert_eq!(first["environment"], "staging");
        assert_eq!(first["tags"], json!(["a"]));
        assert_eq!(first["spans"].as_array().map(Vec::len), Some(2));
        let second = serde_json::to_value(&traces[1]).expect("json");
        assert_eq!(second["name"], "named");

        // The service name, and an environment outside the contract's three, in metadata.
        let named = TraceDefaults {
            environment: Some(Environment::from("qa-eu")),
            service_name: Some("checkout".into()),
            ..TraceDefaults::default()
        };
        let traces = to_new_traces(std::slice::from_ref(&root), &named);
        let json = serde_json::to_value(&traces[0]).expect("json");
        assert!(json.get("environment").is_none(), "{json}");
        assert_eq!(
            json["metadata"],
            json!({"environment": "qa-eu", "serviceName": "checkout"})
        );
        let hook = to_hook_batch(std::slice::from_ref(&root), &named);
        let hook = serde_json::to_value(&hook.traces[0]).expect("json");
        assert_eq!(hook["metadata"]["serviceName"], "checkout");
        assert_eq!(hook["metadata"]["environment"], "qa-eu");

        // Only a child in this batch: no end time, no name, start from the inherited trace start.
        let alone = to_new_traces(&[late_child], &defaults);
        let alone = serde_json::to_value(&alone[0]).expect("json");
        assert!(alone.get("endTime").is_none());
        assert!(alone.get("name").is_none());
        assert_eq!(alone["startTime"], "2023-11-14T22:13:20.010Z");
        assert_eq!(alone["sessionId"], "s");
    }

    #[test]
    fn the_hook_format_keeps_what_it_has_no_field_for() {
        let root = SpanData::root("agent", SpanKind::Agent, at(0), at(2_000));
        let chat = SpanData::child_of(&root, "chat", SpanKind::LlmChat, at(100), at(900))
            .input("hi")
            .output(json!({"answer": 42}))
            .attribute("temperature", 0.2)
            .event(SpanEventData::new("retry", at(200)));
        let batch = to_hook_batch(&[chat, root.clone()], &TraceDefaults::default());
        let trace = serde_json::to_value(&batch.traces[0]).expect("json");
        assert_eq!(trace["status"], "ok", "{trace}");
        let spans = trace["spans"].as_array().expect("spans");
        let chat = &spans[0];
        assert_eq!(chat["input"], "hi");
        assert_eq!(chat["output"], r#"{"answer":42}"#);
        assert_eq!(chat["metadata"]["attributes"], json!({"temperature": 0.2}));
        assert_eq!(chat["metadata"]["events"][0]["name"], "retry");
        // Nothing to keep: no empty attributes or events.
        let root_meta = &spans[1]["metadata"];
        assert!(root_meta.get("attributes").is_none(), "{root_meta}");
        assert!(root_meta.get("events").is_none(), "{root_meta}");

        // A span that failed, even with no message, fails its trace.
        let mut failed = SpanData::root("step", SpanKind::Tool, at(0), at(1));
        failed.status = Status::Error;
        let batch = to_hook_batch(&[failed], &TraceDefaults::default());
        assert_eq!(batch.traces[0].status.as_deref(), Some("error"));
        let with_message = SpanData::root("step", SpanKind::Tool, at(0), at(1)).error("boom");
        let batch = to_hook_batch(&[with_message], &TraceDefaults::default());
        assert_eq!(batch.traces[0].status.as_deref(), Some("error"));
    }
}
