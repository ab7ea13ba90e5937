//! What a successful answer said besides its body: [`ResponseMeta`] (status, request id,
//! headers).

use std::fmt;

use http::{HeaderMap, HeaderName, StatusCode};

use crate::secret::Secrets;

/// The status, request id and headers of a successful answer (rate-limit headers included),
/// as the server sent them.
///
/// Get it with a call through [`Client::with_response`](crate::Client::with_response) or
/// [`BlockingClient::with_response`](crate::BlockingClient::with_response). Its `Debug` shows
/// header names only, like [`CallOptions`](crate::CallOptions): a header may carry a cookie.
#[derive(Clone)]
pub struct ResponseMeta {
    status: StatusCode,
    headers: HeaderMap,
    /// The request id as `Debug` shows it: escaped and scrubbed of the call's secrets, as in
    /// errors (a hostile server may echo the key in it).
    shown_request_id: Option<String>,
}

impl ResponseMeta {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, secrets: Secrets<'_>) -> Self {
        let shown_request_id = crate::decode::request_id(&headers, secrets);
        Self {
            status,
            headers,
            shown_request_id,
        }
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The request id the server gave the answer (`x-request-id`, else `request-id`, else
    /// `x-correlation-id`), as sent: quote it when you report a problem.
    pub fn request_id(&self) -> Option<&str> {
        crate::decode::header_request_id(&self.headers)
    }

    /// The value of header `name` (case-insensitive), when it is present and readable text,
    /// e.g. `meta.header("x-ratelimit-remaining")`. The first one when it was sent several
    /// times; see [`headers`](Self::headers) for all.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Every header of the answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, taken out.
    pub fn into_headers(self) -> HeaderMap {
        self.headers
    }
}

impl fmt::Debug for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("ResponseMeta")
            .field("status", &self.status)
            .field("request_id", &self.shown_request_id)
            .field("headers", &names)
            .finish()
    }
}
