//! Uploading a dataset from a JSON, JSON Lines or CSV file in one call.
//!
//! [`upload_dataset_file`](crate::PromptDatasetsApi::upload_dataset_file) creates a dataset
//! for a prompt, then adds the file's items with `bulk_create_prompt_dataset_items` in
//! chunks ([`UploadOptions::chunk_size`], 500 by default). The file is read as a stream:
//! memory stays bounded by the chunk size (at most two chunks are held, one being sent and
//! the next being read), whatever the size of the file.
//! [`upload_items_file`](crate::PromptDatasetsApi::upload_items_file) adds a file's items to
//! an existing dataset the same way.
//!
//! By default the whole file is read once before anything is created
//! ([`UploadOptions::validate_first`]), so a bad record fails the upload before any dataset
//! or item exists. Turn that off to read the file only once; a bad record then stops the
//! upload midway and the error's [`UploadProgress`] says what was already created. A file that
//! can be read only once (a pipe, socket or device) needs that: with `validate_first` on it is
//! refused with [`UploadError::ReadableOnce`] before anything is sent. A file changed between
//! the two reads stops the upload with [`UploadError::FileChanged`].
//!
//! Dropping the future of an async upload stops it: no further chunk is sent. What was done
//! stays on the server, unreported: the dataset (once created), the chunks answered, and
//! perhaps the chunk in flight.
//!
//! # Formats
//!
//! The format is the one given with [`UploadOptions::format`], or else the one the file's
//! extension implies (`.json`, `.jsonl`/`.ndjson`, `.csv`).
//!
//! **JSON** (`.json`): one array of item objects, `[{"input": {...}, ...}, ...]`. The array is
//! split element by element by an incremental scanner, so it is never held in memory whole.
//!
//! **JSON Lines** (`.jsonl`): one item object per line; blank lines are ignored.
//!
//! An item object has the keys of [`NewDatasetItem`]:
//! `input` (required, an object), `name`, `expectedOutput` (an object), `userFeedback`,
//! `systemFeedback`, `labels` (an array of strings) and `metadata` (an object); `null` means
//! unset. The keys the server sets (`id`, `datasetId`, `createdAt`, `updatedAt`) are
//! ignored, so a file written by the export helper uploads again. Any other key is an error
//! (a misspelt `expected_output` is reported, not dropped), and so is a key written twice in
//! one object, at any depth (also in the JSON of a CSV cell), rather than keeping the last,
//! and so is an integer beyond 64 bits, which would be sent rounded to a float.
//!
//! **CSV** (`.csv`, RFC 4180: quoted fields may hold commas, doubled quotes and line breaks;
//! CRLF or LF line ends; a UTF-8 byte order mark is ignored), with the crate's `csv` feature
//! (`mutagent/csv`; off by default). Without it a CSV upload fails with
//! [`UploadError::CsvNotEnabled`] before anything is sent. The first row names the columns:
//!
//! | column | becomes | empty cell |
//! |---|---|---|
//! | `input.<variable>` | `input.<variable>`, as a string | the empty string |
//! | `input` | the `input` object (a JSON object in the cell) | `{}` |
//! | `expectedOutput.<field>` | `expectedOutput.<field>`, as a string | field left out |
//! | `expectedOutput` | the `expectedOutput` object (JSON object) | unset |
//! | `name`, `userFeedback`, `systemFeedback` | the string (spaces included) | unset |
//! | `labels` | a JSON array (`["a","b"]`) or a list separated by `;` (`a;b`) | unset |
//! | `metadata` | a JSON object | unset |
//!
//! A cell that is a `'` before `=`, `+`, `-`, `@`, tab or CR (more precisely: one or more `'`
//! then one of those) loses one `'`: that is how the export neutralises spreadsheet formulas,
//! so an exported file uploads with its original text
//! ([`UploadOptions::restore_csv_formulas`]`(false)` reads cells exactly as written).
//!
//! The header needs `input` or at least one `input.<variable>` column, and a file without a
//! header row (empty, or only blank lines) is an error (record 0), as is a header that is one
//! column holding a `;` or a tab (a file separated by semicolons or tabs); unknown or repeated
//! columns are errors, and so is a variable set by both `input` and `input.<variable>`.
//! Every row must have as many fields as the header. Empty lines between rows are ignored.
//!
//! ```text
//! name,input.city,input.language,expectedOutput.text,labels
//! paris,Paris,fr,"Bonjour, Paris",smoke;fr
//! "quote ""test""",Rome,it,Ciao,
//! ```
//!
//! # Errors
//!
//! A malformed record is an [`UploadError::Record`] with the record number (1-based; CSV
//! data rows, not counting the header, which is record 0) and the line it starts on.
//! Nothing panics and nothing is skipped.

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use mutagent_core::ids::{DatasetId, PromptId};
use mutagent_core::{ApiClient, Client, Error};
use mutagent_prompt_dataset_items::{NewDatasetItem, PromptDatasetItemsExt};
use serde_json::Value;

