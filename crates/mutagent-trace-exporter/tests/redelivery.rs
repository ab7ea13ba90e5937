//! A batch that fails for a reason that may pass (server down, 5xx) after the retry policy's
//! retries is kept and sent again after a back-off, over a real loopback connection: an outage
//! longer than the retries loses nothing, a server that stays down costs only what the queue
//! cannot hold, a refused batch is still given up at once. Through the async calls and the
//! blocking ones. No assertion depends on timing but the shutdown's deadline, which is generous,
//! and `flush_attempt`'s answer being read before a back-off of at least 0.5 s ends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::time::{Duration, Instant, SystemTime};

use mutagent_core::{BlockingClient, RetryPolicy};
use mutagent_emulator::{Collection, Emulator, EmulatorBuilder, Fault, RecordedRequest};
use mutagent_trace_exporter::{Exporter, ExporterBuilder, FlushReport, SpanData, SpanKind};
use serde_json::Value;

mod common;
use common::{client, KEY};

const LONG: Duration = Duration::from_secs(30);
const HOUR: Duration = Duration::from_secs(3600);
const BATCH_ROUTE: (&str, &str) = ("POST", "/api/traces/batch");

/// 3 retries 10 ms apart: 4 requests per attempt at a batch.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(10))
        .jitter(false)
}

/// Batches of 10, sent again 50 to 200 ms after a failed attempt.
fn settings(builder: ExporterBuilder) -> ExporterBuilder {
    builder
        .batch_size(10)
        .max_batch_size(10)
        .retry_policy(fast_retries())
        .redelivery_backoff(Duration::from_millis(50), Duration::from_millis(200))
}

/// One root span (its own trace) per name, in order.
fn roots(names: &[String]) -> Vec<SpanData> {
    let t = SystemTime::now();
    names
        .iter()
        .map(|name| SpanData::root(name.clone(), SpanKind::Custom, t, t))
        .collect()
}

fn names(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("span-{i}")).collect()
}

