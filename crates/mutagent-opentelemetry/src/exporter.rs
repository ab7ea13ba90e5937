//! [`MutagentSpanExporter`]: an `opentelemetry_sdk` span exporter that delivers through the
//! batching [`Exporter`] of `mutagent-trace-exporter`, and its builder.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use mutagent_trace_exporter::{
    Environment, Exporter, ExporterBuilder, ExporterStats, FlushReport, IntoExportClient, Protocol,
    TraceSource,
};
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, SpanData as OtelSpanData, SpanExporter,
};
use opentelemetry_sdk::Resource;

use crate::clip::{clip_span, DEFAULT_MAX_VALUE_BYTES};
use crate::convert::span_data;
use crate::resource::ResourceFacts;

/// The most spans the inner exporter sends in one request (its own limit is 1000; the SDK's
/// batch processor hands over 512 at a time by default).
const SPANS_PER_REQUEST: usize = 512;

/// The largest queue [`MutagentSpanExporter::into_batch_processor`] gives the SDK's processor:
/// 2^16 = 65,536 spans. The SDK hands the size unchecked to `std::sync::mpsc::sync_channel`,
/// which allocates every slot up front (some 370 bytes a span): `usize::MAX` panicked
/// (capacity overflow), sizes a little lower asked for more memory than a machine has, and
/// the inner exporter's own limit (2^20) would take some 400 MB at once. At this one the queue
/// takes some 24 MB; it is below the inner exporter's limit, which the unit test checks.
const MAX_QUEUE_SIZE: usize = 1 << 16;

/// How long the SDK's batch processor (`opentelemetry_sdk` 0.33) waits for an answer: its
/// `force_flush` waits 5 s, fixed, and the provider's `shutdown` 5 s by default for the last
/// export and the exporter's `shutdown` together. An answer later than this is lost to the
/// caller, who gets the SDK's bare `Timeout(5s)` instead of what was not delivered and why.
const SDK_WAIT: Duration = Duration::from_secs(5);

/// Kept free of the SDK's wait for the hand-overs around our answer (the processor's channel,
/// our reply's grace, a busy machine), so that the answer arrives within [`SDK_WAIT`].
const SDK_WAIT_MARGIN: Duration = Duration::from_secs(1);

/// The default export timeout: within the SDK's 5 s with room for the hand-overs, so that a
/// `force_flush` answers with the export's own result rather than the SDK's `Timeout(5s)`.
const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_secs(4);

/// Settings of a [`MutagentSpanExporter`]. Defaults: [`Protocol::Batch`], source `otel`, 4 s
/// per export (retries included), attribute texts of at most 64 KiB, and the inner exporter's
/// defaults otherwise.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::{Duration, Instant};
/// use mutagent_opentelemetry::{MutagentSpanExporter, Protocol};
/// let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
/// let exporter = MutagentSpanExporter::builder(&client)
///     .protocol(Protocol::Otlp)
///     .export_timeout(Duration::from_secs(5))
///     .exporter_settings(|settings| settings.tags(["checkout"]).max_queue_size(8192))
///     .build()?;
/// # drop(exporter); Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct MutagentSpanExporterBuilder {
    settings: ExporterBuilder,
    protocol: Protocol,
    source: Option<TraceSource>,
    environment: Option<Environment>,
    export_timeout: Duration,
    max_value_bytes: usize,
}

