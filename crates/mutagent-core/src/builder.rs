//! [`ClientBuilder`]: builds the async [`Client`] and the [`BlockingClient`], resolving every
//! setting as explicit > environment > default (the table is in [`config`](crate::config)).
//!
//! It sits beside the clients it builds and above them: it is also where `Client::builder`,
//! `BlockingClient::builder` and their `from_env` are defined, so the clients never depend on it.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use crate::blocking::BlockingClient;
use crate::client::Client;
use crate::config::{
    Config, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_SERVER_URL, DEFAULT_TIMEOUT,
};
use crate::env::{self, EnvSource, ProcessEnv};
use crate::error::{ConfigError, Error, Origin};
use crate::http_client::{DefaultHttpClient, HttpClient};
use crate::proxy::ProxySettings;
use crate::retry::RetryPolicy;
use crate::secret::{ApiKey, REDACTED};
use crate::tls::TrustSettings;
use crate::token::{Bearer, TokenProvider};
use crate::transport::Http;
use crate::url::BaseUrl;

/// Builds a [`Client`] or a [`BlockingClient`]: `C` is the client [`build`](Self::build)
/// returns. [`Client::builder`] gives a `ClientBuilder<Client>`, [`BlockingClient::builder`] a
/// `ClientBuilder<BlockingClient>`; the settings are the same for both.
///
/// ```
/// use std::time::Duration;
/// # fn main() -> Result<(), mutagent_core::Error> {
/// let client = mutagent_core::Client::builder()
///     .api_key("mt_example")
///     .server_url("https://api.mutagent.io")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.config().server_url().to_string(), "https://api.mutagent.io");
/// # Ok(()) }
/// ```
///
/// The blocking client's builder builds a blocking client:
///
/// ```
/// # fn main() -> Result<(), mutagent_core::Error> {
/// let client: mutagent_core::BlockingClient = mutagent_core::BlockingClient::builder()
///     .api_key("mt_example")
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C = Client> {
    /// Every setting, in a struct that is not generic: resolving, building and `Debug` are
    /// compiled once in core, not once per client kind `C`.
    settings: Settings,
    /// The client `build` returns.
    builds: PhantomData<fn() -> C>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// A copy of every setting, to build several clients that differ in one or two (say one per
/// workspace). A token provider, an HTTP client of your own and the environment source are
/// shared between the copies, not duplicated.
impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            settings: self.settings.clone(),
            builds: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.settings, f)
    }
}

impl ClientBuilder {
    /// A builder of the async client that falls back to the process environment.
    pub fn new() -> Self {
        Self::empty()
    }

    /// Builds the async client.
    pub fn build(self) -> Result<Client, Error> {
        self.build_async()
    }
}

impl ClientBuilder<BlockingClient> {
    /// Builds the blocking client. Safe inside and outside a Tokio runtime.
    pub fn build(self) -> Result<BlockingClient, Error> {
        self.build_blocking()
    }
}

impl<C> ClientBuilder<C> {
    /// A builder with nothing set, falling back to the process environment.
    fn empty() -> Self {
        Self {
            settings: Settings::empty(),
            builds: PhantomData,
        }
    }

    crate::setters! {
        /// The API key, sent as `x-api-key` (else `MUTAGENT_API_KEY`).
        settings api_key: impl Into<String>;
        /// A bearer token, sent as `Authorization: Bearer …` instead of an API key. Giving it
        /// with [`api_key`](Self::api_key) or [`token_provider`](Self::token_provider) is a
        /// configuration error; given, it wins over `MUTAGENT_API_KEY`. Without it, and
        /// without an API key, `MUTAGENT_BEARER_AUTH` is read.
        settings bearer_token: impl Into<String>;
    }

