//! [`ExporterBuilder`]: the exporter's settings, and starting the sender thread.

use std::sync::Arc;
use std::time::Duration;

use mutagent_core::{BlockingClient, CallOptions, Client, RetryPolicy};
use mutagent_traces::{Environment, TraceSource};
use tokio::sync::{mpsc, Notify};

use super::handle::{Exporter, HandleState};
use super::outage::Backoff;
use super::sender::{BatchSender, SendSettings};
use super::stats::Counters;
use super::timer::FlushTimer;
use crate::span::TraceDefaults;

/// The most spans one request may carry (the emulator accepts up to 1000 traces per batch).
const MAX_BATCH_LIMIT: usize = 1000;
/// The largest queue accepted.
const MAX_QUEUE_LIMIT: usize = 1 << 20;
/// The longest interval or request timeout accepted (longer ones are cut to this).
const MAX_WAIT: Duration = Duration::from_secs(86_400);

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
    /// `POST /api/traces/batch` in the hook format of the live 0.4.1 trace contract
    /// ([`mutagent_traces::v0_4`], built by [`to_hook_batch`](crate::to_hook_batch)), for
    /// servers that speak that generation. Its answer counts accepted and rejected traces: a
    /// batch with rejected traces is counted delivered (the server took the rest) and the
    /// server's note is kept in `last_error`; a batch with none accepted is counted failed.
    HookV0_4,
}

/// The clients an exporter can send through: [`Client`] and [`BlockingClient`], owned or
/// borrowed. The exporter sends through the async client's
/// [`with_own_connections`](Client::with_own_connections): its settings and retry budget, and
/// a connection pool of its own, driven by the sender thread's runtime, so a blocking
/// [`flush`](Exporter::flush) or [`shutdown`](Exporter::shutdown) never waits on a connection
/// that only the (blocked) calling runtime drives. With an HTTP client of your own
/// ([`ClientBuilder::http_client`](mutagent_core::ClientBuilder::http_client)) the exporter
/// shares it as it is.
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
/// spans per request, 30 s per request (retries included), a batch that failed for a reason
/// that may pass sent again after 1 s doubling to 30 s, 5 s to deliver what is left when the
/// last handle is dropped, source `sdk`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use mutagent_trace_exporter::{Environment, Exporter};
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
    redelivery: Backoff,
    defaults: TraceDefaults,
    protocol: Protocol,
}

impl ExporterBuilder {
    pub(super) fn new(client: Client) -> Self {
        Self {
            client,
            batch_size: 10,
            flush_interval: Duration::from_secs(5),
            max_queue_size: 2048,
            max_batch_size: 512,
            request_timeout: Duration::from_secs(30),
            drop_timeout: Duration::from_secs(5),
            retry_policy: None,
            redelivery: Backoff::default(),
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

    /// When a batch that failed for a reason that may pass (connection error, timeout, 5xx,
    /// 408, 429) is sent again, once the [`retry_policy`](Self::retry_policy)'s retries are
    /// spent: `first` after the first failed attempt, doubling with each one after it up to
    /// `max`, each wait drawn between its half and its whole, and never less than the server's
    /// `Retry-After` (cut to `max`). Default 1 s doubling to 30 s; `first` at least 1 ms, `max`
    /// between `first` and an hour.
    ///
    /// Meanwhile the batch's spans are kept (at most `max_batch_size`) and new spans wait in
    /// the queue, so an outage shorter than the queue takes to fill loses nothing; beyond
    /// that, new spans are dropped (see [`ExporterStats`](crate::ExporterStats)).
    pub fn redelivery_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.redelivery = Backoff::new(first, max);
        self
    }

    /// How long the sender keeps delivering after the last handle is dropped without
    /// [`Exporter::shutdown`] (default 5 s). The program may exit before; call `shutdown`.
    pub fn drop_timeout(mut self, timeout: Duration) -> Self {
        self.drop_timeout = timeout;
        self
    }

    /// The `source` of every trace (default `sdk`). A source outside the contract's list
    /// (`sdk`, `langchain`, `langgraph`, `vercel-ai`, `openai`, `otel`, `manual`) is sent as
    /// `sdk` and travels in `metadata.source`: the batch route would refuse the whole batch, as
    /// it would an unknown [`environment`](Self::environment).
    pub fn source(mut self, source: impl Into<TraceSource>) -> Self {
        self.defaults.source = Some(source.into());
        self
    }

    /// The `environment` of every trace (default none). One outside the contract's three
    /// travels in `metadata.environment` (the batch route would refuse the whole batch).
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

    /// The service name (default none): the OTLP resource's `service.name`, and `serviceName`
    /// in the trace's `metadata` for the batch and hook formats.
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
        let shared = Arc::new(Counters::default());
        let notify = Arc::new(Notify::new());
        let flush_interval = self
            .flush_interval
            .clamp(Duration::from_millis(1), MAX_WAIT);
        let sender = BatchSender::new(
            span_rx,
            control_rx,
            Arc::clone(&shared),
            Arc::clone(&notify),
            // Its own pool: a pooled connection of the application's is driven by the
            // application's runtime, which a blocking `flush` or `shutdown` may be holding.
            self.client.with_own_connections().with_options(options),
            SendSettings {
                batch_size,
                max_batch,
                flush_interval,
                drop_timeout: self.drop_timeout,
                redelivery: self.redelivery,
                defaults: self.defaults,
                protocol: self.protocol,
            },
        );
        mutagent_core::runtime_thread::spawn("mutagent-trace-exporter", move || sender.run())?;
        Ok(Exporter::from_inner(HandleState {
            spans: span_tx,
            control: control_tx,
            shared,
            notify,
            max_queue,
            max_batch,
            timer: FlushTimer::default(),
        }))
    }
}
