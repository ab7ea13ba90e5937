//! Settings, as plain data: the resolved [`Config`] of a client, the per-call [`CallOptions`]
//! of a client view, and the defaults. Nothing here sends anything or knows the clients; the
//! [`ClientBuilder`](crate::ClientBuilder) resolves a `Config` (explicit > environment > default):
//!
//! | setting | explicit | environment | default |
//! |---|---|---|---|
//! | API key (`x-api-key`) | [`ClientBuilder::api_key`](crate::ClientBuilder::api_key) | `MUTAGENT_API_KEY` | none: requests go out unauthenticated |
//! | bearer token (`Authorization: Bearer`), instead of a key | [`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token), [`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider) | `MUTAGENT_BEARER_AUTH` (only when `MUTAGENT_API_KEY` is unset) | none |
//! | server URL | [`ClientBuilder::server_url`](crate::ClientBuilder::server_url) | `MUTAGENT_SERVER_URL` | `http://localhost:3003` |
//! | workspace (`x-workspace-id`) | [`ClientBuilder::workspace_id`](crate::ClientBuilder::workspace_id) | `MUTAGENT_WORKSPACE_ID` | none |
//! | organization (`x-organization-id`) | [`ClientBuilder::organization_id`](crate::ClientBuilder::organization_id) | `MUTAGENT_ORGANIZATION_ID` | none |
//! | timeout per call, retries included | [`ClientBuilder::timeout`](crate::ClientBuilder::timeout) | — | 60 s |
//! | connect timeout | [`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout) | — | 10 s |
//! | plain http to non-loopback hosts | [`ClientBuilder::allow_insecure_http`](crate::ClientBuilder::allow_insecure_http) | — | refused |
//! | retries | [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy) | — | [`RetryPolicy::default`] |
//! | largest response body | [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes) | — | 32 MiB |
//! | requests in flight at once | [`ClientBuilder::max_concurrent_requests`](crate::ClientBuilder::max_concurrent_requests) | — | 128 |
//!
//! An explicit value always wins over the environment, which wins over the default. The
//! environment is read through an [`EnvSource`](crate::env::EnvSource), replaceable with [`ClientBuilder::env`](crate::ClientBuilder::env).

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::RetryPolicy;
use crate::secret::{ApiKey, REDACTED};
use crate::token::Bearer;
use crate::url::BaseUrl;

/// The server URL used when none is given.
pub const DEFAULT_SERVER_URL: &str = "http://localhost:3003";
/// The timeout used when none is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The connect timeout used when none is given.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response body read when no other limit is given (32 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// How many requests one client has in flight at once when no other limit is given.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 128;

/// The resolved configuration of a client. Its `Debug` never shows the API key or the bearer
/// token.
#[derive(Clone)]
pub struct Config {
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) bearer: Option<Bearer>,
    pub(crate) server_url: BaseUrl,
    /// Where the server URL came from (`None`: the default), for connect errors.
    pub(crate) server_url_origin: Option<crate::error::Origin>,
    pub(crate) workspace_id: Option<HeaderValue>,
    pub(crate) organization_id: Option<HeaderValue>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) allow_insecure_http: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_concurrent_requests: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("api_key", &self.api_key.as_ref().map(|_| REDACTED))
            .field("bearer_token", &self.bearer)
            .field("server_url", &self.server_url)
            .field("workspace_id", &self.workspace_id())
            .field("organization_id", &self.organization_id())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .finish()
    }
}

impl Config {
    /// The server URL.
    pub fn server_url(&self) -> &BaseUrl {
        &self.server_url
    }
    /// Whether an API key is set (the key itself is never exposed).
    pub fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }
    /// Whether a bearer token (fixed or from a provider) is set (never exposed either).
    pub fn has_bearer_token(&self) -> bool {
        self.bearer.is_some()
    }
    /// The workspace id sent as `x-workspace-id`.
    pub fn workspace_id(&self) -> Option<&str> {
        self.workspace_id.as_ref().and_then(|v| v.to_str().ok())
    }
    /// The organization id sent as `x-organization-id`.
    pub fn organization_id(&self) -> Option<&str> {
        self.organization_id.as_ref().and_then(|v| v.to_str().ok())
    }
    /// The timeout of one call, retries included.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// The connect timeout of the default HTTP client.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
    /// Whether plain http to non-loopback hosts is allowed.
    pub fn allow_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }
    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
    /// The largest response body read.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
    /// The most requests in flight at once.
    pub fn max_concurrent_requests(&self) -> usize {
        self.max_concurrent_requests
    }
}