    /// Bearer tokens from `provider`, for short-lived credentials: asked before the first
    /// request, kept, and asked again (the request sent once more) when the server answers
    /// 401, by one call at a time ([`TokenProvider`] tells how). The same rules as
    /// [`bearer_token`](Self::bearer_token) apply.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.settings.token_provider = Some(Arc::new(provider));
        self
    }

    crate::setters! {
        /// The server URL, e.g. `https://api.mutagent.io` (else `MUTAGENT_SERVER_URL`, else
        /// `http://localhost:3003`). A path prefix such as `https://host/prefix` is kept.
        settings server_url: impl Into<String>;
        /// The workspace, sent as `x-workspace-id` (needed with organization- and
        /// user-scoped keys).
        settings workspace_id: impl Into<String>;
        /// The organization, sent as `x-organization-id` (needed with user-scoped keys).
        settings organization_id: impl Into<String>;
        /// The longest a call may take, retries and waits included (default 60 s).
        settings timeout: Duration;
    }

    /// Like [`timeout`](Self::timeout), in seconds, as the official SDKs take it.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn timeout_secs(self, seconds: u64) -> Self {
        self.timeout(Duration::from_secs(seconds))
    }

    crate::setters! {
        /// The longest wait for a TCP connection (default 10 s), its own setting: each attempt's
        /// connect is bounded by it or by what is left of the call's timeout, whichever ends
        /// first, so a call given a longer timeout of its own (`CallOptions::timeout`) is not
        /// held to the client's. Applies to the default HTTP client only.
        settings connect_timeout: Duration;
        /// Allows plain `http://` to hosts that are not loopback (default: refused).
        settings allow_insecure_http: bool;
        /// How failed calls are retried.
        settings retry_policy: RetryPolicy;
        /// The largest response body the client reads before giving up (default 32 MiB).
        settings max_response_bytes: usize;
        /// The most requests this client (all its clones and views together) has in flight at
        /// once (default 128). Further calls wait for a slot, within their timeout. This bounds
        /// the open connections, since the pool opens one per request in flight. `usize::MAX`
        /// sets no practical limit. A client made by
        /// [`Client::with_own_connections`] has a pool and a limit of its own.
        settings max_concurrent_requests: usize;
    }

    /// Sends requests through your own [`HttpClient`] (proxy, custom TLS, interceptors).
    ///
    /// Your client does its own networking, so the default client's settings given to this
    /// builder ([`proxy`](Self::proxy), [`no_proxy`](Self::no_proxy),
    /// [`proxy_from_env(false)`](Self::proxy_from_env),
    /// [`add_root_certificate`](Self::add_root_certificate)) would be ignored: `build()`
    /// refuses them with [`ConfigError::IgnoredByHttpClient`]. Give them to your client (a
    /// [`DefaultHttpClient`]'s builder has each). The proxy and certificate variables of the
    /// environment are not read with a client of your own, and never fail the build.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        // The default client, built with its own settings, is still one the SDK can re-pool
        // (`Client::with_own_connections`).
        let any: &dyn std::any::Any = &client;
        self.settings.http_client = Some(match any.downcast_ref::<DefaultHttpClient>() {
            Some(default) => Http::Default(Box::new(default.clone())),
            None => Http::Custom(Arc::new(client)),
        });
        self
    }

    crate::setters! {
        /// Sends every request through the HTTP proxy at this URL (`http://host:port`, or
        /// `http://user:password@host:port` for a proxy that wants credentials) instead of
        /// the one `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY` names. An https server is
        /// reached through a `CONNECT` tunnel, so the proxy never sees the API key. See
        /// [`DefaultHttpClientBuilder::proxy`](
        /// crate::http_client::DefaultHttpClientBuilder::proxy); applies to the default HTTP
        /// client only: with [`http_client`](Self::http_client) the build is refused
        /// ([`ConfigError::IgnoredByHttpClient`]).
        settings proxy: impl Into<String>;
        /// Hosts reached directly instead of through the proxy, instead of `NO_PROXY`
        /// (comma-separated host names, IP addresses, networks, or `*`). Default HTTP client
        /// only, as [`proxy`](Self::proxy).
        settings no_proxy: impl Into<String>;
        /// Whether `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are read (default:
        /// yes). Default HTTP client only: `false` with [`http_client`](Self::http_client) is
        /// refused, as [`proxy`](Self::proxy).
        settings proxy_from_env: bool;
    }

    /// Trusts the certificate authority (or authorities) in `pem` too: for a private CA or a
    /// TLS-inspecting gateway. The bundled webpki roots and the CAs named by `SSL_CERT_FILE`
    /// and `SSL_CERT_DIR` stay trusted. PEM without a usable certificate is a configuration
    /// error. Applies to the default HTTP client only: with [`http_client`](Self::http_client)
    /// the build is refused ([`ConfigError::IgnoredByHttpClient`]); give it to
    /// [`DefaultHttpClientBuilder::add_root_certificate`](
    /// crate::http_client::DefaultHttpClientBuilder::add_root_certificate) instead.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pem = std::fs::read("/etc/company/root-ca.pem")?;
    /// let client = mutagent_core::Client::builder()
    ///     .server_url("https://mutagent.internal.example")
    ///     .add_root_certificate(pem)
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn add_root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.settings.trust.roots.push(pem.as_ref().to_vec());
        self
    }

    /// Reads fallbacks from `env` instead of the process environment.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn env(mut self, env: impl EnvSource + 'static) -> Self {
        self.settings.env = Arc::new(env);
        self
    }

    /// Resolves every setting (explicit, then environment, then default) and validates it.
    pub fn resolve(&self) -> Result<Config, Error> {
        self.settings.resolve()
    }

    /// Builds the async client, whichever client this builder is for.
    pub fn build_async(self) -> Result<Client, Error> {
        self.settings.build_async()
    }

    /// Builds the blocking client, whichever client this builder is for. Safe inside and
    /// outside a Tokio runtime.
    pub fn build_blocking(self) -> Result<BlockingClient, Error> {
        BlockingClient::built(self.settings.build_async()?)
    }
}

