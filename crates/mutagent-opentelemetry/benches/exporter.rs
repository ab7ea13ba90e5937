//! Benchmarks of the OpenTelemetry exporter beside our own `tracing` layer (not tests: nothing
//! here asserts a time).
//!
//! * caller-side cost per span: the same `tracing` span (a chat call with GenAI fields, in
//!   traces of 20) through `MutagentLayer` and through `tracing-opentelemetry` + the SDK's batch
//!   processor + `MutagentSpanExporter`, interleaved round by round so both see the same machine;
//!   and a span made with the SDK's API directly;
//! * spans per second delivered to an in-process emulator through the SDK's batch processor, in
//!   each protocol.
//!
//! Run: `cargo bench -p mutagent-opentelemetry --bench exporter`. Hand-rolled like the trace
//! exporter's: warm-up rounds, then the median (and min/max) of the timed rounds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark may panic

use std::time::{Duration, Instant};

use mutagent_core::Client;
use mutagent_emulator::{Collection, Emulator, TracesContract};
use mutagent_opentelemetry::{MutagentSpanExporter, Protocol};
use mutagent_test_support::bench::report;
use mutagent_trace_exporter::{Exporter, MutagentLayer};
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;

const WARMUP: usize = 3;
const ROUNDS: usize = 11;
const PER_ROUND: usize = 10_000;
/// Spans per trace (a root and its children), as in the trace exporter's benchmark.
const TRACE_LEN: usize = 20;
const KEY: &str = "mt_bench";

fn emulator(contract: TracesContract) -> Emulator {
    Emulator::builder()
        .api_key(KEY)
        .traces_contract(contract)
        .start_blocking()
        .unwrap_or_else(|err| panic!("emulator: {err}"))
}

fn client(emu: &Emulator) -> Client {
    Client::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .build()
        .unwrap_or_else(|err| panic!("client: {err}"))
}

/// A provider whose batch processor holds (and each export takes) a whole benchmark round:
/// `into_batch_processor`, so flushes deliver everything and nothing is dropped.
fn provider(client: &Client, protocol: Protocol) -> SdkTracerProvider {
    let exporter = MutagentSpanExporter::builder(client)
        .protocol(protocol)
        .export_timeout(Duration::from_secs(60))
        .exporter_settings(|s| s.max_queue_size(1 << 16))
        .build()
        .unwrap_or_else(|err| panic!("exporter: {err}"));
    SdkTracerProvider::builder()
        .with_span_processor(exporter.into_batch_processor(1 << 16))
        .build()
}

/// One round of traced work: `PER_ROUND` spans, traces of `TRACE_LEN`, each child a chat call
/// whose output tokens are recorded after it started.
fn traced_work() {
    for _ in 0..PER_ROUND / TRACE_LEN {
        let root = tracing::info_span!("answer", mutagent.kind = "chain");
        let _entered = root.enter();
        for _ in 1..TRACE_LEN {
            let span = tracing::info_span!(
                "chat",
                mutagent.kind = "llm.chat",
                gen_ai.operation.name = "chat",
                gen_ai.request.model = "gpt-4o",
                gen_ai.usage.output_tokens = tracing::field::Empty,
            );
            span.record("gen_ai.usage.output_tokens", 30);
            drop(span);
        }
    }
}

/// `count` spans made with the SDK's API, in traces of `TRACE_LEN`: each child a chat call
/// with three GenAI attributes.
fn sdk_work(tracer: &opentelemetry_sdk::trace::SdkTracer, count: usize) {
    for _ in 0..count / TRACE_LEN {
        tracer.in_span("answer", |_| {
            for _ in 1..TRACE_LEN {
                let mut span = tracer.start("chat");
                span.set_attribute(KeyValue::new("gen_ai.operation.name", "chat"));
                span.set_attribute(KeyValue::new("gen_ai.request.model", "gpt-4o"));
                span.set_attribute(KeyValue::new("gen_ai.usage.output_tokens", 30));
                span.end();
            }
        });
    }
}

