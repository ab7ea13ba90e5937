//! Which proxy, if any, a request goes through.
//!
//! The rules are hyper-util's proxy matcher (curl's: `HTTPS_PROXY` for https destinations,
//! `HTTP_PROXY` for http ones, `ALL_PROXY` for both, `NO_PROXY` host suffixes, IPs, networks
//! and `*`, upper-case names before lower-case ones); this module only feeds it from an
//! [`EnvSource`] (so tests never touch the process environment), checks the URLs so a bad one
//! is a configuration error instead of being silently ignored, and remembers where each URL came
//! from so a connect error can say it.

use std::fmt;

use http::{HeaderValue, Uri};
use hyper_util::client::proxy::matcher::Matcher;

use crate::env::EnvSource;
use crate::error::{ConfigError, Origin};
use crate::url::redact_userinfo;

/// The proxy settings given to a builder, before the environment is read.
#[derive(Clone)]
pub(crate) struct ProxySettings {
    /// `.proxy(url)`: every destination through this proxy (the `*_PROXY` variables are then
    /// not read).
    pub(crate) explicit: Option<String>,
    /// `.no_proxy(list)`: hosts reached directly (instead of `NO_PROXY`).
    pub(crate) no_proxy: Option<String>,
    /// Whether the `*_PROXY` variables are read (default: yes).
    pub(crate) from_env: bool,
}

impl Default for ProxySettings {
    fn default() -> Self {
        Self {
            explicit: None,
            no_proxy: None,
            from_env: true,
        }
    }
}

/// The builders' proxy setters (the client builder's and the default HTTP client's) pass their
/// value on to these, through [`setters!`](crate::setters).
impl ProxySettings {
    /// `.proxy(url)`.
    pub(crate) fn proxy(mut self, url: impl Into<String>) -> Self {
        self.explicit = Some(url.into());
        self
    }

    /// `.no_proxy(hosts)`.
    pub(crate) fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.no_proxy = Some(hosts.into());
        self
    }

    /// `.proxy_from_env(read)`.
    pub(crate) fn proxy_from_env(mut self, read: bool) -> Self {
        self.from_env = read;
        self
    }
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: never shown.
        f.debug_struct("ProxySettings")
            .field("proxy", &self.explicit.as_deref().map(redact_userinfo))
            .field("no_proxy", &self.no_proxy)
            .field("from_env", &self.from_env)
            .finish()
    }
}

/// The variables read, in order (the first one set wins), as hyper-util's `Matcher::from_env`.
const HTTPS_VARS: [&str; 2] = ["HTTPS_PROXY", "https_proxy"];
const HTTP_VARS: [&str; 2] = ["HTTP_PROXY", "http_proxy"];
const ALL_VARS: [&str; 2] = ["ALL_PROXY", "all_proxy"];
const NO_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// The resolved rules: which proxy serves which destination.
pub(crate) struct ProxyRules {
    matcher: Matcher,
    /// Where the proxy of https destinations came from (`None`: no proxy).
    https_origin: Option<Origin>,
    /// Where the proxy of plain http destinations came from.
    http_origin: Option<Origin>,
}

impl fmt::Debug for ProxyRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // hyper-util's Debug never prints credentials.
        f.debug_struct("ProxyRules")
            .field("matcher", &self.matcher)
            .finish()
    }
}

/// The proxy one request goes through.
#[derive(Clone)]
pub(crate) struct ProxyRoute {
    /// `http://host:port/`, without credentials.
    pub(crate) uri: Uri,
    /// `Basic …` from the URL's userinfo (a sensitive header value).
    pub(crate) auth: Option<HeaderValue>,
    /// Where the proxy URL came from.
    pub(crate) origin: Origin,
}

impl ProxyRoute {
    /// `http://host:port` (no credentials), for messages.
    pub(crate) fn shown(&self) -> String {
        let text = self.uri.to_string();
        text.trim_end_matches('/').to_owned()
    }

