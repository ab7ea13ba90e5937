//! [`DatasetFileReader`]: a dataset file read as a stream of items, one chunk at a time.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use mutagent_prompt_dataset_items::NewDatasetItem;

use crate::csv_files::CsvItems;
use crate::file::json::JsonArray;
use crate::file::lines::JsonLines;
use crate::file::record::item_from_json;
use crate::file::strict_json;
use crate::file::ScanError;
use crate::format::{DatasetFileFormat, Refused};
use crate::upload::{UploadError, UploadHelper, UploadProgress};

/// The default largest record: 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug)]
enum Source<R> {
    Json(JsonArray<R>),
    JsonLines(JsonLines<R>),
    Csv(CsvItems<R>),
}

/// A dataset file read as a stream of [`NewDatasetItem`]s: only the current record (and the
/// chunk the caller asks for) is ever in memory, so files larger than memory work.
///
/// The formats and the CSV columns are described in the [`upload`](crate::upload) module.
/// Every malformed record is an [`UploadError::Record`] naming the record and line; nothing
/// is skipped silently (blank lines in JSON Lines and CSV are not records). After an error
/// the reader stops.
///
/// ```
/// use mutagent_prompt_datasets::{DatasetFileFormat, DatasetFileReader};
/// let text = "{\"input\": {\"name\": \"Ada\"}, \"expectedOutput\": {\"text\": \"Hello, Ada\"}}\n\
///             {\"input\": {\"name\": \"Alan\"}}\n";
/// let mut reader = DatasetFileReader::new(text.as_bytes(), DatasetFileFormat::JsonLines);
/// let chunk = reader.next_chunk(10).unwrap();
/// assert_eq!(chunk.len(), 2);
/// assert_eq!(chunk[0].input["name"], "Ada");
/// assert_eq!(chunk[0].expected_output.as_ref().unwrap()["text"], "Hello, Ada");
/// assert!(reader.next_chunk(10).unwrap().is_empty());
/// ```
///
/// CSV the same way, with the `csv` feature; without it the first read is an
/// [`UploadError::CsvNotEnabled`]:
///
/// ```
/// use mutagent_prompt_datasets::{DatasetFileFormat, DatasetFileReader, UploadError};
/// let text = "input.name,expectedOutput.text\nAda,\"Hello, Ada\"\nAlan,Hi Alan\n";
/// let mut reader = DatasetFileReader::new(text.as_bytes(), DatasetFileFormat::Csv);
/// match reader.next_chunk(10) {
///     // With the `csv` feature:
///     Ok(chunk) => assert_eq!(chunk[0].expected_output.as_ref().unwrap()["text"], "Hello, Ada"),
///     // Without it:
///     Err(UploadError::CsvNotEnabled { .. }) => {}
///     Err(other) => panic!("{other}"),
/// }
/// # assert_eq!(reader.records_read(), if cfg!(feature = "csv") { 2 } else { 0 });
/// ```
#[derive(Debug)]
pub struct DatasetFileReader<R> {
    source: Source<R>,
    format: DatasetFileFormat,
    path: PathBuf,
    records: u64,
    stopped: bool,
    restore_csv_formulas: bool,
}

impl DatasetFileReader<BufReader<File>> {
    /// Opens `path`; the format is `format`, or else the one its extension implies.
    pub fn open(
        path: impl AsRef<Path>,
        format: Option<DatasetFileFormat>,
    ) -> Result<Self, UploadError> {
        Self::open_with_limit(path, format, DEFAULT_MAX_RECORD_BYTES)
    }

    /// Like [`open`](Self::open), refusing records larger than `max_record_bytes`.
    pub fn open_with_limit(
        path: impl AsRef<Path>,
        format: Option<DatasetFileFormat>,
        max_record_bytes: usize,
    ) -> Result<Self, UploadError> {
        let path = path.as_ref();
        let format = readable_format(path, format)?;
        let file = File::open(path).map_err(|source| UploadError::Io {
            path: path.to_path_buf(),
            source,
            progress: UploadProgress::default(),
        })?;
        let mut reader = Self::with_limit(
            BufReader::with_capacity(64 * 1024, file),
            format,
            max_record_bytes,
        );
        reader.path = path.to_path_buf();
        Ok(reader)
    }
}

impl<R: BufRead> DatasetFileReader<R> {
    /// Reads `format` from `reader` (errors name the input `<input>`).
    pub fn new(reader: R, format: DatasetFileFormat) -> Self {
        Self::with_limit(reader, format, DEFAULT_MAX_RECORD_BYTES)
    }