impl MutagentSpanExporterBuilder {
    /// How spans are sent (default [`Protocol::Batch`]): the 0.1.2 batch, OTLP/JSON to the
    /// OTLP route, or the 0.4.1 hook format ([`Protocol::HookV0_4`]).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// The `source` of every trace. Default: `otel`; with [`Protocol::HookV0_4`], whose
    /// `source` is the service, the resource's `service.name` when it has one.
    pub fn source(mut self, source: impl Into<TraceSource>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The environment of traces whose resource names none (`deployment.environment.name` or
    /// `deployment.environment` win).
    pub fn environment(mut self, environment: impl Into<Environment>) -> Self {
        self.environment = Some(environment.into());
        self
    }

    /// How long one export may wait for its spans to be delivered (default 4 s;
    /// `Duration::MAX` sets no limit). Spans not delivered by then stay queued and go with the
    /// next export; the export reports an error. A request already on its way goes on, bounded
    /// by the inner exporter's own `request_timeout` (default 30 s, retries included; set it
    /// through [`exporter_settings`](Self::exporter_settings)).
    ///
    /// During an outage an export does not wait out this timeout: once its spans are kept
    /// after a failed attempt (see [`MutagentSpanExporter`]) it answers.
    ///
    /// Why 4 s: the SDK's batch processor waits 5 s, fixed, for a `force_flush`, and its
    /// `shutdown` 5 s by default for the last export and the exporter's shutdown together. An
    /// export that outlasts that wait still runs, but the app gets the SDK's bare `Timeout(5s)`
    /// instead of this exporter's error naming what was not delivered and why (10 s, the
    /// default before, did exactly that while a server hung). Longer suits an app that calls
    /// `shutdown_with_timeout` with a longer wait, or its own processor.
    pub fn export_timeout(mut self, timeout: Duration) -> Self {
        self.export_timeout = timeout;
        self
    }

    /// The longest attribute text kept whole, in bytes (default 64 KiB, `usize::MAX` for no
    /// limit). Longer texts in span and event attributes, span names, event names
    /// (`tracing-opentelemetry` names an event after its message) and error texts are cut to
    /// at most this many bytes, on a character boundary, and end with `…` (3 bytes more, as
    /// `MutagentLayer`'s `SpanLimits::max_value_bytes` cuts); the span counts them in the
    /// attribute `mutagent.truncated_values`. `input` and `output` (the GenAI messages, prompt and
    /// completion) are never cut.
    ///
    /// Why: the OpenTelemetry SDK limits how many attributes a span has, not how long they
    /// are, and one request carries up to 512 spans; a single huge value (a document, an
    /// image in base64) made that request too large for the server, and every span in it was
    /// lost.
    pub fn max_value_bytes(mut self, bytes: usize) -> Self {
        self.max_value_bytes = bytes;
        self
    }

    /// Any other setting of the inner [`ExporterBuilder`] (retry policy, tags, queue size...).
    /// The protocol, source and environment are set by this builder's own methods.
    pub fn exporter_settings(
        mut self,
        settings: impl FnOnce(ExporterBuilder) -> ExporterBuilder,
    ) -> Self {
        self.settings = settings(self.settings);
        self
    }

    /// Starts the inner exporter's sender thread and returns the span exporter.
    ///
    /// Fails only if the operating system refuses a thread or a runtime.
    pub fn build(self) -> std::io::Result<MutagentSpanExporter> {
        let resource = ResourceFacts::default();
        let inner = InnerExporter::new(start(&self, &resource)?);
        Ok(MutagentSpanExporter {
            builder: self,
            resource,
            inner,
            shut_down: AtomicBool::new(false),
            last_export: Mutex::new(None),
        })
    }
}

/// An [`opentelemetry_sdk::trace::SpanExporter`] that sends finished spans to MutagenT.
///
/// Give it to the SDK's batch processor
/// ([`into_batch_processor`](Self::into_batch_processor), then
/// `SdkTracerProvider::builder().with_span_processor(processor)`). Each export converts the
/// spans (see the crate documentation for the mapping), queues them in the batching
/// [`Exporter`] of `mutagent-trace-exporter` and waits until that exporter has delivered them
/// (its retries, timeouts and limits apply), so the SDK's `force_flush` and `shutdown` return
/// once the spans are delivered or the export timeout passed. [`shutdown`](SpanExporter::shutdown)
/// delivers what is left and stops the sender thread (the SDK's batch processor calls it when
/// the provider shuts down); so does dropping the exporter without it. Only the first of them
/// shuts down: a later `shutdown` answers `AlreadyShutdown`, a later drop does nothing.
///
/// During an outage (the server down, restarting or overloaded: a connection error, a timeout,
/// a 5xx, 408 or 429 after the retries) the inner exporter keeps the spans and sends them again
/// on its own after a back-off (1 s doubling to 30 s), while the app runs. An export does not
/// wait for that: once its spans are kept (or wait behind kept ones) it answers an
/// `InternalFailure` naming how many spans are not delivered, how many are kept, and the last
/// error, so the SDK's export thread is not held through the back-off and its `force_flush`
/// gets this answer within its 5 s. The spans are not lost: they go out when the server is
/// back. The shutdown makes one last attempt at once; what it cannot deliver is given up,
/// counted `failed` in [`InnerExporter::stats`], logged as a WARN event, and its error (which
/// the SDK's processor drops: the provider's `shutdown` answers `Ok` once it ended in time).
pub struct MutagentSpanExporter {
    builder: MutagentSpanExporterBuilder,
    resource: ResourceFacts,
    inner: InnerExporter,
    /// Set by the first shutdown (the SDK's, the app's or the drop's). The SDK's trait shuts
    /// down through `&self` (since 0.29), so this is a flag beside the handle rather than the
    /// handle taken out of an `Option`; the handle stays readable through its clones.
    shut_down: AtomicBool,
    /// When the last export began: [`shutdown`](SpanExporter::shutdown) fits in what is left of
    /// the SDK's wait after the export its processor makes just before it.
    last_export: Mutex<Option<Instant>>,
}

/// A handle on the batching [`Exporter`] that delivers a [`MutagentSpanExporter`]'s spans, for
/// its counters; from [`MutagentSpanExporter::inner`], taken before the exporter moves into the
/// SDK's processor. Clones share it.
///
/// It follows the span exporter's inner exporter when that one is replaced: the inner
/// exporter's service, source and environment are fixed when it starts, and the SDK hands the
/// resource that names them over only when the provider is built
/// ([`SpanExporter::set_resource`]), so a resource that changes them starts a new inner exporter.
/// A plain [`Exporter`] handle taken before would read that old one, shut down, its counters
/// never moving again (hostile review).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use mutagent_opentelemetry::MutagentSpanExporter;
/// use mutagent_opentelemetry::opentelemetry_sdk::{trace::SdkTracerProvider, Resource};
/// let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
/// let exporter = MutagentSpanExporter::new(&client)?;
/// let inner = exporter.inner().cloned().ok_or("shut down")?;
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(exporter.into_batch_processor(4096))
///     .with_resource(Resource::builder().with_service_name("checkout").build())
///     .build();
/// // ... spans ...
/// println!("{} spans delivered", inner.stats().sent);
/// # drop(provider); Ok(()) }
/// ```
#[derive(Clone)]
pub struct InnerExporter {
    shared: Arc<Mutex<Running>>,
}

/// The inner exporter delivering now, and the counters of those it replaced.
struct Running {
    current: Exporter,
    /// What the replaced inner exporters counted (`recorded`, `sent`, `failed`, `dropped`,
    /// batches sent, failed and deferred, their last error), added to the current one's in
    /// [`InnerExporter::stats`].
    retired: ExporterStats,
}

impl fmt::Debug for InnerExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InnerExporter")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl InnerExporter {
    fn new(exporter: Exporter) -> Self {
        Self {
            shared: Arc::new(Mutex::new(Running {
                current: exporter,
                retired: ExporterStats::default(),
            })),
        }
    }

    /// The lock holds no invariant a panic elsewhere could break (it is only ever held to
    /// read or swap), so a poisoned one is used as it is.
    fn running(&self) -> MutexGuard<'_, Running> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The inner exporter delivering now (a handle on it): to read its limits, or record spans
    /// of your own beside the SDK's. Take it again after the provider is built; a handle kept
    /// from before reads an exporter a resource may have replaced.
    pub fn current(&self) -> Exporter {
        self.running().current.clone()
    }

    /// The counters ([`Exporter::stats`]) of the inner exporter delivering now, with what the
    /// ones it replaced recorded, sent, failed, dropped and deferred added in; `queued`, `held`
    /// and `retained` (what it holds now) are the current one's, `last_error` the current
    /// one's, else the last replaced one's.
    pub fn stats(&self) -> ExporterStats {
        let running = self.running();
        let mut stats = running.current.stats();
        add_counts(&mut stats, &running.retired);
        if stats.last_error.is_none() {
            stats.last_error.clone_from(&running.retired.last_error);
        }
        stats
    }

    /// Whether the inner exporter delivering now is shut down: once the span exporter is shut
    /// down or dropped, which the provider's `shutdown` does.
    pub fn is_shut_down(&self) -> bool {
        self.running().current.is_shut_down()
    }

    /// Puts `fresh` in the place of the current exporter, whose counters are kept. The old one
    /// is shut down first, still current, so its last deliveries are counted once and no
    /// reader sees them missing.
    fn replace(&self, fresh: Exporter, timeout: Duration) {
        let old = self.current();
        old.shutdown(timeout);
        let mut running = self.running();
        let final_stats = old.stats();
        add_counts(&mut running.retired, &final_stats);
        if final_stats.last_error.is_some() {
            running.retired.last_error = final_stats.last_error;
        }
        running.current = fresh;
    }
}

/// Adds the running totals of `from` to `into` (not `queued`, `held` and `retained`: what an
/// exporter holds now, the current exporter's alone; a replaced one holds nothing once shut
/// down). Saturating: a counter never panics.
fn add_counts(into: &mut ExporterStats, from: &ExporterStats) {
    into.recorded = into.recorded.saturating_add(from.recorded);
    into.sent = into.sent.saturating_add(from.sent);
    into.failed = into.failed.saturating_add(from.failed);
    into.dropped = into.dropped.saturating_add(from.dropped);
    into.batches_sent = into.batches_sent.saturating_add(from.batches_sent);
    into.batches_failed = into.batches_failed.saturating_add(from.batches_failed);
    into.batches_deferred = into.batches_deferred.saturating_add(from.batches_deferred);
}

impl fmt::Debug for MutagentSpanExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutagentSpanExporter")
            .field("protocol", &self.builder.protocol)
            .field("inner", &self.inner())
            .finish_non_exhaustive()
    }
}