    /// The texts of the proxy credentials a proxy's answer might echo, to scrub from it: the
    /// `Basic` token as sent, the `user:password` it encodes, and the password alone.
    pub(crate) fn credential_texts(&self) -> Vec<String> {
        use base64::Engine as _;
        let Some(token) = self
            .auth
            .as_ref()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Basic "))
        else {
            return Vec::new();
        };
        let mut texts = vec![token.to_owned()];
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some(userinfo) = decoded {
            if let Some((_, password)) = userinfo.split_once(':') {
                texts.push(password.to_owned());
            }
            texts.push(userinfo);
        }
        texts
    }
}

impl fmt::Debug for ProxyRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyRoute")
            .field("uri", &self.shown())
            .field("credentials", &self.auth.is_some())
            .field("origin", &self.origin)
            .finish()
    }
}

impl ProxyRules {
    /// The rules from explicit settings, then the environment. `None` when no proxy applies to
    /// anything.
    pub(crate) fn resolve(
        settings: &ProxySettings,
        env: &dyn EnvSource,
    ) -> Result<Option<Self>, ConfigError> {
        let first = |names: [&'static str; 2]| -> Option<(String, &'static str)> {
            names
                .into_iter()
                .find_map(|name| env.get(name).map(|value| (value, name)))
                .filter(|(value, _)| !value.trim().is_empty())
        };
        let mut builder = Matcher::builder();
        let (mut https_origin, mut http_origin) = (None, None);
        if let Some(url) = &settings.explicit {
            check_proxy_url(url, Origin::Builder("proxy"))?;
            builder = builder.all(url.trim());
            https_origin = Some(Origin::Builder("proxy"));
            http_origin = https_origin;
        } else if settings.from_env {
            let all = first(ALL_VARS);
            let https = first(HTTPS_VARS).or_else(|| all.clone());
            // Under CGI, `HTTP_PROXY` may come from a request's `Proxy:` header ("httpoxy"):
            // never trust it there.
            let cgi = env.get("REQUEST_METHOD").is_some();
            let http = first(HTTP_VARS).filter(|_| !cgi).or_else(|| all.clone());
            if let Some((url, name)) = &https {
                check_proxy_url(url, Origin::Environment(name))?;
                builder = builder.https(url.trim());
                https_origin = Some(Origin::Environment(name));
            }
            if let Some((url, name)) = &http {
                check_proxy_url(url, Origin::Environment(name))?;
                builder = builder.http(url.trim());
                http_origin = Some(Origin::Environment(name));
            }
        }
        if https_origin.is_none() && http_origin.is_none() {
            return Ok(None);
        }
        let no_proxy = match &settings.no_proxy {
            Some(list) => Some(list.clone()),
            None if settings.from_env => first(NO_VARS).map(|(list, _)| list),
            None => None,
        };
        if let Some(list) = no_proxy {
            // `*` means every host; hyper-util matches it against names only, not IP addresses.
            if list.split(',').any(|entry| entry.trim() == "*") {
                return Ok(None);
            }
            builder = builder.no(list);
        }
        Ok(Some(Self {
            matcher: builder.build(),
            https_origin,
            http_origin,
        }))
    }

    /// The proxy `destination` goes through, or `None` to go there directly.
    pub(crate) fn route(&self, destination: &Uri) -> Option<ProxyRoute> {
        let intercept = self.matcher.intercept(destination)?;
        let origin = match destination.scheme_str() {
            Some("https") => self.https_origin?,
            _ => self.http_origin?,
        };
        Some(ProxyRoute {
            uri: intercept.uri().clone(),
            auth: intercept.basic_auth().cloned(),
            origin,
        })
    }
}

