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
    pub(super) batches_deferred: AtomicU64,
    pub(super) held: AtomicUsize,
    /// Spans of a batch whose send failed for a reason that may pass, kept for the next attempt.
    pub(super) retained: AtomicUsize,
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
    /// Spans accepted into the queue but given up: their batch was refused (a 4xx other than
    /// 408 and 429, or a server answer refusing it), or they could not be delivered by the
    /// end of a shutdown (its deadline passed, or its last attempt failed). A batch that fails
    /// for a reason that may pass (connection error, timeout, 5xx, 408, 429) is not counted
    /// here: its spans are kept ([`retained`](Self::retained)) and sent again.
    pub failed: u64,
    /// Spans never queued: the queue was full (the server slow or down, with spans kept for
    /// it), or the exporter was shut down. Always the newest spans: nothing queued or kept is
    /// evicted for them.
    pub dropped: u64,
    /// Spans waiting in the queue now (never more than `max_queue_size`).
    pub queued: usize,
    /// Spans the sender holds now: taken off the queue, in a batch being built, sent, or kept
    /// for the next attempt (never more than `max_batch_size`).
    pub held: usize,
    /// Spans kept after their batch failed for a reason that may pass, waiting for the next
    /// attempt after a back-off (included in [`held`](Self::held); `0` once they are
    /// delivered).
    pub retained: usize,
    /// Batches acknowledged.
    pub batches_sent: u64,
    /// Batches given up.
    pub batches_failed: u64,
    /// Attempts at a batch that failed for a reason that may pass (connection error, timeout,
    /// 5xx, 408, 429) after the retry policy's retries: the batch was kept and sent again
    /// after a back-off (see
    /// [`ExporterBuilder::redelivery_backoff`](crate::ExporterBuilder::redelivery_backoff)).
    /// A server down for minutes adds one per back-off step.
    pub batches_deferred: u64,
    /// The last delivery error, if any.
    pub last_error: Option<String>,
}

/// What [`Exporter::flush`](crate::Exporter::flush) or [`Exporter::shutdown`](crate::Exporter::shutdown) achieved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FlushReport {
    /// Spans delivered, of those waiting when the call was made.
    pub delivered: u64,
    /// Spans whose batch was refused, or failed in the last attempt of a shutdown (they are not
    /// sent again).
    pub failed: u64,
    /// Spans not delivered when the call returned: still queued at the deadline, or kept
    /// after a failed attempt (the server down) with the next attempt due after the deadline.
    /// After `flush` they stay and go out later; after `shutdown` they are discarded (and
    /// counted as failed in the stats).
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
