//! Exporting a dataset to a JSON, JSON Lines or CSV file in one call.
//!
//! [`export_dataset_file`](crate::PromptDatasetsApi::export_dataset_file) calls
//! `export_prompt_dataset` and writes the items:
//!
//! * **JSON**: one array of item objects, one item per line;
//! * **JSON Lines**: one item object per line;
//! * **CSV**: columns `name,input,expectedOutput,userFeedback,systemFeedback,labels,metadata`,
//!   with `input`, `expectedOutput`, `labels` and `metadata` as JSON in the cell. With the
//!   crate's `csv` feature (`mutagent/csv`; off by default): without it an export to CSV fails
//!   with [`ExportError::CsvNotEnabled`] before the dataset is fetched or the file touched.
//!
//! All three upload again unchanged with the [`upload`](crate::upload) helpers (the item
//! objects keep the server's `id`, `datasetId`, `createdAt`, `updatedAt`, which uploads
//! ignore).
//!
//! # Safe by default ([`ExportOptions`])
//!
//! * **Spreadsheet formulas are neutralised in CSV.** A cell starting with `=`, `+`, `-`, `@`,
//!   tab or CR (after any number of `'`) is written with a `'` in front, so a spreadsheet
//!   shows it as text instead of running it (the OWASP rule against CSV injection: an item
//!   named `=HYPERLINK(...)` would otherwise become a live link). The upload helpers remove
//!   that `'` again, so export then upload gives back the original text exactly.
//!   [`ExportOptions::neutralise_csv_formulas`]`(false)` writes cells exactly as they are
//!   (and [`UploadOptions::restore_csv_formulas`](crate::UploadOptions::restore_csv_formulas)`(false)`
//!   reads them exactly as they are).
//! * **The file is owner-only on Unix** (`0600`), since datasets may hold personal data; an
//!   existing file at the path is replaced by a new one with these permissions.
//!   [`ExportOptions::owner_only`]`(false)` gives the usual `0666 & !umask`.
//! * **Nothing is written through a planted link, and a failed export leaves no half file.**
//!   The items go to a new temporary file `.<name>.<random>.partial` beside the path, created
//!   with `create_new` (it never opens an existing file or follows a link; a name clash is
//!   retried with another random name), then renamed over the path when complete. Two exports
//!   to the same path at once each write their own temporary file; the last rename wins.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use mutagent_core::ids::DatasetId;
use mutagent_core::{ApiClient, Client, Error};
use mutagent_prompt_dataset_items::PromptDatasetItem;

use crate::api::PromptDatasetsApi;
use crate::csv_files;
use crate::format::{CsvNotEnabled, DatasetFileFormat, Refused};
use crate::models::{PromptDataset, PromptDatasetExport};
use crate::safe_file::{self, Access};
use crate::PromptDatasetsExt;

/// How an export writes its file. `None` and a [`DatasetFileFormat`] convert into it, so
/// `export_dataset_file(id, path, None)` keeps the defaults.
///
/// ```
/// use mutagent_prompt_datasets::{DatasetFileFormat, ExportOptions};
/// let exact = ExportOptions::new()
///     .format(DatasetFileFormat::Csv)
///     .neutralise_csv_formulas(false)
///     .owner_only(false);
/// assert!(!exact.neutralise_csv_formulas);
/// assert!(ExportOptions::from(None).owner_only);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportOptions {
    /// The file format; `None` means the one the extension implies.
    pub format: Option<DatasetFileFormat>,
    /// Prefix CSV cells a spreadsheet would run as formulas with `'` (on by default; see the
    /// [module documentation](self)).
    pub neutralise_csv_formulas: bool,
    /// Create the file readable and writable by its owner only, on Unix (on by default).
    pub owner_only: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            format: None,
            neutralise_csv_formulas: true,
            owner_only: true,
        }
    }
}