/// What a [`ClientBuilder`] holds, whichever client it builds.
#[derive(Clone)]
struct Settings {
    api_key: Option<String>,
    bearer_token: Option<String>,
    token_provider: Option<Arc<dyn TokenProvider>>,
    server_url: Option<String>,
    workspace_id: Option<String>,
    organization_id: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    allow_insecure_http: bool,
    retry_policy: Option<RetryPolicy>,
    max_response_bytes: Option<usize>,
    max_concurrent_requests: Option<usize>,
    http_client: Option<Http>,
    proxy: ProxySettings,
    trust: TrustSettings,
    env: Arc<dyn EnvSource>,
}

/// Printed as the builder's own `Debug` (named `ClientBuilder`, keys and tokens redacted).
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| REDACTED))
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| REDACTED),
            )
            .field("token_provider", &self.token_provider.is_some())
            .field(
                "server_url",
                &self.server_url.as_deref().map(crate::url::redact_userinfo),
            )
            .field("workspace_id", &self.workspace_id)
            .field("organization_id", &self.organization_id)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry_policy)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("custom_http_client", &self.http_client.is_some())
            .field("proxy", &self.proxy)
            .field("trust", &self.trust)
            .field("env", &env::DebugEnv(&*self.env))
            .finish()
    }
}

// The setters are the macro's `pub fn`s on this private struct, reached only through
// `ClientBuilder`'s own (documented) setters.
#[allow(unreachable_pub)]
impl Settings {
    crate::setters! {
        into api_key: String;
        into bearer_token: String;
        into server_url: String;
        into workspace_id: String;
        into organization_id: String;
        value timeout: Duration;
        value connect_timeout: Duration;
        set allow_insecure_http: bool;
        value retry_policy: RetryPolicy;
        value max_response_bytes: usize;
        value max_concurrent_requests: usize;
        proxy proxy: impl Into<String>;
        proxy no_proxy: impl Into<String>;
        proxy proxy_from_env: bool;
    }
}

impl Settings {
    /// Nothing set, falling back to the process environment (not generic: see `resolve`).
    fn empty() -> Self {
        Self {
            api_key: None,
            bearer_token: None,
            token_provider: None,
            server_url: None,
            workspace_id: None,
            organization_id: None,
            timeout: None,
            connect_timeout: None,
            allow_insecure_http: false,
            retry_policy: None,
            max_response_bytes: None,
            max_concurrent_requests: None,
            http_client: None,
            proxy: ProxySettings::default(),
            trust: TrustSettings::default(),
            env: Arc::new(ProcessEnv),
        }
    }

