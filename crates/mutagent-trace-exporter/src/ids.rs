//! Trace and span ids: random, non-zero, W3C/OpenTelemetry-sized (128 and 64 bits), written as
//! lowercase hex on the wire.
//!
//! The bits come from `fastrand` (a per-thread wyrand generator seeded by std's randomly keyed
//! hasher), as OpenTelemetry's SDKs use a small fast generator: the ids need to be unique, not
//! secret.

use std::fmt;
use std::str::FromStr;

/// Why a text is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseIdError {
    /// How many hex characters were expected.
    pub expected_len: usize,
}

impl fmt::Display for ParseIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {} hex characters, not all zero",
            self.expected_len
        )
    }
}

impl std::error::Error for ParseIdError {}

/// A 128-bit trace id, never zero. Displayed as 32 lowercase hex characters — the form both the
/// MutagenT ingest API (any text of up to 255 characters) and OTLP (exactly 32 hex) accept.
///
/// ```
/// use mutagent_trace_exporter::TraceId128;
/// let id = TraceId128::random();
/// let text = id.to_string();
/// assert_eq!(text.len(), 32);
/// assert_eq!(text.parse::<TraceId128>(), Ok(id));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId128(u128);

impl TraceId128 {
    /// A new random id.
    pub fn random() -> Self {
        Self::from_u128(fastrand::u128(..))
    }

    /// The id with these bits; zero (invalid in OTLP) becomes 1.
    pub fn from_u128(bits: u128) -> Self {
        Self(bits.max(1))
    }

    /// The bits.
    pub fn to_u128(self) -> u128 {
        self.0
    }
}

impl fmt::Display for TraceId128 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl FromStr for TraceId128 {
    type Err = ParseIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = ParseIdError { expected_len: 32 };
        if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(error);
        }
        match u128::from_str_radix(text, 16) {
            Ok(0) | Err(_) => Err(error),
            Ok(bits) => Ok(Self(bits)),
        }
    }
}

/// A 64-bit span id, never zero. Displayed as 16 lowercase hex characters.
///
/// ```
/// use mutagent_trace_exporter::SpanId64;
/// let id = SpanId64::random();
/// assert_eq!(id.to_string().len(), 16);
/// assert_eq!(id.to_string().parse::<SpanId64>(), Ok(id));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId64(u64);

impl SpanId64 {
    /// A new random id.
    pub fn random() -> Self {
        Self::from_u64(fastrand::u64(..))
    }

    /// The id with these bits; zero (invalid in OTLP) becomes 1.
    pub fn from_u64(bits: u64) -> Self {
        Self(bits.max(1))
    }

    /// The bits.
    pub fn to_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for SpanId64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl FromStr for SpanId64 {
    type Err = ParseIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = ParseIdError { expected_len: 16 };
        if text.len() != 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(error);
        }
        match u64::from_str_radix(text, 16) {
            Ok(0) | Err(_) => Err(error),
            Ok(bits) => Ok(Self(bits)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_across_threads() {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    (0..5_000)
                        .map(|_| (TraceId128::random(), SpanId64::random()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut traces = HashSet::new();
        let mut spans = HashSet::new();
        for handle in handles {
            for (trace, span) in handle.join().expect("thread") {
                assert!(traces.insert(trace), "duplicate trace id {trace}");
                assert!(spans.insert(span), "duplicate span id {span}");
            }
        }
        assert_eq!(traces.len(), 20_000);
    }

    #[test]
    fn bits_look_random() {
        // Every bit position is set in some ids and clear in others.
        let ids: Vec<u128> = (0..256).map(|_| TraceId128::random().to_u128()).collect();
        let ones = ids.iter().fold(0u128, |acc, id| acc | id);
        let zeros = ids.iter().fold(0u128, |acc, id| acc | !id);
        assert_eq!(ones, u128::MAX);
        assert_eq!(zeros, u128::MAX);
    }

    #[test]
    fn formatting_and_parsing() {
        assert_eq!(
            TraceId128::from_u128(0xab).to_string(),
            "000000000000000000000000000000ab"
        );
        assert_eq!(SpanId64::from_u64(0).to_string(), "0000000000000001");
        assert!("00000000000000000000000000000000"
            .parse::<TraceId128>()
            .is_err());
        assert!("xyz".parse::<TraceId128>().is_err());
        assert!("+00000000000000a".parse::<SpanId64>().is_err());
        assert_eq!(
            "00000000000000FF".parse::<SpanId64>(),
            Ok(SpanId64::from_u64(255))
        );
    }
}
