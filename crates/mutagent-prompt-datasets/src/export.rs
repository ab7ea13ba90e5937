//! Exporting a dataset to a JSON, JSON Lines or CSV file in one call.
//!
//! [`export_dataset_file`](crate::PromptDatasetsApi::export_dataset_file) calls
//! `export_prompt_dataset` and writes the items:
//!
//! * **JSON**: one array of item objects, one item per line;
//! * **JSON Lines**: one item object per line;
//! * **CSV**: columns `name,input,expectedOutput,userFeedback,systemFeedback,labels,metadata`,
//!   with `input`, `expectedOutput`, `labels` and `metadata` as JSON in the cell.
//!
//! All three upload again unchanged with the [`upload`](crate::upload) helpers (the item
//! objects keep the server's `id`, `datasetId`, `createdAt`, `updatedAt`, which uploads
//! ignore). The file is written next to its final path and renamed into place when
//! complete, so a failed export never leaves a half-written file under that name.

use std::fmt;
use std::fs::File;
use std::future::Future;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use mutagent_core::ids::DatasetId;
use mutagent_core::{BlockingClient, Client, Error};
use mutagent_prompt_dataset_items::PromptDatasetItem;
use serde_json::Value;

use crate::api::PromptDatasetsApi;
use crate::format::DatasetFileFormat;
use crate::models::{PromptDataset, PromptDatasetExport};
use crate::PromptDatasetsExt;

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

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The format could not be told from the file name; pass it explicitly.
    #[error("cannot tell the format of `{}` from its extension (use .json, .jsonl or .csv, or pass the format)", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
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

impl<'a> PromptDatasetsApi<'a, Client> {
    /// Exports dataset `id` to the file at `path`, in `format` or else the format its
    /// extension implies (see [`export`](crate::export)).
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
        format: Option<DatasetFileFormat>,
    ) -> impl Future<Output = Result<ExportReport, ExportError>> + Send + 'static {
        run_export(
            self.client.clone(),
            id.into(),
            path.as_ref().to_path_buf(),
            format,
        )
    }
}

impl<'a> PromptDatasetsApi<'a, BlockingClient> {
    /// Exports dataset `id` to the file at `path`, in `format` or else the format its
    /// extension implies (see [`export`](crate::export)).
    pub fn export_dataset_file(
        &self,
        id: impl Into<DatasetId>,
        path: impl AsRef<Path>,
        format: Option<DatasetFileFormat>,
    ) -> Result<ExportReport, ExportError> {
        let path = path.as_ref().to_path_buf();
        let format = resolve(&path, format)?;
        let export = self.client.prompt_datasets().export_prompt_dataset(id)?;
        write_export(export, path, format)
    }
}

fn resolve(
    path: &Path,
    format: Option<DatasetFileFormat>,
) -> Result<DatasetFileFormat, ExportError> {
    format
        .or_else(|| DatasetFileFormat::from_path(path))
        .ok_or_else(|| ExportError::UnknownFormat {
            path: path.to_path_buf(),
        })
}

async fn run_export(
    client: Client,
    id: DatasetId,
    path: PathBuf,
    format: Option<DatasetFileFormat>,
) -> Result<ExportReport, ExportError> {
    let format = resolve(&path, format)?;
    let export = client.prompt_datasets().export_prompt_dataset(id).await?;
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime
            .spawn_blocking(move || write_export(export, path, format))
            .await
            .unwrap_or_else(|err| {
                Err(ExportError::Io {
                    path: PathBuf::new(),
                    source: io::Error::other(format!("the file writing task failed: {err}")),
                })
            }),
        Err(_) => write_export(export, path, format),
    }
}

fn write_export(
    export: PromptDatasetExport,
    path: PathBuf,
    format: DatasetFileFormat,
) -> Result<ExportReport, ExportError> {
    let io_error = |source| ExportError::Io {
        path: path.clone(),
        source,
    };
    let partial = partial_path(&path);
    let written = (|| -> io::Result<u64> {
        let mut out = BufWriter::new(File::create(&partial)?);
        let count = write_items(&mut out, format, &export.items)?;
        out.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()?;
        Ok(count)
    })();
    let count = match written.and_then(|count| std::fs::rename(&partial, &path).map(|()| count)) {
        Ok(count) => count,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            return Err(io_error(err));
        }
    };
    Ok(ExportReport {
        dataset: export.dataset,
        path,
        format,
        items_written: count,
        exported_at: export.exported_at,
    })
}

/// `<name>.partial` next to `path`.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Writes `items` to `out` in `format` (the layout described in [`export`](crate::export));
/// returns how many were written.
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
        DatasetFileFormat::Csv => {
            out.write_all(
                b"name,input,expectedOutput,userFeedback,systemFeedback,labels,metadata\r\n",
            )?;
            for item in items {
                let labels = match &item.labels {
                    Some(labels) => serde_json::to_string(labels)?,
                    None => String::new(),
                };
                let cells = [
                    item.name.clone().unwrap_or_default(),
                    json_cell(&item.input)?,
                    json_cell(&item.expected_output)?,
                    item.user_feedback.clone().unwrap_or_default(),
                    item.system_feedback.clone().unwrap_or_default(),
                    labels,
                    json_cell(&item.metadata)?,
                ];
                for (index, cell) in cells.iter().enumerate() {
                    if index > 0 {
                        out.write_all(b",")?;
                    }
                    write!(out, "{}", CsvCell(cell))?;
                }
                out.write_all(b"\r\n")?;
            }
        }
    }
    Ok(items.len() as u64)
}

fn json_cell(value: &Value) -> io::Result<String> {
    match value {
        Value::Null => Ok(String::new()),
        other => Ok(serde_json::to_string(other)?),
    }
}

/// A CSV field, quoted when it holds a comma, quote, line break or edge space.
struct CsvCell<'a>(&'a str);

impl fmt::Display for CsvCell<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let quote =
            text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ');
        if quote {
            write!(f, "\"{}\"", text.replace('"', "\"\""))
        } else {
            f.write_str(text)
        }
    }
}
