//! The sender thread's loop: takes spans off the queue, sends them in batches, answers flushes
//! and shutdowns.

use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use mutagent_core::{ApiError, Client, Error};
use mutagent_traces::TracesExt;
use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;
use tracing::instrument::WithSubscriber;
use tracing::subscriber::NoSubscriber;

use super::builder::Protocol;
use super::control::{deadline_after, Control, FlushOutcome, Reply};
use super::outage::{Backoff, Outage};
use super::stats::Counters;
use crate::otlp::to_export_request;
use crate::span::{to_hook_batch, to_new_traces, SpanData, TraceDefaults};

/// What the server said about one batch, in either generation's words.
enum Answer {
    /// Stored.
    Stored,
    /// Stored in part: the server's note on the rest.
    Partly(String),
    /// Not stored, and why.
    Refused(String),
}

/// What a 0.4.1 answer with rejected traces says, for `last_error`. The server's note is its
/// own text: it goes through [`Client::printable`] (control characters escaped, the client's
/// key and token redacted, at most 1 KiB) before it reaches the stats, `Debug`, the WARN
/// event or an OpenTelemetry error, as a hostile server may echo the key in it.
fn hook_note(client: &Client, result: &mutagent_traces::v0_4::TraceIngestResult) -> String {
    let note = result
        .note
        .as_deref()
        .map(|note| format!(": {}", client.printable(note)))
        .unwrap_or_default();
    format!(
        "the server accepted {} and rejected {} trace(s){note}",
        result.accepted, result.rejected
    )
}

/// One batch in flight.
type Sending = std::pin::Pin<Box<dyn Future<Output = Result<Answer, Error>>>>;

/// A flush or shutdown in progress: it owns the next `remaining` spans to be settled (the
/// queue is first in, first out).
struct PendingFlush {
    deadline: Instant,
    reply: Reply,
    shutdown: bool,
    /// Waits for the next attempt at a kept batch if it comes before the deadline (see
    /// `FlushRequest::waits_for_redelivery`).
    waits_for_redelivery: bool,
    remaining: usize,
    delivered: u64,
    failed: u64,
}

pub(super) struct SendSettings {
    pub(super) batch_size: usize,
    pub(super) max_batch: usize,
    pub(super) flush_interval: Duration,
    pub(super) drop_timeout: Duration,
    /// When a batch that failed for a reason that may pass is sent again.
    pub(super) redelivery: Backoff,
    pub(super) defaults: TraceDefaults,
    pub(super) protocol: Protocol,
}

pub(super) struct BatchSender {
    spans: mpsc::Receiver<SpanData>,
    control: mpsc::UnboundedReceiver<Control>,
    spans_open: bool,
    control_open: bool,
    shared: Arc<Counters>,
    client: Client,
    settings: SendSettings,
    buffer: VecDeque<SpanData>,
    /// Wakes the sender when `batch_size` spans are waiting.
    notify: Arc<Notify>,
    /// The next periodic send of whatever is waiting.
    next_tick: Instant,
    /// A tick is being served: send until nothing is waiting.
    draining: bool,
    /// Spans of the batch being sent.
    in_flight: usize,
    pending: Vec<PendingFlush>,
    /// The server could not take the front batch (it is kept): when to try again.
    outage: Option<Outage>,
    /// A shutdown's last attempt failed for a reason that may pass: the server is down, and
    /// the rest is given up rather than tried batch after batch until the deadline.
    last_attempt_failed: bool,
}

// A short-lived value on the sender's stack; boxing the span would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum WakeReason {
    Control(Control),
    ControlClosed,
    Span(SpanData),
    SpansClosed,
    Notified,
    Timer,
    Sent(Result<Answer, Error>),
}

impl BatchSender {
    /// A sender that takes spans from `spans` and requests from `control`, ready to `run`.
    pub(super) fn new(
        spans: mpsc::Receiver<SpanData>,
        control: mpsc::UnboundedReceiver<Control>,
        shared: Arc<Counters>,
        notify: Arc<Notify>,
        client: Client,
        settings: SendSettings,
    ) -> Self {
        Self {
            notify,
            next_tick: Instant::now() + settings.flush_interval,
            draining: false,
            spans,
            control,
            spans_open: true,
            control_open: true,
            shared,
            client,
            buffer: VecDeque::with_capacity(settings.max_batch),
            settings,
            in_flight: 0,
            pending: Vec::new(),
            outage: None,
            last_attempt_failed: false,
        }
    }

    pub(super) async fn run(mut self) {
        loop {
            self.take_controls();
            self.fill();
            let now = Instant::now();
            if self.expire(now) {
                return;
            }
            if now >= self.next_tick {
                self.next_tick = now + self.settings.flush_interval;
                self.draining = true;
            }
            if self.outage.is_some_and(|outage| outage.is_due(now)) {
                // The next attempt: once the kept batch goes through, the backlog behind it
                // goes too, without waiting for the tick.
                self.draining = true;
            }
            if self.buffer.is_empty() {
                // `fill` takes up to a whole batch: an empty buffer means an empty queue.
                self.draining = false;
            }
            self.complete_flushes();
            self.answer_flushes_outlasted_by_the_outage(now);
            if self.should_send(now) {
                self.send_front().await;
                if self.last_attempt_failed {
                    self.abandon(false);
                    return;
                }
                continue;
            }
            if self.shutdown_pending() && self.buffer.is_empty() && !self.spans_open {
                self.finish();
                return;
            }
            // During an outage a full batch cannot go before the next attempt: `record` need
            // not wake the sender (arming would find the batch complete and spin).
            if self.outage.is_none() && self.batch_completed_while_arming() {
                continue;
            }
            self.wait().await;
        }
    }

    /// Before waiting: tells `record` how many queued spans complete a batch with the part of
    /// one held (its own wake-up counts only the queue), then checks the queue once more, since
    /// a span queued before that could be seen woke nobody. `true` when the batch is complete
    /// already: send instead of waiting.
    fn batch_completed_while_arming(&self) -> bool {
        // Less than a batch is held here (`should_send` said so); at least one span to wait for,
        // and no more than the queue holds: with a batch larger than the queue, a full queue
        // wakes the sender to take its spans (else every record after it would be dropped until
        // the tick).
        let missing = self
            .settings
            .batch_size
            .saturating_sub(self.buffer.len())
            .min(self.spans.max_capacity())
            .max(1);
        self.shared.batch_wake.arm(missing, || self.spans.len())
    }

