//! The batching exporter: [`Exporter`], its [`ExporterBuilder`], [`ExporterStats`] and
//! [`FlushReport`].
//!
//! # How it works
//!
//! * [`Exporter::record`] puts a finished span in a bounded queue (Tokio's `mpsc` channel,
//!   `try_send`: a few atomic operations and a lock-free push). It never blocks and never
//!   waits on the network. When the queue is full the span is dropped and counted. The sender is
//!   woken only when a multiple of `batch_size` spans is waiting, not for every span, so
//!   recording rarely pays for a thread wake-up.
//! * One background thread named `mutagent-tracing`, with a current-thread Tokio runtime of its
//!   own, takes spans off the queue and sends them: as soon as `batch_size` spans are waiting, and
//!   every `flush_interval` whatever is waiting (as the official SDKs do), so no span waits longer
//!   than one interval. One request carries up to `max_batch_size` spans, grouped by trace, to
//!   `POST /api/traces/batch` (or to `POST /api/traces/otlp` with [`Protocol::Otlp`]).
//! * A dedicated thread rather than a task on the caller's runtime: it works the same in blocking
//!   programs and in async ones, it never competes with the application's tasks, it keeps working
//!   while the application's runtime shuts down (so `shutdown` can still deliver), and it needs no
//!   runtime to exist when spans are recorded.
//! * A failed request is retried under the client's [`RetryPolicy`] (or the one set with
//!   [`ExporterBuilder::retry_policy`]) with POST retries switched on for these calls; after the
//!   last retry the batch is given up and its spans counted as failed. Retried batches are
//!   byte-identical and every span keeps the ids it got when it started, so a server that stores a
//!   batch twice (the first answer was lost, the retry arrived too) can de-duplicate by
//!   trace id and span id; the emulator does (it upserts spans by id within a trace). Delivery is
//!   therefore *at least once*, with stable ids.
//!
//! Memory is bounded: at most `max_queue_size` spans wait in the queue and at most
//! `max_batch_size` more are held by the sender.

use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use mutagent_core::{BlockingClient, CallOptions, Client, Error, ResponseFuture, RetryPolicy};
use mutagent_traces::{BatchIngestion, Environment, TraceSource, TracesExt};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::time::Instant;

use crate::otlp::to_export_request;
use crate::span::{to_new_traces, SpanData, TraceDefaults};

/// The most spans one request may carry (the emulator accepts up to 1000 traces per batch).
const MAX_BATCH_LIMIT: usize = 1000;
/// The largest queue accepted.
const MAX_QUEUE_LIMIT: usize = 1 << 20;
/// The longest interval or request timeout accepted (longer ones are cut to this).
const MAX_WAIT: Duration = Duration::from_secs(86_400);
/// How long a flush caller waits past its deadline for the sender's answer.
const REPLY_GRACE: Duration = Duration::from_secs(1);

/// Where batches are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// `POST /api/traces/batch` with `{"traces": [...]}` (the default; every field of the
    /// contract is kept).
    #[default]
    Batch,
    /// `POST /api/traces/otlp` with an OTLP/HTTP JSON export request (see [`crate::otlp`]).
    Otlp,
}

/// The clients an exporter can send through: [`Client`] and [`BlockingClient`], owned or
/// borrowed. The exporter keeps a clone of the async client (sharing its settings and
/// connection pool).
pub trait IntoExportClient {
    /// The async client to send with.
    fn into_export_client(self) -> Client;
}

impl IntoExportClient for Client {
    fn into_export_client(self) -> Client {
        self
    }
}

impl IntoExportClient for &Client {
    fn into_export_client(self) -> Client {
        self.clone()
    }
}

impl IntoExportClient for BlockingClient {
    fn into_export_client(self) -> Client {
        self.async_client().clone()
    }
}

impl IntoExportClient for &BlockingClient {
    fn into_export_client(self) -> Client {
        self.async_client().clone()
    }
}

