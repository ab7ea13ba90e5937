//! The emulator's clock and ISO 8601 timestamp helpers.
//!
//! Time inside the emulator is "real elapsed time since start" plus a manual offset that tests
//! can advance (`Emulator::advance_clock`), so time-driven behaviour (optimization jobs) can be
//! made fully deterministic.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
        self.start.elapsed() + off
    }

    /// Moves emulator time forward.
    pub(crate) fn advance(&self, by: Duration) {
        let mut off = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *off += by;
    }

    /// Unix milliseconds of the emulator's start.
    pub(crate) fn wall_base_ms(&self) -> i64 {
        self.wall_base_ms
    }
}

/// Formats Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn format_iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let h = rem / 3_600_000;
    let mi = (rem / 60_000) % 60;
    let s = (rem / 1000) % 60;
    let milli = rem % 1000;
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// Formats Unix milliseconds as the calendar day `YYYY-MM-DD`.
pub(crate) fn format_day(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses an RFC 3339 / ISO 8601 date-time (`2024-05-01T12:00:00Z`, with optional fraction and
/// `±HH:MM` offset; a bare date `2024-05-01` is accepted as midnight UTC) into Unix milliseconds.
pub(crate) fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let day_ms = days_from_civil(y, mo, d) * 86_400_000;
    if b.len() == 10 {
        return Some(day_ms);
    }
    if !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        || b.len() < 19
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ms = 0i64;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = &s[start..i.min(start + 3)];
        let mut v: i64 = digits.parse().ok()?;
        for _ in digits.len()..3 {
            v *= 10;
        }
        frac_ms = v;
    }
    let offset_ms = match &s[i..] {
        "Z" | "z" => 0,
        rest if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':' =>
        {
            let oh = num(i + 1, 2)?;
            let om = num(i + 4, 2)?;
            let v = (oh * 60 + om) * 60_000;
            if rest.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    Some(day_ms + ((h * 60 + mi) * 60 + sec) * 1000 + frac_ms - offset_ms)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
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
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }
}
