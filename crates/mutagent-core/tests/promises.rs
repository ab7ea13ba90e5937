//! Tests that fail when a promise of docs/reliability.md breaks (#18 point 6). Each was
//! checked against the one-line mutation named in its comment: with the mutation applied the
//! test fails, without it the test passes. Times are bounds with wide margins, never speeds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mutagent_core::http_client::DefaultHttpClient;
use mutagent_core::{Error, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// Mutation: the whole-call deadline replaced by a timeout per attempt. A 503 after 1.6 s,
/// then a stall, with a 2 s timeout: the second attempt has only 400 ms left, so the call
/// ends at about 2 s after 2 attempts (per attempt, it would run to at least 3.6 s). The
/// bound between the two leaves a loaded machine 1 s.
#[tokio::test]
async fn the_timeout_covers_the_whole_call_not_each_attempt() {
    let server = ScriptedServer::start(vec![
        Reply::status(503).delay(Duration::from_millis(1600)),
        Reply::json(200, json!({})).delay(Duration::from_secs(10)),
    ]);
    let client = builder(&server)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let (err, elapsed) = failed_get(&client).await;
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

/// Mutation: a retry wait that would end past the deadline is slept first. `Retry-After: 3`
/// with 2 s left: the error comes back at once, not after 3 s.
#[tokio::test]
async fn a_wait_past_the_deadline_is_not_slept() {
    let server = ScriptedServer::start(vec![Reply::status(503).header("retry-after", "3")]);
    let client = builder(&server)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let (err, elapsed) = failed_get(&client).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    // Slept, it would end at the 2 s deadline at the earliest.
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

/// Mutation: the retry loop ignores the client's retry budget. A server failing every call
/// drains it (each retry costs 5 of 500 tokens); after that a call is tried once.
#[tokio::test]
async fn an_empty_retry_budget_stops_retries() {
    let server = ScriptedServer::start(vec![Reply::status(503)]);
    let client = builder(&server)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(1))
                .jitter(false),
        )
        .build()
        .expect("client");
    // 100 retries empty the bucket: 34 calls of 3 retries each, with room to spare.
    for _ in 0..34 {
        let _ = get(&client).await.expect_err("503");
    }
    let before = server.requests().len();
    assert!(
        before < 34 * 4,
        "the budget never ran out: {before} requests"
    );
    let err = get(&client).await.expect_err("503");
    assert_eq!(err.attempts(), Some(1), "{err:?}");
    assert_eq!(server.requests().len(), before + 1);
    // A clone shares the budget.
    let err = get(&client.clone()).await.expect_err("503");
    assert_eq!(err.attempts(), Some(1));
}

/// Mutation: the size limit loosened (say by 16 MiB). With a 1 MiB limit and a 64 MiB body,
/// the SDK pulls at most the limit plus one frame; with a declared length, nothing at all.
#[tokio::test]
async fn the_size_limit_bounds_the_bytes_the_client_pulls() {
    const LIMIT: usize = 1024 * 1024;
    for (declared, reply) in [
        (false, Reply::generated(200, 64 * 1024 * 1024).chunked()),
        (true, Reply::generated(200, 64 * 1024 * 1024)),
    ] {
        let server = ScriptedServer::start(vec![reply]);
        let pulled = Arc::new(AtomicUsize::new(0));
        let client = builder(&server)
            .max_response_bytes(LIMIT)
            .http_client(Counting {
                inner: DefaultHttpClient::new().expect("http"),
                pulled: Arc::clone(&pulled),
            })
            .build()
            .expect("client");
        let err = get(&client).await.expect_err("too large");
        assert!(
            matches!(err, Error::ResponseTooLarge { limit: LIMIT, .. }),
            "{err:?}"
        );
        let pulled = pulled.load(Ordering::SeqCst);
        if declared {
            assert_eq!(pulled, 0, "a declared length over the limit is not read");
        } else {
            assert!(pulled > LIMIT, "read up to the limit: {pulled}");
            assert!(
                pulled <= LIMIT + 512 * 1024,
                "pulled {pulled} bytes for a limit of {LIMIT}"
            );
        }
    }
}

/// Mutation: the key sent anywhere besides `x-api-key` (the path, the query, the body or
/// another header). Every part of every request is searched for it.
#[tokio::test]
async fn the_key_travels_only_in_x_api_key() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = builder(&server)
        .workspace_id("ws_1")
        .build()
        .expect("client");
    let _: Value = client
        .send(
            GET_THING
                .request()
                .path_param("id", "a b")
                .query("q", Some("x"))
                .build()
                .expect("request"),
        )
        .await
        .expect("get");
    let _: Value = client
        .send(create_thing(json!({"name": "x"})))
        .await
        .expect("post");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in requests {
        let carrying: Vec<&str> = request
            .headers
            .iter()
            .filter(|(_, value)| value.contains(KEY))
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            carrying,
            ["x-api-key"],
            "{} {}",
            request.method,
            request.path
        );
        assert_eq!(request.header("x-api-key"), Some(KEY));
        assert!(!request.path.contains(KEY));
        assert!(!request.query.unwrap_or_default().contains(KEY));
        assert!(!String::from_utf8_lossy(&request.body).contains(KEY));
    }
}

