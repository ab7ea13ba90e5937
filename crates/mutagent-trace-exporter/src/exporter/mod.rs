//! The batching exporter: [`Exporter`], its [`ExporterBuilder`], [`ExporterStats`] and
//! [`FlushReport`].
//!
//! One module a job: `builder` (settings and start-up), `handle` (the [`Exporter`] the
//! application holds), `stats` (counters and reports), `control` (what the handles ask of the
//! sender thread and how it answers), `sender` (the sender thread's loop), `outage` (when a
//! batch that failed for a reason that may pass is sent again), `wake` (when
//! `record` wakes the sender), `timer` (the thread that bounds async flushes by their
//! deadline).
//!
//! # How it works
//!
//! * [`Exporter::record`] puts a finished span in a bounded queue (Tokio's `mpsc` channel,
//!   `try_send`: a few atomic operations and a lock-free push). It never blocks and never
//!   waits on the network. When the queue is full the span is dropped and counted. The sender is
//!   woken only when a batch is complete (as many spans queued as complete a batch with the
//!   part of one the sender already holds), once, by the first `record` that finds the queue at
//!   or past that length (several threads recording at once may all read past the exact
//!   length), not for every span, so recording rarely pays for a thread wake-up.
//! * One background thread named `mutagent-trace-exporter`, with a current-thread Tokio runtime of its
//!   own, takes spans off the queue and sends them: as soon as `batch_size` spans are waiting, and
//!   every `flush_interval` whatever is waiting (as the official SDKs do), so no span waits longer
//!   than one interval. One request carries up to `max_batch_size` spans, grouped by trace, to
//!   `POST /api/traces/batch` (or to `POST /api/traces/otlp` with [`Protocol::Otlp`]).
//! * A dedicated thread rather than a task on the caller's runtime: it works the same in blocking
//!   programs and in async ones, it never competes with the application's tasks, it keeps working
//!   while the application's runtime shuts down (so `shutdown` can still deliver), and it needs no
//!   runtime to exist when spans are recorded.
//! * [`Exporter::flush_async`] and [`Exporter::shutdown_async`] return by their deadline on a
//!   clock of the exporter's, not a Tokio timer (the caller may be outside Tokio or on a runtime
//!   without the time driver): one thread named `mutagent-timer` per exporter, started by the
//!   first async flush, holding every waiting flush's deadline and sleeping until the earliest.
//!   It ends when the exporter is shut down or its last handle dropped.
//! * The sender makes its requests with no `tracing` subscriber: the client's `mutagent.call`
//!   spans and events of a delivery never reach the application's subscriber (an OpenTelemetry
//!   layer there would export each delivery, and with OpenTelemetry's simple processor wait on
//!   itself). The exporter's own WARN events (target `mutagent_trace_exporter`) still do.
//! * A failed request is retried under the client's [`RetryPolicy`] (or the one set with
//!   [`ExporterBuilder::retry_policy`]) with POST retries switched on for these calls. After the
//!   last retry, a batch refused by the server (a 4xx other than 408 and 429) is given up and
//!   its spans counted as failed; one that failed for a reason that may pass (`outage`) is kept
//!   at the front of the sender's buffer and sent again after a back-off, growing with each
//!   failed attempt and capped: one attempt per step, nothing else sends meanwhile, and the
//!   queue takes new spans until it is full. Unlike the OpenTelemetry batch processor, a
//!   server restart or a deploy therefore loses nothing the queue had room for. Retried batches
//!   are byte-identical (one sent again after an outage may carry more spans behind the kept
//!   ones) and every span keeps the ids it got when it started, so a server that stores a
//!   batch twice (the first answer was lost, the retry arrived too) can de-duplicate by
//!   trace id and span id; the emulator does (it upserts spans by id within a trace). Delivery is
//!   therefore *at least once*, with stable ids. A batch the server answered with a 2xx is
//!   never sent again, even when that answer broke off, could not be decoded, was over the
//!   size limit or was still arriving at the timeout (the server has stored it): it counts as
//!   delivered, and the note is kept in `last_error`.
//!
//! Memory is bounded: at most `max_queue_size` spans wait in the queue and at most
//! `max_batch_size` more are held by the sender (kept spans included: while they wait, the
//! sender takes no more off the queue than fit in one batch with them).
//!
//! When the queue is full the *newest* span is dropped, not the oldest kept or queued one: the
//! older spans are the parents and roots the ones after them refer to, dropping at `record`
//! costs the application one failed `try_send` and tells it (`record` returns `false`), and
//! what reaches the server stays in the order it happened.

mod builder;
mod control;
mod handle;
mod outage;
mod sender;
mod stats;
mod timer;
mod wake;

pub use builder::{ExporterBuilder, IntoExportClient, Protocol};
pub use handle::Exporter;
pub use stats::{ExporterStats, FlushReport};
