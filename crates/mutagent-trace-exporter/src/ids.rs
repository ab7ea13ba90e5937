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

/// One id type: `$bits` bits, never zero, written as `$width` lowercase hex characters. The
/// trace and span ids differ only in their width, so both are written here once.
macro_rules! hex_id {
    (
        $(#[$meta:meta])*
        $name:ident($bits:ty, $width:literal), $random:path, $from:ident, $to:ident
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($bits);

        impl $name {
            /// A new random id.
            pub fn random() -> Self {
                Self::$from($random(..))
            }

            /// The id with these bits; zero (invalid in OTLP) becomes 1.
            pub fn $from(bits: $bits) -> Self {
                Self(bits.max(1))
            }

            /// The bits.
            pub fn $to(self) -> $bits {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:0width$x}", self.0, width = $width)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let error = ParseIdError {
                    expected_len: $width,
                };
                if text.len() != $width || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(error);
                }
                match <$bits>::from_str_radix(text, 16) {
                    Ok(0) | Err(_) => Err(error),
                    Ok(bits) => Ok(Self(bits)),
                }
            }
        }
    };
}

hex_id! {
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
    TraceId128(u128, 32), fastrand::u128, from_u128, to_u128
}

hex_id! {
    /// A 64-bit span id, never zero. Displayed as 16 lowercase hex characters.
    ///
    /// ```
    /// use mutagent_trace_exporter::SpanId64;
    /// let id = SpanId64::random();
    /// assert_eq!(id.to_string().len(), 16);
    /// assert_eq!(id.to_string().parse::<SpanId64>(), Ok(id));
    /// ```
    SpanId64(u64, 16), fastrand::u64, from_u64, to_u64
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
        let error = "xyz".parse::<SpanId64>().expect_err("not an id");
        assert_eq!(
            error.to_string(),
            "expected 16 hex characters, not all zero"
        );
    }
}