/// Dropped without [`shutdown`](SpanExporter::shutdown): shut down now, delivering what is left
/// within the export timeout. Without this, an exporter dropped unshut (the SDK's batch processor
/// 0.28 ended every exporter this way; an app's own processor may still) left the inner
/// exporter's sender thread running, and an [`InnerExporter`] handle read it as not shut down,
/// for as long as the app kept that handle. After a `shutdown` (what the batch processor of
/// 0.33 calls before it drops the exporter) it does nothing.
impl Drop for MutagentSpanExporter {
    fn drop(&mut self) {
        if !self.shut_down.swap(true, Ordering::AcqRel) {
            // Quick when nothing is queued (the last export waited for its spans).
            self.inner.current().shutdown(self.builder.export_timeout);
        }
    }
}

impl MutagentSpanExporter {
    /// A builder sending through `client` (a [`Client`](mutagent_core::Client) or a
    /// [`BlockingClient`](mutagent_core::BlockingClient)).
    pub fn builder(client: impl IntoExportClient) -> MutagentSpanExporterBuilder {
        MutagentSpanExporterBuilder {
            settings: Exporter::builder(client)
                // Every export flushes; until then spans wait for one full request.
                .batch_size(SPANS_PER_REQUEST)
                .max_batch_size(SPANS_PER_REQUEST),
            protocol: Protocol::Batch,
            source: None,
            environment: None,
            export_timeout: DEFAULT_EXPORT_TIMEOUT,
            max_value_bytes: DEFAULT_MAX_VALUE_BYTES,
        }
    }

