//! A small incremental scanner that splits a top-level JSON array into its elements, so a
//! JSON file larger than memory can be read one element at a time. Each element is then
//! parsed by `serde_json`.

use super::json_strings::StringScan;
use std::io::BufRead;

use super::{ScanError, BOM};

/// `$reader.fill_buf()`, tried again when a signal interrupted it; other errors return from
/// the calling function. A macro, not a function: a function returning the buffer from a loop
/// that may borrow the reader again does not pass today's borrow checker.
macro_rules! fill_buf {
    ($reader:expr) => {
        loop {
            match $reader.fill_buf() {
                Ok(buf) => break buf,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err.into()),
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Start,
    /// Inside the array; `first` until an element was read.
    InArray { first: bool },
    /// After the closing `]`.
    Done,
}

/// Splits a JSON array read from `R` into the bytes of its elements.
#[derive(Debug)]
pub(crate) struct JsonArray<R> {
    reader: R,
    state: State,
    /// The line (1-based) of the next byte to read.
    line: u64,
    max: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonArray<R> {
    pub(crate) fn new(reader: R, max: usize) -> Self {
        Self {
            reader,
            state: State::Start,
            line: 1,
            max,
            buf: Vec::new(),
        }
    }

    fn syntax(&self, reason: impl Into<String>) -> ScanError {
        ScanError::Syntax {
            line: self.line,
            reason: reason.into(),
        }
    }

    /// Skips a byte order mark at the very start, one byte at a time (a short first read
    /// cannot hide it). A file starting with part of one is not JSON anyway.
    fn skip_bom(&mut self) -> Result<(), ScanError> {
        for (index, &expected) in BOM.iter().enumerate() {
            let buf = fill_buf!(self.reader);
            match buf.first() {
                Some(&byte) if byte == expected => self.reader.consume(1),
                _ if index == 0 => return Ok(()),
                _ => return Err(self.syntax("the file starts with a broken byte order mark")),
            }
        }
        Ok(())
    }

    /// Skips whitespace; returns the next byte (not consumed), `None` at the end.
    fn skip_whitespace(&mut self) -> Result<Option<u8>, ScanError> {
        loop {
            let buf = fill_buf!(self.reader);
            if buf.is_empty() {
                return Ok(None);
            }
            let mut skipped = 0;
            let mut newlines = 0;
            for &byte in buf {
                match byte {
                    b' ' | b'\t' | b'\r' => skipped += 1,
                    b'\n' => {
                        skipped += 1;
                        newlines += 1;
                    }
                    _ => break,
                }
            }
            let next = buf.get(skipped).copied();
            self.reader.consume(skipped);
            self.line += newlines;
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// The next element: its bytes and the line it starts on; `None` after the last one.
    pub(crate) fn next_element(&mut self) -> Result<Option<(&[u8], u64)>, ScanError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => {
                    self.skip_bom()?;
                    match self.skip_whitespace()? {
                        Some(b'[') => {
                            self.reader.consume(1);
                            self.state = State::InArray { first: true };
                        }
                        Some(_) => {
                            return Err(self.syntax(
                                "a JSON dataset file must hold one array of item objects (`[{...}, ...]`); \
                                 for one object per line use the JSON Lines format (.jsonl)",
                            ))
                        }
                        None => return Err(self.syntax("the file is empty; expected a JSON array")),
                    }
                }
                State::InArray { first } => {
                    match self.skip_whitespace()? {
                        None => {
                            return Err(
                                self.syntax("unexpected end of file: the array is not closed")
                            )
                        }
                        Some(b']') if first => {
                            self.reader.consume(1);
                            return self.finish();
                        }
                        Some(b']') => {
                            return Err(self.syntax("a trailing comma before `]` is not JSON"))
                        }
                        Some(b',') => return Err(self.syntax("an element is missing before `,`")),
                        Some(_) => {}
                    }
                    let start = self.line;
                    let end = self.scan_element(start)?;
                    self.reader.consume(1);
                    if end == b']' {
                        self.state = State::Done;
                        self.check_trailing()?;
                    } else {
                        self.state = State::InArray { first: false };
                    }
                    return Ok(Some((&self.buf, start)));
                }
            }
        }
    }

    fn finish(&mut self) -> Result<Option<(&[u8], u64)>, ScanError> {
        self.state = State::Done;
        self.check_trailing()?;
        Ok(None)
    }

    /// After `]` only whitespace may follow.
    fn check_trailing(&mut self) -> Result<(), ScanError> {
        match self.skip_whitespace()? {
            None => Ok(()),
            Some(_) => Err(self.syntax("unexpected content after the closing `]` of the array")),
        }
    }

    /// Collects one element into `buf`, up to (not including) the `,` or `]` that ends it at
    /// depth 0, which is left unconsumed and returned.
    fn scan_element(&mut self, start: u64) -> Result<u8, ScanError> {
        self.buf.clear();
        let mut depth: usize = 0;
        let mut strings = StringScan::default();
        loop {
            let buf = fill_buf!(self.reader);
            if buf.is_empty() {
                return Err(ScanError::Syntax {
                    line: self.line,
                    reason: format!(
                        "unexpected end of file inside the element that starts on line {start}{}",
                        if strings.in_string() {
                            " (a string is not closed)"
                        } else {
                            ""
                        }
                    ),
                });
            }
            let mut end = None;
            let mut newlines = 0;
            for (index, &byte) in buf.iter().enumerate() {
                if byte == b'\n' {
                    newlines += 1;
                }
                if strings.takes(byte) {
                    continue;
                }
                match byte {
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' | b']' if depth == 0 => {
                        end = Some((index, byte));
                        break;
                    }
                    b'}' => {
                        end = Some((index, byte));
                        break;
                    }
                    _ => {}
                }
            }
            let taken = end.map_or(buf.len(), |(index, _)| index);
            if self.buf.len().saturating_add(taken) > self.max {
                return Err(ScanError::Syntax {
                    line: start,
                    reason: format!(
                        "the element that starts here is larger than the limit of {} bytes",
                        self.max
                    ),
                });
            }
            self.buf.extend_from_slice(&buf[..taken]);
            self.reader.consume(taken);
            self.line += newlines;
            match end {
                Some((_, b'}')) => {
                    return Err(self.syntax("unbalanced `}`"));
                }
                Some((_, byte)) => return Ok(byte),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elements(text: &str) -> Result<Vec<(String, u64)>, (u64, String)> {
        let mut scanner = JsonArray::new(
            std::io::BufReader::with_capacity(3, text.as_bytes()),
            1 << 20,
        );
        let mut out = Vec::new();
        loop {
            match scanner.next_element() {
                Ok(Some((bytes, line))) => {
                    out.push((String::from_utf8_lossy(bytes).trim().to_owned(), line))
                }
                Ok(None) => return Ok(out),
                Err(ScanError::Syntax { line, reason }) => return Err((line, reason)),
                Err(ScanError::Io(err)) => return Err((0, err.to_string())),
            }
        }
    }

    /// A reader interrupted by a signal before every read, as a pipe can be.
    struct Interrupting<'a> {
        data: &'a [u8],
        interrupt_next: bool,
    }

    impl std::io::Read for Interrupting<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt_next = !self.interrupt_next;
            if !self.interrupt_next {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            self.data.read(out)
        }
    }

    #[test]
    fn interrupted_reads_are_tried_again() {
        let reader = Interrupting {
            data: b"\xEF\xBB\xBF [ {\"a\": 1},\n {\"b\": [2]} ] ",
            interrupt_next: true,
        };
        let mut scanner = JsonArray::new(std::io::BufReader::with_capacity(2, reader), 1 << 20);
        let mut out = Vec::new();
        while let Some((bytes, line)) = scanner.next_element().expect("no error") {
            out.push((String::from_utf8_lossy(bytes).trim().to_owned(), line));
        }
        assert_eq!(
            out,
            [("{\"a\": 1}".to_owned(), 1), ("{\"b\": [2]}".to_owned(), 2)]
        );
    }

    #[test]
    fn splits_top_level_elements() {
        let text =
            "\u{feff} [\n {\"a\": [1, {\"b\": \"],}\\\"\"}]},\n\n  {\"c\": 2} ,3, \"x\"\n]\n ";
        let got = elements(text).expect("valid");
        assert_eq!(
            got,
            [
                ("{\"a\": [1, {\"b\": \"],}\\\"\"}]}".to_owned(), 2),
                ("{\"c\": 2}".to_owned(), 4),
                ("3".to_owned(), 4),
                ("\"x\"".to_owned(), 4),
            ]
        );
        assert_eq!(elements("[]").expect("empty"), []);
        assert_eq!(elements(" [ \n ] \n").expect("empty"), []);
    }

    #[test]
    fn malformed_arrays_name_the_line() {
        assert_eq!(elements("{\"a\":1}").expect_err("object").0, 1);
        assert!(elements("").is_err());
        assert_eq!(elements("[{\"a\":1},\n]").expect_err("trailing comma").0, 2);
        assert_eq!(elements("[\n{\"a\":1}\n").expect_err("unclosed").0, 3);
        assert!(elements("[{\"a\":\"x]")
            .expect_err("open string")
            .1
            .contains("not closed"));
        assert!(elements("[1] 2").is_err());
        assert!(elements("[] 2")
            .expect_err("after an empty array")
            .1
            .contains("after the closing"));
        assert!(elements("[,1]").is_err());
        assert!(elements("[1}]").is_err());
    }

    /// Part of a byte order mark is not skipped as if it were one: the file is refused.
    #[test]
    fn a_broken_byte_order_mark_is_refused() {
        for text in [&b"\xEF\xBB[1]"[..], b"\xEF[1]"] {
            let mut scanner = JsonArray::new(text, 1 << 20);
            match scanner.next_element() {
                Err(ScanError::Syntax { line: 1, reason }) => {
                    assert!(reason.contains("broken byte order mark"), "{reason}")
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    /// The limit is on the element's bytes: an element of exactly the limit is read.
    #[test]
    fn an_element_of_exactly_the_limit_is_read() {
        let mut scanner = JsonArray::new(&b"[\"xxxx\"]"[..], 6);
        let (bytes, _) = scanner.next_element().expect("read").expect("one");
        assert_eq!(bytes, b"\"xxxx\"");
        assert!(scanner.next_element().expect("end").is_none());
        let mut scanner = JsonArray::new(&b"[\"xxxx\"]"[..], 5);
        assert!(scanner.next_element().is_err());
    }

    #[test]
    fn huge_elements_are_refused() {
        let text = format!("[\"{}\"]", "x".repeat(100));
        let mut scanner = JsonArray::new(text.as_bytes(), 50);
        assert!(matches!(
            scanner.next_element(),
            Err(ScanError::Syntax { line: 1, .. })
        ));
    }
}
