//! The exporter's spans as OpenTelemetry (OTLP/HTTP JSON) export requests, for
//! `POST /api/traces/otlp` ([`TracesApi::ingest_otlp`](mutagent_traces::TracesApi::ingest_otlp)).
//!
//! Attributes follow the OpenTelemetry GenAI semantic conventions where one exists, so other
//! OTLP consumers understand them too:
//!
//! | span field | OTLP |
//! |---|---|
//! | ids | `traceId` (32 hex), `spanId`/`parentSpanId` (16 hex) |
//! | times | `startTimeUnixNano`, `endTimeUnixNano` (full precision) |
//! | kind | OTLP kind `Client` for `llm.*`, `Internal` otherwise; `mutagent.span.kind` = the MutagenT kind; `gen_ai.operation.name` = `chat`, `text_completion`, `embeddings`, `execute_tool`, `invoke_agent` where one applies |
//! | model, provider | `gen_ai.request.model`, `gen_ai.system` |
//! | tokens | `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens` |
//! | cost, time to first token | `mutagent.cost_usd`, `mutagent.ttft_ms` |
//! | input, output | `mutagent.input`, `mutagent.output` (strings as they are, other JSON as JSON text) |
//! | session, trace name | `session.id`, `mutagent.trace.name` |
//! | status, error | OTLP status `Ok`, or `Error` with the message |
//! | attributes, events | attributes (JSON values mapped to OTLP values), events |
//! | environment, service | resource `deployment.environment`, `service.name` |

use std::collections::BTreeMap;

use mutagent_traces::otlp::{
    AnyValue, Event, ExportTraceRequest, KeyValue, Resource, ResourceSpans, ScopeSpans, Span,
    SpanKind as OtlpKind, Status as OtlpStatus,
};
use mutagent_traces::{unix_nanos, SpanKind, Status};
use serde_json::{Map, Value};

use crate::span::{SpanData, TraceDefaults};

/// The instrumentation scope name put on exported spans.
pub const SCOPE_NAME: &str = "mutagent-trace-exporter";

/// A JSON value as an OTLP attribute value (objects become key-value lists, arrays arrays,
/// integers that fit `i64` ints, other numbers doubles, `null` the empty value).
pub fn any_value(value: &Value) -> AnyValue {
    match value {
        Value::Null => AnyValue::Empty,
        Value::Bool(b) => AnyValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => AnyValue::Int(i),
            None => AnyValue::Double(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => AnyValue::String(s.clone()),
        Value::Array(items) => AnyValue::Array(items.iter().map(any_value).collect()),
        Value::Object(map) => AnyValue::KvList(key_values(map)),
    }
}

fn key_values(map: &Map<String, Value>) -> Vec<KeyValue> {
    map.iter()
        .map(|(key, value)| KeyValue::new(key.clone(), any_value(value)))
        .collect()
}

fn json_text(value: &Value) -> AnyValue {
    match value {
        Value::String(s) => AnyValue::String(s.clone()),
        other => AnyValue::String(other.to_string()),
    }
}

fn operation_name(kind: &SpanKind) -> Option<&'static str> {
    match kind {
        SpanKind::LlmChat => Some("chat"),
        SpanKind::LlmCompletion => Some("text_completion"),
        SpanKind::LlmEmbedding => Some("embeddings"),
        SpanKind::Tool => Some("execute_tool"),
        SpanKind::Agent => Some("invoke_agent"),
        _ => None,
    }
}

