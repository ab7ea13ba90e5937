//! Recorded requests, for asserting what a client sent; bounded so an emulator left running
//! in a test suite cannot grow without limit.

use std::collections::VecDeque;
use std::fmt;

/// The most requests kept by default (the oldest go first).
pub const DEFAULT_MAX_RECORDED: usize = 10_000;

/// The most bytes of one request body kept by default.
pub const DEFAULT_MAX_RECORDED_BODY: usize = 1024 * 1024;

/// The most body bytes kept over all recorded requests; the oldest go first. With the count
/// limit this bounds the log's memory, whatever the clients send.
pub const RECORDED_BODY_BUDGET: usize = 64 * 1024 * 1024;

/// Headers whose values are credentials: `Debug` shows `[redacted]` for them.
const SECRET_HEADERS: [&str; 5] = [
    "x-api-key",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// One request as the emulator received it.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `"POST"`.
    pub method: String,
    /// Path without the query, e.g. `"/api/prompt/"`.
    pub path: String,
    /// Raw query string without `?`, if any.
    pub query: Option<String>,
    /// Headers in arrival order, names lower-cased (values decoded lossily as UTF-8).
    pub headers: Vec<(String, String)>,
    /// Raw body bytes, clipped to the recording limit (see
    /// [`EmulatorBuilder::max_recorded_body_bytes`](crate::EmulatorBuilder::max_recorded_body_bytes)).
    pub body: Vec<u8>,
    /// The length of the whole body as received; more than `body.len()` when it was clipped.
    pub body_len: usize,
    /// The `x-request-id` the emulator answered with.
    pub request_id: String,
    /// The injected fault that fired for this request, in the text syntax, if any.
    pub fault: Option<String>,
}

impl RecordedRequest {
    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON (a clipped body is not).
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Whether the recorded body is shorter than the one received.
    pub fn body_clipped(&self) -> bool {
        self.body.len() < self.body_len
    }

    /// Whether this request has the given method and path.
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path == path
    }
}

/// What `Debug` output shows in place of a secret (an API key, an auth header's value).
pub(crate) const REDACTED: &str = "[redacted]";

/// What `Debug` output shows for a configured API key: whether one is set, never the key.
pub(crate) fn redacted_key(key: &Option<String>) -> Option<&'static str> {
    key.as_ref().map(|_| REDACTED)
}

/// Keys and auth headers redacted, the body as its size: a test printing a request (or an
/// assertion failure doing it) must not put a real key into CI logs.
impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let secret = SECRET_HEADERS
                    .iter()
                    .any(|secret| name.eq_ignore_ascii_case(secret));
                (
                    name.as_str(),
                    if secret { REDACTED } else { value.as_str() },
                )
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &self.body_len)
            .field("body_clipped", &self.body_clipped())
            .field("request_id", &self.request_id)
            .field("fault", &self.fault)
            .finish()
    }
}

/// The recorded requests: a ring buffer bounded in count and in body bytes.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    max_entries: usize,
    max_body: usize,
    body_bytes: usize,
    dropped: u64,
}

impl RequestLog {
    /// Keeps at most `max_entries` requests (0: none), each body clipped to `max_body` bytes.
    pub(crate) fn new(max_entries: usize, max_body: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            max_entries,
            max_body: max_body.min(RECORDED_BODY_BUDGET),
            body_bytes: 0,
            dropped: 0,
        }
    }

    /// Records `request`, clipping its body and dropping the oldest requests over a limit.
    pub(crate) fn push(&mut self, mut request: RecordedRequest) {
        if self.max_entries == 0 {
            self.dropped += 1;
            return;
        }
        request.body_len = request.body_len.max(request.body.len());
        if request.body.len() > self.max_body {
            request.body.truncate(self.max_body);
            request.body.shrink_to_fit();
        }
        self.body_bytes += request.body.len();
        self.entries.push_back(request);
        while self.entries.len() > self.max_entries || self.body_bytes > RECORDED_BODY_BUDGET {
            match self.entries.pop_front() {
                Some(old) => {
                    self.body_bytes -= old.body.len();
                    self.dropped += 1;
                }
                None => break,
            }
        }
    }

    /// The recorded requests, oldest first.
    pub(crate) fn to_vec(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    /// How many requests were not kept (dropped as the oldest, or never recorded).
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Forgets every request (the dropped count stays).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.body_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: usize) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            path: "/api/prompt/".into(),
            query: None,
            headers: vec![
                ("x-api-key".into(), "mt_live_secret".into()),
                ("authorization".into(), "Bearer tok_secret".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body: vec![b'x'; body],
            body_len: body,
            request_id: "req_1".into(),
            fault: None,
        }
    }

    #[test]
    fn the_log_is_a_ring_of_bounded_size() {
        let mut log = RequestLog::new(3, 10);
        for _ in 0..5 {
            log.push(request(100));
        }
        let kept = log.to_vec();
        assert_eq!(kept.len(), 3);
        assert_eq!(log.dropped(), 2);
        assert!(kept.iter().all(|r| r.body.len() == 10 && r.body_len == 100));
        assert!(kept[0].body_clipped());
        assert_eq!(log.body_bytes, 30);
        log.clear();
        assert!(log.to_vec().is_empty());
        assert_eq!(log.body_bytes, 0);
    }

    #[test]
    fn the_body_budget_drops_the_oldest() {
        let mut log = RequestLog::new(1000, usize::MAX);
        let big = RECORDED_BODY_BUDGET / 4 + 1;
        for _ in 0..8 {
            log.push(request(big));
        }
        assert_eq!(log.to_vec().len(), 3);
        assert!(log.body_bytes <= RECORDED_BODY_BUDGET);
        assert_eq!(log.dropped(), 5);
    }

    #[test]
    fn no_recording_keeps_nothing_and_counts_it() {
        let mut log = RequestLog::new(0, 10);
        log.push(request(1));
        assert!(log.to_vec().is_empty());
        assert_eq!(log.dropped(), 1);
    }

    #[test]
    fn debug_redacts_keys_and_auth_headers() {
        let text = format!("{:?} {:#?}", request(4), request(4));
        assert!(!text.contains("mt_live_secret"), "{text}");
        assert!(!text.contains("tok_secret"), "{text}");
        assert!(text.contains("application/json"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
}
