//! The pluggable HTTP layer: a small trait the SDK owns, and the default hyper-based client.
//!
//! Bring your own client (a proxy, custom TLS, an interceptor) by implementing [`HttpClient`];
//! only `http` 1.x types and SDK types cross this boundary, never hyper-util's.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::connector::Connector;
use crate::env::{DebugEnv, EnvSource, ProcessEnv};
use crate::error::{BoxError, ConfigError};
pub use crate::extensions::{CallInfo, ClientSettings};
pub use crate::future::BoxFuture;
use crate::proxy::{ProxyRules, ProxySettings};
use crate::tls::{self, TrustSettings};

/// Sends one HTTP request and returns the response head with a streaming body.
///
/// The SDK adds its own timeouts, retries and size limits around this call, so an
/// implementation only has to send. Each request carries a [`CallInfo`] (which operation,
/// which attempt) and the [`ClientSettings`] to honour (the connect timeout) in its
/// extensions; with the `tower` feature any tower service can be the client
/// (`mutagent_core::tower`). Report failures that happened before anything reached
/// the server with [`HttpError::connect`]: those are safe to retry even for `POST`.
///
/// ```
/// use mutagent_core::http_client::{BoxFuture, DefaultHttpClient, HttpClient, HttpError, ResponseBody};
/// use bytes::Bytes;
///
/// /// Adds a header to every request, then lets the default client send it.
/// #[derive(Debug)]
/// struct AddHeader { inner: DefaultHttpClient }
///
/// impl HttpClient for AddHeader {
///     fn send(&self, mut request: http::Request<Bytes>)
///         -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
///         request.headers_mut().insert("x-team", http::HeaderValue::from_static("search"));
///         self.inner.send(request)
///     }
/// }
/// # fn main() -> Result<(), mutagent_core::Error> {
/// let client = mutagent_core::Client::builder()
///     .http_client(AddHeader { inner: DefaultHttpClient::new()? })
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
pub trait HttpClient: Send + Sync + 'static {
    /// Sends `request` (its URI is absolute) and resolves to the response.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>>;
}

impl<T: HttpClient + ?Sized> HttpClient for Arc<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        (**self).send(request)
    }
}

/// Why an [`HttpClient`] could not deliver a request.
#[derive(Debug)]
pub struct HttpError {
    connect: bool,
    source: BoxError,
}

impl HttpError {
    /// The connection could not be made (refused, DNS, TLS handshake): the request certainly
    /// never reached the server.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self {
            connect: true,
            source: source.into(),
        }
    }

    /// Any other failure: the request may or may not have reached the server.
    pub fn other(source: impl Into<BoxError>) -> Self {
        Self {
            connect: false,
            source: source.into(),
        }
    }

    /// Whether the request certainly never reached the server.
    pub fn is_connect(&self) -> bool {
        self.connect
    }

    pub(crate) fn into_source(self) -> BoxError {
        self.source
    }
}

/// The message says what kind of failure it was; the cause is the `source()`, so a chain
/// printer shows it once.
impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.connect {
            "could not connect"
        } else {
            "the request failed"
        })
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

type DynBody = Pin<Box<dyn Body<Data = Bytes, Error = BoxError> + Send + Sync + 'static>>;

/// A streaming response body (an `http_body` 1.x body of `Bytes`).
pub struct ResponseBody(DynBody);

impl ResponseBody {
    /// Wraps any `http_body` 1.x body.
    pub fn new<B>(body: B) -> Self
    where
        B: Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        Self(Box::pin(body.map_err(Into::into)))
    }

    /// A body made of one chunk.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self::new(Full::new(bytes.into()).map_err(|never| -> BoxError { match never {} }))
    }

    /// An empty body.
    pub fn empty() -> Self {
        Self::from_bytes(Bytes::new())
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("size_hint", &self.0.size_hint())
            .finish()
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.0.as_mut().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}

type HttpsConnector = hyper_rustls::HttpsConnector<Connector>;
type HyperClient = hyper_util::client::legacy::Client<HttpsConnector, Full<Bytes>>;

