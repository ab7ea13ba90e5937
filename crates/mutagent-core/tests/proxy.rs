//! Proxies, with a real (in-process) proxy that records what it saw: plain http in absolute
//! form, https through `CONNECT` (the API key never reaches the proxy), `NO_PROXY`, refusals.
//! The environment is always injected (`.env(…)`), never set on the process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::time::Duration;

use mutagent_core::{ClientBuilder, ConnectErrorKind, Error, RetryPolicy};
use mutagent_test_support::{CapturingProxy, Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// `alice:s3cret` in base64.
const ALICE_BASIC: &str = "Basic YWxpY2U6czNjcmV0";

fn env(pairs: Vec<(&str, String)>) -> std::collections::HashMap<String, String> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

fn with_credentials(proxy: &CapturingProxy) -> String {
    format!("http://alice:s3cret@{}", proxy.addr())
}

#[tokio::test]
async fn plain_http_goes_to_the_proxy_in_absolute_form_with_its_credentials() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let proxy = CapturingProxy::start();
    let client = builder(&server)
        .env(env(vec![("http_proxy", with_credentials(&proxy))]))
        .build()
        .expect("client");
    let value: Value = client
        .send(get_thing())
        .await
        .expect("call through the proxy");
    assert_eq!(value, json!({"ok": true}));

    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].target,
        format!("http://{}/api/things/1", server.addr())
    );
    assert_eq!(seen[0].header("proxy-authorization"), Some(ALICE_BASIC));
    // The server got the request from the proxy, without the proxy's credentials.
    let request = server.single_request();
    assert_eq!(request.path, "/api/things/1");
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("proxy-authorization"), None);
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel_that_never_carries_the_api_key() {
    // The tunnel leads to a server that answers plain http at once, so TLS fails after the
    // CONNECT: what matters here is what the proxy saw (the HTTPS round trip is in tls.rs).
    let upstream = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let upstream_addr = upstream.local_addr().expect("addr");
    let (heard_tx, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut stream, _)) = upstream.accept() {
            let mut first = [0u8; 16];
            let read = stream.read(&mut first).unwrap_or(0);
            let _ = heard_tx.send(first[..read].to_vec());
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let proxy = CapturingProxy::start_to(upstream_addr);
    let client = ClientBuilder::new()
        .env(env(vec![("HTTPS_PROXY", with_credentials(&proxy))]))
        .api_key(KEY)
        .server_url("https://api.mutagent.test:8443")
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let (err, _) = failed_get(&client).await;
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");

    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "CONNECT");
    assert_eq!(seen[0].target, "api.mutagent.test:8443");
    assert_eq!(seen[0].header("proxy-authorization"), Some(ALICE_BASIC));
    assert!(!seen[0].raw.contains(KEY), "{}", seen[0].raw);
    assert!(
        !seen[0].raw.to_ascii_lowercase().contains("x-api-key"),
        "{}",
        seen[0].raw
    );
    // What came out of the tunnel was a TLS handshake record (0x16), not an HTTP request.
    let first = heard
        .recv_timeout(Duration::from_secs(5))
        .expect("upstream heard");
    assert_eq!(first.first(), Some(&0x16), "{first:?}");
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let proxy = CapturingProxy::start();
    for no_proxy in ["127.0.0.1", "127.0.0.0/8", "*"] {
        let client = builder(&server)
            .env(env(vec![
                ("HTTP_PROXY", proxy.url()),
                ("NO_PROXY", no_proxy.to_owned()),
            ]))
            .build()
            .expect("client");
        let _: Value = client.send(get_thing()).await.expect("direct call");
    }
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    assert_eq!(server.requests().len(), 3);
}

