//! The exporter's answers to the SDK: an export that could not be delivered is an error with
//! the reason, a retried one succeeds, shutdown delivers and is final, and the exporter's own
//! `mutagent.call` spans are never exported (with `tracing-opentelemetry` as the global
//! subscriber, as an application has it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

#[path = "support/spans.rs"]
mod spans;

use std::time::{Duration, SystemTime};

use mutagent_core::{Client, RetryPolicy};
use mutagent_emulator::{Collection, Emulator, Fault};
use mutagent_opentelemetry::{MutagentSpanExporter, Protocol};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry::KeyValue;
use opentelemetry_sdk::error::OTelSdkError;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use opentelemetry_sdk::Resource;
use tracing_subscriber::layer::SubscriberExt;

const KEY: &str = "mt_test_key";
/// A back-off no test reaches: a batch kept after a failed attempt is not sent again on its own.
const HOUR: Duration = Duration::from_secs(3600);

fn client(emu: &Emulator) -> Client {
    Client::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .retry_policy(
            RetryPolicy::new()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20))
                .jitter(false),
        )
        .build()
        .expect("client")
}

/// An emulator and a client of it.
async fn started() -> (Emulator, Client) {
    let emu = Emulator::builder()
        .api_key(KEY)
        .start()
        .await
        .expect("emulator");
    let client = client(&emu);
    (emu, client)
}

/// A blocking client of `emu`, for a program without a runtime.
fn blocking_client(emu: &Emulator) -> mutagent_core::BlockingClient {
    mutagent_core::BlockingClient::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .build()
        .expect("blocking client")
}

/// An emulator started without a runtime of the caller's, and a blocking client of it.
fn started_blocking() -> (Emulator, mutagent_core::BlockingClient) {
    let emu = Emulator::builder()
        .api_key(KEY)
        .start_blocking()
        .expect("emulator");
    let blocking = blocking_client(&emu);
    (emu, blocking)
}

fn finished_span(n: u64) -> SpanData {
    let model = KeyValue::new("gen_ai.request.model", "gpt-4o");
    spans::finished_span(0xabc0_u128 + u128::from(n), n, "chat", vec![model])
}

#[tokio::test]
async fn undelivered_exports_are_errors_and_retried_ones_succeed() {
    let (emu, client) = started().await;
    // A batch still failing after the retries is kept, and sent again an hour later at the
    // earliest: the failing export below returns once its one attempt failed.
    let mut exporter = MutagentSpanExporter::builder(&client)
        .export_timeout(Duration::from_secs(10))
        .exporter_settings(|settings| settings.redelivery_backoff(HOUR, HOUR))
        .build()
        .expect("exporter");
    let debug = format!("{exporter:?}");
    assert!(
        debug.starts_with("MutagentSpanExporter")
            && debug.contains("protocol: Batch")
            && debug.contains("inner: Some"),
        "{debug}"
    );

    // Two failures, then success: within the retry policy, so the export succeeds.
    emu.inject(
        Fault::status(503)
            .on_route("POST", "/api/traces/batch")
            .times(2),
    )
    .expect("a valid fault");
    exporter
        .export(vec![finished_span(1)])
        .await
        .expect("delivered after retries");
    assert_eq!(emu.count(Collection::Spans), 1);

    // Failing every time: the export is an error naming the server's answer; the spans are
    // kept for the next attempt (not delivered, not given up).
    emu.inject(Fault::status(500).on_route("POST", "/api/traces/batch"))
        .expect("a valid fault");
    let error = exporter
        .export(vec![finished_span(2), finished_span(3)])
        .await
        .expect_err("not delivered");
    let text = error.to_string();
    assert!(
        text.contains("2 span(s) not delivered (failed 0, still queued 2"),
        "{text}"
    );
    assert!(text.contains("500"), "{text}");
    emu.clear_faults();

    let stats = exporter.inner().expect("running").stats();
    assert_eq!(
        (stats.sent, stats.failed, stats.retained),
        (1, 0, 2),
        "{stats:?}"
    );

    // A resource that restarts the inner exporter keeps its counts in the handle; the old
    // inner exporter's shutdown made its last attempt at the kept spans, the server back.
    let handle = exporter.inner().cloned().expect("running");
    exporter.set_resource(&Resource::builder().with_service_name("restarted").build());
    let stats = handle.stats();
    // The replaced exporter's counts are kept, its deferred attempt too; it holds nothing now.
    assert_eq!(
        (
            stats.sent,
            stats.failed,
            stats.batches_deferred,
            stats.retained
        ),
        (3, 0, 1, 0),
        "{stats:?}"
    );
    assert!(stats.last_error.is_some(), "{stats:?}");
    assert!(!handle.is_shut_down());
    exporter
        .export(vec![finished_span(6)])
        .await
        .expect("delivered by the new inner exporter");
    assert_eq!(handle.stats().sent, 4);

    // Shutdown delivers and is final.
    exporter.shutdown().expect("shutdown");
    assert!(matches!(
        exporter.shutdown(),
        Err(OTelSdkError::AlreadyShutdown)
    ));
    assert!(matches!(
        exporter.export(vec![finished_span(4)]).await,
        Err(OTelSdkError::AlreadyShutdown)
    ));
    assert!(matches!(
        exporter.force_flush(),
        Err(OTelSdkError::AlreadyShutdown)
    ));
    // A resource that arrives after the shutdown does not start the exporter again.
    exporter.set_resource(
        &Resource::builder_empty()
            .with_attributes([KeyValue::new("service.name", "late")])
            .build(),
    );
    assert!(exporter.inner().is_none(), "{exporter:?}");
    assert!(matches!(
        exporter.export(vec![finished_span(5)]).await,
        Err(OTelSdkError::AlreadyShutdown)
    ));
}