/// Settings of an [`Exporter`]. Defaults: 10 spans or 5 s, a queue of 2048 spans, at most 512
/// spans per request, 30 s per request (retries included), 5 s to deliver what is left when the
/// last handle is dropped, source `sdk`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use mutagent_tracing::{Environment, Exporter};
/// let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
/// let exporter = Exporter::builder(&client)
///     .batch_size(50)
///     .flush_interval(Duration::from_secs(2))
///     .max_queue_size(10_000)
///     .environment(Environment::Production)
///     .build()?;
/// # drop(exporter); Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "an exporter builder does nothing until `build` is called"]
pub struct ExporterBuilder {
    client: Client,
    batch_size: usize,
    flush_interval: Duration,
    max_queue_size: usize,
    max_batch_size: usize,
    request_timeout: Duration,
    drop_timeout: Duration,
    retry_policy: Option<RetryPolicy>,
    defaults: TraceDefaults,
    protocol: Protocol,
}

impl ExporterBuilder {
    fn new(client: Client) -> Self {
        Self {
            client,
            batch_size: 10,
            flush_interval: Duration::from_secs(5),
            max_queue_size: 2048,
            max_batch_size: 512,
            request_timeout: Duration::from_secs(30),
            drop_timeout: Duration::from_secs(5),
            retry_policy: None,
            defaults: TraceDefaults::default(),
            protocol: Protocol::Batch,
        }
    }

    /// Send as soon as this many spans are waiting (default 10; at least 1).
    pub fn batch_size(mut self, spans: usize) -> Self {
        self.batch_size = spans;
        self
    }

    /// Send whatever is waiting every `interval` (default 5 s; at least 1 ms), so no span waits
    /// longer than that.
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.flush_interval = interval;
        self
    }

    /// How many spans may wait before new ones are dropped (default 2048; 1 to 1,048,576).
    pub fn max_queue_size(mut self, spans: usize) -> Self {
        self.max_queue_size = spans;
        self
    }

    /// The most spans one request carries when more are waiting (default 512; between
    /// `batch_size` and 1000).
    pub fn max_batch_size(mut self, spans: usize) -> Self {
        self.max_batch_size = spans;
        self
    }

    /// The time one batch may take, retries included (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The retry policy for batches (default: the client's).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// How long the sender keeps delivering after the last handle is dropped without
    /// [`Exporter::shutdown`] (default 5 s). The program may exit before; call `shutdown`.
    pub fn drop_timeout(mut self, timeout: Duration) -> Self {
        self.drop_timeout = timeout;
        self
    }

    /// The `source` of every trace (default `sdk`).
    pub fn source(mut self, source: impl Into<TraceSource>) -> Self {
        self.defaults.source = Some(source.into());
        self
    }

    /// The `environment` of every trace (default none).
    pub fn environment(mut self, environment: impl Into<Environment>) -> Self {
        self.defaults.environment = Some(environment.into());
        self
    }

    /// The `tags` of every trace (default none).
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.defaults.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// The service name (OTLP resource `service.name`; default none).
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.defaults.service_name = Some(name.into());
        self
    }

    /// Where batches go (default [`Protocol::Batch`]).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// Starts the sender thread and returns the exporter.
    ///
    /// Fails only if the operating system refuses a thread or a runtime.
    pub fn build(self) -> std::io::Result<Exporter> {
        let max_queue = self.max_queue_size.clamp(1, MAX_QUEUE_LIMIT);
        let max_batch = self.max_batch_size.clamp(1, MAX_BATCH_LIMIT);
        let batch_size = self.batch_size.clamp(1, max_batch);
        let mut options = CallOptions::new()
            .retry_non_idempotent(true)
            .timeout(self.request_timeout.min(MAX_WAIT));
        if let Some(policy) = self.retry_policy {
            options = options.retry_policy(policy);
        }
        let (span_tx, span_rx) = mpsc::channel(max_queue);
        let (control_tx, control_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::default());
        let notify = Arc::new(Notify::new());
        let flush_interval = self
            .flush_interval
            .clamp(Duration::from_millis(1), MAX_WAIT);
        let worker = Worker {
            notify: Arc::clone(&notify),
            next_tick: Instant::now() + flush_interval,
            draining: false,
            spans: span_rx,
            control: control_rx,
            spans_open: true,
            control_open: true,
            shared: Arc::clone(&shared),
            client: self.client.with_options(options),
            settings: Settings {
                batch_size,
                max_batch,
                flush_interval,
                drop_timeout: self.drop_timeout,
                defaults: self.defaults,
                protocol: self.protocol,
            },
            buffer: VecDeque::with_capacity(max_batch),
            in_flight: 0,
            pending: Vec::new(),
        };
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<std::io::Result<()>>(1);
        std::thread::Builder::new()
            .name("mutagent-tracing".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        let _ = ready_tx.send(Ok(()));
                        runtime.block_on(worker.run());
                    }
                    Err(err) => {
                        let _ = ready_tx.send(Err(err));
                    }
                }
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Exporter {
                inner: Arc::new(Inner {
                    spans: span_tx,
                    control: control_tx,
                    shared,
                    notify,
                    batch_size,
                    max_queue,
                    max_batch,
                }),
            }),
            Ok(Err(err)) => Err(err),
            Err(_) => Err(std::io::Error::other(
                "the exporter thread stopped at start",
            )),
        }
    }
}