/// The builder's `.no_proxy(…)` list is used instead of `NO_PROXY`, with a proxy from the
/// environment or from `.proxy(…)`, whichever setter comes first (cargo-mutants: the setter
/// resetting every proxy setting passed every other test).
#[tokio::test]
async fn the_builders_no_proxy_list_replaces_no_proxy() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let proxy = CapturingProxy::start();
    let from_env = builder(&server)
        .env(env(vec![
            ("HTTP_PROXY", proxy.url()),
            ("NO_PROXY", "elsewhere.example".to_owned()),
        ]))
        .no_proxy("127.0.0.1")
        .build()
        .expect("client");
    let explicit = builder(&server)
        .env(mutagent_core::env::EmptyEnv)
        .no_proxy("127.0.0.1")
        .proxy(proxy.url())
        .build()
        .expect("client");
    for client in [from_env, explicit] {
        let _: Value = client.send(get_thing()).await.expect("direct call");
    }
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_environment_can_be_ignored_and_an_explicit_proxy_wins() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let env_proxy = CapturingProxy::start();
    let explicit = CapturingProxy::start();
    let ignoring = builder(&server)
        .env(env(vec![("ALL_PROXY", env_proxy.url())]))
        .proxy_from_env(false)
        .build()
        .expect("client");
    let _: Value = ignoring.send(get_thing()).await.expect("direct call");
    assert!(env_proxy.seen().is_empty());

    let explicit_client = builder(&server)
        .env(env(vec![("ALL_PROXY", env_proxy.url())]))
        .proxy(explicit.url())
        .build()
        .expect("client");
    let _: Value = explicit_client.send(get_thing()).await.expect("call");
    assert!(env_proxy.seen().is_empty());
    assert_eq!(explicit.seen().len(), 1);
    assert_eq!(server.requests().len(), 2);
}

async fn refused_by(status: &'static str) -> Error {
    let proxy = CapturingProxy::refusing(status);
    let client = ClientBuilder::new()
        .env(env(vec![("HTTPS_PROXY", proxy.url())]))
        .server_url("https://api.mutagent.test")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    failed_get(&client).await.0
}

#[tokio::test]
async fn a_refused_tunnel_says_so_with_the_proxys_status() {
    let err = refused_by("403 Forbidden").await;
    let connect = err.connect_error().expect("a connect error");
    assert_eq!(connect.kind(), ConnectErrorKind::ProxyRefused);
    assert_eq!(connect.proxy_status(), Some("HTTP/1.1 403 Forbidden"));
    let text = err.to_string();
    assert!(
        text.contains("through the proxy http://127.0.0.1:")
            && text.contains("(read from the environment variable `HTTPS_PROXY`)")
            && text.contains("refused to open a tunnel to the server (HTTP/1.1 403 Forbidden)"),
        "{text}"
    );

    let err = refused_by("407 Proxy Authentication Required").await;
    assert_connect_kind(&err, ConnectErrorKind::ProxyAuthRequired);
    let text = err.to_string();
    assert!(
        text.contains("asked for credentials (HTTP/1.1 407 Proxy Authentication Required)")
            && text.contains("http://user:password@host:port"),
        "{text}"
    );
}

/// The proxy's refusal is told once in a chain (as `anyhow` prints `{:#}`): the message names
/// the proxy and quotes its status line, so no cause repeats them (the connector's wrapper
/// said "the proxy … answered `HTTP/1.1 407 …`" again; review).
#[tokio::test]
async fn a_refused_tunnels_chain_quotes_the_proxy_once() {
    for status in ["407 Proxy Authentication Required", "403 Forbidden"] {
        let err = refused_by(status).await;
        let mut lines = vec![err.to_string()];
        let mut cause = std::error::Error::source(&err);
        while let Some(next) = cause {
            lines.push(next.to_string());
            cause = next.source();
        }
        let printed = lines.join(": ");
        assert_eq!(printed.matches(status).count(), 1, "{printed}");
        let proxy = err
            .connect_error()
            .and_then(|c| c.proxy())
            .expect("a proxy");
        assert_eq!(
            printed.matches(proxy).count(),
            2,
            "through…, the proxy … : {printed}"
        );
        let debug = format!("{err:?}");
        assert_eq!(debug.matches(status).count(), 1, "{debug}");
    }
}