/// Each request takes 600 ms at the server; the exports below may take 1 s, so of three
/// requests the first is delivered, the second is on its way at the deadline (its own limit is
/// the inner exporter's `request_timeout`, 30 s) and the third waits.
const SLOW: Duration = Duration::from_millis(600);
const TIMEOUT: Duration = Duration::from_secs(1);
/// Spans for three requests of 512.
const THREE_REQUESTS: u64 = 1025;

/// An emulator that holds each batch request for `SLOW` before answering, and a client of it.
async fn started_slow() -> (Emulator, Client) {
    let (emu, client) = started().await;
    emu.inject(Fault::latency(SLOW).on_route("POST", "/api/traces/batch"))
        .expect("a valid fault");
    (emu, client)
}

fn slow_exporter(client: &Client, max_queue: usize) -> MutagentSpanExporter {
    MutagentSpanExporter::builder(client)
        .export_timeout(TIMEOUT)
        .exporter_settings(|settings| settings.max_queue_size(max_queue))
        .build()
        .expect("exporter")
}

/// An export whose spans are still on their way or waiting when its time is up, none refused
/// or dropped, is the SDK's `Timeout` with the export timeout (the spans stay queued).
#[tokio::test]
async fn an_export_still_sending_at_its_deadline_is_a_timeout() {
    let (_emu, client) = started_slow().await;
    let exporter = slow_exporter(&client, 2048);
    let answer = exporter
        .export((1..=THREE_REQUESTS).map(finished_span).collect())
        .await;
    assert!(
        matches!(answer, Err(OTelSdkError::Timeout(timeout)) if timeout == TIMEOUT),
        "{answer:?}"
    );
}

/// A batch larger than the inner queue is queued a queue's worth at a time; the parts not
/// queued yet when the deadline passed are queued behind the spans on their way (or dropped
/// by a full queue), never left out: every span the SDK gave is counted in the inner
/// exporter's stats, and the export is not delivered.
#[tokio::test]
async fn parts_of_an_export_not_queued_by_its_deadline_are_queued_behind_it() {
    let (_emu, client) = started_slow().await;
    let exporter = slow_exporter(&client, THREE_REQUESTS as usize);
    let answer = exporter
        .export((1..=THREE_REQUESTS + 1024).map(finished_span).collect())
        .await;
    assert!(answer.is_err(), "{answer:?}");
    let stats = exporter.inner().expect("running").stats();
    assert_eq!(stats.recorded, THREE_REQUESTS + 1024, "{stats:?}");
    assert_eq!(
        stats.recorded,
        stats.sent + stats.failed + stats.dropped + stats.queued as u64 + stats.held as u64,
        "{stats:?}"
    );
}