/// The default HTTP client: pooled hyper 1 over rustls (ring provider; the webpki roots plus
/// `SSL_CERT_FILE`/`SSL_CERT_DIR` and [`add_root_certificate`](DefaultHttpClientBuilder::add_root_certificate)),
/// HTTP/1.1 and HTTP/2 chosen by ALPN, through the proxy the environment names (see
/// [`DefaultHttpClientBuilder::proxy`]). Cloning is cheap and shares the pool.
#[derive(Clone)]
pub struct DefaultHttpClient {
    inner: HyperClient,
    connector: Connector,
    /// What `inner` was built from, to build another pool with the same settings.
    https: HttpsConnector,
    pool: PoolSettings,
}

/// The connection pool's settings.
#[derive(Debug, Clone, Copy)]
struct PoolSettings {
    idle_timeout: Duration,
    max_idle_per_host: usize,
}

impl PoolSettings {
    /// A new, empty pool of connections made by `https`. Its connection tasks are spawned on
    /// the runtime that sends the request that opens them.
    fn client(self, https: HttpsConnector) -> HyperClient {
        hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.idle_timeout)
            .pool_max_idle_per_host(self.max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(https)
    }
}

impl fmt::Debug for DefaultHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultHttpClient")
            .field("connector", &self.connector)
            .finish_non_exhaustive()
    }
}

impl DefaultHttpClient {
    /// The default client: webpki roots, 10 s connect timeout, 90 s idle pool timeout, proxies
    /// from the process environment.
    pub fn new() -> Result<Self, ConfigError> {
        Self::builder().build()
    }

    /// Options for the default client.
    pub fn builder() -> DefaultHttpClientBuilder {
        DefaultHttpClientBuilder::default()
    }

    /// The same client (connector, TLS, proxies, pool settings) with a new, empty pool: no
    /// connection of this one is shared with it.
    pub(crate) fn with_own_pool(&self) -> Self {
        Self {
            inner: self.pool.client(self.https.clone()),
            connector: self.connector.clone(),
            https: self.https.clone(),
            pool: self.pool,
        }
    }
}

impl HttpClient for DefaultHttpClient {
    fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        if request.uri().scheme_str() == Some("http") {
            // A plain-http request goes to the proxy whole (absolute form), so its credentials
            // go with it; an https one only meets the proxy in the tunnel's CONNECT.
            if let Some(auth) = self
                .connector
                .route(request.uri())
                .and_then(|route| route.auth)
            {
                request
                    .headers_mut()
                    .insert(http::header::PROXY_AUTHORIZATION, auth);
            }
        }
        let future = self.inner.request(request.map(Full::new));
        Box::pin(async move {
            // Checked here, where the connection is made, rather than by the transport: a
            // client of the application's own that wraps this one needs the I/O (and the
            // connect timeout's timer) just as much, and one that does not use it may run
            // without. Tokio would panic on either; nothing has been sent yet.
            crate::runtime_check::timers()
                .and_then(|()| crate::runtime_check::io())
                .map_err(HttpError::connect)?;
            match future.await {
                Ok(response) => Ok(response.map(ResponseBody::new)),
                Err(err) if err.is_connect() => Err(HttpError::connect(err)),
                Err(err) => Err(HttpError::other(err)),
            }
        })
    }
}

/// Options for [`DefaultHttpClient`].
#[derive(Clone)]
pub struct DefaultHttpClientBuilder {
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    tls: Option<rustls::ClientConfig>,
    trust: TrustSettings,
    proxy: ProxySettings,
    env: Arc<dyn EnvSource>,
}

impl fmt::Debug for DefaultHttpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultHttpClientBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("custom_tls", &self.tls.is_some())
            .field("trust", &self.trust)
            .field("proxy", &self.proxy)
            .field("env", &DebugEnv(&*self.env))
            .finish()
    }
}

impl Default for DefaultHttpClientBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 32,
            tls: None,
            trust: TrustSettings::default(),
            proxy: ProxySettings::default(),
            env: Arc::new(ProcessEnv),
        }
    }
}