    fn set_held(&self) {
        self.shared
            .held
            .store(self.buffer.len() + self.in_flight, Ordering::Relaxed);
    }

    fn take_controls(&mut self) {
        while self.control_open {
            match self.control.try_recv() {
                Ok(control) => self.accept(control),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => self.control_open = false,
            }
        }
    }

    /// Moves waiting spans into the buffer, up to one full batch.
    fn fill(&mut self) {
        while self.spans_open && self.buffer.len() < self.settings.max_batch {
            match self.spans.try_recv() {
                Ok(span) => self.buffer.push_back(span),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => self.spans_closed(),
            }
        }
        self.set_held();
    }

    /// Every handle is gone (or the queue was closed by a shutdown and is now empty).
    fn spans_closed(&mut self) {
        self.spans_open = false;
        if !self.shutdown_pending() {
            // The last handle was dropped without `shutdown`: deliver what is left, briefly.
            self.spans.close();
            let deadline = Instant::from_std(deadline_after(self.settings.drop_timeout));
            self.pending.push(PendingFlush {
                deadline,
                reply: Reply::Nobody,
                shutdown: true,
                waits_for_redelivery: false,
                remaining: self.buffer.len(),
                delivered: 0,
                failed: 0,
            });
        }
    }

    fn shutdown_pending(&self) -> bool {
        self.pending.iter().any(|p| p.shutdown)
    }

    fn accept(&mut self, control: Control) {
        let (request, shutdown) = match control {
            Control::Flush(request) => (request, false),
            Control::Shutdown(request) => (request, true),
        };
        if shutdown {
            // No new spans from now on; what is queued can still be taken off.
            self.spans.close();
        }
        let remaining = self.in_flight + self.buffer.len() + self.spans.len();
        self.pending.push(PendingFlush {
            deadline: request.deadline,
            reply: request.reply,
            shutdown,
            waits_for_redelivery: request.waits_for_redelivery,
            remaining,
            delivered: 0,
            failed: 0,
        });
    }