/// Spans the inner queue had no room for during an export are counted in its answer. The
/// queue is made full while the sender cannot take from it: it is sending a batch of one that
/// the server holds for `SLOW` (a full queue wakes an idle sender, which would take the spans).
#[tokio::test]
async fn spans_a_full_queue_drops_during_an_export_are_reported() {
    let (emu, client) = started_slow().await;
    let exporter = MutagentSpanExporter::builder(&client)
        .export_timeout(Duration::from_secs(30))
        .exporter_settings(|settings| {
            settings
                .batch_size(1)
                .max_queue_size(2)
                .flush_interval(Duration::from_secs(3600))
        })
        .build()
        .expect("exporter");
    let inner = exporter.inner().expect("running");
    let record = |n: u128| {
        let start = SystemTime::now();
        inner
            .current()
            .record(mutagent_trace_exporter::SpanData::new(
                mutagent_trace_exporter::TraceId128::from_u128(n),
                mutagent_trace_exporter::SpanId64::from_u64(1),
                "queued before",
                mutagent_trace_exporter::SpanKind::Custom,
                start,
                start,
            ))
    };
    // The first span is taken and sent: the sender waits on the slow server.
    assert!(record(10));
    let begun = std::time::Instant::now();
    while inner.current().stats().queued > 0 && begun.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(
        inner.current().stats().queued,
        0,
        "the first span was taken"
    );
    // Two more fill the queue while that batch is on its way.
    assert!(record(11));
    assert!(record(12));
    let error = exporter
        .export(vec![finished_span(1)])
        .await
        .expect_err("one span dropped");
    let text = error.to_string();
    assert!(
        text.contains("MutagenT: 1 span(s) not delivered (failed 0, still queued 0, dropped 1)"),
        "{text}"
    );
    assert_eq!(
        emu.count(Collection::Spans),
        3,
        "what was queued is delivered"
    );
}

/// "No limit" as a timeout (`Duration::MAX`) is taken at its word: exports, flushes and the
/// shutdown deliver, and nothing overflows (an `Instant + Duration` here once panicked).
#[tokio::test]
async fn an_unlimited_export_timeout_delivers_and_never_overflows() {
    let (emu, client) = started().await;
    let exporter = MutagentSpanExporter::builder(&client)
        .export_timeout(Duration::MAX)
        .build()
        .expect("exporter");
    exporter
        .export(vec![finished_span(1), finished_span(2)])
        .await
        .expect("delivered");
    assert_eq!(emu.count(Collection::Spans), 2);
    exporter.force_flush().expect("flushed");
    exporter.shutdown().expect("shut down");
}

/// A provider whose batch processor exports through OTLP to `client`'s server.
fn otlp_provider(client: &Client) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_batch_exporter(
            MutagentSpanExporter::builder(client)
                .protocol(Protocol::Otlp)
                .build()
                .expect("exporter"),
        )
        .build()
}

/// Shuts `provider` down on a blocking thread: its shutdown waits for the export it makes,
/// which needs the runtime's threads.
async fn shut_down(provider: SdkTracerProvider) {
    tokio::task::spawn_blocking(move || provider.shutdown())
        .await
        .expect("join")
        .expect("shut down");
}

/// A call of the app's own to the API (its `mutagent.call` span is the app's).
async fn list_traces(client: &Client) {
    use mutagent_traces::TracesExt;
    client
        .traces()
        .list_traces(&mutagent_traces::ListTraces::new())
        .await
        .expect("list");
}

