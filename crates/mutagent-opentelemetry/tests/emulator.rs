//! Spans made through `opentelemetry_sdk` directly and through `tracing` + `tracing-opentelemetry`
//! arrive in the emulator with their GenAI fields mapped, in each of the three protocols (the
//! 0.1.2 batch, OTLP/JSON, the 0.4.1 hook format), read back through the API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::time::Duration;

use mutagent_core::Client;
use mutagent_emulator::{Emulator, TracesContract};
use mutagent_opentelemetry::{MutagentSpanExporter, Protocol};
use mutagent_traces::TracesExt;
use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt, Tracer, TracerProvider};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use serde_json::{json, Value};
use tracing::field::Empty;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

const KEY: &str = "mt_test_key";

async fn emulator(protocol: Protocol) -> Emulator {
    let contract = if protocol == Protocol::HookV0_4 {
        TracesContract::V0_4_1
    } else {
        TracesContract::V0_1_2
    };
    Emulator::builder()
        .api_key(KEY)
        .traces_contract(contract)
        .start()
        .await
        .expect("emulator")
}

fn client(emu: &Emulator) -> Client {
    Client::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .build()
        .expect("client")
}

/// A provider exporting to MutagenT in `protocol` through the SDK's batch processor, with the
/// resource every test uses.
fn provider(client: &Client, protocol: Protocol) -> SdkTracerProvider {
    let exporter = MutagentSpanExporter::builder(client)
        .protocol(protocol)
        .export_timeout(Duration::from_secs(20))
        .build()
        .expect("exporter");
    SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder_empty()
                .with_attributes([
                    KeyValue::new("service.name", "checkout"),
                    KeyValue::new("deployment.environment.name", "staging"),
                ])
                .build(),
        )
        .build()
}

/// An agent span with a chat call (attributes of semantic conventions 1.36+, cost) and a
/// failing tool call under it, made with the SDK's API.
fn spans_through_the_sdk(provider: &SdkTracerProvider) {
    let tracer = provider.tracer("sdk-test");
    let root = tracer
        .span_builder("answer")
        .with_attributes([KeyValue::new("session.id", "user-42")])
        .start(&tracer);
    let cx = Context::current_with_span(root);
    let mut chat = tracer
        .span_builder("chat gpt-4o")
        .with_kind(SpanKind::Client)
        .with_attributes([
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
            KeyValue::new("gen_ai.response.model", "gpt-4o-2024-08-06"),
            KeyValue::new("gen_ai.provider.name", "openai"),
            KeyValue::new("gen_ai.usage.input_tokens", 12),
            KeyValue::new("gen_ai.usage.output_tokens", 3),
            KeyValue::new("gen_ai.usage.cost", 0.0004),
            KeyValue::new(
                "gen_ai.input.messages",
                r#"[{"role":"user","parts":[{"type":"text","content":"Capital of France?"}]}]"#,
            ),
            KeyValue::new(
                "gen_ai.output.messages",
                r#"[{"role":"assistant","parts":[{"type":"text","content":"Paris."}]}]"#,
            ),
            KeyValue::new("temperature", 0.2),
        ])
        .start_with_context(&tracer, &cx);
    chat.add_event("first token", vec![KeyValue::new("after_ms", 120)]);
    chat.end();
    let mut tool = tracer.start_with_context("lookup", &cx);
    tool.set_status(Status::error("not found"));
    tool.end();
    cx.span().end();
}

/// The chat call of the `tracing` producer: span fields named after the GenAI conventions
/// (older provider name `gen_ai.system`), prompt and completion as events. Written with
/// `.instrument(span)`, which is what `#[tracing::instrument]` expands to: the attribute macro
/// (`tracing-attributes`) needs `syn` 2 while this workspace's `serde_derive` uses `syn` 3,
/// and the duplicate gate allows one.
async fn llm_call(model: &str, prompt: &str) -> String {
    let span = tracing::info_span!(
        "chat gpt-4o",
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.request.model = model,
        gen_ai.system = "openai",
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
    );
    async move {
        tracing::info!(gen_ai.prompt = prompt, "gen_ai.content.prompt");
        tokio::task::yield_now().await;
        let answer = "Paris.".to_owned();
        let span = tracing::Span::current();
        span.record("gen_ai.usage.input_tokens", 12);
        span.record("gen_ai.usage.output_tokens", 3);
        tracing::info!(
            gen_ai.completion = answer.as_str(),
            "gen_ai.content.completion"
        );
        answer
    }
    .instrument(span)
    .await
}

async fn agent() {
    async {
        let answer = llm_call("gpt-4o", "Capital of France?").await;
        assert_eq!(answer, "Paris.");
        tracing::info_span!(
            "lookup",
            otel.status_code = "error",
            otel.status_message = "not found"
        )
        .in_scope(|| {});
    }
    .instrument(tracing::info_span!("answer", session.id = "user-42"))
    .await;
}

