//! Timestamps without a date-time dependency: RFC 3339 text for the ingest models and Unix
//! nanoseconds for OTLP.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Formats `time` as RFC 3339 in UTC with millisecond precision, e.g.
/// `2026-11-01T10:00:00.123Z` — the form the ingest models expect.
///
/// Sub-millisecond digits are truncated. Times before 1970 are handled; years past 9999 are
/// written with more digits (RFC 3339 itself stops at 9999).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
/// assert_eq!(mutagent_traces::rfc3339(t), "2023-11-14T22:13:20.123Z");
/// ```
pub fn rfc3339(time: SystemTime) -> String {
    // Milliseconds relative to the epoch, negative before it.
    let millis: i128 = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_millis()).unwrap_or(i128::MAX),
        Err(before) => {
            let before = before.duration();
            // Round towards negative infinity so that the millisecond field stays in 0..1000.
            let whole = i128::try_from(before.as_millis()).unwrap_or(i128::MAX);
            let rest = before.as_nanos() % 1_000_000;
            -whole - i128::from(rest != 0)
        }
    };
    let ms = millis.rem_euclid(1000);
    let secs = millis.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The current time as RFC 3339 UTC with milliseconds (see [`rfc3339`]).
pub fn rfc3339_now() -> String {
    rfc3339(SystemTime::now())
}

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

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); H. Hinnant's algorithm.
fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1; // 1..=31
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // 1..=12
    let year = yoe + era * 400 + i128::from(month <= 2);
    // Both fit: day is 1..=31 and month 1..=12 by construction.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(millis)
    }

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(1)), "1970-01-01T00:00:00.001Z");
        assert_eq!(rfc3339(at(86_399_999)), "1970-01-01T23:59:59.999Z");
        assert_eq!(rfc3339(at(951_782_400_000)), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(at(951_868_800_000)), "2000-03-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(1_709_164_800_000)), "2024-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(at(1_735_689_599_999)), "2024-12-31T23:59:59.999Z");
        assert_eq!(rfc3339(at(1_735_689_600_000)), "2025-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(4_102_444_800_000)), "2100-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(253_402_300_799_999)), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn sub_millisecond_digits_are_truncated() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 123_999_999);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn before_the_epoch() {
        let before = |d: Duration| UNIX_EPOCH.checked_sub(d).expect("representable");
        assert_eq!(
            rfc3339(before(Duration::from_millis(1))),
            "1969-12-31T23:59:59.999Z"
        );
        assert_eq!(
            rfc3339(before(Duration::from_nanos(1))),
            "1969-12-31T23:59:59.999Z"
        );
        assert_eq!(
            rfc3339(before(Duration::from_secs(86_400))),
            "1969-12-31T00:00:00.000Z"
        );
        // 1900-01-01 (not a leap year) and 1600-03-01.
        assert_eq!(
            rfc3339(before(Duration::from_secs(2_208_988_800))),
            "1900-01-01T00:00:00.000Z"
        );
        assert_eq!(
            rfc3339(before(Duration::from_secs(11_670_912_000))),
            "1600-03-01T00:00:00.000Z"
        );
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        // 1170-01-01 to 2770-01-01: month lengths and leap years against a simple day counter.
        let mut days: i128 = -146_097 * 2;
        let (mut y, mut m, mut d) = (1170i128, 1u32, 1u32);
        let leap = |y: i128| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = |y: i128, m: u32| match m {
            2 if leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        while days < 146_097 * 2 {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            days += 1;
            d += 1;
            if d > len(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn format_shape_is_fixed() {
        let text = rfc3339_now();
        assert_eq!(text.len(), 24, "{text}");
        assert!(text.ends_with('Z') && text.as_bytes()[10] == b'T', "{text}");
    }

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