/// The bodies of the OTLP exports `emu` received, in order.
fn otlp_bodies(emu: &Emulator) -> Vec<serde_json::Value> {
    emu.requests()
        .iter()
        .filter(|r| r.is("POST", "/api/traces/otlp"))
        .map(|r| r.body_json().expect("json"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exporters_own_calls_are_never_exported_but_the_apps_are() {
    let (emu, client) = started().await;
    let provider = otlp_provider(&client);
    // Global, as in an application: the sender thread's `mutagent.call` spans reach the layer.
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("app"))),
    )
    .expect("the only global subscriber of this test binary");

    tracing::info_span!("work", gen_ai.request.model = "gpt-4o").in_scope(|| {});
    let flush = provider.clone();
    tokio::task::spawn_blocking(move || flush.force_flush())
        .await
        .expect("join")
        .expect("first export");
    // The app's own call to the API: its `mutagent.call` span is the app's, and is exported.
    list_traces(&client).await;
    shut_down(provider).await;

    let names: Vec<String> = otlp_bodies(&emu)
        .into_iter()
        .flat_map(|body| {
            body["resourceSpans"][0]["scopeSpans"][0]["spans"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|span| {
            let attributes = span["attributes"].as_array().cloned().unwrap_or_default();
            let operation = attributes
                .iter()
                .find(|kv| kv["key"] == "operation")
                .map(|kv| kv["value"]["stringValue"].as_str().unwrap_or("").to_owned());
            format!(
                "{}{}",
                span["name"].as_str().unwrap_or(""),
                operation.map(|o| format!(":{o}")).unwrap_or_default()
            )
        })
        .collect();
    assert!(names.contains(&"work".to_owned()), "{names:?}");
    assert!(
        names.contains(&"mutagent.call:list_traces".to_owned()),
        "the app's own API call is exported: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with("mutagent.call:ingest")),
        "no delivery of the exporter is exported: {names:?}"
    );
}

/// `count` spans made as fast as the app can (traces of 20), then the provider shut down.
fn burst_then_shutdown(provider: SdkTracerProvider, count: usize) {
    use opentelemetry::trace::Tracer as _;
    let tracer = provider.tracer("burst");
    for _ in 0..count / 20 {
        tracer.in_span("root", |_| {
            for _ in 1..20 {
                drop(tracer.start("step"));
            }
        });
    }
    provider.shutdown().expect("shutdown");
}

#[test]
fn into_batch_processor_delivers_a_whole_burst_at_shutdown() {
    // Each delivery takes 300 ms, so the processor cannot keep up with the burst.
    let slow = Fault::latency(Duration::from_millis(300)).on_route("POST", "/api/traces/batch");
    let slow_emulator = || {
        let emu = Emulator::builder()
            .api_key(KEY)
            .fault(slow.clone())
            .start_blocking()
            .expect("emulator");
        let exporter = MutagentSpanExporter::new(client(&emu)).expect("exporter");
        (emu, exporter)
    };

    // The SDK's default (`with_batch_exporter`, batches of 512): in 0.33 its shutdown exports
    // everything queued, batch after batch. In 0.28 it exported one batch and lost the rest of
    // the burst (at most 3 * 512 arrived), which is why `into_batch_processor` exists.
    let (emu, exporter) = slow_emulator();
    burst_then_shutdown(
        SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .build(),
        2000,
    );
    assert_eq!(
        emu.count(Collection::Spans),
        2000,
        "the SDK's default processor delivers the whole burst"
    );

    let (emu, exporter) = slow_emulator();
    burst_then_shutdown(
        SdkTracerProvider::builder()
            .with_span_processor(exporter.into_batch_processor(4096))
            .build(),
        2000,
    );
    assert_eq!(emu.count(Collection::Spans), 2000, "every span delivered");
}

/// The export's timeout bounds the export, not the requests: a `request_timeout` set through
/// `exporter_settings` is the one each batch gets. Here each request may take 300 ms, the server
/// answers in 600 ms, and the export may wait 10 s: the batch fails (retries included) within the
/// export, which reports it not delivered (kept for an attempt an hour later), instead of being
/// delivered after 600 ms under a request limit overwritten by the export's 10 s.
#[tokio::test]
async fn the_request_timeout_of_the_exporter_settings_is_kept() {
    let (_emu, client) = started_slow().await;
    let exporter = MutagentSpanExporter::builder(&client)
        .export_timeout(Duration::from_secs(10))
        .exporter_settings(|settings| {
            settings
                .request_timeout(Duration::from_millis(300))
                .redelivery_backoff(HOUR, HOUR)
        })
        .build()
        .expect("exporter");
    let error = exporter
        .export(vec![finished_span(1)])
        .await
        .expect_err("not delivered");
    let text = error.to_string();
    assert!(matches!(error, OTelSdkError::InternalFailure(_)), "{text}");
    assert!(
        text.contains("1 span(s) not delivered (failed 0, still queued 1"),
        "{text}"
    );
}

/// The provider shut down (and flushed) on the current-thread runtime that made an earlier SDK
/// call: that call's pooled connection is driven by this runtime, whose only thread waits in the
/// blocking `force_flush` and `shutdown`. The spans are delivered all the same (the exporter
/// once reused that connection and stalled until the export timeout).
#[tokio::test]
async fn flush_and_shutdown_on_a_current_thread_runtime_after_a_call_deliver() {
    use mutagent_traces::TracesExt as _;
    use opentelemetry::trace::Tracer as _;
    let (emu, client) = started().await;
    client
        .traces()
        .list_traces(&mutagent_traces::ListTraces::default())
        .await
        .expect("an earlier call");
    let exporter = MutagentSpanExporter::builder(&client)
        .export_timeout(Duration::from_secs(10))
        .build()
        .expect("exporter");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(exporter.into_batch_processor(64))
        .build();
    let tracer = provider.tracer("current-thread");
    drop(tracer.start("flushed"));
    provider.force_flush().expect("flush delivers");
    assert_eq!(emu.count(Collection::Spans), 1);
    drop(tracer.start("shut down"));
    provider.shutdown().expect("shutdown delivers");
    assert_eq!(emu.count(Collection::Spans), 2);
}

/// docs/tracing.md: "Your app's own MutagenT calls are exported as usual" (hostile review):
/// an app that ingests a trace itself (an import job) has its `ingest_trace` call exported;
/// only the exporter's own deliveries are invisible, and that by the thread that makes them,
/// not by the operation's name. This thread's subscriber only: the global one is
/// `the_exporters_own_calls_are_never_exported_but_the_apps_are`'s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_own_trace_ingestion_call_is_exported() {
    use mutagent_traces::{NewSpan, NewTrace, TracesExt};
    let (emu, client) = started().await;
    let provider = otlp_provider(&client);
    // The test's own thread runs this future (and makes the calls below).
    let guard = tracing::subscriber::set_default(
        tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("app"))),
    );
    let now = "2026-12-03T19:00:00.000Z".to_owned();
    let imported = NewTrace::new("imported-1", now.clone()).span(NewSpan::new(
        "s-1",
        "chat",
        mutagent_traces::SpanKind::LlmChat,
        now,
    ));
    client
        .traces()
        .ingest_trace(&imported)
        .await
        .expect("the app's own import");
    // A control: another call of the app's is exported.
    list_traces(&client).await;
    drop(guard);
    shut_down(provider).await;
    let bodies: Vec<String> = otlp_bodies(&emu).iter().map(ToString::to_string).collect();
    assert!(
        bodies.iter().any(|b| b.contains("list_traces")),
        "control: {bodies:?}"
    );
    assert!(
        bodies.iter().any(|b| b.contains("ingest_trace")),
        "the app's own `ingest_trace` call was not exported: {} OTLP requests",
        bodies.len()
    );
}