    /// A span exporter with the default settings ([`Protocol::Batch`]).
    pub fn new(client: impl IntoExportClient) -> std::io::Result<Self> {
        Self::builder(client).build()
    }

    /// The SDK's batch processor over this exporter with a queue of `queue_size` spans, each
    /// export taking up to the whole queue instead of the SDK's default 512: fewer, larger
    /// exports, each of which waits for its delivery (this exporter splits a large export into
    /// requests of at most 512 spans itself).
    ///
    /// In `opentelemetry_sdk` 0.33 the default processor (`with_batch_exporter`, queue 2048,
    /// batches of 512) also delivers a whole burst at `force_flush` and `shutdown`, in batches;
    /// in 0.28 it exported one batch of 512 and lost the rest, which is why this method exists.
    /// Use it to choose the queue: a full queue drops new spans until the next export.
    ///
    /// `queue_size` is taken between 1 and 65,536: the SDK allocates the whole queue up front,
    /// a slot of a few hundred bytes per span (some 24 MB at the limit), so a larger one would
    /// take memory before any span exists, or panic. Pick the size your app needs (see above).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use mutagent_opentelemetry::MutagentSpanExporter;
    /// use mutagent_opentelemetry::opentelemetry_sdk::trace::SdkTracerProvider;
    /// let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
    /// let provider = SdkTracerProvider::builder()
    ///     .with_span_processor(MutagentSpanExporter::new(&client)?.into_batch_processor(4096))
    ///     .build();
    /// # drop(provider); Ok(()) }
    /// ```
    pub fn into_batch_processor(self, queue_size: usize) -> BatchSpanProcessor {
        // Clamped: the SDK gives this size to `sync_channel`, which allocates it all at once
        // and panics past `isize::MAX` bytes (see `MAX_QUEUE_SIZE`).
        let queue_size = queue_size.clamp(1, MAX_QUEUE_SIZE);
        BatchSpanProcessor::builder(self)
            .with_batch_config(
                BatchConfigBuilder::default()
                    .with_max_queue_size(queue_size)
                    .with_max_export_batch_size(queue_size)
                    .build(),
            )
            .build()
    }

