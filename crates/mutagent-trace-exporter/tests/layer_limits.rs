//! The `tracing` layer is bounded in bytes, not only in spans (#18 point 5): a long-lived span
//! keeps a bounded number of events and attributes, values are cut to a bounded size, and what
//! was left out is counted on the span and on the layer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic
#![cfg(feature = "layer")]

use std::time::Duration;

use mutagent_trace_exporter::layer::SpanLimits;
use mutagent_trace_exporter::MutagentLayer;
use mutagent_traces::ListTraces;
use serde_json::Value;
use tracing::field::Empty;
use tracing_subscriber::layer::SubscriberExt;

mod common;
use common::{client, emulator, exporter_on_demand, runtime, the_one_trace};

/// Runs `work` under a layer with `limits`, exports, and returns the one exported span and
/// the layer's drop counts.
fn export_one(
    limits: Option<SpanLimits>,
    work: impl FnOnce(),
) -> (Value, mutagent_trace_exporter::layer::Dropped) {
    runtime().block_on(async {
        let emu = emulator().await;
        let client = client(&emu.url());
        let exporter = exporter_on_demand(&client);
        let mut layer = MutagentLayer::new(exporter.clone());
        if let Some(limits) = limits {
            layer = layer.with_limits(limits);
        }
        let subscriber = tracing_subscriber::registry().with(layer.clone());
        tracing::subscriber::with_default(subscriber, work);
        let report = exporter.shutdown_async(Duration::from_secs(30)).await;
        assert!(report.is_complete(), "{report:?}");
        let trace = the_one_trace(&client, &ListTraces::new()).await;
        let spans = trace.spans.expect("spans");
        assert_eq!(spans.len(), 1);
        (spans[0].clone(), layer.dropped())
    })
}

#[test]
fn a_long_lived_span_keeps_a_bounded_number_of_events() {
    let (span, dropped) = export_one(None, || {
        let span = tracing::info_span!(
            "server",
            mutagent.kind = "agent",
            gen_ai.usage.output_tokens = Empty
        );
        let _entered = span.enter();
        for index in 0..1000 {
            tracing::info!(index, "request handled");
        }
        // Past the limit, events still update the span's known fields.
        tracing::info!(gen_ai.usage.output_tokens = 30, "done");
        tracing::error!("failed at the end");
    });
    let events = span["events"].as_array().expect("events");
    assert_eq!(events.len(), 128);
    assert_eq!(events[127]["attributes"]["index"], 127);
    assert_eq!(span["attributes"]["mutagent.dropped_events"], 874);
    assert_eq!(span["tokens"]["output"], 30.0);
    assert_eq!(span["status"], "error");
    assert_eq!(dropped.events, 874);
}

#[test]
fn long_values_are_cut_and_extra_attributes_dropped_and_counted() {
    let limits = SpanLimits::new().max_attributes(2).max_value_bytes(64);
    let huge = "é".repeat(100_000);
    let (span, dropped) = export_one(Some(limits), || {
        let span = tracing::info_span!(
            "chat",
            mutagent.kind = "llm.chat",
            a = huge.as_str(),
            b = 1,
            c = 2,
            mutagent.output = Empty,
        );
        span.record("mutagent.output", huge.as_str());
        let _entered = span.enter();
        tracing::info!(x = huge.as_str(), y = 1, z = 2, "{}", huge);
    });
    let a = span["attributes"]["a"].as_str().expect("a");
    assert!(a.len() <= 64 + "…".len(), "{}", a.len());
    assert!(a.ends_with('…') && a.starts_with("éé"));
    assert_eq!(span["attributes"]["b"], 1);
    assert!(span["attributes"].get("c").is_none());
    let event = &span["events"][0];
    assert!(event["name"].as_str().expect("name").len() <= 64 + "…".len());
    assert!(event["attributes"]["x"].as_str().expect("x").len() <= 64 + "…".len());
    assert!(event["attributes"].get("z").is_none());
    // Output is kept whole.
    assert_eq!(span["output"].as_str().map(str::len), Some(huge.len()));
    assert_eq!(span["attributes"]["mutagent.dropped_attributes"], 2);
    assert_eq!(span["attributes"]["mutagent.truncated_values"], 3);
    assert_eq!(dropped.attributes, 2);
    assert_eq!(dropped.truncated_values, 3);
    assert_eq!(dropped.events, 0);
    // What was not left out is not reported.
    assert!(span["attributes"].get("mutagent.dropped_events").is_none());
}

/// The server down (a closed port) and the queue full: the layer never blocks the app, and
/// each of its spans is counted: kept or queued (within the queue and one batch), the rest
/// dropped; the shutdown gives up what is held, so `recorded = failed + dropped`.
#[test]
fn a_full_queue_during_an_outage_drops_and_counts_the_layers_spans() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let client = client(&format!("http://127.0.0.1:{port}"));
    let exporter = mutagent_trace_exporter::Exporter::builder(&client)
        .max_queue_size(4)
        .batch_size(2)
        .max_batch_size(2)
        .retry_policy(mutagent_core::RetryPolicy::new().max_retries(0))
        .redelivery_backoff(Duration::from_secs(10), Duration::from_secs(10))
        .build()
        .expect("exporter");
    let layer = MutagentLayer::new(exporter.clone());
    let subscriber = tracing_subscriber::registry().with(layer);
    let begun = std::time::Instant::now();
    tracing::subscriber::with_default(subscriber, || {
        for index in 0..50 {
            let span = tracing::info_span!("call", mutagent.kind = "llm", index);
            let _entered = span.enter();
            if index == 0 {
                // Let the first batch fail and be kept before the others arrive.
                drop(_entered);
                drop(span);
                let report = exporter.flush_attempt(Duration::from_secs(5));
                assert_eq!(report.unsent, 1, "kept: {report:?}");
            }
        }
    });
    assert!(
        begun.elapsed() < Duration::from_secs(5),
        "{:?}",
        begun.elapsed()
    );
    let stats = exporter.stats();
    assert_eq!(stats.recorded, 50, "{stats:?}");
    assert_eq!(stats.retained, 1, "{stats:?}");
    assert!(stats.queued <= 4 && stats.held <= 2, "{stats:?}");
    assert_eq!(
        stats.recorded,
        stats.sent + stats.failed + stats.dropped + stats.queued as u64 + stats.held as u64,
        "{stats:?}"
    );
    let report = exporter.shutdown(Duration::from_secs(2));
    assert!(!report.is_complete(), "{report:?}");
    let stats = exporter.stats();
    assert_eq!(
        (
            stats.sent,
            stats.failed + stats.dropped,
            stats.queued,
            stats.held
        ),
        (0, 50, 0, 0),
        "{stats:?}"
    );
}
