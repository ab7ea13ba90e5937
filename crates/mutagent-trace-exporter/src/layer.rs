//! [`MutagentLayer`]: a `tracing-subscriber` layer that turns the `tracing` spans you mark into
//! MutagenT spans and hands them to an [`Exporter`].
//!
//! # The marking rule
//!
//! A span is exported when it has a field named **`mutagent.kind`**, whose value is one of the
//! MutagenT span kinds (`"llm.chat"`, `"llm.completion"`, `"llm.embedding"`, `"chain"`,
//! `"agent"`, `"graph"`, `"node"`, `"edge"`, `"workflow"`, `"middleware"`, `"retrieval"`,
//! `"rerank"`, `"tool"`, `"guardrail"`, `"custom"`; anything else is sent as `custom`). Every
//! other span is ignored, so the layer can sit in a subscriber that also logs everything else,
//! and the SDK's own spans (`mutagent.call`) are never exported.
//!
//! ```
//! # #[cfg(feature = "layer")] {
//! use tracing::field::Empty;
//! let span = tracing::info_span!(
//!     "chat",
//!     mutagent.kind = "llm.chat",
//!     gen_ai.request.model = "gpt-4o",
//!     gen_ai.usage.input_tokens = Empty,
//!     gen_ai.usage.output_tokens = Empty,
//!     mutagent.output = Empty,
//! );
//! // ... call the model, then:
//! span.record("gen_ai.usage.input_tokens", 12);
//! span.record("gen_ai.usage.output_tokens", 30);
//! span.record("mutagent.output", "Paris.");
//! # }
//! ```
//!
//! # Fields
//!
//! | field (any of) | becomes |
//! |---|---|
//! | `mutagent.kind` | the kind (and marks the span) |
//! | `mutagent.name` | the span name (default: the `tracing` span name) |
//! | `mutagent.model`, `gen_ai.request.model` | `model` |
//! | `mutagent.provider`, `gen_ai.system`, `gen_ai.provider.name` | `provider` |
//! | `mutagent.input_tokens`, `gen_ai.usage.input_tokens` | `tokens.input` |
//! | `mutagent.output_tokens`, `gen_ai.usage.output_tokens` | `tokens.output` |
//! | `mutagent.cost_usd` | `costUsd` |
//! | `mutagent.ttft_ms` | `ttftMs` |
//! | `mutagent.input`, `mutagent.output` | `input`, `output` (text that is a JSON object or array is sent as that JSON) |
//! | `mutagent.session_id`, `session.id` | the trace's `sessionId` (children inherit it) |
//! | `mutagent.trace_name` | the trace's `name` (default: the root span's name) |
//! | `error`, `mutagent.error` | status `error` with this message |
//! | anything else | `attributes` |
//!
//! Fields must be declared when the span is created (`tracing`'s rule); declare the ones you fill
//! in later as `tracing::field::Empty` and use `Span::record`.
//!
//! # Parents, traces, events, status
//!
//! * The parent of an exported span is its nearest *exported* ancestor in `tracing`'s span tree
//!   (spans in between that are not marked are skipped). A span with no exported ancestor starts
//!   a new trace with a new random 128-bit trace id; its descendants share it. Because the parent
//!   comes from `tracing`'s own tree, it survives `.await`: an `Instrumented` future or
//!   `#[tracing::instrument]` keeps its span, whichever thread polls it.
//! * Start and end are wall-clock times taken when the span is created and when it closes
//!   (its last handle is dropped).
//! * An event inside an exported span (directly or through unmarked spans) is added to it as a
//!   span event named after its message; its fields become the event's attributes, except the
//!   fields of the table above, which update the span (so `tracing::info!(gen_ai.usage.output_tokens = 30, "done")`
//!   works without declaring the field on the span). An event at level `ERROR`, or with an
//!   `error` field, marks the span failed.
//!
//! Spans are created and closed by `tracing`; the layer never blocks: a closed span goes to
//! [`Exporter::record`] (a bounded queue; see the exporter's delivery guarantees).
//!
//! # Bounded in bytes, not only in spans
//!
//! A span that stays open for long (a whole agent run, a server's lifetime) would otherwise
//! collect every event inside it. Each open span keeps at most [`SpanLimits::max_events`]
//! events (default 128), at most [`SpanLimits::max_attributes`] attributes on the span and on
//! each event (default 128), and text values of at most [`SpanLimits::max_value_bytes`]
//! (default 4 KiB: attributes, event names, model, provider, error; `input` and `output` are
//! kept whole). What does not fit is counted: on the span as the attributes
//! `mutagent.dropped_events`, `mutagent.dropped_attributes` and `mutagent.truncated_values`
//! (only when not zero), and for the whole layer in [`MutagentLayer::dropped`]. Events past
//! the limit still update the span's known fields (tokens, status).

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use mutagent_traces::{SpanKind, Status, TokenUsage};
use serde_json::Value;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use crate::exporter::Exporter;
use crate::ids::SpanId64;
use crate::span::{SpanData, SpanEventData};