use crate::api::{check_create, PromptDatasetsApi};
use crate::format::{CsvNotEnabled, DatasetFileFormat};
use crate::models::{CreatePromptDataset, PromptDataset};
use crate::reader::{readable_format, DatasetFileReader, DEFAULT_MAX_RECORD_BYTES};
use crate::PromptDatasetsExt;

/// Which helper failed (an upload helper, or a [`DatasetFileReader`] used on its own): an
/// [`UploadError`]'s message starts with its name, as every error of the SDK starts with its
/// operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadHelper {
    /// [`upload_dataset_file`](crate::PromptDatasetsApi::upload_dataset_file).
    DatasetFile,
    /// [`upload_items_file`](crate::PromptDatasetsApi::upload_items_file).
    ItemsFile,
    /// A [`DatasetFileReader`] used on its own (the upload helpers read through one and name
    /// its errors for themselves).
    #[default]
    Reader,
}

impl UploadHelper {
    /// The helper's name, as errors give it: `upload_dataset_file`, `upload_items_file` or
    /// `DatasetFileReader`.
    pub fn name(self) -> &'static str {
        match self {
            UploadHelper::DatasetFile => "upload_dataset_file",
            UploadHelper::ItemsFile => "upload_items_file",
            UploadHelper::Reader => "DatasetFileReader",
        }
    }
}

impl fmt::Display for UploadHelper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The default number of items per bulk request.
pub const DEFAULT_CHUNK_SIZE: usize = 500;

/// How a file is read and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadOptions {
    /// The file format; `None` means the one the extension implies.
    pub format: Option<DatasetFileFormat>,
    /// Items per bulk request (at least 1; 500 by default). Servers cap one request (the
    /// emulator at 1,000 items).
    pub chunk_size: usize,
    /// Read the whole file once before creating anything, so a bad record fails the upload
    /// before anything exists (on by default). The file is then read twice, so a pipe, socket
    /// or device is refused ([`UploadError::ReadableOnce`]); turn this off to upload one.
    /// Dropping the upload's future stops this read at its next record.
    pub validate_first: bool,
    /// The largest record accepted, in bytes (16 MiB by default).
    pub max_record_bytes: usize,
    /// Remove the `'` the export puts before CSV cells that a spreadsheet would run as a
    /// formula, so an exported file uploads with its original text (on by default; see
    /// [`export`](crate::export)).
    pub restore_csv_formulas: bool,
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            format: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
            validate_first: true,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            restore_csv_formulas: true,
        }
    }
}

impl UploadOptions {
    /// The defaults: format from the extension, chunks of 500, validate first, 16 MiB records.
    pub fn new() -> Self {
        Self::default()
    }
    mutagent_core::setters! {
        /// Sets the format (instead of the one the extension implies).
        value format: DatasetFileFormat;
        /// Sets the number of items per bulk request.
        set chunk_size: usize;
        /// Sets whether the file is read once before anything is created.
        set validate_first: bool;
        /// Sets the largest record accepted, in bytes.
        set max_record_bytes: usize;
        /// Sets whether a CSV cell of the form `'=...` (a `'` before `=`, `+`, `-`, `@`, tab or
        /// CR, as the export writes formula-like text) loses that `'`. Turn it off to upload
        /// every cell exactly as written.
        set restore_csv_formulas: bool;
    }

