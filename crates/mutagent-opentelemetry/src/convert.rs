//! One finished OpenTelemetry span into the exporter's [`SpanData`]: the GenAI semantic
//! conventions become MutagenT's LLM fields, everything else is kept as it came.
//!
//! The rule of this module: an attribute or event that becomes a field of its own is not
//! repeated in `attributes`/`events`; every other attribute and event is kept unchanged. The
//! table of every mapping is in `docs/tracing.md` ("OpenTelemetry: what maps to what").

use std::borrow::Cow;

use mutagent_trace_exporter::{SpanData, SpanEventData, SpanId64, SpanKind, Status, TraceId128};
use opentelemetry::trace::{Event, SpanKind as OtelKind, Status as OtelStatus};
use opentelemetry::{Array, KeyValue, Value as OtelValue};
use serde_json::{Map, Number, Value};

/// Attribute keys read by the conversion (the OpenTelemetry GenAI semantic conventions, their
/// older names, and the `mutagent.*` names of our own OTLP conversion).
pub(crate) mod keys {
    /// GenAI: what the call does (`chat`, `text_completion`, `embeddings`, ...).
    pub(crate) const OPERATION: &str = "gen_ai.operation.name";
    /// GenAI: the model asked for.
    pub(crate) const REQUEST_MODEL: &str = "gen_ai.request.model";
    /// GenAI: the model that answered.
    pub(crate) const RESPONSE_MODEL: &str = "gen_ai.response.model";
    /// GenAI: the provider (current name).
    pub(crate) const PROVIDER: &str = "gen_ai.provider.name";
    /// GenAI: the provider (name before semantic conventions 1.37).
    pub(crate) const SYSTEM: &str = "gen_ai.system";
    /// GenAI token counts, and their names before semantic conventions 1.27.
    pub(crate) const INPUT_TOKENS: [&str; 2] =
        ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"];
    pub(crate) const OUTPUT_TOKENS: [&str; 2] = [
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.completion_tokens",
    ];
    /// The cost in US dollars: ours, and the name some instrumentations use.
    pub(crate) const COST: [&str; 2] = ["mutagent.cost_usd", "gen_ai.usage.cost"];
    /// The time to the first token, in milliseconds (ours).
    pub(crate) const TTFT_MS: &str = "mutagent.ttft_ms";
    /// The input: GenAI messages (1.36+), the older prompt attribute, ours.
    pub(crate) const INPUT: [&str; 3] =
        ["gen_ai.input.messages", "gen_ai.prompt", "mutagent.input"];
    /// The output: GenAI messages (1.36+), the older completion attribute, ours.
    pub(crate) const OUTPUT: [&str; 3] = [
        "gen_ai.output.messages",
        "gen_ai.completion",
        "mutagent.output",
    ];
    /// The MutagenT span kind, when the producer set it (our OTLP conversion, the layer's name).
    pub(crate) const KIND: [&str; 2] = ["mutagent.span.kind", "mutagent.kind"];
    /// The session: common OpenTelemetry name, GenAI's conversation id, ours.
    pub(crate) const SESSION: [&str; 3] = [
        "session.id",
        "gen_ai.conversation.id",
        "mutagent.session_id",
    ];
    /// The trace name (ours).
    pub(crate) const TRACE_NAME: &str = "mutagent.trace.name";
    /// Where the OpenTelemetry span kind is kept.
    pub(crate) const OTEL_KIND: &str = "otel.kind";
    /// Where the span's links are kept (`[{traceId, spanId, attributes?}]`).
    pub(crate) const OTEL_LINKS: &str = "otel.links";
    /// Where the instrumentation scope is kept.
    pub(crate) const OTEL_SCOPE: &str = "otel.scope.name";
}

/// Event names of the GenAI conventions that carry the prompt and the completion.
mod events {
    /// Semantic conventions up to 1.27: one event with the whole prompt / completion.
    pub(super) const PROMPT: &str = "gen_ai.content.prompt";
    pub(super) const PROMPT_ATTRIBUTE: &str = "gen_ai.prompt";
    pub(super) const COMPLETION: &str = "gen_ai.content.completion";
    pub(super) const COMPLETION_ATTRIBUTE: &str = "gen_ai.completion";
    /// 1.28 to 1.35: one event per message, and one per choice.
    pub(super) const MESSAGES: [(&str, &str); 4] = [
        ("gen_ai.system.message", "system"),
        ("gen_ai.user.message", "user"),
        ("gen_ai.assistant.message", "assistant"),
        ("gen_ai.tool.message", "tool"),
    ];
    pub(super) const CHOICE: &str = "gen_ai.choice";
}

