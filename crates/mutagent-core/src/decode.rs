//! Turning answers into values or errors: success bodies into typed values (with the JSON path
//! of any mismatch), error bodies into [`ApiError`] (flat and nested shapes both understood).

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, DecodeError, Error, SNIPPET_LIMIT};
use crate::secret::Secrets;

pub(crate) mod json_path;

/// Headers that carry a request id, most specific first.
const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-correlation-id"];

/// The most bytes kept of an error code, message or decode path the server chose: enough for
/// any honest message, and a body cannot blow up an error's `Display` (or a log line).
pub(crate) const SERVER_TEXT_LIMIT: usize = 1024;

/// The most bytes kept of a request id. It is cut without a note, so what is kept can still
/// be searched for in the server's logs.
pub(crate) const REQUEST_ID_LIMIT: usize = 200;

/// The request id from the headers, as sent (unreadable values are skipped).
pub(crate) fn header_request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name).and_then(|value| value.to_str().ok()))
}

/// Text the server chose, made safe to print: control characters (and bidirectional
/// overrides) escaped so it cannot forge log lines or drive a terminal, every secret scrubbed,
/// and cut to `limit` bytes with the full size said.
pub(crate) fn server_text(text: &str, secrets: Secrets<'_>, limit: usize) -> String {
    let escaped = crate::text::escape_controls(text);
    let scrubbed = secrets.scrub(&escaped);
    cut(scrubbed, limit, text.len(), false)
}

/// The request id of an answer with these headers, made safe to print (see
/// [`request_id_text`]): what every error after an answer's head carries.
pub(crate) fn request_id(headers: &HeaderMap, secrets: Secrets<'_>) -> Option<String> {
    header_request_id(headers).map(|id| request_id_text(id, secrets))
}

/// A request id made safe to print like [`server_text`], cut to [`REQUEST_ID_LIMIT`] bytes.
fn request_id_text(id: &str, secrets: Secrets<'_>) -> String {
    let mut id = secrets.scrub(&crate::text::escape_controls(id));
    let mut end = REQUEST_ID_LIMIT.min(id.len());
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    id.truncate(end);
    id
}

/// `text` cut to at most `limit` bytes on a character boundary; when anything was cut (here
/// or before, `already_cut`), says how many bytes there were in all.
fn cut(mut text: String, limit: usize, total: usize, already_cut: bool) -> String {
    let mut end = limit.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let was_cut = end < text.len() || already_cut;
    text.truncate(end);
    if was_cut {
        // A multi-byte character cut in half shows as U+FFFD at the end; drop it.
        while text.ends_with('\u{FFFD}') {
            text.pop();
        }
        text.push_str(&format!("… ({total} bytes in all)"));
    }
    text
}

/// A scrubbed, escaped, bounded snippet of a body. Secrets are scrubbed from a window longer
/// than the snippet by the longest secret (JSON-escaped, up to 6 bytes a character), before
/// cutting, and a secret running past that window is cut off whole, so a secret straddling the
/// cut cannot leave its first characters behind.
fn safe_snippet(body: &[u8], secrets: Secrets<'_>) -> String {
    let window = body.len().min(SNIPPET_LIMIT + 6 * secrets.longest());
    let text = String::from_utf8_lossy(&body[..window]);
    let mut text = secrets.scrub(&text);
    let window_cut = window < body.len();
    if window_cut {
        secrets.drop_cut_off_tail(&mut text);
    }
    let text = crate::text::escape_controls(&text).into_owned();
    cut(text, SNIPPET_LIMIT, body.len(), window_cut)
}

/// Scrubs every secret from every string and object key of `value` (a server may echo them).
///
/// In place, key by key, rather than collecting new arrays and maps: a map collected from an
/// iterator is sorted first, and that sort was the largest piece of code this module
/// generated (docs/performance.md, "Compile time").
fn scrub_value(value: &mut Value, secrets: Secrets<'_>) {
    match value {
        Value::String(text) => *text = secrets.scrub(text),
        Value::Array(items) => {
            for item in items {
                scrub_value(item, secrets);
            }
        }
        Value::Object(map) => {
            for (name, mut item) in std::mem::take(map) {
                scrub_value(&mut item, secrets);
                map.insert(secrets.scrub(&name), item);
            }
        }
        _ => {}
    }
}

