//! HTTPS end to end against a real TLS server on loopback, with a CA made in the test:
//! HTTP/1.1 and HTTP/2 by ALPN, a private CA trusted through the builder, `SSL_CERT_FILE` and
//! `SSL_CERT_DIR` (injected, never set on the process), and each refusal named in `Display`:
//! unknown issuer, name mismatch, expired. Also HTTPS through an in-process CONNECT proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::collections::HashMap;
use std::time::Duration;

use mutagent_core::{ClientBuilder, ConnectErrorKind, Error, RetryPolicy};
use mutagent_test_support::{CapturingProxy, TempDir, TestCa, TlsServer, Validity};
use serde_json::Value;
use support::*;

const BOTH: &[&[u8]] = &[b"h2", b"http/1.1"];
const HTTP1_ONLY: &[&[u8]] = &[b"http/1.1"];

fn env(pairs: &[(&str, String)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect()
}

fn client_for(url: String) -> ClientBuilder {
    ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(url)
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(10))
}

async fn get(builder: ClientBuilder) -> Result<Value, Error> {
    builder.build().expect("client").send(get_thing()).await
}

#[tokio::test]
async fn a_private_ca_given_to_the_builder_is_trusted_over_http2_and_http1() {
    let ca = TestCa::new("mutagent test CA");
    let cert = ca.issue(&["localhost"], Validity::Current);
    for (alpn, version) in [(BOTH, "HTTP/2.0"), (HTTP1_ONLY, "HTTP/1.1")] {
        let server = TlsServer::start(&cert, alpn);
        let value = get(client_for(format!("https://localhost:{}", server.port()))
            .add_root_certificate(ca.pem()))
        .await
        .expect("trusted");
        assert_eq!(value["version"], version, "{value}");
        assert_eq!(value["path"], "/api/things/1");
        assert_eq!(server.versions().len(), 1);
    }
}

#[tokio::test]
async fn a_private_ca_from_ssl_cert_file_or_ssl_cert_dir_is_trusted() {
    let ca = TestCa::new("mutagent env CA");
    let server = TlsServer::start(&ca.issue(&["localhost"], Validity::Current), BOTH);
    let url = format!("https://localhost:{}", server.port());
    let dir = TempDir::new("mutagent-tls-env");
    let file = dir.file("ca.pem", &ca.pem());
    let value =
        get(client_for(url.clone()).env(env(&[("SSL_CERT_FILE", file.display().to_string())])))
            .await
            .expect("trusted through SSL_CERT_FILE");
    assert_eq!(value["ok"], true);

    // A directory as `openssl rehash` leaves it: `<hash>.0` files (other names are ignored,
    // as OpenSSL ignores them).
    let hashed = TempDir::new("mutagent-tls-dir");
    hashed.file("0badcafe.0", &ca.pem());
    hashed.file("README", "not a certificate");
    let value =
        get(client_for(url).env(env(&[("SSL_CERT_DIR", hashed.dir().display().to_string())])))
            .await
            .expect("trusted through SSL_CERT_DIR");
    assert_eq!(value["ok"], true);
}

async fn refused(cert_names: &[&str], validity: Validity, host: &str) -> Error {
    let ca = TestCa::new("mutagent test CA");
    let server = TlsServer::start(&ca.issue(cert_names, validity), BOTH);
    let err =
        get(client_for(format!("https://{host}:{}", server.port())).add_root_certificate(ca.pem()))
            .await
            .expect_err("refused");
    assert!(
        server.versions().is_empty(),
        "no request may reach the server"
    );
    err
}

#[tokio::test]
async fn an_unknown_ca_is_refused_and_the_message_says_how_to_trust_one() {
    let ca = TestCa::new("unknown CA");
    let server = TlsServer::start(&ca.issue(&["localhost"], Validity::Current), BOTH);
    let url = format!("https://localhost:{}", server.port());
    let err = get(client_for(url.clone())).await.expect_err("not trusted");
    let connect = err.connect_error().expect("a connect error");
    assert_eq!(connect.kind(), ConnectErrorKind::UnknownIssuer);
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("[get_thing] could not connect to {url}")),
        "{text}"
    );
    for needed in [
        "not trusted",
        "unknown certificate authority",
        "SSL_CERT_FILE",
        "add_root_certificate",
        "native-roots",
    ] {
        assert!(text.contains(needed), "`{needed}` missing: {text}");
    }
    assert!(server.versions().is_empty());
}

