//! The async client.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use crate::config::{ClientBuilder, Config};
use crate::decode;
use crate::error::Error;
use crate::http_client::HttpClient;
use crate::request::ApiRequest;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::transport;

/// The async MutagenT client. Cloning is cheap: clones share the connection pool and the
/// retry budget.
///
/// Namespace crates add the operations (`client.prompt().list_prompts(..)`); see the
/// `mutagent` crate.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
    pub(crate) options: CallOptions,
}

pub(crate) struct ClientInner {
    pub(crate) config: Config,
    pub(crate) http: Arc<dyn HttpClient>,
    pub(crate) budget: RetryBudget,
    /// One permit per request in flight, shared by every clone and view.
    pub(crate) in_flight: tokio::sync::Semaphore,
    pub(crate) base_headers: HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment alone (`MUTAGENT_API_KEY`,
    /// `MUTAGENT_SERVER_URL`, ...).
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::new().build()
    }

    pub(crate) fn from_parts(config: Config, http: Arc<dyn HttpClient>) -> Self {
        let base_headers = transport::base_headers(&config);
        let in_flight = tokio::sync::Semaphore::new(config.max_concurrent_requests);
        Self {
            inner: Arc::new(ClientInner {
                config,
                http,
                budget: RetryBudget::new(),
                in_flight,
                base_headers,
            }),
            options: CallOptions::default(),
        }
    }

    /// The resolved configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
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
            inner: Arc::clone(&self.inner),
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
        let raw = transport::execute(&self.inner, &self.options, &request).await?;
        decode::success(
            request.operation.name,
            raw.status,
            &raw.headers,
            &raw.body,
            self.inner.config.api_key.as_ref(),
        )
    }
}

/// Options for the calls of one client view (see [`Client::with_options`]).
///
/// Its `Debug` shows header names only: a header may carry a credential.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    pub(crate) retry_non_idempotent: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: HeaderMap,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("CallOptions")
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &names)
            .finish()
    }
}

impl CallOptions {
    /// Default options: the client's timeout and retry policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Retries POST and PATCH too, on the same conditions as GET. Only do this when sending
    /// the request twice is harmless (for example when it carries an idempotency key).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Overrides the client's timeout for these calls.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the client's retry policy for these calls.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Adds a header to these calls (it replaces a default header of the same name).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }
}

/// The future of one async call.
#[must_use = "futures do nothing unless awaited"]
pub struct ResponseFuture<T> {
    inner: Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>,
}

impl<T> ResponseFuture<T> {
    pub(crate) fn new(future: impl Future<Output = Result<T, Error>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(future),
        }
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseFuture")
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}
