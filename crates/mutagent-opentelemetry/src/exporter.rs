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

/// Settings of a [`MutagentSpanExporter`]. Defaults: [`Protocol::Batch`], source `otel`, 10 s
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

    /// How long one export may wait for its spans to be delivered (default 10 s;
    /// `Duration::MAX` sets no limit). Spans not delivered by then stay queued and go with the
    /// next export; the export reports an error. A request already on its way goes on, bounded
    /// by the inner exporter's own `request_timeout` (default 30 s, retries included; set it
    /// through [`exporter_settings`](Self::exporter_settings)).
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
pub struct MutagentSpanExporter {
    builder: MutagentSpanExporterBuilder,
    resource: ResourceFacts,
    inner: InnerExporter,
    /// Set by the first shutdown (the SDK's, the app's or the drop's). The SDK's trait shuts
    /// down through `&self` (since 0.29), so this is a flag beside the handle rather than the
    /// handle taken out of an `Option`; the handle stays readable through its clones.
    shut_down: AtomicBool,
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
    /// batches, their last error), added to the current one's in [`InnerExporter::stats`].
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
    /// ones it replaced recorded, sent, failed and dropped added in; `queued` and `held` are
    /// the current one's, `last_error` the current one's, else the last replaced one's.
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

/// Adds the running totals of `from` to `into` (not `queued` and `held`, which are the
/// current exporter's alone). Saturating: a counter never panics.
fn add_counts(into: &mut ExporterStats, from: &ExporterStats) {
    into.recorded = into.recorded.saturating_add(from.recorded);
    into.sent = into.sent.saturating_add(from.sent);
    into.failed = into.failed.saturating_add(from.failed);
    into.dropped = into.dropped.saturating_add(from.dropped);
    into.batches_sent = into.batches_sent.saturating_add(from.batches_sent);
    into.batches_failed = into.batches_failed.saturating_add(from.batches_failed);
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
            export_timeout: Duration::from_secs(10),
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
        outcome(&report, &exporter, timeout)
    }
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
        // fail at the export's deadline, its spans counted failed instead of staying queued,
        // and a `request_timeout` set through `exporter_settings` would be overwritten.
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

/// The export's answer from what the inner exporter reports.
fn outcome(report: &FlushReport, exporter: &Exporter, timeout: Duration) -> OTelSdkResult {
    if report.is_complete() {
        return Ok(());
    }
    if report.timed_out && report.failed == 0 && report.dropped == 0 {
        return Err(OTelSdkError::Timeout(timeout));
    }
    let last_error = exporter
        .stats()
        .last_error
        .map(|error| format!(": {error}"))
        .unwrap_or_default();
    Err(OTelSdkError::InternalFailure(format!(
        "MutagenT: {} span(s) not delivered (failed {}, still queued {}, dropped {}){last_error}",
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
        // Runs on the SDK's export thread (`futures_executor::block_on`): no Tokio needed,
        // the inner exporter's own thread does the sending.
        async move {
            let exporter = exporter?;
            // `Instant + Duration` panics when the sum cannot be represented (a timeout of
            // `Duration::MAX`, "no limit"): such a deadline is none, and each flush gets it all.
            let deadline = Instant::now().checked_add(timeout);
            let mut total = FlushReport::default();
            // At most a queue's worth at a time, so a batch larger than the inner queue (see
            // `into_batch_processor`) is not dropped at the queue.
            let mut chunks = batch.chunks(exporter.max_queue_size().max(1));
            for chunk in chunks.by_ref() {
                for span in chunk {
                    // A full queue drops the span and counts it; the report tells.
                    let mut span = span_data(span);
                    clip_span(&mut span, max_value_bytes);
                    exporter.record(span);
                }
                let left =
                    deadline.map_or(timeout, |at| at.saturating_duration_since(Instant::now()));
                let report = exporter.flush_async(left).await;
                // `outcome` never reads `delivered` (only what was not delivered), so this sum
                // shows nowhere; kept so `total` is a true report. mutants: equivalent.
                total.delivered += report.delivered;
                total.failed += report.failed;
                total.unsent += report.unsent;
                total.dropped += report.dropped;
                if report.timed_out {
                    total.timed_out = true;
                    break;
                }
            }
            // Chunks never queued because the deadline passed: not delivered, not queued.
            total.dropped += chunks.map(|chunk| chunk.len() as u64).sum::<u64>();
            outcome(&total, &exporter, timeout)
        }
    }

    /// Delivers what is left, waiting at most the export timeout, and stops the sender thread.
    /// What the SDK's batch processor calls when the provider shuts down (after its last
    /// export, which already waited for its spans, so this is quick).
    fn shutdown(&self) -> OTelSdkResult {
        self.shut_down_within(self.builder.export_timeout)
    }

    /// [`shutdown`](Self::shutdown), waiting at most `timeout` for what is left.
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.shut_down_within(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        let exporter = self.running()?;
        let timeout = self.builder.export_timeout;
        outcome(&exporter.flush(timeout), &exporter, timeout)
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
