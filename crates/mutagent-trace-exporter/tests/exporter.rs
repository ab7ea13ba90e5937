//! The exporter against the emulator (and against a server that never answers): delivery,
//! grouping, sessions and parents, retries and de-duplication, full queues, flush and shutdown
//! reports, async and blocking. No assertion depends on timing: deadlines are generous and
//! checks count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use mutagent_core::{BlockingClient, RetryPolicy};
use mutagent_emulator::{Collection, Emulator, EmulatorBuilder, Fault};
use mutagent_test_support::{Reply, ScriptedServer};
use mutagent_trace_exporter::{
    Exporter, ExporterBuilder, ExporterStats, Protocol, SpanData, SpanKind,
};
use mutagent_traces::{Trace, TracesExt};
use serde_json::{json, Value};

mod common;
use common::{client, emulator, exporter_on_demand, KEY};
const LONG: Duration = Duration::from_secs(30);
/// A flush interval no test reaches: only the batch size, a flush or a shutdown sends.
const HOUR: Duration = Duration::from_secs(3600);

/// An exporter on a client of `emu`, set up by `configure`.
fn exporter_on(
    emu: &Emulator,
    configure: impl FnOnce(ExporterBuilder) -> ExporterBuilder,
) -> Exporter {
    configure(Exporter::builder(client(&emu.url())))
        .build()
        .expect("exporter")
}

/// An emulator from `builder`, on its own thread, and a blocking client aimed at it.
fn blocking_setup(builder: EmulatorBuilder) -> (Emulator, BlockingClient) {
    let emu = builder.api_key(KEY).start_blocking().expect("emulator");
    let client = BlockingClient::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .build()
        .expect("client");
    (emu, client)
}

/// Records every span; how many the exporter accepted.
fn record_all(exporter: &Exporter, spans: Vec<SpanData>) -> usize {
    spans
        .into_iter()
        .map(|span| exporter.record(span))
        .filter(|&accepted| accepted)
        .count()
}

/// `n` instant tool spans under `root`, named `{prefix}0`, `{prefix}1`, …
fn tools_under(root: &SpanData, prefix: &str, n: usize) -> Vec<SpanData> {
    let t = root.start_time;
    (0..n)
        .map(|i| SpanData::child_of(root, format!("{prefix}{i}"), SpanKind::Tool, t, t))
        .collect()
}

/// Whether the exporter's last error mentions `text`.
fn last_error_mentions(stats: &ExporterStats, text: &str) -> bool {
    stats
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains(text))
}

/// The trace ids of the roots among `spans`, in order.
fn root_trace_ids(spans: &[SpanData]) -> Vec<String> {
    spans
        .iter()
        .filter(|s| s.parent_span_id.is_none())
        .map(|s| s.trace_id.to_string())
        .collect()
}

/// The stored trace `id`, read back through the async client.
async fn stored_trace(client: &mutagent_core::Client, id: impl ToString) -> Trace {
    client
        .traces()
        .get_trace(id.to_string())
        .await
        .expect("trace")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(50))
        .jitter(false)
}

/// `traces` traces of `per_trace` spans each: a root chain with a session, children chat calls
/// under it, and every third child a tool under the previous chat. Returns the spans in close
/// order (children first) and, per trace id, the expected parent of each span id.
fn journey(traces: usize, per_trace: usize) -> (Vec<SpanData>, HashMap<String, String>) {
    let mut spans = Vec::new();
    let mut parents = HashMap::new();
    let t = SystemTime::now();
    for n in 0..traces {
        let root = SpanData::root("answer", SpanKind::Chain, t, t + Duration::from_millis(900))
            .session_id(format!("session-{n}"));
        let mut last_chat: Option<SpanData> = None;
        for i in 1..per_trace {
            let parent = match (&last_chat, i % 3) {
                (Some(chat), 0) => chat.clone(),
                _ => root.clone(),
            };
            let kind = if i % 3 == 0 {
                SpanKind::Tool
            } else {
                SpanKind::LlmChat
            };
            let child = SpanData::child_of(
                &parent,
                format!("step-{i}"),
                kind,
                t,
                t + Duration::from_millis(10),
            )
            .model("gpt-4o")
            .tokens(i as u64, 2 * i as u64);
            parents.insert(child.span_id.to_string(), parent.span_id.to_string());
            if i % 3 != 0 {
                last_chat = Some(child.clone());
            }
            spans.push(child);
        }
        spans.push(root);
    }
    (spans, parents)
}

