//! The `prompt_datasets` namespace of the MutagenT Rust SDK: datasets scoped to a prompt
//! group — create, list, update, clone, export, delete — plus one-call helpers to upload a
//! dataset from a JSON, JSON Lines or CSV file and to export one to a file.
//!
//! CSV files need the `csv` feature (`mutagent/csv` through the umbrella crate), off by
//! default to keep the default dependency tree small. Without it
//! [`DatasetFileFormat::Csv`] still exists, and every CSV upload, read or export fails with
//! [`CsvNotEnabled`] (as [`UploadError::CsvNotEnabled`] or [`ExportError::CsvNotEnabled`])
//! before anything is sent or written.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/prompt_datasets.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/prompt_datasets.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`PromptDatasetsExt::prompt_datasets`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_prompt_datasets::{
//!     ClonePromptDataset, CreatePromptDataset, ListPromptDatasets, PromptDatasetsExt, UploadDataset,
//! };
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let datasets = client.prompt_datasets();
//!
//! // Create a dataset for prompt 7 and fill it from a file, 500 items per request.
//! let report = datasets
//!     .upload_dataset_file(7, UploadDataset::new("regression cases"), "cases.jsonl")
//!     .await?;
//! println!("{} items in dataset {}", report.items_created, report.dataset.id);
//!
//! // Copy it to another prompt, then export the copy.
//! let copy = datasets
//!     .clone_prompt_dataset(report.dataset.id, &ClonePromptDataset::to_prompt(9).new_name("copy"))
//!     .await?;
//! datasets.export_dataset_file(copy.id, "copy.json", None).await?;
//!
//! // Walk every dataset of prompt 7, page after page.
//! let all = datasets
//!     .list_prompt_datasets_all(&ListPromptDatasets::new().prompt_id(7).limit(100))
//!     .try_collect()
//!     .await?;
//! println!("{} datasets", all.len());
//! # let _ = CreatePromptDataset::new("x");
//! # Ok(()) }
//! ```
//!
//! With the blocking client the same calls return their results directly (here from a CSV
//! file: the `csv` feature):
//!
//! ```no_run
//! use mutagent_core::BlockingClient;
//! use mutagent_prompt_datasets::{PromptDatasetsExt, UploadDataset};
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = BlockingClient::builder().api_key("mt_example").build()?;
//! let report = client
//!     .prompt_datasets()
//!     .upload_dataset_file(7, UploadDataset::new("from csv").chunk_size(250), "cases.csv")?;
//! client.prompt_datasets().delete_prompt_dataset(report.dataset.id, true)?;
//! # Ok(()) }
//! ```

mod api;
// CSV files: read and written with the `csv` feature, refused without it
// (`csv_files_disabled.rs`, the same names), so the reader and the export need no `cfg`.
#[cfg(feature = "csv")]
mod csv_files;
#[cfg(not(feature = "csv"))]
#[path = "csv_files_disabled.rs"]
mod csv_files;
pub mod export;
mod file;
mod format;
mod models;
pub mod operations;
mod reader;
mod safe_file;
pub mod upload;

pub use api::{PromptDatasetsApi, PromptDatasetsExt};
pub use export::{ExportError, ExportOptions, ExportReport};
pub use format::{CsvNotEnabled, DatasetFileFormat};
pub use models::{
    ClonePromptDataset, CloneTarget, CreatePromptDataset, ListPromptDatasets, PromptDataset,
    PromptDatasetExport, PromptDatasetList, UpdatePromptDataset,
};
pub use mutagent_core::ids::{DatasetId, PromptGroupId, PromptId};
pub use reader::{DatasetFileReader, DEFAULT_MAX_RECORD_BYTES};
pub use upload::{
    UploadDataset, UploadError, UploadHelper, UploadOptions, UploadProgress, UploadReport,
};
