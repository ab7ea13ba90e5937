//! The counters the handles and the sender share, and the snapshots and reports made of them.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::Mutex;

use super::wake::BatchWake;

/// Counters shared by the handles and the sender thread.
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) recorded: AtomicU64,
    pub(super) sent: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) dropped: AtomicU64,
    pub(super) dropped_reported: AtomicU64,
    pub(super) batches_sent: AtomicU64,
    pub(super) batches_failed: AtomicU64,
    pub(super) held: AtomicUsize,
    /// When `record` wakes the sender: a batch complete with the spans it already holds.
    pub(super) batch_wake: BatchWake,
    pub(super) stopped: AtomicBool,
    pub(super) last_error: Mutex<Option<String>>,
}

/// A snapshot of an exporter's counters.
///
/// `recorded = sent + failed + dropped + queued + held` at any quiet moment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExporterStats {
    /// Spans handed to [`Exporter::record`](crate::Exporter::record).
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

/// What [`Exporter::flush`](crate::Exporter::flush) or [`Exporter::shutdown`](crate::Exporter::shutdown) achieved.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undelivered_adds_up_every_span_not_delivered() {
        let report = FlushReport {
            delivered: 8,
            failed: 1,
            unsent: 2,
            dropped: 4,
            timed_out: true,
        };
        assert_eq!(report.undelivered(), 7);
        assert!(!report.is_complete());
        let delivered = FlushReport {
            delivered: 8,
            ..FlushReport::default()
        };
        assert_eq!(delivered.undelivered(), 0);
        assert!(delivered.is_complete());
    }
}