    /// [`ClientBuilder::resolve`]: here, not generic, so it is compiled once in core rather
    /// than once per client kind.
    fn resolve(&self) -> Result<Config, Error> {
        let env = &*self.env;
        self.none_ignored_by_the_http_client()?;
        let (api_key, bearer) = self.credentials(env)?;
        let allow_insecure_http = self.allow_insecure_http;
        let (server_url, server_url_origin) =
            match setting(&self.server_url, env, "server_url", env::ENV_SERVER_URL) {
                Some((url, origin)) => (
                    BaseUrl::parse(&url, allow_insecure_http).map_err(|e| e.with_origin(origin))?,
                    Some(origin),
                ),
                None => (
                    BaseUrl::parse(DEFAULT_SERVER_URL, allow_insecure_http)?,
                    None,
                ),
            };
        let workspace_id = setting(
            &self.workspace_id,
            env,
            "workspace_id",
            env::ENV_WORKSPACE_ID,
        )
        .map(|(id, origin)| scoping_header("workspace_id", &id, origin))
        .transpose()?;
        let organization_id = setting(
            &self.organization_id,
            env,
            "organization_id",
            env::ENV_ORGANIZATION_ID,
        )
        .map(|(id, origin)| scoping_header("organization_id", &id, origin))
        .transpose()?;
        let timeout = nonzero_duration("timeout", self.timeout.unwrap_or(DEFAULT_TIMEOUT))?;
        // Not bounded by `timeout` here: a call's own `CallOptions::timeout` may be longer than
        // the client's, and each attempt's connect is bounded by what is left of the call's
        // deadline anyway (the transport's `timeout_at` around the attempt).
        let connect_timeout = nonzero_duration(
            "connect_timeout",
            self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
        )?;
        let max_response_bytes = at_least_one(
            "max_response_bytes",
            self.max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
        )?;
        let max_concurrent_requests = at_least_one(
            "max_concurrent_requests",
            self.max_concurrent_requests
                .unwrap_or(DEFAULT_MAX_CONCURRENT_REQUESTS),
        )?;
        Ok(Config {
            api_key,
            bearer,
            server_url,
            server_url_origin,
            workspace_id,
            organization_id,
            timeout,
            connect_timeout,
            allow_insecure_http,
            retry: self.retry_policy.clone().unwrap_or_default(),
            max_response_bytes,
            max_concurrent_requests,
        })
    }

    /// Refuses a setting of the default HTTP client given with an HTTP client of your own,
    /// which would ignore it: the user believes it applies. Only what was given to the builder
    /// counts; the environment's `*_PROXY` and `SSL_CERT_*` variables are not read at all with
    /// a client of your own (and may be meant for it, or for other programs), so they never
    /// fail the build. A `DefaultHttpClient` given to `http_client` keeps the settings it was
    /// built with; the builder's would be ignored by it too.
    fn none_ignored_by_the_http_client(&self) -> Result<(), ConfigError> {
        if self.http_client.is_none() {
            return Ok(());
        }
        let ignored = [
            self.proxy.explicit.as_ref().map(|_| ".proxy(…)"),
            self.proxy.no_proxy.as_ref().map(|_| ".no_proxy(…)"),
            // `true` is the default: nothing the client would have to do.
            (!self.proxy.from_env).then_some(".proxy_from_env(false)"),
            (!self.trust.roots.is_empty()).then_some(".add_root_certificate(…)"),
        ];
        match ignored.into_iter().flatten().next() {
            Some(setting) => Err(ConfigError::IgnoredByHttpClient { setting }),
            None => Ok(()),
        }
    }

