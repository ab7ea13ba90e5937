//! Reading a response body: whole, bounded by `max_response_bytes`, and decompressed when the
//! answer is gzip (feature `gzip`). The limit applies to what the caller would hold, so for a
//! compressed answer it counts decompressed bytes: a small body that inflates without end stops
//! at the limit, with bounded memory.

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH};
use http::HeaderMap;
use http_body_util::BodyExt;

use crate::error::{BoxError, EncodingFailure};
use crate::http_client::ResponseBody;

#[cfg(feature = "gzip")]
mod gzip;

/// The `Accept-Encoding` every request carries: only what this build can decompress.
#[cfg(feature = "gzip")]
pub(crate) const ACCEPT_ENCODING: Option<&str> = Some("gzip");
/// The `Accept-Encoding` every request carries: none, so servers answer uncompressed.
#[cfg(not(feature = "gzip"))]
pub(crate) const ACCEPT_ENCODING: Option<&str> = None;

/// Why reading a body stopped.
pub(crate) enum ReadError {
    /// It broke off.
    Broken(BoxError),
    /// It passed the limit (decompressed, for a compressed answer).
    TooLarge,
    /// Its `Content-Encoding` (as sent, made printable) was not asked for, or its compressed
    /// data is invalid.
    Encoding {
        encoding: String,
        failure: EncodingFailure,
        source: Option<BoxError>,
    },
}

/// How the body is coded.
enum Coding {
    Identity,
    #[cfg(feature = "gzip")]
    Gzip,
}

/// Reads the whole body of an answer with these `headers`, decoded, stopping as soon as it
/// passes `limit` bytes. A decompressed body loses its `Content-Encoding` and
/// `Content-Length` headers (they described the compressed bytes), as in reqwest, so the
/// headers a caller sees ([`ResponseMeta`](crate::ResponseMeta)) match the body it gets.
pub(crate) async fn read(
    body: ResponseBody,
    headers: &mut HeaderMap,
    limit: usize,
) -> Result<Bytes, ReadError> {
    match coding(headers)? {
        Coding::Identity => read_limited(body, limit, declared_length(headers)).await,
        #[cfg(feature = "gzip")]
        Coding::Gzip => {
            let body = gzip::read(body, limit).await?;
            headers.remove(CONTENT_ENCODING);
            headers.remove(CONTENT_LENGTH);
            Ok(body)
        }
    }
}

/// The body's coding from its `Content-Encoding` headers; `identity` is no coding.
fn coding(headers: &HeaderMap) -> Result<Coding, ReadError> {
    let mut codings = Vec::new();
    for value in headers.get_all(CONTENT_ENCODING) {
        let Ok(text) = value.to_str() else {
            return Err(not_requested(&String::from_utf8_lossy(value.as_bytes())));
        };
        codings.extend(
            text.split(',')
                .map(str::trim)
                .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("identity")),
        );
    }
    match codings.as_slice() {
        [] => Ok(Coding::Identity),
        #[cfg(feature = "gzip")]
        [single]
            if single.eq_ignore_ascii_case("gzip") || single.eq_ignore_ascii_case("x-gzip") =>
        {
            Ok(Coding::Gzip)
        }
        // A loop, not `join`: `join` is generic and would compile a copy here for one
        // error message.
        _ => {
            let mut named = String::new();
            for coding in codings {
                if !named.is_empty() {
                    named.push_str(", ");
                }
                named.push_str(coding);
            }
            Err(not_requested(&named))
        }
    }
}

fn not_requested(encoding: &str) -> ReadError {
    ReadError::Encoding {
        encoding: printable(encoding),
        failure: EncodingFailure::NotRequested,
        source: None,
    }
}

