//! Turning answers into values or errors: success bodies into typed values (with the JSON path
//! of any mismatch), error bodies into [`ApiError`] (flat and nested shapes both understood).

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{snippet, ApiError, DecodeError, Error, SNIPPET_LIMIT};
use crate::secret::ApiKey;

/// Headers that carry a request id, most specific first.
const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-correlation-id"];

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.chars().take(200).collect())
    })
}

/// A scrubbed, bounded snippet of a body. The key is scrubbed from a window longer than the
/// snippet by the key's length, before cutting, and a key running past that window is cut off
/// whole, so a key straddling the cut cannot leave its first characters behind.
fn safe_snippet(body: &[u8], key: Option<&ApiKey>) -> String {
    let Some(key) = key else {
        return snippet(body);
    };
    let window = body.len().min(SNIPPET_LIMIT + key.expose().len());
    let mut text = key.scrub(&String::from_utf8_lossy(&body[..window]));
    if window < body.len() {
        // A key that starts in the window and ends past it: drop its first characters too.
        let secret = key.expose();
        if let Some(len) = (1..secret.len())
            .rev()
            .find(|&len| secret.get(..len).is_some_and(|head| text.ends_with(head)))
        {
            text.truncate(text.len() - len);
        }
    }
    let mut end = SNIPPET_LIMIT.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = end < text.len() || window < body.len();
    text.truncate(end);
    if cut {
        while text.ends_with('\u{FFFD}') {
            text.pop();
        }
        text.push_str(&format!("… ({} bytes in all)", body.len()));
    }
    text
}

/// Scrubs the key from every string and object key of `value` (a server may echo it).
fn scrub_value(value: Value, key: &ApiKey) -> Value {
    match value {
        Value::String(text) => Value::String(key.scrub(&text)),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| scrub_value(v, key)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(name, v)| (key.scrub(&name), scrub_value(v, key)))
                .collect(),
        ),
        other => other,
    }
}

/// Decodes a success body into `T`. An empty body decodes as JSON `null`, so operations that
/// answer `204 No Content` work with `serde_json::Value`, `()` or `Option<T>`.
pub(crate) fn success<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    key: Option<&ApiKey>,
) -> Result<T, Error> {
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // Fast path: plain serde_json. Tracking the JSON path costs about 40% of every decode
    // (docs/performance.md), so it is done only for a body that failed: decoding is
    // deterministic, and the second pass below finds the same error and names its path.
    if let Ok(value) = serde_json::from_slice::<T>(json) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let scrub = |text: String| match key {
        Some(key) => key.scrub(&text),
        None => text,
    };
    let failure = |path: String, message: String| {
        Error::Decode(Box::new(DecodeError {
            operation,
            status,
            path: scrub(path),
            message: scrub(message),
            request_id: request_id(headers).map(scrub),
            body_snippet: safe_snippet(body, key),
        }))
    };
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        failure(path, err.into_inner().to_string())
    })?;
    deserializer
        .end()
        .map_err(|err| failure(".".to_owned(), err.to_string()))?;
    Ok(value)
}

/// Builds the [`ApiError`] for a non-success answer, reading the body leniently.
pub(crate) fn api_error(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    attempts: u32,
    retry_after: Option<std::time::Duration>,
    key: Option<&ApiKey>,
) -> ApiError {
    let scrub = |text: String| match key {
        Some(key) => key.scrub(&text),
        None => text,
    };
    let mut error = ApiError {
        operation,
        status,
        code: None,
        message: None,
        details: None,
        request_id: request_id(headers),
        retry_after,
        attempts,
        body_snippet: safe_snippet(body, key),
    };
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return error;
    };
    let text = |value: Option<&Value>| -> Option<String> {
        match value? {
            Value::String(text) => Some(text.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    match object.get("error") {
        // Nested: {"error": {"code", "message", "details"}, "meta": {"requestId"}}
        Some(Value::Object(inner)) => {
            error.code = text(inner.get("code"));
            error.message = text(inner.get("message"));
            error.details = inner.get("details").cloned();
        }
        // Flat: {"error": "...", "message": "...", "code"?, "details"?}
        Some(flat) => {
            let flat = text(Some(flat));
            match text(object.get("code")) {
                Some(code) => {
                    error.code = Some(code);
                    error.message = text(object.get("message")).or(flat);
                }
                None => {
                    error.code = flat;
                    error.message = text(object.get("message"));
                }
            }
            error.details = object.get("details").cloned();
        }
        None => {
            error.code = text(object.get("code"));
            error.message = text(object.get("message"));
            error.details = object.get("details").cloned();
        }
    }
    if error.request_id.is_none() {
        error.request_id = object
            .get("meta")
            .and_then(|meta| meta.get("requestId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    error.code = error.code.map(scrub);
    error.message = error.message.map(scrub);
    error.request_id = error.request_id.map(scrub);
    if let Some(key) = key {
        error.details = error.details.map(|details| scrub_value(details, key));
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn parse(body: &str) -> ApiError {
        api_error(
            "op",
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            body.as_bytes(),
            1,
            None,
            None,
        )
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
            None,
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
            Some(&key),
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
        let err = success::<Page>("list", StatusCode::OK, &HeaderMap::new(), body, None)
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
        let page: Page =
            success("list", StatusCode::OK, &HeaderMap::new(), body, None).expect("valid body");
        let plain: Page = serde_json::from_slice(body).expect("valid body");
        assert_eq!(format!("{page:?}"), format!("{plain:?}"));
        assert_eq!(page.data.len(), 2);
    }

    #[test]
    fn trailing_garbage_and_empty_bodies() {
        let err = success::<Item>(
            "get",
            StatusCode::OK,
            &HeaderMap::new(),
            br#"{"id":1} x"#,
            None,
        );
        assert!(err.is_err());
        let empty: serde_json::Value = success(
            "delete",
            StatusCode::NO_CONTENT,
            &HeaderMap::new(),
            b"",
            None,
        )
        .expect("null");
        assert!(empty.is_null());
    }
}
