//! The API key never leaks: not in the `Debug` or `Display` of any public type that can hold
//! it, not in any `Error` variant (however hostile the server that echoes it back), not in
//! `tracing` output. Extends `redaction.rs` to every variant and every echo channel.

mod support;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use mutagent_core::error::BlockingError;
use mutagent_core::{CallOptions, Client, ConfigError, Error, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// No trace of the key: not whole, not its first or last 8 characters.
fn assert_clean(what: &str, text: &str) {
    let head = &KEY[..8];
    let tail = &KEY[KEY.len() - 8..];
    for part in [KEY, head, tail, "secret_8f3a"] {
        assert!(
            !text.contains(part),
            "{what} leaks `{part}` of the key:\n{text}"
        );
    }
}

fn show(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n{err:#?}");
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        let _ = write!(text, "\n{inner}\n{inner:?}");
        source = inner.source();
    }
    text
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `call` against `server` under a capturing subscriber; returns its result and the logs.
fn traced<T: serde::de::DeserializeOwned>(
    client: &Client,
    request: mutagent_core::ApiRequest,
) -> (Result<T, Error>, String) {
    let capture = Capture::default();
    let runtime = runtime();
    let result = tracing::subscriber::with_default(capture.clone(), || {
        runtime.block_on(client.send::<T>(request))
    });
    (result, capture.text())
}

fn get_request() -> mutagent_core::ApiRequest {
    GET_THING
        .request()
        .path_param("id", 1)
        .build()
        .expect("request")
}

// ---------------------------------------------------------------------------------------------
// The server echoes the key through every channel it has

#[test]
fn a_server_echoing_the_key_everywhere_leaks_nothing() {
    let echo = json!({
        "error": {"code": KEY, "message": format!("key {KEY} revoked"),
                  "details": {"apiKey": KEY, "seen": [format!("x-api-key: {KEY}")], KEY: 1}},
        "meta": {"requestId": KEY}
    });
    let server = ScriptedServer::start(vec![
        Reply::json(503, echo.clone()).header("x-request-id", KEY),
        Reply::json(401, echo.clone()),
    ]);
    let client = builder(&server).build().expect("client");
    let (result, logs) = traced::<Value>(&client, get_request());
    let err = result.expect_err("401");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_clean("error", &show(&err));
    let api = err.as_api_error().expect("api");
    assert_clean("code", api.code().unwrap_or_default());
    assert_clean("message", api.message().unwrap_or_default());
    assert_clean("request id", api.request_id().unwrap_or_default());
    assert_clean(
        "details",
        &api.details().map(Value::to_string).unwrap_or_default(),
    );
    assert_clean("snippet", api.body_snippet());
    assert!(logs.contains("retrying"), "{logs}");
    assert_clean("tracing", &logs);
}

#[test]
fn a_key_cut_at_the_snippet_boundary_leaks_no_prefix() {
    // Place the key so that the 512-byte snippet would end in its middle.
    // Also after ten earlier copies of the key, whose shorter `[redacted]` pulls later text
    // forward into the snippet.
    let bodies = [500usize, 505, 509, 511, 530, 560, 600, 700]
        .into_iter()
        .flat_map(|offset| {
            [
                format!("{}{KEY} and more text after it", "p".repeat(offset)),
                format!(
                    "{}{}{KEY} and more text after it",
                    KEY.repeat(10),
                    "p".repeat(offset - 10 * KEY.len())
                ),
            ]
        });
    for (offset, body) in bodies.enumerate() {
        let server = ScriptedServer::start(vec![Reply::text(400, body.clone())]);
        let client = builder(&server).build().expect("client");
        let (result, logs) = traced::<Value>(&client, get_request());
        let err = result.expect_err("400");
        assert_clean(&format!("api error at {offset}"), &show(&err));
        assert_clean("tracing", &logs);
        // And in a decode error.
        let server = ScriptedServer::start(vec![Reply::text(200, body)]);
        let client = builder(&server).build().expect("client");
        let (result, _) = traced::<Value>(&client, get_request());
        assert_clean(
            &format!("decode error at {offset}"),
            &show(&result.expect_err("not json")),
        );
    }
}

#[test]
fn a_decode_error_never_shows_the_key_in_its_path_or_message() {
    // A map keyed by the key, whose value has the wrong type: the JSON path holds the key.
    let server = ScriptedServer::start(vec![Reply::json(200, json!({ KEY: "not a number" }))]);
    let client = builder(&server).build().expect("client");
    let (result, logs) = traced::<HashMap<String, u64>>(&client, get_request());
    let err = result.expect_err("wrong type");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_clean("decode path", decode.path());
    assert_clean("decode error", &show(&err));
    assert_clean("tracing", &logs);
    // An unknown variant named after the key shows up in serde's message.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Kind {
        A,
    }
    let server = ScriptedServer::start(vec![Reply::json(200, json!(KEY))]);
    let client = builder(&server).build().expect("client");
    let (result, _) = traced::<Kind>(&client, get_request());
    assert_clean("variant", &show(&result.expect_err("unknown variant")));
}

// ---------------------------------------------------------------------------------------------
// Every variant

#[test]
fn every_error_variant_is_clean() {
    let mut errors: Vec<(&str, Error)> = Vec::new();
    let rt = runtime();

    // Config: a key that cannot be sent (the key itself, plus a newline).
    for bad in [
        format!("{KEY}\r\nx-evil: 1"),
        format!("{KEY} "),
        format!("ä{KEY}"),
    ] {
        let err = mutagent_core::ClientBuilder::new()
            .env(mutagent_core::env::EmptyEnv)
            .api_key(bad)
            .build()
            .expect_err("bad key");
        assert!(matches!(
            err,
            Error::Config(ConfigError::InvalidApiKey { .. })
        ));
        errors.push(("config: api key", err));
    }
    // Config: the key pasted into the server URL (userinfo, query, fragment).
    for url in [
        format!("https://{KEY}@api.example.com"),
        format!("https://user:{KEY}@api.example.com/v1"),
        format!("https://api.example.com/?api_key={KEY}"),
        format!("https://api.example.com/#{KEY}"),
        format!("http://api.example.com/?key={KEY}"),
    ] {
        let err = mutagent_core::ClientBuilder::new()
            .env(mutagent_core::env::EmptyEnv)
            .api_key(KEY)
            .server_url(url)
            .build()
            .expect_err("bad url");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        errors.push(("config: url", err));
    }
    // Config: the key given as a workspace id with a space (refused as a header value).
    let err = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .workspace_id(format!("{KEY} x"))
        .build()
        .expect_err("bad header");
    errors.push(("config: header", err));
    errors.push((
        "config: tls",
        Error::Config(ConfigError::Tls("handshake".into())),
    ));
    errors.push(("blocking", Error::Blocking(BlockingError::RuntimeGone)));

    // InvalidInput.
    let err = GET_THING.request().build().expect_err("missing id");
    errors.push(("invalid input", err));

    // Connect: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let refused = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let err = rt
        .block_on(refused.send::<Value>(get_request()))
        .expect_err("refused");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    errors.push(("connect", err));

    // Transport, Timeout, ResponseTooLarge, Api, Decode from a server.
    let cases: Vec<(&str, Reply)> = vec![
        ("transport", Reply::reset()),
        (
            "timeout",
            Reply::json(200, json!({})).delay(Duration::from_secs(5)),
        ),
        ("too large", Reply::generated(200, 10_000)),
        ("api", Reply::json(418, json!({"error": KEY}))),
        ("decode", Reply::text(200, format!("<{KEY}>"))),
    ];
    for (what, reply) in cases {
        let server = ScriptedServer::start(vec![reply]);
        let client = builder(&server)
            .retry_policy(RetryPolicy::disabled())
            .timeout(Duration::from_millis(300))
            .max_response_bytes(1000)
            .build()
            .expect("client");
        let (result, logs) = traced::<Value>(&client, get_request());
        let err = result.expect_err(what);
        assert_clean(&format!("tracing of {what}"), &logs);
        errors.push((what, err));
    }

    let kinds: Vec<&str> = errors.iter().map(|(what, _)| *what).collect();
    for expected in [
        "transport",
        "timeout",
        "too large",
        "api",
        "decode",
        "connect",
    ] {
        assert!(kinds.contains(&expected), "{kinds:?}");
    }
    for (what, err) in &errors {
        assert_clean(what, &show(err));
    }
    assert!(matches!(
        errors[errors.len() - 5].1,
        Error::Transport { .. }
    ));
    assert!(matches!(errors[errors.len() - 4].1, Error::Timeout { .. }));
    assert!(matches!(
        errors[errors.len() - 3].1,
        Error::ResponseTooLarge { .. }
    ));
    assert!(matches!(errors[errors.len() - 2].1, Error::Api(_)));
    assert!(matches!(errors[errors.len() - 1].1, Error::Decode(_)));
}

// ---------------------------------------------------------------------------------------------
// Types that can hold the key

#[test]
fn call_options_with_secret_headers_are_clean() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let options = CallOptions::new()
        .header(
            HeaderName::from_static("x-api-key"),
            HeaderValue::from_static(KEY),
        )
        .header(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {KEY}")).expect("value"),
        )
        .header(
            HeaderName::from_static("x-trace"),
            HeaderValue::from_static("visible"),
        );
    assert_clean("CallOptions", &format!("{options:?} {options:#?}"));
    let client = builder(&server).build().expect("client");
    let view = client.with_options(options.clone());
    assert_clean("Client with options", &format!("{view:?}"));
    assert_clean("options()", &format!("{:?}", view.options()));
    let blocking = builder(&server).build_blocking().expect("blocking");
    let blocking_view = blocking.with_options(options);
    assert_clean("BlockingClient with options", &format!("{blocking_view:?}"));
    assert_clean(
        "BlockingClient async half",
        &format!("{:?}", blocking_view.async_client()),
    );
    // The headers are still sent.
    let value: Value = blocking_view.send(get_request()).expect("call");
    assert_eq!(value, json!({}));
    let request = server.single_request();
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("x-trace"), Some("visible"));
}

#[test]
fn builders_configs_and_env_sources_are_clean() {
    let env = [
        ("MUTAGENT_API_KEY", KEY),
        ("MUTAGENT_SERVER_URL", "http://localhost:1"),
    ];
    let builder = mutagent_core::ClientBuilder::new().env(env);
    assert_clean("builder with env", &format!("{builder:?} {builder:#?}"));
    let client = builder.build().expect("client");
    assert!(client.config().has_api_key());
    assert_clean("client from env", &format!("{client:?} {client:#?}"));
    assert_clean("config", &format!("{:#?}", client.config()));
    let blocking = mutagent_core::BlockingClient::from_client(client).expect("blocking");
    assert_clean("blocking", &format!("{blocking:?} {blocking:#?}"));
}
