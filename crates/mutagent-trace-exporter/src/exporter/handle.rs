//! [`Exporter`]: the handle the application records spans with, flushes and shuts down.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, Notify};
use tokio::time::Instant;

use super::builder::{ExporterBuilder, IntoExportClient};
use super::control::{deadline_after, Control, FlushOutcome, FlushRequest, Reply};
use super::stats::{Counters, ExporterStats, FlushReport};
use super::timer::FlushTimer;
use crate::span::SpanData;

/// How long a flush caller waits past its deadline for the sender's answer (which has the
/// exact counts) before it answers itself. Short: the deadline is the caller's promise.
const REPLY_GRACE: Duration = Duration::from_millis(50);

/// What every clone of an [`Exporter`] shares: the two channels to the sender, the counters,
/// the settings `record` needs, and the timer of async flushes (its thread ends when the last
/// clone drops this).
pub(super) struct HandleState {
    pub(super) spans: mpsc::Sender<SpanData>,
    pub(super) control: mpsc::UnboundedSender<Control>,
    pub(super) shared: Arc<Counters>,
    pub(super) notify: Arc<Notify>,
    pub(super) max_queue: usize,
    pub(super) max_batch: usize,
    pub(super) timer: FlushTimer,
}

/// A batching span exporter. Cloning is cheap; clones share the queue and the sender thread.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::{Duration, SystemTime};
/// use mutagent_trace_exporter::{Exporter, SpanData, SpanKind};
///
/// let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
/// let exporter = Exporter::builder(&client).build()?;
///
/// let start = SystemTime::now();
/// exporter.record(SpanData::root("chat", SpanKind::LlmChat, start, SystemTime::now()).model("gpt-4o"));
///
/// let report = exporter.shutdown(Duration::from_secs(5));
/// println!("delivered {} spans, {} not delivered", report.delivered, report.undelivered());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Exporter {
    inner: Arc<HandleState>,
}