async fn spans_through_tracing(provider: &SdkTracerProvider) {
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tracing-test")));
    // This thread only (the test runs on a current-thread runtime).
    let _guard = tracing::subscriber::set_default(subscriber);
    agent().await;
}

/// One stored span in the words of the protocol's read side, as a JSON object with the same
/// keys whatever the protocol.
#[derive(Debug)]
struct Stored {
    name: String,
    parent: Option<String>,
    fields: Value,
}

/// The one trace stored, its spans normalised: 0.1.2 spans carry the fields themselves; the
/// OTLP route stores `gen_ai.*` as fields and ours as attributes; 0.4.1 spans carry them in
/// `attributes` (from the hook format's `metadata`).
async fn stored(client: &Client, protocol: Protocol) -> (Value, Vec<Stored>) {
    if protocol == Protocol::HookV0_4 {
        let api = client.traces_v0_4();
        let page = api
            .list_traces(&mutagent_traces::v0_4::ListTraces::new())
            .await
            .expect("list");
        assert_eq!(page.data.len(), 1, "one trace");
        let trace = &page.data[0];
        let spans = api.list_trace_spans(&trace.trace_id).await.expect("spans");
        let summary = json!({
            "source": trace.service_name,
            "sessionId": trace.session_id,
            "environment": Value::Null,
        });
        let spans = spans
            .data
            .into_iter()
            .map(|span| {
                let a = &span.attributes;
                Stored {
                    name: span.name,
                    parent: span.parent_span_id,
                    fields: json!({
                        "kind": a["mutagent.kind"],
                        "model": a["model"],
                        "provider": a["provider"],
                        "inputTokens": a["tokens"]["input"],
                        "outputTokens": a["tokens"]["output"],
                        "input": parse_text(&a["mutagent.input"]),
                        "output": parse_text(&a["mutagent.output"]),
                        "cost": a["costUsd"],
                        "status": if span.status_code == 2 { "error" } else { "ok" },
                        "error": a["error"],
                        "attributes": a["attributes"],
                        "events": a["events"],
                    }),
                }
            })
            .collect();
        return (summary, spans);
    }
    let page = client
        .traces()
        .list_traces(&mutagent_traces::ListTraces::new())
        .await
        .expect("list");
    assert_eq!(page.data.len(), 1, "one trace");
    let trace = client
        .traces()
        .get_trace(page.data[0].id.clone(), None)
        .await
        .expect("trace");
    let trace_json = serde_json::to_value(&trace).expect("json");
    let otlp = protocol == Protocol::Otlp;
    let spans = trace
        .spans
        .unwrap_or_default()
        .into_iter()
        .map(|s| {
            let a = &s["attributes"];
            let (input, output, cost) = if otlp {
                (
                    parse_text(&a["mutagent.input"]),
                    parse_text(&a["mutagent.output"]),
                    a["mutagent.cost_usd"].clone(),
                )
            } else {
                (
                    s["input"].clone(),
                    s["output"].clone(),
                    s["costUsd"].clone(),
                )
            };
            Stored {
                name: s["name"].as_str().unwrap_or_default().to_owned(),
                parent: s["parentSpanId"].as_str().map(str::to_owned),
                fields: json!({
                    "kind": s["kind"],
                    "model": s["model"],
                    "provider": s["provider"],
                    "inputTokens": s["tokens"]["input"],
                    "outputTokens": s["tokens"]["output"],
                    "input": input,
                    "output": output,
                    "cost": cost,
                    "status": if s["status"] == "error" { "error" } else { "ok" },
                    "error": s["error"],
                    "attributes": a,
                    "events": s["events"],
                }),
            }
        })
        .collect();
    (trace_json, spans)
}

/// Hook-format and OTLP text holding JSON, as that JSON.
fn parse_text(value: &Value) -> Value {
    match value.as_str() {
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
        None => value.clone(),
    }
}

fn by_name<'a>(spans: &'a [Stored], name: &str) -> &'a Stored {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name} in {spans:?}"))
}

fn as_u64(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_f64().map(|f| f as u64))
}

/// What every protocol and producer must deliver.
fn check_common(protocol: Protocol, trace: &Value, spans: &[Stored]) {
    assert_eq!(spans.len(), 3, "{spans:?}");
    let root = by_name(spans, "answer");
    let chat = by_name(spans, "chat gpt-4o");
    let tool = by_name(spans, "lookup");
    assert_eq!(root.parent, None);
    assert!(
        chat.parent.is_some() && chat.parent == tool.parent,
        "{spans:?}"
    );
    let c = &chat.fields;
    assert_eq!(c["kind"], "llm.chat", "{c}");
    assert_eq!(c["model"], "gpt-4o", "{c}");
    assert_eq!(c["provider"], "openai", "{c}");
    assert_eq!(as_u64(&c["inputTokens"]), Some(12), "{c}");
    assert_eq!(as_u64(&c["outputTokens"]), Some(3), "{c}");
    assert_eq!(tool.fields["status"], "error", "{:?}", tool.fields);
    assert_eq!(root.fields["status"], "ok");
    match protocol {
        Protocol::HookV0_4 => {
            // 0.4.1: the trace's source is the service.
            assert_eq!(trace["source"], "checkout", "{trace}");
            assert_eq!(trace["sessionId"], "user-42", "{trace}");
        }
        _ => {
            assert_eq!(trace["sessionId"], "user-42", "{trace}");
            assert_eq!(trace["environment"], "staging", "{trace}");
            if protocol == Protocol::Batch {
                assert_eq!(trace["source"], "otel", "{trace}");
                assert_eq!(trace["metadata"]["serviceName"], "checkout", "{trace}");
            } else {
                assert_eq!(trace["metadata"]["serviceName"], "checkout", "{trace}");
            }
        }
    }
}

