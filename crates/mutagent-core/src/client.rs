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
use crate::http_client::HttpClient;
use crate::request::ApiRequest;
use crate::response::ResponseMeta;
use crate::token::Bearer;
use crate::transport::{RawResponse, Transport};

/// The async MutagenT client. Cloning is cheap: clones share the connection pool and the
/// retry budget.
///
/// Namespace crates add the operations (`client.prompt().list_prompts(..)`); see the
/// `mutagent` crate.
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
    pub(crate) fn from_parts(config: Config, http: Arc<dyn HttpClient>) -> Self {
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
        Ok((
            raw.body.to_vec(),
            ResponseMeta::new(raw.status, raw.headers),
        ))
    }

    /// [`send`](Self::send), answering the value with its [`ResponseMeta`].
    pub(crate) async fn send_with_response<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> Result<(T, ResponseMeta), Error> {
        let raw = self.transport.execute(&self.options, &request).await?;
        let value = decode_answer(&self.options, self.config(), &request, &raw)?;
        Ok((value, ResponseMeta::new(raw.status, raw.headers)))
    }
}

/// Decodes a success answer, scrubbing this view's secrets from any error (both clients).
pub(crate) fn decode_answer<T: DeserializeOwned>(
    options: &CallOptions,
    config: &Config,
    request: &ApiRequest,
    raw: &RawResponse,
) -> Result<T, Error> {
    let token = config.bearer.as_ref().and_then(Bearer::current);
    decode::success(
        request.operation.name,
        raw.status,
        &raw.headers,
        &raw.body,
        crate::transport::call_secrets(config, options, token.as_ref(), request),
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
