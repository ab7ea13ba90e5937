//! The file formats of the upload and export helpers.

use std::fmt;
use std::path::{Path, PathBuf};

/// A dataset file format.
///
/// | format | extension | content |
/// |---|---|---|
/// | [`Json`](Self::Json) | `.json` | one JSON array of item objects |
/// | [`JsonLines`](Self::JsonLines) | `.jsonl`, `.ndjson` | one item object per line |
/// | [`Csv`](Self::Csv) | `.csv` | RFC 4180 CSV with a header row (columns in the [`upload`](crate::upload) docs); read and written with the `csv` feature only |
///
/// [`Csv`](Self::Csv) exists with or without the `csv` feature (features only add), so a file
/// name still says CSV; without the feature, reading or writing it fails with
/// [`CsvNotEnabled`] (inside [`UploadError::CsvNotEnabled`](crate::UploadError::CsvNotEnabled)
/// or [`ExportError::CsvNotEnabled`](crate::ExportError::CsvNotEnabled)) before anything is
/// sent or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatasetFileFormat {
    /// A JSON array of item objects.
    Json,
    /// JSON Lines: one item object per line.
    JsonLines,
    /// CSV with a header row (read and written with the `csv` feature).
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

    /// The format of the file at `path`, for the upload and the export alike: `format` when
    /// given, else the one the extension implies; refused when it cannot be told, or when it is
    /// CSV in a build without the `csv` feature. `refused` makes the caller's error of a
    /// refusal for this path.
    pub(crate) fn for_file<E>(
        path: &Path,
        format: Option<Self>,
        refused: fn(Refused, PathBuf) -> E,
    ) -> Result<Self, E> {
        match format.or_else(|| Self::from_path(path)) {
            None => Err(refused(Refused::Unknown, path.to_path_buf())),
            Some(Self::Csv) if !cfg!(feature = "csv") => {
                Err(refused(Refused::CsvNotEnabled, path.to_path_buf()))
            }
            Some(format) => Ok(format),
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

/// Why [`DatasetFileFormat::for_file`] refused a file.
pub(crate) enum Refused {
    /// The format cannot be told from the file name.
    Unknown,
    /// CSV, in a build without the `csv` feature.
    CsvNotEnabled,
}

/// CSV was asked for in a build without the `csv` feature, which brings the CSV reader and
/// writer (`csv` and `csv-core`; it is off by default to keep the default dependency tree
/// small). Turn it on with `features = ["csv"]` on `mutagent`, or on `mutagent-prompt-datasets`
/// when you depend on it alone.
///
/// The upload and export helpers report it as [`UploadError::CsvNotEnabled`] and
/// [`ExportError::CsvNotEnabled`], before anything is sent or written;
/// [`export::write_items`](crate::export::write_items) as an [`io::Error`](std::io::Error) of
/// kind [`Unsupported`](std::io::ErrorKind::Unsupported) that holds it.
///
/// [`UploadError::CsvNotEnabled`]: crate::UploadError::CsvNotEnabled
/// [`ExportError::CsvNotEnabled`]: crate::ExportError::CsvNotEnabled
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "CSV files need the Cargo feature `mutagent/csv` (`mutagent-prompt-datasets/csv` without \
     the umbrella crate), which this build does not enable"
)]
#[non_exhaustive]
pub struct CsvNotEnabled;

impl CsvNotEnabled {
    /// The SDK's [`Error`](mutagent_core::Error) for `operation` (what `?` turns the upload's
    /// and the export's variants into), naming the same features.
    pub(crate) fn into_error(self, operation: &'static str) -> mutagent_core::Error {
        mutagent_core::Error::FeatureNotEnabled {
            operation,
            what: "CSV",
            feature: "mutagent/csv",
            crate_feature: "mutagent-prompt-datasets/csv",
        }
    }
}