    /// The one credential: explicit ones first (two of them is an error; an explicit bearer
    /// token wins over `MUTAGENT_API_KEY`), then `MUTAGENT_API_KEY`, then
    /// `MUTAGENT_BEARER_AUTH` (with both variables set the API key wins, as in the TypeScript
    /// SDK).
    fn credentials(&self, env: &dyn EnvSource) -> Result<(Option<ApiKey>, Option<Bearer>), Error> {
        let given = [
            self.api_key.as_ref().map(|_| ".api_key(…)"),
            self.bearer_token.as_ref().map(|_| ".bearer_token(…)"),
            self.token_provider.as_ref().map(|_| ".token_provider(…)"),
        ];
        let mut given = given.into_iter().flatten();
        if let (Some(first), Some(second)) = (given.next(), given.next()) {
            return Err(ConfigError::ConflictingCredentials { first, second }.into());
        }
        if let Some(provider) = &self.token_provider {
            return Ok((None, Some(Bearer::provided(Arc::clone(provider)))));
        }
        if let Some(token) = &self.bearer_token {
            let bearer = Bearer::fixed(token, Origin::Builder("bearer_token"))?;
            return Ok((None, Some(bearer)));
        }
        if let Some((key, origin)) = setting(&self.api_key, env, "api_key", env::ENV_API_KEY) {
            let key = ApiKey::parse(&key).map_err(|e| e.with_origin(origin))?;
            return Ok((Some(key), None));
        }
        match env::non_empty(env, env::ENV_BEARER_AUTH) {
            Some(token) => {
                let bearer = Bearer::fixed(&token, Origin::Environment(env::ENV_BEARER_AUTH))?;
                Ok((None, Some(bearer)))
            }
            None => Ok((None, None)),
        }
    }

    /// [`ClientBuilder::build_async`], compiled once in core (see `resolve`).
    fn build_async(self) -> Result<Client, Error> {
        let config = self.resolve()?;
        let http = match self.http_client {
            Some(http) => http,
            None => Http::Default(Box::new(
                DefaultHttpClient::builder()
                    .connect_timeout(config.connect_timeout)
                    .proxy_settings(self.proxy.clone())
                    .trust_settings(self.trust.clone())
                    .shared_env(Arc::clone(&self.env))
                    .build()?,
            )),
        };
        Ok(Client::from_parts(config, http))
    }
}

impl Client {
    /// A builder for a client.
    pub fn builder() -> ClientBuilder {
        // Equivalent mutant: cargo-mutants' `Default::default()` here is the same call
        // (`impl Default for ClientBuilder` is `new()`), so no test can tell them apart.
        ClientBuilder::new()
    }

    /// A client configured from the environment alone (`MUTAGENT_API_KEY`,
    /// `MUTAGENT_SERVER_URL`, ...).
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::new().build()
    }
}

impl BlockingClient {
    /// A builder of a blocking client (the same settings as for the async client).
    pub fn builder() -> ClientBuilder<BlockingClient> {
        ClientBuilder::empty()
    }

    /// A client configured from the environment alone.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build()
    }
}

fn nonzero_duration(name: &'static str, value: Duration) -> Result<Duration, ConfigError> {
    if value.is_zero() {
        return Err(ConfigError::OutOfRange {
            name,
            reason: "must be longer than zero",
        });
    }
    Ok(value)
}

fn at_least_one(name: &'static str, value: usize) -> Result<usize, ConfigError> {
    if value == 0 {
        return Err(ConfigError::OutOfRange {
            name,
            reason: "must be at least 1",
        });
    }
    Ok(value)
}

/// An explicit value, else the environment variable's (when set and not blank), with where
/// it came from.
fn setting(
    explicit: &Option<String>,
    env: &dyn EnvSource,
    method: &'static str,
    variable: &'static str,
) -> Option<(String, Origin)> {
    match explicit {
        Some(value) => Some((value.clone(), Origin::Builder(method))),
        None => env::non_empty(env, variable).map(|value| (value, Origin::Environment(variable))),
    }
}

