//! The API key, kept out of every `Debug`, `Display`, error and log line.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use http::HeaderMap;

use crate::error::{ConfigError, Origin};

/// Text shown wherever a secret would otherwise be printed.
pub(crate) const REDACTED: &str = "[redacted]";

/// An API key. Its `Debug` never shows the value.
#[derive(Clone)]
pub(crate) struct ApiKey(Arc<str>);

impl ApiKey {
    /// Validates a key: non-empty, visible ASCII only (so it can travel in a header and can
    /// never smuggle a CR/LF into the request).
    pub(crate) fn parse(raw: &str) -> Result<Self, ConfigError> {
        Self::check(raw)
            .map(|()| Self::from_checked(raw))
            .map_err(|reason| ConfigError::InvalidApiKey {
                reason,
                origin: Origin::Builder("api_key"),
            })
    }

    /// Why a secret (a key or a bearer token) cannot travel in a header, if it cannot.
    pub(crate) fn check(raw: &str) -> Result<(), &'static str> {
        if raw.is_empty() {
            Err("it is empty")
        } else if raw.bytes().any(|b| b.is_ascii_control()) {
            Err("it contains control characters (CR, LF, tab, ...)")
        } else if raw.bytes().any(|b| !b.is_ascii_graphic()) {
            Err("it contains spaces or non-ASCII characters")
        } else {
            Ok(())
        }
    }

    /// A secret that passed [`ApiKey::check`].
    pub(crate) fn from_checked(raw: &str) -> Self {
        Self(Arc::from(raw))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

thread_local! {
    /// The texts of the [`Secret`](crate::models::Secret)s serialized on this thread while a
    /// request body is being encoded (see [`collect_sent`]); `None` outside an encoding.
    static SENT: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Runs `encode` (a request body's serialization) and answers, beside its result, the text of
/// every `Secret` it serialized, so that the call can scrub them from whatever the server
/// sends back (a server that echoes a provider key or a password in an error message).
pub(crate) fn collect_sent<R>(encode: impl FnOnce() -> R) -> (R, Vec<String>) {
    let outer = SENT.with(|sent| sent.replace(Some(Vec::new())));
    let result = encode();
    let sent = SENT.with(|sent| sent.replace(outer)).unwrap_or_default();
    (result, sent)
}

/// Notes that `secret` is being serialized (a no-op outside [`collect_sent`]).
pub(crate) fn note_sent(secret: &str) {
    SENT.with(|sent| {
        if let Some(sent) = sent.borrow_mut().as_mut() {
            sent.push(secret.to_owned());
        }
    });
}

/// The shortest per-call header text treated as a secret, in bytes.
const MIN_HEADER_SECRET: usize = 6;

/// Every secret one call carries: the client's key, and the values of per-call headers that
/// are marked sensitive (see `CallOptions::header`). Scrubbing with it removes each of them,
/// plain or JSON-escaped, from text a server sent back.
#[derive(Clone, Copy, Default)]
pub(crate) struct Secrets<'a> {
    key: Option<&'a ApiKey>,
    token: Option<&'a ApiKey>,
    headers: Option<&'a HeaderMap>,
    sent: &'a [String],
}

impl<'a> Secrets<'a> {
    /// The key and the sensitive values among `headers`.
    pub(crate) fn new(key: Option<&'a ApiKey>, headers: &'a HeaderMap) -> Self {
        Self {
            key,
            token: None,
            headers: Some(headers),
            sent: &[],
        }
    }

    /// The same, and the secrets the request body carried (see [`collect_sent`]).
    pub(crate) fn with_sent(self, sent: &'a [String]) -> Self {
        Self { sent, ..self }
    }

    /// The same, and the bearer token the request carried.
    pub(crate) fn with_token(self, token: Option<&'a ApiKey>) -> Self {
        Self { token, ..self }
    }

    /// Only these texts (each as the secrets a body carried: too short ones are left out).
    pub(crate) fn only(texts: &'a [String]) -> Self {
        Self {
            key: None,
            token: None,
            headers: None,
            sent: texts,
        }
    }

    /// Only the key.
    #[cfg(test)]
    pub(crate) fn key(key: &'a ApiKey) -> Self {
        Self {
            key: Some(key),
            token: None,
            headers: None,
            sent: &[],
        }
    }

    /// Each secret: the key, the bearer token, and for each sensitive header its whole value and, for a value
    /// with a scheme (`Bearer abc`), the credential after it, and each secret the body carried;
    /// header and body texts shorter than [`MIN_HEADER_SECRET`] are left out (scrubbing `1`
    /// would garble every error text).
    ///
    /// A list built by plain loops, not a chain of iterator adapters: every consumer of such
    /// a chain compiles its own copy of each adapter, and this runs only when a call failed.
    fn each(&self) -> Vec<&'a str> {
        let mut secrets = Vec::new();
        if let Some(key) = self.key {
            secrets.push(key.expose());
        }
        if let Some(token) = self.token {
            secrets.push(token.expose());
        }
        let mut chosen = Vec::new();
        if let Some(headers) = self.headers {
            for value in headers.values() {
                if !value.is_sensitive() {
                    continue;
                }
                let Ok(value) = value.to_str() else { continue };
                let value = value.trim();
                chosen.push(value);
                if let Some((_, credential)) = value.rsplit_once(' ') {
                    chosen.push(credential.trim());
                }
            }
        }
        for sent in self.sent {
            chosen.push(sent.as_str());
        }
        for secret in chosen {
            if secret.len() >= MIN_HEADER_SECRET {
                secrets.push(secret);
            }
        }
        secrets.retain(|secret| !secret.is_empty());
        secrets
    }

    /// The longest secret's length in bytes.
    pub(crate) fn longest(&self) -> usize {
        let mut longest = 0;
        for secret in self.each() {
            longest = longest.max(secret.len());
        }
        longest
    }

    /// `text` with every secret replaced by [`REDACTED`].
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in self.each() {
            text = scrub_one(&text, secret);
        }
        text
    }

    /// Drops the end of `text` if it is the start of a secret (plain or JSON-escaped) that a
    /// cut has separated from its rest, so no prefix of a secret survives a truncation.
    pub(crate) fn drop_cut_off_tail(&self, text: &mut String) {
        for secret in self.each() {
            let bytes = text.as_bytes();
            // An escaped character takes at most 6 bytes (`\u002f`).
            let from = bytes.len().saturating_sub(secret.len() * 6);
            if let Some(start) = (from..bytes.len())
                .find(|&at| matches!(match_at(&bytes[at..], secret), Some(Found::CutOff)))
            {
                // A match starts on an ASCII byte, so `start` is a character boundary.
                text.truncate(start);
            }
        }
    }
}

