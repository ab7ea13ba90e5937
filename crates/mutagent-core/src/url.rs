//! The server URL: parsing, the HTTPS rule, and joining operation paths onto it.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::{ConfigError, Origin};

/// A validated server base URL such as `https://api.mutagent.io` or `http://localhost:3003/prefix`.
///
/// It never holds userinfo, a query or a fragment: such URLs are refused when the client is built.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    https: bool,
    /// `host[:port]`, as given (IPv6 hosts keep their brackets).
    authority: String,
    /// The path prefix without a trailing slash (`""` for none).
    prefix: String,
}

impl BaseUrl {
    /// Parses `input` and applies the HTTPS rule: plain `http://` is accepted only for a
    /// loopback host (`localhost`, `127.0.0.0/8`, `::1`) unless `allow_insecure_http` is set.
    pub fn parse(input: &str, allow_insecure_http: bool) -> Result<Self, ConfigError> {
        let trimmed = input.trim();
        let invalid = |reason: &'static str| ConfigError::InvalidServerUrl {
            url: redact_userinfo(trimmed),
            reason,
            origin: Origin::Builder("server_url"),
        };
        let (scheme, rest) = trimmed
            .split_once("://")
            .ok_or_else(|| invalid("it has no scheme; write e.g. `https://api.mutagent.io`"))?;
        let https = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else {
            return Err(invalid("only `http://` and `https://` are supported"));
        };
        if rest.contains(['?', '#']) {
            return Err(invalid("a server URL cannot carry a query or a fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(invalid(
                "credentials in the URL are not supported; pass the API key with `api_key`",
            ));
        }
        if authority.is_empty() {
            return Err(invalid("it has no host"));
        }
        if authority.parse::<http::uri::Authority>().is_err()
            || authority.contains(char::is_whitespace)
        {
            return Err(invalid("its host or port is not valid"));
        }
        let host = host_of(authority).ok_or_else(|| invalid("its host or port is not valid"))?;
        if path.contains(char::is_whitespace)
            || (!path.is_empty() && path.parse::<http::uri::PathAndQuery>().is_err())
        {
            return Err(invalid("its path is not valid"));
        }
        let url = Self {
            https,
            authority: authority.to_ascii_lowercase(),
            prefix: path.trim_end_matches('/').to_owned(),
        };
        if !https && !allow_insecure_http && !is_loopback(host) {
            return Err(ConfigError::InsecureServerUrl {
                url: url.to_string(),
                origin: Origin::Builder("server_url"),
            });
        }
        Ok(url)
    }

    /// Whether the URL uses TLS.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The host and port, e.g. `localhost:3003`.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The path prefix kept in front of every operation path (`""` when there is none).
    pub fn path_prefix(&self) -> &str {
        &self.prefix
    }

    /// Joins an already-encoded operation path and query string onto the base URL.
    pub(crate) fn join(&self, path: &str, query: &str) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let mut out = String::with_capacity(
            scheme.len()
                + 3
                + self.authority.len()
                + self.prefix.len()
                + path.len()
                + query.len()
                + 1,
        );
        out.push_str(scheme);
        out.push_str("://");
        out.push_str(&self.authority);
        out.push_str(&self.prefix);
        out.push_str(path);
        if !query.is_empty() {
            out.push('?');
            out.push_str(query);
        }
        out
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.authority, self.prefix)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({self})")
    }
}

/// The host part of `host[:port]` (brackets removed for IPv6), or `None` when malformed,
/// also when the port is empty or not one of 1 to 65535 (the `http` crate reads a port as a
/// `u16` and the connector then falls back to the scheme's default: `:99999` would quietly
/// dial port 443, and the error would name a port never dialled).
fn host_of(authority: &str) -> Option<&str> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            None if after.is_empty() => Some(host),
            Some(port) if valid_port(port) => Some(host),
            _ => None,
        };
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if valid_port(port) => host,
        Some(_) => return None,
        None => authority,
    };
    (!host.is_empty()).then_some(host)
}

/// A port as a URL may give it: digits only, 1 to 65535.
fn valid_port(port: &str) -> bool {
    !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|port| port > 0)
}

/// `localhost`, any `127.0.0.0/8` address or `::1` — nothing else (not `localhost.evil.com`).
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    if let Ok(v6) = host.parse::<Ipv6Addr>() {
        return v6 == Ipv6Addr::LOCALHOST;
    }
    false
}

/// Removes `user:password@`, the query and the fragment from a URL-like string so it can be
/// shown in an error (any of them may hold a credential pasted there by mistake).
pub(crate) fn redact_userinfo(input: &str) -> String {
    let (input, redacted_tail) = match input.find(['?', '#']) {
        Some(at) => (&input[..at], true),
        None => (input, false),
    };
    let mut shown = redact_authority(input);
    if redacted_tail {
        shown.push_str("?[redacted]");
    }
    shown
}

