//! CSV dataset files, with the `csv` feature: the reader's CSV source ([`CsvItems`]: the
//! header, then one item per row) and the export's CSV writer ([`write_items`]).
//! `csv_files_disabled.rs` has the same names for builds without the feature, so the reader
//! and the export name them without a `cfg` of their own.

use std::io::{self, BufRead, Write};
use std::path::Path;

use mutagent_prompt_dataset_items::{NewDatasetItem, PromptDatasetItem};
use serde_json::Value;

use crate::file::csv::CsvReader;
use crate::file::csv_columns::CsvColumns;
use crate::file::{formula, record};
use crate::reader::{record_error, scan_error};
use crate::upload::UploadError;

/// The items of a CSV file: its header names the columns, each row after it is an item.
#[derive(Debug)]
pub(crate) struct CsvItems<R> {
    records: CsvReader<R>,
    /// Read from the header, before the first item.
    columns: Option<CsvColumns>,
}

impl<R: BufRead> CsvItems<R> {
    pub(crate) fn new(reader: R, max_record_bytes: usize) -> Self {
        Self {
            records: CsvReader::new(reader, max_record_bytes),
            columns: None,
        }
    }

    /// The next item, `None` after the last row. `record` is its number and `path` the file,
    /// for errors; `restore_formulas` removes the `'` the export puts before formula cells.
    pub(crate) fn next_item(
        &mut self,
        path: &Path,
        record: u64,
        restore_formulas: bool,
    ) -> Result<Option<NewDatasetItem>, UploadError> {
        let columns = match &self.columns {
            Some(columns) => columns,
            None => match self.records.next_record() {
                Ok(Some((header, line))) => self.columns.insert(
                    CsvColumns::from_header(&header)
                        .map_err(|reason| record_error(path, 0, line, reason))?,
                ),
                // No header: nothing names the columns, and an upload would otherwise create
                // an empty dataset from an empty (or wrong) file and call it a success.
                Ok(None) => {
                    return Err(record_error(
                        path,
                        0,
                        1,
                        "the file has no header row (it is empty or holds only blank lines); \
                         the first row must name the columns"
                            .into(),
                    ))
                }
                Err(err) => return Err(scan_error(path, 0, err)),
            },
        };
        let (mut fields, line) = match self.records.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => return Ok(None),
            Err(err) => return Err(scan_error(path, record, err)),
        };
        if restore_formulas {
            // In place, not `into_iter().map(…).collect()` (an in-place collect compiled for
            // this one call).
            for field in &mut fields {
                *field = formula::restored(std::mem::take(field));
            }
        }
        columns
            .item(fields)
            .map(Some)
            .map_err(|reason| record_error(path, record, line, reason))
    }
}

/// Writes `items` as CSV: the header `name,input,expectedOutput,…`, then one row per item with
/// `input`, `expectedOutput`, `labels` and `metadata` as JSON in the cell; formula cells get a
/// `'` in front when `neutralise_formulas` (see [`export`](crate::export)).
pub(crate) fn write_items(
    out: &mut dyn Write,
    items: &[PromptDatasetItem],
    neutralise_formulas: bool,
) -> io::Result<()> {
    let mut csv = CsvWriter::new(out);
    csv.record(&record::ITEM_KEYS)?;
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
            if neutralise_formulas {
                csv.cell(index, &formula::neutralised(cell))?;
            } else {
                csv.cell(index, cell)?;
            }
        }
        csv.end_record()?;
    }
    Ok(())
}

fn json_cell(value: &Value) -> io::Result<String> {
    match value {
        Value::Null => Ok(String::new()),
        other => Ok(serde_json::to_string(other)?),
    }
}
/// RFC 4180 records (CRLF-terminated) written by `csv-core`'s writer: a cell is quoted when it
/// holds a comma, quote or line break, and also when it starts or ends with a space, which
/// some readers would trim from an unquoted cell (`csv-core` has no such rule, so those cells
/// go through a second writer that always quotes). Not `csv::Writer`: it has one quote style
/// per writer and cannot be handed a field already quoted, so the rule cannot be said with it.
struct CsvWriter<'a> {
    out: &'a mut dyn Write,
    necessary: csv_core::Writer,
    always: csv_core::Writer,
    buf: [u8; 4096],
}