    fn check(&self, operation: &'static str) -> Result<(), Error> {
        if self.chunk_size == 0 {
            return Err(Error::invalid_input(
                operation,
                "chunk_size",
                "must be at least 1",
            ));
        }
        if self.max_record_bytes == 0 {
            return Err(Error::invalid_input(
                operation,
                "max_record_bytes",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}

/// What `upload_dataset_file` creates: the dataset (as for `create_prompt_dataset`) and how
/// the file is read ([`UploadOptions`]).
///
/// ```
/// use mutagent_prompt_datasets::{DatasetFileFormat, UploadDataset};
/// let upload = UploadDataset::new("support questions")
///     .description("From the help desk export")
///     .labels(["support"])
///     .format(DatasetFileFormat::Csv)
///     .chunk_size(250);
/// assert_eq!(upload.options.chunk_size, 250);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UploadDataset {
    /// The dataset to create.
    pub dataset: CreatePromptDataset,
    /// How the file is read and sent.
    pub options: UploadOptions,
}

impl UploadDataset {
    /// A dataset named `name`, with the default options.
    pub fn new(name: impl Into<String>) -> Self {
        Self::from_dataset(CreatePromptDataset::new(name))
    }
    /// The dataset `dataset`, with the default options.
    pub fn from_dataset(dataset: CreatePromptDataset) -> Self {
        Self {
            dataset,
            options: UploadOptions::default(),
        }
    }
    mutagent_core::setters! {
        /// Sets the dataset's description.
        dataset description: impl Into<String>;
        /// Sets the dataset's metadata (a JSON object).
        dataset metadata: Value;
        /// Sets the creator's email.
        dataset created_by: impl Into<String>;
    }
    /// Sets the dataset's labels.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn labels<I, S>(mut self, labels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.dataset = self.dataset.labels(labels);
        self
    }
    mutagent_core::setters! {
        /// Sets all the options.
        set options: UploadOptions;
        /// Sets the file format.
        options format: DatasetFileFormat;
        /// Sets the number of items per bulk request.
        options chunk_size: usize;
        /// Sets whether the file is read once before anything is created.
        options validate_first: bool;
        /// Sets the largest record accepted, in bytes.
        options max_record_bytes: usize;
        /// Sets whether CSV cells the export neutralised get their original text back.
        options restore_csv_formulas: bool;
    }
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UploadReport {
    /// The dataset the items went to (as created, or as read before adding to it).
    pub dataset: PromptDataset,
    /// The file's format.
    pub format: DatasetFileFormat,
    /// Records read from the file.
    pub records_read: u64,
    /// Items the server reports as created (the lengths of the bulk answers).
    pub items_created: u64,
    /// Bulk requests sent.
    pub chunks_sent: u64,
}

/// How far an upload got before it failed.
#[derive(Debug, Clone, Copy, Default, Eq)]
#[non_exhaustive]
pub struct UploadProgress {
    /// The dataset, once created (or the existing one being added to). `None` with
    /// `dataset_created` when the server accepted the creation but its answer was lost.
    pub dataset_id: Option<DatasetId>,
    /// Items created before the failure.
    pub items_created: u64,
    /// Bulk requests that succeeded before the failure.
    pub chunks_sent: u64,
    /// Whether this upload created the dataset (`upload_dataset_file`), rather than adding to
    /// an existing one (`upload_items_file`); also when the server accepted the creation (a
    /// 2xx) and its answer was then lost, so the id is unknown.
    pub dataset_created: bool,
    /// Items of the chunk the server accepted (a 2xx) whose answer was then lost (it broke
    /// off, did not decode, was too large, or came too slowly): created, presumably, but not
    /// confirmed, so not counted in `items_created`.
    pub items_unconfirmed: u64,
    /// The helper that was called, which the error's message starts with: kept here, in the
    /// padding after `dataset_created`, so the error grows by nothing.
    helper: UploadHelper,
}

/// Compares what the upload did, not which helper did it.
impl PartialEq for UploadProgress {
    fn eq(&self, other: &Self) -> bool {
        let what = |p: &Self| {
            (
                p.dataset_id,
                p.items_created,
                p.chunks_sent,
                p.dataset_created,
                p.items_unconfirmed,
            )
        };
        what(self) == what(other)
    }
}

impl UploadProgress {
    /// Whether the upload changed anything on the server: created the dataset or some items
    /// (counting those of a chunk the server accepted though its answer was lost).
    pub fn changed_anything(&self) -> bool {
        self.dataset_created || self.items_created > 0 || self.items_unconfirmed > 0
    }
}

impl fmt::Display for UploadProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dataset_id {
            None if self.dataset_created => f.write_str(
                "the server accepted the dataset's creation but its answer was lost: a dataset \
                 was created, presumably, whose id is unknown",
            )?,
            None => f.write_str("nothing was created")?,
            Some(id) => write!(
                f,
                "dataset {id} holds {} item(s) from this upload ({} chunk(s) sent)",
                self.items_created, self.chunks_sent
            )?,
        }
        if self.items_unconfirmed > 0 {
            write!(
                f,
                ", and presumably {} more: the server accepted their chunk but its answer was lost",
                self.items_unconfirmed
            )?;
        }
        Ok(())
    }
}

/// Why an upload failed. Its message starts with the helper that was called
/// (`[upload_dataset_file]` or `[upload_items_file]`), as every error of the SDK starts with
/// its operation; so does the SDK [`Error`] it converts into.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The file is CSV and this build has no CSV reader: turn on the `csv` feature
    /// (`mutagent/csv`, or `mutagent-prompt-datasets/csv`). Reported before the file is
    /// opened and before anything is sent: nothing was created.
    #[error("[{helper}] cannot read `{}`: {}; nothing was created", path.display(), CsvNotEnabled)]
    CsvNotEnabled {
        /// The helper that was called.
        helper: UploadHelper,
        /// The file.
        path: PathBuf,
    },
    /// The format could not be told from the file name; set it with
    /// [`UploadOptions::format`].
    #[error("[{helper}] cannot tell the format of `{}` from its extension (use .json, .jsonl or .csv, or set the format)", path.display())]
    UnknownFormat {
        /// The helper that was called.
        helper: UploadHelper,
        /// The file.
        path: PathBuf,
    },
    /// The file is not a regular file (a pipe, such as `<(command)` in a shell, a socket or a
    /// device): it can be read only once, but [`UploadOptions::validate_first`] reads the file
    /// twice. Reported before anything is read or sent: nothing was created. Set
    /// `validate_first(false)` to upload it in one pass.
    #[error("[{helper}] cannot read `{}` twice: it is not a regular file (a pipe, socket or device) and can be read only once, but validate_first reads the file before uploading it; set validate_first(false) to upload it in one pass; nothing was created", path.display())]
    ReadableOnce {
        /// The helper that was called.
        helper: UploadHelper,
        /// The file.
        path: PathBuf,
    },
    /// The file changed after [`UploadOptions::validate_first`] read it (its size or time of
    /// change differ when it is opened again, or it holds another number of records): what
    /// was validated is not what would be sent, so the upload stopped before sending any
    /// record beyond those validated. The progress says what was created.
    #[error("[{}] `{}` changed after it was validated ({change}); the upload stopped ({progress})", progress.helper, path.display())]
    FileChanged {
        /// The file.
        path: PathBuf,
        /// What changed, in words.
        change: String,
        /// How far the upload got.
        progress: UploadProgress,
    },
    /// The file could not be opened or read. The message names the kind of failure; the
    /// operating system's own error is the source.
    #[error("[{}] cannot read `{}`: {} ({progress})", progress.helper, path.display(), source.kind())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
        /// How far the upload got.
        progress: UploadProgress,
    },
    /// A record is malformed or breaks a documented constraint.
    #[error("[{}] `{}` {}line {line}: {reason} ({progress})", progress.helper, path.display(), RecordLabel(*record))]
    Record {
        /// The file.
        path: PathBuf,
        /// The record number: 1 for the first item; 0 for a CSV header.
        record: u64,
        /// The line the problem is on (1-based).
        line: u64,
        /// What is wrong.
        reason: String,
        /// How far the upload got.
        progress: UploadProgress,
    },
    /// A call failed, or the settings were refused before anything was read.
    #[error("[{}] the upload stopped ({progress})", progress.helper)]
    Api {
        /// The SDK error.
        #[source]
        source: Error,
        /// How far the upload got.
        progress: UploadProgress,
    },
}

