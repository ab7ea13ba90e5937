//! The async client: a [`Transport`] shared by every clone and view, plus the per-call
//! options of this view. Built by [`ClientBuilder`](crate::ClientBuilder) (see `builder.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;

use crate::config::{CallOptions, Config};
use crate::decode;
use crate::error::Error;
use crate::request::ApiRequest;
use crate::response::ResponseMeta;
use crate::token::Bearer;
use crate::transport::{Http, RawResponse, Transport};

/// The async MutagenT client. Cloning is cheap: clones share the connection pool and the
/// retry budget.
///
/// Namespace crates add the operations (`client.prompt().list_prompts(..)`); see the
/// `mutagent` crate.
///
/// Its calls run on a Tokio 1.x runtime with timers (every call has a deadline) and, for the
/// default HTTP client, I/O: `#[tokio::main]`, or a runtime built with
/// `tokio::runtime::Builder::enable_all()`. A call made anywhere else (a runtime built
/// without `enable_time()` or `enable_io()`, another executor) is refused before anything is
/// sent with [`Error::Runtime`](crate::Error::Runtime), whose message says how to build the
/// runtime, rather than panicking in Tokio. The first call on a thread under such a runtime
/// probes it, and that probe runs the panic hook once (the default hook prints Tokio's message
/// to stderr). Without any runtime at all, use the [`BlockingClient`](crate::BlockingClient),
/// which runs its calls on a runtime of its own.
#[derive(Clone)]
pub struct Client {
    pub(crate) transport: Arc<Transport>,
    pub(crate) options: CallOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", self.config())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_parts(config: Config, http: Http) -> Self {
        Self {
            transport: Arc::new(Transport::new(config, http)),
            options: CallOptions::default(),
        }
    }

    /// The resolved configuration.
    pub fn config(&self) -> &Config {
        self.transport.config()
    }

    /// A view of this client whose calls use `options` (a per-call timeout, opting a POST
    /// into retries, extra headers). It shares everything else with this client.
    ///
    /// ```
    /// use mutagent_core::{CallOptions, Client};
    /// # fn main() -> Result<(), mutagent_core::Error> {
    /// let client = Client::builder().api_key("mt_example").build()?;
    /// let patient = client.with_options(CallOptions::new().retry_non_idempotent(true));
    /// # let _ = patient; Ok(()) }
    /// ```
    #[must_use = "this returns a new value and leaves `self` unchanged"]
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client {
            transport: Arc::clone(&self.transport),
            options,
        }
    }

    /// The per-call options of this view.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// `text` (a server's words the SDK hands on, such as the `note` of a trace-ingestion
    /// answer) made safe to print, as the SDK's own errors make theirs: control characters
    /// escaped (it cannot forge a log line or drive a terminal), this client's secrets (its API
    /// key, its bearer token, its sensitive headers) replaced by `[redacted]`, and cut to
    /// 1,024 bytes with the full size said.
    ///
    /// ```
    /// let client = mutagent_core::Client::builder()
    ///     .api_key("mt_example_key_1234")
    ///     .build()?;
    /// let shown = client.printable("refused for mt_example_key_1234\u{1b}[2J");
    /// assert_eq!(shown, "refused for [redacted]\\u{1b}[2J");
    /// # Ok::<(), mutagent_core::Error>(())
    /// ```
    pub fn printable(&self, text: &str) -> String {
        let token = self.config().bearer.as_ref().and_then(Bearer::current);
        let secrets =
            crate::secret::Secrets::new(self.config().api_key.as_ref(), &self.options.headers)
                .with_token(token.as_ref());
        decode::server_text(text, secrets, decode::SERVER_TEXT_LIMIT)
    }

    /// This client (its settings, per-call options and retry budget) with a connection pool
    /// of its own, for calls made from another runtime, such as a background thread's.
    ///
    /// Clones share one pool, and a pooled connection is driven by a task on the runtime that
    /// opened it. A call made from another runtime may reuse it, and then waits while that
    /// runtime's threads are blocked (say a current-thread runtime whose only thread waits for
    /// the call's result). The client this method returns never uses this client's
    /// connections: its own are opened, and driven, by the runtimes that make its calls. Its
    /// clones and views share its new pool, and its own limit of requests in flight
    /// ([`max_concurrent_requests`](crate::ClientBuilder::max_concurrent_requests), which
    /// bounds a pool's connections); retries spend from the retry budget of this client.
    ///
    /// The trace exporter's sender thread and the [`BlockingClient`](crate::BlockingClient)
    /// use it. With an HTTP client of your own
    /// ([`ClientBuilder::http_client`](crate::ClientBuilder::http_client), a tower service)
    /// the SDK has no pool to duplicate: the result is then the same as
    /// [`clone`](Clone::clone), and which runtime drives a connection is that HTTP client's
    /// affair. A [`DefaultHttpClient`](crate::http_client::DefaultHttpClient) given to
    /// `http_client` does get a pool of its own.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
    /// let own = client.with_own_connections();
    /// let worker = mutagent_core::runtime_thread::spawn("worker", move || async move {
    ///     // Calls through `own` open and drive their connections on this thread's runtime,
    ///     // whatever the runtime that made `client`'s calls is doing.
    ///     let _ = own.config();
    /// })?;
    /// worker.join().ok();
    /// # Ok(()) }
    /// ```
    #[must_use = "this returns a new value and leaves `self` unchanged"]
    pub fn with_own_connections(&self) -> Client {
        match self.transport.with_own_pool() {
            Some(transport) => Client {
                transport: Arc::new(transport),
                options: self.options.clone(),
            },
            None => self.clone(),
        }
    }

    /// Sends a prepared request and decodes the answer. The operations of the namespace
    /// crates are built on this; use it directly only for what they do not cover.
    pub async fn send<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T, Error> {
        self.clone().answer(Ok(request)).await
    }

    /// The answer to `request`, decoded: what every call is. The exchange is a future built
    /// in core; what is compiled per answer type, in the crate that makes the call, is this
    /// one state machine with its one await, and the decode (docs/performance.md, "Compile
    /// time"). It owns the client so that a call's future is this one, not one wrapping it.
    pub(crate) async fn answer<T: DeserializeOwned>(
        self,
        request: Result<ApiRequest, Error>,
    ) -> Result<T, Error> {
        let request = request?;
        let raw = self.transport.execute(&self.options, &request).await?;
        decode_answer(&self.options, self.config(), &request, &raw)
    }

    /// Sends a prepared request and answers its body as sent, not decoded, with its
    /// [`ResponseMeta`] (the `Content-Type` says what it is): for the few answers that are not
    /// JSON, such as a CSV export. Everything else is as for [`send`](Self::send): retries,
    /// timeouts, the size limit, and error statuses as [`Error::Api`].
    pub async fn send_raw(&self, request: ApiRequest) -> Result<(Vec<u8>, ResponseMeta), Error> {
        let raw = self.transport.execute(&self.options, &request).await?;
        let body = raw.body.to_vec();
        Ok((
            body,
            response_meta(&self.options, self.config(), &request, raw),
        ))
    }

    /// [`send`](Self::send), answering the value with its [`ResponseMeta`].
    pub(crate) async fn send_with_response<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> Result<(T, ResponseMeta), Error> {
        let raw = self.transport.execute(&self.options, &request).await?;
        let value = decode_answer(&self.options, self.config(), &request, &raw)?;
        Ok((
            value,
            response_meta(&self.options, self.config(), &request, raw),
        ))
    }
}

