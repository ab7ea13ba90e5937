//! The layer as a global subscriber on a multi-threaded runtime: parents survive `.await`
//! points and moves between worker threads (spawned tasks), concurrent traces stay apart, and
//! the SDK's own spans (`mutagent.call`, emitted while the exporter sends) are never exported.
//! One test per file: the global subscriber is per process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic
#![cfg(feature = "layer")]

use std::collections::HashMap;
use std::time::Duration;

use mutagent_emulator::Collection;
use mutagent_trace_exporter::{Exporter, MutagentLayer};
use mutagent_traces::{ListTraces, TracesExt};
use serde_json::Value;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

mod common;
use common::{client, emulator};
const TRACES: usize = 8;
const STEPS: usize = 5;

async fn step(n: usize) {
    for _ in 0..3 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tracing::info!(step = n, "step done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parents_hold_across_awaits_and_threads() {
    let emu = emulator().await;
    let client = client(&emu.url());
    let exporter = Exporter::builder(&client)
        .flush_interval(Duration::from_millis(20))
        .build()
        .expect("exporter");
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(MutagentLayer::new(exporter.clone())),
    )
    .expect("global subscriber");

    let mut tasks = Vec::new();
    for t in 0..TRACES {
        let root = tracing::info_span!("request", mutagent.kind = "workflow", session.id = t);
        tasks.push(tokio::spawn(
            async move {
                let mut children = Vec::new();
                for s in 0..STEPS {
                    let child = tracing::info_span!("step", mutagent.kind = "node", index = s);
                    // Each child on its own task, possibly another thread.
                    children.push(tokio::spawn(step(s).instrument(child)));
                }
                for child in children {
                    child.await.expect("child task");
                }
            }
            .instrument(root),
        ));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let report = exporter.shutdown_async(Duration::from_secs(30)).await;
    assert!(report.is_complete(), "{report:?}");
    // Some went out on the 20 ms ticks before the shutdown: count them all.
    let stats = exporter.stats();
    assert_eq!(stats.sent as usize, TRACES * (STEPS + 1), "{stats:?}");
    assert_eq!((stats.failed, stats.dropped), (0, 0));
    assert_eq!(emu.count(Collection::Traces), TRACES);
    assert_eq!(emu.count(Collection::Spans), TRACES * (STEPS + 1));

    let page = client
        .traces()
        .list_traces(&ListTraces::new().limit(100))
        .await
        .expect("list");
    let mut sessions = HashMap::new();
    for summary in &page.data {
        let trace = client
            .traces()
            .get_trace(summary.id.clone())
            .await
            .expect("trace");
        let spans = trace.spans.expect("spans");
        assert_eq!(spans.len(), STEPS + 1);
        let root = spans.iter().find(|s| s["name"] == "request").expect("root");
        let root_id = root["spanId"].as_str().expect("id");
        for child in spans.iter().filter(|s| s["name"] == "step") {
            assert_eq!(child["parentSpanId"], root_id, "{child}");
            assert_eq!(child["kind"], "node");
            assert_eq!(child["events"][0]["name"], "step done");
            assert!(child["events"][0]["attributes"]["step"].is_number());
        }
        assert!(spans.iter().all(|s| s["name"] != "mutagent.call"));
        sessions.insert(trace.session_id.expect("session"), trace.id.clone());
    }
    assert_eq!(sessions.len(), TRACES, "one trace per session");
    let _ = Value::Null;
}