struct RecordLabel(u64);

impl fmt::Display for RecordLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("header, "),
            n => write!(f, "record {n}, "),
        }
    }
}

impl UploadError {
    /// How far the upload got (nothing for [`UnknownFormat`](Self::UnknownFormat),
    /// [`CsvNotEnabled`](Self::CsvNotEnabled) and [`ReadableOnce`](Self::ReadableOnce)).
    pub fn progress(&self) -> UploadProgress {
        match self {
            UploadError::UnknownFormat { .. }
            | UploadError::CsvNotEnabled { .. }
            | UploadError::ReadableOnce { .. } => UploadProgress::default(),
            UploadError::Io { progress, .. }
            | UploadError::FileChanged { progress, .. }
            | UploadError::Record { progress, .. }
            | UploadError::Api { progress, .. } => *progress,
        }
    }

    /// The SDK error, when a call failed or the settings were refused.
    pub fn as_api_error(&self) -> Option<&Error> {
        match self {
            UploadError::Api { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The helper that was called, which the message starts with.
    pub fn helper(&self) -> UploadHelper {
        match self {
            UploadError::UnknownFormat { helper, .. }
            | UploadError::CsvNotEnabled { helper, .. }
            | UploadError::ReadableOnce { helper, .. } => *helper,
            UploadError::Io { progress, .. }
            | UploadError::FileChanged { progress, .. }
            | UploadError::Record { progress, .. }
            | UploadError::Api { progress, .. } => progress.helper,
        }
    }

    /// The same error, named for the helper that was called (the reader, shared by both
    /// helpers, does not know which).
    fn named(mut self, called: UploadHelper) -> Self {
        match &mut self {
            UploadError::UnknownFormat { helper, .. }
            | UploadError::CsvNotEnabled { helper, .. }
            | UploadError::ReadableOnce { helper, .. } => *helper = called,
            UploadError::Io { progress, .. }
            | UploadError::FileChanged { progress, .. }
            | UploadError::Record { progress, .. }
            | UploadError::Api { progress, .. } => progress.helper = called,
        }
        self
    }

    fn with_progress(mut self, now: UploadProgress) -> Self {
        match &mut self {
            UploadError::UnknownFormat { .. }
            | UploadError::CsvNotEnabled { .. }
            | UploadError::ReadableOnce { .. } => {}
            UploadError::Io { progress, .. }
            | UploadError::FileChanged { progress, .. }
            | UploadError::Record { progress, .. }
            | UploadError::Api { progress, .. } => *progress = now,
        }
        self
    }

    fn api(source: Error, progress: UploadProgress) -> Self {
        UploadError::Api { source, progress }
    }
}

/// Where the items go.
enum Target {
    New(PromptId, CreatePromptDataset),
    Existing(DatasetId),
}

impl<C: ApiClient> PromptDatasetsApi<'_, C> {
    /// Creates a dataset for prompt `prompt_id` and fills it from the JSON, JSON Lines or
    /// CSV file at `path`, in chunks, reading the file as a stream (see [`upload`](crate::upload)
    /// for the formats and the CSV columns). A future with the async client, the report itself
    /// with the blocking client (the same code, run on its background runtime).
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{PromptDatasetsExt, UploadDataset};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_prompt_datasets::UploadError> {
    /// let report = client
    ///     .prompt_datasets()
    ///     .upload_dataset_file(7, UploadDataset::new("regression cases"), "cases.jsonl")
    ///     .await?;
    /// println!("dataset {}: {} items in {} requests", report.dataset.id, report.items_created, report.chunks_sent);
    /// # Ok(()) }
    /// ```
    ///
    /// With the blocking client:
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{PromptDatasetsExt, UploadDataset};
    /// # fn run(client: mutagent_core::BlockingClient) -> Result<(), mutagent_prompt_datasets::UploadError> {
    /// let report = client
    ///     .prompt_datasets()
    ///     .upload_dataset_file(7, UploadDataset::new("regression cases").chunk_size(200), "cases.csv")?;
    /// println!("{} items", report.items_created);
    /// # Ok(()) }
    /// ```
    pub fn upload_dataset_file(
        &self,
        prompt_id: impl Into<PromptId>,
        upload: UploadDataset,
        path: impl AsRef<Path>,
    ) -> C::Outcome<UploadReport, UploadError> {
        let target = Target::New(prompt_id.into(), upload.dataset);
        let path = path.as_ref().to_path_buf();
        self.client().drive(move |client| {
            run_upload(
                UploadHelper::DatasetFile,
                client,
                target,
                upload.options,
                path,
            )
        })
    }

    /// Adds the items of the file at `path` to the existing dataset `dataset_id`, in chunks
    /// (same formats and options as [`upload_dataset_file`](Self::upload_dataset_file)).
    pub fn upload_items_file(
        &self,
        dataset_id: impl Into<DatasetId>,
        options: UploadOptions,
        path: impl AsRef<Path>,
    ) -> C::Outcome<UploadReport, UploadError> {
        let target = Target::Existing(dataset_id.into());
        let path = path.as_ref().to_path_buf();
        self.client()
            .drive(move |client| run_upload(UploadHelper::ItemsFile, client, target, options, path))
    }
}

/// A call that failed before the upload began (nothing was created).
/// So `?` works in a function returning the SDK's [`Error`]. An upload that had changed
/// something on the server (created the dataset, added items) becomes [`Error::Partial`],
/// whose `done` is the [`UploadProgress`] in words and whose source is the error below; one
/// that had changed nothing becomes that error itself.
impl From<UploadError> for Error {
    fn from(err: UploadError) -> Self {
        let progress = err.progress();
        let operation = err.helper().name();
        let cause = cause_of(err);
        if progress.changed_anything() {
            Error::partial(operation, progress.to_string(), cause)
        } else {
            cause
        }
    }
}

/// The SDK error for what stopped an upload, whatever it had done before.
fn cause_of(err: UploadError) -> Error {
    let operation = err.helper().name();
    match err {
        UploadError::UnknownFormat { path, .. } => Error::invalid_input(
            operation,
            "format",
            format!(
                "cannot be told from the extension of `{}` (use .json, .jsonl or .csv, or set the format)",
                path.display()
            ),
        ),
        UploadError::CsvNotEnabled { .. } => CsvNotEnabled.into_error(operation),
        UploadError::ReadableOnce { path, .. } => Error::invalid_input(
            operation,
            "validate_first",
            format!(
                "cannot be on for `{}`: it is not a regular file (a pipe, socket or device) and \
                 can be read only once; set validate_first(false) to upload it in one pass",
                path.display()
            ),
        ),
        UploadError::Io {
            path,
            source,
            ..
        } => Error::File {
            operation,
            path,
            source,
        },
        UploadError::FileChanged {
            path,
            change,
            ..
        } => Error::File {
            operation,
            path,
            source: io::Error::other(format!("the file changed after it was validated ({change})")),
        },
        UploadError::Record {
            path,
            record,
            line,
            reason,
            ..
        } => Error::invalid_input(
            operation,
            format!("{}: {}line {line}", path.display(), RecordLabel(record)),
            reason,
        ),
        UploadError::Api { source, .. } => source,
    }
}

impl From<Error> for UploadError {
    fn from(source: Error) -> Self {
        UploadError::api(source, UploadProgress::default())
    }
}

type Reader = DatasetFileReader<std::io::BufReader<std::fs::File>>;

/// The upload `helper` was called for; its errors are named for it.
async fn run_upload(
    helper: UploadHelper,
    client: Client,
    target: Target,
    options: UploadOptions,
    path: PathBuf,
) -> Result<UploadReport, UploadError> {
    upload(helper, client, target, options, path)
        .await
        .map_err(|err| err.named(helper))
}

async fn upload(
    helper: UploadHelper,
    client: Client,
    target: Target,
    options: UploadOptions,
    path: PathBuf,
) -> Result<UploadReport, UploadError> {
    let nothing = UploadProgress::default();
    options
        .check(helper.name())
        .map_err(|err| UploadError::api(err, nothing))?;
    if let Target::New(_, dataset) = &target {
        // Checked before the file is read, long before the request is built.
        check_create(crate::operations::CREATE_PROMPT_DATASET.name, dataset)
            .map_err(|err| UploadError::api(err, nothing))?;
    }
    // Before the dataset is read or created: a build without CSV sends nothing.
    let format = readable_format(&path, options.format)?;
    let open = {
        let path = path.clone();
        let max = options.max_record_bytes;
        let restore = options.restore_csv_formulas;
        move || -> Result<Reader, UploadError> {
            DatasetFileReader::open_with_limit(&path, Some(format), max)
                .map(|reader| reader.restore_csv_formulas(restore))
        }
    };

    let dataset_created = matches!(target, Target::New(..));
    let (dataset, validated) = match target {
        Target::Existing(id) => {
            // The dataset must exist before the file is read.
            let dataset = client
                .prompt_datasets()
                .get_prompt_dataset(id)
                .await
                .map_err(|err| UploadError::api(err, nothing))?;
            let validated = check_whole_file(&options, &path, open.clone()).await?;
            (dataset, validated)
        }
        Target::New(prompt_id, body) => {
            let validated = check_whole_file(&options, &path, open.clone()).await?;
            let dataset = client
                .prompt_datasets()
                .create_prompt_dataset(prompt_id, &body)
                .await
                .map_err(|err| {
                    // Accepted, then the answer was lost: the dataset exists, presumably.
                    let created = UploadProgress {
                        dataset_created: err.request_accepted(),
                        ..nothing
                    };
                    UploadError::api(err, created)
                })?;
            (dataset, validated)
        }
    };
    let mut progress = UploadProgress {
        dataset_id: Some(dataset.id),
        dataset_created,
        ..UploadProgress::default()
    };

    let chunk_size = options.chunk_size;
    let changed = |change: String, progress: UploadProgress| UploadError::FileChanged {
        path: path.clone(),
        change,
        progress,
    };
    let reader = {
        let path = path.clone();
        let before = validated
            .as_ref()
            .and_then(|validated| validated.fingerprint);
        off_thread(move || {
            let reader = open()?;
            match before {
                // Before any item is sent: the file is not the one validated.
                Some(before) if Fingerprint::of(&path) != Some(before) => {
                    Err(UploadError::FileChanged {
                        path,
                        change: "its size or time of change differ".into(),
                        progress: UploadProgress::default(),
                    })
                }
                _ => Ok(reader),
            }
        })
    }
    .await
    .map_err(|err| err.with_progress(progress))?;
    // Read the next chunk while the current one is being sent.
    let mut pending = read_chunk(reader, chunk_size);
    let mut records_read;
    loop {
        let (reader, chunk) = pending.await.map_err(|err| err.with_progress(progress))?;
        records_read = reader.records_read();
        // Checked before the chunk is sent: no record beyond those validated goes out.
        if let Some(validated) = &validated {
            let more = records_read > validated.records;
            if more || (chunk.is_empty() && records_read < validated.records) {
                let change = format!(
                    "it was validated with {} record(s), and now holds {}{}",
                    validated.records,
                    if more { "at least " } else { "" },
                    records_read
                );
                return Err(changed(change, progress));
            }
        }
        if chunk.is_empty() {
            break;
        }
        pending = read_chunk(reader, chunk_size);
        let created = client
            .prompt_dataset_items()
            .bulk_create_prompt_dataset_items(dataset.id, &chunk)
            .await
            .map_err(|err| {
                // Accepted, then the answer was lost: the chunk's items exist, presumably.
                let now = UploadProgress {
                    items_unconfirmed: if err.request_accepted() {
                        chunk.len() as u64
                    } else {
                        0
                    },
                    ..progress
                };
                UploadError::api(err, now)
            })?;
        drop(chunk);
        progress.items_created += created.len() as u64;
        progress.chunks_sent += 1;
    }
    Ok(UploadReport {
        dataset,
        format,
        records_read,
        items_created: progress.items_created,
        chunks_sent: progress.chunks_sent,
    })
}

/// What the validation pass read: the upload's own pass must find the same file.
struct Validated {
    /// Records read.
    records: u64,
    /// The file before it was read (`None` if it could not be looked at, though it opened).
    fingerprint: Option<Fingerprint>,
}

/// What tells that a file was changed (written, cut, replaced) without reading it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Fingerprint {
    /// `None` when the file cannot be looked at.
    fn of(path: &Path) -> Option<Self> {
        std::fs::metadata(path)
            .ok()
            .as_ref()
            .map(Self::from_metadata)
    }

    fn from_metadata(metadata: &std::fs::Metadata) -> Self {
        Self {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        }
    }
}

/// Tells the validation pass, on its blocking thread, that nobody waits for it any more.
#[derive(Debug, Clone, Default)]
struct StopReading(Arc<AtomicBool>);

impl StopReading {
    fn requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Held by the upload's future while its validation pass runs: dropping the future (the
/// caller gave up on the upload) stops the pass at its next record, instead of letting it
/// read the rest of a file of any size for nothing.
struct StopOnDrop(StopReading);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        (self.0).0.store(true, Ordering::Relaxed);
    }
}

/// Reads the whole file once, when the options ask for it: only a file that can be read
/// again, since the upload then reads it a second time. What it read, to check that the
/// second pass reads the same file. Dropping the future stops the read at the next record.
async fn check_whole_file(
    options: &UploadOptions,
    path: &Path,
    open: impl FnOnce() -> Result<Reader, UploadError> + Send + 'static,
) -> Result<Option<Validated>, UploadError> {
    if !options.validate_first {
        return Ok(None);
    }
    let path = path.to_path_buf();
    let stop = StopReading::default();
    let _stop_on_drop = StopOnDrop(stop.clone());
    off_thread(move || {
        // One look at the file serves both: what it is, and what tells a later change.
        let metadata = std::fs::metadata(&path).ok();
        refuse_readable_once(&path, metadata.as_ref())?;
        let fingerprint = metadata.as_ref().map(Fingerprint::from_metadata);
        #[cfg(test)]
        let _ended = validation_probe::Started::new();
        let mut reader = open()?;
        while reader.next_item()?.is_some() {
            #[cfg(test)]
            validation_probe::read(reader.records_read());
            if stop.requested() {
                // The upload was dropped: this answer reaches nobody.
                return Err(UploadError::Io {
                    path,
                    source: io::Error::new(io::ErrorKind::Interrupted, "the upload was dropped"),
                    progress: UploadProgress::default(),
                });
            }
        }
        Ok(Some(Validated {
            records: reader.records_read(),
            fingerprint,
        }))
    })
    .await
}

/// Refuses a path that names a pipe, socket or device: its content can be read only once, so
/// the validation pass would consume it and the upload would send nothing (or, opening a
/// named pipe again, wait forever for another writer). A directory or a missing path is left
/// to `open`, whose error says so (`metadata` is `None` then). `metadata` follows links, as
/// `open` does, and does not block on a named pipe.
fn refuse_readable_once(
    path: &Path,
    metadata: Option<&std::fs::Metadata>,
) -> Result<(), UploadError> {
    match metadata {
        Some(metadata) if !metadata.is_file() && !metadata.is_dir() => {
            Err(UploadError::ReadableOnce {
                helper: UploadHelper::DatasetFile,
                path: path.to_path_buf(),
            })
        }
        _ => Ok(()),
    }
}

type ChunkRead = Result<(Reader, Vec<NewDatasetItem>), UploadError>;

/// Starts reading the next chunk off the async threads.
fn read_chunk(
    mut reader: Reader,
    size: usize,
) -> std::pin::Pin<Box<dyn Future<Output = ChunkRead> + Send>> {
    Box::pin(off_thread(move || {
        let chunk = reader.next_chunk(size)?;
        Ok((reader, chunk))
    }))
}

/// Runs blocking file work on Tokio's blocking pool when a runtime is there (it always is
/// under the SDK's clients), else inline. The work starts at once, not when first polled.
fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, UploadError> + Send + 'static,
) -> impl Future<Output = Result<T, UploadError>> + Send {
    let job = match tokio::runtime::Handle::try_current() {
        Ok(runtime) => Ok(runtime.spawn_blocking(work)),
        // No runtime: nothing to block but the caller.
        Err(_) => Err(work),
    };
    async move {
        match job {
            Ok(handle) => handle.await.unwrap_or_else(|err| {
                Err(UploadError::Io {
                    path: PathBuf::new(),
                    source: io::Error::other(format!("the file reading task failed: {err}")),
                    progress: UploadProgress::default(),
                })
            }),
            Err(work) => work(),
        }
    }
}

