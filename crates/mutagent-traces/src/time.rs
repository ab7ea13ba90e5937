//! Times as the ingest models want them: RFC 3339 text ([`rfc3339`]) for the trace and span
//! times, Unix nanoseconds ([`unix_nanos`]) for OTLP. Written here so that sending a trace does
//! not need a date-time crate.

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
    const LAST: Duration = Duration::from_millis(253_402_300_800_000 - 1);
    let since_epoch = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .min(LAST);
    let secs = since_epoch.as_secs();
    let millis = since_epoch.subsec_millis();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let of_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (day 0), for days from 0 on:
/// Howard Hinnant's `civil_from_days`, restricted to dates after the epoch. Eras are the
/// 400-year cycles of the calendar, counted from 0000-03-01 so that a leap day ends its year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days from 0000-03-01
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
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
