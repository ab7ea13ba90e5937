//! The timer that bounds `flush_async` / `shutdown_async` by their deadline: one thread per
//! exporter however many flushes wait at once, gone once the exporter is shut down or dropped,
//! and usable from a thread that runs no Tokio runtime at all.
//!
//! The tests count the process's threads (`/proc/self/task`), so they take turns (`SERIAL`) and
//! live in a test binary of their own.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant, SystemTime};

use mutagent_core::{BlockingClient, Client};
use mutagent_emulator::{Emulator, Fault};
use mutagent_trace_exporter::{Exporter, SpanData, SpanKind};

mod common;
use common::{emulator_blocking, runtime, KEY};

/// The name of the exporter's timer thread as Linux keeps it (at most 15 bytes).
const TIMER: &str = "mutagent-timer";

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The names of the process's threads now.
fn threads() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|comm| comm.trim_end().to_string())
        .collect()
}

fn timer_threads() -> usize {
    threads().iter().filter(|name| *name == TIMER).count()
}

/// Waits up to 5 s for `cond`: a new thread names itself once it first runs, and on a busy
/// machine that can be a moment after it was started; a joined one leaves the list a moment
/// after the join.
fn eventually(cond: impl Fn() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    cond()
}

fn span() -> SpanData {
    let now = SystemTime::now();
    SpanData::root("root", SpanKind::Agent, now, now)
}

/// The two clients an exporter is built from.
#[derive(Clone, Copy, Debug)]
enum Via {
    Async,
    Blocking,
}

/// An exporter that sends only when flushed, through the `via` client aimed at `emu`.
fn exporter(emu: &Emulator, via: Via) -> Exporter {
    let builder = match via {
        Via::Async => Exporter::builder(
            Client::builder()
                .api_key(KEY)
                .server_url(emu.url())
                .build()
                .expect("client"),
        ),
        Via::Blocking => Exporter::builder(
            BlockingClient::builder()
                .api_key(KEY)
                .server_url(emu.url())
                .build()
                .expect("client"),
        ),
    };
    builder
        .flush_interval(Duration::from_secs(3600))
        .build()
        .expect("exporter")
}

/// 50 `flush_async` calls waiting at once (the sender is held up in a slow request) share one
/// timer thread; `shutdown_async` ends it.
#[test]
fn concurrent_async_flushes_share_one_timer_thread_that_shutdown_ends() {
    let _turn = serial();
    for via in [Via::Async, Via::Blocking] {
        let emu = emulator_blocking();
        let exporter = exporter(&emu, via);
        // A first delivery, blocking (no timer), so the connection and whatever threads the
        // client starts exist before the count.
        assert!(exporter.record(span()));
        assert!(exporter.flush(Duration::from_secs(30)).is_complete());
        let before = threads().len();
        assert_eq!(timer_threads(), 0, "{via:?}: no async flush yet");
        emu.inject(
            Fault::latency(Duration::from_millis(1500))
                .on_route("POST", "/api/traces/batch")
                .times(1),
        )
        .expect("fault");
        assert!(exporter.record(span()));
        let runtime = runtime();
        let reports = runtime.block_on(async {
            let flushes: Vec<_> = (0..50)
                .map(|_| {
                    let exporter = exporter.clone();
                    tokio::spawn(async move { exporter.flush_async(Duration::from_secs(30)).await })
                })
                .collect();
            // Every flush has asked the sender and set its alarm; the sender is still in the
            // slow request, so none is answered yet.
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert!(
                eventually(|| timer_threads() == 1),
                "{via:?}: one timer thread for 50 waiting flushes: {:?}",
                threads()
            );
            let during = threads();
            assert!(
                during.len() <= before + 1,
                "{via:?}: 50 waiting flushes started {} threads: {during:?}",
                during.len() - before
            );
            let mut reports = Vec::new();
            for flush in flushes {
                reports.push(flush.await.expect("flush task"));
            }
            reports
        });
        assert!(
            reports.iter().all(|r| r.is_complete() && !r.timed_out),
            "{via:?}: {reports:?}"
        );
        assert_eq!(exporter.stats().sent, 2, "{via:?}");
        let shut = runtime.block_on(exporter.shutdown_async(Duration::from_secs(30)));
        assert!(shut.is_complete(), "{via:?}: {shut:?}");
        // Joined by the shutdown; the kernel lists a joined thread for a moment more.
        assert!(
            eventually(|| timer_threads() == 0),
            "{via:?}: the timer thread ended with shutdown_async"
        );
    }
}

