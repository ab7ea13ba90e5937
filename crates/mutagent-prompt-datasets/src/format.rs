//! The file formats of the upload and export helpers.

use std::fmt;
use std::path::Path;

/// A dataset file format.
///
/// | format | extension | content |
/// |---|---|---|
/// | [`Json`](Self::Json) | `.json` | one JSON array of item objects |
/// | [`JsonLines`](Self::JsonLines) | `.jsonl`, `.ndjson` | one item object per line |
/// | [`Csv`](Self::Csv) | `.csv` | RFC 4180 CSV with a header row (columns in the [`upload`](crate::upload) docs) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatasetFileFormat {
    /// A JSON array of item objects.
    Json,
    /// JSON Lines: one item object per line.
    JsonLines,
    /// CSV with a header row.
    Csv,
}

impl DatasetFileFormat {
    /// The format a file name implies (`.json`, `.jsonl`/`.ndjson`, `.csv`; any case).
    ///
    /// ```
    /// use mutagent_prompt_datasets::DatasetFileFormat;
    /// assert_eq!(DatasetFileFormat::from_path("cases.JSONL"), Some(DatasetFileFormat::JsonLines));
    /// assert_eq!(DatasetFileFormat::from_path("cases.txt"), None);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Option<Self> {
        let extension = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Self::Json),
            "jsonl" | "ndjson" => Some(Self::JsonLines),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }

    /// A short name: `json`, `jsonl` or `csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::JsonLines => "jsonl",
            Self::Csv => "csv",
        }
    }
}

impl fmt::Display for DatasetFileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