    /// Answers the flushes whose deadline passed; `true` when a shutdown deadline passed and the
    /// sender must stop.
    fn expire(&mut self, now: Instant) -> bool {
        let mut stop = false;
        let mut index = 0;
        while index < self.pending.len() {
            if self.pending[index].deadline > now {
                index += 1;
                continue;
            }
            let pending = self.pending.swap_remove(index);
            if pending.shutdown {
                stop = true;
                self.pending.push(pending);
                break;
            }
            pending.reply.send(FlushOutcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: pending.remaining as u64,
                timed_out: true,
            });
        }
        if stop {
            self.abandon(true);
        }
        stop
    }

    /// The shutdown deadline passed (`timed_out`), or its last attempt failed: everything
    /// still held or queued is given up.
    fn abandon(&mut self, timed_out: bool) {
        self.spans.close();
        // `in_flight` is 0 here (`send_front` settles its batch before `run` calls `expire`
        // with a shutdown deadline passed), so `+` made `-` is an equivalent mutant for
        // cargo-mutants (docs/reliability.md §12); the sum stays in case that changes.
        let mut left = self.buffer.len() + self.in_flight;
        self.buffer.clear();
        self.in_flight = 0;
        while let Ok(_span) = self.spans.try_recv() {
            left += 1;
        }
        self.shared.failed.fetch_add(left as u64, Ordering::Relaxed);
        // Kept spans are among those given up: a stopped exporter keeps none.
        self.shared.retained.store(0, Ordering::Relaxed);
        self.set_held();
        // Before answering, so a caller that got its report sees the exporter stopped.
        self.shared.stopped.store(true, Ordering::Release);
        for pending in self.pending.drain(..) {
            pending.reply.send(FlushOutcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: pending.remaining.min(left) as u64,
                timed_out,
            });
        }
    }

    /// Everything was settled and a shutdown is pending: answer everyone and stop.
    fn finish(&mut self) {
        self.shared.stopped.store(true, Ordering::Release);
        for pending in self.pending.drain(..) {
            pending.reply.send(FlushOutcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: 0,
                timed_out: false,
            });
        }
    }

    fn complete_flushes(&mut self) {
        let mut index = 0;
        while index < self.pending.len() {
            if self.pending[index].shutdown || self.pending[index].remaining > 0 {
                index += 1;
                continue;
            }
            let pending = self.pending.swap_remove(index);
            pending.reply.send(FlushOutcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: 0,
                timed_out: false,
            });
        }
    }

    /// During an outage the spans a flush owns wait behind the kept batch, so nothing more
    /// can happen for a flush whose deadline comes before the next attempt: it is answered
    /// now, its spans unsent (they stay, and go out once the server is back), rather than
    /// kept waiting until its deadline. A flush that does not wait for redelivery
    /// (`flush_attempt`) is answered now whatever its deadline, unless the next attempt is due
    /// now (it is made first). Not while a shutdown is pending: it makes its last attempt at
    /// once, which may settle the flush's spans too.
    fn answer_flushes_outlasted_by_the_outage(&mut self, now: Instant) {
        let Some(outage) = self.outage else {
            return;
        };
        if self.shutdown_pending() {
            return;
        }
        let mut index = 0;
        while index < self.pending.len() {
            let pending = &self.pending[index];
            let outlasted = if pending.waits_for_redelivery {
                pending.deadline <= outage.retry_at
            } else {
                !outage.is_due(now)
            };
            if pending.shutdown || !outlasted {
                index += 1;
                continue;
            }
            let pending = self.pending.swap_remove(index);
            pending.reply.send(FlushOutcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: pending.remaining as u64,
                timed_out: false,
            });
        }
    }

    fn should_send(&self, now: Instant) -> bool {
        if self.buffer.is_empty() {
            return false;
        }
        match self.outage {
            // One attempt per back-off step, whatever else is waiting; a shutdown makes its
            // last one at once.
            Some(outage) => outage.is_due(now) || self.shutdown_pending(),
            None => {
                self.buffer.len() >= self.settings.batch_size
                    || !self.pending.is_empty()
                    || self.draining
            }
        }
    }

    /// The spans of a batch were settled: count them and credit the flushes that own them.
    fn settle(&mut self, spans: usize, delivered: bool) {
        let counter = if delivered {
            &self.shared.sent
        } else {
            &self.shared.failed
        };
        counter.fetch_add(spans as u64, Ordering::Relaxed);
        for pending in &mut self.pending {
            let mine = pending.remaining.min(spans);
            pending.remaining -= mine;
            if delivered {
                pending.delivered += mine as u64;
            } else {
                pending.failed += mine as u64;
            }
        }
    }

    fn record_error(&self, message: String) {
        tracing::warn!(target: "mutagent_trace_exporter", error = %message, "a span batch was not delivered");
        self.keep_error(message);
    }

    /// Sets `last_error` (without a WARN event).
    fn keep_error(&self, message: String) {
        match self.shared.last_error.lock() {
            Ok(mut guard) => *guard = Some(message),
            Err(poisoned) => *poisoned.into_inner() = Some(message),
        }
    }

    /// One batch's request, made and driven out of the application's sight: the client's
    /// `mutagent.call` span and events of a delivery would otherwise reach the application's
    /// subscriber (its OpenTelemetry layer would export them, each export a delivery of its
    /// own; with OpenTelemetry's simple processor, ending that span on this thread waits for the
    /// processor's lock, held by an application thread waiting on this thread's flush). The
    /// exporter's own WARN events are not part of the request and still reach it.
    fn request(&self, batch: &[SpanData]) -> Sending {
        let silent = || tracing::Dispatch::new(NoSubscriber::default());
        let sending =
            tracing::dispatcher::with_default(&silent(), || self.unsilenced_request(batch));
        Box::pin(sending.with_subscriber(silent()))
    }

    fn unsilenced_request(&self, batch: &[SpanData]) -> Sending {
        let defaults = &self.settings.defaults;
        let v0_1_2 = |answer: mutagent_traces::BatchIngestion| {
            if answer.success {
                Answer::Stored
            } else {
                Answer::Refused("the server answered success: false".to_owned())
            }
        };
        match self.settings.protocol {
            // Both 0.1.2 ways in answer a `BatchIngestion`: one future type, one mapping.
            Protocol::Batch | Protocol::Otlp => {
                let traces = self.client.traces();
                let sent = if self.settings.protocol == Protocol::Batch {
                    traces.ingest_trace_batch(&to_new_traces(batch, defaults))
                } else {
                    traces.ingest_otlp(&to_export_request(batch, defaults))
                };
                Box::pin(async move { sent.await.map(v0_1_2) })
            }
            Protocol::HookV0_4 => {
                let sent = self
                    .client
                    .traces_v0_4()
                    .ingest_trace_batch(&to_hook_batch(batch, defaults));
                let client = self.client.clone();
                Box::pin(async move {
                    sent.await.map(|result| {
                        let note = || hook_note(&client, &result);
                        match (result.accepted, result.rejected) {
                            (_, 0) => Answer::Stored,
                            (0, _) => Answer::Refused(note()),
                            _ => Answer::Partly(note()),
                        }
                    })
                })
            }
        }
    }

    /// Sends the oldest spans (up to one batch), while still answering control messages.
    async fn send_front(&mut self) {
        let count = self.buffer.len().min(self.settings.max_batch);
        let batch: Vec<SpanData> = self.buffer.drain(..count).collect();
        self.in_flight = batch.len();
        self.set_held();
        // `batch` is kept until the answer: a send that fails for a reason that may pass puts
        // its spans back (at most one batch more in memory while it is in flight).
        let mut future = pin!(self.request(&batch));
        let result = loop {
            let mut sleep = self
                .next_deadline()
                .map(|d| Box::pin(tokio::time::sleep_until(d)));
            let control_open = self.control_open;
            let control = &mut self.control;
            let wake = poll_fn(|cx| {
                if let Poll::Ready(result) = future.as_mut().poll(cx) {
                    return Poll::Ready(WakeReason::Sent(result));
                }
                if control_open {
                    match control.poll_recv(cx) {
                        Poll::Ready(Some(c)) => return Poll::Ready(WakeReason::Control(c)),
                        Poll::Ready(None) => return Poll::Ready(WakeReason::ControlClosed),
                        Poll::Pending => {}
                    }
                }
                if let Some(sleep) = sleep.as_mut() {
                    if sleep.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(WakeReason::Timer);
                    }
                }
                Poll::Pending
            })
            .await;
            match wake {
                WakeReason::Sent(result) => break Some(result),
                WakeReason::Control(control) => self.accept(control),
                WakeReason::ControlClosed => self.control_open = false,
                WakeReason::Timer => {
                    let now = Instant::now();
                    // A flush deadline: answer it, keep sending. A shutdown deadline: stop.
                    if self.pending.iter().any(|p| p.shutdown && p.deadline <= now) {
                        break None;
                    }
                    self.expire(now);
                }
                WakeReason::Span(_) | WakeReason::SpansClosed | WakeReason::Notified => {}
            }
        };
        let spans = self.in_flight;
        // Whatever the answer, the spans kept from an earlier attempt (at the front, so in this
        // batch) are settled now, or kept again by `defer`, which alone starts or extends an
        // outage: any other answer means the server is back.
        self.shared.retained.store(0, Ordering::Relaxed);
        let outage = self.outage.take();
        match result {
            Some(Ok(Answer::Stored)) => {
                self.shared.batches_sent.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, true);
            }
            Some(Ok(Answer::Partly(note))) => {
                self.shared.batches_sent.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, true);
                self.record_error(note);
            }
            Some(Ok(Answer::Refused(why))) => {
                self.shared.batches_failed.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, false);
                self.record_error(why);
            }
            // The server answered 2xx but the answer broke off or did not decode: it stored
            // the batch. The client never re-sends such a request; count it delivered and keep
            // the note.
            Some(Err(err)) if err.request_accepted() => {
                self.shared.batches_sent.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, true);
                self.record_error(format!("a batch was delivered, but {err}"));
            }
            Some(Err(err)) if err.is_retryable() => self.defer(batch, &err, outage),
            Some(Err(err)) => {
                self.shared.batches_failed.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, false);
                self.record_error(err.to_string());
            }
            None => {
                // The shutdown deadline passed mid-send: the batch may or may not have arrived.
                // `run` sees the expired deadline next and abandons the rest.
                self.shared.batches_failed.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, false);
                self.record_error("the shutdown deadline passed while a batch was sent".to_owned());
            }
        }
        self.in_flight = 0;
        self.set_held();
    }

    /// The batch failed for a reason that may pass (connection error, timeout, 5xx, 408, 429)
    /// after the retry policy's retries: its spans go back to the front, in their order, for an
    /// attempt after the back-off. A shutdown's last attempt has no later one: the batch is
    /// given up, and `run` gives up the rest.
    /// `outage` is the one this attempt was made in, if any.
    fn defer(&mut self, batch: Vec<SpanData>, err: &Error, outage: Option<Outage>) {
        let kept = batch.len();
        if self.shutdown_pending() {
            self.shared.batches_failed.fetch_add(1, Ordering::Relaxed);
            self.settle(kept, false);
            self.last_attempt_failed = true;
            self.record_error(format!("{err} (the last attempt before shutdown)"));
            return;
        }
        let retry_after = err.as_api_error().and_then(ApiError::retry_after);
        let (outage, wait) = Outage::after_failure(
            outage,
            &self.settings.redelivery,
            Instant::now(),
            retry_after,
        );
        self.outage = Some(outage);
        for span in batch.into_iter().rev() {
            self.buffer.push_front(span);
        }
        self.shared.batches_deferred.fetch_add(1, Ordering::Relaxed);
        self.shared.retained.store(kept, Ordering::Relaxed);
        let wait_ms = wait.as_millis();
        tracing::warn!(
            target: "mutagent_trace_exporter",
            error = %err,
            spans = kept,
            retry_in_ms = wait_ms,
            "a span batch was not delivered; its spans are kept and sent again"
        );
        self.keep_error(format!(
            "{err} ({kept} span(s) kept, sent again in {wait_ms} ms)"
        ));
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.pending.iter().map(|p| p.deadline).min()
    }

    /// Waits for a control message, a full batch, the next tick or a deadline (and, during a
    /// shutdown, for the queue to close).
    async fn wait(&mut self) {
        let mut wake_at = match self.next_deadline() {
            Some(deadline) => deadline.min(self.next_tick),
            None => self.next_tick,
        };
        if let Some(outage) = self.outage {
            wake_at = wake_at.min(outage.retry_at);
        }
        let mut sleep = pin!(tokio::time::sleep_until(wake_at));
        let notify = Arc::clone(&self.notify);
        let mut notified = pin!(notify.notified());
        // Only while shutting down: `recv` is what reliably reports a closed, drained queue.
        let watch_spans = self.spans_open && self.shutdown_pending();
        let control_open = self.control_open;
        let (control, spans) = (&mut self.control, &mut self.spans);
        let wake = poll_fn(|cx| {
            if control_open {
                match control.poll_recv(cx) {
                    Poll::Ready(Some(c)) => return Poll::Ready(WakeReason::Control(c)),
                    Poll::Ready(None) => return Poll::Ready(WakeReason::ControlClosed),
                    Poll::Pending => {}
                }
            }
            if watch_spans {
                match spans.poll_recv(cx) {
                    Poll::Ready(Some(span)) => return Poll::Ready(WakeReason::Span(span)),
                    Poll::Ready(None) => return Poll::Ready(WakeReason::SpansClosed),
                    Poll::Pending => {}
                }
            }
            if notified.as_mut().poll(cx).is_ready() {
                return Poll::Ready(WakeReason::Notified);
            }
            if sleep.as_mut().poll(cx).is_ready() {
                return Poll::Ready(WakeReason::Timer);
            }
            Poll::Pending
        })
        .await;
        match wake {
            WakeReason::Control(control) => self.accept(control),
            WakeReason::ControlClosed => self.control_open = false,
            WakeReason::Span(span) => {
                self.buffer.push_back(span);
                self.set_held();
            }
            WakeReason::SpansClosed => self.spans_closed(),
            WakeReason::Notified | WakeReason::Timer | WakeReason::Sent(_) => {}
        }
        // Awake: `run` looks at the queue itself and arms the wake-up again before it waits.
        self.shared.batch_wake.disarm();
    }
}

