//! Spans made through `opentelemetry_sdk` directly and through `tracing` + `tracing-opentelemetry`
//! arrive in the emulator with their GenAI fields mapped, in each of the three protocols (the
//! 0.1.2 batch, OTLP/JSON, the 0.4.1 hook format), read back through the API.
//! And the SDK's simple processor under a global `tracing-opentelemetry` subscriber: ending a
//! span never hangs on the exporter's own deliveries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::time::Duration;

use mutagent_core::Client;
use mutagent_opentelemetry::{MutagentSpanExporter, Protocol};
use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt, Tracer, TracerProvider};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use serde_json::{json, Value};
use tracing::field::Empty;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

#[path = "support/stored.rs"]
mod stored;
use stored::{by_name, check_common, client, emulator, per_protocol, stored};

/// The names `support/stored.rs` reads the emulator with.
mod sdk {
    pub(crate) use mutagent_core::Client;
    pub(crate) use mutagent_emulator::{Emulator, TracesContract};
    pub(crate) use mutagent_opentelemetry::Protocol;
    pub(crate) use mutagent_traces::{self as traces, TracesExt};
}

/// The resource every test's provider carries.
const RESOURCE: stored::Resource = stored::Resource {
    service: "checkout",
    environment: "staging",
};

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
                    KeyValue::new("service.name", RESOURCE.service),
                    KeyValue::new("deployment.environment.name", RESOURCE.environment),
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

async fn through_the_sdk(protocol: Protocol) {
    let emu = emulator(protocol).await;
    let client = client(&emu);
    let provider = provider(&client, protocol);
    spans_through_the_sdk(&provider);
    provider.shutdown().expect("shutdown delivers");
    let (trace, spans) = stored(&client, protocol).await;
    check_common(protocol, &RESOURCE, &trace, &spans);
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
    check_common(protocol, &RESOURCE, &trace, &spans);
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

per_protocol!(through_the_sdk:
    sdk_spans_arrive_through_the_0_1_2_batch,
    sdk_spans_arrive_through_otlp,
    sdk_spans_arrive_through_the_0_4_1_hook_format,
);

per_protocol!(through_tracing:
    tracing_spans_arrive_through_the_0_1_2_batch,
    tracing_spans_arrive_through_otlp,
    tracing_spans_arrive_through_the_0_4_1_hook_format,
);

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

/// The app thread of `the_simple_processor_never_hangs_the_thread_that_ends_a_span`.
const SIMPLE_APP_THREAD: &str = "simple-processor-app";

/// docs/tracing.md: each export "waits until they are delivered or `export_timeout`"
/// (hostile review). With the SDK's simple processor and `tracing-opentelemetry` as the
/// global subscriber, the thread that ends a span holds the processor's lock while the
/// exporter delivers; a `mutagent.call` span of the delivery, ending on the sender thread,
/// would wait on that lock: a hang. The sender's calls reach no subscriber, so it cannot.
///
/// The only global subscriber of this binary; it listens to this test's app thread and to
/// exporters' sender threads only, so the other tests' calls never reach its provider.
#[test]
fn the_simple_processor_never_hangs_the_thread_that_ends_a_span() {
    use tracing_subscriber::Layer as _;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let emu = rt.block_on(emulator(Protocol::Batch));
    let client = client(&emu);
    let exporter = MutagentSpanExporter::builder(&client)
        .export_timeout(Duration::from_secs(2))
        .build()
        .expect("exporter");
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter)
        .build();
    let watched = tracing_subscriber::filter::filter_fn(|_| {
        matches!(
            std::thread::current().name(),
            Some(SIMPLE_APP_THREAD | "mutagent-trace-exporter")
        )
    });
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(
            tracing_opentelemetry::layer()
                .with_tracer(provider.tracer("app"))
                .with_filter(watched),
        ),
    )
    .expect("the only global subscriber of this test binary");
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(SIMPLE_APP_THREAD.into())
        .spawn(move || {
            let start = std::time::Instant::now();
            tracing::info_span!("work", gen_ai.request.model = "gpt-4o").in_scope(|| {});
            let _ = done_tx.send(start.elapsed());
        })
        .expect("app thread");
    let took = done_rx.recv_timeout(Duration::from_secs(15));
    assert!(
        matches!(took, Ok(t) if t < Duration::from_secs(5)),
        "ending one span with the simple processor: {took:?} (export_timeout is 2 s)"
    );
    provider.shutdown().expect("shut down");
}

/// A failing span as `tracing` code writes it: an `ERROR` event (`tracing::error!`) inside,
/// which `tracing-opentelemetry` turns into `Status::error("")` with the reason in the event.
fn a_span_failing_with_an_error_event(provider: &SdkTracerProvider) {
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tracing-test")));
    tracing::subscriber::with_default(subscriber, || {
        tracing::info_span!("lookup", gen_ai.operation.name = "execute_tool").in_scope(|| {
            tracing::error!(error = "no source", "lookup failed");
        });
    });
}

/// The stored error of the span made by `a_span_failing_with_an_error_event`: the event's
/// message and `error` field, not the placeholder "error" (what an app saw before).
async fn check_the_error_event_reason(client: &Client) {
    let (_trace, spans) = stored(client, Protocol::Batch).await;
    let lookup = &by_name(&spans, "lookup").fields;
    assert_eq!(lookup["status"], "error", "{lookup}");
    assert_eq!(lookup["error"], "lookup failed: no source", "{lookup}");
}

#[tokio::test]
async fn an_error_event_gives_the_stored_span_its_reason() {
    let emu = emulator(Protocol::Batch).await;
    let client = client(&emu);
    let provider = provider(&client, Protocol::Batch);
    a_span_failing_with_an_error_event(&provider);
    provider.shutdown().expect("shutdown delivers");
    check_the_error_event_reason(&client).await;
}

#[test]
fn an_error_event_gives_the_stored_span_its_reason_through_the_blocking_client() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let emu = runtime.block_on(emulator(Protocol::Batch));
    let blocking = mutagent_core::BlockingClient::builder()
        .api_key(stored::KEY)
        .server_url(emu.url())
        .build()
        .expect("blocking client");
    let exporter = MutagentSpanExporter::builder(&blocking)
        .build()
        .expect("exporter");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(exporter.into_batch_processor(64))
        .build();
    a_span_failing_with_an_error_event(&provider);
    provider.shutdown().expect("shutdown delivers");
    runtime.block_on(check_the_error_event_reason(&client(&emu)));
}