/// Mutation: the connect timeout not applied (the default is 10 s). A black-holed address
/// with `connect_timeout(300ms)` and `timeout(10s)` fails as a connect error well before the
/// 10 s (under 5 s: room for a loaded machine).
#[tokio::test]
async fn the_connect_timeout_applies_to_a_black_holed_address() {
    let (addr, _filling, _listener) = black_hole();
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let (err, elapsed) = failed_get(&client).await;
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    // Well before the default 10 s, with room for a loaded machine.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

/// A client on a black-holed address with a short client timeout (500 ms), a longer connect
/// timeout (1.5 s) and no retries.
fn short_timeout_long_connect(addr: std::net::SocketAddr) -> mutagent_core::ClientBuilder {
    mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(format!("http://{addr}"))
        .timeout(Duration::from_millis(500))
        .connect_timeout(Duration::from_millis(1500))
        .retry_policy(RetryPolicy::disabled())
}

/// Mutation: the connect timeout clamped to the client's timeout when the client is built.
/// A call given 10 s of its own on a client built with 500 ms waits the whole 1.5 s connect
/// timeout (clamped, it failed after 500 ms); a call given 400 ms still ends at its own
/// deadline, not the connect timeout's.
#[tokio::test]
async fn a_calls_own_timeout_lifts_the_clients_bound_on_connecting() {
    let (addr, _filling, _listener) = black_hole();
    let client = short_timeout_long_connect(addr).build().expect("client");
    let long =
        client.with_options(mutagent_core::CallOptions::new().timeout(Duration::from_secs(10)));
    let (err, elapsed) = failed_get(&long).await;
    assert_connect_kind(&err, mutagent_core::ConnectErrorKind::Timeout);
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");

    let short =
        client.with_options(mutagent_core::CallOptions::new().timeout(Duration::from_millis(400)));
    let (err, elapsed) = failed_get(&short).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1400), "{elapsed:?}");
}

/// The same through the blocking client.
#[test]
fn a_calls_own_timeout_lifts_the_clients_bound_on_connecting_blocking() {
    // The listener needs a runtime to be made; the blocking client runs on its own.
    let runtime = current_thread_runtime();
    let (addr, _filling, _listener) = runtime.block_on(async { black_hole() });
    let client: mutagent_core::BlockingClient = short_timeout_long_connect(addr)
        .build_blocking()
        .expect("client");
    let long =
        client.with_options(mutagent_core::CallOptions::new().timeout(Duration::from_secs(10)));
    let started = std::time::Instant::now();
    let err = long
        .send::<Value>(get_thing())
        .expect_err("nothing accepts");
    let elapsed = started.elapsed();
    assert_connect_kind(&err, mutagent_core::ConnectErrorKind::Timeout);
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
}