/// Counters shared by the handles and the sender thread.
#[derive(Debug, Default)]
struct Shared {
    recorded: AtomicU64,
    sent: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    dropped_reported: AtomicU64,
    batches_sent: AtomicU64,
    batches_failed: AtomicU64,
    held: AtomicUsize,
    stopped: AtomicBool,
    last_error: Mutex<Option<String>>,
}

struct Inner {
    spans: mpsc::Sender<SpanData>,
    control: mpsc::UnboundedSender<Control>,
    shared: Arc<Shared>,
    notify: Arc<Notify>,
    batch_size: usize,
    max_queue: usize,
    max_batch: usize,
}

/// A batching span exporter. Cloning is cheap; clones share the queue and the sender thread.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::{Duration, SystemTime};
/// use mutagent_tracing::{Exporter, SpanData, SpanKind};
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
    inner: Arc<Inner>,
}

impl fmt::Debug for Exporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exporter")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// A snapshot of an exporter's counters.
///
/// `recorded = sent + failed + dropped + queued + held` at any quiet moment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExporterStats {
    /// Spans handed to [`Exporter::record`].
    pub recorded: u64,
    /// Spans the server acknowledged.
    pub sent: u64,
    /// Spans accepted into the queue but not delivered: their batch failed after the retries, or
    /// they were still waiting when the shutdown deadline passed.
    pub failed: u64,
    /// Spans never queued: the queue was full, or the exporter was shut down.
    pub dropped: u64,
    /// Spans waiting in the queue now (never more than `max_queue_size`).
    pub queued: usize,
    /// Spans the sender holds now: taken off the queue, in a batch being built or sent (never
    /// more than `max_batch_size`).
    pub held: usize,
    /// Batches acknowledged.
    pub batches_sent: u64,
    /// Batches given up.
    pub batches_failed: u64,
    /// The last delivery error, if any.
    pub last_error: Option<String>,
}

/// What [`Exporter::flush`] or [`Exporter::shutdown`] achieved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FlushReport {
    /// Spans delivered, of those waiting when the call was made.
    pub delivered: u64,
    /// Spans whose batch failed after its retries (they are not sent again).
    pub failed: u64,
    /// Spans still waiting when the deadline passed: after `flush` they stay queued and go out
    /// later; after `shutdown` they are discarded (and counted as failed in the stats).
    pub unsent: u64,
    /// Spans dropped because the queue was full (or recorded after shutdown) since the previous
    /// report.
    pub dropped: u64,
    /// Whether the deadline passed before everything was settled.
    pub timed_out: bool,
}

impl FlushReport {
    /// Spans not delivered: `failed + unsent + dropped`.
    pub fn undelivered(&self) -> u64 {
        self.failed + self.unsent + self.dropped
    }

    /// Whether everything was delivered and nothing dropped.
    pub fn is_complete(&self) -> bool {
        self.undelivered() == 0 && !self.timed_out
    }
}