/// The field that marks a `tracing` span for export.
pub const KIND_FIELD: &str = "mutagent.kind";

/// A `tracing-subscriber` layer exporting marked spans (see the [module](self) docs).
///
/// It needs a subscriber that stores spans, such as `tracing_subscriber::registry()`.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use tracing_subscriber::layer::SubscriberExt;
/// use mutagent_trace_exporter::{Exporter, MutagentLayer};
///
/// let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
/// let exporter = Exporter::new(&client)?;
/// let subscriber = tracing_subscriber::registry().with(MutagentLayer::new(exporter.clone()));
/// tracing::subscriber::set_global_default(subscriber)?;
///
/// tracing::info_span!("answer", mutagent.kind = "chain").in_scope(|| {
///     // ...
/// });
/// let report = exporter.shutdown(Duration::from_secs(5));
/// assert!(report.is_complete());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MutagentLayer {
    exporter: Exporter,
    limits: SpanLimits,
    dropped: Arc<DropCounters>,
}

/// How much one open span may hold (see [Bounded in bytes](self#bounded-in-bytes-not-only-in-spans)).
///
/// ```
/// # #[cfg(feature = "layer")] {
/// use mutagent_trace_exporter::layer::SpanLimits;
/// let limits = SpanLimits::new().max_events(32).max_value_bytes(1024);
/// assert_eq!(limits.events(), 32);
/// assert_eq!(SpanLimits::default().attributes(), 128);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanLimits {
    max_events: usize,
    max_attributes: usize,
    max_value_bytes: usize,
}

impl Default for SpanLimits {
    fn default() -> Self {
        Self {
            max_events: 128,
            max_attributes: 128,
            max_value_bytes: 4096,
        }
    }
}

impl SpanLimits {
    /// The defaults: 128 events, 128 attributes, 4 KiB values.
    pub fn new() -> Self {
        Self::default()
    }
    /// The most events one span keeps (default 128); later ones are counted, not kept.
    #[must_use]
    pub fn max_events(mut self, events: usize) -> Self {
        self.max_events = events;
        self
    }
    /// The most attributes one span, or one event, keeps (default 128).
    #[must_use]
    pub fn max_attributes(mut self, attributes: usize) -> Self {
        self.max_attributes = attributes;
        self
    }
    /// The longest text value kept, in bytes (default 4096; longer ones are cut on a
    /// character boundary and end with `…`). `input` and `output` are never cut.
    #[must_use]
    pub fn max_value_bytes(mut self, bytes: usize) -> Self {
        self.max_value_bytes = bytes;
        self
    }
    /// The configured event limit.
    pub fn events(&self) -> usize {
        self.max_events
    }
    /// The configured attribute limit.
    pub fn attributes(&self) -> usize {
        self.max_attributes
    }
    /// The configured value limit in bytes.
    pub fn value_bytes(&self) -> usize {
        self.max_value_bytes
    }
}

