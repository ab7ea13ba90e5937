//! Unix nanoseconds for OTLP. RFC 3339 text (the ingest models' times) comes from a date-time
//! crate of the caller's choice, e.g. `chrono::Utc::now().to_rfc3339()`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch, as OTLP's `*UnixNano` fields want them. Times before the
/// epoch give 0; times past the year 2554 saturate at `u64::MAX`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// assert_eq!(mutagent_traces::unix_nanos(UNIX_EPOCH + Duration::from_millis(5)), 5_000_000);
/// ```
pub fn unix_nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_nanos()
        .try_into()
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanos() {
        assert_eq!(unix_nanos(UNIX_EPOCH), 0);
        assert_eq!(
            unix_nanos(UNIX_EPOCH + Duration::new(1_700_000_000, 5)),
            1_700_000_000_000_000_005
        );
        let before = UNIX_EPOCH
            .checked_sub(Duration::from_secs(1))
            .expect("repr");
        assert_eq!(unix_nanos(before), 0);
    }
}
