//! Benchmarks of the exporter (not tests: nothing here asserts a time).
//!
//! * the cost of recording one span on the caller's thread: `Exporter::record` of a built span,
//!   and (with the `layer` feature) a whole marked `tracing` span through `MutagentLayer`;
//! * spans per second delivered to an in-process emulator.
//!
//! Run: `cargo bench -p mutagent-trace-exporter --all-features --bench exporter`. Hand-rolled: warm-up
//! rounds, then the median (and min/max) of timed rounds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark may panic

use std::time::{Duration, Instant, SystemTime};

use mutagent_core::Client;
use mutagent_emulator::{Collection, Emulator};
use mutagent_test_support::bench::report;
use mutagent_trace_exporter::{Exporter, SpanData, SpanKind};

const WARMUP: usize = 3;
const ROUNDS: usize = 15;
const PER_ROUND: usize = 10_000;
/// Spans per trace (a root and its children): the emulator merges spans into a trace by a linear
/// search, so one huge trace would measure the emulator instead of the exporter.
const TRACE_LEN: usize = 20;

fn exporter(emu: &Emulator, batch_size: usize) -> Exporter {
    let client = Client::builder()
        .api_key("mt_bench")
        .server_url(emu.url())
        .build()
        .unwrap_or_else(|err| panic!("client: {err}"));
    Exporter::builder(&client)
        .batch_size(batch_size)
        .max_queue_size(1 << 20)
        .build()
        .unwrap_or_else(|err| panic!("exporter: {err}"))
}

/// Runs `round` for the warm-up and the timed rounds; for each timed one, the nanoseconds per
/// span of the time it returns (each round handles `PER_ROUND` spans).
fn ns_per_span(mut round: impl FnMut() -> Duration) -> Vec<f64> {
    (0..WARMUP + ROUNDS)
        .map(|_| round())
        .skip(WARMUP)
        .map(|elapsed| elapsed.as_nanos() as f64 / PER_ROUND as f64)
        .collect()
}

/// Nanoseconds per `record` of a span built beforehand (the queue push alone).
fn record_prebuilt(emu: &Emulator) {
    let exporter = exporter(emu, 10);
    let t = SystemTime::now();
    let samples = ns_per_span(|| {
        let spans: Vec<SpanData> = (0..PER_ROUND / TRACE_LEN)
            .flat_map(|_| {
                let root = SpanData::root("root", SpanKind::Chain, t, t);
                let last = root.clone();
                let children = (1..TRACE_LEN).map(move |_| {
                    SpanData::child_of(&root, "chat", SpanKind::LlmChat, t, t).model("gpt-4o")
                });
                children.chain(std::iter::once(last))
            })
            .collect();
        let start = Instant::now();
        for span in spans {
            std::hint::black_box(exporter.record(span));
        }
        let elapsed = start.elapsed();
        exporter.flush(Duration::from_secs(60));
        elapsed
    });
    report("record(): one prebuilt span into the queue", "ns", samples);
    let stats = exporter.stats();
    assert_eq!(stats.dropped, 0, "the benchmark must not drop: {stats:?}");
    exporter.shutdown(Duration::from_secs(60));
}

/// Nanoseconds per span built and recorded on the caller's thread (ids, times, model).
fn build_and_record(emu: &Emulator) {
    let exporter = exporter(emu, 10);
    let mut root = SpanData::root(
        "root",
        SpanKind::Chain,
        SystemTime::now(),
        SystemTime::now(),
    );
    let samples = ns_per_span(|| {
        let start = Instant::now();
        for i in 0..PER_ROUND {
            if i % TRACE_LEN == 0 {
                root = SpanData::root(
                    "root",
                    SpanKind::Chain,
                    SystemTime::now(),
                    SystemTime::now(),
                );
            }
            let t = SystemTime::now();
            let span = SpanData::child_of(&root, "chat", SpanKind::LlmChat, t, SystemTime::now())
                .model("gpt-4o")
                .tokens(12, 30);
            std::hint::black_box(exporter.record(span));
        }
        let elapsed = start.elapsed();
        exporter.flush(Duration::from_secs(60));
        elapsed
    });
    report(
        "SpanData built (ids, 2 clock reads, model, tokens) + record()",
        "ns",
        samples,
    );
    exporter.shutdown(Duration::from_secs(60));
}

/// `PER_ROUND` marked `tracing` spans (traces of a root and `TRACE_LEN - 1` chat children, each
/// chat recording its output tokens); the time they took.
#[cfg(feature = "layer")]
fn marked_spans() -> Duration {
    let start = Instant::now();
    for _ in 0..PER_ROUND / TRACE_LEN {
        let root = tracing::info_span!("root", mutagent.kind = "chain");
        let _entered = root.enter();
        for _ in 1..TRACE_LEN {
            let span = tracing::info_span!(
                "chat",
                mutagent.kind = "llm.chat",
                gen_ai.request.model = "gpt-4o",
                gen_ai.usage.output_tokens = tracing::field::Empty,
            );
            span.record("gen_ai.usage.output_tokens", 30);
            drop(span);
        }
    }
    start.elapsed()
}