/// Decodes a success body into `T`, the answer of the attempt `attempts`. An empty body (or
/// one of JSON whitespace only) decodes as JSON `null`, so operations that answer `204 No
/// Content` work with `serde_json::Value`, `()` or `Option<T>`.
pub(crate) fn success<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    attempts: u32,
    secrets: Secrets<'_>,
) -> Result<T, Error> {
    let json: &[u8] = if is_json_whitespace(body) {
        b"null"
    } else {
        body
    };
    // One decode, plain serde_json. On a failure its error says where; `json_path` names the
    // value there by reading the body again with a visitor that is not generic, rather than
    // decoding it a second time as `T` through a path-tracking deserializer (which compiled
    // every answer type's decoder twice, in every crate that calls an operation).
    serde_json::from_slice::<T>(json).map_err(|err| {
        Failure {
            operation,
            status,
            headers,
            body,
            attempts,
            secrets,
        }
        .error_in(json, &err)
    })
}

/// Whether `body` is nothing but JSON's whitespace: space, tab, LF, CR (RFC 8259). Not
/// `u8::is_ascii_whitespace`, which counts the form feed too: JSON and serde_json do not, so a
/// body of form feeds is invalid JSON, not an empty answer.
fn is_json_whitespace(body: &[u8]) -> bool {
    body.iter()
        .all(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The answer a success body failed to decode from. Its [`DecodeError`] is built outside the
/// generic [`success`], so that code is compiled once, not once per answer type.
#[derive(Clone, Copy)]
struct Failure<'a> {
    operation: &'static str,
    status: StatusCode,
    headers: &'a HeaderMap,
    body: &'a [u8],
    attempts: u32,
    secrets: Secrets<'a>,
}

impl Failure<'_> {
    /// The error for serde_json's `err` in decoding `json` (the body, or `null` for an empty one).
    fn error_in(self, json: &[u8], err: &serde_json::Error) -> Error {
        let path = json_path::of_error(json, err);
        let message = if is_json_whitespace(self.body) {
            empty_body_message(err)
        } else {
            err.to_string()
        };
        let secrets = self.secrets;
        Error::Decode(Box::new(DecodeError {
            operation: self.operation,
            status: self.status,
            path: server_text(&path, secrets, SERVER_TEXT_LIMIT),
            message: server_text(&message, secrets, SERVER_TEXT_LIMIT),
            request_id: request_id(self.headers, secrets),
            attempts: self.attempts,
            body_snippet: safe_snippet(self.body, secrets),
        }))
    }
}

/// What to say when an empty body does not decode. The `null` it was read as is the SDK's
/// stand-in (so that `()`, `Value` and `Option` answers take an empty body), not what the
/// server sent: serde_json's `invalid type: null` and its position in the four bytes of
/// `null` would point at text that does not exist. What the type expected is kept.
fn empty_body_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    let text = text.strip_suffix(position.as_str()).unwrap_or(&text);
    let expected = text.strip_prefix("invalid type: null, ").unwrap_or(text);
    format!("the body is empty; {expected}")
}

/// Builds the [`ApiError`] for a non-success answer, reading the body leniently. Every text
/// the server chose goes through one place that scrubs, escapes and bounds it, whatever the
/// body looks like.
pub(crate) fn api_error(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    attempts: u32,
    retry_after: Option<std::time::Duration>,
    secrets: Secrets<'_>,
) -> ApiError {
    let fields = ErrorFields::read(body);
    let request_id = header_request_id(headers)
        .map(str::to_owned)
        .or(fields.request_id);
    ApiError {
        operation,
        status,
        code: fields
            .code
            .map(|code| server_text(&code, secrets, SERVER_TEXT_LIMIT)),
        message: fields
            .message
            .map(|message| server_text(&message, secrets, SERVER_TEXT_LIMIT)),
        details: fields.details.map(|mut details| {
            scrub_value(&mut details, secrets);
            details
        }),
        request_id: request_id.map(|id| request_id_text(&id, secrets)),
        retry_after,
        attempts,
        body_snippet: safe_snippet(body, secrets),
        hint: None,
    }
}