fn redact_authority(input: &str) -> String {
    let Some((scheme, rest)) = input.split_once("://") else {
        return match input.rsplit_once('@') {
            Some((_, host)) => format!("[redacted]@{host}"),
            None => input.to_owned(),
        };
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}{tail}"),
        None => input.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> BaseUrl {
        match BaseUrl::parse(input, false) {
            Ok(url) => url,
            Err(err) => panic!("{input} should be accepted: {err}"),
        }
    }

    fn refused(input: &str) -> ConfigError {
        match BaseUrl::parse(input, false) {
            Ok(url) => panic!("{input} should be refused, got {url}"),
            Err(err) => err,
        }
    }

    #[test]
    fn https_rule_table() {
        let accepted = [
            ("http://localhost:3003", "http://localhost:3003"),
            ("http://127.0.0.1", "http://127.0.0.1"),
            ("http://127.0.0.2", "http://127.0.0.2"),
            ("http://127.255.255.254:9", "http://127.255.255.254:9"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            ("HTTP://LOCALHOST", "http://localhost"),
            ("https://api.mutagent.io", "https://api.mutagent.io"),
            ("https://api.mutagent.io/", "https://api.mutagent.io"),
            (
                "https://host.example/prefix/",
                "https://host.example/prefix",
            ),
            (
                "http://localhost:3003/base/path",
                "http://localhost:3003/base/path",
            ),
        ];
        for (input, shown) in accepted {
            assert_eq!(ok(input).to_string(), shown, "{input}");
        }
        for input in [
            "http://localhost.evil.com",
            "http://10.0.0.1",
            "http://api.mutagent.io",
            "http://0.0.0.0:3003",
            "http://[::2]",
            "http://127.0.0.1.nip.io",
            "http://localhost.:80",
        ] {
            assert!(
                matches!(refused(input), ConfigError::InsecureServerUrl { .. }),
                "{input}"
            );
        }
    }

    #[test]
    fn insecure_opt_out_allows_plain_http() {
        let url = BaseUrl::parse("http://10.0.0.1:8080", true).expect("opt-out");
        assert!(!url.is_https());
        assert_eq!(url.authority(), "10.0.0.1:8080");
    }

    #[test]
    fn malformed_urls_are_refused_with_a_reason() {
        for input in [
            "",
            "not a url",
            "localhost:3003",
            "ftp://files.example.com",
            "https://",
            "https://exa mple.com",
            "https://host:port",
            "https://host/path?x=1",
            "https://host/#frag",
            "https://[::1",
        ] {
            assert!(
                matches!(refused(input), ConfigError::InvalidServerUrl { .. }),
                "{input}"
            );
        }
        // Each check on its own: a host the URI grammar refuses (no whitespace in it), a
        // path with a character a path may not hold (no whitespace in it either).
        for (input, reason) in [
            ("https://exa^mple.com", "its host or port is not valid"),
            // A port the `http` crate cannot hold would be replaced by the scheme's default.
            (
                "https://api.mutagent.io:99999",
                "its host or port is not valid",
            ),
            ("http://localhost:65616", "its host or port is not valid"),
            (
                "http://127.0.0.1:4294967377",
                "its host or port is not valid",
            ),
            ("http://localhost:", "its host or port is not valid"),
            ("http://localhost:0", "its host or port is not valid"),
            ("http://[::1]:70000", "its host or port is not valid"),
            ("https://example.com/a\u{7f}b", "its path is not valid"),
            ("https://example.com/a b", "its path is not valid"),
        ] {
            let err = refused(input);
            assert!(err.to_string().contains(reason), "{input}: {err}");
        }
    }

    #[test]
    fn the_scheme_is_remembered() {
        let parse = |url: &str| BaseUrl::parse(url, false).expect("valid");
        assert!(parse("https://api.mutagent.io").is_https());
        assert!(!parse("http://127.0.0.1:3003").is_https());
        assert_eq!(
            format!("{:?}", parse("https://API.example.com/v1/")),
            "BaseUrl(https://api.example.com/v1)"
        );
    }

    #[test]
    fn userinfo_is_refused_and_never_shown() {
        let err = refused("https://user:hunter2@api.mutagent.io/v1");
        let text = err.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("user:"), "{text}");
        assert!(text.contains("https://api.mutagent.io/v1"), "{text}");
        let err = refused("http://user:hunter2@10.0.0.1");
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn join_keeps_prefix_and_path() {
        let url = ok("https://host.example/prefix/");
        assert_eq!(
            url.join("/api/prompt/", "limit=1"),
            "https://host.example/prefix/api/prompt/?limit=1"
        );
        assert_eq!(url.path_prefix(), "/prefix");
    }
}