/// Replaces `secret` in `text`, plain or JSON-escaped (`\/`, `\\`, `\"`, `\u0041`): a server
/// that echoes a request inside a JSON string may escape any of its characters.
fn scrub_one(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    if !text.contains('\\') {
        return if text.contains(secret) {
            text.replace(secret, REDACTED)
        } else {
            text.to_owned()
        };
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut at, mut copied) = (0, 0);
    // (`<=` instead of `<` would try the empty rest once more and find nothing: an
    // equivalent mutant, docs/reliability.md §12.)
    while at < bytes.len() {
        match match_at(&bytes[at..], secret) {
            Some(Found::Whole(len)) => {
                // Matches start and end on ASCII bytes: both are character boundaries.
                out.push_str(&text[copied..at]);
                out.push_str(REDACTED);
                at += len;
                copied = at;
            }
            _ => at += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// How `secret` matches at the start of some text.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// All of it, in this many bytes.
    Whole(usize),
    /// Its beginning, up to the end of the text.
    CutOff,
}

/// Whether `text` starts with `secret` (visible ASCII), each character plain or JSON-escaped.
///
/// A backslash in the text may be a plain character or start an escape, so every reading is
/// followed at once: `ends` holds each text offset reached after the characters matched so
/// far (at most a handful, so this stays linear in the secret's length).
fn match_at(text: &[u8], secret: &str) -> Option<Found> {
    // Most positions fail on their first byte: decide those without allocating. (Only a
    // shortcut: without these two arms the loop below gives the same answers, slower, so their
    // mutants are equivalent; docs/reliability.md §12.)
    match (text.first(), secret.as_bytes().first()) {
        (None, _) | (_, None) => return None,
        (Some(&first), Some(&wanted)) if first != wanted && first != b'\\' => return None,
        _ => {}
    }
    let mut ends: Vec<usize> = vec![0];
    // Whether some reading ran into the end of the text before the secret was complete.
    let mut cut_off = false;
    for wanted in secret.bytes() {
        let mut next = Vec::with_capacity(ends.len());
        for &at in &ends {
            let rest = &text[at..];
            if rest.is_empty() {
                cut_off = true;
                continue;
            }
            if rest[0] == wanted {
                keep(&mut next, at + 1);
            }
            match rest {
                [b'\\'] => cut_off = true,
                [b'\\', b'u', hex @ ..] => {
                    let digits = &hex[..hex.len().min(4)];
                    if !digits.iter().all(u8::is_ascii_hexdigit) {
                        continue;
                    }
                    if digits.len() < 4 {
                        cut_off = true;
                        continue;
                    }
                    // As `u64`, whose parser core compiles anyway (`Content-Length`,
                    // `Retry-After`): a `u32` one would be a second copy for 4 hex digits.
                    let code = std::str::from_utf8(digits)
                        .ok()
                        .and_then(|digits| u64::from_str_radix(digits, 16).ok());
                    if code == Some(u64::from(wanted)) {
                        keep(&mut next, at + 6);
                    }
                }
                [b'\\', escaped, ..]
                    if *escaped == wanted && matches!(wanted, b'/' | b'\\' | b'"') =>
                {
                    keep(&mut next, at + 2)
                }
                _ => {}
            }
        }
        if next.is_empty() {
            return cut_off.then_some(Found::CutOff);
        }
        ends = next;
    }
    ends.first().map(|&len| Found::Whole(len))
}

/// Adds `end` to the sorted, distinct offsets of [`match_at`] (a handful at most: a sorted
/// insert, so no sort is compiled for them).
fn keep(ends: &mut Vec<usize>, end: usize) {
    if let Err(at) = ends.binary_search(&end) {
        ends.insert(at, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const KEY: &str = "mt_a/b\\c\"d_9";

    #[test]
    fn plain_and_json_escaped_keys_are_scrubbed() {
        let key = ApiKey::parse(KEY).expect("key");
        let secrets = Secrets::key(&key);
        let escaped = serde_json::to_string(KEY).expect("json");
        let escaped = escaped.trim_matches('"');
        for text in [
            format!("a {KEY} b"),
            format!("a {escaped} b"),
            format!("a {} b", escaped.replace('/', "\\/")),
            "a \\u006Dt_a\\u002fb\\\\c\\\"d\\u005f9 b".to_owned(),
        ] {
            assert_eq!(secrets.scrub(&text), "a [redacted] b", "{text}");
        }
        // Near misses are left alone.
        // `\q` escapes nothing, so it is not a `/`.
        for text in [
            "mt_a/b\\c",
            "mt_a\\/x",
            "\\u006Dt_",
            "\\u00zz",
            "mt_a\\qb\\c\"d_9",
        ] {
            assert_eq!(secrets.scrub(text), text);
        }
    }

    #[test]
    fn the_key_debugs_as_redacted() {
        let key = ApiKey::parse("mt_debug_me").expect("key");
        assert_eq!(format!("{key:?}"), "[redacted]");
    }

    #[test]
    fn a_secret_cut_off_at_the_end_is_dropped() {
        let key = ApiKey::parse("mt_abc/def").expect("key");
        let secrets = Secrets::key(&key);
        for (text, kept) in [
            ("body mt_abc", "body "),
            ("body mt_abc\\", "body "),
            ("body mt_abc\\/d", "body "),
            ("body mt_abc\\u00", "body "),
            ("body mt_x", "body mt_x"),
            ("body m", "body "),
            // Fully escaped, the cut-off start is 6 bytes a character long.
            ("body \\u006d\\u0074\\u005f\\u0061\\u0062", "body "),
        ] {
            let mut text = text.to_owned();
            secrets.drop_cut_off_tail(&mut text);
            assert_eq!(text, kept);
        }
    }

    #[test]
    fn sensitive_header_values_and_their_credentials_are_secrets() {
        let mut headers = HeaderMap::new();
        let mut bearer = HeaderValue::from_static("Bearer tok_123");
        bearer.set_sensitive(true);
        headers.insert("authorization", bearer);
        headers.insert("x-trace", HeaderValue::from_static("visible"));
        let secrets = Secrets::new(None, &headers);
        assert_eq!(
            secrets.scrub("saw Bearer tok_123, then tok_123 visible"),
            "saw [redacted], then [redacted] visible"
        );
        assert_eq!(secrets.longest(), "Bearer tok_123".len());
        assert_eq!(Secrets::new(None, &HeaderMap::new()).longest(), 0);
        // Too short to scrub without garbling every text: `1` is left alone.
        let mut short = HeaderMap::new();
        let mut one = HeaderValue::from_static("1");
        one.set_sensitive(true);
        short.insert("x-session", one);
        assert_eq!(
            Secrets::new(None, &short).scrub("HTTP 401, 1 error"),
            "HTTP 401, 1 error"
        );
    }
}