async fn through_the_sdk(protocol: Protocol) {
    let emu = emulator(protocol).await;
    let client = client(&emu);
    let provider = provider(&client, protocol);
    spans_through_the_sdk(&provider);
    provider.shutdown().expect("shutdown delivers");
    let (trace, spans) = stored(&client, protocol).await;
    check_common(protocol, &trace, &spans);
    let chat = &by_name(&spans, "chat gpt-4o").fields;
    assert_eq!(
        chat["input"][0]["parts"][0]["content"], "Capital of France?",
        "{chat}"
    );
    assert_eq!(chat["output"][0]["parts"][0]["content"], "Paris.", "{chat}");
    assert_eq!(chat["cost"].as_f64(), Some(0.0004), "{chat}");
    if protocol != Protocol::Otlp {
        // The answering model and other attributes are kept; the event too.
        assert_eq!(
            chat["attributes"]["gen_ai.response.model"],
            "gpt-4o-2024-08-06"
        );
        assert_eq!(chat["attributes"]["otel.kind"], "client");
        assert_eq!(chat["attributes"]["temperature"], 0.2);
        assert_eq!(chat["events"][0]["name"], "first token", "{chat}");
        assert_eq!(chat["events"][0]["attributes"]["after_ms"], 120);
        assert_eq!(by_name(&spans, "lookup").fields["error"], "not found");
    } else {
        assert_eq!(
            chat["attributes"]["gen_ai.response.model"],
            "gpt-4o-2024-08-06"
        );
        assert_eq!(chat["events"][0]["name"], "first token", "{chat}");
    }
}

async fn through_tracing(protocol: Protocol) {
    let emu = emulator(protocol).await;
    let client = client(&emu);
    let provider = provider(&client, protocol);
    spans_through_tracing(&provider).await;
    provider.shutdown().expect("shutdown delivers");
    let (trace, spans) = stored(&client, protocol).await;
    check_common(protocol, &trace, &spans);
    let chat = &by_name(&spans, "chat gpt-4o").fields;
    // The prompt and completion events became input and output.
    assert_eq!(chat["input"], "Capital of France?", "{chat}");
    assert_eq!(chat["output"], "Paris.", "{chat}");
    if protocol != Protocol::Otlp {
        assert!(
            chat["events"].as_array().is_none_or(Vec::is_empty),
            "{chat}"
        );
    }
}

#[tokio::test]
async fn sdk_spans_arrive_through_the_0_1_2_batch() {
    through_the_sdk(Protocol::Batch).await;
}

#[tokio::test]
async fn sdk_spans_arrive_through_otlp() {
    through_the_sdk(Protocol::Otlp).await;
}

#[tokio::test]
async fn sdk_spans_arrive_through_the_0_4_1_hook_format() {
    through_the_sdk(Protocol::HookV0_4).await;
}

#[tokio::test]
async fn tracing_spans_arrive_through_the_0_1_2_batch() {
    through_tracing(Protocol::Batch).await;
}

#[tokio::test]
async fn tracing_spans_arrive_through_otlp() {
    through_tracing(Protocol::Otlp).await;
}

#[tokio::test]
async fn tracing_spans_arrive_through_the_0_4_1_hook_format() {
    through_tracing(Protocol::HookV0_4).await;
}

#[tokio::test]
async fn an_environment_outside_the_contract_travels_in_metadata_through_the_batch() {
    let emu = emulator(Protocol::Batch).await;
    let client = client(&emu);
    let exporter = MutagentSpanExporter::builder(&client)
        .build()
        .expect("exporter");
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder_empty()
                .with_attributes([
                    KeyValue::new("service.name", "checkout"),
                    KeyValue::new("deployment.environment", "qa-eu"),
                ])
                .build(),
        )
        .build();
    provider.tracer("t").in_span("job", |_| {});
    provider
        .shutdown()
        .expect("delivered: the batch is not refused");
    let (trace, spans) = stored(&client, Protocol::Batch).await;
    assert_eq!(spans.len(), 1);
    assert_eq!(trace["environment"], Value::Null, "{trace}");
    assert_eq!(
        trace["metadata"],
        json!({"environment": "qa-eu", "serviceName": "checkout"})
    );
}