    /// Like [`new`](Self::new), refusing records larger than `max_record_bytes` (a JSON
    /// element, a JSON line or a CSV record, as written in the file: a CSV record's quotes and
    /// commas count, its line end does not), so a malformed file cannot fill the memory.
    pub fn with_limit(reader: R, format: DatasetFileFormat, max_record_bytes: usize) -> Self {
        let source = match format {
            DatasetFileFormat::Json => Source::Json(JsonArray::new(reader, max_record_bytes)),
            DatasetFileFormat::JsonLines => {
                Source::JsonLines(JsonLines::new(reader, max_record_bytes))
            }
            DatasetFileFormat::Csv => Source::Csv(CsvItems::new(reader, max_record_bytes)),
        };
        Self {
            source,
            format,
            path: PathBuf::from("<input>"),
            records: 0,
            stopped: false,
            restore_csv_formulas: true,
        }
    }

    mutagent_core::setters! {
        /// Whether a CSV cell the export neutralised (`'` before `=`, `+`, `-`, `@`, tab or CR;
        /// see [`export`](crate::export)) gets its text back without that `'` (on by default).
        /// Turn it off to read every cell exactly as written.
        set restore_csv_formulas: bool;
    }

    /// The format being read.
    pub fn format(&self) -> DatasetFileFormat {
        self.format
    }

    /// The path errors name.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many records were read (and turned into items) so far.
    pub fn records_read(&self) -> u64 {
        self.records
    }

    /// The next item, `None` after the last one.
    pub fn next_item(&mut self) -> Result<Option<NewDatasetItem>, UploadError> {
        if self.stopped {
            return Ok(None);
        }
        let result = self.read_item();
        match &result {
            Ok(Some(_)) => self.records += 1,
            Ok(None) | Err(_) => self.stopped = true,
        }
        result
    }

    /// Up to `max` next items (fewer at the end; empty after the last one).
    pub fn next_chunk(&mut self, max: usize) -> Result<Vec<NewDatasetItem>, UploadError> {
        let mut chunk = Vec::with_capacity(max.min(4096));
        while chunk.len() < max {
            match self.next_item()? {
                Some(item) => chunk.push(item),
                None => break,
            }
        }
        Ok(chunk)
    }

    fn read_item(&mut self) -> Result<Option<NewDatasetItem>, UploadError> {
        let record = self.records + 1;
        match &mut self.source {
            Source::Json(scanner) => {
                let (bytes, line) = match scanner.next_element() {
                    Ok(Some(element)) => element,
                    Ok(None) => return Ok(None),
                    Err(err) => return Err(scan_error(&self.path, record, err)),
                };
                let value = strict_json::parse(bytes).map_err(|err| {
                    // Lines are counted from the start of the element.
                    let at = line + err.line().saturating_sub(1);
                    record_error(&self.path, record, at, err.to_string())
                })?;
                item_from_json(value)
                    .map(Some)
                    .map_err(|reason| record_error(&self.path, record, line, reason))
            }
            Source::JsonLines(lines) => {
                let (bytes, line) = match lines.next_line() {
                    Ok(Some(line)) => line,
                    Ok(None) => return Ok(None),
                    Err(err) => return Err(scan_error(&self.path, record, err)),
                };
                let value = strict_json::parse(bytes)
                    .map_err(|err| record_error(&self.path, record, line, err.to_string()))?;
                item_from_json(value)
                    .map(Some)
                    .map_err(|reason| record_error(&self.path, record, line, reason))
            }
            Source::Csv(items) => items.next_item(&self.path, record, self.restore_csv_formulas),
        }
    }
}

impl<R: BufRead> Iterator for DatasetFileReader<R> {
    type Item = Result<NewDatasetItem, UploadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().transpose()
    }
}

/// The format `path` is read in ([`DatasetFileFormat::for_file`]), refused before the file is
/// opened: a build without CSV then touches neither the file nor, in the upload, the server.
pub(crate) fn readable_format(
    path: &Path,
    format: Option<DatasetFileFormat>,
) -> Result<DatasetFileFormat, UploadError> {
    DatasetFileFormat::for_file(path, format, |refused, path| match refused {
        Refused::Unknown => UploadError::UnknownFormat {
            helper: UploadHelper::Reader,
            path,
        },
        Refused::CsvNotEnabled => UploadError::CsvNotEnabled {
            helper: UploadHelper::Reader,
            path,
        },
    })
}

pub(crate) fn record_error(path: &Path, record: u64, line: u64, reason: String) -> UploadError {
    UploadError::Record {
        path: path.to_path_buf(),
        record,
        line,
        reason,
        progress: UploadProgress::default(),
    }
}

pub(crate) fn scan_error(path: &Path, record: u64, err: ScanError) -> UploadError {
    match err {
        ScanError::Io(source) => UploadError::Io {
            path: path.to_path_buf(),
            source,
            progress: UploadProgress::default(),
        },
        ScanError::Syntax { line, reason } => record_error(path, record, line, reason),
    }
}
