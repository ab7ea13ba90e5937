//! Streaming readers of dataset files: one record at a time, never the whole file; and the
//! CSV formula rule the export and the upload share. The CSV parts are compiled with the
//! `csv` feature only.

#[cfg(feature = "csv")]
pub(crate) mod csv;
#[cfg(feature = "csv")]
pub(crate) mod csv_columns;
#[cfg(feature = "csv")]
pub(crate) mod formula;
pub(crate) mod json;
mod json_strings;
pub(crate) mod lines;
pub(crate) mod record;
pub(crate) mod strict_json;

use std::io::{self, BufRead};

/// What went wrong while splitting a file into records.
#[derive(Debug)]
pub(crate) enum ScanError {
    /// Reading failed.
    Io(io::Error),
    /// The file is malformed at `line`.
    Syntax { line: u64, reason: String },
}

impl From<io::Error> for ScanError {
    fn from(err: io::Error) -> Self {
        ScanError::Io(err)
    }
}

/// The UTF-8 byte order mark, ignored at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Removes a byte order mark at the start of `line` (the first line of a file).
pub(crate) fn strip_bom(line: &mut Vec<u8>) {
    if line.starts_with(BOM) {
        line.drain(..BOM.len());
    }
}

/// Reads up to and including the next `\n` into `out`, refusing lines longer than `max`
/// bytes (so a file without newlines cannot fill the memory). Returns the bytes read.
pub(crate) fn read_line_capped<R: BufRead>(
    reader: &mut R,
    out: &mut Vec<u8>,
    max: usize,
    line: u64,
) -> Result<usize, ScanError> {
    let start = out.len();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let read = io::Read::take(&mut *reader, limit).read_until(b'\n', out)?;
    let body = &out[start..];
    let content = body.strip_suffix(b"\n").unwrap_or(body);
    if content.len() > max {
        return Err(ScanError::Syntax {
            line,
            reason: format!("the line is longer than the limit of {max} bytes"),
        });
    }
    Ok(read)
}
