//! Where a byte-by-byte scan of JSON text stands with respect to strings: the array splitter
//! (`json.rs`) and the wide-integer check (`strict_json.rs`) both look at bytes outside strings
//! only, and must not take a `"`, `\` or bracket inside one for structure.

/// The string state of a scan, kept across the buffers a reader hands out.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct StringScan {
    in_string: bool,
    escaped: bool,
}

impl StringScan {
    /// Takes the next byte; `true` when it belongs to a string (its quotes included), so the
    /// caller looks at it no further.
    pub(crate) fn takes(&mut self, byte: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
            }
            return true;
        }
        self.in_string = byte == b'"';
        self.in_string
    }

    /// Whether the scan is inside a string that has not been closed yet.
    pub(crate) fn in_string(&self) -> bool {
        self.in_string
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escapes_and_brackets_inside_strings_are_taken() {
        let text = br#"{"a\"[":"]\\"}"#;
        let mut scan = StringScan::default();
        let outside: String = text
            .iter()
            .filter(|&&byte| !scan.takes(byte))
            .map(|&byte| byte as char)
            .collect();
        assert_eq!(outside, "{:}");
        assert!(!scan.in_string());
        assert!(StringScan::default().takes(b'"'));
    }
}