/// A span whose `mutagent.span.kind` is no MutagenT kind (`llm`) is sent as `custom`, the
/// original kept in `mutagent.kind`: sent as it came, the server answers 400 for that span's
/// `kind` and every span of the request is lost, the ordinary one beside it too (hostile
/// review). Through the 0.1.2 batch and OTLP (the 0.4.1 hook format types `kind` any string).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_mutagent_kind_does_not_lose_the_whole_export() {
    for protocol in [Protocol::Batch, Protocol::Otlp] {
        let (emu, client) = started().await;
        let exporter = MutagentSpanExporter::builder(&client)
            .protocol(protocol)
            .build()
            .expect("exporter");
        let mut odd = finished_span(2);
        odd.attributes = vec![KeyValue::new("mutagent.span.kind", "llm")];
        let result = exporter.export(vec![finished_span(1), odd]).await;
        let stored = emu.count(Collection::Spans);
        let _ = exporter.shutdown();
        assert!(result.is_ok(), "{protocol:?}: {result:?}");
        assert_eq!(stored, 2, "{protocol:?}: both spans stored");
    }
}

/// docs/reliability.md §1, "never a panic": `into_batch_processor(n)` handed `n` unchecked to
/// the SDK, whose `sync_channel(n)` allocates `n` slots up front, so `usize::MAX` panicked
/// (capacity overflow; hostile review). It is clamped to the inner exporter's largest queue.
#[test]
fn into_batch_processor_with_a_huge_queue_does_not_panic() {
    let client = Client::builder()
        .api_key(KEY)
        .server_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let exporter = MutagentSpanExporter::new(client).expect("exporter");
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        drop(exporter.into_batch_processor(usize::MAX));
    }));
    assert!(built.is_ok(), "into_batch_processor(usize::MAX) panicked");
}