    /// A handle on the batching exporter that delivers the spans, for its counters
    /// ([`InnerExporter::stats`]); `None` once shut down. Clone it before the exporter moves
    /// into the SDK's processor: it keeps counting after the provider is built, even when the
    /// resource restarts the inner exporter (see [`InnerExporter`]).
    pub fn inner(&self) -> Option<&InnerExporter> {
        (!self.shut_down.load(Ordering::Acquire)).then_some(&self.inner)
    }

    /// The inner exporter delivering now, `AlreadyShutdown` once shut down.
    fn running(&self) -> Result<Exporter, OTelSdkError> {
        self.inner()
            .map(InnerExporter::current)
            .ok_or(OTelSdkError::AlreadyShutdown)
    }

    /// Shuts the inner exporter down, waiting at most `timeout` for what it holds; only the
    /// first call does (the SDK's batch processor calls `shutdown`, and then drops the exporter).
    fn shut_down_within(&self, timeout: Duration) -> OTelSdkResult {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        // The handle stays readable (shut down, with its counters) through its clones.
        let exporter = self.inner.current();
        let report = exporter.shutdown(timeout);
        let answer = outcome(&report, &exporter, timeout, Answering::Shutdown);
        if let Err(error) = &answer {
            // The SDK's batch processor drops this answer (the provider's `shutdown` answers
            // `Ok` once it ended in time): the spans given up are told here, not only counted.
            tracing::warn!(
                target: "mutagent_opentelemetry",
                %error,
                given_up = report.undelivered(),
                "the exporter shut down without delivering every span"
            );
        }
        answer
    }

    /// The wait of [`shutdown`](SpanExporter::shutdown): the export timeout, but no more than
    /// what is left of the SDK's wait if an export began within it (the batch processor's
    /// shutdown makes its last export and then calls `shutdown`, all within its 5 s): an
    /// export of 4 s and a shutdown of 4 s left the provider's `shutdown` with the SDK's bare
    /// `Timeout(5s)`. An export timeout longer than the SDK's wait is the app's choice to wait
    /// longer (with the provider's `shutdown_with_timeout`, whose wait the SDK does not pass
    /// on): it is kept whole.
    fn shutdown_wait(&self) -> Duration {
        let timeout = self.builder.export_timeout;
        if timeout > SDK_WAIT {
            return timeout;
        }
        let began = *self
            .last_export
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // An export that began before the SDK's wait cannot be part of it.
        let spent = began
            .map(|began| began.elapsed())
            .filter(|spent| *spent < SDK_WAIT)
            .unwrap_or(Duration::ZERO);
        let left = SDK_WAIT
            .saturating_sub(SDK_WAIT_MARGIN)
            .saturating_sub(spent);
        timeout.min(left)
    }
}

/// Whose answer [`outcome`] makes: an export (or flush), whose undelivered spans stay, or a
/// shutdown, whose undelivered spans are given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answering {
    Export,
    Shutdown,
}