/// Nanoseconds per marked `tracing` span (created, two fields recorded, closed) through the layer.
#[cfg(feature = "layer")]
fn through_the_layer(emu: &Emulator) {
    use mutagent_trace_exporter::MutagentLayer;
    use tracing_subscriber::layer::SubscriberExt;
    let layered = |exporter: &Exporter| {
        tracing_subscriber::registry().with(MutagentLayer::new(exporter.clone()))
    };
    let exporter = exporter(emu, 10);
    let samples = tracing::subscriber::with_default(layered(&exporter), || {
        ns_per_span(|| {
            let elapsed = marked_spans();
            exporter.flush(Duration::from_secs(60));
            elapsed
        })
    });
    report(
        "marked tracing span via MutagentLayer (create, record, close)",
        "ns",
        samples,
    );

    // The same with a stopped exporter (every span dropped at the queue): the caller-side cost
    // alone, without the sender thread competing for the cores.
    let stopped = self::exporter(emu, 10);
    stopped.shutdown(Duration::from_secs(5));
    let samples =
        tracing::subscriber::with_default(layered(&stopped), || ns_per_span(marked_spans));
    report(
        "  same, sender stopped (caller-side cost alone)",
        "ns",
        samples,
    );
    let samples = tracing::subscriber::with_default(layered(&exporter), || {
        ns_per_span(|| {
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                drop(tracing::info_span!("plain", user = 7));
            }
            start.elapsed()
        })
    });
    report(
        "unmarked tracing span (registry + layer skip)",
        "ns",
        samples,
    );
    exporter.shutdown(Duration::from_secs(60));
}

/// Flushes per round of [`flush_async_idle`].
const FLUSHES: usize = 1_000;

/// Microseconds per `flush_async` with nothing waiting, awaited one after the other on a
/// current-thread runtime. Mostly the round trip to the sender thread (two cross-thread
/// wake-ups, which on a VM with idle CPUs cost tens of microseconds each); the caller's timer
/// is a small part of it: about 0.1 µs to set and cancel an alarm of the exporter's timer
/// thread, where it used to be a thread started per call (about 24 µs).
fn flush_async_idle(emu: &Emulator) {
    let exporter = exporter(emu, 10);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|err| panic!("runtime: {err}"));
    let samples = (0..WARMUP + ROUNDS)
        .map(|_| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..FLUSHES {
                    let report = exporter.flush_async(Duration::from_secs(60)).await;
                    assert!(report.is_complete(), "{report:?}");
                }
                start.elapsed()
            })
        })
        .skip(WARMUP)
        .map(|elapsed| elapsed.as_secs_f64() * 1e6 / FLUSHES as f64)
        .collect();
    report(
        &format!("flush_async with nothing waiting ({FLUSHES} in a row)"),
        "us/flush",
        samples,
    );
}

/// Spans per second from the first `record` until `shutdown` confirmed delivery.
/// A fresh emulator per round: its store grows with every span and it merges spans into traces
/// by linear search, so a long-lived one would measure itself.
fn delivered_per_second(batch_size: usize, total: usize) {
    let mut samples = Vec::new();
    for round in 0..2 + 5 {
        let emu = Emulator::builder()
            .api_key("mt_bench")
            .start_blocking()
            .unwrap_or_else(|err| panic!("emulator: {err}"));
        let exporter = exporter(&emu, batch_size);
        let t = SystemTime::now();
        let mut root = SpanData::root("root", SpanKind::Chain, t, t);
        let start = Instant::now();
        for i in 0..total {
            if i % TRACE_LEN == 0 {
                root = SpanData::root("root", SpanKind::Chain, t, t);
                exporter.record(root.clone());
            } else {
                exporter.record(
                    SpanData::child_of(&root, "chat", SpanKind::LlmChat, t, t)
                        .model("gpt-4o")
                        .tokens(12, 30),
                );
            }
        }
        let report = exporter.shutdown(Duration::from_secs(120));
        let elapsed = start.elapsed();
        assert!(report.is_complete(), "{report:?}");
        assert_eq!(emu.count(Collection::Spans), total);
        if round >= 2 {
            samples.push(total as f64 / elapsed.as_secs_f64());
        }
    }
    report(
        &format!("delivered to the emulator, batch_size {batch_size} ({total} spans)"),
        "spans/s",
        samples,
    );
}

fn main() {
    let emu = Emulator::builder()
        .api_key("mt_bench")
        .start_blocking()
        .unwrap_or_else(|err| panic!("emulator: {err}"));
    println!(
        "mutagent-trace-exporter exporter benchmarks ({WARMUP} warm-up + {ROUNDS} rounds of {PER_ROUND})"
    );
    record_prebuilt(&emu);
    build_and_record(&emu);
    #[cfg(feature = "layer")]
    through_the_layer(&emu);
    flush_async_idle(&emu);
    drop(emu);
    delivered_per_second(10, 5_000);
    delivered_per_second(100, 5_000);
}