/// Options for the calls of one client view (see [`Client::with_options`](crate::Client::with_options)).
///
/// Its `Debug` shows header names only: a header may carry a credential.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    pub(crate) retry_non_idempotent: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry_policy: Option<RetryPolicy>,
    pub(crate) headers: HeaderMap,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("CallOptions")
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry_policy)
            .field("headers", &names)
            .finish()
    }
}

impl CallOptions {
    /// Default options: the client's timeout and retry policy.
    pub fn new() -> Self {
        Self::default()
    }

    crate::setters! {
        /// Retries POST and PATCH too, on the same conditions as GET. Only do this when sending
        /// the request twice is harmless (for example when it carries an idempotency key).
        set retry_non_idempotent: bool;
        /// Overrides the client's timeout for these calls (zero is refused when a call is made,
        /// `Error::InvalidInput` before anything is sent).
        value timeout: Duration;
        /// Overrides the client's retry policy for these calls.
        value retry_policy: RetryPolicy;
    }

    /// Adds a header to these calls (it replaces a default header of the same name).
    ///
    /// A value you marked with [`HeaderValue::set_sensitive`], or whose name says it carries
    /// a credential (`authorization`, `proxy-authorization`, `cookie`, or a name containing
    /// `key`, `token`, `secret`, `auth`, `password`, `session` or `credential`), is treated
    /// like the API key: marked sensitive (HTTP/2 never indexes it) and scrubbed, whole and
    /// for `Scheme credential` values the credential alone (each when 6 bytes or longer),
    /// from every error these calls return.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn header(mut self, name: HeaderName, mut value: HeaderValue) -> Self {
        if carries_credential(&name) {
            value.set_sensitive(true);
        }
        self.headers.insert(name, value);
        self
    }
}

/// Whether a header's name says its value is a credential.
fn carries_credential(name: &HeaderName) -> bool {
    const MARKERS: [&str; 8] = [
        "key",
        "token",
        "secret",
        "auth",
        "password",
        "session",
        "credential",
        "cookie",
    ];
    // Header names are lowercase already.
    MARKERS.iter().any(|marker| name.as_str().contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each `CallOptions` setter sets its own setting and keeps the others (cargo-mutants:
    /// `retry_policy` returning `Default::default()` passed every test).
    #[test]
    fn each_call_option_setter_keeps_the_others() {
        let policy = RetryPolicy::new().max_retries(4);
        let options = CallOptions::new()
            .retry_non_idempotent(true)
            .timeout(Duration::from_secs(5))
            .retry_policy(policy.clone())
            .header(
                HeaderName::from_static("x-trace"),
                HeaderValue::from_static("t"),
            );
        assert!(options.retry_non_idempotent);
        assert_eq!(options.timeout, Some(Duration::from_secs(5)));
        assert_eq!(options.retry_policy, Some(policy));
        assert_eq!(options.headers.len(), 1);
    }

    /// Only headers whose name says they carry a credential are marked sensitive (and so
    /// scrubbed from errors); others keep their value visible.
    #[test]
    fn only_credential_headers_are_marked_sensitive() {
        let sensitive = |name: &'static str| {
            let options = CallOptions::new().header(
                HeaderName::from_static(name),
                HeaderValue::from_static("value-123456"),
            );
            options.headers[name].is_sensitive()
        };
        for name in [
            "authorization",
            "proxy-authorization",
            "cookie",
            "x-api-key",
            "x-auth-token",
            "x-client-secret",
            "x-password",
            "x-session-id",
            "x-credential",
        ] {
            assert!(sensitive(name), "{name}");
        }
        for name in ["x-trace", "accept-language", "x-request-tag", "user-agent"] {
            assert!(!sensitive(name), "{name}");
        }
    }

    /// The builder's `Debug` shows its settings and redacts the credentials.
    #[test]
    fn the_builder_debug_shows_settings_but_no_credentials() {
        let builder = crate::ClientBuilder::new()
            .env(crate::env::EmptyEnv)
            .api_key("mt_debug_key_123")
            .bearer_token("bearer_debug_456")
            .timeout(Duration::from_secs(3))
            .workspace_id("ws-9");
        let text = format!("{builder:?}");
        assert!(text.starts_with("ClientBuilder {"), "{text}");
        assert!(text.contains("timeout: Some(3s)"), "{text}");
        assert!(text.contains("\"ws-9\""), "{text}");
        assert!(text.contains(REDACTED), "{text}");
        assert!(!text.contains("mt_debug_key_123"), "{text}");
        assert!(!text.contains("bearer_debug_456"), "{text}");
    }
}
