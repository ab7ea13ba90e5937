//! CSV records through `csv::Reader` (RFC 4180: fields in double quotes may hold commas, line
//! breaks and doubled quotes; lines end in CRLF, LF or CR), one record at a time.
//!
//! `csv::Reader` parses. Four things it does not give come from the byte source it reads,
//! [`Source`]:
//!
//! * the line a record starts on: `csv` 1.4 stamps a record (`ByteRecord::position()`, the
//!   same as `Reader::position()` before the read) with where the previous record ended, before
//!   the blank lines it skips, and after a CRLF record the `\n` is only consumed by the next
//!   read, so both point at the previous record's line (test
//!   `csv_positions_are_where_the_previous_record_ended`);
//! * a cap on a record's size: `csv` grows a record until it ends, so an unclosed quote would
//!   read the rest of the file into memory;
//! * unbalanced quotes: `csv` is lenient (like Excel): an unclosed quote runs to the end of the
//!   file and a stray one is kept as text, without an error.
//!
//! The source also drops a byte order mark at the start (`csv`'s parser does too, but only
//! after the source would have counted it, e.g. before blank lines).
//!
//! [`Source`] hands `csv` the file in pieces that end at the first `\r` or `\n`. A record
//! ends on such a byte (or at the end of the file), so when `csv` returns a record its buffer
//! is empty and every byte [`Source`] handed since the previous record belongs to this one or to
//! the blank lines before it: the source counts the lines, the quotes and the record's bytes
//! exactly, and stops handing bytes at the cap.

use std::io::{self, BufRead, Read};

use super::{ScanError, BOM};

/// Reads CSV records from `R`.
#[derive(Debug)]
pub(crate) struct CsvReader<R> {
    csv: csv::Reader<Source<R>>,
    record: csv::ByteRecord,
}

impl<R: BufRead> CsvReader<R> {
    pub(crate) fn new(reader: R, max: usize) -> Self {
        let source = Source {
            inner: reader,
            started: false,
            line: 1,
            start: None,
            taken: 0,
            quotes: 0,
            max,
            over: false,
        };
        Self {
            csv: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(source),
            record: csv::ByteRecord::new(),
        }
    }

    /// The next record (its fields) and the line it starts on; `None` at the end. Empty
    /// lines between records are not records.
    pub(crate) fn next_record(&mut self) -> Result<Option<(Vec<String>, u64)>, ScanError> {
        self.csv.get_mut().begin();
        let read = self.csv.read_byte_record(&mut self.record);
        let source = self.csv.get_ref();
        let line = source.start.unwrap_or(source.line);
        if source.over {
            return Err(ScanError::Syntax {
                line,
                reason: format!(
                    "the record that starts here is larger than the limit of {} bytes",
                    source.max
                ),
            });
        }
        match read {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(err) => {
                let reason = err.to_string();
                return Err(match err.into_kind() {
                    csv::ErrorKind::Io(err) => ScanError::Io(err),
                    _ => ScanError::Syntax { line, reason },
                });
            }
        }
        if source.quotes % 2 == 1 {
            // An unclosed quote and a stray one both leave an odd count of quotes in the
            // record, which well-formed CSV never has.
            return Err(ScanError::Syntax {
                line,
                reason: "a `\"` without its pair: a quoted field is not closed, or a \
                         field without quotes holds one (quote the whole field and \
                         double the inner quotes: `\"a \"\"b\"\"\"`)"
                    .into(),
            });
        }
        self.record
            .iter()
            .map(|field| {
                std::str::from_utf8(field)
                    .map(str::to_owned)
                    .map_err(|_| ScanError::Syntax {
                        line,
                        reason: "a field is not valid UTF-8".into(),
                    })
            })
            .collect::<Result<_, _>>()
            .map(|fields| Some((fields, line)))
    }
}

/// The file as `csv` reads it: pieces up to the first line end, counted (see the module
/// documentation).
#[derive(Debug)]
struct Source<R> {
    inner: R,
    /// Whether the byte order mark was looked for.
    started: bool,
    /// The line the next byte is on.
    line: u64,
    /// The line of the current record's first byte (`None` while only line ends were read).
    start: Option<u64>,
    /// Bytes of the current record handed so far, from its first byte.
    taken: usize,
    /// Quotes in the current record.
    quotes: u64,
    /// The largest record, in bytes of its text (its line end not counted).
    max: usize,
    /// Whether the current record reached the cap (`csv` was then told the file ends).
    over: bool,
}

impl<R> Source<R> {
    /// Starts counting a new record.
    fn begin(&mut self) {
        self.start = None;
        self.taken = 0;
        self.quotes = 0;
        self.over = false;
    }
}