/// What an error body says, as sent (not yet scrubbed or bounded).
#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    message: Option<String>,
    details: Option<Value>,
    request_id: Option<String>,
}

impl ErrorFields {
    /// Reads the flat and nested shapes; anything else (HTML, text, other JSON) says nothing.
    fn read(body: &[u8]) -> Self {
        let mut fields = Self::default();
        // Through `str::parse`: serde_json's own compiled parser for `Value`, rather than a
        // second one generated here for byte slices. A body that is not UTF-8 is not JSON.
        let Some(Value::Object(mut object)) = std::str::from_utf8(body)
            .ok()
            .and_then(|text| text.parse::<Value>().ok())
        else {
            return fields;
        };
        // Taken out by `get_mut` rather than `Map::remove`, whose rebalancing is a large
        // generic instantiation; the map is not read again.
        let take = |map: &mut serde_json::Map<String, Value>, name: &str| {
            map.get_mut(name).map(Value::take)
        };
        let text = |value: Option<Value>| -> Option<String> {
            match value? {
                Value::String(text) => Some(text),
                Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        fields.request_id = object
            .get("meta")
            .and_then(|meta| meta.get("requestId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        match take(&mut object, "error") {
            // Nested: {"error": {"code", "message", "details"}, "meta": {"requestId"}}
            Some(Value::Object(mut inner)) => {
                fields.code = text(take(&mut inner, "code"));
                fields.message = text(take(&mut inner, "message"));
                fields.details = take(&mut inner, "details");
            }
            // Flat: {"error": "...", "message": "...", "code"?, "details"?}
            Some(flat) => {
                let flat = text(Some(flat));
                match text(take(&mut object, "code")) {
                    Some(code) => {
                        fields.code = Some(code);
                        fields.message = text(take(&mut object, "message")).or(flat);
                    }
                    None => {
                        fields.code = flat;
                        fields.message = text(take(&mut object, "message"));
                    }
                }
                fields.details = take(&mut object, "details");
            }
            None => {
                fields.code = text(take(&mut object, "code"));
                fields.message = text(take(&mut object, "message"));
                fields.details = take(&mut object, "details");
            }
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ApiKey;
    use http::HeaderValue;

    fn parse(body: &str) -> ApiError {
        api_error(
            "op",
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            body.as_bytes(),
            1,
            None,
            Secrets::default(),
        )
    }

    #[test]
    fn snippet_is_bounded_and_says_the_size() {
        let body = "é".repeat(1000);
        let text = safe_snippet(body.as_bytes(), Secrets::default());
        assert!(text.len() < SNIPPET_LIMIT + 40, "{}", text.len());
        assert!(text.ends_with("(2000 bytes in all)"), "{text}");
        assert!(!text.contains('\u{FFFD}'));
        assert_eq!(safe_snippet(b"short", Secrets::default()), "short");
    }

    /// The key is scrubbed before the cut, from a window longer than the snippet: one that
    /// straddles the 512-byte cut shows as `[redacted]`, not as nothing (and never in part).
    #[test]
    fn a_key_straddling_the_cut_is_redacted_not_dropped() {
        let key = ApiKey::parse("mt_straddling_key_0123456789").expect("key");
        for offset in [490, 495, 500] {
            let body = format!("{}{} and more", "p".repeat(offset), key.expose());
            let text = safe_snippet(body.as_bytes(), Secrets::key(&key));
            assert!(text.contains("[redacted]"), "{offset}: {text}");
            assert!(!text.contains("mt_s"), "{offset}: {text}");
        }
    }

    /// The same when the key is echoed JSON-escaped (6 bytes a character): the window before
    /// the cut is long enough for the escaped form too.
    #[test]
    fn an_escaped_key_straddling_the_cut_is_redacted_not_dropped() {
        let key = ApiKey::parse("mt_straddling_key_0123456789").expect("key");
        let escaped: String = key
            .expose()
            .bytes()
            .map(|b| format!("\\u{b:04x}"))
            .collect();
        let body = format!("{}{escaped} and more", "p".repeat(490));
        let text = safe_snippet(body.as_bytes(), Secrets::key(&key));
        assert!(text.contains("[redacted]"), "{text}");
        assert!(!text.contains("\\u006d"), "{text}");
    }

    /// A key in the secrets does not shorten the snippet of a body that does not hold it.
    #[test]
    fn secrets_never_shorten_the_snippet() {
        let key = ApiKey::parse("mt_straddling_key_0123456789").expect("key");
        let body = "q".repeat(2000);
        let text = safe_snippet(body.as_bytes(), Secrets::key(&key));
        assert!(text.starts_with(&"q".repeat(SNIPPET_LIMIT)), "{text}");
        assert!(text.ends_with("(2000 bytes in all)"), "{text}");
    }

    /// Cuts fall on character boundaries, as close to the limit as they can.
    #[test]
    fn cuts_keep_whole_characters_up_to_the_limit() {
        let id = format!("x{}", "é".repeat(300));
        let cut_id = request_id_text(&id, Secrets::default());
        assert_eq!(cut_id, format!("x{}", "é".repeat(99)));
        let message = format!("x{}", "é".repeat(1000));
        let text = server_text(&message, Secrets::default(), SERVER_TEXT_LIMIT);
        assert!(
            text.starts_with(&format!("x{}…", "é".repeat(511))),
            "{}",
            &text[..40]
        );
        assert!(text.ends_with("(2001 bytes in all)"), "{text}");
    }

    #[test]
    fn flat_error_bodies() {
        let err =
            parse(r#"{"error":"validation_error","message":"name is required","statusCode":400}"#);
        assert_eq!(err.code(), Some("validation_error"));
        assert_eq!(err.message(), Some("name is required"));
        let err = parse(r#"{"error":"Job not found","code":"JOB_NOT_FOUND"}"#);
        assert_eq!(err.code(), Some("JOB_NOT_FOUND"));
        assert_eq!(err.message(), Some("Job not found"));
    }

    #[test]
    fn nested_error_bodies() {
        let err = parse(
            r#"{"error":{"code":"NOT_FOUND","message":"missing","details":{"id":7}},"meta":{"requestId":"req_9"}}"#,
        );
        assert_eq!(err.code(), Some("NOT_FOUND"));
        assert_eq!(err.message(), Some("missing"));
        assert_eq!(err.details(), Some(&serde_json::json!({"id": 7})));
        assert_eq!(err.request_id(), Some("req_9"));
    }

    #[test]
    fn html_bodies_are_kept_as_a_snippet() {
        let err = parse("<html><body>502 Bad Gateway</body></html>");
        assert_eq!(err.code(), None);
        assert!(err.body_snippet().contains("502 Bad Gateway"));
        assert!(err.to_string().contains("unexpected body"), "{err}");
    }

    #[test]
    fn request_id_header_wins() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("hdr"));
        let err = api_error(
            "op",
            StatusCode::NOT_FOUND,
            &headers,
            br#"{"meta":{"requestId":"body"}}"#,
            2,
            None,
            Secrets::default(),
        );
        assert_eq!(err.request_id(), Some("hdr"));
        assert_eq!(err.attempts(), 2);
    }

    #[test]
    fn echoed_keys_are_scrubbed() {
        let key = ApiKey::parse("mt_topsecret").expect("key");
        let body = br#"{"error":"bad_key","message":"key mt_topsecret is revoked"}"#;
        let err = api_error(
            "op",
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            body,
            1,
            None,
            Secrets::key(&key),
        );
        let text = format!("{err} {err:?}");
        assert!(!text.contains("mt_topsecret"), "{text}");
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        let body = br#"{"data":[{"id":1},{"id":"two"}]}"#;
        let err = success::<Page>(
            "list",
            StatusCode::OK,
            &HeaderMap::new(),
            body,
            1,
            Secrets::default(),
        )
        .expect_err("wrong type");
        let Error::Decode(decode) = err else {
            panic!("not a decode error")
        };
        assert_eq!(decode.path(), "data[1].id");
        assert!(decode.body_snippet().contains("two"));
    }

    #[test]
    fn successful_decodes_match_serde_json() {
        let body = br#"{"data":[{"id":1},{"id":2}],"extra":{"nested":[1,2,3]}}"#;
        let page: Page = success(
            "list",
            StatusCode::OK,
            &HeaderMap::new(),
            body,
            1,
            Secrets::default(),
        )
        .expect("valid body");
        let plain: Page = serde_json::from_slice(body).expect("valid body");
        assert_eq!(format!("{page:?}"), format!("{plain:?}"));
        assert_eq!(page.data.len(), 2);
    }

    /// `success` of a body with no headers and no secrets.
    fn answer<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
        success(
            "get",
            status,
            &HeaderMap::new(),
            body,
            1,
            Secrets::default(),
        )
    }

    /// A body of whitespace only (CRLF, tabs) is an empty answer: JSON `null`, and a type
    /// that is not nullable fails at the whole body, `.`, saying the body is empty (not
    /// showing the `null` stand-in, nor a position inside it) and what was expected.
    #[test]
    fn whitespace_only_bodies_decode_as_null() {
        let value: serde_json::Value = answer(StatusCode::OK, b" \r\n\t ").expect("null");
        assert!(value.is_null());
        for body in [&b""[..], b"\r\n"] {
            let err = answer::<Page>(StatusCode::OK, body).expect_err("not nullable");
            let Error::Decode(decode) = err else {
                panic!("not a decode error")
            };
            assert_eq!(decode.path(), ".");
            assert_eq!(
                decode.message(),
                "the body is empty; expected struct Page",
                "{decode}"
            );
        }
    }

    /// Only JSON's whitespace (space, tab, LF, CR) makes a body empty. A form feed, which
    /// `u8::is_ascii_whitespace` counts too, is not JSON whitespace: a body of form feeds is
    /// invalid JSON, with the decode error serde_json gives it, even for answers that take an
    /// empty body.
    #[test]
    fn a_body_of_form_feeds_is_invalid_json_not_an_empty_answer() {
        for body in [&b""[..], b" \n\t\r"] {
            answer::<()>(StatusCode::OK, body).expect("empty: ()");
            let none = answer::<Option<Item>>(StatusCode::OK, body).expect("empty: None");
            assert!(none.is_none());
        }
        for body in [&b"\x0c"[..], b"\x0c\x0c", b" \x0c\r\n"] {
            let invalid = serde_json::from_slice::<serde_json::Value>(body)
                .expect_err("not JSON")
                .to_string();
            let errors = [
                answer::<()>(StatusCode::OK, body).expect_err("()"),
                answer::<Option<Item>>(StatusCode::OK, body).expect_err("Option"),
                answer::<serde_json::Value>(StatusCode::OK, body).expect_err("Value"),
            ];
            for err in errors {
                let Error::Decode(decode) = err else {
                    panic!("not a decode error: {err:?}")
                };
                assert_eq!(decode.message(), invalid, "{body:?}");
                assert_eq!(decode.path(), ".", "{body:?}");
            }
        }
    }

    #[test]
    fn trailing_garbage_and_empty_bodies() {
        let err = answer::<Item>(StatusCode::OK, br#"{"id":1} x"#);
        assert!(err.is_err());
        let empty: serde_json::Value = answer(StatusCode::NO_CONTENT, b"").expect("null");
        assert!(empty.is_null());
    }
}
