//! Times as the ingest models want them: RFC 3339 text ([`rfc3339`]) for the trace and span
//! times, Unix nanoseconds ([`unix_nanos`]) for OTLP, so that sending a trace needs no date-time
//! crate of the app's own. The calendar arithmetic is `humantime`'s (a well-kept crate already in
//! the umbrella's tree), not ours: no date library of our own.

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

/// `time` as RFC 3339 text in UTC with milliseconds (`2026-11-01T10:00:00.123Z`; finer digits
/// are dropped), the form of the start, end and event times of [`NewTrace`](crate::NewTrace),
/// [`NewSpan`](crate::NewSpan) and [`SpanEvent`](crate::SpanEvent).
///
/// A clock set before 1970 gives `1970-01-01T00:00:00.000Z` and one past the year 9999 gives
/// `9999-12-31T23:59:59.999Z` (RFC 3339 has four year digits), so any `SystemTime` gives a
/// valid time rather than a panic.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use mutagent_traces::{rfc3339, NewSpan, NewTrace, SpanKind};
///
/// let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
/// assert_eq!(rfc3339(at), "2023-11-14T22:13:20.123Z");
///
/// let now = rfc3339(SystemTime::now());
/// let trace = NewTrace::new("trace-1", now.clone())
///     .span(NewSpan::new("span-1", "chat", SpanKind::LlmChat, now));
/// # let _ = trace;
/// ```
pub fn rfc3339(time: SystemTime) -> String {
    // 10000-01-01T00:00:00Z less one millisecond: the last instant with four year digits.
    // humantime panics on a time before 1970 and fails from the year 10000 on; a machine's
    // clock can be set to either, so the time is clamped first.
    const LAST: Duration = Duration::from_millis(253_402_300_800_000 - 1);
    let since_epoch = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .min(LAST);
    humantime::format_rfc3339_millis(UNIX_EPOCH + since_epoch).to_string()
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

    fn at_millis(millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(millis)
    }

    #[test]
    fn rfc3339_writes_utc_with_milliseconds() {
        for (millis, written) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
            // Leap days, the ends of months and years, and a century that is not a leap year.
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
            (1_735_689_599_000, "2024-12-31T23:59:59.000Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
        ] {
            assert_eq!(rfc3339(at_millis(millis)), written, "{millis} ms");
        }
        // Finer digits are dropped, not rounded up into the next second.
        let late = UNIX_EPOCH + Duration::new(59, 999_999_999);
        assert_eq!(rfc3339(late), "1970-01-01T00:00:59.999Z");
    }

    #[test]
    fn rfc3339_agrees_with_chrono_day_after_day() {
        // A day and some odd seconds at a time, over 1970..2400: every date the walk lands on
        // is written as chrono writes it.
        let mut secs: i64 = 0;
        while secs < 13_569_465_600 {
            let ours = rfc3339(UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs()));
            let theirs = chrono::DateTime::from_timestamp(secs, 0)
                .expect("in range")
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            assert_eq!(ours, theirs, "at {secs} s");
            secs += 86_400 + 3_607;
        }
    }

    #[test]
    fn rfc3339_clamps_times_it_cannot_write() {
        let before = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(rfc3339(before), "1970-01-01T00:00:00.000Z");
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(rfc3339(far), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn rfc3339_of_now_parses_back_to_now() {
        let text = rfc3339(SystemTime::now());
        let parsed = chrono::DateTime::parse_from_rfc3339(&text).expect("RFC 3339");
        let age = chrono::Utc::now().signed_duration_since(parsed);
        assert!(age.num_seconds().abs() < 60, "{text}");
    }
}
