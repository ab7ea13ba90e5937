//! CSV records through `csv-core`, the parser of the `csv` crate (RFC 4180: fields in double
//! quotes may hold commas, line breaks and doubled quotes; lines end in CRLF or LF), one record
//! at a time.
//!
//! The parser is driven here rather than through `csv::Reader` for two things that reader
//! does not give: the line each record starts on (its positions point at the end of the
//! previous record, so blank lines and CRLF endings shift them), and a hard cap on a record's
//! size, so a file with an unclosed quote cannot fill the memory.

use std::io::BufRead;

use csv_core::ReadRecordResult;

use super::{ScanError, BOM};

/// Reads CSV records from `R`.
#[derive(Debug)]
pub(crate) struct CsvReader<R> {
    reader: R,
    // Boxed: the parser holds its DFA tables (about 500 bytes).
    parser: Box<csv_core::Reader>,
    /// The bytes of the fields of the current record, one after the other.
    fields: Vec<u8>,
    /// Where each field ends in `fields`.
    ends: Vec<usize>,
    /// The line the next byte is on.
    line: u64,
    /// The largest record, in bytes of field content.
    max: usize,
    started: bool,
}

impl<R: BufRead> CsvReader<R> {
    pub(crate) fn new(reader: R, max: usize) -> Self {
        Self {
            reader,
            parser: Box::new(csv_core::Reader::new()),
            fields: vec![0; 1024.min(max.max(1))],
            ends: vec![0; 16],
            line: 1,
            max,
            started: false,
        }
    }