#[cfg(test)]
mod tests {
    //! The sender's loop under paused time, against a server in memory: what it does when is
    //! exact, not a matter of timing.

    use std::sync::atomic::AtomicUsize;
    use std::sync::Mutex;
    use std::time::SystemTime;

    use bytes::Bytes;
    use mutagent_core::http_client::{BoxFuture, HttpClient, HttpError, ResponseBody};
    use tokio::sync::oneshot;

    use super::super::control::FlushRequest;
    use super::*;
    use serde_json::Value;

    use crate::SpanKind;

    /// Stores every batch as it arrives (the paused time and its spans) and answers `delay`
    /// later.
    #[derive(Debug, Clone, Default)]
    struct Server {
        batches: Arc<Mutex<Vec<(Instant, usize)>>>,
        /// The span names of every batch answered with a 2xx, in order.
        stored: Arc<Mutex<Vec<String>>>,
        arrived: Arc<Notify>,
        delay: Duration,
        /// The answer's body (default: a 0.1.2 `{"success": true, ...}`).
        answer: &'static str,
        /// How many of the next requests are answered 503 (`usize::MAX`: all of them).
        failing: Arc<AtomicUsize>,
        /// Those requests are answered 429 with this `Retry-After` (seconds) instead.
        retry_after: Option<&'static str>,
    }

    impl Server {
        fn batches(&self) -> Vec<(Instant, usize)> {
            self.batches.lock().expect("batches").clone()
        }

        fn stored(&self) -> Vec<String> {
            self.stored.lock().expect("stored").clone()
        }

        /// Answers the next `requests` requests with a 503 (`usize::MAX`: until told otherwise).
        fn fail_next(&self, requests: usize) {
            self.failing.store(requests, Ordering::SeqCst);
        }

        /// Whether this request is answered with a 503 (counting it down).
        fn fails_now(&self) -> bool {
            self.failing
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| match left {
                    0 => None,
                    usize::MAX => Some(usize::MAX),
                    left => Some(left - 1),
                })
                .is_ok()
        }

