//! Which trace contract an emulator speaks.

use std::fmt;
use std::str::FromStr;

/// The generation of the `traces` contract an emulator serves, chosen at start
/// ([`EmulatorBuilder::traces_contract`](crate::EmulatorBuilder::traces_contract),
/// `--traces-contract`). Both use the same paths under `/api/traces/` with different shapes, so
/// one instance serves one of them; every other namespace is the same in both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TracesContract {
    /// The 0.1.2 contract (the default): single, batch and OTLP ingestion, offset pages, stats,
    /// analytics and delete.
    #[default]
    V0_1_2,
    /// The live 0.4.1 contract: hook-format batches answering `{accepted, rejected, note?}`,
    /// cursor pages of trace envelopes and logs, a trace by `traceId` and its spans.
    V0_4_1,
}

impl fmt::Display for TracesContract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TracesContract::V0_1_2 => "0.1.2",
            TracesContract::V0_4_1 => "0.4.1",
        })
    }
}

/// A `--traces-contract` value that is neither `0.1.2` nor `0.4.1`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown traces contract `{0}` (known: 0.1.2, 0.4.1)")]
pub struct UnknownTracesContract(pub String);

impl FromStr for TracesContract {
    type Err = UnknownTracesContract;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "0.1.2" => Ok(TracesContract::V0_1_2),
            "0.4.1" => Ok(TracesContract::V0_4_1),
            other => Err(UnknownTracesContract(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_both_generations() {
        for text in ["0.1.2", "0.4.1"] {
            let contract: TracesContract = text.parse().expect("known");
            assert_eq!(contract.to_string(), text);
        }
        assert_eq!(TracesContract::default(), TracesContract::V0_1_2);
        assert!("0.4".parse::<TracesContract>().is_err());
    }
}
