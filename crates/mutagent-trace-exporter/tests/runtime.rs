//! The exporter from a Tokio runtime built without timers or without I/O: its sender runs on a
//! runtime of its own and its async flush's deadline is kept by the exporter's timer thread,
//! so neither needs the caller's drivers. A panic (tokio's, for a missing driver) fails the
//! test, not the process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, SystemTime};

use mutagent_trace_exporter::{Exporter, SpanData, SpanKind};

mod common;
use common::{client, emulator_blocking};

/// `flush_async` delivers and `shutdown_async` settles on runtimes lacking timers, I/O or
/// both, with the exporter built on that runtime.
#[test]
fn flush_async_and_shutdown_async_need_no_timers_or_io_of_the_caller() {
    let emu = emulator_blocking();
    for (timers, io) in [(false, true), (true, false), (false, false)] {
        let mut builder = tokio::runtime::Builder::new_current_thread();
        if timers {
            builder.enable_time();
        }
        if io {
            builder.enable_io();
        }
        let runtime = builder.build().expect("runtime");
        let reports = catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(async {
                let exporter = Exporter::builder(client(&emu.url()))
                    .flush_interval(Duration::from_secs(3600))
                    .build()
                    .expect("exporter");
                let now = SystemTime::now();
                assert!(exporter.record(SpanData::root("root", SpanKind::Agent, now, now)));
                let flushed = exporter.flush_async(Duration::from_secs(30)).await;
                let shut = exporter.shutdown_async(Duration::from_secs(30)).await;
                (flushed, shut, exporter.is_shut_down())
            })
        }));
        let Ok((flushed, shut, stopped)) = reports else {
            panic!("timers {timers}, io {io}: the exporter panicked");
        };
        assert_eq!(
            flushed.delivered, 1,
            "timers {timers}, io {io}: {flushed:?}"
        );
        assert!(flushed.is_complete() && shut.is_complete(), "{shut:?}");
        assert!(stopped, "timers {timers}, io {io}");
    }
}
