//! What the SDK tells an [`HttpClient`](crate::http_client::HttpClient) or a tower layer about
//! each request, in the request's [`http::Extensions`]: which operation it is ([`CallInfo`])
//! and the settings a custom client should honour ([`ClientSettings`]).

use std::time::Duration;

use crate::operation::{Method, Operation};

/// The operation a request belongs to and which attempt it is; in the extensions of every
/// request the SDK sends, so a custom client or a tower layer can act per operation (count,
/// log, route, rate-limit):
///
/// ```
/// use mutagent_core::http_client::CallInfo;
///
/// fn label(request: &http::Request<bytes::Bytes>) -> String {
///     match request.extensions().get::<CallInfo>() {
///         Some(call) => format!("{}.{} (attempt {})", call.namespace(), call.name(), call.attempt()),
///         None => "not from the SDK".to_owned(),
///     }
/// }
/// # assert_eq!(label(&http::Request::new(bytes::Bytes::new())), "not from the SDK");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CallInfo {
    operation: &'static Operation,
    attempt: u32,
}

impl CallInfo {
    pub(crate) fn new(operation: &'static Operation, attempt: u32) -> Self {
        Self { operation, attempt }
    }

    /// The namespace, as in the official SDKs (e.g. `prompt`).
    pub fn namespace(&self) -> &'static str {
        self.operation.namespace
    }

    /// The operation, as in the official SDKs (e.g. `get_prompt`).
    pub fn name(&self) -> &'static str {
        self.operation.name
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.operation.method
    }

    /// The path template, as the API lists it (e.g. `/api/prompt/{id}`): a label that does not
    /// grow with ids, unlike the request's path.
    pub fn path_template(&self) -> &'static str {
        self.operation.path
    }

    /// Whether sending the request twice has the same effect as sending it once (by its
    /// method: GET, HEAD, PUT, DELETE). The SDK retries only these unless a call opts in.
    pub fn idempotent(&self) -> bool {
        self.operation.method.is_idempotent()
    }

    /// Which attempt of the call this is: 1 for the first, 2 for the first retry, …
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The whole description of the operation.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }
}

/// The client's settings that a custom [`HttpClient`](crate::http_client::HttpClient) (or the
/// service behind a tower adapter) should honour, since the SDK cannot apply them for it:
/// chiefly the connect timeout. In the extensions of every request the SDK sends.
///
/// The SDK applies the call's timeout, retries and `max_response_bytes` itself around any
/// client; they are here so a client can also use them (say, to size a buffer).
///
/// ```
/// use mutagent_core::http_client::ClientSettings;
///
/// fn connect_timeout(request: &http::Request<bytes::Bytes>) -> std::time::Duration {
///     request
///         .extensions()
///         .get::<ClientSettings>()
///         .map_or(std::time::Duration::from_secs(10), ClientSettings::connect_timeout)
/// }
/// # assert_eq!(connect_timeout(&http::Request::new(bytes::Bytes::new())).as_secs(), 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
}

impl ClientSettings {
    /// How long to wait for a connection (`ClientBuilder::connect_timeout`, 10 s by default).
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The timeout of the whole call this request belongs to, retries included (the client's,
    /// or the call's own from `CallOptions::timeout`).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest body the SDK reads (`ClientBuilder::max_response_bytes`; decompressed).
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}
