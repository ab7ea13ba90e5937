//! What the handles ask of the sender thread (flush, shut down) and how it answers.

use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

/// A std instant `timeout` from now (far in the future if that overflows).
pub(super) fn deadline_after(timeout: Duration) -> std::time::Instant {
    let now = std::time::Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(86_400 * 365)))
        .unwrap_or(now)
}

/// A request from a handle to the sender thread.
pub(super) enum Control {
    Flush(FlushRequest),
    Shutdown(FlushRequest),
}

/// When a flush or shutdown must be answered by, and where the answer goes.
pub(super) struct FlushRequest {
    pub(super) deadline: Instant,
    pub(super) reply: Reply,
    /// Whether a flush waits for the next attempt at a kept batch when it comes before the
    /// deadline ([`Exporter::flush`](crate::Exporter::flush)), or answers once the spans it
    /// owns wait behind a back-off ([`Exporter::flush_attempt`](crate::Exporter::flush_attempt)).
    /// A shutdown never waits out a back-off.
    pub(super) waits_for_redelivery: bool,
}

/// Where the answer to a flush or shutdown goes: a blocking caller, an async one, or nobody.
pub(super) enum Reply {
    Blocking(std::sync::mpsc::SyncSender<FlushOutcome>),
    Async(oneshot::Sender<FlushOutcome>),
    /// The last handle was dropped: nobody waits.
    Nobody,
}

impl Reply {
    pub(super) fn send(self, outcome: FlushOutcome) {
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

/// What the sender achieved for one flush or shutdown (the handle adds the dropped count).
#[derive(Debug, Default)]
pub(super) struct FlushOutcome {
    pub(super) delivered: u64,
    pub(super) failed: u64,
    pub(super) unsent: u64,
    pub(super) timed_out: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_too_long_for_the_clock_means_a_year_away() {
        let before = std::time::Instant::now();
        let deadline = deadline_after(Duration::MAX);
        let year = Duration::from_secs(86_400 * 365);
        // Not "now" (every flush would time out at once), not a day: a year from the call.
        assert!(deadline >= before + year, "{:?}", deadline - before);
        assert!(
            deadline <= std::time::Instant::now() + year,
            "{:?}",
            deadline - before
        );
        let second = Duration::from_secs(1);
        let near = deadline_after(second);
        assert!(near >= before + second && near <= std::time::Instant::now() + second);
    }
}