/// Refuses what hyper-util's matcher would silently ignore or we cannot speak: a URL that does
/// not parse, one without a host, a proxy reached over TLS, SOCKS.
fn check_proxy_url(url: &str, origin: Origin) -> Result<(), ConfigError> {
    let invalid = |reason: &'static str| ConfigError::InvalidProxyUrl {
        url: redact_userinfo(url.trim()),
        reason,
        origin,
    };
    let uri: Uri = url
        .trim()
        .parse()
        .map_err(|_| invalid("it is not a valid URL"))?;
    match uri.scheme_str() {
        None | Some("http") => {}
        Some("https") => {
            return Err(invalid(
                "proxies reached over TLS (`https://`) are not supported; most proxies take \
                 `http://` (the traffic to the server stays encrypted inside the tunnel)",
            ))
        }
        Some(scheme) if scheme.starts_with("socks") => {
            return Err(invalid(
                "SOCKS proxies are not supported; use an HTTP proxy (`http://host:port`)",
            ))
        }
        Some(_) => return Err(invalid("only `http://` proxies are supported")),
    }
    let host = uri.authority().map(|authority| authority.host());
    if host.is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(settings: &ProxySettings, env: &dyn EnvSource) -> Option<ProxyRules> {
        ProxyRules::resolve(settings, env).expect("valid proxy settings")
    }

    fn via(rules: &ProxyRules, destination: &str) -> Option<String> {
        rules
            .route(&destination.parse().expect("uri"))
            .map(|route| route.shown())
    }

    #[test]
    fn the_environment_is_read_with_curls_rules() {
        let env = [
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("http_proxy", "plain-proxy:8080"),
            ("NO_PROXY", "internal.example, .corp.example,10.0.0.0/8"),
        ];
        let rules = rules(&ProxySettings::default(), &env).expect("proxies");
        assert_eq!(
            via(&rules, "https://api.mutagent.io/x").as_deref(),
            Some("http://secure-proxy:3128")
        );
        assert_eq!(
            via(&rules, "http://api.mutagent.io/x").as_deref(),
            Some("http://plain-proxy:8080")
        );
        for direct in [
            "https://internal.example/",
            "https://a.internal.example/",
            "https://b.corp.example/",
            "https://10.1.2.3/",
        ] {
            assert_eq!(via(&rules, direct), None, "{direct}");
        }
        assert!(via(&rules, "https://notinternal.example/").is_some());
        let route = rules
            .route(&"https://api.mutagent.io".parse().expect("uri"))
            .expect("route");
        assert_eq!(route.origin, Origin::Environment("HTTPS_PROXY"));
    }

    #[test]
    fn all_proxy_serves_both_schemes_and_upper_case_wins() {
        let env = [
            ("all_proxy", "http://all:1"),
            ("HTTPS_PROXY", "http://upper:2"),
            ("https_proxy", "http://lower:3"),
        ];
        let rules = rules(&ProxySettings::default(), &env).expect("proxies");
        assert_eq!(
            via(&rules, "https://x.example").as_deref(),
            Some("http://upper:2")
        );
        assert_eq!(
            via(&rules, "http://x.example").as_deref(),
            Some("http://all:1")
        );
        // `*` is every host, IP addresses included.
        let star = [("HTTPS_PROXY", "http://p:1"), ("no_proxy", "a.example, *")];
        assert!(super::tests::rules(&ProxySettings::default(), &star).is_none());
    }

    /// What a proxy's answer is scrubbed of: the token as sent, and what it decodes to (the
    /// percent-decoded `user:password`, and the password alone).
    #[test]
    fn the_credential_texts_are_the_token_the_userinfo_and_the_password() {
        let env = [("HTTPS_PROXY", "http://alice:s3cr%40t@proxy:3128")];
        let route = rules(&ProxySettings::default(), &env)
            .expect("proxies")
            .route(&"https://api.mutagent.io".parse().expect("uri"))
            .expect("route");
        assert_eq!(
            route.credential_texts(),
            ["YWxpY2U6czNjckB0", "s3cr@t", "alice:s3cr@t"]
        );
        let env = [("HTTPS_PROXY", "http://proxy:3128")];
        let bare = rules(&ProxySettings::default(), &env)
            .expect("proxies")
            .route(&"https://api.mutagent.io".parse().expect("uri"))
            .expect("route");
        assert!(bare.credential_texts().is_empty());
    }

    #[test]
    fn credentials_become_basic_auth_and_never_show() {
        let env = [("HTTPS_PROXY", "http://alice:s3cr%40t@proxy:3128")];
        let rules = rules(&ProxySettings::default(), &env).expect("proxies");
        let route = rules
            .route(&"https://api.mutagent.io".parse().expect("uri"))
            .expect("route");
        // base64("alice:s3cr@t")
        assert_eq!(
            route.auth.as_ref().and_then(|v| v.to_str().ok()),
            Some("Basic YWxpY2U6czNjckB0")
        );
        assert!(route.auth.as_ref().is_some_and(HeaderValue::is_sensitive));
        // What Debug shows: the proxy without its credentials, whether it has some, and where
        // it came from.
        assert_eq!(
            format!("{route:?}"),
            "ProxyRoute { uri: \"http://proxy:3128\", credentials: true, \
             origin: Environment(\"HTTPS_PROXY\") }"
        );
        assert!(
            format!("{rules:?}").starts_with("ProxyRules { matcher: ")
                && format!("{rules:?}").contains("http://proxy:3128"),
            "{rules:?}"
        );
        let shown = format!("{} {route:?} {rules:?}", route.shown());
        assert!(
            !shown.contains("s3cr") && !shown.contains("alice"),
            "{shown}"
        );
        let settings = ProxySettings {
            explicit: Some("http://alice:s3cret@proxy:3128".into()),
            ..ProxySettings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
    }

    #[test]
    fn explicit_settings_win_and_the_environment_can_be_ignored() {
        let env = [
            ("HTTPS_PROXY", "http://env-proxy:1"),
            ("NO_PROXY", "skip.example"),
        ];
        let explicit = ProxySettings {
            explicit: Some("http://mine:9".into()),
            ..ProxySettings::default()
        };
        let rules = rules(&explicit, &env).expect("proxies");
        assert_eq!(
            via(&rules, "https://x.example").as_deref(),
            Some("http://mine:9")
        );
        // NO_PROXY still applies while the environment is read.
        assert_eq!(via(&rules, "https://skip.example"), None);
        let own_list = ProxySettings {
            no_proxy: Some("x.example".into()),
            ..explicit.clone()
        };
        let rules = super::tests::rules(&own_list, &env).expect("proxies");
        assert_eq!(via(&rules, "https://x.example"), None);
        assert!(via(&rules, "https://skip.example").is_some());

        let ignore = ProxySettings {
            from_env: false,
            ..ProxySettings::default()
        };
        assert!(super::tests::rules(&ignore, &env).is_none());
        // Not reading the environment leaves out `NO_PROXY` too: only `.no_proxy(…)` applies.
        let explicit_only = ProxySettings {
            from_env: false,
            ..explicit.clone()
        };
        let rules = super::tests::rules(&explicit_only, &env).expect("proxies");
        assert_eq!(
            via(&rules, "https://skip.example").as_deref(),
            Some("http://mine:9")
        );
        assert!(super::tests::rules(&ProxySettings::default(), &crate::env::EmptyEnv).is_none());
        // Blank values count as unset.
        assert!(super::tests::rules(&ProxySettings::default(), &[("HTTPS_PROXY", " ")]).is_none());
    }

    #[test]
    fn cgi_never_trusts_http_proxy() {
        let env = [
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker:1"),
        ];
        assert!(rules(&ProxySettings::default(), &env).is_none());
    }

    #[test]
    fn bad_proxy_urls_are_refused_with_where_they_came_from() {
        for (value, reason) in [
            ("https://proxy:443", "over TLS"),
            ("socks5://proxy:1080", "SOCKS"),
            ("ftp://proxy:21", "only `http://`"),
            ("http://", "not a valid URL"),
            ("http://user:pa ss@proxy", "not a valid URL"),
        ] {
            let env = [("HTTPS_PROXY", value)];
            let err = ProxyRules::resolve(&ProxySettings::default(), &env)
                .expect_err("refused")
                .to_string();
            assert!(err.contains(reason), "{value}: {err}");
            assert!(err.contains("`HTTPS_PROXY`"), "{err}");
            assert!(!err.contains("pa ss"), "{err}");
        }
        let settings = ProxySettings {
            explicit: Some("socks5h://alice:pw@proxy:1080".into()),
            ..ProxySettings::default()
        };
        let err = ProxyRules::resolve(&settings, &crate::env::EmptyEnv)
            .expect_err("refused")
            .to_string();
        assert!(err.contains("`.proxy(…)`") && !err.contains("pw"), "{err}");
    }
}
