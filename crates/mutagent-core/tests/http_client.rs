//! Bringing your own HTTP client: an interceptor that adds a header, and the default client
//! built with a custom rustls configuration.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use mutagent_core::http_client::{
    BoxFuture, DefaultHttpClient, HttpClient, HttpError, ResponseBody,
};
#[cfg(feature = "rustls-0_23")]
use mutagent_core::Error;
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

#[derive(Debug)]
struct Interceptor {
    inner: DefaultHttpClient,
    seen: Arc<AtomicUsize>,
}

impl HttpClient for Interceptor {
    fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        self.seen.fetch_add(1, Ordering::SeqCst);
        request
            .headers_mut()
            .insert("x-team", http::HeaderValue::from_static("search"));
        self.inner.send(request)
    }
}

/// A client whose requests go through an [`Interceptor`] around the default HTTP client, and
/// the interceptor's count of requests.
fn intercepted(server: &ScriptedServer) -> (mutagent_core::Client, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let client = builder(server)
        .http_client(Interceptor {
            inner: DefaultHttpClient::new().expect("default client"),
            seen: Arc::clone(&seen),
        })
        .build()
        .expect("client");
    (client, seen)
}

#[tokio::test]
async fn an_interceptor_adds_a_header() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let (client, seen) = intercepted(&server);
    let value: Value = client.send(get_thing()).await.expect("call");
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    let request = server.single_request();
    assert_eq!(request.header("x-team"), Some("search"));
    assert_eq!(request.header("x-api-key"), Some(KEY));
}

/// A fake transport: answers without any network, e.g. for unit tests of user code.
#[derive(Debug)]
struct Canned;

impl HttpClient for Canned {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        let path = request.uri().path().to_owned();
        Box::pin(async move {
            let body = ResponseBody::from_bytes(format!("{{\"path\":\"{path}\"}}"));
            Ok(http::Response::new(body))
        })
    }
}

#[test]
fn a_canned_transport_needs_no_server() {
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .http_client(Canned)
        .build_blocking()
        .expect("client");
    let value: Value = client
        .send(
            GET_THING
                .request()
                .path_param("id", 5)
                .build()
                .expect("request"),
        )
        .expect("call");
    assert_eq!(value, json!({"path": "/api/things/5"}));
}

#[cfg(feature = "rustls-0_23")]
fn custom_tls() -> rustls::ClientConfig {
    // An empty root store: no public CA is trusted, as with a private PKI.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}

#[cfg(feature = "rustls-0_23")]
#[tokio::test]
async fn a_custom_rustls_config_is_used() {
    let http = DefaultHttpClient::builder()
        .tls_config(custom_tls())
        .build()
        .expect("client with custom TLS");
    // Plain http to loopback still works through it.
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server)
        .http_client(http.clone())
        .build()
        .expect("client");
    let value: Value = client.send(get_thing()).await.expect("http call");
    assert_eq!(value, json!({"ok": true}));

    // https to a server that does not speak TLS fails in the handshake: a connect error,
    // never a panic, and retried because nothing reached the server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        use std::io::Write;
        for mut stream in listener.incoming().take(4).flatten() {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let client = builder(&server)
        .server_url(format!("https://127.0.0.1:{port}"))
        .http_client(http)
        .build()
        .expect("client");
    let err = client
        .send::<Value>(get_thing())
        .await
        .expect_err("no TLS there");
    assert!(matches!(err, Error::Connect { attempts: 4, .. }), "{err:?}");
}

/// hyper-rustls panics when the config already lists ALPN protocols; `build()` returns a
/// `Result`, so it must never panic: the list is replaced by the client's own.
#[cfg(feature = "rustls-0_23")]
#[tokio::test]
async fn a_rustls_config_with_alpn_protocols_builds_without_panicking() {
    let mut tls = custom_tls();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"spdy/3".to_vec()];
    let options = std::panic::AssertUnwindSafe(DefaultHttpClient::builder().tls_config(tls));
    let built = std::panic::catch_unwind(move || {
        let options = options;
        options.0.build()
    });
    let http = built
        .expect("build() must not panic")
        .expect("ALPN protocols are replaced, not refused");
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server).http_client(http).build().expect("client");
    let value: Value = client.send(get_thing()).await.expect("call");
    assert_eq!(value, json!({"ok": true}));
}