/// `MutagentSpanExporter::inner`: the handle is taken before the exporter moves into the
/// processor; a resource naming the service (the crate's own example) makes `set_resource`
/// restart the inner exporter, and the handle must follow it rather than read the old one, shut
/// down, its counters never moving (hostile review).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inner_exporter_handle_keeps_counting_after_the_provider_is_built() {
    use opentelemetry::trace::{Span as _, Tracer as _};
    let (emu, client) = started().await;
    let exporter = MutagentSpanExporter::builder(&client)
        .build()
        .expect("exporter");
    let counters = exporter.inner().cloned().expect("inner");
    let provider = tokio::task::spawn_blocking(move || {
        let provider = SdkTracerProvider::builder()
            .with_span_processor(exporter.into_batch_processor(64))
            .with_resource(Resource::builder().with_service_name("checkout").build())
            .build();
        let mut span = provider.tracer("t").start("chat");
        span.set_attribute(KeyValue::new("gen_ai.request.model", "gpt-4o"));
        span.end();
        provider.force_flush().expect("flushed");
        provider
    })
    .await
    .unwrap();
    let stored = emu.count(Collection::Spans);
    let stats = counters.stats();
    let shut = counters.is_shut_down();
    shut_down(provider).await;
    assert_eq!(stored, 1);
    assert!(
        !shut && (stats.recorded, stats.sent) == (1, 1),
        "stale handle: shut down {shut}, {stats:?}"
    );
    // The provider's shutdown shut the exporter down (the SDK's batch processor calls its
    // `shutdown`, then drops it): the handle still reads the counts.
    assert!(counters.is_shut_down(), "{counters:?}");
    assert_eq!(counters.stats().sent, 1);
}

/// One span through `provider`, which is then shut down.
fn one_span_then_shutdown(provider: SdkTracerProvider) {
    use opentelemetry::trace::{Span as _, Tracer as _};
    let mut span = provider.tracer("t").start("chat");
    span.set_attribute(KeyValue::new("gen_ai.request.model", "gpt-4o"));
    span.end();
    provider.shutdown().expect("shut down");
}

/// What the `InnerExporter` handle reads once the provider is shut down: the inner exporter
/// shut down too (its sender thread ended), the span counted sent, a later span dropped.
fn check_the_inner_exporter_ended(counters: &mutagent_opentelemetry::InnerExporter) {
    assert!(counters.is_shut_down(), "{counters:?}");
    assert_eq!(counters.stats().sent, 1);
    counters
        .current()
        .record(mutagent_trace_exporter::SpanData::root(
            "late",
            mutagent_trace_exporter::SpanKind::Custom,
            SystemTime::now(),
            SystemTime::now(),
        ));
    assert_eq!(counters.stats().dropped, 1, "{counters:?}");
}

/// The provider's shutdown ends the inner exporter: the SDK's batch processor calls the
/// exporter's `shutdown` (0.33; 0.28 only dropped it, and the exporter's drop did it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_providers_shutdown_ends_the_inner_exporter() {
    let (emu, client) = started().await;
    let exporter = MutagentSpanExporter::new(&client).expect("exporter");
    let counters = exporter.inner().cloned().expect("inner");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(exporter.into_batch_processor(64))
        .build();
    tokio::task::spawn_blocking(move || one_span_then_shutdown(provider))
        .await
        .expect("join");
    assert_eq!(emu.count(Collection::Spans), 1);
    check_the_inner_exporter_ended(&counters);
}

#[test]
fn the_providers_shutdown_ends_the_inner_exporter_of_a_blocking_client() {
    let (emu, blocking) = started_blocking();
    let exporter = MutagentSpanExporter::new(&blocking).expect("exporter");
    let counters = exporter.inner().cloned().expect("inner");
    one_span_then_shutdown(
        SdkTracerProvider::builder()
            .with_span_processor(exporter.into_batch_processor(64))
            .build(),
    );
    assert_eq!(emu.count(Collection::Spans), 1);
    check_the_inner_exporter_ended(&counters);
}