/// The inner exporter for `builder`'s settings with the resource's service and environment
/// applied.
fn start(
    builder: &MutagentSpanExporterBuilder,
    facts: &ResourceFacts,
) -> std::io::Result<Exporter> {
    let mut settings = builder
        .settings
        .clone()
        // Not `request_timeout(export_timeout)`: a batch sent as the export starts would then
        // be cut off at the export's deadline, kept and sent whole again after a back-off (the
        // server may have stored it already) instead of finishing, and a `request_timeout` set
        // through `exporter_settings` would be overwritten.
        .protocol(builder.protocol);
    let source =
        builder
            .source
            .clone()
            .unwrap_or_else(|| match (&facts.service_name, builder.protocol) {
                (Some(service), Protocol::HookV0_4) => TraceSource::from(service.as_str()),
                _ => TraceSource::Otel,
            });
    settings = settings.source(source);
    if let Some(service) = &facts.service_name {
        settings = settings.service_name(service.as_str());
    }
    let environment = facts
        .environment
        .as_deref()
        .map(Environment::from)
        .or_else(|| builder.environment.clone());
    if let Some(environment) = environment {
        settings = settings.environment(environment);
    }
    settings.build()
}

/// The answer of an export, flush or shutdown from what the inner exporter reports.
///
/// The SDK's `Timeout` only for an export whose spans were still on their way or queued at
/// its deadline with nothing refused, dropped or kept through an outage: the server is slow,
/// not down. Otherwise an `InternalFailure` naming the counts and the last error: during an
/// outage how many spans are kept for the server's return, at shutdown that they are given up.
fn outcome(
    report: &FlushReport,
    exporter: &Exporter,
    timeout: Duration,
    answering: Answering,
) -> OTelSdkResult {
    if report.is_complete() {
        return Ok(());
    }
    let stats = exporter.stats();
    let slow = report.timed_out && report.failed == 0 && report.dropped == 0;
    if answering == Answering::Export && slow && stats.retained == 0 {
        return Err(OTelSdkError::Timeout(timeout));
    }
    let last_error = stats
        .last_error
        .map(|error| format!(": {error}"))
        .unwrap_or_default();
    let fate = match answering {
        Answering::Export if stats.retained > 0 => format!(
            "; {} kept through an outage, sent again after a back-off",
            stats.retained
        ),
        Answering::Export => String::new(),
        Answering::Shutdown => "; given up at shutdown".to_owned(),
    };
    Err(OTelSdkError::InternalFailure(format!(
        "MutagenT: {} span(s) not delivered (failed {}, still queued {}, dropped {}{fate}){last_error}",
        report.undelivered(),
        report.failed,
        report.unsent,
        report.dropped,
    )))
}

impl SpanExporter for MutagentSpanExporter {
    fn export(&self, batch: Vec<OtelSpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        // Taken now, not when the future first runs: an export asked for before the shutdown
        // is no `AlreadyShutdown`, and the future owns all it needs.
        let exporter = self.running();
        let timeout = self.builder.export_timeout;
        let max_value_bytes = self.builder.max_value_bytes;
        *self
            .last_export
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        // Runs on the SDK's export thread (`futures_executor::block_on`): no Tokio needed,
        // the inner exporter's own thread does the sending.
        // What the inner exporter records for one of the SDK's spans.
        let converted = move |span: &OtelSpanData| {
            let mut span = span_data(span);
            clip_span(&mut span, max_value_bytes);
            span
        };
        async move {
            let exporter = exporter?;
            // `Instant + Duration` panics when the sum cannot be represented (a timeout of
            // `Duration::MAX`, "no limit"): such a deadline is none, and each flush gets it all.
            let deadline = Instant::now().checked_add(timeout);
            let mut total = FlushReport::default();
            // At most a queue's worth at a time, so a batch larger than the inner queue (see
            // `into_batch_processor`) is not dropped at the queue.
            let mut chunks = batch.chunks(exporter.max_queue_size().max(1));
            let mut kept = false;
            for chunk in chunks.by_ref() {
                for span in chunk {
                    // A full queue drops the span and counts it; the report tells.
                    exporter.record(converted(span));
                }
                let left =
                    deadline.map_or(timeout, |at| at.saturating_duration_since(Instant::now()));
                // Not `flush_async`: during an outage it would wait for the redelivery attempts
                // that come before the deadline, holding the SDK's export thread through the
                // back-off; the inner exporter sends the kept spans again on its own.
                let report = exporter.flush_attempt_async(left).await;
                // `outcome` never reads `delivered` (only what was not delivered), so this sum
                // shows nowhere; kept so `total` is a true report. mutants: equivalent.
                total.delivered += report.delivered;
                total.failed += report.failed;
                total.unsent += report.unsent;
                total.dropped += report.dropped;
                if report.timed_out || report.unsent > 0 {
                    // Kept through an outage, or still on their way at the deadline (the
                    // server slow): the rest would only wait behind them.
                    total.timed_out |= report.timed_out;
                    kept = true;
                    break;
                }
            }
            if kept {
                // Queued behind the spans not yet delivered (the inner exporter sends them
                // once the server answers), so every span given is counted in its stats,
                // but not flushed chunk by chunk, whose reports would each count the earlier
                // spans again.
                let mut full = false;
                for span in chunks.flatten() {
                    if exporter.record(converted(span)) {
                        total.unsent += 1;
                    } else {
                        full = true;
                    }
                }
                if full {
                    // The spans the full queue dropped, taken from a report (which counts each
                    // drop once, so a later export does not report them again).
                    total.dropped += exporter.flush_attempt_async(Duration::ZERO).await.dropped;
                }
            }
            outcome(&total, &exporter, timeout, Answering::Export)
        }
    }

