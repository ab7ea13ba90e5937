//! [`BatchWake`]: when `record` wakes the sender thread, once a batch is complete.

use std::sync::atomic::{fence, AtomicUsize, Ordering};

/// The threshold of a disarmed latch: no queue length reaches it.
const DISARMED: usize = usize::MAX;

/// A latch the sender arms before it waits, with the queue length that completes a batch
/// (counting the spans it already holds); the first `record` that finds the queue at or past
/// that length takes it and wakes the sender, once per arming.
///
/// `>=`, not `==`: with several threads recording, two may push before either reads the
/// length, and both read one past the exact value. The hot path stays a fence, two loads and a
/// compare; only the record that crosses the threshold pays for a compare-exchange and the
/// wake-up.
#[derive(Debug)]
pub(super) struct BatchWake {
    threshold: AtomicUsize,
}

impl Default for BatchWake {
    /// Disarmed: until the sender first waits, it looks at the queue itself.
    fn default() -> Self {
        Self {
            threshold: AtomicUsize::new(DISARMED),
        }
    }
}

impl BatchWake {
    /// For `record`, right after its span was queued: whether it must wake the sender.
    /// `queued` reads the queue length.
    ///
    /// The fence pairs with the one in [`arm`](Self::arm): either the sender's check sees this
    /// span, or this record sees the threshold. Of the records that queue spans while the
    /// sender waits, the last one's reads come after every other record's push, so it finds
    /// the whole queue and the threshold, unless someone took the latch first.
    pub(super) fn span_queued(&self, queued: impl FnOnce() -> usize) -> bool {
        fence(Ordering::SeqCst);
        let queued = queued();
        let threshold = self.threshold.load(Ordering::Relaxed);
        queued >= threshold
            && self
                .threshold
                .compare_exchange(threshold, DISARMED, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    /// For the sender, before it waits: arms the latch at `threshold` queued spans, then looks
    /// at the queue (`queued`) once more, since a span queued before the latch was armed woke
    /// nobody. `true` when the queue reached the threshold already: the latch is disarmed and
    /// the sender must not wait.
    pub(super) fn arm(&self, threshold: usize, queued: impl FnOnce() -> usize) -> bool {
        self.threshold.store(threshold, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if queued() >= threshold {
            self.disarm();
            return true;
        }
        false
    }

    /// For the sender, once awake: records need not wake it until it arms the latch again.
    pub(super) fn disarm(&self) {
        self.threshold.store(DISARMED, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_record_at_or_past_the_threshold_takes_the_latch_once() {
        let wake = BatchWake::default();
        assert!(
            !wake.span_queued(|| 1_000),
            "disarmed until the sender arms it"
        );
        assert!(!wake.arm(3, || 1));
        assert!(!wake.span_queued(|| 2));
        // Two records pushed before either read the length: both see 4, one wakes.
        assert!(wake.span_queued(|| 4), "past the threshold still wakes");
        assert!(!wake.span_queued(|| 4), "once per arming");
        assert!(!wake.span_queued(|| 5));
        assert!(!wake.arm(2, || 0));
        assert!(
            wake.span_queued(|| 2),
            "armed again, exactly at the threshold"
        );
    }

    #[test]
    fn arming_with_the_batch_already_queued_tells_the_sender_not_to_wait() {
        let wake = BatchWake::default();
        assert!(wake.arm(3, || 3));
        assert!(
            !wake.span_queued(|| 4),
            "the sender is awake: the latch is disarmed"
        );
        assert!(!wake.arm(3, || 2));
        wake.disarm();
        assert!(!wake.span_queued(|| 10));
    }
}