/// What the latest validation pass did, so a test can tell when it stopped and how far it
/// read (it runs on a blocking thread nobody waits for once the upload is dropped).
#[cfg(test)]
mod validation_probe {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    /// Records the pass has read so far.
    pub(super) static RECORDS: AtomicU64 = AtomicU64::new(0);
    /// Whether the pass has ended (read to the end, failed or stopped).
    pub(super) static ENDED: AtomicBool = AtomicBool::new(false);

    /// A pass under way: marks it ended when dropped, whichever way it returns.
    pub(super) struct Started(());

    impl Started {
        pub(super) fn new() -> Self {
            RECORDS.store(0, Ordering::SeqCst);
            ENDED.store(false, Ordering::SeqCst);
            Self(())
        }
    }

    impl Drop for Started {
        fn drop(&mut self) {
            ENDED.store(true, Ordering::SeqCst);
        }
    }

    pub(super) fn read(records: u64) {
        RECORDS.store(records, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    /// Dropping an upload's future while `validate_first` reads the file stops that read
    /// within a record or so: it used to go on to the end of the file on its blocking thread
    /// (a 2 GB file kept a core busy for nothing). Async client only: the blocking call
    /// cannot be dropped midway.
    #[test]
    fn a_dropped_upload_stops_its_validation_read() {
        const RECORDS: u64 = 200_000;
        let dir = mutagent_test_support::TempDir::new("dropped-validation");
        let path = dir.path("big.jsonl");
        let mut text = String::new();
        for n in 0..RECORDS {
            text.push_str(&format!(
                "{{\"input\": {{\"n\": {n}, \"text\": \"case {n}\"}}}}\n"
            ));
        }
        std::fs::write(&path, text).expect("the test file");
        // Never reached: the validation pass comes before the dataset is created.
        let server = mutagent_test_support::ScriptedServer::start(Vec::new());
        let client = mutagent_wire_test::async_client(&server);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let upload = client.prompt_datasets().upload_dataset_file(
                7,
                crate::UploadDataset::new("big"),
                &path,
            );
            let reading = async {
                while validation_probe::RECORDS.load(Ordering::SeqCst) == 0 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            };
            tokio::select! {
                answer = upload => panic!("the upload ended before it was dropped: {answer:?}"),
                () = reading => {}
            }
            // `upload` is dropped here, its validation pass under way.
        });
        let dropped_at = validation_probe::RECORDS.load(Ordering::SeqCst);
        let begin = Instant::now();
        while !validation_probe::ENDED.load(Ordering::SeqCst) {
            assert!(
                begin.elapsed() < Duration::from_secs(120),
                "the validation pass still reads 120 s after the drop"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let read = validation_probe::RECORDS.load(Ordering::SeqCst);
        assert!(
            read < RECORDS,
            "the validation pass read all {read} records after the upload was dropped at \
             record {dropped_at}"
        );
        assert!(server.requests().is_empty(), "nothing was sent");
    }

    /// The progress is what an upload error ends with: it must say what exists on the server.
    #[test]
    fn progress_says_what_the_server_holds() {
        assert_eq!(UploadProgress::default().to_string(), "nothing was created");
        let progress = UploadProgress {
            dataset_id: Some(DatasetId::from(7)),
            items_created: 150,
            chunks_sent: 2,
            dataset_created: true,
            items_unconfirmed: 0,
            ..UploadProgress::default()
        };
        assert_eq!(
            progress.to_string(),
            "dataset 7 holds 150 item(s) from this upload (2 chunk(s) sent)"
        );
        let lost_chunk = UploadProgress {
            items_unconfirmed: 50,
            ..progress
        };
        assert_eq!(
            lost_chunk.to_string(),
            "dataset 7 holds 150 item(s) from this upload (2 chunk(s) sent), and presumably 50 \
             more: the server accepted their chunk but its answer was lost"
        );
        let lost_dataset = UploadProgress {
            dataset_created: true,
            ..UploadProgress::default()
        };
        assert!(lost_dataset.changed_anything());
        assert!(lost_dataset.to_string().contains("whose id is unknown"));
    }
}
