//! The emulator's clock, and ISO 8601 timestamps through chrono.
//!
//! Time inside the emulator is "real elapsed time since start" plus a manual offset that tests
//! can advance (`Emulator::advance_clock`), so time-driven behaviour (optimization jobs) can be
//! made fully deterministic.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};

/// The furthest the manual offset goes: a century, past any job's end, and small enough that
/// the time arithmetic of jobs and timestamps cannot overflow (an `advance_clock(Duration::MAX)`
/// in a test means "far ahead", not a panic).
const MAX_OFFSET: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// Monotonic clock with a manual offset.
#[derive(Debug)]
pub(crate) struct Clock {
    start: Instant,
    wall_base_ms: i64,
    offset: Mutex<Duration>,
}

impl Clock {
    /// Starts the clock now.
    pub(crate) fn new() -> Self {
        let wall_base_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Clock {
            start: Instant::now(),
            wall_base_ms,
            offset: Mutex::new(Duration::ZERO),
        }
    }

    /// Emulator time: elapsed since start plus the manual offset.
    pub(crate) fn now(&self) -> Duration {
        let off = *self.offset.lock().unwrap_or_else(|e| e.into_inner());
        self.start.elapsed().saturating_add(off)
    }

    /// Moves emulator time forward.
    pub(crate) fn advance(&self, by: Duration) {
        let mut off = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *off = off.saturating_add(by).min(MAX_OFFSET);
    }

    /// Unix milliseconds of the emulator's start.
    pub(crate) fn wall_base_ms(&self) -> i64 {
        self.wall_base_ms
    }
}

/// Unix milliseconds as a UTC date-time (clamped to chrono's range, years ±262143).
fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or(if ms < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Formats Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn format_iso(ms: i64) -> String {
    utc(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Formats Unix milliseconds as the calendar day `YYYY-MM-DD`.
pub(crate) fn format_day(ms: i64) -> String {
    utc(ms).date_naive().to_string()
}

/// Parses an RFC 3339 / ISO 8601 date-time (`2024-05-01T12:00:00Z`, with optional fraction and
/// `±HH:MM` offset; a bare date `2024-05-01` is accepted as midnight UTC) into Unix milliseconds.
pub(crate) fn parse_iso(s: &str) -> Option<i64> {
    if let Ok(time) = DateTime::parse_from_rfc3339(s) {
        return Some(time.timestamp_millis());
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    // `%Y` also takes signed and longer years; a bare date is exactly `YYYY-MM-DD`.
    (s.len() == 10).then(|| date.and_time(NaiveTime::MIN).and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        let ms = parse_iso("2024-02-29T13:45:10.123Z");
        assert_eq!(ms, Some(1_709_214_310_123));
        assert_eq!(format_iso(1_709_214_310_123), "2024-02-29T13:45:10.123Z");
        assert_eq!(parse_iso("2024-02-29T15:45:10.123+02:00"), ms);
        assert_eq!(parse_iso("1970-01-01"), Some(0));
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(format_day(-1), "1969-12-31");
        assert_eq!(format_iso(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(parse_iso("2024-02-29 13:45:10.123456Z"), ms);
        assert!(
            format_iso(i64::MAX).starts_with("+262"),
            "clamped, not a panic"
        );
    }

    #[test]
    fn iso_rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-01-01T25:00:00Z",
            "2024-01-01T10:00:00",
            "2024-01-01T10:00:00.Z",
            "2024-01-01T10:00:00+0é:00",
            "2023-02-29",
            "+2024-01-01",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }
}