impl fmt::Debug for Exporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exporter")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Exporter {
    /// The handle over a started sender.
    pub(super) fn from_inner(inner: HandleState) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// A builder sending through `client` (a [`Client`](mutagent_core::Client) or a
    /// [`BlockingClient`](mutagent_core::BlockingClient)).
    pub fn builder(client: impl IntoExportClient) -> ExporterBuilder {
        ExporterBuilder::new(client.into_export_client())
    }

    /// An exporter with the default settings.
    pub fn new(client: impl IntoExportClient) -> std::io::Result<Self> {
        Self::builder(client).build()
    }

    /// Queues a finished span; `false` when it was dropped (queue full, or the exporter shut
    /// down). Never blocks, never waits on the network.
    pub fn record(&self, span: SpanData) -> bool {
        let shared = &self.inner.shared;
        shared.recorded.fetch_add(1, Ordering::Relaxed);
        match self.inner.spans.try_send(span) {
            Ok(()) => {
                // Wake the sender when a batch is ready, counting the spans it already holds;
                // the interval tick covers the rest.
                let waiting = || {
                    self.inner
                        .max_queue
                        .saturating_sub(self.inner.spans.capacity())
                };
                if shared.batch_wake.span_queued(waiting) {
                    self.inner.notify.notify_one();
                }
                true
            }
            Err(_) => {
                shared.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// The counters now (see [`ExporterStats`] for what each counts).
    pub fn stats(&self) -> ExporterStats {
        let shared = &self.inner.shared;
        let last_error = match shared.last_error.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        ExporterStats {
            recorded: shared.recorded.load(Ordering::Relaxed),
            sent: shared.sent.load(Ordering::Relaxed),
            failed: shared.failed.load(Ordering::Relaxed),
            dropped: shared.dropped.load(Ordering::Relaxed),
            queued: self.queued(),
            held: shared.held.load(Ordering::Relaxed),
            retained: shared.retained.load(Ordering::Relaxed),
            batches_sent: shared.batches_sent.load(Ordering::Relaxed),
            batches_failed: shared.batches_failed.load(Ordering::Relaxed),
            batches_deferred: shared.batches_deferred.load(Ordering::Relaxed),
            last_error,
        }
    }

    /// Spans waiting in the queue now.
    pub fn queued(&self) -> usize {
        // Read from the permits in use even once a shutdown has closed the queue: the spans
        // still in it are waiting to be sent, and `recorded = sent + failed + dropped + queued
        // + held` (and `no_answer`) count them. A span taken off, or discarded with the queue,
        // gives its permit back, so a finished sender leaves 0 here.
        self.inner
            .spans
            .max_capacity()
            .saturating_sub(self.inner.spans.capacity())
    }

    /// The queue bound (`max_queue_size` after clamping).
    pub fn max_queue_size(&self) -> usize {
        self.inner.max_queue
    }

    /// The most spans one request carries (`max_batch_size` after clamping).
    pub fn max_batch_size(&self) -> usize {
        self.inner.max_batch
    }

    /// Whether the exporter was shut down (its sender thread has finished).
    pub fn is_shut_down(&self) -> bool {
        self.inner.shared.stopped.load(Ordering::Acquire)
    }

    /// Sends everything waiting now, blocking the calling thread until it is settled or
    /// `timeout` passes. Spans recorded meanwhile are not waited for. From async code prefer
    /// [`flush_async`](Self::flush_async).
    ///
    /// While a batch is kept after failing for a reason that may pass (the server down), a
    /// flush makes no extra attempt: it waits for the next one if that comes before `timeout`,
    /// and otherwise returns at once, the spans reported `unsent` (they stay, and go out once
    /// the server is back).
    pub fn flush(&self, timeout: Duration) -> FlushReport {
        self.call_blocking(timeout, Call::Flush)
    }

    /// [`flush`](Self::flush) that does not wait for redelivery: the spans waiting now get
    /// their attempt (within `timeout`), but once they are kept after a failed attempt (the
    /// server down), or wait behind spans kept so, it returns at once with them `unsent`,
    /// however far away its deadline is. They stay, and the sender thread sends them again on
    /// its own after its back-off. For a caller that must not be held for the length of an
    /// outage, such as an OpenTelemetry exporter on the SDK's export thread, whose `force_flush`
    /// and shutdown wait 5 s at most. From async code prefer
    /// [`flush_attempt_async`](Self::flush_attempt_async).
    pub fn flush_attempt(&self, timeout: Duration) -> FlushReport {
        self.call_blocking(timeout, Call::Attempt)
    }

    /// [`flush_attempt`](Self::flush_attempt) without blocking the thread (on any executor,
    /// as [`flush_async`](Self::flush_async)).
    pub async fn flush_attempt_async(&self, timeout: Duration) -> FlushReport {
        self.call_async(timeout, Call::Attempt).await
    }

    /// [`flush`](Self::flush) without blocking the thread. Works on any executor, also outside
    /// Tokio or on a runtime without the time driver: the deadline is kept by the exporter's
    /// one timer thread (`mutagent-timer`), which the first async flush starts and
    /// [`shutdown`](Self::shutdown) or dropping the last handle ends.
    pub async fn flush_async(&self, timeout: Duration) -> FlushReport {
        self.call_async(timeout, Call::Flush).await
    }

    /// Stops accepting spans, sends everything waiting, and ends the sender thread, within
    /// `timeout`, and (once the sender has finished) the timer thread of async flushes. A batch
    /// kept after failing for a reason that may pass is sent at once, without waiting out its
    /// back-off; a batch that fails for such a reason during the shutdown (the server still
    /// down) was the last attempt: it is given up and the rest is not tried. What could not be
    /// delivered is reported (and counted as failed). Later
    /// [`record`](Self::record) calls drop their span. From async code prefer
    /// [`shutdown_async`](Self::shutdown_async).
    pub fn shutdown(&self, timeout: Duration) -> FlushReport {
        self.call_blocking(timeout, Call::Shutdown)
    }

    /// [`shutdown`](Self::shutdown) without blocking the thread.
    pub async fn shutdown_async(&self, timeout: Duration) -> FlushReport {
        self.call_async(timeout, Call::Shutdown).await
    }

    fn call_blocking(&self, timeout: Duration, call: Call) -> FlushReport {
        let shutdown = call == Call::Shutdown;
        let deadline = deadline_after(timeout);
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        if !self.send_control(deadline, Reply::Blocking(tx), call) {
            self.settled(shutdown);
            return self.report(FlushOutcome::default());
        }
        // Our own clock, not the sender's: the sender answers between batches, and building
        // and serialising a large one can outlast the deadline.
        let wait = deadline
            .saturating_duration_since(std::time::Instant::now())
            .saturating_add(REPLY_GRACE);
        let outcome = rx.recv_timeout(wait).unwrap_or_else(|_| self.no_answer());
        self.settled(shutdown);
        self.report(outcome)
    }

    async fn call_async(&self, timeout: Duration, call: Call) -> FlushReport {
        let shutdown = call == Call::Shutdown;
        let deadline = deadline_after(timeout);
        let (tx, rx) = oneshot::channel();
        if !self.send_control(deadline, Reply::Async(tx), call) {
            self.settled(shutdown);
            return self.report(FlushOutcome::default());
        }
        // Our own clock, not the sender's (it answers between batches, and building and
        // serialising a large one can outlast the deadline). The exporter's timer thread, since
        // this may run outside Tokio (the OpenTelemetry SDK's export thread).
        let alarm = self
            .inner
            .timer
            .set(deadline.checked_add(REPLY_GRACE).unwrap_or(deadline));
        let outcome = match alarm {
            Some(mut alarm) => first_of(rx, &mut alarm.rung).await,
            // No thread to spare, or shut down: the sender's answer, which it sends between
            // batches (a finished sender has dropped the request, which answers at once).
            None => rx.await.ok(),
        };
        let outcome = outcome.unwrap_or_else(|| self.no_answer());
        self.settled(shutdown);
        self.report(outcome)
    }

    /// After a shutdown call: once the sender has finished, the timer thread is not needed any
    /// more (no later flush waits for an answer), so it ends now rather than with the last
    /// handle. A shutdown that timed out with the sender still running keeps it, so later
    /// flushes still return by their deadline.
    fn settled(&self, shutdown: bool) {
        if shutdown && self.is_shut_down() {
            self.inner.timer.stop();
        }
    }

    fn send_control(&self, deadline: std::time::Instant, reply: Reply, call: Call) -> bool {
        let request = FlushRequest {
            deadline: Instant::from_std(deadline),
            reply,
            waits_for_redelivery: call == Call::Flush,
        };
        let control = if call == Call::Shutdown {
            Control::Shutdown(request)
        } else {
            Control::Flush(request)
        };
        self.inner.control.send(control).is_ok()
    }

    /// The sender did not answer by the deadline (it was still building or sending a batch, or
    /// it stopped): report what is still waiting, as far as the counters tell.
    fn no_answer(&self) -> FlushOutcome {
        if self.is_shut_down() {
            return FlushOutcome::default();
        }
        let waiting = self.queued() + self.inner.shared.held.load(Ordering::Relaxed);
        FlushOutcome {
            unsent: waiting as u64,
            timed_out: true,
            ..FlushOutcome::default()
        }
    }

    fn report(&self, outcome: FlushOutcome) -> FlushReport {
        let shared = &self.inner.shared;
        let dropped = shared.dropped.load(Ordering::Relaxed);
        let before = shared.dropped_reported.swap(dropped, Ordering::Relaxed);
        FlushReport {
            delivered: outcome.delivered,
            failed: outcome.failed,
            unsent: outcome.unsent,
            dropped: dropped.saturating_sub(before),
            timed_out: outcome.timed_out,
        }
    }
}

/// Which of the handle's calls asks the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// [`Exporter::flush`]: waits for a redelivery that comes before its deadline.
    Flush,
    /// [`Exporter::flush_attempt`]: never waits out a back-off.
    Attempt,
    /// [`Exporter::shutdown`].
    Shutdown,
}

/// The sender's answer, or `None` when the alarm rang first (or the sender is gone).
async fn first_of(
    mut answer: oneshot::Receiver<FlushOutcome>,
    rung: &mut oneshot::Receiver<()>,
) -> Option<FlushOutcome> {
    std::future::poll_fn(|cx| {
        if let Poll::Ready(outcome) = Pin::new(&mut answer).poll(cx) {
            return Poll::Ready(outcome.ok());
        }
        match Pin::new(&mut *rung).poll(cx) {
            Poll::Ready(_) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::SpanKind;

    /// A handle whose sender thread is played by the test: it holds the other ends.
    fn handle(
        max_queue: usize,
        max_batch: usize,
    ) -> (
        Exporter,
        mpsc::Receiver<SpanData>,
        mpsc::UnboundedReceiver<Control>,
    ) {
        let (spans, span_rx) = mpsc::channel(max_queue);
        let (control, control_rx) = mpsc::unbounded_channel();
        let exporter = Exporter::from_inner(HandleState {
            spans,
            control,
            shared: Arc::default(),
            notify: Arc::new(Notify::new()),
            max_queue,
            max_batch,
            timer: FlushTimer::default(),
        });
        (exporter, span_rx, control_rx)
    }

    fn span() -> SpanData {
        let t = SystemTime::now();
        SpanData::root("s", SpanKind::Custom, t, t)
    }

    /// Whether the sender would be woken now (takes the wake-up).
    async fn woken(exporter: &Exporter) -> bool {
        tokio::select! {
            biased;
            () = exporter.inner.notify.notified() => true,
            () = std::future::ready(()) => false,
        }
    }

    #[tokio::test]
    async fn the_sender_is_woken_once_per_full_batch_not_per_span() {
        let (exporter, _spans, _control) = handle(100, 4);
        let wake = &exporter.inner.shared.batch_wake;
        // The "sender" holds nothing and waits for a batch of 4, then (the queue is not
        // taken off here) for 2 more.
        for (round, threshold) in [(0, 4), (1, 6)] {
            assert!(!wake.arm(threshold, || exporter.queued()));
            while exporter.queued() + 1 < threshold {
                assert!(exporter.record(span()));
                assert!(!woken(&exporter).await, "round {round}");
            }
            assert!(exporter.record(span()));
            assert!(woken(&exporter).await, "round {round}: a batch is waiting");
            assert!(exporter.record(span()));
            assert!(!woken(&exporter).await, "round {round}: once per arming");
        }
    }

    #[tokio::test]
    async fn a_sender_that_stops_answering_leaves_what_waits_reported_unsent() {
        let (exporter, _spans, mut control) = handle(100, 10);
        for _ in 0..2 {
            assert!(exporter.record(span()));
        }
        exporter.inner.shared.held.store(3, Ordering::Relaxed);
        // The "sender" takes the flush and drops it unanswered, as a sender thread that died
        // would: the caller is not left waiting and is told what is still waiting.
        let (report, ()) = tokio::join!(exporter.flush_async(Duration::from_secs(3600)), async {
            drop(control.recv().await);
        });
        assert_eq!(
            (
                report.delivered,
                report.failed,
                report.unsent,
                report.timed_out
            ),
            (0, 0, 5, true),
            "2 queued and 3 held: {report:?}"
        );
    }

    #[test]
    fn the_debug_form_shows_the_counters() {
        let (exporter, _spans, _control) = handle(100, 10);
        assert!(exporter.record(span()));
        let text = format!("{exporter:?}");
        assert!(
            text.starts_with("Exporter") && text.contains("recorded: 1"),
            "{text}"
        );
    }
}