/// `with_own_connections`: the same settings and per-call options over a pool of its own. The
/// server counts connections: the new client opens one of its own, its clones share it, and
/// the first client's connection stays its own.
#[tokio::test]
async fn with_own_connections_opens_connections_of_its_own() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server).build().expect("client");
    let call = |client: mutagent_core::Client| async move {
        client.send::<Value>(get_thing()).await.expect("call")
    };
    call(client.clone()).await;
    assert_eq!(server.connections(), 1);
    let view = client.with_options(mutagent_core::CallOptions::new().header(
        http::HeaderName::from_static("x-view"),
        http::HeaderValue::from_static("kept"),
    ));
    let own = view.with_own_connections();
    call(own.clone()).await;
    assert_eq!(server.connections(), 2, "a connection of its own");
    call(own.clone()).await;
    call(client.clone()).await;
    assert_eq!(server.connections(), 2, "each pool reuses its connection");
    let sent = server.requests();
    assert_eq!(sent[1].header("x-view"), Some("kept"), "the view's options");
    assert_eq!(sent[1].header("x-api-key"), Some(KEY), "the settings");
    assert_eq!(own.config().server_url(), client.config().server_url());

    // A `DefaultHttpClient` given to the builder is re-pooled too.
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server)
        .http_client(DefaultHttpClient::new().expect("default client"))
        .build()
        .expect("client");
    call(client.clone()).await;
    call(client.with_own_connections()).await;
    assert_eq!(server.connections(), 2);
}

/// With an HTTP client of the application's own there is no pool to duplicate: the result
/// sends through the same client (the same as a clone), over its connections.
#[tokio::test]
async fn with_own_connections_keeps_an_http_client_of_your_own() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let (client, seen) = intercepted(&server);
    let _: Value = client.send(get_thing()).await.expect("call");
    let own = client.with_own_connections();
    let _: Value = own.send(get_thing()).await.expect("call");
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "both through the interceptor"
    );
    assert_eq!(server.connections(), 1, "over its one pool");
}

/// The settings of the default HTTP client that the client builder forwards to it, each as a
/// builder step and the name the refusal must give.
#[allow(clippy::type_complexity)]
fn default_client_settings() -> Vec<(
    &'static str,
    fn(mutagent_core::ClientBuilder) -> mutagent_core::ClientBuilder,
)> {
    vec![
        (".proxy(…)", |b| b.proxy("http://127.0.0.1:3128")),
        (".no_proxy(…)", |b| b.no_proxy("internal.example")),
        (".proxy_from_env(false)", |b| b.proxy_from_env(false)),
        (".add_root_certificate(…)", |b| {
            b.add_root_certificate(b"-----BEGIN CERTIFICATE-----\n")
        }),
    ]
}

/// An HTTP client of your own does its own networking: a proxy or trust setting given to the
/// client builder with it would be ignored, so `build()` refuses the combination, naming the
/// setting, through both clients, whichever comes first and whether the client is your own or
/// a `DefaultHttpClient` (whose own builder has these settings). The environment's proxy and
/// certificate variables are not settings of the builder: they never fail such a client.
#[test]
fn default_client_settings_are_refused_with_an_http_client_of_your_own() {
    for (setting, apply) in default_client_settings() {
        let refused = |err: mutagent_core::Error| {
            let text = err.to_string();
            match err {
                mutagent_core::Error::Config(mutagent_core::ConfigError::IgnoredByHttpClient {
                    setting: named,
                }) => assert_eq!(named, setting),
                other => panic!("{setting}: {other:?}"),
            }
            assert!(text.contains(setting), "{text}");
            assert!(text.contains(".http_client(…)"), "{text}");
        };
        let custom = apply(nobody_listening().http_client(Canned));
        refused(custom.build().expect_err("refused"));
        let custom_first = nobody_listening().http_client(Canned);
        refused(apply(custom_first).build_blocking().expect_err("refused"));
        let default = DefaultHttpClient::new().expect("default client");
        refused(
            apply(nobody_listening())
                .http_client(default)
                .build()
                .expect_err("refused"),
        );
    }

    // A proxy URL and a certificate file the default client would refuse, from the environment.
    let env = [
        ("HTTPS_PROXY", "socks5://127.0.0.1:1080"),
        ("HTTP_PROXY", "socks5://127.0.0.1:1080"),
        ("NO_PROXY", "*"),
        ("SSL_CERT_FILE", "/nonexistent/mutagent-test-ca.pem"),
    ];
    mutagent_core::ClientBuilder::new()
        .env(env)
        .http_client(Canned)
        .build()
        .expect("the environment is the default client's affair");
    mutagent_core::BlockingClient::builder()
        .env(env)
        .http_client(Canned)
        .build()
        .expect("the environment is the default client's affair");
    // Without a client of your own, the same environment is refused (it is read).
    mutagent_core::ClientBuilder::new()
        .env(env)
        .build()
        .expect_err("the default client reads the environment");
}