/// An OpenTelemetry attribute value as JSON. Non-finite doubles, which JSON has no number for,
/// are kept as their text (`"NaN"`, `"inf"`) rather than lost.
pub(crate) fn json_value(value: &OtelValue) -> Value {
    fn double(v: f64) -> Value {
        Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number)
    }
    match value {
        OtelValue::Bool(b) => Value::Bool(*b),
        OtelValue::I64(i) => Value::from(*i),
        OtelValue::F64(f) => double(*f),
        OtelValue::String(s) => Value::String(s.as_str().to_owned()),
        OtelValue::Array(Array::Bool(items)) => items.iter().copied().map(Value::Bool).collect(),
        OtelValue::Array(Array::I64(items)) => items.iter().copied().map(Value::from).collect(),
        OtelValue::Array(Array::F64(items)) => items.iter().copied().map(double).collect(),
        OtelValue::Array(Array::String(items)) => items
            .iter()
            .map(|s| Value::String(s.as_str().to_owned()))
            .collect(),
        // `Value` and `Array` are non-exhaustive: a future variant is kept as its text.
        #[allow(unreachable_patterns)]
        other => Value::String(other.to_string()),
    }
}

/// Text that holds a JSON object or array (GenAI messages are JSON text) as that JSON; any
/// other value as it is.
fn content(value: Value) -> Value {
    match value {
        Value::String(text)
            if matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'[')) =>
        {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        }
        other => other,
    }
}

/// The message of an error span whose status has no description, from the event that tells
/// what went wrong: the first `exception` event's `exception.message` (`exception.type` without
/// one), or the first `ERROR`-level event of `tracing-opentelemetry` (attribute `level`), as its
/// message with its `error` field. `tracing-opentelemetry` marks a span failed with an empty
/// description whenever an `ERROR` event happens inside it (`tracing::error!("timed out")`),
/// so without this the stored span said only "error" and the reason sat in an event.
fn error_message(events: &[Event]) -> Option<String> {
    events.iter().find_map(|event| {
        let text = |key: &str| {
            event
                .attributes
                .iter()
                .find(|kv| kv.key.as_str() == key)
                .map(|kv| kv.value.as_str().into_owned())
                .filter(|text| !text.is_empty())
        };
        if event.name == "exception" {
            return text("exception.message").or_else(|| text("exception.type"));
        }
        if text("level").as_deref() != Some("ERROR") {
            return None;
        }
        match text("error") {
            Some(error) if !event.name.is_empty() => Some(format!("{}: {error}", event.name)),
            Some(error) => Some(error),
            // Neither says anything: an empty error text would be worse than the placeholder,
            // so a later event may still explain the span.
            None => (!event.name.is_empty()).then(|| event.name.to_string()),
        }
    })
}

fn attribute_map(attributes: &[KeyValue]) -> Map<String, Value> {
    attributes
        .iter()
        .map(|kv| (kv.key.as_str().to_owned(), json_value(&kv.value)))
        .collect()
}

/// The first of `keys` present in `attributes`, taken out of it.
fn take_first(attributes: &mut Map<String, Value>, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|key| attributes.remove(*key))
}