fn scoping_header(
    name: &'static str,
    value: &str,
    origin: Origin,
) -> Result<HeaderValue, ConfigError> {
    let value = value.trim();
    // An explicit empty value would be sent as an empty header, and it would silently
    // override the environment variable (`.workspace_id(var("WS").unwrap_or_default())`).
    if value.is_empty() {
        return Err(ConfigError::InvalidHeaderValue {
            name,
            reason: "it is empty; leave the setting out to send no header",
            origin,
        });
    }
    if value.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err(ConfigError::InvalidHeaderValue {
            name,
            reason: "it must be visible ASCII without spaces or control characters",
            origin,
        });
    }
    HeaderValue::from_str(value).map_err(|_| ConfigError::InvalidHeaderValue {
        name,
        reason: "it cannot be sent as a header",
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each setting reads back as set (cargo-mutants found the getters untested).
    #[test]
    fn the_config_reads_back_what_was_set() {
        let policy = RetryPolicy::new().max_retries(7);
        let config = ClientBuilder::new()
            .env(crate::env::EmptyEnv)
            .server_url("http://10.0.0.1:8080")
            .allow_insecure_http(true)
            .retry_policy(policy.clone())
            .max_concurrent_requests(9)
            .resolve()
            .expect("config");
        assert!(config.allow_insecure_http());
        assert_eq!(config.retry_policy(), &policy);
        assert_eq!(config.max_concurrent_requests(), 9);
        let defaults = ClientBuilder::new()
            .env(crate::env::EmptyEnv)
            .resolve()
            .expect("config");
        assert!(!defaults.allow_insecure_http());
        assert_eq!(defaults.max_concurrent_requests(), 128);
        let options = crate::CallOptions::new().header(
            http::HeaderName::from_static("x-trace"),
            http::HeaderValue::from_static("v"),
        );
        assert!(format!("{options:?}").contains("x-trace"));
    }
    use crate::config::DEFAULT_SERVER_URL;
    use crate::env::EmptyEnv;

    /// One base builder, cloned per workspace: each clone keeps every setting of the base and
    /// its own changes stay its own, for the async and the blocking client alike.
    #[test]
    fn a_cloned_builder_keeps_the_settings_and_diverges_alone() {
        let base = ClientBuilder::new()
            .env(EmptyEnv)
            .api_key(KEY)
            .server_url("https://api.example.com")
            .timeout(Duration::from_secs(9));
        let one = base.clone().workspace_id("ws-1").build().expect("one");
        let two = base.clone().workspace_id("ws-2").build().expect("two");
        let plain = base.build().expect("plain");
        assert_eq!(one.config().workspace_id(), Some("ws-1"));
        assert_eq!(two.config().workspace_id(), Some("ws-2"));
        assert_eq!(plain.config().workspace_id(), None);
        for config in [one.config(), two.config(), plain.config()] {
            assert!(config.has_api_key());
            assert_eq!(config.timeout(), Duration::from_secs(9));
            assert_eq!(config.server_url().to_string(), "https://api.example.com");
        }

        let blocking = BlockingClient::builder()
            .env(EmptyEnv)
            .api_key(KEY)
            .organization_id("org-1");
        let copy = blocking.clone().workspace_id("ws-3").build().expect("copy");
        let original = blocking.build().expect("original");
        assert_eq!(copy.config().workspace_id(), Some("ws-3"));
        assert_eq!(copy.config().organization_id(), Some("org-1"));
        assert_eq!(original.config().workspace_id(), None);
        assert_eq!(original.config().organization_id(), Some("org-1"));
    }

    const KEY: &str = "mt_secret_key_123";

    #[test]
    fn defaults_apply_with_an_empty_environment() {
        let config = ClientBuilder::new()
            .env(EmptyEnv)
            .resolve()
            .expect("defaults");
        assert_eq!(config.server_url().to_string(), DEFAULT_SERVER_URL);
        assert!(!config.has_api_key());
        assert_eq!(config.timeout(), Duration::from_secs(60));
        assert_eq!(config.workspace_id(), None);
        assert_eq!(config.retry_policy().retries(), 3);
    }

    #[test]
    fn environment_beats_default_and_explicit_beats_environment() {
        let env = [
            ("MUTAGENT_API_KEY", "mt_from_env"),
            ("MUTAGENT_SERVER_URL", "https://env.example"),
            ("MUTAGENT_WORKSPACE_ID", "ws_env"),
            ("MUTAGENT_ORGANIZATION_ID", "org_env"),
        ];
        let from_env = ClientBuilder::new().env(env).resolve().expect("env");
        assert!(from_env.has_api_key());
        assert_eq!(from_env.server_url().to_string(), "https://env.example");
        assert_eq!(from_env.workspace_id(), Some("ws_env"));
        assert_eq!(from_env.organization_id(), Some("org_env"));

        let explicit = ClientBuilder::new()
            .env(env)
            .api_key(KEY)
            .server_url("https://explicit.example/prefix")
            .workspace_id("ws_x")
            .organization_id("org_x")
            .resolve()
            .expect("explicit");
        assert_eq!(explicit.api_key.as_ref().map(ApiKey::expose), Some(KEY));
        assert_eq!(
            explicit.server_url().to_string(),
            "https://explicit.example/prefix"
        );
        assert_eq!(explicit.workspace_id(), Some("ws_x"));
        assert_eq!(explicit.organization_id(), Some("org_x"));
    }

    #[test]
    fn blank_environment_values_count_as_unset() {
        let env = [("MUTAGENT_API_KEY", "  "), ("MUTAGENT_SERVER_URL", "")];
        let config = ClientBuilder::new().env(env).resolve().expect("blank");
        assert!(!config.has_api_key());
        assert_eq!(config.server_url().to_string(), DEFAULT_SERVER_URL);
    }

    #[test]
    fn keys_with_control_characters_are_refused_without_echoing_them() {
        for bad in [
            "mt_abc\r\nx-evil: 1",
            "mt_abc\n",
            "mt\tabc",
            "mt abc",
            "mt_ä",
        ] {
            let err = ClientBuilder::new()
                .env(EmptyEnv)
                .api_key(bad)
                .resolve()
                .expect_err("refused");
            let text = format!("{err} {err:?}");
            assert!(
                matches!(err, Error::Config(ConfigError::InvalidApiKey { .. })),
                "{text}"
            );
            assert!(!text.contains("mt_abc") && !text.contains("abc"), "{text}");
        }
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let builder = ClientBuilder::new().env(EmptyEnv).api_key(KEY);
        assert!(!format!("{builder:?}").contains(KEY));
        let config = builder.resolve().expect("config");
        let text = format!("{config:?}");
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        // The environment may hold the key too.
        let env_builder = ClientBuilder::new().env([("MUTAGENT_API_KEY", KEY)]);
        assert!(!format!("{env_builder:?}").contains(KEY));
    }

    #[test]
    fn insecure_urls_are_refused_at_build_time() {
        let err = ClientBuilder::new()
            .env(EmptyEnv)
            .server_url("http://api.mutagent.io")
            .resolve()
            .expect_err("insecure");
        assert!(matches!(
            err,
            Error::Config(ConfigError::InsecureServerUrl { .. })
        ));
        let ok = ClientBuilder::new()
            .env(EmptyEnv)
            .server_url("http://api.mutagent.io")
            .allow_insecure_http(true)
            .resolve()
            .expect("opted in");
        assert!(ok.allow_insecure_http());
    }

    #[test]
    fn out_of_range_settings_are_refused() {
        for builder in [
            ClientBuilder::new().timeout(Duration::ZERO),
            ClientBuilder::new().max_response_bytes(0),
            ClientBuilder::new().max_concurrent_requests(0),
            ClientBuilder::new().connect_timeout(Duration::ZERO),
        ] {
            let err = builder.env(EmptyEnv).resolve().expect_err("out of range");
            assert!(
                matches!(err, Error::Config(ConfigError::OutOfRange { .. })),
                "{err}"
            );
        }
        let err = ClientBuilder::new()
            .env(EmptyEnv)
            .workspace_id("ws 1\n")
            .resolve()
            .expect_err("header");
        assert!(matches!(
            err,
            Error::Config(ConfigError::InvalidHeaderValue {
                name: "workspace_id",
                ..
            })
        ));
    }

    /// A configuration error says which value was bad and where it came from, in `Display`
    /// and in `Debug` (what `fn main() -> Result<(), Error>` prints).
    #[test]
    fn configuration_errors_say_where_the_value_came_from() {
        let from_env = ClientBuilder::new()
            .env([("MUTAGENT_SERVER_URL", "http://example.com")])
            .resolve()
            .expect_err("insecure");
        let expected = "server URL `http://example.com` (read from \
                        the environment variable `MUTAGENT_SERVER_URL`) uses plain http to a host \
                        that is not loopback; use https, or call `.allow_insecure_http(true)` on \
                        the client builder if you really mean it";
        assert_eq!(from_env.to_string(), expected);
        assert_eq!(format!("{from_env:?}"), expected);
        assert!(
            format!("{from_env:#?}").contains("InsecureServerUrl"),
            "{from_env:#?}"
        );

        let from_builder = ClientBuilder::new()
            .env([("MUTAGENT_SERVER_URL", "https://ignored.example")])
            .server_url("ftp://files.example")
            .resolve()
            .expect_err("scheme");
        assert_eq!(
            from_builder.to_string(),
            "server URL `ftp://files.example` (given to the \
             client builder's `.server_url(…)`) is not valid: only `http://` and `https://` are \
             supported"
        );

        let key = ClientBuilder::new()
            .env([("MUTAGENT_API_KEY", "mt bad key")])
            .resolve()
            .expect_err("key");
        assert_eq!(
            key.to_string(),
            "the API key (read from the environment variable \
             `MUTAGENT_API_KEY`) is not valid: it contains spaces or non-ASCII characters"
        );

        let workspace = ClientBuilder::new()
            .env([("MUTAGENT_WORKSPACE_ID", "ws\u{7f}1")])
            .resolve()
            .expect_err("workspace");
        assert_eq!(
            workspace.to_string(),
            "`workspace_id` (read from the environment variable \
             `MUTAGENT_WORKSPACE_ID`) is not a valid header value: it must be visible ASCII \
             without spaces or control characters"
        );
        let organization = ClientBuilder::new()
            .env(EmptyEnv)
            .organization_id("org 1")
            .resolve()
            .expect_err("organization");
        assert!(
            organization.to_string().contains(
                "`organization_id` (given to the client builder's `.organization_id(…)`)"
            ),
            "{organization}"
        );
    }

    /// An empty or blank explicit scoping value is refused (it would be sent as an empty
    /// header and hide the environment variable); a blank environment variable counts as unset.
    #[test]
    fn empty_scoping_values_are_refused_and_blank_variables_are_unset() {
        for blank in ["", "   "] {
            let err = ClientBuilder::new()
                .env([("MUTAGENT_WORKSPACE_ID", "ws_env")])
                .workspace_id(blank)
                .resolve()
                .expect_err("an empty workspace id");
            assert_eq!(
                err.to_string(),
                "`workspace_id` (given to the client builder's `.workspace_id(…)`) is not a \
                 valid header value: it is empty; leave the setting out to send no header"
            );
            let err = ClientBuilder::new()
                .env(EmptyEnv)
                .organization_id(blank)
                .resolve()
                .expect_err("an empty organization id");
            assert!(err.to_string().starts_with("`organization_id`"), "{err}");

            let config = ClientBuilder::new()
                .env([("MUTAGENT_WORKSPACE_ID", blank)])
                .resolve()
                .expect("a blank variable is unset");
            assert!(config.workspace_id().is_none(), "{blank:?}");
        }
    }

    /// The connect timeout is not cut to the client's timeout: a call's own, longer timeout
    /// must be able to wait for it (the call's deadline bounds each connect instead).
    #[test]
    fn connect_timeout_is_its_own_setting() {
        let config = ClientBuilder::new()
            .env(EmptyEnv)
            .timeout(Duration::from_secs(2))
            .resolve()
            .expect("config");
        assert_eq!(config.connect_timeout(), Duration::from_secs(10));
        let config = ClientBuilder::new()
            .env(EmptyEnv)
            .timeout(Duration::from_secs(2))
            .connect_timeout(Duration::from_secs(5))
            .resolve()
            .expect("config");
        assert_eq!(config.connect_timeout(), Duration::from_secs(5));
    }
}
