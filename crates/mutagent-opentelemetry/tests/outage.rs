//! What an OpenTelemetry app gets while the server is down: the inner exporter keeps the spans
//! and sends them again on its own, so an export answers once its spans are kept (not through
//! the back-off), the SDK's `force_flush` and `shutdown` get this exporter's answer within the
//! SDK's 5 s wait (never its bare `Timeout(5s)`), what is kept reaches the server once it is
//! back, and what the shutdown gives up is its error and counted. Through both clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

#[path = "support/spans.rs"]
mod spans;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mutagent_core::{BlockingClient, Client, RetryPolicy};
use mutagent_emulator::{Emulator, Fault};
use mutagent_opentelemetry::{InnerExporter, MutagentSpanExporter};
use mutagent_trace_exporter::IntoExportClient;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

const KEY: &str = "mt_test_key";
const BATCH_ROUTE: &str = "/api/traces/batch";
/// How long the SDK's batch processor waits for `force_flush`, and by default for `shutdown`.
const SDK_WAIT: Duration = Duration::from_secs(5);

fn emulator() -> Emulator {
    Emulator::builder()
        .api_key(KEY)
        .start_blocking()
        .expect("emulator")
}

/// A policy whose retries take milliseconds, so an attempt's failure is seen at once.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .jitter(false)
}

fn async_client(emu: &Emulator, retries: RetryPolicy) -> Client {
    Client::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .retry_policy(retries)
        .build()
        .expect("client")
}

fn blocking_client(emu: &Emulator, retries: RetryPolicy) -> BlockingClient {
    BlockingClient::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .retry_policy(retries)
        .build()
        .expect("blocking client")
}

/// Runs an export future as the SDK's processor thread does: on a bare executor, no runtime
/// of the app's.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("executor")
        .block_on(future)
}

/// A finished span named `name` (its own trace).
fn span(n: u64, name: &'static str) -> SpanData {
    spans::finished_span(0xdead_0000_u128 + u128::from(n), n, name, Vec::new())
}

/// Requests to the batch route so far.
fn attempts(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.is("POST", BATCH_ROUTE))
        .count()
}