impl From<&SpanData> for Span {
    /// One span in OTLP form (see the [module](self) table).
    fn from(span: &SpanData) -> Self {
        let is_llm = matches!(
            span.kind,
            SpanKind::LlmChat | SpanKind::LlmCompletion | SpanKind::LlmEmbedding
        );
        let mut out = Span::new(
            span.trace_id.to_string(),
            span.span_id.to_string(),
            if span.name.trim().is_empty() {
                "span"
            } else {
                span.name.as_ref()
            },
            unix_nanos(span.start_time),
        )
        .kind(if is_llm {
            OtlpKind::Client
        } else {
            OtlpKind::Internal
        })
        .end(unix_nanos(span.end_time))
        .attribute("mutagent.span.kind", span.kind.as_str());
        if let Some(parent) = span.parent_span_id {
            out = out.parent(parent.to_string());
        }
        if let Some(operation) = operation_name(&span.kind) {
            out = out.attribute("gen_ai.operation.name", operation);
        }
        if let Some(model) = &span.model {
            out = out.attribute("gen_ai.request.model", model.as_str());
        }
        if let Some(provider) = &span.provider {
            out = out.attribute("gen_ai.system", provider.as_str());
        }
        if let Some(tokens) = span.tokens {
            let count = |n: u64| AnyValue::Int(i64::try_from(n).unwrap_or(i64::MAX));
            out = out
                .attribute("gen_ai.usage.input_tokens", count(tokens.input))
                .attribute("gen_ai.usage.output_tokens", count(tokens.output));
        }
        if let Some(cost) = span.cost_usd.filter(|c| c.is_finite()) {
            out = out.attribute("mutagent.cost_usd", cost);
        }
        if let Some(ttft) = span.ttft_ms.filter(|t| t.is_finite()) {
            out = out.attribute("mutagent.ttft_ms", ttft);
        }
        if let Some(input) = &span.input {
            out = out.attribute("mutagent.input", json_text(input));
        }
        if let Some(output) = &span.output {
            out = out.attribute("mutagent.output", json_text(output));
        }
        if let Some(session) = &span.session_id {
            out = out.attribute("session.id", session.as_ref());
        }
        if let Some(name) = &span.trace_name {
            out = out.attribute("mutagent.trace.name", name.as_ref());
        }
        out.attributes.extend(key_values(&span.attributes));
        for event in &span.events {
            let mut converted = Event::new(event.name.as_ref(), unix_nanos(event.time));
            converted.attributes = key_values(&event.attributes);
            out = out.event(converted);
        }
        match (&span.status, &span.error) {
            (Status::Error, message) | (_, message @ Some(_)) => {
                out.status(OtlpStatus::error(message.as_deref().unwrap_or("error")))
            }
            (Status::Ok, None) => out.status(OtlpStatus::ok()),
            _ => out,
        }
    }
}

/// The spans as one OTLP export request: one resource (`service.name` and
/// `deployment.environment` from `defaults` when set), one scope ([`SCOPE_NAME`] and this crate's
/// version), the spans in their order.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use mutagent_trace_exporter::{otlp::to_export_request, SpanData, SpanKind, TraceDefaults};
/// let t = SystemTime::now();
/// let span = SpanData::root("chat", SpanKind::LlmChat, t, t + Duration::from_millis(5)).model("gpt-4o");
/// let request = to_export_request(&[span], &TraceDefaults::default());
/// let json = serde_json::to_value(&request).unwrap();
/// let otlp_span = &json["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
/// assert_eq!(otlp_span["kind"], 3);
/// assert_eq!(otlp_span["traceId"].as_str().unwrap().len(), 32);
/// ```
pub fn to_export_request(spans: &[SpanData], defaults: &TraceDefaults) -> ExportTraceRequest {
    let mut resource = Resource::new();
    if let Some(service) = &defaults.service_name {
        resource = resource.attribute("service.name", service.as_str());
    }
    if let Some(environment) = &defaults.environment {
        resource = resource.attribute("deployment.environment", environment.as_str());
    }
    if let Some(tags) = &defaults.tags {
        let tags: Vec<AnyValue> = tags.iter().map(|t| AnyValue::from(t.as_str())).collect();
        resource = resource.attribute("mutagent.tags", tags);
    }
    let scope = ScopeSpans::new()
        .scope(SCOPE_NAME, Some(env!("CARGO_PKG_VERSION")))
        .spans(spans.iter().map(Span::from));
    ExportTraceRequest::new().resource_spans(ResourceSpans::new(resource).scope_spans(scope))
}