    /// The next record (its fields) and the line it starts on; `None` at the end. Empty
    /// lines between records are not records.
    pub(crate) fn next_record(&mut self) -> Result<Option<(Vec<String>, u64)>, ScanError> {
        if !self.started {
            self.started = true;
            if self.reader.fill_buf()?.starts_with(BOM) {
                self.reader.consume(BOM.len());
            }
        }
        let (mut out, mut nends) = (0, 0);
        let mut start_line = None;
        let mut quotes = 0u64;
        loop {
            let input = self.reader.fill_buf()?;
            let (result, read, written, ended) =
                self.parser
                    .read_record(input, &mut self.fields[out..], &mut self.ends[nends..]);
            let consumed = &input[..read];
            if start_line.is_none() {
                // Blank lines before a record are skipped by the parser; the record starts
                // at its first byte that does not end a line.
                if let Some(first) = consumed.iter().position(|b| *b != b'\n' && *b != b'\r') {
                    start_line = Some(self.line + newlines(&consumed[..first]));
                }
            }
            self.line += newlines(consumed);
            quotes += consumed.iter().filter(|b| **b == b'"').count() as u64;
            self.reader.consume(read);
            out += written;
            nends += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.fields.len() >= self.max {
                        return Err(ScanError::Syntax {
                            line: start_line.unwrap_or(self.line),
                            reason: format!(
                                "the record that starts here is larger than the limit of {} bytes",
                                self.max
                            ),
                        });
                    }
                    let grown = (self.fields.len() * 2).min(self.max);
                    self.fields.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    let line = start_line.unwrap_or(self.line);
                    if quotes % 2 == 1 {
                        // The parser is lenient (like Excel's): an unclosed quote runs to the
                        // end of the file and a stray one is kept as text. Both leave an odd
                        // count of quotes in the record, which well-formed CSV never has.
                        return Err(ScanError::Syntax {
                            line,
                            reason: "a `\"` without its pair: a quoted field is not closed, or a \
                                     field without quotes holds one (quote the whole field and \
                                     double the inner quotes: `\"a \"\"b\"\"\"`)"
                                .into(),
                        });
                    }
                    return self.record(nends, line).map(|fields| Some((fields, line)));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// The fields of the record just read, as text.
    fn record(&self, count: usize, line: u64) -> Result<Vec<String>, ScanError> {
        let mut start = 0;
        self.ends[..count]
            .iter()
            .map(|&end| {
                let bytes = &self.fields[start..end];
                start = end;
                String::from_utf8(bytes.to_vec()).map_err(|_| ScanError::Syntax {
                    line,
                    reason: "a field is not valid UTF-8".into(),
                })
            })
            .collect()
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    type Records = Vec<(Vec<String>, u64)>;

    fn records(text: &str) -> Result<Records, (u64, String)> {
        let mut reader = CsvReader::new(
            std::io::BufReader::with_capacity(4, text.as_bytes()),
            1 << 20,
        );
        let mut out = Vec::new();
        loop {
            match reader.next_record() {
                Ok(Some(record)) => out.push(record),
                Ok(None) => return Ok(out),
                Err(ScanError::Syntax { line, reason }) => return Err((line, reason)),
                Err(ScanError::Io(err)) => return Err((0, err.to_string())),
            }
        }
    }

    fn row(fields: &[&str], line: u64) -> (Vec<String>, u64) {
        (fields.iter().map(|f| (*f).to_owned()).collect(), line)
    }

    #[test]
    fn rfc_4180_records() {
        let text =
            "\u{feff}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n\"multi\r\nline\",,\"\"\n4,5,6";
        assert_eq!(
            records(text).expect("valid"),
            [
                row(&["a", "b", "c"], 1),
                row(&["1", "x, y", "say \"hi\""], 2),
                row(&["multi\r\nline", "", ""], 4),
                row(&["4", "5", "6"], 6),
            ]
        );
        assert_eq!(records("").expect("empty"), []);
        assert_eq!(records("a\n\n").expect("one"), [row(&["a"], 1)]);
        assert_eq!(
            records("a,\n").expect("trailing empty"),
            [row(&["a", ""], 1)]
        );
        assert_eq!(records("é,ü\n").expect("utf8"), [row(&["é", "ü"], 1)]);
    }

    #[test]
    fn malformed_records_name_the_line() {
        let unclosed = records("a\n\"open\nstill open\n").expect_err("unterminated");
        assert_eq!(unclosed.0, 2, "{unclosed:?}");
        assert!(unclosed.1.contains("without its pair"), "{unclosed:?}");
        assert_eq!(records("a\nb\"c\n").expect_err("stray quote").0, 2);
        assert_eq!(
            records("a\n\n\nb,\"c\n").expect_err("after blank lines").0,
            4
        );
        // Text after a closing quote is joined to the field, as the `csv` crate does.
        assert_eq!(records("\"a\"b\n").expect("lenient"), [row(&["ab"], 1)]);
    }

    #[test]
    fn bytes_that_are_not_utf8_name_the_line() {
        let mut bad = b"a\n".to_vec();
        bad.extend_from_slice(&[0xff, b'\n']);
        let mut reader = CsvReader::new(&bad[..], 100);
        assert!(reader.next_record().expect("header").is_some());
        assert!(matches!(
            reader.next_record(),
            Err(ScanError::Syntax { line: 2, .. })
        ));
    }

    #[test]
    fn huge_records_are_refused() {
        let text = format!("\"{}\n{}\"\n", "x".repeat(30), "y".repeat(30));
        let mut reader = CsvReader::new(text.as_bytes(), 40);
        assert!(matches!(
            reader.next_record(),
            Err(ScanError::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn an_unclosed_quote_stops_at_the_cap_without_reading_the_whole_file() {
        // 1 MiB after an unclosed quote, a limit of 1 KiB: the parser is handed the limit
        // plus its buffer, never the rest of the file.
        let text = format!("a\n\"{}", "z\n".repeat(512 * 1024));
        let mut reader = CsvReader::new(text.as_bytes(), 1024);
        assert!(reader.next_record().expect("header").is_some());
        let err = reader.next_record().expect_err("too large");
        assert!(
            matches!(&err, ScanError::Syntax { line: 2, reason } if reason.contains("1024 bytes")),
            "{err:?}"
        );
    }
}