/// The names of the spans the server stored, one per delivery (requests answered without an
/// injected fault), sorted: a span delivered twice shows twice (the emulator's own store
/// replaces a span sent again under the same id, so its count would not tell).
fn delivered(emu: &Emulator) -> Vec<String> {
    let mut names: Vec<String> = emu
        .requests()
        .iter()
        .filter(|r| r.is("POST", BATCH_ROUTE) && r.fault.is_none())
        .flat_map(|r| {
            let body = r.body_json().expect("json");
            body["traces"]
                .as_array()
                .expect("traces")
                .iter()
                .flat_map(|trace| trace["spans"].as_array().cloned().unwrap_or_default())
                .map(|span| span["name"].as_str().expect("name").to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    names
}

/// Waits (up to 10 s) until `count` spans were delivered, then answers what was.
fn wait_for_deliveries(emu: &Emulator, count: usize) -> Vec<String> {
    let begun = Instant::now();
    while delivered(emu).len() < count && begun.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    delivered(emu)
}

/// An export while every batch fails with a 500: it answers once its one attempt failed and
/// its spans are kept, long before its 10 s and without waiting for the next attempt; a second
/// export answers at once; once the server is back the kept spans arrive, each once, with no
/// export asking.
fn an_export_answers_once_its_spans_are_kept(emu: &Emulator, client: impl IntoExportClient) {
    emu.inject(Fault::status(500).on_route("POST", BATCH_ROUTE))
        .expect("a valid fault");
    let exporter = MutagentSpanExporter::builder(client)
        .export_timeout(Duration::from_secs(10))
        .build()
        .expect("exporter");
    let inner = exporter.inner().cloned().expect("running");

    let begun = Instant::now();
    let error =
        block_on(exporter.export(vec![span(1, "a1"), span(2, "a2")])).expect_err("not delivered");
    let took = begun.elapsed();
    let text = error.to_string();
    assert!(
        text.contains(
            "2 span(s) not delivered (failed 0, still queued 2, dropped 0; 2 kept through an \
             outage, sent again after a back-off)"
        ) && text.contains("500"),
        "{text}"
    );
    assert!(took < SDK_WAIT, "took {took:?}");
    // One attempt (a request and its two retries), no redelivery waited for.
    assert_eq!(attempts(emu), 3, "answered after its one attempt");
    let stats = inner.stats();
    assert_eq!(
        (
            stats.sent,
            stats.failed,
            stats.retained,
            stats.batches_deferred
        ),
        (0, 0, 2, 1),
        "{stats:?}"
    );

    // During the outage: queued behind the kept spans, answered without waiting.
    let error = block_on(exporter.export(vec![span(3, "b1")])).expect_err("not delivered");
    assert!(
        error
            .to_string()
            .contains("3 span(s) not delivered (failed 0, still queued 3"),
        "{error}"
    );

    // The server is back: the inner exporter sends them again on its own, once each.
    emu.clear_faults();
    assert_eq!(wait_for_deliveries(emu, 3), ["a1", "a2", "b1"]);
    let stats = inner.stats();
    assert_eq!(
        (stats.sent, stats.failed, stats.retained),
        (3, 0, 0),
        "{stats:?}"
    );
    exporter.shutdown().expect("nothing left to give up");
    assert_eq!(delivered(emu), ["a1", "a2", "b1"], "nothing sent twice");
}

#[test]
fn an_export_during_an_outage_answers_once_its_spans_are_kept() {
    let emu = emulator();
    an_export_answers_once_its_spans_are_kept(&emu, async_client(&emu, quick_retries()));
}

#[test]
fn an_export_during_an_outage_answers_once_its_spans_are_kept_through_the_blocking_client() {
    let emu = emulator();
    an_export_answers_once_its_spans_are_kept(&emu, blocking_client(&emu, quick_retries()));
}

/// Through the SDK's batch processor: spans of two `force_flush`es during an outage are kept
/// (each flush an error saying so), reach the server once it is back while the app runs, and a
/// span after that is delivered by the provider's shutdown; every span stored once.
fn kept_spans_reach_the_server_once_it_is_back(emu: &Emulator, client: impl IntoExportClient) {
    emu.inject(Fault::status(500).on_route("POST", BATCH_ROUTE))
        .expect("a valid fault");
    let exporter = MutagentSpanExporter::builder(client)
        .exporter_settings(|settings| {
            settings.redelivery_backoff(Duration::from_millis(50), Duration::from_millis(200))
        })
        .build()
        .expect("exporter");
    let inner = exporter.inner().cloned().expect("running");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(exporter.into_batch_processor(64))
        .build();
    let tracer = provider.tracer("outage");
    for name in ["a1", "a2", "a3"] {
        tracer.start(name).end();
    }
    let flushed = provider.force_flush().expect_err("not delivered");
    assert!(
        flushed.to_string().contains("kept through an outage"),
        "{flushed}"
    );
    for name in ["b1", "b2"] {
        tracer.start(name).end();
    }
    let flushed = provider.force_flush().expect_err("not delivered");
    assert!(
        flushed.to_string().contains("kept through an outage"),
        "{flushed}"
    );
    assert_eq!(inner.stats().sent, 0);

    emu.clear_faults();
    assert_eq!(
        wait_for_deliveries(emu, 5),
        ["a1", "a2", "a3", "b1", "b2"],
        "delivered while the app runs"
    );
    tracer.start("c1").end();
    provider.shutdown().expect("shut down");
    assert_eq!(delivered(emu), ["a1", "a2", "a3", "b1", "b2", "c1"]);
    let stats = inner.stats();
    assert_eq!(
        (stats.sent, stats.failed, stats.dropped, stats.retained),
        (6, 0, 0, 0),
        "{stats:?}"
    );
    assert!(stats.batches_deferred >= 1, "{stats:?}");
}

#[test]
fn kept_spans_reach_the_server_once_it_is_back_through_the_batch_processor() {
    let emu = emulator();
    kept_spans_reach_the_server_once_it_is_back(&emu, async_client(&emu, quick_retries()));
}

#[test]
fn kept_spans_reach_the_server_once_it_is_back_through_the_blocking_client() {
    let emu = emulator();
    kept_spans_reach_the_server_once_it_is_back(&emu, blocking_client(&emu, quick_retries()));
}

/// A span exporter in front of a `MutagentSpanExporter` that writes down the answers (their
/// `Debug` form) of the `shutdown` the SDK's processor makes, and drops: the provider's
/// `shutdown` does not return it.
#[derive(Debug)]
struct ShutdownLog {
    exporter: MutagentSpanExporter,
    answers: Arc<Mutex<Vec<String>>>,
}

impl SpanExporter for ShutdownLog {
    fn export(
        &self,
        batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        self.exporter.export(batch)
    }

    fn shutdown(&self) -> OTelSdkResult {
        let answer = self.exporter.shutdown();
        self.answers.lock().unwrap().push(format!("{answer:?}"));
        answer
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        let answer = self.exporter.shutdown_with_timeout(timeout);
        self.answers.lock().unwrap().push(format!("{answer:?}"));
        answer
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.exporter.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.exporter.set_resource(resource);
    }
}

/// A provider over the SDK's default batch processor and `exporter`, and the log of its
/// exporter shutdowns.
fn logged_provider(exporter: MutagentSpanExporter) -> (SdkTracerProvider, Arc<Mutex<Vec<String>>>) {
    let answers = Arc::default();
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(ShutdownLog {
            exporter,
            answers: Arc::clone(&answers),
        })
        .build();
    (provider, answers)
}

/// Every setting the default (the client's retry policy too: an attempt takes some 2 s of
/// retries), every batch answered 500: `force_flush` answers this exporter's error within the
/// SDK's 5 s, and so does the provider's `shutdown` (`Ok`: the SDK drops the answers), the
/// exporter's shutdown answering that the spans were given up, counted `failed`.
fn an_outage_is_answered_within_the_sdks_wait(emu: &Emulator, client: impl IntoExportClient) {
    emu.inject(Fault::status(500).on_route("POST", BATCH_ROUTE))
        .expect("a valid fault");
    let exporter = MutagentSpanExporter::new(client).expect("exporter");
    let inner: InnerExporter = exporter.inner().cloned().expect("running");
    let (provider, shutdowns) = logged_provider(exporter);
    let tracer = provider.tracer("outage");
    tracer.start("first").end();
    let begun = Instant::now();
    let flushed = provider.force_flush();
    let took = begun.elapsed();
    let text = format!("{flushed:?}");
    assert!(
        text.contains("1 span(s) not delivered")
            && text.contains("kept through an outage")
            && text.contains("500"),
        "{text}"
    );
    assert!(took < SDK_WAIT, "force_flush took {took:?}");

    tracer.start("second").end();
    let begun = Instant::now();
    let shut = provider.shutdown();
    let took = begun.elapsed();
    assert!(shut.is_ok(), "{shut:?} after {took:?}");
    assert!(took < SDK_WAIT, "shutdown took {took:?}");
    let shutdowns = shutdowns.lock().unwrap().clone();
    assert_eq!(shutdowns.len(), 1, "{shutdowns:?}");
    let answer = &shutdowns[0];
    assert!(
        answer.starts_with("Err(InternalFailure(")
            && answer.contains("2 span(s) not delivered")
            && answer.contains("given up at shutdown"),
        "{answer}"
    );
    let stats = inner.stats();
    assert_eq!(
        (stats.sent, stats.failed, stats.retained),
        (0, 2, 0),
        "{stats:?}"
    );
    assert!(inner.is_shut_down());
}

#[test]
fn during_an_outage_force_flush_and_shutdown_answer_within_the_sdks_wait() {
    let emu = emulator();
    an_outage_is_answered_within_the_sdks_wait(&emu, async_client(&emu, RetryPolicy::new()));
}

#[test]
fn during_an_outage_force_flush_and_shutdown_answer_within_the_sdks_wait_blocking_client() {
    let emu = emulator();
    an_outage_is_answered_within_the_sdks_wait(&emu, blocking_client(&emu, RetryPolicy::new()));
}

/// A server that takes requests and never answers, every setting the default: `force_flush`
/// gets this exporter's `Timeout` of its 4 s export timeout, not the SDK's 5 s one, and the
/// provider's `shutdown` (its last export, then the exporter's shutdown, within one 5 s wait)
/// answers in time: the exporter's shutdown waits only what is left of the SDK's wait.
fn a_hanging_server_is_answered_within_the_sdks_wait(
    emu: &Emulator,
    client: impl IntoExportClient,
) {
    emu.inject(Fault::latency(Duration::from_secs(60)).on_route("POST", BATCH_ROUTE))
        .expect("a valid fault");
    let exporter = MutagentSpanExporter::new(client).expect("exporter");
    let inner = exporter.inner().cloned().expect("running");
    let (provider, shutdowns) = logged_provider(exporter);
    let tracer = provider.tracer("hang");
    tracer.start("first").end();
    // The provider wraps each processor's error in its own.
    let flushed = format!("{:?}", provider.force_flush());
    assert_eq!(
        flushed,
        r#"Err(InternalFailure("errs: [Err(Timeout(4s))]"))"#
    );
    tracer.start("second").end();
    let begun = Instant::now();
    let shut = provider.shutdown();
    let took = begun.elapsed();
    assert!(shut.is_ok(), "{shut:?} after {took:?}");
    let shutdowns = shutdowns.lock().unwrap().clone();
    let answer = format!("{shutdowns:?}");
    assert!(
        answer.contains("not delivered") && answer.contains("given up at shutdown"),
        "{answer}"
    );
    assert!(inner.is_shut_down());
    assert_eq!(inner.stats().sent, 0);
}

#[test]
fn a_hanging_server_is_answered_within_the_sdks_wait_through_the_async_client() {
    let emu = emulator();
    a_hanging_server_is_answered_within_the_sdks_wait(&emu, async_client(&emu, RetryPolicy::new()));
}

#[test]
fn a_hanging_server_is_answered_within_the_sdks_wait_through_the_blocking_client() {
    let emu = emulator();
    a_hanging_server_is_answered_within_the_sdks_wait(
        &emu,
        blocking_client(&emu, RetryPolicy::new()),
    );
}

/// Every setting the default, every batch answered 503 with `Retry-After: 99999` (the client's
/// retries wait their 30 s cap, so the first attempt outlasts the SDK's wait): `force_flush`
/// gets this exporter's `Timeout` of its 4 s export timeout, the provider's `shutdown` answers
/// within the SDK's 5 s, and every span recorded is counted (failed at shutdown, none sent).
fn a_server_asking_for_a_day_is_answered_within_the_sdks_wait(
    emu: &Emulator,
    client: impl IntoExportClient,
) {
    emu.inject(
        Fault::status(503)
            .retry_after(Duration::from_secs(99_999))
            .on_route("POST", BATCH_ROUTE),
    )
    .expect("a valid fault");
    let exporter = MutagentSpanExporter::new(client).expect("exporter");
    let inner = exporter.inner().cloned().expect("running");
    let (provider, shutdowns) = logged_provider(exporter);
    let tracer = provider.tracer("day");
    tracer.start("first").end();
    let begun = Instant::now();
    let flushed = format!("{:?}", provider.force_flush());
    let took = begun.elapsed();
    assert!(took < SDK_WAIT, "force_flush took {took:?}: {flushed}");
    assert!(!flushed.contains("5s"), "{flushed}");
    tracer.start("second").end();
    let begun = Instant::now();
    let shut = provider.shutdown();
    let took = begun.elapsed();
    assert!(shut.is_ok(), "{shut:?} after {took:?}");
    assert!(took < SDK_WAIT, "shutdown took {took:?}");
    let answer = format!("{:?}", shutdowns.lock().unwrap());
    assert!(answer.contains("given up at shutdown"), "{answer}");
    let stats = inner.stats();
    assert_eq!(
        (stats.recorded, stats.sent, stats.failed, stats.dropped),
        (2, 0, 2, 0),
        "{stats:?}"
    );
    assert_eq!(
        (stats.queued, stats.held, stats.retained),
        (0, 0, 0),
        "{stats:?}"
    );
}

#[test]
fn a_server_asking_for_a_day_is_answered_within_the_sdks_wait_through_the_async_client() {
    let emu = emulator();
    a_server_asking_for_a_day_is_answered_within_the_sdks_wait(
        &emu,
        async_client(&emu, RetryPolicy::new()),
    );
}

#[test]
fn a_server_asking_for_a_day_is_answered_within_the_sdks_wait_through_the_blocking_client() {
    let emu = emulator();
    a_server_asking_for_a_day_is_answered_within_the_sdks_wait(
        &emu,
        blocking_client(&emu, RetryPolicy::new()),
    );
}

/// An export larger than the inner queue (chunked a queue's worth at a time) whose first
/// chunk outlasts the export timeout (the server slow, 1.5 s): the chunks not yet handed over
/// are queued behind it (or dropped by the full queue), so every span the SDK gave is counted in
/// the inner exporter's stats, and those queued go out once the server answers.
fn a_slow_export_larger_than_the_queue_counts_every_span(
    emu: &Emulator,
    client: impl IntoExportClient,
) {
    emu.inject(
        Fault::latency(Duration::from_millis(1500))
            .on_route("POST", BATCH_ROUTE)
            .times(1),
    )
    .expect("a valid fault");
    let exporter = MutagentSpanExporter::builder(client)
        .export_timeout(Duration::from_millis(500))
        .exporter_settings(|settings| settings.max_queue_size(2).batch_size(2))
        .build()
        .expect("exporter");
    let inner = exporter.inner().cloned().expect("running");
    let batch = ["c1", "c2", "c3", "c4", "c5", "c6"];
    let spans = (1..).zip(batch).map(|(n, name)| span(n, name)).collect();
    let begun = Instant::now();
    let answer = block_on(exporter.export(spans));
    assert!(answer.is_err(), "{answer:?}");
    assert!(
        begun.elapsed() < Duration::from_secs(1),
        "{:?}",
        begun.elapsed()
    );
    let stats = inner.stats();
    assert_eq!(
        stats.recorded, 6,
        "every span handed over is counted: {stats:?}"
    );
    let begun = Instant::now();
    while inner.stats().sent + inner.stats().dropped < 6 && begun.elapsed() < SDK_WAIT {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stats = inner.stats();
    assert_eq!(
        (
            stats.sent + stats.dropped,
            stats.failed,
            stats.queued,
            stats.held
        ),
        (6, 0, 0, 0),
        "each span sent or counted dropped: {stats:?}"
    );
    // The slow answer was a fault (latency), so `delivered` leaves its two spans out.
    let delivered = delivered(emu);
    assert_eq!(
        delivered.len() as u64 + 2,
        stats.sent,
        "none twice: {delivered:?}"
    );
    exporter.shutdown().expect("nothing left to give up");
}

#[test]
fn a_slow_export_larger_than_the_queue_counts_every_span_through_the_async_client() {
    let emu = emulator();
    a_slow_export_larger_than_the_queue_counts_every_span(
        &emu,
        async_client(&emu, quick_retries()),
    );
}

#[test]
fn a_slow_export_larger_than_the_queue_counts_every_span_through_the_blocking_client() {
    let emu = emulator();
    a_slow_export_larger_than_the_queue_counts_every_span(
        &emu,
        blocking_client(&emu, quick_retries()),
    );
}