/// A proxy's refusal line is the proxy's text: its control characters are escaped (it cannot
/// drive a terminal or forge a log line) and the proxy credentials it echoes are scrubbed, in
/// `Display`, `Debug` and `proxy_status()` alike.
#[tokio::test]
async fn a_proxys_refusal_line_is_escaped_and_scrubbed_of_proxy_credentials() {
    let proxy = CapturingProxy::refusing(
        "403 Forbidden for alice:s3cretpw (YWxpY2U6czNjcmV0cHc=) \u{1b}[2J\u{1b}[1A",
    );
    let client = ClientBuilder::new()
        .env(env(vec![(
            "HTTPS_PROXY",
            format!("http://alice:s3cretpw@{}", proxy.addr()),
        )]))
        .server_url("https://api.mutagent.test")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let (err, _) = failed_get(&client).await;
    let status = err
        .connect_error()
        .and_then(|connect| connect.proxy_status())
        .expect("the proxy's line")
        .to_owned();
    assert!(
        status.starts_with("HTTP/1.1 403 Forbidden for "),
        "{status}"
    );
    assert!(status.contains("\\u{1b}[2J"), "escaped: {status}");
    let shown = format!("{err}\n{err:?}\n{err:#?}\n{status}");
    assert!(
        !shown.contains('\u{1b}'),
        "a raw ESC reaches the error text: {shown:?}"
    );
    assert!(
        !shown.contains("s3cretpw"),
        "the proxy password shows: {shown:?}"
    );
    assert!(
        !shown.contains("YWxpY2U6czNjcmV0cHc"),
        "the Basic token shows: {shown:?}"
    );
}

#[tokio::test]
async fn an_unreachable_proxy_is_named() {
    let port = closed_port();
    let err = ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .proxy(format!("http://alice:s3cret@127.0.0.1:{port}"))
        .server_url("https://api.mutagent.test")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
        .send::<Value>(get_thing())
        .await
        .expect_err("no proxy there");
    let connect = err.connect_error().expect("a connect error");
    assert_eq!(connect.kind(), ConnectErrorKind::ProxyUnreachable);
    assert_eq!(
        connect.proxy(),
        Some(format!("http://127.0.0.1:{port}").as_str())
    );
    let text = format!("{err} {err:?}");
    assert!(text.contains("could not be reached"), "{text}");
    assert!(!text.contains("s3cret") && !text.contains("YWxp"), "{text}");
}

#[test]
fn a_bad_proxy_url_is_a_configuration_error_naming_the_variable() {
    let err = ClientBuilder::new()
        .env([("HTTPS_PROXY", "socks5://user:pw@proxy:1080")])
        .build()
        .expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("`HTTPS_PROXY`") && text.contains("SOCKS"),
        "{text}"
    );
    assert!(!text.contains("pw"), "{text}");
}

#[test]
fn debug_output_never_shows_proxy_credentials() {
    let builder = ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .proxy("http://alice:s3cret@proxy:3128");
    let text = format!("{builder:?}");
    assert!(
        !text.contains("s3cret") && text.contains("proxy:3128"),
        "{text}"
    );
    let http = mutagent_core::http_client::DefaultHttpClient::builder()
        .env(mutagent_core::env::EmptyEnv)
        .proxy("http://alice:s3cret@proxy:3128")
        .build()
        .expect("client");
    let text = format!("{http:?}");
    assert!(!text.contains("s3cret") && !text.contains("YWxp"), "{text}");
    // The proxy itself is shown (the connector's rules), and the connect timeout.
    assert!(
        text.contains("Connector { proxies: Some(ProxyRules { matcher: ")
            && text.contains("http://proxy:3128")
            && text.contains("timeout: "),
        "{text}"
    );
}