impl<R: BufRead> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            self.started = true;
            if self.inner.fill_buf()?.starts_with(BOM) {
                self.inner.consume(BOM.len());
            }
        }
        let input = self.inner.fill_buf()?;
        let end = input
            .iter()
            .position(|b| matches!(b, b'\r' | b'\n'))
            .map_or(input.len(), |at| at + 1);
        let mut len = end.min(buf.len());
        let line_end_only = len == 1 && matches!(input[..len], [b'\r' | b'\n']);
        // `len > 0` made `len >= 0` is an equivalent mutant for cargo-mutants: `len` is 0 only
        // at the end of the file, where a record not started yet ends the reading anyway.
        if self.start.is_some() || (len > 0 && !line_end_only) {
            // The record's bytes: its text, then its line end (one byte: the `\n` of a CRLF
            // comes with the next read, before the next record starts). At the cap, also at
            // the end of the file, the text is longer than `max`.
            self.start.get_or_insert(self.line);
            let room = self.max.saturating_add(1).saturating_sub(self.taken);
            if room == 0 {
                self.over = true;
                return Ok(0);
            }
            len = len.min(room);
            self.taken += len;
        }
        let piece = &input[..len];
        buf[..len].copy_from_slice(piece);
        self.line += u64::from(piece.last() == Some(&b'\n'));
        self.quotes += piece.iter().filter(|b| **b == b'"').count() as u64;
        self.inner.consume(len);
        Ok(len)
    }
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
            records("\u{feff}\r\n\na\n").expect("blank after BOM"),
            [row(&["a"], 3)]
        );
        assert_eq!(
            records("a,\n").expect("trailing empty"),
            [row(&["a", ""], 1)]
        );
        assert_eq!(records("é,ü\n").expect("utf8"), [row(&["é", "ü"], 1)]);
    }

    #[test]
    fn csv_positions_are_where_the_previous_record_ended() {
        // What `csv::Reader` reports by itself, and why the lines come from `Source`: a record's
        // position (the same as `Reader::position()` before the read) is where the previous
        // record ended, before the blank lines; after a CRLF record that is still the previous
        // record's line, since the `\n` is consumed by the next read.
        let text = "\u{feff}a\r\n\r\nb\nc\r\n\n\nd\n";
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut before = Vec::new();
        let mut stamped = Vec::new();
        let mut record = csv::ByteRecord::new();
        loop {
            before.push(reader.position().line());
            if !reader.read_byte_record(&mut record).expect("csv") {
                break;
            }
            stamped.push(record.position().expect("position").line());
        }
        assert_eq!(stamped, [1, 1, 4, 4]);
        assert_eq!(before[..4], stamped[..]);
        let lines: Vec<u64> = records(text)
            .expect("records")
            .iter()
            .map(|(_, line)| *line)
            .collect();
        assert_eq!(lines, [1, 3, 4, 7]);
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
        // What the reader took from the file: the header, the cap and one more byte.
        let left = reader.csv.get_ref().inner.len();
        assert_eq!(text.len() - left, 2 + 1025, "{left}");
    }

    #[test]
    fn the_cap_counts_a_record_as_written_without_its_line_end() {
        // 9 bytes as written (quotes and commas included): accepted with a limit of 9, with
        // either line end or none, and refused with a limit of 8 on the line it starts on.
        for text in [
            "h\n\n\"a,\"\"\",bc\n",
            "h\r\n\r\n\"a,\"\"\",bc\r\n",
            "h\n\n\"a,\"\"\",bc",
        ] {
            let mut reader = CsvReader::new(text.as_bytes(), 9);
            assert!(reader.next_record().expect("header").is_some());
            let (fields, line) = reader.next_record().expect(text).expect(text);
            assert_eq!(
                (fields, line),
                (vec!["a,\"".to_owned(), "bc".to_owned()], 3)
            );
            assert!(reader.next_record().expect("end").is_none(), "{text:?}");
            let mut reader = CsvReader::new(text.as_bytes(), 8);
            assert!(reader.next_record().expect("header").is_some());
            assert!(
                matches!(reader.next_record(), Err(ScanError::Syntax { line: 3, .. })),
                "{text:?}"
            );
        }
    }

    /// A read that fails halfway is the I/O error it was, with its kind, not a syntax error
    /// at some line (a disk or network file system failing is not the file's fault).
    #[test]
    fn a_failing_read_is_an_io_error_not_a_syntax_error() {
        struct FailsAfter<'a>(&'a [u8]);
        impl Read for FailsAfter<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "disk gone"));
                }
                let len = self.0.len().min(buf.len());
                buf[..len].copy_from_slice(&self.0[..len]);
                self.0 = &self.0[len..];
                Ok(len)
            }
        }
        let source = std::io::BufReader::new(FailsAfter(b"a,b\n1,2\n3,"));
        let mut reader = CsvReader::new(source, 1 << 20);
        assert!(reader.next_record().expect("header").is_some());
        assert!(reader.next_record().expect("first row").is_some());
        match reader.next_record() {
            Err(ScanError::Io(err)) => {
                assert_eq!(err.kind(), io::ErrorKind::TimedOut);
                assert_eq!(err.to_string(), "disk gone");
            }
            other => panic!("expected the I/O error, got {other:?}"),
        }
    }
}
