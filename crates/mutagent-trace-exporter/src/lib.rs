//! Trace ingestion from Rust apps for MutagenT: a batching [`Exporter`] that never slows the
//! application, a `tracing` layer (`MutagentLayer`, feature `layer`) and OTLP/JSON conversion
//! ([`otlp`]).
//!
//! ```no_run
//! # #[cfg(feature = "layer")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use tracing::Instrument;
//! use tracing_subscriber::layer::SubscriberExt;
//! use mutagent_trace_exporter::{Exporter, MutagentLayer};
//!
//! let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
//! let exporter = Exporter::new(&client)?;
//! tracing::subscriber::set_global_default(
//!     tracing_subscriber::registry().with(MutagentLayer::new(exporter.clone())),
//! )?;
//!
//! async {
//!     let chat = tracing::info_span!(
//!         "chat",
//!         mutagent.kind = "llm.chat",
//!         gen_ai.request.model = "gpt-4o",
//!         gen_ai.usage.output_tokens = tracing::field::Empty,
//!     );
//!     async { /* call the model */ }.instrument(chat.clone()).await;
//!     chat.record("gen_ai.usage.output_tokens", 30);
//! }
//! .instrument(tracing::info_span!("answer", mutagent.kind = "chain", session.id = "s-42"))
//! .await;
//!
//! // Before the program ends: deliver what is buffered, and see what could not be.
//! let report = exporter.shutdown_async(Duration::from_secs(5)).await;
//! println!("delivered {}, lost {}", report.delivered, report.undelivered());
//! # Ok(()) }
//! ```
//!
//! # Delivery guarantees
//!
//! * Recording never blocks and never waits on the network: a span goes into a bounded queue
//!   (`max_queue_size`, default 2048); when the queue is full the new span is **dropped** and
//!   counted ([`ExporterStats::dropped`]); nothing already queued is evicted for it.
//! * Spans leave in batches grouped by trace: when `batch_size` (default 10) are waiting, or
//!   `flush_interval` (default 5 s) after the oldest arrived. A failed batch is retried under
//!   the client's retry policy (POST retries switched on for it).
//! * A batch that still fails after the last retry for a reason that may pass (connection
//!   error, timeout, 5xx, 408, 429: the server down, restarting or overloaded) is **kept**: its
//!   spans stay at the front, in order, and are sent again after a back-off
//!   ([`ExporterBuilder::redelivery_backoff`], 1 s doubling to 30 s with jitter), one attempt
//!   per step, while new spans wait in the queue. An outage shorter than the queue takes to
//!   fill loses nothing; beyond that the newest spans are dropped at `record`. Kept spans show
//!   as [`ExporterStats::retained`], each failed attempt as [`ExporterStats::batches_deferred`].
//! * A batch the server refuses (400, 401, 403, 413, 422, or an answer refusing it) would be
//!   refused again: its spans are **failed** ([`ExporterStats::failed`]) at once and not sent
//!   again.
//! * Retries send the same ids again, so delivery is *at least once*: a server that received
//!   a batch whose answer was lost may see it twice and can de-duplicate by trace and span id.
//! * [`Exporter::flush`] and [`Exporter::shutdown`] deliver what is waiting within a deadline and
//!   return a [`FlushReport`] (delivered, failed, unsent, dropped). Spans kept for the next
//!   attempt are `unsent`, never `delivered`; a flush whose deadline comes before that attempt
//!   returns at once. A shutdown makes a last attempt at once (no back-off); if the server is
//!   still down, it gives up what it holds and reports it, as it does spans still waiting when
//!   its deadline passes.
//!
//! See [docs/tracing.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/tracing.md) for the whole guide.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod exporter;
mod ids;
#[cfg(feature = "layer")]
#[cfg_attr(docsrs, doc(cfg(feature = "layer")))]
pub mod layer;
pub mod otlp;
mod span;

pub use exporter::{
    Exporter, ExporterBuilder, ExporterStats, FlushReport, IntoExportClient, Protocol,
};
pub use ids::{ParseIdError, SpanId64, TraceId128};
#[cfg(feature = "layer")]
#[cfg_attr(docsrs, doc(cfg(feature = "layer")))]
pub use layer::MutagentLayer;
pub use mutagent_traces::{Environment, SpanKind, Status, TokenUsage, TraceSource};
pub use span::{to_hook_batch, to_new_traces, SpanData, SpanEventData, TraceDefaults};