impl<'a> CsvWriter<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        let mut builder = csv_core::WriterBuilder::new();
        builder.terminator(csv_core::Terminator::CRLF);
        let necessary = builder.build();
        let always = builder.quote_style(csv_core::QuoteStyle::Always).build();
        Self {
            out,
            necessary,
            always,
            buf: [0; 4096],
        }
    }

    /// One record. The delimiters and the terminator always come from the `necessary` writer,
    /// so its record is never empty (which would make it write `""`) and it closes any quote
    /// it opened; an edge-space cell is closed by its own writer's `finish`.
    fn record(&mut self, cells: &[&str]) -> io::Result<()> {
        for (index, cell) in cells.iter().enumerate() {
            self.cell(index, cell)?;
        }
        self.end_record()
    }

    /// The record's cell number `index` (from 0), preceded by a delimiter after the first.
    /// One `&str` at a time, so that this is compiled once, not per kind of cells.
    fn cell(&mut self, index: usize, cell: &str) -> io::Result<()> {
        if index > 0 {
            let (_, written) = self.necessary.delimiter(&mut self.buf);
            self.out.write_all(&self.buf[..written])?;
        }
        let edge_space = cell.starts_with(' ') || cell.ends_with(' ');
        let writer = if edge_space {
            &mut self.always
        } else {
            &mut self.necessary
        };
        let mut input = cell.as_bytes();
        loop {
            let (result, read, written) = writer.field(input, &mut self.buf);
            self.out.write_all(&self.buf[..written])?;
            input = &input[read..];
            if let csv_core::WriteResult::InputEmpty = result {
                break;
            }
        }
        if edge_space {
            let (_, written) = self.always.finish(&mut self.buf);
            self.out.write_all(&self.buf[..written])?;
        }
        Ok(())
    }

    /// Ends the record.
    fn end_record(&mut self) -> io::Result<()> {
        let (_, written) = self.necessary.terminator(&mut self.buf);
        self.out.write_all(&self.buf[..written])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(items: serde_json::Value, neutralise: bool) -> String {
        let items: Vec<PromptDatasetItem> = serde_json::from_value(items).expect("items");
        let mut out = Vec::new();
        write_items(&mut out, &items, neutralise).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        let items = serde_json::json!([
            {"id": 1, "datasetId": 2, "name": "plain", "input": {"q": "a,b"},
             "expectedOutput": "say \"hi\"", "userFeedback": "two\nlines",
             "systemFeedback": " edge ", "labels": ["x"], "metadata": {}},
            {"id": 3, "datasetId": 2, "name": "=1+1", "input": {}, "userFeedback": "cr\rhere",
             "systemFeedback": "", "labels": []},
        ]);
        assert_eq!(
            csv(items.clone(), true),
            "name,input,expectedOutput,userFeedback,systemFeedback,labels,metadata\r\n\
             plain,\"{\"\"q\"\":\"\"a,b\"\"}\",\"\"\"say \\\"\"hi\\\"\"\"\"\",\"two\nlines\",\" edge \",\"[\"\"x\"\"]\",{}\r\n\
             '=1+1,{},,\"cr\rhere\",,[],\r\n"
        );
        assert!(csv(items, false).contains("\r\n=1+1,{},"));
    }

    #[test]
    fn cells_longer_than_the_buffer_are_written_whole() {
        let name = format!("{}\"{}", "a".repeat(5000), " ".repeat(5000));
        let text = csv(
            serde_json::json!([{"id": 1, "datasetId": 2, "name": name}]),
            true,
        );
        let expected = format!("\"{}\"\"{}\",", "a".repeat(5000), " ".repeat(5000));
        assert!(text.contains(&format!("\r\n{expected}")), "{}", text.len());
        assert!(text.ends_with(",,,,,,\r\n"));
    }
}