/// The [`ResponseMeta`] of a success answer, its `Debug` scrubbed of this view's secrets
/// (both clients).
pub(crate) fn response_meta(
    options: &CallOptions,
    config: &Config,
    request: &ApiRequest,
    raw: RawResponse,
) -> ResponseMeta {
    let secrets = crate::transport::call_secrets(config, options, raw.token.as_ref(), request);
    ResponseMeta::new(raw.status, raw.headers, secrets)
}

/// Decodes a success answer, scrubbing this view's secrets from any error (both clients).
pub(crate) fn decode_answer<T: DeserializeOwned>(
    options: &CallOptions,
    config: &Config,
    request: &ApiRequest,
    raw: &RawResponse,
) -> Result<T, Error> {
    decode::success(
        request.operation.name,
        raw.status,
        &raw.headers,
        &raw.body,
        raw.attempts,
        crate::transport::call_secrets(config, options, raw.token.as_ref(), request),
    )
}

/// The future of one async call (error [`Error`]), or of a multi-call helper such as an upload
/// or a wait (its own error type `E`).
#[must_use = "futures do nothing unless awaited"]
pub struct ResponseFuture<T, E = Error> {
    inner: Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>,
}

impl<T, E> ResponseFuture<T, E> {
    pub(crate) fn new(future: impl Future<Output = Result<T, E>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(future),
        }
    }
}

impl<T, E> fmt::Debug for ResponseFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseFuture")
    }
}

impl<T, E> Future for ResponseFuture<T, E> {
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}