/// What the layer left out because a span reached its [`SpanLimits`], since it was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dropped {
    /// Events not kept.
    pub events: u64,
    /// Attributes not kept.
    pub attributes: u64,
    /// Text values cut to the limit.
    pub truncated_values: u64,
}

#[derive(Debug, Default)]
struct DropCounters {
    events: AtomicU64,
    attributes: AtomicU64,
    truncated_values: AtomicU64,
}

impl MutagentLayer {
    /// A layer handing finished spans to `exporter`, with the default [`SpanLimits`].
    pub fn new(exporter: Exporter) -> Self {
        Self {
            exporter,
            limits: SpanLimits::default(),
            dropped: Arc::default(),
        }
    }

    /// Sets how much one open span may hold.
    #[must_use]
    pub fn with_limits(mut self, limits: SpanLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The exporter the layer feeds.
    pub fn exporter(&self) -> &Exporter {
        &self.exporter
    }

    /// What the span limits left out so far, over every span of this layer (and its clones).
    pub fn dropped(&self) -> Dropped {
        Dropped {
            events: self.dropped.events.load(Ordering::Relaxed),
            attributes: self.dropped.attributes.load(Ordering::Relaxed),
            truncated_values: self.dropped.truncated_values.load(Ordering::Relaxed),
        }
    }
}

/// What the layer keeps in a marked span's extensions while it is open.
struct Open {
    data: SpanData,
    counts: Counts,
}

/// What one span left out.
#[derive(Default)]
struct Counts {
    events: u64,
    attributes: u64,
    truncated_values: u64,
}

impl<S> Layer<S> for MutagentLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let metadata = attrs.metadata();
        if metadata.fields().field(KIND_FIELD).is_none() {
            return;
        }
        let Some(span) = ctx.span(id) else { return };
        let now = SystemTime::now();
        let mut data = SpanData::root(metadata.name(), SpanKind::Custom, now, now);
        let parent = span.scope().skip(1).find_map(|ancestor| {
            ancestor
                .extensions()
                .get::<Open>()
                .map(|open| inherit(&open.data))
        });
        if let Some(parent) = parent {
            data.trace_id = parent.trace_id;
            data.parent_span_id = Some(parent.span_id);
            data.session_id = parent.session_id;
            data.trace_name = parent.trace_name;
            data.trace_start = parent.trace_start;
        }
        let mut counts = Counts::default();
        attrs.record(&mut Fields::span(&mut data, self.limits, &mut counts));
        span.extensions_mut().insert(Open { data, counts });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(open) = extensions.get_mut::<Open>() {
            values.record(&mut Fields::span(
                &mut open.data,
                self.limits,
                &mut open.counts,
            ));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            let mut extensions = span.extensions_mut();
            let Some(open) = extensions.get_mut::<Open>() else {
                continue;
            };
            let metadata = event.metadata();
            let mut recorded = SpanEventData::new(metadata.name(), SystemTime::now());
            let message = {
                let mut fields =
                    Fields::event(&mut open.data, &mut recorded, self.limits, &mut open.counts);
                event.record(&mut fields);
                fields.message.take()
            };
            let is_error = *metadata.level() == Level::ERROR;
            if let Some(message) = message {
                if is_error && open.data.error.is_none() {
                    open.data.error = Some(message.clone());
                }
                recorded.name = Cow::Owned(message);
            }
            if is_error {
                open.data.status = Status::Error;
                if open.data.error.is_none() {
                    open.data.error = Some(recorded.name.to_string());
                }
            }
            // The event's fields have updated the span either way; only keeping it is capped.
            if open.data.events.len() < self.limits.max_events {
                open.data.events.push(recorded);
            } else {
                open.counts.events += 1;
            }
            return;
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let open = span.extensions_mut().remove::<Open>();
        if let Some(Open { mut data, counts }) = open {
            data.end_time = SystemTime::now();
            for (name, count, total) in [
                (
                    "mutagent.dropped_events",
                    counts.events,
                    &self.dropped.events,
                ),
                (
                    "mutagent.dropped_attributes",
                    counts.attributes,
                    &self.dropped.attributes,
                ),
                (
                    "mutagent.truncated_values",
                    counts.truncated_values,
                    &self.dropped.truncated_values,
                ),
            ] {
                if count > 0 {
                    data.attributes.insert(name.to_owned(), Value::from(count));
                    total.fetch_add(count, Ordering::Relaxed);
                }
            }
            self.exporter.record(data);
        }
    }
}