fn take_text(attributes: &mut Map<String, Value>, keys: &[&str]) -> Option<String> {
    match take_first(attributes, keys)? {
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

/// A count from an integer, a whole double or numeric text; `None` (the value kept as an
/// attribute) for anything else.
fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A finite number from a number or numeric text.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

/// Takes the first of `keys` whose value `parse` accepts; a value it refuses stays an attribute.
fn take_parsed<T>(
    attributes: &mut Map<String, Value>,
    keys: &[&str],
    parse: fn(&Value) -> Option<T>,
) -> Option<T> {
    let key = keys
        .iter()
        .find(|key| attributes.get(**key).and_then(parse).is_some())?;
    attributes.remove(*key).as_ref().and_then(parse)
}

/// A MutagenT kind, from text that names one of the contract's kinds; `None` for any other
/// value (`SpanKind::from` keeps those as an unknown kind, which the API refuses).
fn known_kind(value: &Value) -> Option<SpanKind> {
    let kind = match value {
        Value::String(text) => SpanKind::from(text.as_str()),
        other => SpanKind::from(other.to_string().as_str()),
    };
    (!kind.is_unknown()).then_some(kind)
}

/// The MutagenT kind the producer named in `mutagent.span.kind` or `mutagent.kind`, taken out
/// of the attributes; `None` when neither is set.
///
/// A value that is no MutagenT kind (`"llm"`, a typo, a number) is sent as
/// [`SpanKind::Custom`]: the API answers 400 for an unknown `kind` and refuses every span of the
/// request with it, so one odd span would lose the whole export (hostile review). The original
/// value stays an attribute, in `mutagent.kind` as the trace exporter's tracing layer keeps it;
/// not in `mutagent.span.kind`, which the OTLP conversion writes itself (the kind sent), so an
/// OTLP span never carries that key twice with two values. A known kind in either attribute
/// wins over an unknown one in the other.
fn take_named_kind(attributes: &mut Map<String, Value>) -> Option<SpanKind> {
    let [span_kind_key, kind_key] = keys::KIND;
    let named = take_parsed(attributes, &keys::KIND, known_kind);
    let unknown_left = keys::KIND.iter().any(|key| attributes.contains_key(*key));
    // Only unknown values are left. When `mutagent.kind` holds one of its own, both stay where
    // they are (nothing is overwritten).
    if !attributes.contains_key(kind_key) {
        if let Some(original) = attributes.remove(span_kind_key) {
            attributes.insert(kind_key.to_owned(), original);
        }
    }
    named.or(unknown_left.then_some(SpanKind::Custom))
}

/// The MutagenT kind named by `gen_ai.operation.name`.
fn kind_of_operation(operation: &str) -> SpanKind {
    match operation {
        "chat" | "generate_content" => SpanKind::LlmChat,
        "text_completion" => SpanKind::LlmCompletion,
        "embeddings" => SpanKind::LlmEmbedding,
        "execute_tool" => SpanKind::Tool,
        "invoke_agent" | "create_agent" => SpanKind::Agent,
        _ => SpanKind::Custom,
    }
}

fn otel_kind_name(kind: &OtelKind) -> &'static str {
    match kind {
        OtelKind::Client => "client",
        OtelKind::Server => "server",
        OtelKind::Producer => "producer",
        OtelKind::Consumer => "consumer",
        OtelKind::Internal => "internal",
    }
}

/// The prompt and completion carried by GenAI events, and the events that remain.
#[derive(Default)]
struct Content {
    input: Option<Value>,
    output: Option<Value>,
    messages: Vec<Value>,
    choices: Vec<Value>,
    rest: Vec<SpanEventData>,
}

fn event_content(events: &[Event]) -> Content {
    let mut found = Content::default();
    for event in events {
        let mut attributes = attribute_map(&event.attributes);
        let name = event.name.as_ref();
        if name == events::PROMPT && attributes.contains_key(events::PROMPT_ATTRIBUTE) {
            found.input = attributes.remove(events::PROMPT_ATTRIBUTE).map(content);
        } else if name == events::COMPLETION
            && attributes.contains_key(events::COMPLETION_ATTRIBUTE)
        {
            found.output = attributes.remove(events::COMPLETION_ATTRIBUTE).map(content);
        } else if let Some((_, role)) = events::MESSAGES.iter().find(|(n, _)| *n == name) {
            attributes
                .entry("role")
                .or_insert_with(|| Value::from(*role));
            attributes.remove("gen_ai.system");
            found.messages.push(content_values(attributes));
        } else if name == events::CHOICE {
            attributes.remove("gen_ai.system");
            found.choices.push(content_values(attributes));
        } else {
            let mut kept = SpanEventData::new(Cow::Owned(name.to_owned()), event.timestamp);
            kept.attributes = attributes;
            found.rest.push(kept);
        }
    }
    found
}

/// A message event's attributes as one message object (JSON text inside parsed).
fn content_values(attributes: Map<String, Value>) -> Value {
    Value::Object(
        attributes
            .into_iter()
            .map(|(key, value)| (key, content(value)))
            .collect(),
    )
}

/// One OpenTelemetry span as a MutagenT span (see the [module](self) rule and the docs table).
pub(crate) fn span_data(span: &opentelemetry_sdk::trace::SpanData) -> SpanData {
    let context = &span.span_context;
    let trace_id = TraceId128::from_u128(u128::from_be_bytes(context.trace_id().to_bytes()));
    let span_id = SpanId64::from_u64(u64::from_be_bytes(context.span_id().to_bytes()));
    let mut attributes = attribute_map(&span.attributes);
    let operation = attributes
        .get(keys::OPERATION)
        .and_then(Value::as_str)
        .map(kind_of_operation);
    let named_kind = take_named_kind(&mut attributes);
    let model = take_text(&mut attributes, &[keys::REQUEST_MODEL])
        .or_else(|| take_text(&mut attributes, &[keys::RESPONSE_MODEL]));
    let provider = take_text(&mut attributes, &[keys::PROVIDER, keys::SYSTEM]);
    let input_tokens = take_parsed(&mut attributes, &keys::INPUT_TOKENS, count);
    let output_tokens = take_parsed(&mut attributes, &keys::OUTPUT_TOKENS, count);
    let is_genai =
        model.is_some() || provider.is_some() || input_tokens.is_some() || output_tokens.is_some();
    // The explicit MutagenT kind first, then the GenAI operation; a span with GenAI fields
    // but no operation is a chat call (the most common), anything else `custom`.
    let kind = named_kind
        .or(operation.filter(|kind| *kind != SpanKind::Custom))
        .unwrap_or(if is_genai {
            SpanKind::LlmChat
        } else {
            SpanKind::Custom
        });

    let mut out = SpanData::new(
        trace_id,
        span_id,
        span.name.clone(),
        kind,
        span.start_time,
        span.end_time,
    );
    if span.parent_span_id != opentelemetry::trace::SpanId::INVALID {
        out.parent_span_id = Some(SpanId64::from_u64(u64::from_be_bytes(
            span.parent_span_id.to_bytes(),
        )));
    }
    out.model = model;
    out.provider = provider;
    if input_tokens.is_some() || output_tokens.is_some() {
        out = out.tokens(input_tokens.unwrap_or(0), output_tokens.unwrap_or(0));
    }
    out.cost_usd = take_parsed(&mut attributes, &keys::COST, number);
    out.ttft_ms = take_parsed(&mut attributes, &[keys::TTFT_MS], number);
    let found = event_content(&span.events);
    out.input = take_first(&mut attributes, &keys::INPUT)
        .map(content)
        .or(found.input)
        .or_else(|| (!found.messages.is_empty()).then_some(Value::Array(found.messages)));
    out.output = take_first(&mut attributes, &keys::OUTPUT)
        .map(content)
        .or(found.output)
        .or_else(|| match found.choices.len() {
            0 => None,
            1 => found.choices.into_iter().next(),
            _ => Some(Value::Array(found.choices)),
        });
    out.events = found.rest;
    out.session_id = take_text(&mut attributes, &keys::SESSION).map(Into::into);
    out.trace_name = take_text(&mut attributes, &[keys::TRACE_NAME]).map(Into::into);
    match &span.status {
        OtelStatus::Ok => out.status = Status::Ok,
        OtelStatus::Unset => out.status = Status::Unset,
        OtelStatus::Error { description } => {
            out.status = Status::Error;
            out.error = Some(if description.is_empty() {
                error_message(&span.events).unwrap_or_else(|| "error".to_owned())
            } else {
                description.to_string()
            });
        }
    }
    attributes.insert(
        keys::OTEL_KIND.to_owned(),
        Value::from(otel_kind_name(&span.span_kind)),
    );
    let scope = span.instrumentation_scope.name();
    if !scope.is_empty() {
        attributes.insert(keys::OTEL_SCOPE.to_owned(), Value::from(scope));
    }
    if span.dropped_attributes_count > 0 {
        attributes.insert(
            "otel.dropped_attributes_count".to_owned(),
            Value::from(span.dropped_attributes_count),
        );
    }
    // MutagenT spans have no links: kept as an attribute, so a consumer can still follow them.
    if !span.links.is_empty() {
        let links = span
            .links
            .iter()
            .map(|link| {
                let mut linked = Map::new();
                linked.insert(
                    "traceId".into(),
                    Value::from(format!("{:032x}", link.span_context.trace_id())),
                );
                linked.insert(
                    "spanId".into(),
                    Value::from(format!("{:016x}", link.span_context.span_id())),
                );
                if !link.attributes.is_empty() {
                    linked.insert(
                        "attributes".into(),
                        Value::Object(attribute_map(&link.attributes)),
                    );
                }
                Value::Object(linked)
            })
            .collect();
        attributes.insert(keys::OTEL_LINKS.to_owned(), Value::Array(links));
    }
    if span.events.dropped_count > 0 {
        attributes.insert(
            "otel.dropped_events_count".to_owned(),
            Value::from(span.events.dropped_count),
        );
    }
    out.attributes = attributes;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};
    use opentelemetry::InstrumentationScope;
    use opentelemetry_sdk::trace::{SpanData as OtelSpan, SpanEvents, SpanLinks};
    use serde_json::json;
    use std::time::{Duration, SystemTime};

    fn otel_span(name: &'static str, attributes: Vec<KeyValue>, events: Vec<Event>) -> OtelSpan {
        let mut span_events = SpanEvents::default();
        span_events.events = events;
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        OtelSpan {
            span_context: SpanContext::new(
                TraceId::from(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef_u128),
                SpanId::from(0x0000_0000_0000_0002_u64),
                TraceFlags::SAMPLED,
                false,
                TraceState::NONE,
            ),
            parent_span_id: SpanId::from(1_u64),
            parent_span_is_remote: false,
            span_kind: OtelKind::Client,
            name: name.into(),
            start_time: start,
            end_time: start + Duration::from_millis(250),
            attributes,
            dropped_attributes_count: 0,
            events: span_events,
            links: SpanLinks::default(),
            status: OtelStatus::Unset,
            instrumentation_scope: InstrumentationScope::builder("scope").build(),
        }
    }

    fn event(name: &'static str, attributes: Vec<KeyValue>) -> Event {
        Event::new(name, SystemTime::UNIX_EPOCH, attributes, 0)
    }

    #[test]
    fn ids_times_parent_and_status_are_kept() {
        let mut span = otel_span("chat", vec![], vec![]);
        span.status = OtelStatus::error("");
        let out = span_data(&span);
        assert_eq!(out.trace_id.to_string(), "0123456789abcdef0123456789abcdef");
        assert_eq!(out.span_id.to_string(), "0000000000000002");
        assert_eq!(out.parent_span_id.map(|id| id.to_u64()), Some(1));
        assert_eq!(out.duration(), Duration::from_millis(250));
        assert_eq!(
            (out.status, out.error.as_deref()),
            (Status::Error, Some("error"))
        );
        span.parent_span_id = opentelemetry::trace::SpanId::INVALID;
        span.status = OtelStatus::Unset;
        let out = span_data(&span);
        assert_eq!((out.parent_span_id, out.status), (None, Status::Unset));
        span.status = OtelStatus::Ok;
        assert_eq!(span_data(&span).status, Status::Ok);
    }

    #[test]
    fn operation_names_map_to_kinds() {
        for (operation, kind) in [
            ("chat", SpanKind::LlmChat),
            ("generate_content", SpanKind::LlmChat),
            ("text_completion", SpanKind::LlmCompletion),
            ("embeddings", SpanKind::LlmEmbedding),
            ("execute_tool", SpanKind::Tool),
            ("invoke_agent", SpanKind::Agent),
            ("create_agent", SpanKind::Agent),
            ("something_else", SpanKind::Custom),
        ] {
            let span = otel_span(
                "op",
                vec![KeyValue::new(keys::OPERATION, operation)],
                vec![],
            );
            let out = span_data(&span);
            assert_eq!(out.kind, kind, "{operation}");
            assert_eq!(
                out.attributes[keys::OPERATION],
                operation,
                "the operation is kept"
            );
        }
        // An explicit MutagenT kind wins; GenAI fields without an operation make a chat span;
        // nothing at all makes a custom span with the OpenTelemetry kind kept.
        let named = otel_span(
            "r",
            vec![
                KeyValue::new("mutagent.span.kind", "retrieval"),
                KeyValue::new(keys::OPERATION, "chat"),
            ],
            vec![],
        );
        assert_eq!(span_data(&named).kind, SpanKind::Retrieval);
        // A kind the API does not know is sent as `custom`, wins over the operation like any
        // named kind, and is kept in `mutagent.kind` (the API would refuse the whole request).
        for key in keys::KIND {
            let odd = span_data(&otel_span(
                "r",
                vec![
                    KeyValue::new(key, "llm"),
                    KeyValue::new(keys::OPERATION, "chat"),
                ],
                vec![],
            ));
            assert_eq!(odd.kind, SpanKind::Custom, "{key}");
            assert_eq!(
                odd.attributes.get("mutagent.kind"),
                Some(&json!("llm")),
                "{key}"
            );
            assert!(!odd.attributes.contains_key("mutagent.span.kind"), "{key}");
        }
        let number = span_data(&otel_span(
            "r",
            vec![KeyValue::new("mutagent.kind", 3)],
            vec![],
        ));
        assert_eq!(number.kind, SpanKind::Custom);
        assert_eq!(number.attributes["mutagent.kind"], 3, "kept as it came");
        // A known kind in either attribute wins over an unknown one in the other.
        let both = span_data(&otel_span(
            "r",
            vec![
                KeyValue::new("mutagent.span.kind", "llm"),
                KeyValue::new("mutagent.kind", "tool"),
            ],
            vec![],
        ));
        assert_eq!(both.kind, SpanKind::Tool);
        assert_eq!(both.attributes["mutagent.kind"], "llm");
        assert!(!both.attributes.contains_key("mutagent.span.kind"));
        let bare_llm = otel_span("m", vec![KeyValue::new(keys::REQUEST_MODEL, "m1")], vec![]);
        assert_eq!(span_data(&bare_llm).kind, SpanKind::LlmChat);
        let plain = span_data(&otel_span(
            "db",
            vec![KeyValue::new("db.system", "pg")],
            vec![],
        ));
        assert_eq!(plain.kind, SpanKind::Custom);
        assert_eq!(plain.attributes["otel.kind"], "client");
        assert_eq!(plain.attributes["otel.scope.name"], "scope");
        assert_eq!(plain.attributes["db.system"], "pg");
        assert_eq!(plain.model, None);
        assert_eq!(
            (plain.input, plain.output),
            (None, None),
            "no content, no input or output (not an empty list)"
        );
        // Any one GenAI field is enough to make a chat span: a provider alone, tokens alone.
        for only in [
            KeyValue::new(keys::PROVIDER, "openai"),
            KeyValue::new("gen_ai.usage.input_tokens", 5),
            KeyValue::new("gen_ai.usage.output_tokens", 5),
        ] {
            let key = only.key.to_string();
            let out = span_data(&otel_span("llm", vec![only], vec![]));
            assert_eq!(out.kind, SpanKind::LlmChat, "{key}");
        }
    }

    /// Counts are integers, whole doubles or numeric text; costs and times any finite number,
    /// numeric text too. Anything else stays an attribute, as the docs table says.
    #[test]
    fn counts_and_numbers_take_only_what_they_can_read() {
        let span = otel_span(
            "chat",
            vec![
                KeyValue::new("gen_ai.usage.input_tokens", 12.0),
                KeyValue::new("gen_ai.usage.output_tokens", 2.5),
                KeyValue::new("gen_ai.usage.completion_tokens", -3.0),
                KeyValue::new("mutagent.cost_usd", " 0.5 "),
                KeyValue::new("mutagent.ttft_ms", "80"),
            ],
            vec![],
        );
        let out = span_data(&span);
        assert_eq!(
            out.tokens.map(|t| (t.input, t.output)),
            Some((12, 0)),
            "a whole double counts; a fraction or a negative number does not"
        );
        assert_eq!(out.attributes["gen_ai.usage.output_tokens"], 2.5);
        assert_eq!(out.attributes["gen_ai.usage.completion_tokens"], -3.0);
        assert_eq!((out.cost_usd, out.ttft_ms), (Some(0.5), Some(80.0)));
    }

    /// Only text that holds a JSON object or array is parsed: a number, `true` or broken JSON
    /// in a prompt is the text the app wrote.
    #[test]
    fn only_json_objects_and_arrays_in_text_are_parsed() {
        for (prompt, completion, parsed) in [
            ("42", "true", (json!("42"), json!("true"))),
            (" \n{\"q\": 1}", "[1, 2", (json!({"q": 1}), json!("[1, 2"))),
        ] {
            let span = otel_span(
                "chat",
                vec![
                    KeyValue::new("gen_ai.prompt", prompt),
                    KeyValue::new("gen_ai.completion", completion),
                ],
                vec![],
            );
            let out = span_data(&span);
            assert_eq!((out.input, out.output), (Some(parsed.0), Some(parsed.1)));
        }
    }

    #[test]
    fn genai_fields_become_llm_fields_and_leave_the_attributes() {
        let span = otel_span(
            "chat",
            vec![
                KeyValue::new(keys::OPERATION, "chat"),
                KeyValue::new(keys::REQUEST_MODEL, "gpt-4o"),
                KeyValue::new(keys::RESPONSE_MODEL, "gpt-4o-2024-08-06"),
                KeyValue::new(keys::PROVIDER, "openai"),
                KeyValue::new(keys::SYSTEM, "az.ai.openai"),
                KeyValue::new("gen_ai.usage.prompt_tokens", 7),
                KeyValue::new("gen_ai.usage.completion_tokens", "9"),
                KeyValue::new("mutagent.cost_usd", 0.25),
                KeyValue::new("mutagent.ttft_ms", 80.5),
                KeyValue::new("gen_ai.prompt", "hi"),
                KeyValue::new("gen_ai.output.messages", r#"[{"role":"assistant"}]"#),
                KeyValue::new("gen_ai.conversation.id", "conv-1"),
                KeyValue::new("mutagent.trace.name", "support"),
            ],
            vec![],
        );
        let out = span_data(&span);
        assert_eq!(
            out.model.as_deref(),
            Some("gpt-4o"),
            "the requested model first"
        );
        assert_eq!(
            out.provider.as_deref(),
            Some("openai"),
            "the current name first"
        );
        assert_eq!(out.tokens.map(|t| (t.input, t.output)), Some((7, 9)));
        assert_eq!((out.cost_usd, out.ttft_ms), (Some(0.25), Some(80.5)));
        assert_eq!(out.input, Some(json!("hi")));
        assert_eq!(out.output, Some(json!([{"role": "assistant"}])));
        assert_eq!(out.session_id.as_deref(), Some("conv-1"));
        assert_eq!(out.trace_name.as_deref(), Some("support"));
        assert_eq!(
            Value::Object(out.attributes),
            json!({
                "gen_ai.operation.name": "chat",
                "gen_ai.response.model": "gpt-4o-2024-08-06",
                "gen_ai.system": "az.ai.openai",
                "otel.kind": "client",
                "otel.scope.name": "scope",
            }),
            "what became a field is not repeated; the rest is kept"
        );
        // The answering model when no model was asked for; the older provider name; a count
        // that is no count stays an attribute.
        let span = otel_span(
            "chat",
            vec![
                KeyValue::new(keys::RESPONSE_MODEL, "m2"),
                KeyValue::new(keys::SYSTEM, "anthropic"),
                KeyValue::new("gen_ai.usage.input_tokens", "many"),
                KeyValue::new("gen_ai.usage.output_tokens", 4),
                KeyValue::new("gen_ai.usage.cost", f64::NAN),
            ],
            vec![],
        );
        let out = span_data(&span);
        assert_eq!(out.model.as_deref(), Some("m2"));
        assert_eq!(out.provider.as_deref(), Some("anthropic"));
        assert_eq!(out.tokens.map(|t| (t.input, t.output)), Some((0, 4)));
        assert_eq!(out.attributes["gen_ai.usage.input_tokens"], "many");
        assert_eq!(out.cost_usd, None);
        assert_eq!(
            out.attributes["gen_ai.usage.cost"], "NaN",
            "kept as text, not lost"
        );
    }

    #[test]
    fn prompt_and_completion_events_become_input_and_output() {
        // Semantic conventions up to 1.27: one event each.
        let span = otel_span(
            "chat",
            vec![],
            vec![
                event(
                    "gen_ai.content.prompt",
                    vec![KeyValue::new(
                        "gen_ai.prompt",
                        r#"[{"role":"user","content":"hi"}]"#,
                    )],
                ),
                event(
                    "gen_ai.content.completion",
                    vec![KeyValue::new("gen_ai.completion", "hello")],
                ),
                event("retry", vec![KeyValue::new("attempt", 2)]),
            ],
        );
        let out = span_data(&span);
        assert_eq!(out.input, Some(json!([{"role": "user", "content": "hi"}])));
        assert_eq!(out.output, Some(json!("hello")));
        assert_eq!(out.events.len(), 1, "only the other events are kept");
        assert_eq!(out.events[0].name, "retry");
        assert_eq!(out.events[0].attributes["attempt"], 2);

        // 1.28 to 1.35: an event per message and per choice.
        let span = otel_span(
            "chat",
            vec![],
            vec![
                event(
                    "gen_ai.system.message",
                    vec![KeyValue::new("content", "be brief")],
                ),
                event(
                    "gen_ai.user.message",
                    vec![
                        KeyValue::new("content", "hi"),
                        KeyValue::new("gen_ai.system", "openai"),
                    ],
                ),
                event(
                    "gen_ai.choice",
                    vec![
                        KeyValue::new("index", 0),
                        KeyValue::new("message", r#"{"content":"hello"}"#),
                    ],
                ),
            ],
        );
        let out = span_data(&span);
        assert_eq!(
            out.input,
            Some(json!([
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hi"},
            ]))
        );
        assert_eq!(
            out.output,
            Some(json!({"index": 0, "message": {"content": "hello"}}))
        );
        assert!(out.events.is_empty());
    }

    /// A prompt or completion event needs both its name and its attribute; with only one of
    /// them it is an ordinary event, kept as it came.
    #[test]
    fn a_content_event_needs_its_name_and_its_attribute() {
        let span = otel_span(
            "chat",
            vec![],
            vec![
                event("gen_ai.content.prompt", vec![KeyValue::new("size", 3)]),
                event("gen_ai.content.completion", vec![]),
                event("note", vec![KeyValue::new("gen_ai.prompt", "hi")]),
                event("note", vec![KeyValue::new("gen_ai.completion", "hello")]),
            ],
        );
        let out = span_data(&span);
        assert_eq!((out.input, out.output), (None, None));
        let kept: Vec<(&str, Value)> = out
            .events
            .iter()
            .map(|e| (e.name.as_ref(), Value::Object(e.attributes.clone())))
            .collect();
        assert_eq!(
            kept,
            [
                ("gen_ai.content.prompt", json!({"size": 3})),
                ("gen_ai.content.completion", json!({})),
                ("note", json!({"gen_ai.prompt": "hi"})),
                ("note", json!({"gen_ai.completion": "hello"})),
            ]
        );
    }

    #[test]
    fn links_and_dropped_counts_are_kept_as_attributes() {
        let mut span = otel_span("batch job", vec![], vec![]);
        let linked = SpanContext::new(
            TraceId::from(0xff_u128),
            SpanId::from(0xee_u64),
            TraceFlags::SAMPLED,
            true,
            TraceState::NONE,
        );
        span.links.links = vec![opentelemetry::trace::Link::new(
            linked,
            vec![KeyValue::new("reason", "follows")],
            0,
        )];
        span.dropped_attributes_count = 3;
        span.events.dropped_count = 2;
        let out = span_data(&span);
        assert_eq!(
            out.attributes["otel.links"],
            json!([{
                "traceId": "000000000000000000000000000000ff",
                "spanId": "00000000000000ee",
                "attributes": {"reason": "follows"},
            }])
        );
        assert_eq!(out.attributes["otel.dropped_attributes_count"], 3);
        assert_eq!(out.attributes["otel.dropped_events_count"], 2);
    }

    #[test]
    fn attribute_values_become_json() {
        use opentelemetry::StringValue;
        let cases = [
            (OtelValue::Bool(true), json!(true)),
            (OtelValue::I64(-3), json!(-3)),
            (OtelValue::F64(0.5), json!(0.5)),
            (OtelValue::F64(f64::INFINITY), json!("inf")),
            (OtelValue::from("x"), json!("x")),
            (OtelValue::Array(vec![1_i64, 2].into()), json!([1, 2])),
            (OtelValue::Array(vec![true].into()), json!([true])),
            (OtelValue::Array(vec![1.5_f64].into()), json!([1.5])),
            (
                OtelValue::Array(vec![StringValue::from("a")].into()),
                json!(["a"]),
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(json_value(&value), expected);
        }
    }

    /// An error status without a description takes its message from the event that explains
    /// it (`tracing-opentelemetry` sets `Status::error("")` for any `ERROR` event in a span).
    #[test]
    fn an_error_without_a_description_takes_the_message_of_its_error_event() {
        let info = event("started", vec![KeyValue::new("level", "INFO")]);
        let cases = [
            (
                vec![
                    info.clone(),
                    event(
                        "lookup failed",
                        vec![
                            KeyValue::new("level", "ERROR"),
                            KeyValue::new("error", "no source"),
                        ],
                    ),
                ],
                "lookup failed: no source",
            ),
            (
                vec![event(
                    "upstream timed out",
                    vec![KeyValue::new("level", "ERROR")],
                )],
                "upstream timed out",
            ),
            (
                vec![
                    info.clone(),
                    event(
                        "exception",
                        vec![
                            KeyValue::new("exception.type", "io::Error"),
                            KeyValue::new("exception.message", "connection reset"),
                        ],
                    ),
                ],
                "connection reset",
            ),
            (
                vec![event(
                    "exception",
                    vec![KeyValue::new("exception.type", "io::Error")],
                )],
                "io::Error",
            ),
            // Nothing explains it: the placeholder, as before.
            (vec![info.clone()], "error"),
        ];
        for (events, expected) in cases {
            let mut span = otel_span("lookup", vec![], events);
            span.status = OtelStatus::error("");
            assert_eq!(span_data(&span).error.as_deref(), Some(expected));
        }
        // A description of its own wins over the events.
        let mut span = otel_span(
            "lookup",
            vec![],
            vec![event("failed", vec![KeyValue::new("level", "ERROR")])],
        );
        span.status = OtelStatus::error("not found");
        assert_eq!(span_data(&span).error.as_deref(), Some("not found"));
    }

    /// An `ERROR` event with neither a name nor an `error` field explains nothing: the span
    /// keeps the placeholder (or a later event's reason), never an empty error text.
    #[test]
    fn an_error_event_without_a_name_or_error_gives_no_empty_error() {
        let nameless = || event("", vec![KeyValue::new("level", "ERROR")]);
        let explained = event("lookup failed", vec![KeyValue::new("level", "ERROR")]);
        for (events, expected) in [
            (vec![nameless()], "error"),
            (vec![nameless(), explained], "lookup failed"),
        ] {
            let mut span = otel_span("lookup", vec![], events);
            span.status = OtelStatus::error("");
            assert_eq!(span_data(&span).error.as_deref(), Some(expected));
        }
    }
}