/// A header value the server chose, with controls and non-ASCII escaped so it cannot drive a
/// terminal or forge a log line (not yet cut: secrets are scrubbed first, see [`shorten`]).
fn printable(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || !c.is_ascii() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// `text` cut to 64 bytes (it is ASCII after [`printable`]), with `…` when cut.
pub(crate) fn shorten(mut text: String) -> String {
    const LIMIT: usize = 64;
    if text.len() > LIMIT {
        let mut end = LIMIT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
}

/// The most a body's buffer is sized for before its bytes arrive. A declared length is a
/// guess from the server: trusted as is, a `content-length` of a terabyte under a raised
/// `max_response_bytes` would make the allocator abort the process before a byte of it came.
const PREALLOCATE_AT_MOST: usize = 8 * 1024 * 1024;

/// Reads the whole body, stopping as soon as it passes `limit` bytes.
async fn read_limited(
    mut body: ResponseBody,
    limit: usize,
    declared: Option<u64>,
) -> Result<Bytes, ReadError> {
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ReadError::TooLarge);
    }
    // Most answers arrive in one frame: keep it without copying.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(ReadError::Broken)?;
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(ReadError::TooLarge);
        }
        match (&mut first, &mut joined) {
            (None, None) => first = Some(chunk),
            (Some(head), None) => {
                // Only a first guess at the size (the buffer grows as needed): mutating
                // `total * 2` changes speed, not behaviour (an equivalent mutant for
                // cargo-mutants; docs/reliability.md §12). Benchmarks watch the speed.
                let capacity = declared
                    .map_or(total.saturating_mul(2), |length| {
                        usize::try_from(length).unwrap_or(usize::MAX)
                    })
                    .clamp(total, limit)
                    .min(PREALLOCATE_AT_MOST.max(total));
                let mut buffer = BytesMut::with_capacity(capacity);
                buffer.extend_from_slice(head);
                buffer.extend_from_slice(&chunk);
                first = None;
                joined = Some(buffer);
            }
            (_, Some(buffer)) => buffer.extend_from_slice(&chunk),
        }
    }
    Ok(match (first, joined) {
        (_, Some(buffer)) => buffer.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(encodings: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for encoding in encodings {
            headers.append(
                CONTENT_ENCODING,
                HeaderValue::from_str(encoding).expect("value"),
            );
        }
        headers
    }

    fn refused(encodings: &[&str]) -> String {
        match coding(&headers(encodings)) {
            Err(ReadError::Encoding {
                encoding,
                failure: EncodingFailure::NotRequested,
                ..
            }) => encoding,
            _ => panic!("{encodings:?} was accepted"),
        }
    }

    /// No header and `identity` mean no coding; anything not asked for is refused by name.
    #[test]
    fn codings_not_asked_for_are_refused_by_name() {
        assert!(matches!(coding(&headers(&[])), Ok(Coding::Identity)));
        assert!(matches!(
            coding(&headers(&["identity", " Identity ,"])),
            Ok(Coding::Identity)
        ));
        assert_eq!(refused(&["br"]), "br");
        assert_eq!(refused(&["deflate"]), "deflate");
        assert_eq!(refused(&["gzip, br"]), "gzip, br");
        assert_eq!(refused(&["gzip", "gzip"]), "gzip, gzip");
        let long = shorten(refused(&[&"z".repeat(200)]));
        assert_eq!(long, format!("{}…", "z".repeat(64)));
        assert_eq!(shorten("gzip".to_owned()), "gzip");
        // Exactly the limit is kept whole; a cut never splits a character.
        assert_eq!(shorten("y".repeat(64)), "y".repeat(64));
        let wide = format!("a{}", "é".repeat(40));
        assert_eq!(shorten(wide), format!("a{}…", "é".repeat(31)));
        #[cfg(not(feature = "gzip"))]
        assert_eq!(refused(&["gzip"]), "gzip");
        #[cfg(feature = "gzip")]
        assert!(matches!(coding(&headers(&["GZIP"])), Ok(Coding::Gzip)));
        assert_eq!(ACCEPT_ENCODING.is_some(), cfg!(feature = "gzip"));
    }

    /// Control characters in a coding cannot drive a terminal or forge a log line.
    #[test]
    fn codings_are_printable() {
        assert_eq!(printable("x\u{7f}y\tz"), "x\\u{7f}y\\tz");
        assert_eq!(printable("é"), "\\u{e9}");
    }
}