fn check_stored(trace: &Value, parents: &HashMap<String, String>, session: &str) {
    assert_eq!(trace["sessionId"], session, "{trace}");
    assert_eq!(trace["source"], "sdk");
    assert_eq!(trace["name"], "answer");
    let spans = trace["spans"].as_array().expect("spans");
    let roots = spans
        .iter()
        .filter(|s| s.get("parentSpanId").is_none_or(Value::is_null))
        .count();
    assert_eq!(roots, 1, "one root per trace");
    for span in spans {
        let id = span["spanId"].as_str().expect("span id");
        if let Some(parent) = parents.get(id) {
            assert_eq!(
                span["parentSpanId"].as_str(),
                Some(parent.as_str()),
                "{span}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_span_is_stored_with_its_parent_and_session() {
    let emu = emulator().await;
    let client = client(&emu.url());
    let exporter = Exporter::builder(&client).build().expect("exporter");
    let (spans, parents) = journey(4, 9);
    let trace_ids = root_trace_ids(&spans);
    assert_eq!(record_all(&exporter, spans), 36);
    let report = exporter.shutdown_async(LONG).await;
    assert!(report.is_complete(), "{report:?}");
    // Batches of 10 may have left before the shutdown; together everything was delivered.
    assert!(report.delivered <= 36, "{report:?}");
    let stats = exporter.stats();
    assert_eq!(
        (stats.recorded, stats.sent, stats.failed, stats.dropped),
        (36, 36, 0, 0)
    );
    // Under load the sender takes more than `batch_size` per request: at least one request, at
    // most one per 10 spans (plus one if the 5 s tick happened to split a batch).
    assert!((1..=5).contains(&stats.batches_sent), "{stats:?}");
    assert_eq!(emu.count(Collection::Spans), 36);
    assert_eq!(emu.count(Collection::Traces), 4);
    for (n, id) in trace_ids.iter().enumerate() {
        let trace = stored_trace(&client, id).await;
        let json = serde_json::to_value(&trace).expect("json");
        assert_eq!(trace.total_spans, Some(9));
        check_stored(&json, &parents, &format!("session-{n}"));
    }
    // The exporter only sent batch POSTs, with the key.
    let posts: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len() as u64, stats.batches_sent);
    assert!(posts.iter().all(|r| r.is("POST", "/api/traces/batch")));
    assert!(posts.iter().all(|r| r.header("x-api-key") == Some(KEY)));
    assert!(exporter.is_shut_down());
    // After shutdown spans are dropped and counted.
    let t = SystemTime::now();
    assert!(!exporter.record(SpanData::root("late", SpanKind::Custom, t, t)));
    assert_eq!(exporter.stats().dropped, 1);
    assert_eq!(exporter.flush_async(LONG).await.dropped, 1);
}

#[test]
fn works_from_the_blocking_client() {
    let (emu, client) = blocking_setup(Emulator::builder());
    let exporter = Exporter::builder(&client)
        .batch_size(1000)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    let (spans, parents) = journey(2, 5);
    let root_ids = root_trace_ids(&spans);
    assert_eq!(record_all(&exporter, spans), 10);
    // Neither the size nor the interval triggers: only the flush sends.
    let report = exporter.flush(LONG);
    assert_eq!(report.delivered, 10, "{report:?}");
    assert!(report.is_complete());
    assert_eq!(emu.count(Collection::Spans), 10);
    assert_eq!(emu.requests().len(), 1, "one request for both traces");
    for (n, id) in root_ids.iter().enumerate() {
        let trace = client.traces().get_trace(id.as_str()).expect("trace");
        check_stored(
            &serde_json::to_value(&trace).expect("json"),
            &parents,
            &format!("session-{n}"),
        );
    }
    // The exporter keeps working after a flush.
    let t = SystemTime::now();
    assert!(exporter.record(SpanData::root("again", SpanKind::Custom, t, t)));
    let report = exporter.shutdown(LONG);
    assert_eq!((report.delivered, report.undelivered()), (1, 0));
    assert_eq!(emu.count(Collection::Traces), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sizes_are_kept_within_their_bounds() {
    // Nothing is sent: no server is needed.
    let client = client("http://127.0.0.1:9");
    let sizes = |configure: fn(ExporterBuilder) -> ExporterBuilder| {
        let exporter = configure(Exporter::builder(&client))
            .build()
            .expect("exporter");
        assert!(!exporter.is_shut_down());
        (exporter.max_queue_size(), exporter.max_batch_size())
    };
    assert_eq!(sizes(|b| b), (2048, 512), "the defaults");
    assert_eq!(sizes(|b| b.max_queue_size(0).max_batch_size(0)), (1, 1));
    assert_eq!(
        sizes(|b| b.max_queue_size(usize::MAX).max_batch_size(usize::MAX)),
        (1 << 20, 1000)
    );
    assert_eq!(sizes(|b| b.max_queue_size(30).max_batch_size(7)), (30, 7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_delivers_what_was_buffered() {
    let emu = emulator().await;
    let exporter = exporter_on(&emu, |b| b.batch_size(1000).flush_interval(HOUR));
    record_all(&exporter, journey(5, 10).0);
    // Nothing can have been sent: no size, interval or flush trigger was reached.
    assert_eq!(exporter.stats().sent, 0);
    let report = exporter.shutdown_async(LONG).await;
    assert_eq!(report.delivered, 50, "{report:?}");
    assert!(report.is_complete());
    assert_eq!(emu.count(Collection::Spans), 50);
    assert_eq!(emu.count(Collection::Traces), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_last_handle_still_delivers() {
    let emu = emulator().await;
    let exporter = exporter_on(&emu, |b| {
        b.batch_size(1000).flush_interval(HOUR).drop_timeout(LONG)
    });
    record_all(&exporter, journey(1, 7).0);
    drop(exporter);
    wait_until(|| emu.count(Collection::Spans) >= 7).await;
    assert_eq!(emu.count(Collection::Spans), 7);
}

async fn wait_until(what: impl Fn() -> bool) {
    let mut waited = Duration::ZERO;
    while !what() && waited < LONG {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += Duration::from_millis(10);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_size_triggers_a_send() {
    let emu = emulator().await;
    let exporter = exporter_on(&emu, |b| b.batch_size(5).flush_interval(HOUR));
    let t = SystemTime::now();
    let root = SpanData::root("root", SpanKind::Agent, t, t);
    record_all(&exporter, tools_under(&root, "c", 4));
    exporter.record(root.clone());
    // Only the size can trigger this send (the interval is an hour, nobody flushes).
    wait_until(|| exporter.stats().sent == 5).await;
    assert_eq!(exporter.stats().sent, 5);
    assert_eq!(emu.count(Collection::Spans), 5);
    let trace = stored_trace(&client(&emu.url()), &root.trace_id).await;
    assert_eq!(trace.total_spans, Some(5));
    exporter.shutdown_async(LONG).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interval_triggers_a_send() {
    let emu = emulator().await;
    let exporter = exporter_on(&emu, |b| {
        b.batch_size(1000).flush_interval(Duration::from_millis(50))
    });
    let t = SystemTime::now();
    let root = SpanData::root("root", SpanKind::Agent, t, t);
    // A child alone: its trace is created from it, the root comes later and is merged in.
    exporter.record(SpanData::child_of(&root, "early", SpanKind::Tool, t, t));
    wait_until(|| exporter.stats().sent == 1).await;
    assert_eq!(emu.count(Collection::Spans), 1);
    exporter.record(root.clone());
    wait_until(|| exporter.stats().sent == 2).await;
    assert_eq!(emu.count(Collection::Spans), 2);
    assert_eq!(emu.count(Collection::Traces), 1);
    let trace = stored_trace(&client(&emu.url()), &root.trace_id).await;
    assert_eq!(trace.name.as_deref(), Some("root"));
    assert!(trace.end_time.is_some());
    exporter.shutdown_async(LONG).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_batch_is_stored_once() {
    let emu = emulator().await;
    // The first attempt loses its connection before any answer; the second gets a 503; the
    // third succeeds. Same bytes every time. (A 2xx whose answer is cut off is never re-sent:
    // see `a_batch_whose_success_answer_breaks_off_is_not_sent_again`.)
    emu.inject(
        Fault::reset()
            .on_route("POST", "/api/traces/batch")
            .times(1),
    )
    .expect("a valid fault");
    emu.inject(
        Fault::status(503)
            .on_route("POST", "/api/traces/batch")
            .times(1),
    )
    .expect("a valid fault");
    let exporter = exporter_on(&emu, |b| b.retry_policy(fast_retries()));
    record_all(&exporter, journey(1, 6).0);
    let report = exporter.flush_async(LONG).await;
    assert!(report.is_complete(), "{report:?}");
    let requests = emu.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(
        requests.windows(2).all(|w| w[0].body == w[1].body),
        "retries are byte-identical"
    );
    assert_eq!(emu.count(Collection::Spans), 6);
    assert_eq!(emu.count(Collection::Traces), 1);
    let stats = exporter.stats();
    assert_eq!((stats.sent, stats.failed, stats.batches_failed), (6, 0, 0));
    exporter.shutdown_async(LONG).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_keeps_failing_is_kept_reported_unsent_and_delivered_at_shutdown() {
    let emu = emulator().await;
    emu.inject(Fault::status(500).on_route("POST", "/api/traces/batch"))
        .expect("a valid fault");
    // The next attempt after the failed one is half an hour away at least.
    let exporter = exporter_on(&emu, |b| {
        b.flush_interval(HOUR)
            .retry_policy(fast_retries().max_retries(2))
            .redelivery_backoff(HOUR, HOUR)
    });
    record_all(&exporter, journey(2, 4).0);
    let report = exporter.flush_async(LONG).await;
    // Answered once the attempt failed, not at its deadline: nothing more could happen before.
    assert_eq!(
        (
            report.delivered,
            report.failed,
            report.unsent,
            report.timed_out
        ),
        (0, 0, 8, false),
        "{report:?}"
    );
    assert!(!report.is_complete());
    let stats = exporter.stats();
    assert_eq!((stats.sent, stats.failed, stats.retained), (0, 0, 8));
    assert_eq!((stats.batches_deferred, stats.batches_failed), (1, 0));
    assert!(last_error_mentions(&stats, "500"), "{stats:?}");
    assert_eq!(emu.requests().len(), 3, "one attempt and two retries");
    assert_eq!(emu.count(Collection::Spans), 0);
    // Once the server recovers, the shutdown's last attempt (made at once, not after the
    // back-off) delivers the kept spans with the new one.
    emu.clear_faults();
    let t = SystemTime::now();
    exporter.record(SpanData::root("ok", SpanKind::Custom, t, t));
    let report = exporter.shutdown_async(LONG).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.delivered, 9);
    assert_eq!(emu.count(Collection::Spans), 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_success_answer_breaks_off_is_not_sent_again() {
    let emu = emulator().await;
    // The emulator stores the batch, then cuts its answer short: the server accepted it.
    emu.inject(
        Fault::truncate()
            .on_route("POST", "/api/traces/batch")
            .times(1),
    )
    .expect("a valid fault");
    let exporter = exporter_on(&emu, |b| {
        b.flush_interval(HOUR).retry_policy(fast_retries())
    });
    record_all(&exporter, journey(1, 3).0);
    let report = exporter.flush_async(LONG).await;
    assert_eq!((report.delivered, report.failed), (3, 0), "{report:?}");
    assert_eq!(emu.requests().len(), 1, "never re-sent after a 2xx");
    assert_eq!(emu.count(Collection::Spans), 3);
    let stats = exporter.stats();
    assert!(
        last_error_mentions(&stats, "accepted the request"),
        "{stats:?}"
    );
    exporter.shutdown_async(LONG).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_0_4_1_hook_protocol_delivers_to_a_0_4_1_server() {
    let emu = Emulator::builder()
        .api_key(KEY)
        .traces_contract(mutagent_emulator::TracesContract::V0_4_1)
        .start()
        .await
        .expect("emulator");
    let client = client(&emu.url());
    let exporter = Exporter::builder(&client)
        .protocol(Protocol::HookV0_4)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    let (spans, parents) = journey(2, 4);
    record_all(&exporter, spans);
    let report = exporter.flush_async(LONG).await;
    assert_eq!((report.delivered, report.failed), (8, 0), "{report:?}");
    assert_eq!(emu.count(Collection::Traces), 2);
    assert_eq!(emu.count(Collection::Spans), 8);
    // Read back through the 0.4.1 API: parents kept, tokens and model carried in metadata.
    let page = client
        .traces_v0_4()
        .list_traces(&mutagent_traces::v0_4::ListTraces::new())
        .await
        .expect("list");
    assert_eq!(page.data.len(), 2);
    let trace_id = &page.data[0].trace_id;
    assert_eq!(page.data[0].span_count, 4);
    assert_eq!(page.data[0].service_name.as_deref(), Some("sdk"));
    let spans = client
        .traces_v0_4()
        .list_trace_spans(trace_id)
        .await
        .expect("spans")
        .data;
    for span in &spans {
        assert_eq!(span.parent_span_id.as_ref(), parents.get(&span.span_id));
    }
    let chat = spans
        .iter()
        .find(|span| span.attributes["mutagent.kind"] == "llm.chat")
        .expect("a chat span");
    assert_eq!(chat.attributes["model"], "gpt-4o");
    assert!(chat.attributes["tokens"]["input"].is_u64(), "{chat:?}");
    assert_eq!(chat.status_code, 1);
    exporter.shutdown_async(LONG).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otlp_protocol_delivers_through_the_otlp_route() {
    let emu = emulator().await;
    let client = client(&emu.url());
    let exporter = Exporter::builder(&client)
        .protocol(Protocol::Otlp)
        .service_name("checkout")
        .build()
        .expect("exporter");
    let t = SystemTime::now();
    let root = SpanData::root("agent", SpanKind::Agent, t, t + Duration::from_millis(40))
        .session_id("otlp-session");
    let chat = SpanData::child_of(
        &root,
        "chat",
        SpanKind::LlmChat,
        t,
        t + Duration::from_millis(30),
    )
    .model("gpt-4o")
    .provider("openai")
    .tokens(12, 30);
    let tool = SpanData::child_of(&root, "lookup", SpanKind::Tool, t, t).error("not found");
    for span in [chat.clone(), tool.clone(), root.clone()] {
        exporter.record(span);
    }
    let report = exporter.shutdown_async(LONG).await;
    assert!(report.is_complete(), "{report:?}");
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.is("POST", "/api/traces/otlp")));
    let trace = stored_trace(&client, &root.trace_id).await;
    assert_eq!(trace.session_id.as_deref(), Some("otlp-session"));
    assert_eq!(trace.name.as_deref(), Some("agent"));
    let spans = trace.spans.expect("spans");
    let by_id = |id: String| {
        spans
            .iter()
            .find(|s| s["spanId"] == id.as_str())
            .cloned()
            .expect("span")
    };
    let stored_chat = by_id(chat.span_id.to_string());
    assert_eq!(stored_chat["kind"], "llm.chat");
    assert_eq!(stored_chat["model"], "gpt-4o");
    assert_eq!(stored_chat["provider"], "openai");
    assert_eq!(stored_chat["tokens"]["output"], 30.0);
    assert_eq!(
        stored_chat["parentSpanId"],
        root.span_id.to_string().as_str()
    );
    let stored_tool = by_id(tool.span_id.to_string());
    assert_eq!(stored_tool["kind"], "tool");
    assert_eq!(stored_tool["status"], "error");
    assert_eq!(stored_tool["error"], "not found");
}

/// A server that accepts connections and never answers.
async fn stalled_server() -> (
    String,
    tokio::task::JoinHandle<()>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(socket);
        }
    });
    (url, task, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_server_never_slows_recording_and_the_queue_stays_bounded() {
    let (url, server, accepted) = stalled_server().await;
    let exporter = Exporter::builder(client(&url))
        .batch_size(10)
        .max_batch_size(10)
        .max_queue_size(100)
        .request_timeout(Duration::from_secs(600))
        .build()
        .expect("exporter");
    let t = SystemTime::now();
    let root = SpanData::root("root", SpanKind::Chain, t, t);
    // Wait until the sender is stuck on its first batch.
    record_all(&exporter, tools_under(&root, "first-", 10));
    wait_until(|| accepted.load(std::sync::atomic::Ordering::SeqCst) != 0).await;
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the sender is connected and waiting"
    );

    // 10,000 record calls complete while the sender is stuck; the queue never passes its bound.
    let mut accepted_spans = 0u64;
    let mut largest_queue = 0;
    for i in 0..10_000 {
        if exporter.record(SpanData::child_of(&root, "burst", SpanKind::Tool, t, t)) {
            accepted_spans += 1;
        }
        if i % 50 == 0 {
            let stats = exporter.stats();
            largest_queue = largest_queue.max(stats.queued);
            assert!(stats.queued <= 100 && stats.held <= 10, "{stats:?}");
        }
    }
    let stats = exporter.stats();
    assert_eq!(stats.recorded, 10_010);
    assert_eq!(stats.sent, 0);
    assert!(
        accepted_spans <= 100,
        "at most the queue bound was accepted: {accepted_spans}"
    );
    assert!(stats.dropped >= 10_000 - 100, "{stats:?}");
    assert_eq!(stats.queued, 100);
    assert_eq!(largest_queue, 100);

    // A flush cannot finish: it says so, and what is still waiting.
    let report = exporter.flush_async(Duration::from_millis(300)).await;
    assert!(report.timed_out, "{report:?}");
    assert_eq!(report.delivered, 0);
    assert_eq!(report.unsent, 110, "100 queued and 10 in flight");
    assert_eq!(report.dropped, stats.dropped);

    // Shutdown gives up at its deadline and accounts for every span.
    let report = exporter.shutdown_async(Duration::from_millis(300)).await;
    assert!(report.timed_out, "{report:?}");
    assert_eq!(report.delivered, 0);
    assert_eq!(report.failed + report.unsent, 110, "{report:?}");
    let stats = exporter.stats();
    assert_eq!(
        stats.recorded,
        stats.sent + stats.failed + stats.dropped,
        "{stats:?}"
    );
    assert_eq!((stats.queued, stats.held), (0, 0));
    assert!(exporter.is_shut_down());
    server.abort();
}

#[test]
fn blocking_flush_and_shutdown_against_a_stalled_emulator() {
    let (emu, client) = blocking_setup(
        Emulator::builder().fault(Fault::latency(HOUR).on_route("POST", "/api/traces/batch")),
    );
    let exporter = Exporter::builder(&client)
        .max_queue_size(20)
        .build()
        .expect("exporter");
    let t = SystemTime::now();
    let recorded = (0..1_000)
        .filter(|_| exporter.record(SpanData::root("r", SpanKind::Custom, t, t)))
        .count();
    assert!(recorded <= 20 + 512, "{recorded}");
    let report = exporter.shutdown(Duration::from_millis(500));
    assert!(report.timed_out);
    assert_eq!(report.delivered, 0);
    let stats = exporter.stats();
    assert_eq!(stats.recorded, 1_000);
    assert_eq!(
        stats.recorded,
        stats.sent + stats.failed + stats.dropped,
        "{stats:?}"
    );
    assert_eq!(report.dropped, stats.dropped);
    // The emulator's handle is dropped here with a request still waiting in its latency fault;
    // its server thread must not keep the test alive.
    std::mem::forget(emu);
}

/// A current-thread runtime (`#[tokio::test]`'s default) whose client already made a call: the
/// connection that call opened is pooled, and its task runs on this runtime. One root span
/// recorded on an exporter of that client; the emulator runs on a thread of its own.
async fn after_a_call_on_this_runtime() -> (Emulator, Exporter) {
    let emu = emulator().await;
    let client = client(&emu.url());
    client
        .traces()
        .list_traces(&mutagent_traces::ListTraces::default())
        .await
        .expect("an earlier call");
    let exporter = exporter_on_demand(&client);
    let t = SystemTime::now();
    assert!(exporter.record(SpanData::root("r", SpanKind::Agent, t, t)));
    (emu, exporter)
}

/// The blocking `shutdown` holds the runtime's only thread: the sender must not need a
/// connection that only this runtime drives (it once reused the earlier call's pooled
/// connection and stalled until the deadline, the span counted failed).
#[tokio::test]
async fn blocking_shutdown_on_a_current_thread_runtime_after_a_call_delivers() {
    let (emu, exporter) = after_a_call_on_this_runtime().await;
    let report = exporter.shutdown(Duration::from_secs(10));
    assert_eq!(report.delivered, 1, "{report:?}");
    assert!(report.is_complete() && !report.timed_out, "{report:?}");
    assert_eq!(emu.count(Collection::Spans), 1);
}

/// The same for the blocking `flush`; the application's own client works on afterwards.
#[tokio::test]
async fn blocking_flush_on_a_current_thread_runtime_after_a_call_delivers() {
    let (emu, exporter) = after_a_call_on_this_runtime().await;
    let report = exporter.flush(Duration::from_secs(10));
    assert_eq!(report.delivered, 1, "{report:?}");
    assert!(report.is_complete() && !report.timed_out, "{report:?}");
    assert_eq!(emu.count(Collection::Spans), 1);
    client(&emu.url())
        .traces()
        .list_traces(&mutagent_traces::ListTraces::default())
        .await
        .expect("a later call");
    assert_eq!(exporter.shutdown(LONG).delivered, 0);
}

/// The answer every scripted server of these tests gives a 0.1.2 batch.
fn ok_answer() -> Reply {
    Reply::json(200, json!({"success": true, "count": 1, "traceIds": []}))
}

fn instant_span() -> SpanData {
    let t = SystemTime::now();
    SpanData::root("s", SpanKind::Custom, t, t)
}

/// docs/reliability.md §6 (hostile review): a 0.4.1 server echoing the key in its `note` gets
/// it nowhere: the note reaches `last_error` (and `Debug`, the WARN event, an OpenTelemetry
/// error) through `Client::printable`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hook_note_echoing_the_key_never_reaches_stats_or_debug() {
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        json!({"accepted": 0, "rejected": 1, "note": format!("bad key {KEY}\u{1b}[2J")}),
    )]);
    let exporter = Exporter::builder(client(&server.url()))
        .protocol(Protocol::HookV0_4)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    exporter.record(instant_span());
    let report = exporter.flush_async(LONG).await;
    assert_eq!(report.failed, 1, "{report:?}");
    let stats = exporter.stats();
    let shown = format!("{stats:?} {exporter:?} {:?}", stats.last_error);
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
    let error = stats.last_error.unwrap_or_default();
    assert!(error.contains("bad key [redacted]"), "{error}");
    assert!(!error.contains('\u{1b}'), "{error:?}");
    exporter.shutdown_async(LONG).await;
}

/// A source outside the contract's list would have the batch route refuse every batch
/// (hostile review): it is sent as `sdk` and kept in `metadata.source`, as an unknown
/// environment is kept in `metadata.environment`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_outside_the_contract_does_not_lose_every_batch() {
    let emu = emulator().await;
    let exporter = exporter_on(&emu, |b| b.source("my-service").flush_interval(HOUR));
    exporter.record(instant_span());
    let report = exporter.flush_async(LONG).await;
    let stats = exporter.stats();
    exporter.shutdown_async(LONG).await;
    assert_eq!(report.delivered, 1, "{report:?} {stats:?}");
    let body = emu
        .requests()
        .iter()
        .find(|r| r.is("POST", "/api/traces/batch"))
        .map(|r| r.body_json().expect("json"))
        .expect("a batch");
    let trace = &body["traces"][0];
    assert_eq!(trace["source"], "sdk", "{trace}");
    assert_eq!(trace["metadata"]["source"], "my-service", "{trace}");
}

/// `ExporterStats::queued` (hostile review): `recorded = sent + failed + dropped + queued +
/// held` holds while a shutdown waits on a slow server with spans still queued.
#[test]
fn queued_spans_are_still_counted_while_a_shutdown_is_in_progress() {
    let server = ScriptedServer::start(vec![ok_answer().delay(Duration::from_secs(3))]);
    let exporter = Exporter::builder(client(&server.url()))
        .batch_size(5)
        .max_batch_size(5)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    for _ in 0..10 {
        exporter.record(instant_span());
    }
    // The first batch of 5 is out (the server answers in 3 s), 5 wait in the queue.
    let begun = std::time::Instant::now();
    while exporter.stats().held != 5 && begun.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let before = exporter.stats();
    assert_eq!((before.held, before.queued), (5, 5), "{before:?}");
    let closer = exporter.clone();
    let shutdown = std::thread::spawn(move || closer.shutdown(Duration::from_secs(20)));
    std::thread::sleep(Duration::from_millis(300));
    let during = exporter.stats();
    let report = shutdown.join().expect("shutdown");
    assert_eq!(report.delivered, 10, "{report:?}");
    assert_eq!(during.queued, 5, "{during:?}");
    assert_eq!(
        during.recorded,
        during.sent + during.failed + during.dropped + during.queued as u64 + during.held as u64,
        "{during:?}"
    );
    assert_eq!(
        exporter.stats().queued,
        0,
        "a finished sender leaves nothing queued"
    );
}

/// "`batch_size` | send as soon as this many spans are waiting" (hostile review): 5 spans the
/// sender already holds and 5 in the queue are a batch, sent without waiting for the tick (an
/// hour here).
#[test]
fn a_full_batch_split_between_buffer_and_queue_is_sent_without_waiting_for_the_tick() {
    let server =
        ScriptedServer::start(vec![ok_answer().delay(Duration::from_secs(1)), ok_answer()]);
    let exporter = Exporter::builder(client(&server.url()))
        .batch_size(10)
        .max_batch_size(10)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    let t = SystemTime::now();
    let root = SpanData::root("root", SpanKind::Chain, t, t);
    let child = || SpanData::child_of(&root, "c", SpanKind::Tool, t, t);
    for _ in 0..10 {
        exporter.record(child());
    }
    // The first batch is out for a second; 5 more are recorded meanwhile.
    let begun = std::time::Instant::now();
    while server.requests().is_empty() && begun.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..5 {
        exporter.record(child());
    }
    // Once the first answer is in (the sender then holds those 5), 5 more: 10 are waiting.
    std::thread::sleep(Duration::from_millis(1500));
    for _ in 0..5 {
        exporter.record(child());
    }
    let begun = std::time::Instant::now();
    while server.requests().len() < 2 && begun.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let stats = exporter.stats();
    let requests = server.requests().len();
    exporter.shutdown(LONG);
    assert_eq!(
        requests, 2,
        "10 spans waiting, no second batch sent: {stats:?}"
    );
}

/// The large batch of `a_flush_returns_by_its_deadline_while_a_large_batch_is_built`: spans,
/// and the bytes of each one's input and of its output.
const SPANS: usize = 100;
const SPAN_TEXT: usize = 256 * 1024;

/// `flush(timeout)` returns at its deadline (hostile review): the waiting side has its own
/// clock, so a sender busy building and serialising a large batch (which answers only between
/// batches) cannot hold it. Sized so the build alone outlasts the allowance many times in a
/// debug build.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flush_returns_by_its_deadline_while_a_large_batch_is_built() {
    let server = ScriptedServer::start(vec![ok_answer()]);
    let exporter = Exporter::builder(client(&server.url()))
        .batch_size(500)
        .max_batch_size(500)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    let big = "x".repeat(SPAN_TEXT);
    for _ in 0..SPANS {
        exporter.record(instant_span().input(big.clone()).output(big.clone()));
    }
    let start = std::time::Instant::now();
    let report = exporter.flush_async(Duration::from_millis(50)).await;
    let took = start.elapsed();
    let settled = exporter.shutdown_async(LONG).await;
    let whole = start.elapsed();
    eprintln!("flush {took:?}, batch settled after {whole:?}");
    assert!(
        report.timed_out,
        "the batch was still being built: {report:?}"
    );
    assert_eq!(report.unsent, SPANS as u64, "{report:?}");
    assert!(
        took < Duration::from_millis(500),
        "a 50 ms flush took {took:?}: {report:?}"
    );
    assert_eq!(settled.delivered, SPANS as u64, "{settled:?}");
}

/// "A full batch is sent at once", with threads recording at the same moment: `record` once
/// woke the sender only when the queue length it read after its own push was exactly the one
/// that completes a batch (or a multiple of `batch_size`), and two records pushing before
/// either read it both saw one past it: the batch waited for the tick (an hour here). Many
/// bursts of records released together (on the old code a burst that ends past such a count
/// with both pushes seen by both records leaves a batch waiting); after each, less than a batch
/// may wait within seconds, and only the batch size can have sent the rest.
#[test]
fn full_batches_recorded_from_many_threads_at_once_are_sent_without_waiting_for_the_tick() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;
    // 2 records a burst into batches of 3: whatever the sender holds, some bursts cross the
    // count that completes a batch with their first push and end one past it.
    const BATCH: usize = 3;
    const THREADS: usize = 2;
    const BURSTS: usize = 1500;
    /// Far more than a batch to the emulator takes, far less than the tick.
    const SETTLE: Duration = Duration::from_secs(10);
    let (emu, client) = blocking_setup(Emulator::builder());
    let exporter = Exporter::builder(&client)
        .batch_size(BATCH)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    let (start, done) = (Barrier::new(THREADS + 1), Barrier::new(THREADS + 1));
    // Past the barrier, each thread spins until every one is running: the records of a burst
    // then push within a few hundred nanoseconds of each other.
    let running = AtomicUsize::new(0);
    // Set when a burst failed: the threads stop at the next start instead of waiting forever.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let t = SystemTime::now();
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                let spans: Vec<SpanData> = (0..BURSTS)
                    .map(|_| SpanData::root("s", SpanKind::Custom, t, t))
                    .collect();
                for (burst, span) in spans.into_iter().enumerate() {
                    start.wait();
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    running.fetch_add(1, Ordering::SeqCst);
                    let mut spins = 0_u32;
                    while running.load(Ordering::SeqCst) < THREADS * (burst + 1) {
                        spins += 1;
                        if spins % 1024 == 0 {
                            // The other thread is not on a core: let it have this one.
                            std::thread::yield_now();
                        }
                        std::hint::spin_loop();
                    }
                    assert!(exporter.record(span));
                    done.wait();
                }
            });
        }
        for burst in 0..BURSTS {
            start.wait();
            done.wait();
            let begun = std::time::Instant::now();
            let mut stats = exporter.stats();
            while stats.queued + stats.held >= BATCH && begun.elapsed() < SETTLE {
                std::thread::sleep(Duration::from_micros(200));
                stats = exporter.stats();
            }
            if stats.queued + stats.held >= BATCH {
                stop.store(true, Ordering::SeqCst);
                start.wait();
                return Err(format!(
                    "burst {burst}: a full batch still waits after {SETTLE:?}: {stats:?}"
                ));
            }
        }
        Ok(())
    })
    .unwrap_or_else(|failure: String| panic!("{failure}"));
    let stats = exporter.stats();
    assert_eq!((stats.dropped, stats.failed), (0, 0), "{stats:?}");
    let report = exporter.shutdown(LONG);
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(emu.count(Collection::Spans), BURSTS * THREADS, "{report:?}");
}

/// A batch larger than the queue (`batch_size(50)`, `max_queue_size(10)`): the queue can never
/// hold what completes the batch, so the sender must be woken when it is full, take its spans
/// and wait for more, not wait for the tick (an hour here) while every further record is
/// dropped. Five fills of the queue, each taken before the next: one batch of 50, at once.
#[test]
fn a_batch_larger_than_the_queue_is_gathered_from_full_queues_without_waiting_for_the_tick() {
    const SETTLE: Duration = Duration::from_secs(10);
    let (emu, client) = blocking_setup(Emulator::builder());
    let exporter = Exporter::builder(&client)
        .batch_size(50)
        .max_queue_size(10)
        .flush_interval(HOUR)
        .build()
        .expect("exporter");
    let t = SystemTime::now();
    for fill in 0..5 {
        for _ in 0..10 {
            assert!(exporter.record(SpanData::root("s", SpanKind::Custom, t, t)));
        }
        let begun = std::time::Instant::now();
        while exporter.stats().queued > 0 && begun.elapsed() < SETTLE {
            std::thread::sleep(Duration::from_millis(1));
        }
        let stats = exporter.stats();
        assert_eq!(
            stats.queued, 0,
            "fill {fill}: the full queue was not taken: {stats:?}"
        );
    }
    let begun = std::time::Instant::now();
    while emu.count(Collection::Spans) < 50 && begun.elapsed() < SETTLE {
        std::thread::sleep(Duration::from_millis(5));
    }
    let stats = exporter.stats();
    assert_eq!(emu.count(Collection::Spans), 50, "{stats:?}");
    assert_eq!((stats.dropped, stats.failed), (0, 0), "{stats:?}");
    assert!(exporter.shutdown(LONG).is_complete());
}