/// A span exporter in front of a `MutagentSpanExporter` that writes down each `shutdown` the
/// SDK makes, its answer and whether the exporter then reads shut down, to see what the batch
/// processor does with the exporter.
#[derive(Debug)]
struct ShutdownLog {
    exporter: MutagentSpanExporter,
    answers: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ShutdownLog {
    fn note(
        &self,
        answer: opentelemetry_sdk::error::OTelSdkResult,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        let ended = self.exporter.inner().is_none();
        self.answers
            .lock()
            .unwrap()
            .push(format!("{answer:?}, shut down: {ended}"));
        answer
    }
}

impl SpanExporter for ShutdownLog {
    fn export(
        &self,
        batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = opentelemetry_sdk::error::OTelSdkResult> + Send {
        self.exporter.export(batch)
    }

    fn shutdown(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        self.note(self.exporter.shutdown())
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> opentelemetry_sdk::error::OTelSdkResult {
        self.note(self.exporter.shutdown_with_timeout(timeout))
    }

    fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        self.exporter.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.exporter.set_resource(resource);
    }
}

/// The SDK's batch processor (0.33) calls the exporter's `shutdown` and then drops it: the
/// shutdown delivers and answers `Ok`, happens once, and the drop after it does nothing more
/// (a second provider shutdown is the SDK's `AlreadyShutdown`, never a second exporter one).
#[test]
fn the_providers_shutdown_shuts_the_exporter_down_once() {
    let emu = Emulator::builder()
        .api_key(KEY)
        .start_blocking()
        .expect("emulator");
    let exporter = MutagentSpanExporter::new(client(&emu)).expect("exporter");
    let counters = exporter.inner().cloned().expect("inner");
    let answers = std::sync::Arc::default();
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(ShutdownLog {
            exporter,
            answers: std::sync::Arc::clone(&answers),
        })
        .build();
    one_span_then_shutdown(provider.clone());
    assert_eq!(
        *answers.lock().unwrap(),
        ["Ok(()), shut down: true"],
        "one shutdown, delivered"
    );
    assert!(
        matches!(provider.shutdown(), Err(OTelSdkError::AlreadyShutdown)),
        "a second provider shutdown"
    );
    assert_eq!(answers.lock().unwrap().len(), 1, "{answers:?}");
    assert_eq!(emu.count(Collection::Spans), 1);
    check_the_inner_exporter_ended(&counters);
}

/// An exporter dropped without any `shutdown` (an app's own processor, or none) still ends its
/// inner exporter: the drop delivers what is left and stops the sender thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_an_exporter_never_shut_down_ends_the_inner_exporter() {
    let (emu, client) = started().await;
    let exporter = MutagentSpanExporter::new(&client).expect("exporter");
    let counters = exporter.inner().cloned().expect("inner");
    exporter
        .export(vec![finished_span(1)])
        .await
        .expect("delivered");
    tokio::task::spawn_blocking(move || drop(exporter))
        .await
        .expect("join");
    assert_eq!(emu.count(Collection::Spans), 1);
    check_the_inner_exporter_ended(&counters);
}

#[test]
fn dropping_an_exporter_never_shut_down_ends_the_inner_exporter_of_a_blocking_client() {
    let (emu, blocking) = started_blocking();
    let exporter = MutagentSpanExporter::new(&blocking).expect("exporter");
    let counters = exporter.inner().cloned().expect("inner");
    // No Tokio runtime of the app's: the export future runs on a bare executor, as the SDK's
    // own processor thread runs it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("executor");
    runtime
        .block_on(exporter.export(vec![finished_span(1)]))
        .expect("delivered");
    drop(exporter);
    assert_eq!(emu.count(Collection::Spans), 1);
    check_the_inner_exporter_ended(&counters);
}

/// `shutdown_with_timeout(t)` waits at most the caller's `t` for what is still queued, not the
/// export timeout (1 s here) that `shutdown` uses; what was not delivered by then is its error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_with_timeout_waits_at_most_the_callers_timeout() {
    const SHORT: Duration = Duration::from_millis(100);
    let (_emu, client) = started_slow().await;
    let exporter = slow_exporter(&client, 2048);
    // Times out with two requests still to go (see `SLOW` and `TIMEOUT`).
    let answer = exporter
        .export((1..=THREE_REQUESTS).map(finished_span).collect())
        .await;
    assert!(
        matches!(answer, Err(OTelSdkError::Timeout(_))),
        "{answer:?}"
    );
    let (answer, took) = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let answer = exporter.shutdown_with_timeout(SHORT);
        (answer, started.elapsed())
    })
    .await
    .expect("join");
    let text = format!("{answer:?}");
    assert!(
        text.contains("not delivered") && text.contains("shutdown deadline"),
        "{text}"
    );
    assert!(took < TIMEOUT / 2, "waited {took:?}");
}

/// The largest request body the emulator of the huge-value tests takes (a server's limit).
const BODY_LIMIT: usize = 256 * 1024;

/// An emulator refusing bodies over `BODY_LIMIT` with 413.
fn body_limited_emulator() -> mutagent_emulator::EmulatorBuilder {
    Emulator::builder().api_key(KEY).max_body_bytes(BODY_LIMIT)
}