impl ExportOptions {
    /// The defaults: format from the extension, formulas neutralised, owner-only file.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the format (instead of the one the extension implies).
        value format: DatasetFileFormat;
        /// Sets whether CSV cells that would run as spreadsheet formulas get a `'` in front.
        /// Turn it off for an exact copy of the text (the file is then unsafe to open in a
        /// spreadsheet if the dataset holds text from untrusted sources).
        set neutralise_csv_formulas: bool;
        /// Sets whether the new file is owner-only (`0600`) on Unix; `false` leaves it to the
        /// umask. Other systems ignore it.
        set owner_only: bool;
    }
}

impl From<Option<DatasetFileFormat>> for ExportOptions {
    fn from(format: Option<DatasetFileFormat>) -> Self {
        Self {
            format,
            ..Self::default()
        }
    }
}

impl From<DatasetFileFormat> for ExportOptions {
    fn from(format: DatasetFileFormat) -> Self {
        Some(format).into()
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExportReport {
    /// The dataset.
    pub dataset: PromptDataset,
    /// The file written.
    pub path: PathBuf,
    /// Its format.
    pub format: DatasetFileFormat,
    /// Items written.
    pub items_written: u64,
    /// When the server made the export (ISO 8601 text).
    pub exported_at: Option<String>,
}

/// Why an export failed. Its message starts with `[export_dataset_file]`, as every error of
/// the SDK starts with its operation (a failed call prints as that call's error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The format is CSV and this build has no CSV writer: turn on the `csv` feature
    /// (`mutagent/csv`, or `mutagent-prompt-datasets/csv`). Reported before the dataset is
    /// fetched and before the file is created or replaced.
    #[error("[export_dataset_file] cannot write `{}`: {}; nothing was fetched or written", path.display(), CsvNotEnabled)]
    CsvNotEnabled {
        /// The file.
        path: PathBuf,
    },
    /// The format could not be told from the file name; pass it explicitly.
    #[error("[export_dataset_file] cannot tell the format of `{}` from its extension (use .json, .jsonl or .csv, or pass the format)", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be written. The message names the kind of failure; the operating
    /// system's own error is the source.
    #[error("[export_dataset_file] cannot write `{}`: {}", path.display(), source.kind())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The export call failed.
    #[error(transparent)]
    Api(#[from] Error),
}

/// So `?` works in a function returning the SDK's [`Error`].
impl From<ExportError> for Error {
    fn from(err: ExportError) -> Self {
        const OPERATION: &str = "export_dataset_file";
        match err {
            ExportError::UnknownFormat { path } => Error::invalid_input(
                OPERATION,
                "format",
                format!(
                    "cannot be told from the extension of `{}` (use .json, .jsonl or .csv, or pass the format)",
                    path.display()
                ),
            ),
            ExportError::CsvNotEnabled { .. } => CsvNotEnabled.into_error(OPERATION),
            ExportError::Io { path, source } => Error::File {
                operation: OPERATION,
                path,
                source,
            },
            ExportError::Api(err) => err,
        }
    }
}

impl<C: ApiClient> PromptDatasetsApi<'_, C> {
    /// Exports dataset `id` to the file at `path`, in the format `options` names or else the
    /// one its extension implies (see [`export`](crate::export): CSV formulas neutralised,
    /// owner-only file, written through a temporary file). `options` is an
    /// [`ExportOptions`], a [`DatasetFileFormat`], or `None` for the defaults. A future with
    /// the async client, the report itself with the blocking client (the same code, run on its
    /// background runtime).
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::PromptDatasetsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_prompt_datasets::ExportError> {
    /// let report = client.prompt_datasets().export_dataset_file(12, "backup.jsonl", None).await?;
    /// println!("{} items written to {}", report.items_written, report.path.display());
    /// # Ok(()) }
    /// ```
    pub fn export_dataset_file(
        &self,
        id: impl Into<DatasetId>,
        path: impl AsRef<Path>,
        options: impl Into<ExportOptions>,
    ) -> C::Outcome<ExportReport, ExportError> {
        let id = id.into();
        let path = path.as_ref().to_path_buf();
        let options = options.into();
        self.client()
            .drive(move |client| run_export(client, id, path, options))
    }
}

fn resolve(
    path: &Path,
    format: Option<DatasetFileFormat>,
) -> Result<DatasetFileFormat, ExportError> {
    DatasetFileFormat::for_file(path, format, |refused, path| match refused {
        Refused::Unknown => ExportError::UnknownFormat { path },
        Refused::CsvNotEnabled => ExportError::CsvNotEnabled { path },
    })
}

async fn run_export(
    client: Client,
    id: DatasetId,
    path: PathBuf,
    options: ExportOptions,
) -> Result<ExportReport, ExportError> {
    // Before the export is fetched: a build without CSV sends nothing and writes nothing.
    let format = resolve(&path, options.format)?;
    let export = client.prompt_datasets().export_prompt_dataset(id).await?;
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime
            .spawn_blocking(move || write_export(export, path, format, &options))
            .await
            .unwrap_or_else(|err| {
                Err(ExportError::Io {
                    path: PathBuf::new(),
                    source: io::Error::other(format!("the file writing task failed: {err}")),
                })
            }),
        Err(_) => write_export(export, path, format, &options),
    }
}

fn write_export(
    export: PromptDatasetExport,
    path: PathBuf,
    format: DatasetFileFormat,
    options: &ExportOptions,
) -> Result<ExportReport, ExportError> {
    let access = if options.owner_only {
        Access::OwnerOnly
    } else {
        Access::Default
    };
    let count = safe_file::write_file(&path, access, |out| {
        write_items_as(out, format, &export.items, options.neutralise_csv_formulas)
    })
    .map_err(|source| ExportError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(ExportReport {
        dataset: export.dataset,
        path,
        format,
        items_written: count,
        exported_at: export.exported_at,
    })
}

/// Writes `items` to `out` in `format` (the layout described in [`export`](crate::export),
/// CSV formulas neutralised); returns how many were written.
///
/// CSV needs the `csv` feature: without it, `format` CSV writes nothing and returns an
/// [`io::Error`] of kind [`Unsupported`](io::ErrorKind::Unsupported) whose inner error is
/// [`CsvNotEnabled`] (`err.get_ref()` and `downcast_ref`).
///
/// ```
/// use mutagent_prompt_datasets::{export::write_items, DatasetFileFormat};
/// let mut out = Vec::new();
/// assert_eq!(write_items(&mut out, DatasetFileFormat::Json, &[]).unwrap(), 0);
/// assert_eq!(out, b"[]\n");
/// ```
pub fn write_items<W: Write>(
    out: &mut W,
    format: DatasetFileFormat,
    items: &[PromptDatasetItem],
) -> io::Result<u64> {
    write_items_as(out, format, items, true)
}

/// Not generic over the writer (nor is the CSV writer): compiled once here, not once per
/// writer type in each crate that exports.
fn write_items_as(
    out: &mut dyn Write,
    format: DatasetFileFormat,
    items: &[PromptDatasetItem],
    neutralise_formulas: bool,
) -> io::Result<u64> {
    match format {
        DatasetFileFormat::Json => {
            if items.is_empty() {
                out.write_all(b"[]\n")?;
            } else {
                for (index, item) in items.iter().enumerate() {
                    out.write_all(if index == 0 { b"[\n" } else { b",\n" })?;
                    serde_json::to_writer(&mut *out, item)?;
                }
                out.write_all(b"\n]\n")?;
            }
        }
        DatasetFileFormat::JsonLines => {
            for item in items {
                serde_json::to_writer(&mut *out, item)?;
                out.write_all(b"\n")?;
            }
        }
        DatasetFileFormat::Csv => csv_files::write_items(out, items, neutralise_formulas)?,
    }
    Ok(items.len() as u64)
}