fn timed(work: impl FnOnce()) -> f64 {
    let start = Instant::now();
    work();
    start.elapsed().as_nanos() as f64 / PER_ROUND as f64
}

/// Nanoseconds per span on the caller's thread: our layer and the OpenTelemetry pipeline,
/// interleaved; a fresh emulator per round (its store grows with every span and it merges spans
/// by a linear search, so a long-lived one would slow the deliveries measured alongside).
fn caller_side() {
    let (mut layer, mut stopped, mut bridge, mut sdk) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..WARMUP + ROUNDS {
        let emu = emulator(TracesContract::V0_1_2);
        let client = client(&emu);
        let exporter = Exporter::builder(&client)
            .max_queue_size(1 << 16)
            .build()
            .unwrap_or_else(|err| panic!("exporter: {err}"));
        let ours = tracing::Dispatch::new(
            tracing_subscriber::registry().with(MutagentLayer::new(exporter.clone())),
        );
        let provider = provider(&client, Protocol::Batch);
        let otel = tracing::Dispatch::new(
            tracing_subscriber::registry()
                .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"))),
        );
        let tracer = provider.tracer("bench-sdk");

        let a = tracing::dispatcher::with_default(&ours, || timed(traced_work));
        let report = exporter.shutdown(Duration::from_secs(60));
        assert!(report.is_complete(), "{report:?}");
        // The same with the sender stopped (every span dropped at the queue): the caller-side
        // cost alone, as the OpenTelemetry rounds below, whose exports wait for the flush.
        let a_stopped = tracing::dispatcher::with_default(&ours, || timed(traced_work));
        let b = tracing::dispatcher::with_default(&otel, || timed(traced_work));
        provider.force_flush().expect("flush");
        let c = timed(|| sdk_work(&tracer, PER_ROUND));
        provider.shutdown().expect("shutdown");
        assert_eq!(
            emu.count(Collection::Spans),
            3 * PER_ROUND,
            "nothing dropped"
        );
        if round >= WARMUP {
            layer.push(a);
            stopped.push(a_stopped);
            bridge.push(b);
            sdk.push(c);
        }
    }
    report(
        "tracing span via MutagentLayer (create, record, close)",
        "ns",
        layer,
    );
    report(
        "  same, sender stopped (caller-side cost alone)",
        "ns",
        stopped,
    );
    report(
        "tracing span via tracing-opentelemetry + MutagentSpanExporter",
        "ns",
        bridge,
    );
    report(
        "SDK span (start, 3 attributes, end; traces of 20) + MutagentSpanExporter",
        "ns",
        sdk,
    );
}

/// Spans per second from the first span until the provider's shutdown confirmed delivery, a
/// fresh emulator per round (its store grows with every span).
fn delivered_per_second(protocol: Protocol, total: usize) {
    let contract = match protocol {
        Protocol::HookV0_4 => TracesContract::V0_4_1,
        _ => TracesContract::V0_1_2,
    };
    let mut samples = Vec::new();
    for round in 0..1 + 5 {
        let emu = emulator(contract);
        let provider = provider(&client(&emu), protocol);
        let tracer = provider.tracer("bench");
        let start = Instant::now();
        sdk_work(&tracer, total);
        provider.shutdown().expect("shutdown delivers");
        let elapsed = start.elapsed();
        assert_eq!(emu.count(Collection::Spans), total, "every span delivered");
        if round >= 1 {
            samples.push(total as f64 / elapsed.as_secs_f64());
        }
    }
    report(
        &format!("delivered to the emulator via the SDK, {protocol:?} ({total} spans)"),
        "spans/s",
        samples,
    );
}

fn main() {
    println!(
        "mutagent-opentelemetry benchmarks ({WARMUP} warm-up + {ROUNDS} rounds of {PER_ROUND} spans)"
    );
    caller_side();
    for protocol in [Protocol::Batch, Protocol::Otlp, Protocol::HookV0_4] {
        delivered_per_second(protocol, 5_000);
    }
}
