//! How the SDK shows values it did not write: a server's text made safe to print, and a JSON
//! value's kind named the same way in every message.

/// Control characters and bidirectional overrides as `\n`, `\u{1b}`, `\u{202e}`.
pub(crate) fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A server's word (a job's state, its stage) as the SDK writes it into its own lines and
/// messages: control characters and bidirectional overrides escaped (`\n`, `\u{1b}`), so it
/// cannot forge a log line or drive a terminal, and cut to at most `limit` bytes on a
/// character boundary, `…` marking the cut. A word that needs neither is borrowed as is.
///
/// ```
/// use mutagent_core::models::escaped_excerpt;
/// assert_eq!(escaped_excerpt("running", 16), "running");
/// assert_eq!(escaped_excerpt("done\n\u{1b}[2J", 64), r"done\n\u{1b}[2J");
/// assert_eq!(escaped_excerpt("evaluating", 4), "eval…");
/// assert_eq!(escaped_excerpt("ééé", 3), "é…", "never inside a character");
/// ```
pub fn escaped_excerpt(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    let escaped = escape_controls(text);
    if escaped.len() <= limit {
        return escaped;
    }
    let mut end = limit;
    while !escaped.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!("{}…", &escaped[..end]))
}

/// How a JSON value's type reads in an error message (`null`, `a boolean`, `a number`,
/// `a string`, `an array`, `an object`), so every "must be … (got …)" names it the same way.
pub fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