/// The names of the spans a batch request carried, in order.
fn span_names(request: &RecordedRequest) -> Vec<String> {
    let body: Value = serde_json::from_slice(&request.body).expect("json");
    body["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .flat_map(|trace| trace["spans"].as_array().cloned().expect("spans"))
        .map(|span| span["name"].as_str().expect("name").to_owned())
        .collect()
}

/// A blocking client of `emu` (the async tests use `client(url)`).
fn blocking_client(emu: &Emulator) -> BlockingClient {
    BlockingClient::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .build()
        .expect("client")
}

/// Records a root span for each name, each taken by the exporter.
fn record_all(exporter: &Exporter, names: &[String]) {
    for span in roots(names) {
        assert!(exporter.record(span));
    }
}

/// Polls `what` every 5 ms for up to 30 s (from any thread, runtime or not).
fn poll_until(what: impl Fn() -> bool) -> bool {
    let until = Instant::now() + LONG;
    while !what() {
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

/// The emulator answers the first 8 batch requests with a 503: two attempts of 4 requests
/// (the retry policy's 3 retries each) fail, the third goes through.
fn emulator_failing_twice() -> EmulatorBuilder {
    Emulator::builder().api_key(KEY).fault(
        Fault::status(503)
            .on_route(BATCH_ROUTE.0, BATCH_ROUTE.1)
            .times(8),
    )
}

/// After the outage: every span stored once, in the order recorded, and the counters say so.
fn check_delivered_once_in_order(emu: &Emulator, exporter: &Exporter, recorded: &[String]) {
    let requests: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.is(BATCH_ROUTE.0, BATCH_ROUTE.1))
        .collect();
    assert!(requests.len() > 8, "{} requests", requests.len());
    let stored: Vec<String> = requests[8..].iter().flat_map(span_names).collect();
    assert_eq!(stored, recorded, "each once, in order");
    assert_eq!(emu.count(Collection::Spans), recorded.len());
    assert_eq!(emu.count(Collection::Traces), recorded.len());
    let stats = exporter.stats();
    assert_eq!(
        (
            stats.sent,
            stats.failed,
            stats.dropped,
            stats.retained,
            stats.held
        ),
        (recorded.len() as u64, 0, 0, 0, 0),
        "{stats:?}"
    );
    assert_eq!(
        (
            stats.batches_deferred,
            stats.batches_failed,
            stats.batches_sent
        ),
        (2, 0, 3),
        "{stats:?}"
    );
    assert!(
        stats
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("kept")),
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_longer_than_the_retries_loses_nothing_async() {
    let emu = emulator_failing_twice().start().await.expect("emulator");
    // Nobody flushes: the batch size sends the first batch, the back-off the kept one, and
    // the backlog follows it.
    let exporter = settings(Exporter::builder(client(&emu.url())).flush_interval(HOUR))
        .build()
        .expect("exporter");
    let recorded = names(25);
    record_all(&exporter, &recorded);
    let sent = exporter.clone();
    // The last 5 are less than a batch: they go with the backlog the kept batch held up.
    let delivered = tokio::task::spawn_blocking(move || poll_until(|| sent.stats().sent >= 25))
        .await
        .expect("poll");
    assert!(delivered, "{:?}", exporter.stats());
    check_delivered_once_in_order(&emu, &exporter, &recorded);
    assert!(exporter.shutdown_async(LONG).await.is_complete());
}

#[test]
fn an_outage_longer_than_the_retries_loses_nothing_blocking() {
    let emu = emulator_failing_twice().start_blocking().expect("emulator");
    let client = blocking_client(&emu);
    let exporter = settings(Exporter::builder(&client).flush_interval(HOUR))
        .build()
        .expect("exporter");
    let recorded = names(25);
    record_all(&exporter, &recorded);
    // The flush has 30 s: it waits through the back-off steps rather than giving up.
    let report = exporter.flush(LONG);
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.delivered, 25);
    check_delivered_once_in_order(&emu, &exporter, &recorded);
    assert!(exporter.shutdown(LONG).is_complete());
}

/// `flush_attempt`'s answer once the first attempt failed (the emulator fails two attempts):
/// the spans kept and reported unsent, one attempt made (4 requests), no redelivery waited for
/// though the flush had 30 s; then the kept spans go out on their own, once each.
fn check_the_attempt_answered_before_redelivery(
    emu: &Emulator,
    exporter: &Exporter,
    report: &FlushReport,
    recorded: &[String],
) {
    assert_eq!(
        (
            report.delivered,
            report.failed,
            report.unsent,
            report.timed_out
        ),
        (0, 0, 5, false),
        "{report:?}"
    );
    let attempts = emu
        .requests()
        .iter()
        .filter(|r| r.is(BATCH_ROUTE.0, BATCH_ROUTE.1))
        .count();
    assert_eq!(attempts, 4, "one attempt, its retries");
    assert_eq!(exporter.stats().retained, 5, "{:?}", exporter.stats());
    assert!(
        poll_until(|| exporter.stats().sent >= 5),
        "{:?}",
        exporter.stats()
    );
    let stats = exporter.stats();
    assert_eq!(
        (
            stats.sent,
            stats.failed,
            stats.retained,
            stats.batches_deferred
        ),
        (5, 0, 0, 2),
        "{stats:?}"
    );
    assert_eq!(emu.count(Collection::Spans), recorded.len());
}

/// Batches kept for 0.5 to 1 s after a failed attempt: long enough that the answer comes
/// before the next attempt.
fn attempt_settings(builder: ExporterBuilder) -> ExporterBuilder {
    settings(builder.flush_interval(HOUR))
        .redelivery_backoff(Duration::from_secs(1), Duration::from_secs(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flush_attempt_answers_once_the_spans_are_kept_async() {
    let emu = emulator_failing_twice().start().await.expect("emulator");
    let exporter = attempt_settings(Exporter::builder(client(&emu.url())))
        .build()
        .expect("exporter");
    let recorded = names(5);
    record_all(&exporter, &recorded);
    let report = exporter.flush_attempt_async(LONG).await;
    let kept = exporter.clone();
    let emu = tokio::task::spawn_blocking(move || {
        check_the_attempt_answered_before_redelivery(&emu, &kept, &report, &recorded);
        emu
    })
    .await
    .expect("checks");
    assert!(exporter.shutdown_async(LONG).await.is_complete());
    drop(emu);
}

#[test]
fn flush_attempt_answers_once_the_spans_are_kept_blocking() {
    let emu = emulator_failing_twice().start_blocking().expect("emulator");
    let client = blocking_client(&emu);
    let exporter = attempt_settings(Exporter::builder(&client))
        .build()
        .expect("exporter");
    let recorded = names(5);
    record_all(&exporter, &recorded);
    let report = exporter.flush_attempt(LONG);
    check_the_attempt_answered_before_redelivery(&emu, &exporter, &report, &recorded);
    assert!(exporter.shutdown(LONG).is_complete());
}

/// A loopback address nothing listens on: every connection is refused.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    url
}

/// Against a server that stays down (every connection refused), with a queue of 20 and
/// batches of 10: the first batch is kept and attempted once per back-off step, 20 more spans
/// wait queued, the other 70 are dropped at `record`. Returns the exporter, still running.
fn keep_while_down(exporter: &Exporter) {
    let t = SystemTime::now();
    let span = || SpanData::root("down", SpanKind::Custom, t, t);
    for _ in 0..10 {
        assert!(exporter.record(span()));
    }
    assert!(
        poll_until(|| exporter.stats().batches_deferred >= 1),
        "{:?}",
        exporter.stats()
    );
    let accepted = (0..90).filter(|_| exporter.record(span())).count();
    assert_eq!(accepted, 20, "the queue's room, no more");
    // Several back-off steps later nothing was given up, and nothing more taken in.
    assert!(poll_until(|| exporter.stats().batches_deferred >= 4));
    let stats = exporter.stats();
    assert_eq!(
        (
            stats.recorded,
            stats.sent,
            stats.failed,
            stats.dropped,
            stats.queued,
            stats.held,
            stats.retained,
            stats.batches_failed,
        ),
        (100, 0, 0, 70, 20, 10, 10, 0),
        "{stats:?}"
    );
    assert!(
        stats
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("10 span(s) kept")),
        "{stats:?}"
    );
}

/// After the shutdown against the server still down: its last attempt failed, it returned
/// well before its deadline, and the report and counters account for every span.
fn check_shut_down(exporter: &Exporter, report: &FlushReport, took: Duration) {
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(
        (
            report.delivered,
            report.failed,
            report.unsent,
            report.dropped,
            report.timed_out
        ),
        (0, 10, 20, 70, false),
        "the kept batch failed its last attempt, the queued ones were not tried: {report:?}"
    );
    assert!(exporter.is_shut_down());
    let stats = exporter.stats();
    assert_eq!(
        (
            stats.sent,
            stats.failed,
            stats.dropped,
            stats.queued,
            stats.held,
            stats.retained
        ),
        (0, 30, 70, 0, 0, 0),
        "{stats:?}"
    );
    assert_eq!(stats.recorded, stats.sent + stats.failed + stats.dropped);
}

fn down_exporter(builder: ExporterBuilder) -> Exporter {
    builder
        .batch_size(10)
        .max_batch_size(10)
        .max_queue_size(20)
        .flush_interval(Duration::from_millis(20))
        .retry_policy(fast_retries().max_retries(1))
        .redelivery_backoff(Duration::from_millis(20), Duration::from_millis(100))
        .build()
        .expect("exporter")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stays_down_costs_only_what_the_queue_cannot_hold_async() {
    let exporter = down_exporter(Exporter::builder(client(&closed_port_url())));
    let running = exporter.clone();
    tokio::task::spawn_blocking(move || keep_while_down(&running))
        .await
        .expect("kept");
    let start = Instant::now();
    let report = exporter.shutdown_async(Duration::from_secs(10)).await;
    check_shut_down(&exporter, &report, start.elapsed());
}

#[test]
fn a_server_that_stays_down_costs_only_what_the_queue_cannot_hold_blocking() {
    let client = BlockingClient::builder()
        .api_key(KEY)
        .server_url(closed_port_url())
        .build()
        .expect("client");
    let exporter = down_exporter(Exporter::builder(&client));
    keep_while_down(&exporter);
    let start = Instant::now();
    let report = exporter.shutdown(Duration::from_secs(10));
    check_shut_down(&exporter, &report, start.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_batch_is_given_up_at_once_not_kept() {
    // The batch or the credentials are wrong: sending it again would fail the same way. 413
    // too: the exporter does not split batches.
    for status in [400, 401, 403, 413, 422] {
        let emu = Emulator::builder()
            .api_key(KEY)
            .fault(
                Fault::status(status)
                    .on_route(BATCH_ROUTE.0, BATCH_ROUTE.1)
                    .times(1),
            )
            .start()
            .await
            .expect("emulator");
        let exporter = settings(Exporter::builder(client(&emu.url())).flush_interval(HOUR))
            .build()
            .expect("exporter");
        for span in roots(&names(3)) {
            exporter.record(span);
        }
        let report = exporter.flush_async(LONG).await;
        assert_eq!(
            (report.delivered, report.failed, report.unsent),
            (0, 3, 0),
            "{status}: {report:?}"
        );
        // Several back-off steps later it was still not sent again.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(emu.requests().len(), 1, "{status}: sent once, not retried");
        let stats = exporter.stats();
        assert_eq!(
            (
                stats.failed,
                stats.batches_failed,
                stats.batches_deferred,
                stats.retained,
                stats.held
            ),
            (3, 1, 0, 0, 0),
            "{status}: {stats:?}"
        );
        // The next batch goes through: the exporter did not stop on the refusal.
        for span in roots(&names(1)) {
            exporter.record(span);
        }
        let report = exporter.shutdown_async(LONG).await;
        assert_eq!(report.delivered, 1, "{status}: {report:?}");
        assert_eq!(emu.count(Collection::Spans), 1, "{status}");
    }
}

#[test]
fn a_refused_batch_is_given_up_at_once_not_kept_blocking() {
    let emu = Emulator::builder()
        .api_key(KEY)
        .fault(
            Fault::status(422)
                .on_route(BATCH_ROUTE.0, BATCH_ROUTE.1)
                .times(1),
        )
        .start_blocking()
        .expect("emulator");
    let client = blocking_client(&emu);
    let exporter = settings(Exporter::builder(&client).flush_interval(HOUR))
        .build()
        .expect("exporter");
    for span in roots(&names(3)) {
        exporter.record(span);
    }
    let report = exporter.flush(LONG);
    assert_eq!(
        (report.delivered, report.failed, report.unsent),
        (0, 3, 0),
        "{report:?}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(emu.requests().len(), 1, "sent once, not retried");
    let stats = exporter.stats();
    assert_eq!(
        (stats.failed, stats.batches_deferred, stats.retained),
        (3, 0, 0),
        "{stats:?}"
    );
    let report = exporter.shutdown(LONG);
    assert!(report.is_complete(), "nothing left to send: {report:?}");
    assert_eq!(
        emu.requests().len(),
        1,
        "the shutdown did not send it either"
    );
}

/// The emulator answers the first 8 batch requests with a 503 asking to come back in 99999 s
/// (28 hours): the per-send retries wait at most their policy's `max_retry_after`, and the
/// kept batch at most the redelivery back-off's cap, so the spans go out once the server is
/// back, each once, in order, the counters adding up.
fn emulator_asking_for_a_day() -> EmulatorBuilder {
    Emulator::builder().api_key(KEY).fault(
        Fault::status(503)
            .retry_after(Duration::from_secs(99_999))
            .on_route(BATCH_ROUTE.0, BATCH_ROUTE.1)
            .times(8),
    )
}

fn day_settings(builder: ExporterBuilder) -> ExporterBuilder {
    settings(builder)
        .retry_policy(fast_retries().max_retry_after(Duration::from_millis(10)))
        .flush_interval(HOUR)
}

fn check_a_day_is_not_waited(emu: &Emulator, exporter: &Exporter, report: &FlushReport) {
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.delivered, 25, "{report:?}");
    let recorded = names(25);
    check_delivered_once_in_order(emu, exporter, &recorded);
    let stats = exporter.stats();
    assert_eq!(
        stats.recorded,
        stats.sent + stats.failed + stats.dropped + stats.queued as u64 + stats.held as u64,
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_of_a_day_is_cut_to_the_backoff_cap_async() {
    let emu = emulator_asking_for_a_day().start().await.expect("emulator");
    let exporter = day_settings(Exporter::builder(client(&emu.url())))
        .build()
        .expect("exporter");
    record_all(&exporter, &names(25));
    let begun = Instant::now();
    let report = exporter.flush_async(Duration::from_secs(8)).await;
    assert!(begun.elapsed() < Duration::from_secs(8), "{report:?}");
    check_a_day_is_not_waited(&emu, &exporter, &report);
    assert!(exporter.shutdown_async(LONG).await.is_complete());
}

#[test]
fn a_retry_after_of_a_day_is_cut_to_the_backoff_cap_blocking() {
    let emu = emulator_asking_for_a_day()
        .start_blocking()
        .expect("emulator");
    let client = blocking_client(&emu);
    let exporter = day_settings(Exporter::builder(&client))
        .build()
        .expect("exporter");
    record_all(&exporter, &names(25));
    let begun = Instant::now();
    let report = exporter.flush(Duration::from_secs(8));
    assert!(begun.elapsed() < Duration::from_secs(8), "{report:?}");
    check_a_day_is_not_waited(&emu, &exporter, &report);
    assert!(exporter.shutdown(LONG).is_complete());
}

/// A server that fails half the batch requests at random (503), no per-send retries: every
/// span is stored once, in the order recorded (the requests the server took, in turn, carry
/// them in order, none twice), and the counters add up.
fn flapping_emulator() -> EmulatorBuilder {
    Emulator::builder().api_key(KEY).fault(
        Fault::status(503)
            .on_route(BATCH_ROUTE.0, BATCH_ROUTE.1)
            .probability(0.5, 7),
    )
}

fn flapping_settings(builder: ExporterBuilder) -> ExporterBuilder {
    settings(builder)
        .retry_policy(RetryPolicy::new().max_retries(0))
        .flush_interval(HOUR)
}

fn check_flapping(emu: &Emulator, exporter: &Exporter, report: &FlushReport, recorded: &[String]) {
    assert!(report.is_complete(), "{report:?}");
    let requests: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.is(BATCH_ROUTE.0, BATCH_ROUTE.1))
        .collect();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    assert!(faulted > 0, "the server never failed");
    let stored: Vec<String> = requests
        .iter()
        .filter(|r| r.fault.is_none())
        .flat_map(span_names)
        .collect();
    assert_eq!(stored, recorded, "each once, in order");
    let stats = exporter.stats();
    assert_eq!(
        (stats.recorded, stats.sent, stats.failed, stats.dropped),
        (recorded.len() as u64, recorded.len() as u64, 0, 0),
        "{stats:?}"
    );
    assert_eq!(
        (stats.queued, stats.held, stats.retained),
        (0, 0, 0),
        "{stats:?}"
    );
    assert_eq!(stats.batches_deferred, faulted as u64, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flapping_server_gets_every_span_once_in_order_async() {
    let emu = flapping_emulator().start().await.expect("emulator");
    let exporter = flapping_settings(Exporter::builder(client(&emu.url())))
        .build()
        .expect("exporter");
    let recorded = names(60);
    record_all(&exporter, &recorded);
    let report = exporter.flush_async(LONG).await;
    check_flapping(&emu, &exporter, &report, &recorded);
    assert!(exporter.shutdown_async(LONG).await.is_complete());
}

#[test]
fn a_flapping_server_gets_every_span_once_in_order_blocking() {
    let emu = flapping_emulator().start_blocking().expect("emulator");
    let client = blocking_client(&emu);
    let exporter = flapping_settings(Exporter::builder(&client))
        .build()
        .expect("exporter");
    let recorded = names(60);
    record_all(&exporter, &recorded);
    let report = exporter.flush(LONG);
    check_flapping(&emu, &exporter, &report, &recorded);
    assert!(exporter.shutdown(LONG).is_complete());
}

/// A server that takes the batch request and never answers: a shutdown of 300 ms returns
/// within its deadline (and the 50 ms the handle allows the sender to answer), the batch on its
/// way given up and counted, `recorded = failed` once it answered.
fn check_a_hanging_send_does_not_hold_the_shutdown(
    exporter: &Exporter,
    report: &FlushReport,
    took: Duration,
) {
    assert!(
        took < Duration::from_millis(600),
        "shutdown took {took:?}: {report:?}"
    );
    assert!(report.timed_out, "{report:?}");
    assert_eq!(report.delivered, 0, "{report:?}");
    let stats = exporter.stats();
    assert_eq!(
        (
            stats.recorded,
            stats.sent,
            stats.failed,
            stats.dropped,
            stats.queued,
            stats.held
        ),
        (10, 0, 10, 0, 0, 0),
        "{stats:?}"
    );
}

fn hanging_emulator() -> EmulatorBuilder {
    Emulator::builder()
        .api_key(KEY)
        .fault(Fault::latency(Duration::from_secs(60)).on_route(BATCH_ROUTE.0, BATCH_ROUTE.1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_send_does_not_hold_the_shutdown_async() {
    let emu = hanging_emulator().start().await.expect("emulator");
    let exporter = settings(Exporter::builder(client(&emu.url())).flush_interval(HOUR))
        .build()
        .expect("exporter");
    record_all(&exporter, &names(10));
    let polled = exporter.clone();
    assert!(
        tokio::task::spawn_blocking(move || poll_until(|| polled.stats().held == 10))
            .await
            .expect("poll")
    );
    let begun = Instant::now();
    let report = exporter.shutdown_async(Duration::from_millis(300)).await;
    check_a_hanging_send_does_not_hold_the_shutdown(&exporter, &report, begun.elapsed());
}

#[test]
fn a_hanging_send_does_not_hold_the_shutdown_blocking() {
    let emu = hanging_emulator().start_blocking().expect("emulator");
    let client = blocking_client(&emu);
    let exporter = settings(Exporter::builder(&client).flush_interval(HOUR))
        .build()
        .expect("exporter");
    record_all(&exporter, &names(10));
    assert!(poll_until(|| exporter.stats().held == 10));
    let begun = Instant::now();
    let report = exporter.shutdown(Duration::from_millis(300));
    check_a_hanging_send_does_not_hold_the_shutdown(&exporter, &report, begun.elapsed());
}
