//! JSON Lines: one JSON value per line; blank lines are not records.

use std::io::BufRead;

use super::{read_line_capped, strip_bom, ScanError};

/// Splits JSON Lines read from `R` into the bytes of their non-blank lines.
#[derive(Debug)]
pub(crate) struct JsonLines<R> {
    reader: R,
    /// Lines read so far.
    line: u64,
    max: usize,
    started: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonLines<R> {
    pub(crate) fn new(reader: R, max: usize) -> Self {
        Self {
            reader,
            line: 0,
            max,
            started: false,
            buf: Vec::new(),
        }
    }

    /// The next non-blank line and its number; `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<(&[u8], u64)>, ScanError> {
        loop {
            self.buf.clear();
            let read = read_line_capped(&mut self.reader, &mut self.buf, self.max, self.line + 1)?;
            if read == 0 {
                return Ok(None);
            }
            if !self.started {
                self.started = true;
                strip_bom(&mut self.buf);
            }
            self.line += 1;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some((&self.buf, self.line)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_skipped_and_lines_counted() {
        let text = "\u{feff}{\"a\":1}\r\n\n   \n{\"b\":2}";
        let mut lines = JsonLines::new(std::io::BufReader::with_capacity(2, text.as_bytes()), 100);
        let (first, n) = lines.next_line().expect("ok").expect("first");
        assert_eq!((first.to_vec(), n), (b"{\"a\":1}\r\n".to_vec(), 1));
        let (second, n) = lines.next_line().expect("ok").expect("second");
        assert_eq!((second.to_vec(), n), (b"{\"b\":2}".to_vec(), 4));
        assert!(lines.next_line().expect("ok").is_none());
    }

    #[test]
    fn long_lines_are_refused() {
        let text = format!("{{}}\n{}\n", "x".repeat(20));
        let mut lines = JsonLines::new(text.as_bytes(), 10);
        assert!(lines.next_line().expect("short").is_some());
        assert!(matches!(
            lines.next_line(),
            Err(ScanError::Syntax { line: 2, .. })
        ));
    }
}