impl DefaultHttpClientBuilder {
    crate::setters! {
        /// How long to wait for a connection: TCP, and the proxy's tunnel when there is one
        /// (default 10 s). The call's own timeout still applies on top.
        set connect_timeout: Duration;
        /// How long an idle pooled connection is kept (default 90 s).
        set pool_idle_timeout: Duration;
        /// The most idle connections kept per host (default 32).
        set pool_max_idle_per_host: usize;
        /// Sends every request through the HTTP proxy at this URL (`http://host:port`,
        /// credentials as `http://user:password@host:port`, sent as `Proxy-Authorization:
        /// Basic`). Without it the proxy comes from `HTTPS_PROXY` (https servers), `HTTP_PROXY`
        /// (plain http) or `ALL_PROXY` (both), upper-case names before lower-case ones, as curl
        /// reads them.
        ///
        /// An https server is reached through a `CONNECT` tunnel: the proxy sees its host and
        /// port and nothing else (never the API key). A plain-http request is sent to the
        /// proxy whole. An invalid URL (or an `https://` or SOCKS proxy, which are not
        /// supported) is refused by [`build`](Self::build).
        proxy proxy: impl Into<String>;
        /// Hosts reached directly, never through the proxy, instead of `NO_PROXY`: a
        /// comma-separated list of host names (each matches itself and its subdomains; a
        /// leading `.` is allowed), IP addresses, networks (`10.0.0.0/8`), or `*` for every
        /// host.
        proxy no_proxy: impl Into<String>;
        /// Whether `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are read (default:
        /// yes). With `false`, only [`proxy`](Self::proxy) and [`no_proxy`](Self::no_proxy)
        /// apply.
        proxy proxy_from_env: bool;
    }

    /// Reads the environment variables above from `env` instead of the process environment.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn env(mut self, env: impl EnvSource + 'static) -> Self {
        self.env = Arc::new(env);
        self
    }

    /// The same, sharing an environment already behind an `Arc` (the client builder's).
    pub(crate) fn shared_env(mut self, env: Arc<dyn EnvSource>) -> Self {
        self.env = env;
        self
    }

    /// The proxy settings, as the client builder forwards them.
    pub(crate) fn proxy_settings(mut self, settings: ProxySettings) -> Self {
        self.proxy = settings;
        self
    }

    /// Trusts the certificate authority (or authorities) in `pem` too, on top of the bundled
    /// webpki roots and `SSL_CERT_FILE`/`SSL_CERT_DIR`: for a private CA or a TLS-inspecting
    /// gateway. [`build`](Self::build) refuses PEM without a usable certificate.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn add_root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.trust.roots.push(pem.as_ref().to_vec());
        self
    }

    /// The trust settings, as the client builder forwards them.
    pub(crate) fn trust_settings(mut self, settings: TrustSettings) -> Self {
        self.trust = settings;
        self
    }

    /// Uses your own rustls 0.23 configuration (client certificates, your own verifier, ...)
    /// instead of the one built from the trusted roots above, which are then not read.
    /// ALPN protocols are set by the client (h2, http/1.1): any the configuration already
    /// lists are replaced, since the connection must speak one the client understands.
    ///
    /// Behind the `rustls-0_23` feature: it puts a rustls type in your code, so a rustls
    /// major version is a breaking change of this feature.
    #[cfg(feature = "rustls-0_23")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls-0_23")))]
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// Builds the client. It needs no Tokio runtime to be built, only to send.
    pub fn build(self) -> Result<DefaultHttpClient, ConfigError> {
        let mut tls = match self.tls {
            Some(config) => config,
            None => tls::client_config(&self.trust, &*self.env)?,
        };
        // hyper-rustls adds h2 and http/1.1 itself and panics if the list is not empty.
        tls.alpn_protocols.clear();
        let proxies = ProxyRules::resolve(&self.proxy, &*self.env)?.map(Arc::new);
        let connector = Connector::new(self.connect_timeout, proxies);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(connector.clone());
        let pool = PoolSettings {
            idle_timeout: self.pool_idle_timeout,
            max_idle_per_host: self.pool_max_idle_per_host,
        };
        Ok(DefaultHttpClient {
            inner: pool.client(https.clone()),
            connector,
            https,
            pool,
        })
    }
}