/// The timer thread also ends when the last handle is dropped without a shutdown, and after a
/// blocking `shutdown`.
#[test]
fn the_timer_thread_ends_with_the_last_handle_or_a_blocking_shutdown() {
    let _turn = serial();
    let emu = emulator_blocking();
    let runtime = runtime();
    for (via, shut_down) in [
        (Via::Async, false),
        (Via::Blocking, false),
        (Via::Async, true),
        (Via::Blocking, true),
    ] {
        let exporter = exporter(&emu, via);
        let clone = exporter.clone();
        assert!(exporter.record(span()));
        let report = runtime.block_on(clone.flush_async(Duration::from_secs(30)));
        assert_eq!(report.delivered, 1, "{via:?}: {report:?}");
        assert!(
            eventually(|| timer_threads() == 1),
            "{via:?}: started by the async flush"
        );
        // A second flush reuses it (a second thread would stay as long as the exporter).
        runtime.block_on(exporter.flush_async(Duration::from_secs(30)));
        assert!(eventually(|| timer_threads() == 1), "{via:?}: still one");
        if shut_down {
            assert!(exporter.shutdown(Duration::from_secs(30)).is_complete());
            assert!(
                eventually(|| timer_threads() == 0),
                "{via:?}: ended by shutdown"
            );
        } else {
            drop(exporter);
            assert!(
                eventually(|| timer_threads() == 1),
                "{via:?}: a clone still holds it"
            );
            drop(clone);
            assert!(
                eventually(|| timer_threads() == 0),
                "{via:?}: ended with the last handle"
            );
        }
    }
}

/// How many times the timer thread has been switched in after waiting (its voluntary context
/// switches, from `/proc`); `None` when there is no timer thread.
fn timer_wakeups() -> Option<u64> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(Result::ok)
        .find(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|comm| comm.trim_end() == TIMER)
        })
        .and_then(|task| std::fs::read_to_string(task.path().join("status")).ok())
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|n| n.trim().parse().ok())
        })
}

/// Flushes answered well before their deadline leave the timer thread asleep: it is woken only
/// for a deadline earlier than the one it sleeps until, not for every flush.
#[test]
fn flushes_answered_in_time_do_not_wake_the_timer_thread() {
    let _turn = serial();
    let emu = emulator_blocking();
    let runtime = runtime();
    for via in [Via::Async, Via::Blocking] {
        let exporter = exporter(&emu, via);
        runtime.block_on(exporter.flush_async(Duration::from_secs(60)));
        assert!(eventually(|| timer_wakeups().is_some()), "{via:?}");
        let before = timer_wakeups().expect("timer thread");
        for _ in 0..100 {
            assert!(exporter.record(span()));
            let report = runtime.block_on(exporter.flush_async(Duration::from_secs(60)));
            assert_eq!(report.delivered, 1, "{via:?}: {report:?}");
        }
        let woken = timer_wakeups().expect("timer thread") - before;
        assert!(woken < 10, "{via:?}: woken {woken} times for 100 flushes");
        drop(exporter);
        assert!(eventually(|| timer_threads() == 0), "{via:?}");
    }
}

/// Polls `future` to completion on this thread, which runs no Tokio runtime (as the
/// OpenTelemetry SDK's export thread does).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// Outside any runtime the deadline still holds: a flush the sender cannot answer in time (it
/// is in a slow request) returns at its deadline, timed out, and delivers later.
#[test]
fn an_async_flush_outside_tokio_returns_at_its_deadline() {
    let _turn = serial();
    let emu = emulator_blocking();
    emu.inject(
        Fault::latency(Duration::from_secs(2))
            .on_route("POST", "/api/traces/batch")
            .times(1),
    )
    .expect("fault");
    for via in [Via::Async, Via::Blocking] {
        let exporter = exporter(&emu, via);
        assert!(exporter.record(span()));
        let start = Instant::now();
        let report = block_on(exporter.flush_async(Duration::from_millis(300)));
        let took = start.elapsed();
        if matches!(via, Via::Async) {
            // The first exporter met the slow request.
            assert!(report.timed_out && report.unsent == 1, "{report:?}");
            assert!(
                took >= Duration::from_millis(300) && took < Duration::from_millis(1500),
                "{took:?}"
            );
        }
        let shut = block_on(exporter.shutdown_async(Duration::from_secs(30)));
        assert!(shut.is_complete(), "{via:?}: {shut:?}");
        assert!(eventually(|| timer_threads() == 0), "{via:?}");
    }
}