/// What a child takes from its exported parent.
struct Inherited {
    trace_id: crate::ids::TraceId128,
    span_id: SpanId64,
    session_id: Option<Arc<str>>,
    trace_name: Option<Arc<str>>,
    trace_start: Option<SystemTime>,
}

fn inherit(parent: &SpanData) -> Inherited {
    Inherited {
        trace_id: parent.trace_id,
        span_id: parent.span_id,
        session_id: parent.session_id.clone(),
        trace_name: parent.trace_name.clone(),
        trace_start: parent.trace_start,
    }
}

/// One recorded value, before it is known where it goes.
enum FieldValue<'a> {
    Str(&'a str),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    Text(String),
}

impl FieldValue<'_> {
    fn to_json(&self) -> Value {
        match self {
            FieldValue::Str(s) => Value::from(*s),
            FieldValue::I64(n) => Value::from(*n),
            FieldValue::U64(n) => Value::from(*n),
            FieldValue::F64(n) => serde_json::Number::from_f64(*n)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(n.to_string())),
            FieldValue::Bool(b) => Value::Bool(*b),
            FieldValue::Text(s) => Value::String(s.clone()),
        }
    }

    fn to_text(&self) -> String {
        match self {
            FieldValue::Str(s) => (*s).to_owned(),
            FieldValue::Text(s) => s.clone(),
            other => other.to_json().to_string(),
        }
    }

    fn to_count(&self) -> Option<u64> {
        match self {
            FieldValue::U64(n) => Some(*n),
            FieldValue::I64(n) => u64::try_from(*n).ok(),
            FieldValue::F64(n) if n.is_finite() && *n >= 0.0 => Some(n.round() as u64),
            FieldValue::Str(s) => s.trim().parse().ok(),
            FieldValue::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn to_number(&self) -> Option<f64> {
        match self {
            FieldValue::U64(n) => Some(*n as f64),
            FieldValue::I64(n) => Some(*n as f64),
            FieldValue::F64(n) => Some(*n),
            FieldValue::Str(s) => s.trim().parse().ok(),
            FieldValue::Text(s) => s.trim().parse().ok(),
            FieldValue::Bool(_) => None,
        }
    }

    /// Text holding a JSON object or array is kept as that JSON; anything else as is.
    fn to_io(&self) -> Value {
        let text = match self {
            FieldValue::Str(s) => *s,
            FieldValue::Text(s) => s.as_str(),
            other => return other.to_json(),
        };
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if let Ok(json) = serde_json::from_str::<Value>(text) {
                return json;
            }
        }
        Value::from(text)
    }
}

