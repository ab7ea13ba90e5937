//! A small RFC 4180 CSV reader: comma-separated fields, fields in double quotes may hold
//! commas, line breaks and doubled quotes (`""`); lines end in CRLF or LF. It reads one
//! record at a time.

use std::io::BufRead;

use super::{read_line_capped, strip_bom, ScanError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// Inside a field without quotes.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a `"` inside a quoted field: a doubled quote or the end of the field.
    QuoteInQuoted,
}

/// Reads CSV records from `R`.
#[derive(Debug)]
pub(crate) struct CsvReader<R> {
    reader: R,
    /// Lines read so far.
    line: u64,
    max: usize,
    started: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> CsvReader<R> {
    pub(crate) fn new(reader: R, max: usize) -> Self {
        Self {
            reader,
            line: 0,
            max,
            started: false,
            buf: Vec::new(),
        }
    }

    /// The next record (its fields) and the line it starts on; `None` at the end. Empty
    /// lines between records are not records.
    pub(crate) fn next_record(&mut self) -> Result<Option<(Vec<String>, u64)>, ScanError> {
        let mut fields: Vec<String> = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut state = State::FieldStart;
        let mut start_line = 0;
        let mut size = 0usize;
        loop {
            self.buf.clear();
            let budget = self.max.saturating_sub(size);
            let read = read_line_capped(&mut self.reader, &mut self.buf, budget, self.line + 1)
                .map_err(|err| match err {
                    ScanError::Syntax { .. } => ScanError::Syntax {
                        line: if start_line == 0 {
                            self.line + 1
                        } else {
                            start_line
                        },
                        reason: format!(
                            "the record that starts here is larger than the limit of {} bytes",
                            self.max
                        ),
                    },
                    other => other,
                })?;
            if read == 0 {
                // End of input.
                return match state {
                    State::Quoted => Err(ScanError::Syntax {
                        line: start_line,
                        reason: "unexpected end of file inside a quoted field (a `\"` is missing)"
                            .into(),
                    }),
                    _ if start_line == 0 => Ok(None),
                    _ => {
                        fields.push(to_string(field, start_line)?);
                        Ok(Some((fields, start_line)))
                    }
                };
            }
            self.line += 1;
            size += read;
            if !self.started {
                self.started = true;
                strip_bom(&mut self.buf);
            }
            if start_line == 0 {
                if self.buf == b"\n" || self.buf == b"\r\n" {
                    continue; // an empty line between records
                }
                start_line = self.line;
            }
            let line = std::mem::take(&mut self.buf);
            let mut index = 0;
            while index < line.len() {
                let byte = line[index];
                let crlf = byte == b'\r' && line.get(index + 1) == Some(&b'\n');
                index += 1;
                match state {
                    State::Quoted => {
                        if byte == b'"' {
                            state = State::QuoteInQuoted;
                        } else {
                            field.push(byte);
                        }
                    }
                    State::FieldStart | State::Unquoted | State::QuoteInQuoted => {
                        if crlf {
                            continue;
                        }
                        match byte {
                            b',' => {
                                fields.push(to_string(std::mem::take(&mut field), self.line)?);
                                state = State::FieldStart;
                            }
                            b'\n' => {
                                fields.push(to_string(std::mem::take(&mut field), self.line)?);
                                self.buf = line;
                                return Ok(Some((fields, start_line)));
                            }
                            b'"' if state == State::FieldStart => state = State::Quoted,
                            b'"' if state == State::QuoteInQuoted => {
                                field.push(b'"');
                                state = State::Quoted;
                            }
                            b'"' => {
                                return Err(ScanError::Syntax {
                                    line: self.line,
                                    reason:
                                        "a `\"` inside a field without quotes; quote the whole \
                                             field and double the inner quotes (`\"a \"\"b\"\"\"`)"
                                            .into(),
                                })
                            }
                            _ if state == State::QuoteInQuoted => {
                                return Err(ScanError::Syntax {
                                    line: self.line,
                                    reason:
                                        "unexpected text after the closing `\"` of a quoted field"
                                            .into(),
                                })
                            }
                            _ => {
                                field.push(byte);
                                state = State::Unquoted;
                            }
                        }
                    }
                }
            }
            self.buf = line;
        }
    }
}

fn to_string(bytes: Vec<u8>, line: u64) -> Result<String, ScanError> {
    String::from_utf8(bytes).map_err(|_| ScanError::Syntax {
        line,
        reason: "a field is not valid UTF-8".into(),
    })
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
        assert_eq!(
            records("a\n\"open\nstill open\n")
                .expect_err("unterminated")
                .0,
            2
        );
        assert_eq!(records("a\nb\"c\n").expect_err("quote").0, 2);
        assert_eq!(records("\"a\"b\n").expect_err("after quote").0, 1);
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
}