#[tokio::test]
async fn a_certificate_for_another_name_is_a_name_mismatch() {
    let err = refused(&["api.other.example"], Validity::Current, "localhost").await;
    assert_connect_kind(&err, ConnectErrorKind::NameMismatch);
    let text = err.to_string();
    assert!(
        text.contains("not valid for the name `localhost`"),
        "{text}"
    );
}

#[tokio::test]
async fn an_expired_certificate_is_named() {
    let err = refused(&["localhost"], Validity::Expired, "localhost").await;
    assert_connect_kind(&err, ConnectErrorKind::Expired);
    assert!(err.to_string().contains("certificate has expired"), "{err}");
}

#[tokio::test]
async fn https_through_a_connect_proxy_end_to_end() {
    let ca = TestCa::new("mutagent proxy CA");
    let server = TlsServer::start(&ca.issue(&["api.mutagent.test"], Validity::Current), BOTH);
    let proxy = CapturingProxy::start_to(server.addr());
    let value = get(client_for("https://api.mutagent.test".to_owned())
        .env(env(&[(
            "HTTPS_PROXY",
            format!("http://bob:pw@{}", proxy.addr()),
        )]))
        .add_root_certificate(ca.pem()))
    .await
    .expect("through the tunnel");
    assert_eq!(value["version"], "HTTP/2.0", "{value}");
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "CONNECT");
    assert_eq!(seen[0].target, "api.mutagent.test:443");
    assert_eq!(
        seen[0].header("proxy-authorization"),
        Some("Basic Ym9iOnB3")
    );
    assert!(!seen[0].raw.contains(KEY), "{}", seen[0].raw);
}

/// Calls on one client reuse the tunnel: 50 calls in a row through a CONNECT proxy open one
/// tunnel, or two (hyper-util's pool opens a spare when a call finds no idle connection because
/// the previous one is not back yet, and keeps it: hyperium/hyper#4134), never one per call.
#[tokio::test]
async fn calls_in_a_row_reuse_one_tunnel() {
    let ca = TestCa::new("mutagent proxy CA");
    let server = TlsServer::start(
        &ca.issue(&["api.mutagent.test"], Validity::Current),
        HTTP1_ONLY,
    );
    let proxy = CapturingProxy::start_to(server.addr());
    let client = client_for("https://api.mutagent.test".to_owned())
        .env(env(&[("HTTPS_PROXY", format!("http://{}", proxy.addr()))]))
        .add_root_certificate(ca.pem())
        .build()
        .expect("client");
    for call in 0..50 {
        let value: Value = client.send(get_thing()).await.expect("through the tunnel");
        assert_eq!(value["version"], "HTTP/1.1", "call {call}: {value}");
    }
    let tunnels = proxy.seen();
    assert!(
        (1..=2).contains(&tunnels.len()),
        "{} tunnels for 50 calls",
        tunnels.len()
    );
    assert!(
        tunnels.iter().all(|saw| saw.method == "CONNECT"),
        "{tunnels:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_names_the_url_and_where_it_came_from() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}");
    let err = get(ClientBuilder::new()
        .env(env(&[("MUTAGENT_SERVER_URL", url.clone())]))
        .retry_policy(RetryPolicy::disabled()))
    .await
    .expect_err("refused");
    assert_connect_kind(&err, ConnectErrorKind::Refused);
    assert_eq!(
        err.to_string(),
        format!(
            "[get_thing] could not connect to {url} (1 attempt(s)): connection refused; is the \
             server running at {url}? (the URL was read from the environment variable \
             `MUTAGENT_SERVER_URL`)"
        )
    );
}

#[tokio::test]
async fn an_unknown_host_is_a_dns_failure() {
    let err = get(
        client_for("https://mutagent-no-such-host.invalid".to_owned())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(20)),
    )
    .await
    .expect_err("no such host");
    assert_connect_kind(&err, ConnectErrorKind::Dns);
    let text = err.to_string();
    assert!(
        text.contains("DNS lookup of `mutagent-no-such-host.invalid` failed")
            && text.contains("given to the client builder's `.server_url(…)`"),
        "{text}"
    );
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_is_a_tls_failure() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        use std::io::Write;
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let err = get(client_for(format!("https://localhost:{port}")))
        .await
        .expect_err("no TLS");
    assert_connect_kind(&err, ConnectErrorKind::Tls);
    assert!(
        err.to_string()
            .contains("the TLS handshake failed; does the server speak HTTPS on this port?"),
        "{err}"
    );
}