    /// Delivers what is left and stops the sender thread, waiting at most the export timeout,
    /// and (unless that is longer than 5 s) no more than what is left of the SDK's 5 s after an
    /// export that began within them: what the SDK's batch processor calls when the provider
    /// shuts down, after its last export (which already waited for its spans, so this is quick
    /// unless the server is down), all within one 5 s wait. Spans kept through an outage get one
    /// last attempt at once; what is not delivered is given up and is this call's error (which
    /// the SDK's processor drops; it is also a WARN event and counted `failed`).
    fn shutdown(&self) -> OTelSdkResult {
        self.shut_down_within(self.shutdown_wait())
    }

    /// [`shutdown`](Self::shutdown), waiting at most `timeout` for what is left.
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.shut_down_within(timeout)
    }

    /// Waits for what the inner exporter holds, at most the export timeout, and not through an
    /// outage's back-off (as an export).
    fn force_flush(&self) -> OTelSdkResult {
        let exporter = self.running()?;
        let timeout = self.builder.export_timeout;
        let report = exporter.flush_attempt(timeout);
        outcome(&report, &exporter, timeout, Answering::Export)
    }

    /// Applies the resource's `service.name` and deployment environment. The provider calls
    /// this once when it is built, before any span; if the resource changes what is sent, the
    /// inner exporter is restarted with the new values (the old one delivers what it holds),
    /// since its trace defaults are fixed when it starts. The [`InnerExporter`] handle follows
    /// the restart, its counters kept.
    fn set_resource(&mut self, resource: &Resource) {
        let facts = ResourceFacts::of(resource);
        if facts == self.resource || self.inner().is_none() {
            self.resource = facts;
            return;
        }
        self.resource = facts;
        match start(&self.builder, &self.resource) {
            Ok(fresh) => self.inner.replace(fresh, self.builder.export_timeout),
            Err(error) => tracing::warn!(
                target: "mutagent_opentelemetry",
                %error,
                "could not restart the exporter with the new resource; keeping the old settings"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `MAX_QUEUE_SIZE` stays within the inner exporter's own limit (private to
    /// `mutagent-trace-exporter`; asked for an unbounded queue, it clamps to it), so the
    /// processor's queue never holds more than the exporter behind it could.
    #[test]
    fn the_processor_queue_limit_is_the_inner_exporters() {
        let client = mutagent_core::Client::builder()
            .api_key("mt_unit_test")
            .server_url("http://127.0.0.1:9")
            .build()
            .expect("client");
        let inner = Exporter::builder(client)
            .max_queue_size(usize::MAX)
            .build()
            .expect("exporter");
        assert!(
            MAX_QUEUE_SIZE <= inner.max_queue_size(),
            "{}",
            inner.max_queue_size()
        );
        inner.shutdown(Duration::from_secs(1));
    }
}
