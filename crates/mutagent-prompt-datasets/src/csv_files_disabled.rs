//! CSV dataset files in a build without the `csv` feature: the names of `csv_files.rs`, each
//! refusing with [`CsvNotEnabled`] before reading or writing a byte. The upload and the
//! export check the format before anything is sent, so they never get this far; these are
//! what [`DatasetFileReader`](crate::DatasetFileReader) and
//! [`export::write_items`](crate::export::write_items) meet when handed CSV directly.

use std::io::{self, Write};
use std::marker::PhantomData;
use std::path::Path;

use mutagent_prompt_dataset_items::{NewDatasetItem, PromptDatasetItem};

use crate::format::CsvNotEnabled;
use crate::upload::UploadError;

/// A CSV source that cannot be read: its input is dropped unread.
#[derive(Debug)]
pub(crate) struct CsvItems<R> {
    input: PhantomData<fn() -> R>,
}

impl<R> CsvItems<R> {
    pub(crate) fn new(_unread: R, _max_record_bytes: usize) -> Self {
        Self { input: PhantomData }
    }

    /// Always [`UploadError::CsvNotEnabled`] naming `path`.
    pub(crate) fn next_item(
        &mut self,
        path: &Path,
        _record: u64,
        _restore_formulas: bool,
    ) -> Result<Option<NewDatasetItem>, UploadError> {
        Err(UploadError::CsvNotEnabled {
            helper: crate::upload::UploadHelper::DatasetFile,
            path: path.to_path_buf(),
        })
    }
}

/// Always an [`io::Error`] of kind [`Unsupported`](io::ErrorKind::Unsupported) holding
/// [`CsvNotEnabled`]; nothing is written to `out`.
pub(crate) fn write_items(
    _out: &mut dyn Write,
    _items: &[PromptDatasetItem],
    _neutralise_formulas: bool,
) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, CsvNotEnabled))
}