/// Every stored span as JSON, by name.
async fn stored_spans(client: &Client) -> Vec<serde_json::Value> {
    use mutagent_traces::TracesExt;
    let mut spans = Vec::new();
    let page = client
        .traces()
        .list_traces(&mutagent_traces::ListTraces::new())
        .await
        .expect("list");
    for listed in page.data {
        let trace = client.traces().get_trace(listed.id).await.expect("get");
        spans.extend(trace.spans.unwrap_or_default());
    }
    spans
}

/// The huge-value tests' check: both spans stored, the huge text cut to the default limit
/// (64 KiB) and counted, the small span untouched.
fn check_the_huge_value_was_cut(spans: &[serde_json::Value]) {
    assert_eq!(spans.len(), 2, "both spans stored");
    let huge = spans
        .iter()
        .find(|span| span["attributes"].get("document").is_some())
        .expect("the span with the huge attribute");
    let document = huge["attributes"]["document"].as_str().expect("text");
    assert_eq!(document.len(), 64 * 1024 + '…'.len_utf8());
    assert!(document.ends_with('…'));
    assert_eq!(huge["attributes"]["mutagent.truncated_values"], 1);
    let other = spans
        .iter()
        .find(|span| span["attributes"].get("document").is_none())
        .expect("the other span");
    assert!(
        other["attributes"]
            .get("mutagent.truncated_values")
            .is_none(),
        "{other}"
    );
}

/// A value of 1 MiB in one span's attributes, which the OpenTelemetry SDK does not limit: the
/// request carrying it, and the other span of the export with it, used to be refused (413) and
/// lost. The value is cut instead and both spans arrive.
#[tokio::test]
async fn a_huge_attribute_value_is_cut_and_does_not_lose_its_batch() {
    let emu = body_limited_emulator().start().await.expect("emulator");
    let client = client(&emu);
    let exporter = MutagentSpanExporter::new(&client).expect("exporter");
    let mut huge = finished_span(1);
    huge.attributes
        .push(KeyValue::new("document", "d".repeat(1024 * 1024)));
    exporter
        .export(vec![huge, finished_span(2)])
        .await
        .expect("delivered");
    check_the_huge_value_was_cut(&stored_spans(&client).await);

    // An event named after a huge message (`tracing::info!("{body}")` through
    // `tracing-opentelemetry`) is cut the same way (OTLP: the batch format cuts names itself).
    let otlp = MutagentSpanExporter::builder(&client)
        .protocol(Protocol::Otlp)
        .build()
        .expect("exporter");
    let mut logged = finished_span(4);
    logged.events.events.push(opentelemetry::trace::Event::new(
        "b".repeat(1024 * 1024),
        SystemTime::now(),
        vec![],
        0,
    ));
    // And a span name (`otel.name = %text`).
    let mut named = finished_span(5);
    named.name = "n".repeat(1024 * 1024).into();
    otlp.export(vec![logged, named]).await.expect("delivered");
    assert_eq!(emu.count(Collection::Spans), 4);

    // No limit: the request is too large for the server, and the export says so.
    let unlimited = MutagentSpanExporter::builder(&client)
        .max_value_bytes(usize::MAX)
        .build()
        .expect("exporter");
    let mut huge = finished_span(3);
    huge.attributes
        .push(KeyValue::new("document", "d".repeat(1024 * 1024)));
    let error = unlimited.export(vec![huge]).await.expect_err("refused");
    assert!(error.to_string().contains("413"), "{error}");
}

/// The same through the SDK's provider and a `BlockingClient`, in a program without a runtime.
#[test]
fn a_huge_attribute_value_is_cut_through_the_blocking_client() {
    let emu = body_limited_emulator().start_blocking().expect("emulator");
    let blocking = blocking_client(&emu);
    let provider = SdkTracerProvider::builder()
        .with_span_processor(
            MutagentSpanExporter::new(&blocking)
                .expect("exporter")
                .into_batch_processor(64),
        )
        .build();
    let tracer = provider.tracer("test");
    {
        use opentelemetry::trace::{Span as _, Tracer as _};
        let mut read = tracer.start("read");
        read.set_attribute(KeyValue::new("document", "d".repeat(1024 * 1024)));
        read.end();
        tracer.start("answer").end();
    }
    provider.shutdown().expect("delivered");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    check_the_huge_value_was_cut(&runtime.block_on(stored_spans(&client(&emu))));
}