        /// Waits (in paused time: at once) until `batches` have arrived; fails after a week
        /// rather than hang when they never come.
        async fn wait_for(&self, batches: usize) {
            let arrived = async {
                while self.batches().len() < batches {
                    self.arrived.notified().await;
                }
            };
            tokio::time::timeout(Duration::from_secs(7 * 86_400), arrived)
                .await
                .expect("the batches arrive");
        }
    }

    impl HttpClient for Server {
        fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
            let body: Value = serde_json::from_slice(request.body()).expect("json");
            let names: Vec<String> = body["traces"]
                .as_array()
                .expect("traces")
                .iter()
                .flat_map(|trace| trace["spans"].as_array().cloned().unwrap_or_default())
                .map(|span| span["name"].as_str().unwrap_or_default().to_owned())
                .collect();
            self.batches
                .lock()
                .expect("batches")
                .push((Instant::now(), names.len()));
            self.arrived.notify_waiters();
            if self.fails_now() {
                let mut answer = http::Response::builder().status(503);
                if let Some(seconds) = self.retry_after {
                    answer = answer.status(429).header("retry-after", seconds);
                }
                let answer = answer
                    .body(ResponseBody::from_bytes(r#"{"error":"down"}"#))
                    .expect("response");
                return Box::pin(async move { Ok(answer) });
            }
            self.stored.lock().expect("stored").extend(names);
            let delay = self.delay;
            let answer = match self.answer {
                "" => r#"{"success":true,"count":1,"traceIds":[]}"#,
                answer => answer,
            };
            Box::pin(async move {
                tokio::time::sleep(delay).await;
                Ok(http::Response::new(ResponseBody::from_bytes(answer)))
            })
        }
    }

    /// The handles' side of a sender running on the test's (paused) runtime.
    struct Handles {
        spans: mpsc::Sender<SpanData>,
        control: mpsc::UnboundedSender<Control>,
        shared: Arc<Counters>,
        notify: Arc<Notify>,
        server: Server,
    }

    impl Handles {
        /// Queues `count` spans.
        fn queue(&self, count: usize) {
            for _ in 0..count {
                self.spans.try_send(span()).expect("queued");
            }
        }

        /// Queues spans named `names`, in that order.
        fn queue_named(&self, names: &[String]) {
            for name in names {
                let t = SystemTime::now();
                let span = SpanData::root(name.clone(), SpanKind::Custom, t, t);
                self.spans.try_send(span).expect("queued");
            }
        }

        /// A flush (or shutdown) with an hour to go.
        fn flush(&self, shutdown: bool) -> oneshot::Receiver<FlushOutcome> {
            self.flush_within(shutdown, Duration::from_secs(3600))
        }

        fn flush_within(
            &self,
            shutdown: bool,
            timeout: Duration,
        ) -> oneshot::Receiver<FlushOutcome> {
            self.request(shutdown, timeout, true)
        }

        /// A flush that does not wait for redelivery (`Exporter::flush_attempt`).
        fn flush_attempt(&self, timeout: Duration) -> oneshot::Receiver<FlushOutcome> {
            self.request(false, timeout, false)
        }

        fn request(
            &self,
            shutdown: bool,
            timeout: Duration,
            waits_for_redelivery: bool,
        ) -> oneshot::Receiver<FlushOutcome> {
            let (tx, rx) = oneshot::channel();
            let request = FlushRequest {
                deadline: Instant::now() + timeout,
                reply: Reply::Async(tx),
                waits_for_redelivery,
            };
            let control = if shutdown {
                Control::Shutdown(request)
            } else {
                Control::Flush(request)
            };
            assert!(self.control.send(control).is_ok());
            rx
        }
    }

    /// Runs `sender` beside `body` (on one thread, as the exporter's runtime does) until
    /// `body` is done.
    async fn running<F: std::future::Future>(sender: BatchSender, body: F) -> F::Output {
        let local = tokio::task::LocalSet::new();
        local.spawn_local(sender.run());
        local.run_until(body).await
    }

    /// A sender (batches of `batch_size`, a tick every `interval`, a server answering after
    /// `delay`) and its handles' ends; the sender runs once `run` is polled.
    fn sender(batch_size: usize, interval: Duration, delay: Duration) -> (Handles, BatchSender) {
        let server = Server {
            delay,
            ..Server::default()
        };
        sender_on(server, Protocol::Batch, batch_size, interval)
    }

    /// A sender speaking `protocol` to `server`.
    fn sender_on(
        server: Server,
        protocol: Protocol,
        batch_size: usize,
        interval: Duration,
    ) -> (Handles, BatchSender) {
        sender_with(server, protocol, batch_size, interval, Backoff::default())
    }

    /// A sender speaking `protocol` to `server`, sending a batch that failed for a reason that
    /// may pass again after `redelivery`. Its client makes one request per attempt (no
    /// retries), so the server's batches are the sender's attempts.
    fn sender_with(
        server: Server,
        protocol: Protocol,
        batch_size: usize,
        interval: Duration,
        redelivery: Backoff,
    ) -> (Handles, BatchSender) {
        let client = mutagent_core::ClientBuilder::new()
            .env(mutagent_core::env::EmptyEnv)
            .api_key("mt_test")
            .http_client(server.clone())
            .retry_policy(mutagent_core::RetryPolicy::disabled())
            .build_async()
            .expect("client");
        let (spans, span_rx) = mpsc::channel(100);
        let (control, control_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Counters::default());
        let notify = Arc::new(Notify::new());
        let sender = BatchSender::new(
            span_rx,
            control_rx,
            Arc::clone(&shared),
            Arc::clone(&notify),
            client,
            SendSettings {
                batch_size,
                max_batch: batch_size,
                flush_interval: interval,
                drop_timeout: Duration::from_secs(5),
                redelivery,
                defaults: TraceDefaults::default(),
                protocol,
            },
        );
        let handles = Handles {
            spans,
            control,
            shared,
            notify,
            server,
        };
        (handles, sender)
    }

    fn span() -> SpanData {
        let t = SystemTime::now();
        SpanData::root("s", SpanKind::Custom, t, t)
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_tick_the_next_comes_one_interval_later() {
        let (handles, sender) = sender(100, Duration::from_secs(10), Duration::ZERO);
        let start = Instant::now();
        running(sender, async {
            handles.spans.try_send(span()).expect("queued");
            handles.server.wait_for(1).await;
            // Moved on by hand: a sender that never waits again would keep the clock still.
            tokio::time::advance(Duration::from_secs(1)).await;
            handles.spans.try_send(span()).expect("queued");
            handles.server.wait_for(2).await;
        })
        .await;
        let at: Vec<Duration> = handles
            .server
            .batches()
            .iter()
            .map(|(time, _)| *time - start)
            .collect();
        assert_eq!(
            at,
            [Duration::from_secs(10), Duration::from_secs(20)],
            "one send per tick"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn held_counts_the_spans_of_the_batch_being_sent() {
        let (handles, sender) = sender(3, Duration::from_secs(3600), Duration::from_secs(60));
        running(sender, async {
            handles.queue(5);
            let done = handles.flush(false);
            handles.server.wait_for(1).await;
            // A batch of 3 is out (the server answers in a minute), 2 spans wait queued.
            assert_eq!(handles.shared.held.load(Ordering::Relaxed), 3);
            assert_eq!(handles.spans.max_capacity() - handles.spans.capacity(), 2);
            let outcome = done.await.expect("answered");
            assert_eq!((outcome.delivered, outcome.unsent), (5, 0));
        })
        .await;
        assert_eq!(handles.shared.held.load(Ordering::Relaxed), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_span_being_recorded_when_shutdown_begins_is_still_delivered() {
        let (handles, sender) = sender(10, Duration::from_secs(3600), Duration::ZERO);
        running(sender, async {
            // A `record` on another thread holds its slot in the queue, not yet its span.
            let slot = handles.spans.reserve().await.expect("slot");
            let shutdown = handles.flush(true);
            // Paused time moves on only once the sender waits: it has taken the shutdown
            // and found the queue closed and empty.
            tokio::time::sleep(Duration::from_secs(1)).await;
            slot.send(span());
            let outcome = shutdown.await.expect("answered");
            // Not among the spans waiting when the shutdown was asked for, but sent.
            assert_eq!((outcome.unsent, outcome.timed_out), (0, false));
        })
        .await;
        assert_eq!(handles.server.batches().len(), 1);
        assert_eq!(handles.shared.sent.load(Ordering::Relaxed), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flush_sent_just_after_a_shutdown_is_answered() {
        let (handles, sender) = sender(10, Duration::from_secs(3600), Duration::ZERO);
        // Both wait before the sender runs: another handle flushes as this one shuts down.
        let shutdown = handles.flush(true);
        let flush = handles.flush(false);
        drop(handles.spans);
        sender.run().await;
        let flush = flush.await.expect("the flush is answered");
        assert!(!flush.timed_out);
        assert!(shutdown.await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_flush_owns_the_spans_the_sender_already_holds() {
        let (handles, sender) = sender(10, Duration::from_secs(3600), Duration::ZERO);
        running(sender, async {
            handles.queue(3);
            // Woken, the sender takes the 3 spans off the queue and holds them (less than a
            // batch: nothing is sent). Paused time moves on once it waits again.
            handles.notify.notify_one();
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_eq!(handles.shared.held.load(Ordering::Relaxed), 3);
            assert!(handles.server.batches().is_empty());
            handles.queue(2);
            let outcome = handles.flush(false).await.expect("answered");
            assert_eq!(
                (outcome.delivered, outcome.unsent),
                (5, 0),
                "3 held, 2 queued"
            );
        })
        .await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_flush_that_cannot_finish_is_answered_at_its_deadline() {
        let (handles, sender) = sender(3, Duration::from_secs(3600), Duration::from_secs(3600));
        running(sender, async {
            handles.queue(5);
            let start = Instant::now();
            let flush = handles.flush_within(false, Duration::from_secs(10));
            let outcome = flush.await.expect("answered");
            assert_eq!(Instant::now() - start, Duration::from_secs(10));
            assert_eq!(
                (outcome.delivered, outcome.unsent, outcome.timed_out),
                (0, 5, true)
            );
        })
        .await;
    }

    /// Two spans sent in the 0.4.1 hook format to a server answering `answer`: the counters.
    async fn hook_batch(answer: &'static str) -> Arc<Counters> {
        let server = Server {
            answer,
            ..Server::default()
        };
        let (handles, sender) =
            sender_on(server, Protocol::HookV0_4, 10, Duration::from_secs(3600));
        running(sender, async {
            handles.queue(2);
            handles.flush(false).await.expect("answered");
        })
        .await;
        assert_eq!(handles.server.batches().len(), 1);
        handles.shared
    }

    fn counts(shared: &Counters) -> (u64, u64, u64, u64, Option<String>) {
        let last_error = shared.last_error.lock().expect("last error").clone();
        (
            shared.sent.load(Ordering::Relaxed),
            shared.failed.load(Ordering::Relaxed),
            shared.batches_sent.load(Ordering::Relaxed),
            shared.batches_failed.load(Ordering::Relaxed),
            last_error,
        )
    }

    #[tokio::test(start_paused = true)]
    async fn hook_answers_count_what_the_server_took() {
        let all = hook_batch(r#"{"accepted":2,"rejected":0}"#).await;
        assert_eq!(counts(&all), (2, 0, 1, 0, None), "stored, no note");
        let none = hook_batch(r#"{"accepted":0,"rejected":2,"note":"bad spans"}"#).await;
        assert_eq!(
            counts(&none),
            (
                0,
                2,
                0,
                1,
                Some("the server accepted 0 and rejected 2 trace(s): bad spans".to_owned())
            ),
            "refused: failed"
        );
        let some = hook_batch(r#"{"accepted":1,"rejected":1}"#).await;
        assert_eq!(
            counts(&some),
            (
                2,
                0,
                1,
                0,
                Some("the server accepted 1 and rejected 1 trace(s)".to_owned())
            ),
            "the server took the rest: delivered, with the note"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_flush_deadline_during_a_send_does_not_cut_a_shutdown_short() {
        let (handles, sender) = sender(3, Duration::from_secs(3600), Duration::from_secs(10));
        running(sender, async {
            handles.queue(3);
            // The batch takes 10 s; a flush gives up after 5, the shutdown has a minute.
            let flush = handles.flush_within(false, Duration::from_secs(5));
            let shutdown = handles.flush_within(true, Duration::from_secs(60));
            let flush = flush.await.expect("answered");
            assert_eq!(
                (flush.delivered, flush.unsent, flush.timed_out),
                (0, 3, true)
            );
            let shutdown = shutdown.await.expect("answered");
            assert_eq!(
                (shutdown.delivered, shutdown.failed, shutdown.timed_out),
                (3, 0, false)
            );
        })
        .await;
        assert_eq!(counts(&handles.shared), (3, 0, 1, 0, None));
    }

    #[tokio::test(start_paused = true)]
    async fn spans_wait_in_the_queue_until_the_sender_is_woken() {
        let (handles, sender) = sender(10, Duration::from_secs(3600), Duration::ZERO);
        running(sender, async {
            // The sender waits for a batch, a tick or a request; spans alone do not wake
            // it (`Exporter::record` wakes it once per batch).
            tokio::time::sleep(Duration::from_secs(1)).await;
            handles.queue(3);
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_eq!(handles.shared.held.load(Ordering::Relaxed), 0);
            assert_eq!(handles.spans.max_capacity() - handles.spans.capacity(), 3);
            handles.notify.notify_one();
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_eq!(handles.shared.held.load(Ordering::Relaxed), 3);
        })
        .await;
    }

    fn names(prefix: &str, count: usize) -> Vec<String> {
        (0..count).map(|i| format!("{prefix}{i}")).collect()
    }

    /// What a flush reports, as one value to compare: delivered, failed, unsent, timed out.
    fn tally(outcome: &FlushOutcome) -> (u64, u64, u64, bool) {
        (
            outcome.delivered,
            outcome.failed,
            outcome.unsent,
            outcome.timed_out,
        )
    }

    /// A sender of batches of 3 on an hour's tick, to a server that fails its next `failures`
    /// batches; a kept batch waits `step` before each new attempt.
    fn failing_sender(failures: usize, step: Duration) -> (Handles, BatchSender) {
        let server = Server::default();
        server.fail_next(failures);
        let backoff = Backoff::new(step, step);
        sender_with(
            server,
            Protocol::Batch,
            3,
            Duration::from_secs(3600),
            backoff,
        )
    }

    /// The waits between one batch's arrival and the next's.
    fn gaps(server: &Server) -> Vec<Duration> {
        let batches = server.batches();
        batches.windows(2).map(|w| w[1].0 - w[0].0).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_kept_through_an_outage_goes_out_after_the_backoff_in_order_once() {
        let server = Server::default();
        server.fail_next(3);
        let (handles, sender) = sender_on(server, Protocol::Batch, 3, Duration::from_secs(3600));
        let recorded = names("span-", 7);
        running(sender, async {
            handles.queue_named(&recorded);
            // Three attempts fail (1 request each: the client does not retry); the flush has
            // an hour, so it waits through the back-off steps.
            let outcome = handles.flush(false).await.expect("answered");
            assert_eq!(tally(&outcome), (7, 0, 0, false), "{outcome:?}");
        })
        .await;
        assert_eq!(handles.server.stored(), recorded, "each once, in order");
        let sizes: Vec<usize> = handles.server.batches().iter().map(|b| b.1).collect();
        assert_eq!(
            sizes,
            [3, 3, 3, 3, 3, 1],
            "the kept batch, then the backlog"
        );
        // 1 s, 2 s, 4 s steps, each drawn between its half and its whole; then the backlog at
        // once.
        let gaps = gaps(&handles.server);
        for (gap, step) in gaps.iter().zip([1, 2, 4]) {
            let step = Duration::from_secs(step);
            assert!(*gap >= step / 2 && *gap <= step, "{gaps:?}");
        }
        assert_eq!(gaps[3..], [Duration::ZERO, Duration::ZERO], "{gaps:?}");
        let shared = &handles.shared;
        assert_eq!(
            (
                shared.sent.load(Ordering::Relaxed),
                shared.failed.load(Ordering::Relaxed),
                shared.batches_sent.load(Ordering::Relaxed),
                shared.batches_failed.load(Ordering::Relaxed),
                shared.batches_deferred.load(Ordering::Relaxed),
                shared.retained.load(Ordering::Relaxed),
                shared.held.load(Ordering::Relaxed),
            ),
            (7, 0, 3, 0, 3, 0, 0)
        );
        let last_error = shared.last_error.lock().expect("last error").clone();
        assert!(
            last_error
                .as_deref()
                .is_some_and(|e| e.contains("3 span(s) kept")),
            "{last_error:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_down_for_ten_minutes_costs_one_attempt_per_backoff_step() {
        let server = Server::default();
        server.fail_next(usize::MAX);
        // A tick every 5 s: ticks wake the sender, but only the back-off makes an attempt.
        let (handles, sender) = sender_on(server, Protocol::Batch, 3, Duration::from_secs(5));
        running(sender, async {
            handles.queue(3);
            tokio::time::sleep(Duration::from_secs(600)).await;
            let shared = &handles.shared;
            assert_eq!(
                (
                    shared.sent.load(Ordering::Relaxed),
                    shared.failed.load(Ordering::Relaxed),
                    shared.retained.load(Ordering::Relaxed),
                    shared.held.load(Ordering::Relaxed),
                ),
                (0, 0, 3, 3),
                "kept, not given up"
            );
            let attempts = handles.server.batches().len();
            // 1, 2, 4, 8, 16 then 30 s steps, each at least half its step: at most 5 + 575/15
            // attempts after the first; at least 600/30.
            assert!((20..=45).contains(&attempts), "{attempts} attempts");
            assert_eq!(
                shared.batches_deferred.load(Ordering::Relaxed),
                attempts as u64
            );
            let gaps = gaps(&handles.server);
            for (n, gap) in gaps.iter().enumerate() {
                let step = Duration::from_secs(1 << n.min(5)).min(Duration::from_secs(30));
                assert!(*gap >= step / 2 && *gap <= step, "gap {n}: {gaps:?}");
            }
            // The shutdown makes its last attempt at once, then gives the spans up.
            let start = Instant::now();
            let outcome = handles.flush(true).await.expect("answered");
            assert_eq!(Instant::now(), start, "no back-off before the last attempt");
            assert_eq!(tally(&outcome), (0, 3, 0, false), "{outcome:?}");
            assert_eq!(handles.server.batches().len(), attempts + 1);
        })
        .await;
        let shared = &handles.shared;
        assert_eq!(counts(shared).1, 3, "failed");
        assert_eq!(shared.batches_failed.load(Ordering::Relaxed), 1);
        assert_eq!(
            (
                shared.retained.load(Ordering::Relaxed),
                shared.held.load(Ordering::Relaxed)
            ),
            (0, 0)
        );
        assert!(shared.stopped.load(Ordering::Acquire));
    }

    #[tokio::test(start_paused = true)]
    async fn a_flush_whose_deadline_comes_before_the_next_attempt_is_answered_at_once() {
        let (handles, sender) = failing_sender(1, Duration::from_secs(60));
        running(sender, async {
            handles.queue(5);
            let start = Instant::now();
            // The first attempt fails; the next is 30 to 60 s away, past the flush's deadline.
            let outcome = handles
                .flush_within(false, Duration::from_secs(10))
                .await
                .expect("answered");
            assert_eq!(Instant::now(), start, "not kept waiting until its deadline");
            assert_eq!(tally(&outcome), (0, 0, 5, false), "{outcome:?}");
            assert_eq!(
                handles.server.batches().len(),
                1,
                "no attempt for the flush"
            );
            // The spans were kept: the next attempt delivers them, and the backlog with them.
            tokio::time::sleep(Duration::from_secs(60)).await;
            assert_eq!(handles.shared.sent.load(Ordering::Relaxed), 5);
        })
        .await;
        let sizes: Vec<usize> = handles.server.batches().iter().map(|b| b.1).collect();
        assert_eq!(sizes, [3, 3, 2]);
    }

    /// `flush_attempt` (the OpenTelemetry exporter's): the spans get their attempt, and once
    /// they are kept the flush is answered, however far its deadline and however near the
    /// next attempt; during the outage a later one is answered at once, with no attempt of its
    /// own; the kept spans still go out on their own after the back-off.
    #[tokio::test(start_paused = true)]
    async fn a_flush_attempt_is_answered_once_its_spans_are_kept() {
        let (handles, sender) = failing_sender(1, Duration::from_secs(2));
        running(sender, async {
            handles.queue(2);
            let start = Instant::now();
            // The next attempt is 1 to 2 s away, well before the deadline: a `flush` would
            // wait for it.
            let outcome = handles
                .flush_attempt(Duration::from_secs(3600))
                .await
                .expect("answered");
            assert_eq!(Instant::now(), start, "not kept through the back-off");
            assert_eq!(tally(&outcome), (0, 0, 2, false), "{outcome:?}");
            assert_eq!(handles.shared.retained.load(Ordering::Relaxed), 2);
            handles.queue(1);
            let outcome = handles
                .flush_attempt(Duration::from_secs(3600))
                .await
                .expect("answered");
            assert_eq!(Instant::now(), start, "answered at once during the outage");
            assert_eq!((outcome.unsent, outcome.timed_out), (3, false));
            assert_eq!(handles.server.batches().len(), 1, "no attempt of its own");
            tokio::time::sleep(Duration::from_secs(2)).await;
            assert_eq!(handles.shared.sent.load(Ordering::Relaxed), 3);
            assert_eq!(handles.shared.retained.load(Ordering::Relaxed), 0);
        })
        .await;
        let sizes: Vec<usize> = handles.server.batches().iter().map(|b| b.1).collect();
        assert_eq!(sizes, [2, 3], "the kept spans and the later one, once each");
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_gives_up_the_rest_when_its_last_attempt_fails() {
        let server = Server::default();
        server.fail_next(usize::MAX);
        let (handles, sender) = sender_on(server, Protocol::Batch, 3, Duration::from_secs(3600));
        running(sender, async {
            handles.queue(8);
            let outcome = handles.flush(true).await.expect("answered");
            // One batch tried and failed; the other 5 spans not tried against a server down.
            assert_eq!(tally(&outcome), (0, 3, 5, false), "{outcome:?}");
        })
        .await;
        assert_eq!(handles.server.batches().len(), 1);
        assert_eq!(counts(&handles.shared).1, 8, "all counted failed");
        assert_eq!(handles.shared.batches_deferred.load(Ordering::Relaxed), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_kept_batch_waits_at_least_what_retry_after_asked() {
        let server = Server {
            retry_after: Some("10"),
            ..Server::default()
        };
        server.fail_next(1);
        let (handles, sender) = sender_on(server, Protocol::Batch, 3, Duration::from_secs(3600));
        running(sender, async {
            handles.queue(3);
            let outcome = handles.flush(false).await.expect("answered");
            assert_eq!((outcome.delivered, outcome.unsent), (3, 0), "{outcome:?}");
        })
        .await;
        // The first back-off step is at most 1 s; the server asked for 10.
        assert_eq!(gaps(&handles.server), [Duration::from_secs(10)]);
        assert_eq!(handles.shared.batches_deferred.load(Ordering::Relaxed), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flush_beside_a_shutdown_during_an_outage_waits_for_its_last_attempt() {
        let (handles, sender) = failing_sender(1, Duration::from_secs(60));
        running(sender, async {
            handles.queue(3);
            handles.notify.notify_one();
            handles.server.wait_for(1).await;
            // The batch is kept, the next attempt a minute away at least; the server is back.
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_eq!(handles.shared.retained.load(Ordering::Relaxed), 3);
            let flush = handles.flush_within(false, Duration::from_secs(10));
            let shutdown = handles.flush(true);
            let flush = flush.await.expect("answered");
            assert_eq!((flush.delivered, flush.unsent), (3, 0), "{flush:?}");
            let shutdown = shutdown.await.expect("answered");
            assert_eq!(
                (shutdown.delivered, shutdown.unsent),
                (3, 0),
                "{shutdown:?}"
            );
        })
        .await;
        assert_eq!(handles.server.batches().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_with_no_time_left_gives_up_the_kept_spans_and_counts_none_kept() {
        let server = Server::default();
        server.fail_next(usize::MAX);
        let (handles, sender) = sender_on(server, Protocol::Batch, 3, Duration::from_secs(3600));
        running(sender, async {
            handles.queue(3);
            handles.notify.notify_one();
            handles.server.wait_for(1).await;
            tokio::time::sleep(Duration::from_millis(1)).await;
            assert_eq!(handles.shared.retained.load(Ordering::Relaxed), 3);
            let outcome = handles
                .flush_within(true, Duration::ZERO)
                .await
                .expect("answered");
            assert_eq!(
                (outcome.unsent, outcome.timed_out),
                (3, true),
                "{outcome:?}"
            );
        })
        .await;
        let shared = &handles.shared;
        assert_eq!(
            (
                shared.failed.load(Ordering::Relaxed),
                shared.held.load(Ordering::Relaxed),
                shared.retained.load(Ordering::Relaxed),
            ),
            (3, 0, 0),
            "nothing is kept by a stopped exporter"
        );
    }
}