/// Applies a field known to the MutagenT span model; `false` for any other field.
fn apply_known(data: &mut SpanData, name: &str, value: &FieldValue<'_>) -> bool {
    match name {
        KIND_FIELD => {
            let text = value.to_text();
            let kind = SpanKind::from(text.as_str());
            if kind.is_unknown() {
                data.kind = SpanKind::Custom;
                data.attributes
                    .insert(KIND_FIELD.to_owned(), Value::String(text));
            } else {
                data.kind = kind;
            }
        }
        "mutagent.name" => data.name = Cow::Owned(value.to_text()),
        "mutagent.model" | "gen_ai.request.model" => data.model = Some(value.to_text()),
        "mutagent.provider" | "gen_ai.system" | "gen_ai.provider.name" => {
            data.provider = Some(value.to_text());
        }
        "mutagent.input_tokens" | "gen_ai.usage.input_tokens" => {
            if let Some(count) = value.to_count() {
                let tokens = data.tokens.get_or_insert_with(TokenUsage::default);
                tokens.input = count;
            }
        }
        "mutagent.output_tokens" | "gen_ai.usage.output_tokens" => {
            if let Some(count) = value.to_count() {
                let tokens = data.tokens.get_or_insert_with(TokenUsage::default);
                tokens.output = count;
            }
        }
        "mutagent.cost_usd" => data.cost_usd = value.to_number(),
        "mutagent.ttft_ms" => data.ttft_ms = value.to_number(),
        "mutagent.input" => data.input = Some(value.to_io()),
        "mutagent.output" => data.output = Some(value.to_io()),
        "mutagent.session_id" | "session.id" => {
            data.session_id = Some(Arc::from(value.to_text()));
        }
        "mutagent.trace_name" => data.trace_name = Some(Arc::from(value.to_text())),
        "error" | "mutagent.error" => {
            data.status = Status::Error;
            data.error = Some(value.to_text());
        }
        _ => return false,
    }
    true
}

/// Records fields into a span (span fields) or into an event of a span (event fields),
/// within the span's limits.
struct Fields<'a> {
    data: &'a mut SpanData,
    event: Option<&'a mut SpanEventData>,
    message: Option<String>,
    limits: SpanLimits,
    counts: &'a mut Counts,
}

impl<'a> Fields<'a> {
    fn span(data: &'a mut SpanData, limits: SpanLimits, counts: &'a mut Counts) -> Self {
        Self {
            data,
            event: None,
            message: None,
            limits,
            counts,
        }
    }

    fn event(
        data: &'a mut SpanData,
        event: &'a mut SpanEventData,
        limits: SpanLimits,
        counts: &'a mut Counts,
    ) -> Self {
        Self {
            data,
            event: Some(event),
            message: None,
            limits,
            counts,
        }
    }

    fn value(&mut self, field: &Field, value: FieldValue<'_>) {
        let name = field.name();
        if self.event.is_some() && name == "message" {
            let message = self.clip(FieldValue::Text(value.to_text()));
            self.message = Some(message.to_text());
            return;
        }
        let value = match name {
            "mutagent.input" | "mutagent.output" => value,
            _ => self.clip(value),
        };
        if apply_known(self.data, name, &value) {
            return;
        }
        let target = match self.event.as_deref_mut() {
            Some(event) => &mut event.attributes,
            None => &mut self.data.attributes,
        };
        if target.len() >= self.limits.max_attributes && !target.contains_key(name) {
            self.counts.attributes += 1;
            return;
        }
        target.insert(name.to_owned(), value.to_json());
    }