/// Attributes of an OTLP span as a map (the last value of a repeated key wins); handy in tests.
pub fn attribute_map(span: &Span) -> BTreeMap<&str, &AnyValue> {
    span.attributes
        .iter()
        .map(|kv| (kv.key.as_str(), &kv.value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SpanEventData;
    use serde_json::json;
    use std::time::{Duration, SystemTime};

    #[test]
    fn llm_span_maps_to_gen_ai_conventions() {
        let t = SystemTime::UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789);
        let root = SpanData::root("agent", SpanKind::Agent, t, t + Duration::from_secs(3))
            .session_id("s-1")
            .trace_name("support");
        let chat = SpanData::child_of(
            &root,
            "chat",
            SpanKind::LlmChat,
            t,
            t + Duration::from_millis(1500),
        )
        .model("gpt-4o")
        .provider("openai")
        .tokens(12, 30)
        .cost_usd(0.25)
        .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
        .output("hello")
        .attribute("temperature", 0.2)
        .attribute("nested", json!({"a": [1, true, null]}))
        .event(SpanEventData::new("first token", t).attribute("n", 1));
        let span = Span::from(&chat);
        assert_eq!(span.trace_id, root.trace_id.to_string());
        assert_eq!(span.parent_span_id, Some(root.span_id.to_string()));
        assert_eq!(span.kind, OtlpKind::Client);
        assert_eq!(span.start_time_unix_nano, 1_700_000_000_123_456_789);
        assert_eq!(span.end_time_unix_nano, Some(1_700_000_001_623_456_789));
        assert_eq!(span.status, Some(OtlpStatus::ok()));
        let attrs = attribute_map(&span);
        assert_eq!(attrs["gen_ai.operation.name"], &AnyValue::from("chat"));
        assert_eq!(attrs["mutagent.span.kind"], &AnyValue::from("llm.chat"));
        assert_eq!(attrs["gen_ai.request.model"], &AnyValue::from("gpt-4o"));
        assert_eq!(attrs["gen_ai.system"], &AnyValue::from("openai"));
        assert_eq!(attrs["gen_ai.usage.input_tokens"], &AnyValue::Int(12));
        assert_eq!(attrs["gen_ai.usage.output_tokens"], &AnyValue::Int(30));
        assert_eq!(attrs["mutagent.cost_usd"], &AnyValue::Double(0.25));
        assert_eq!(attrs["session.id"], &AnyValue::from("s-1"));
        assert_eq!(attrs["mutagent.trace.name"], &AnyValue::from("support"));
        assert_eq!(attrs["mutagent.output"], &AnyValue::from("hello"));
        assert_eq!(
            attrs["mutagent.input"],
            &AnyValue::from(r#"{"messages":[{"content":"hi","role":"user"}]}"#)
        );
        assert_eq!(
            attrs["nested"],
            &AnyValue::KvList(vec![KeyValue::new(
                "a",
                AnyValue::Array(vec![
                    AnyValue::Int(1),
                    AnyValue::Bool(true),
                    AnyValue::Empty
                ])
            )])
        );
        assert_eq!(span.events.len(), 1);
        assert_eq!(span.events[0].time_unix_nano, 1_700_000_000_123_456_789);
    }

    #[test]
    fn errors_and_internal_spans() {
        let t = SystemTime::now();
        let span = Span::from(&SpanData::root("step", SpanKind::Chain, t, t).error("bad input"));
        assert_eq!(span.kind, OtlpKind::Internal);
        assert!(span.parent_span_id.is_none());
        assert_eq!(span.status, Some(OtlpStatus::error("bad input")));
        assert!(!attribute_map(&span).contains_key("gen_ai.operation.name"));
    }

    #[test]
    fn export_request_shape() {
        let t = SystemTime::now();
        let spans = [
            SpanData::root("a", SpanKind::Tool, t, t),
            SpanData::root("b", SpanKind::Custom, t, t),
        ];
        let defaults = TraceDefaults {
            service_name: Some("checkout".into()),
            environment: Some(mutagent_traces::Environment::Production),
            ..TraceDefaults::default()
        };
        let json = serde_json::to_value(to_export_request(&spans, &defaults)).expect("json");
        let rs = &json["resourceSpans"][0];
        assert_eq!(
            rs["resource"]["attributes"],
            json!([
                {"key": "service.name", "value": {"stringValue": "checkout"}},
                {"key": "deployment.environment", "value": {"stringValue": "production"}},
            ])
        );
        assert_eq!(rs["scopeSpans"][0]["scope"]["name"], SCOPE_NAME);
        assert_eq!(
            rs["scopeSpans"][0]["spans"].as_array().map(Vec::len),
            Some(2)
        );
        assert!(rs["scopeSpans"][0]["spans"][0]["startTimeUnixNano"].is_string());
    }

    #[test]
    fn operation_names_follow_the_gen_ai_conventions() {
        let t = SystemTime::UNIX_EPOCH;
        for (kind, operation, otlp_kind) in [
            (SpanKind::LlmChat, Some("chat"), OtlpKind::Client),
            (
                SpanKind::LlmCompletion,
                Some("text_completion"),
                OtlpKind::Client,
            ),
            (SpanKind::LlmEmbedding, Some("embeddings"), OtlpKind::Client),
            (SpanKind::Tool, Some("execute_tool"), OtlpKind::Internal),
            (SpanKind::Agent, Some("invoke_agent"), OtlpKind::Internal),
            (SpanKind::Chain, None, OtlpKind::Internal),
        ] {
            let span = Span::from(&SpanData::root("s", kind.clone(), t, t));
            let attrs = attribute_map(&span);
            assert_eq!(
                attrs.get("gen_ai.operation.name").copied(),
                operation.map(AnyValue::from).as_ref(),
                "{kind:?}"
            );
            assert_eq!(span.kind, otlp_kind, "{kind:?}");
        }
    }
}