/// A std instant `timeout` from now (far in the future if that overflows).
fn deadline_after(timeout: Duration) -> std::time::Instant {
    let now = std::time::Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(86_400 * 365)))
        .unwrap_or(now)
}

impl Exporter {
    /// A builder sending through `client` (a [`Client`] or a [`BlockingClient`]).
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
                // Wake the sender when a batch is ready; the interval tick covers the rest.
                let waiting = self
                    .inner
                    .max_queue
                    .saturating_sub(self.inner.spans.capacity());
                if waiting % self.inner.batch_size == 0 {
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

    /// The counters now.
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
            batches_sent: shared.batches_sent.load(Ordering::Relaxed),
            batches_failed: shared.batches_failed.load(Ordering::Relaxed),
            last_error,
        }
    }

    /// Spans waiting in the queue now.
    pub fn queued(&self) -> usize {
        if self.inner.spans.is_closed() {
            return 0;
        }
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
    pub fn flush(&self, timeout: Duration) -> FlushReport {
        self.call_blocking(timeout, false)
    }

    /// [`flush`](Self::flush) without blocking the thread.
    pub async fn flush_async(&self, timeout: Duration) -> FlushReport {
        self.call_async(timeout, false).await
    }

    /// Stops accepting spans, sends everything waiting, and ends the sender thread, within
    /// `timeout`. What could not be delivered is reported (and counted as failed). Later
    /// [`record`](Self::record) calls drop their span. From async code prefer
    /// [`shutdown_async`](Self::shutdown_async).
    pub fn shutdown(&self, timeout: Duration) -> FlushReport {
        self.call_blocking(timeout, true)
    }

    /// [`shutdown`](Self::shutdown) without blocking the thread.
    pub async fn shutdown_async(&self, timeout: Duration) -> FlushReport {
        self.call_async(timeout, true).await
    }

    fn call_blocking(&self, timeout: Duration, shutdown: bool) -> FlushReport {
        let deadline = deadline_after(timeout);
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        if !self.send_control(deadline, Reply::Blocking(tx), shutdown) {
            return self.report(Outcome::default());
        }
        let outcome = rx
            .recv_timeout(timeout.saturating_add(REPLY_GRACE))
            .unwrap_or_else(|_| self.no_answer());
        self.report(outcome)
    }

    async fn call_async(&self, timeout: Duration, shutdown: bool) -> FlushReport {
        let deadline = deadline_after(timeout);
        let (tx, rx) = oneshot::channel();
        if !self.send_control(deadline, Reply::Async(tx), shutdown) {
            return self.report(Outcome::default());
        }
        // No timer here (this may run outside Tokio): the sender always answers by the
        // deadline, and dropping the answer channel when it stops wakes us too.
        let outcome = rx.await.unwrap_or_else(|_| self.no_answer());
        self.report(outcome)
    }

    fn send_control(&self, deadline: std::time::Instant, reply: Reply, shutdown: bool) -> bool {
        let request = Request {
            deadline: Instant::from_std(deadline),
            reply,
        };
        let control = if shutdown {
            Control::Shutdown(request)
        } else {
            Control::Flush(request)
        };
        self.inner.control.send(control).is_ok()
    }

    /// The sender did not answer in time (it cannot, short of a stuck thread): report what is
    /// still waiting.
    fn no_answer(&self) -> Outcome {
        if self.is_shut_down() {
            return Outcome::default();
        }
        let waiting = self.queued() + self.inner.shared.held.load(Ordering::Relaxed);
        Outcome {
            unsent: waiting as u64,
            timed_out: true,
            ..Outcome::default()
        }
    }

    fn report(&self, outcome: Outcome) -> FlushReport {
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

// ---------------------------------------------------------------------------------------------
// The sender thread.

enum Control {
    Flush(Request),
    Shutdown(Request),
}

struct Request {
    deadline: Instant,
    reply: Reply,
}

enum Reply {
    Blocking(std::sync::mpsc::SyncSender<Outcome>),
    Async(oneshot::Sender<Outcome>),
    /// The last handle was dropped: nobody waits.
    Nobody,
}

impl Reply {
    fn send(self, outcome: Outcome) {
        match self {
            Reply::Blocking(tx) => {
                let _ = tx.try_send(outcome);
            }
            Reply::Async(tx) => {
                let _ = tx.send(outcome);
            }
            Reply::Nobody => {}
        }
    }
}

#[derive(Debug, Default)]
struct Outcome {
    delivered: u64,
    failed: u64,
    unsent: u64,
    timed_out: bool,
}

/// A flush or shutdown in progress: it owns the next `remaining` spans to be settled (the
/// queue is first in, first out).
struct Pending {
    deadline: Instant,
    reply: Reply,
    shutdown: bool,
    remaining: usize,
    delivered: u64,
    failed: u64,
}

struct Settings {
    batch_size: usize,
    max_batch: usize,
    flush_interval: Duration,
    drop_timeout: Duration,
    defaults: TraceDefaults,
    protocol: Protocol,
}

struct Worker {
    spans: mpsc::Receiver<SpanData>,
    control: mpsc::UnboundedReceiver<Control>,
    spans_open: bool,
    control_open: bool,
    shared: Arc<Shared>,
    client: Client,
    settings: Settings,
    buffer: VecDeque<SpanData>,
    /// Wakes the sender when `batch_size` spans are waiting.
    notify: Arc<Notify>,
    /// The next periodic send of whatever is waiting.
    next_tick: Instant,
    /// A tick is being served: send until nothing is waiting.
    draining: bool,
    /// Spans of the batch being sent.
    in_flight: usize,
    pending: Vec<Pending>,
}

// A short-lived value on the sender's stack; boxing the span would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Wake {
    Control(Control),
    ControlClosed,
    Span(SpanData),
    SpansClosed,
    Notified,
    Timer,
    Sent(Result<BatchIngestion, Error>),
}

impl Worker {
    async fn run(mut self) {
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
            if self.buffer.is_empty() {
                // `fill` takes up to a whole batch: an empty buffer means an empty queue.
                self.draining = false;
            }
            self.complete_flushes();
            if self.should_send() {
                self.send_front().await;
                continue;
            }
            if self.shutdown_pending() && self.buffer.is_empty() && !self.spans_open {
                self.finish();
                return;
            }
            self.wait().await;
        }
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
            self.pending.push(Pending {
                deadline,
                reply: Reply::Nobody,
                shutdown: true,
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
        self.pending.push(Pending {
            deadline: request.deadline,
            reply: request.reply,
            shutdown,
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
            pending.reply.send(Outcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: pending.remaining as u64,
                timed_out: true,
            });
        }
        if stop {
            self.abandon();
        }
        stop
    }

    /// The shutdown deadline passed: everything still held or queued is given up.
    fn abandon(&mut self) {
        self.spans.close();
        let mut left = self.buffer.len() + self.in_flight;
        self.buffer.clear();
        self.in_flight = 0;
        while let Ok(_span) = self.spans.try_recv() {
            left += 1;
        }
        self.shared.failed.fetch_add(left as u64, Ordering::Relaxed);
        self.set_held();
        // Before answering, so a caller that got its report sees the exporter stopped.
        self.shared.stopped.store(true, Ordering::Release);
        for pending in self.pending.drain(..) {
            pending.reply.send(Outcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: pending.remaining.min(left) as u64,
                timed_out: true,
            });
        }
    }

    /// Everything was settled and a shutdown is pending: answer everyone and stop.
    fn finish(&mut self) {
        self.shared.stopped.store(true, Ordering::Release);
        for pending in self.pending.drain(..) {
            pending.reply.send(Outcome {
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
            pending.reply.send(Outcome {
                delivered: pending.delivered,
                failed: pending.failed,
                unsent: 0,
                timed_out: false,
            });
        }
    }

    fn should_send(&self) -> bool {
        if self.buffer.is_empty() {
            return false;
        }
        self.buffer.len() >= self.settings.batch_size || !self.pending.is_empty() || self.draining
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
        tracing::warn!(target: "mutagent_tracing", error = %message, "a span batch was not delivered");
        match self.shared.last_error.lock() {
            Ok(mut guard) => *guard = Some(message),
            Err(poisoned) => *poisoned.into_inner() = Some(message),
        }
    }

    fn request(&self, batch: &[SpanData]) -> ResponseFuture<BatchIngestion> {
        let traces = self.client.traces();
        match self.settings.protocol {
            Protocol::Batch => {
                traces.ingest_trace_batch(&to_new_traces(batch, &self.settings.defaults))
            }
            Protocol::Otlp => {
                traces.ingest_otlp(&to_export_request(batch, &self.settings.defaults))
            }
        }
    }

    /// Sends the oldest spans (up to one batch), while still answering control messages.
    async fn send_front(&mut self) {
        let count = self.buffer.len().min(self.settings.max_batch);
        let batch: Vec<SpanData> = self.buffer.drain(..count).collect();
        self.in_flight = batch.len();
        self.set_held();
        let mut future = pin!(self.request(&batch));
        drop(batch);
        let result = loop {
            let mut sleep = self
                .next_deadline()
                .map(|d| Box::pin(tokio::time::sleep_until(d)));
            let control_open = self.control_open;
            let control = &mut self.control;
            let wake = poll_fn(|cx| {
                if let Poll::Ready(result) = future.as_mut().poll(cx) {
                    return Poll::Ready(Wake::Sent(result));
                }
                if control_open {
                    match control.poll_recv(cx) {
                        Poll::Ready(Some(c)) => return Poll::Ready(Wake::Control(c)),
                        Poll::Ready(None) => return Poll::Ready(Wake::ControlClosed),
                        Poll::Pending => {}
                    }
                }
                if let Some(sleep) = sleep.as_mut() {
                    if sleep.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Wake::Timer);
                    }
                }
                Poll::Pending
            })
            .await;
            match wake {
                Wake::Sent(result) => break Some(result),
                Wake::Control(control) => self.accept(control),
                Wake::ControlClosed => self.control_open = false,
                Wake::Timer => {
                    let now = Instant::now();
                    // A flush deadline: answer it, keep sending. A shutdown deadline: stop.
                    if self.pending.iter().any(|p| p.shutdown && p.deadline <= now) {
                        break None;
                    }
                    self.expire(now);
                }
                Wake::Span(_) | Wake::SpansClosed | Wake::Notified => {}
            }
        };
        let spans = self.in_flight;
        match result {
            Some(Ok(answer)) if answer.success => {
                self.shared.batches_sent.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, true);
            }
            Some(Ok(_)) => {
                self.shared.batches_failed.fetch_add(1, Ordering::Relaxed);
                self.settle(spans, false);
                self.record_error("the server answered success: false".to_owned());
            }
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

    fn next_deadline(&self) -> Option<Instant> {
        self.pending.iter().map(|p| p.deadline).min()
    }

    /// Waits for a control message, a full batch, the next tick or a deadline (and, during a
    /// shutdown, for the queue to close).
    async fn wait(&mut self) {
        let wake_at = match self.next_deadline() {
            Some(deadline) => deadline.min(self.next_tick),
            None => self.next_tick,
        };
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
                    Poll::Ready(Some(c)) => return Poll::Ready(Wake::Control(c)),
                    Poll::Ready(None) => return Poll::Ready(Wake::ControlClosed),
                    Poll::Pending => {}
                }
            }
            if watch_spans {
                match spans.poll_recv(cx) {
                    Poll::Ready(Some(span)) => return Poll::Ready(Wake::Span(span)),
                    Poll::Ready(None) => return Poll::Ready(Wake::SpansClosed),
                    Poll::Pending => {}
                }
            }
            if notified.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Wake::Notified);
            }
            if sleep.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Wake::Timer);
            }
            Poll::Pending
        })
        .await;
        match wake {
            Wake::Control(control) => self.accept(control),
            Wake::ControlClosed => self.control_open = false,
            Wake::Span(span) => {
                self.buffer.push_back(span);
                self.set_held();
            }
            Wake::SpansClosed => self.spans_closed(),
            Wake::Notified | Wake::Timer | Wake::Sent(_) => {}
        }
    }
}