    /// A text value cut to the limit (on a character boundary, ending in `…`).
    fn clip<'v>(&mut self, value: FieldValue<'v>) -> FieldValue<'v> {
        let max = self.limits.max_value_bytes;
        let text = match &value {
            FieldValue::Str(text) if text.len() > max => *text,
            FieldValue::Text(text) if text.len() > max => text.as_str(),
            _ => return value,
        };
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.counts.truncated_values += 1;
        FieldValue::Text(format!("{}…", &text[..end]))
    }
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.value(field, FieldValue::Str(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.value(field, FieldValue::I64(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.value(field, FieldValue::U64(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.value(field, FieldValue::F64(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.value(field, FieldValue::Bool(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.value(field, FieldValue::Text(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.value(field, FieldValue::Text(format!("{value:?}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_keep_what_was_set() {
        let limits = SpanLimits::new()
            .max_events(32)
            .max_attributes(7)
            .max_value_bytes(1024);
        assert_eq!(
            (limits.events(), limits.attributes(), limits.value_bytes()),
            (32, 7, 1024)
        );
        let defaults = SpanLimits::default();
        assert_eq!(
            (
                defaults.events(),
                defaults.attributes(),
                defaults.value_bytes()
            ),
            (128, 128, 4096)
        );
    }

    #[test]
    fn token_counts_are_read_from_any_number_or_numeric_text() {
        let counts = [
            FieldValue::U64(7),
            FieldValue::I64(8),
            FieldValue::F64(8.6),
            FieldValue::Str(" 10 "),
            FieldValue::Text("11".to_owned()),
            FieldValue::F64(0.0),
        ]
        .map(|value| value.to_count());
        assert_eq!(
            counts,
            [Some(7), Some(8), Some(9), Some(10), Some(11), Some(0)]
        );
        let refused = [
            FieldValue::I64(-1),
            FieldValue::F64(-1.0),
            FieldValue::F64(f64::NAN),
            FieldValue::Bool(true),
            FieldValue::Str("many"),
        ]
        .map(|value| value.to_count());
        assert_eq!(refused, [None; 5]);
    }

    #[test]
    fn input_text_holding_a_json_object_or_array_is_sent_as_that_json() {
        use serde_json::json;
        let io = |text: &str| FieldValue::Str(text).to_io();
        assert_eq!(io(r#" {"q": "hi"}"#), json!({"q": "hi"}));
        assert_eq!(io("[1, 2]"), json!([1, 2]));
        assert_eq!(io("{not json"), json!("{not json"));
        assert_eq!(io("plain"), json!("plain"));
        assert_eq!(FieldValue::Text("[true]".to_owned()).to_io(), json!([true]));
        assert_eq!(FieldValue::U64(3).to_io(), json!(3));
    }

    fn text(value: &FieldValue<'_>) -> String {
        value.to_text()
    }

    #[test]
    fn values_are_cut_on_a_character_boundary_only_past_the_limit() {
        let t = SystemTime::UNIX_EPOCH;
        let mut data = SpanData::root("s", SpanKind::Custom, t, t);
        let mut counts = Counts::default();
        let limits = SpanLimits::new().max_value_bytes(4);
        let mut fields = Fields::span(&mut data, limits, &mut counts);
        // Exactly the limit: kept whole, not counted.
        assert_eq!(text(&fields.clip(FieldValue::Str("abcd"))), "abcd");
        assert_eq!(text(&fields.clip(FieldValue::Text("wxyz".into()))), "wxyz");
        assert_eq!(text(&fields.clip(FieldValue::Str("abcde"))), "abcd…");
        // "abé" + "é": the limit falls inside the second é, the cut goes back before it.
        assert_eq!(text(&fields.clip(FieldValue::Text("abéé".into()))), "abé…");
        assert_eq!(text(&fields.clip(FieldValue::Str("aéé"))), "aé…");
        assert_eq!(counts.truncated_values, 3);
    }

    #[test]
    fn known_fields_set_the_span_not_its_attributes() {
        let t = SystemTime::UNIX_EPOCH;
        let mut data = SpanData::root("s", SpanKind::Custom, t, t);
        let known = [
            ("mutagent.name", FieldValue::Str("renamed")),
            ("mutagent.ttft_ms", FieldValue::F64(12.5)),
            ("mutagent.cost_usd", FieldValue::Str("0.25")),
            ("gen_ai.provider.name", FieldValue::Str("openai")),
            ("mutagent.trace_name", FieldValue::Str("support")),
        ];
        for (name, value) in &known {
            assert!(apply_known(&mut data, name, value), "{name}");
        }
        assert_eq!(data.name, "renamed");
        assert_eq!(data.ttft_ms, Some(12.5));
        assert_eq!(data.cost_usd, Some(0.25));
        assert_eq!(data.provider.as_deref(), Some("openai"));
        assert_eq!(data.trace_name.as_deref(), Some("support"));
        assert!(data.attributes.is_empty());
        assert!(!apply_known(&mut data, "query", &FieldValue::Str("q")));
    }
}
