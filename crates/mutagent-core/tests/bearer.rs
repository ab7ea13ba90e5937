//! Bearer tokens (the 0.4.1 alternative credential): which credential wins, the header sent,
//! the token provider asked again once after a 401, and the token redacted everywhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use mutagent_core::env::EmptyEnv;
use mutagent_core::{BlockingClient, Client, ClientBuilder, ConfigError, Error, TokenProvider};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

const TOKEN: &str = "bt_secret_token_7c1d";

fn plain(server: &ScriptedServer) -> ClientBuilder {
    ClientBuilder::new()
        .env(EmptyEnv)
        .server_url(server.url())
        .retry_policy(fast_retries())
}

#[tokio::test]
async fn a_bearer_token_is_sent_as_authorization_and_no_key() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = plain(&server).bearer_token(TOKEN).build().expect("client");
    get(&client).await.expect("call");
    let sent = server.single_request();
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(sent.header("x-api-key"), None);
    assert!(client.config().has_bearer_token() && !client.config().has_api_key());
}

#[test]
fn an_api_key_and_a_bearer_token_together_are_a_configuration_error() {
    let both = ClientBuilder::new()
        .env(EmptyEnv)
        .api_key(KEY)
        .bearer_token(TOKEN)
        .resolve()
        .expect_err("two credentials");
    assert!(
        matches!(
            both,
            Error::Config(ConfigError::ConflictingCredentials { .. })
        ),
        "{both:?}"
    );
    assert!(both.to_string().contains(".api_key(…)"), "{both}");
    let with_provider = ClientBuilder::new()
        .env(EmptyEnv)
        .bearer_token(TOKEN)
        .token_provider(|| async { Ok::<_, std::io::Error>(String::from("x")) })
        .resolve()
        .expect_err("token and provider");
    assert!(with_provider.to_string().contains(".token_provider(…)"));
    let bad = ClientBuilder::new()
        .env(EmptyEnv)
        .bearer_token("has space")
        .resolve()
        .expect_err("bad token");
    assert!(
        matches!(bad, Error::Config(ConfigError::InvalidBearerToken { .. })),
        "{bad:?}"
    );
    assert!(!bad.to_string().contains("has space"), "{bad}");
}

#[test]
fn which_credential_wins() {
    // An explicit bearer token wins over MUTAGENT_API_KEY.
    let config = ClientBuilder::new()
        .env([("MUTAGENT_API_KEY", "mt_env_key")])
        .bearer_token(TOKEN)
        .resolve()
        .expect("config");
    assert!(config.has_bearer_token() && !config.has_api_key());
    // MUTAGENT_BEARER_AUTH alone gives a bearer token.
    let config = ClientBuilder::new()
        .env([("MUTAGENT_BEARER_AUTH", TOKEN)])
        .resolve()
        .expect("config");
    assert!(config.has_bearer_token() && !config.has_api_key());
    // Both variables: the API key wins (as in the TypeScript SDK).
    let config = ClientBuilder::new()
        .env([
            ("MUTAGENT_BEARER_AUTH", TOKEN),
            ("MUTAGENT_API_KEY", "mt_env_key"),
        ])
        .resolve()
        .expect("config");
    assert!(config.has_api_key() && !config.has_bearer_token());
    // An explicit API key wins over MUTAGENT_BEARER_AUTH.
    let config = ClientBuilder::new()
        .env([("MUTAGENT_BEARER_AUTH", TOKEN)])
        .api_key(KEY)
        .resolve()
        .expect("config");
    assert!(config.has_api_key() && !config.has_bearer_token());
    // A bad token from the environment names its variable, not its value.
    let err = ClientBuilder::new()
        .env([("MUTAGENT_BEARER_AUTH", "bad token")])
        .resolve()
        .expect_err("bad");
    assert!(err.to_string().contains("MUTAGENT_BEARER_AUTH"), "{err}");
    assert!(!err.to_string().contains("bad token"), "{err}");
}

#[test]
fn the_token_never_shows_in_debug() {
    let builder = ClientBuilder::new().env(EmptyEnv).bearer_token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let config = builder.resolve().expect("config");
    let text = format!("{config:?}");
    assert!(
        !text.contains(TOKEN) && text.contains("[redacted]"),
        "{text}"
    );
}

#[tokio::test]
async fn a_token_echoed_in_an_error_is_redacted() {
    let server = ScriptedServer::start(vec![Reply::json(
        403,
        json!({"error": "forbidden", "message": format!("token Bearer {TOKEN} is not allowed here")}),
    )]);
    let client = plain(&server).bearer_token(TOKEN).build().expect("client");
    let err = get(&client).await.expect_err("403");
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

/// A body that does not decode and echoes the token (as a JSON key, so it is in the error's path
/// too) is scrubbed of it, a fixed token's and a provider's alike (cargo-mutants: the token
/// left out of what a decode error is scrubbed of passed every other test).
#[tokio::test]
async fn a_token_echoed_in_a_body_that_does_not_decode_is_redacted() {
    const PROVIDED: &str = "bt_provided_token_4e2a";
    let fixed: fn(&ScriptedServer) -> ClientBuilder = |server| plain(server).bearer_token(TOKEN);
    let provided: fn(&ScriptedServer) -> ClientBuilder = |server| {
        plain(server).token_provider(|| async { Ok::<_, std::io::Error>(PROVIDED.to_owned()) })
    };
    for (token, builder) in [(TOKEN, fixed), (PROVIDED, provided)] {
        let server =
            ScriptedServer::start(vec![Reply::json(200, json!({ token: "not a number" }))]);
        let client = builder(&server).build().expect("client");
        let request = GET_THING
            .request()
            .path_param("id", "1")
            .build()
            .expect("request");
        let err = client
            .send::<std::collections::HashMap<String, u64>>(request)
            .await
            .expect_err("wrong type");
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!text.contains(token), "{token}: {text}");
        }
    }
}

/// A provider counting its calls, whose `n`-th call (from 1) answers what `answer(n)` makes.
fn numbered_provider<Fut>(
    answer: impl Fn(usize) -> Fut + Send + Sync + 'static,
) -> (Arc<AtomicUsize>, impl TokenProvider)
where
    Fut: std::future::Future<Output = Result<String, std::io::Error>> + Send + 'static,
{
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let provider = move || answer(counter.fetch_add(1, Ordering::SeqCst) + 1);
    (calls, provider)
}

/// A provider handing out `token-1`, `token-2`, … and counting its calls.
fn counting_provider() -> (Arc<AtomicUsize>, impl TokenProvider) {
    numbered_provider(|n| std::future::ready(Ok(format!("token-{n}"))))
}

/// The `authorization` header of each request `server` read, in order.
fn authorizations(server: &ScriptedServer) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|request| request.header("authorization").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_provider_is_asked_once_and_again_after_a_401() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"n": 1})),
        Reply::json(200, json!({"n": 2})),
        Reply::json(
            401,
            json!({"error": "unauthorized", "message": "token expired"}),
        ),
        Reply::json(201, json!({"n": 3})),
    ]);
    let (calls, provider) = counting_provider();
    let client = plain(&server)
        .token_provider(provider)
        .build()
        .expect("client");
    get(&client).await.expect("first");
    get(&client).await.expect("second");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the token is kept");
    // A POST answered 401 is sent once more with a fresh token (the server did nothing).
    assert_eq!(
        create(&client).await.expect("after refresh"),
        json!({"n": 3})
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let sent = authorizations(&server);
    assert_eq!(
        sent,
        [
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-2".to_owned()),
        ]
    );
}

/// The re-send after a token refresh is not a retry: every retry allowed still follows it
/// (cargo-mutants: counting the refresh as a retry passed every other test).
#[tokio::test]
async fn a_refresh_does_not_use_up_a_retry() {
    let unavailable = || Reply::json(503, json!({"error": "unavailable", "message": "busy"}));
    let server = ScriptedServer::start(vec![
        Reply::json(401, json!({"error": "unauthorized", "message": "expired"})),
        unavailable(),
        unavailable(),
        Reply::json(200, json!({"n": 1})),
    ]);
    let (calls, provider) = counting_provider();
    let client = plain(&server)
        .retry_policy(fast_retries().max_retries(2))
        .token_provider(provider)
        .build()
        .expect("client");
    assert_eq!(get(&client).await.expect("two retries"), json!({"n": 1}));
    assert_eq!(server.requests().len(), 4, "401, refresh, 503, 503, 200");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_second_401_is_an_error_not_a_loop() {
    let server = ScriptedServer::start(vec![Reply::json(
        401,
        json!({"error": "unauthorized", "message": "no"}),
    )]);
    let (calls, provider) = counting_provider();
    let client = plain(&server)
        .token_provider(provider)
        .build()
        .expect("client");
    let err = get(&client).await.expect_err("401");
    assert_eq!(err.status_code(), Some(401));
    assert_eq!(server.requests().len(), 2, "one re-send after one refresh");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failing_provider_is_a_clear_error_and_nothing_is_sent() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = plain(&server)
        .token_provider(|| async { Err::<String, _>(std::io::Error::other("vault sealed")) })
        .build()
        .expect("client");
    let err = get(&client).await.expect_err("no token");
    assert!(matches!(err, Error::TokenProvider { .. }), "{err:?}");
    // The provider's own error is the source, shown in the chain.
    assert!(format!("{err:?}").contains("vault sealed"), "{err:?}");
    assert!(server.requests().is_empty());
}

#[test]
fn the_blocking_client_uses_the_provider_too() {
    let server = ScriptedServer::start(vec![
        Reply::json(401, json!({"error": "unauthorized", "message": "expired"})),
        Reply::json(200, json!({"ok": true})),
    ]);
    let (calls, provider) = counting_provider();
    let client: BlockingClient = plain(&server)
        .token_provider(provider)
        .build_blocking()
        .expect("client");
    let request = GET_THING
        .request()
        .path_param("id", "1")
        .build()
        .expect("request");
    assert_eq!(
        client.send::<Value>(request).expect("after refresh"),
        json!({"ok": true})
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        server.requests()[1].header("authorization"),
        Some("Bearer token-2")
    );
}

/// A provider handing out `token-1`, `token-2`, … after `delay` each, counting its calls.
fn slow_provider(delay: std::time::Duration) -> (Arc<AtomicUsize>, impl TokenProvider) {
    numbered_provider(move |n| async move {
        tokio::time::sleep(delay).await;
        Ok(format!("token-{n}"))
    })
}

/// `n` concurrent GETs through `client`, each on a task of this runtime: their answers.
async fn concurrent_gets(client: &Client, n: usize) -> Vec<Result<Value, Error>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get(&client).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    answers
}

/// `n` concurrent GETs through `client`, each on a thread of its own: their answers.
fn concurrent_blocking_gets(client: &BlockingClient, n: usize) -> Vec<Result<Value, Error>> {
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                let request = GET_THING.request().path_param("id", "1").build()?;
                client.send::<Value>(request)
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|thread| thread.join().expect("thread"))
        .collect()
}

/// Concurrent first calls ask the provider once, and all send its token (a rotating refresh
/// token was exchanged once per call; review).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_ask_the_provider_once() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let (calls, provider) = slow_provider(std::time::Duration::from_millis(150));
    let client = plain(&server)
        .token_provider(provider)
        .build()
        .expect("client");
    for answer in concurrent_gets(&client, 8).await {
        assert_eq!(answer.expect("call"), json!({"ok": true}));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    for request in server.requests() {
        assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    }
}

/// The same through the blocking client, with its async half calling at the same time: one
/// provider call for both halves (they share the provider and its token).
#[test]
fn concurrent_first_blocking_and_async_calls_ask_the_provider_once() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let (calls, provider) = slow_provider(std::time::Duration::from_millis(150));
    let client = plain(&server)
        .token_provider(provider)
        .build_blocking()
        .expect("client");
    let async_half = client.async_client().clone();
    let async_calls = std::thread::spawn(move || {
        let runtime = current_thread_runtime();
        runtime.block_on(async move { concurrent_gets(&async_half, 4).await })
    });
    let blocking_answers = concurrent_blocking_gets(&client, 4);
    let async_answers = async_calls.join().expect("async thread");
    for answer in blocking_answers.into_iter().chain(async_answers) {
        assert_eq!(answer.expect("call"), json!({"ok": true}));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// A server refusing its first `n` requests 401 after 300 ms (so `n` concurrent calls are all
/// sent with `token-1` before any refresh) and answering `{"ok": true}` after, with a builder
/// for it whose provider hands out `token-1`, `token-2`, … (counted).
fn refusing_the_first(n: usize) -> (ScriptedServer, Arc<AtomicUsize>, ClientBuilder) {
    let refused = Reply::json(401, json!({"error": "unauthorized", "message": "expired"}))
        .delay(std::time::Duration::from_millis(300));
    let mut script = vec![refused; n];
    script.push(Reply::json(200, json!({"ok": true})));
    let server = ScriptedServer::start(script);
    let (calls, provider) = slow_provider(std::time::Duration::from_millis(20));
    let builder = plain(&server).token_provider(provider);
    (server, calls, builder)
}

/// Every call got the answer sent after the refresh, and the provider was called twice.
fn all_ok_after_one_refresh(answers: Vec<Result<Value, Error>>, calls: &AtomicUsize) {
    for answer in answers {
        assert_eq!(answer.expect("call after the refresh"), json!({"ok": true}));
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "asked once, refreshed once"
    );
}

/// Eight calls refused with the same token: one refresh, not eight; each call is sent again
/// with the new token (the first eight requests are answered 401 after 300 ms, so all eight
/// were sent with `token-1` before any refresh).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_with_the_same_token_refresh_once() {
    let (server, calls, builder) = refusing_the_first(8);
    let client = builder.build().expect("client");
    all_ok_after_one_refresh(concurrent_gets(&client, 8).await, &calls);
    let sent = authorizations(&server);
    assert_eq!(sent.len(), 16);
    assert!(sent[..8]
        .iter()
        .all(|s| s.as_deref() == Some("Bearer token-1")));
    assert!(sent[8..]
        .iter()
        .all(|s| s.as_deref() == Some("Bearer token-2")));
}

/// The same through the blocking client.
#[test]
fn concurrent_blocking_401s_with_the_same_token_refresh_once() {
    let (_server, calls, builder) = refusing_the_first(6);
    let client = builder.build_blocking().expect("client");
    all_ok_after_one_refresh(concurrent_blocking_gets(&client, 6), &calls);
}

/// Calls waiting for a provider call that fails take its error (they do not ask again at
/// once); the failure is not kept: the next call asks again and succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_share_a_providers_error_and_the_next_call_asks_again() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let (calls, provider) = numbered_provider(|n| async move {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        if n == 1 {
            Err(std::io::Error::other("vault sealed"))
        } else {
            Ok(format!("token-{n}"))
        }
    });
    let client = plain(&server)
        .token_provider(provider)
        .build()
        .expect("client");
    for answer in concurrent_gets(&client, 6).await {
        let err = answer.expect_err("the provider failed");
        assert!(matches!(err, Error::TokenProvider { .. }), "{err:?}");
        assert!(format!("{err:?}").contains("vault sealed"), "{err:?}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(server.requests().is_empty());
    assert_eq!(get(&client).await.expect("next call"), json!({"ok": true}));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer token-2")
    );
}

/// A call whose provider call is cut short (its timeout passed) does not leave a call that
/// was waiting for that provider call waiting: the waiter asks the provider itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_provider_call_does_not_strand_its_waiters() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let (calls, provider) = numbered_provider(|n| async move {
        // The first provider call hangs (a stalled token endpoint).
        let stall = if n == 1 { 60_000 } else { 10 };
        tokio::time::sleep(std::time::Duration::from_millis(stall)).await;
        Ok(format!("token-{n}"))
    });
    let client = plain(&server)
        .timeout(std::time::Duration::from_secs(20))
        .token_provider(provider)
        .build()
        .expect("client");
    let hasty = client.with_options(
        mutagent_core::CallOptions::new().timeout(std::time::Duration::from_millis(200)),
    );
    let first = tokio::spawn(async move { get(&hasty).await });
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    let patient = get(&client).await;
    assert_eq!(patient.expect("the waiter's own call"), json!({"ok": true}));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let err = first.await.expect("task").expect_err("timed out");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// A provider that panics while other blocking calls wait for it: the panic reaches its own
/// caller, the waiters go on (one of them asks again) and succeed.
#[test]
fn a_panicking_provider_does_not_strand_its_waiters() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let (calls, provider) = numbered_provider(|n| async move {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        assert!(n != 1, "a bug in the provider");
        Ok(format!("token-{n}"))
    });
    let client = plain(&server)
        .token_provider(provider)
        .build_blocking()
        .expect("client");
    let first = {
        let client = client.clone();
        std::thread::spawn(move || client.send::<Value>(get_thing()))
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    let others = concurrent_blocking_gets(&client, 3);
    assert!(first.join().is_err(), "the panic reaches its caller");
    for answer in others {
        assert_eq!(answer.expect("a waiter"), json!({"ok": true}));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// A call whose 2xx answer does not decode and echoes the token it was sent with, while
/// another call refreshed the token (a 401, the provider asked again) before that answer
/// came: the error is scrubbed of the token the call sent, not only of the one kept now.
/// Before, only the kept token was scrubbed, and the sent one (perhaps still valid) showed in
/// the error's message and `Debug`. Async and blocking.
#[test]
fn a_token_echoed_after_another_call_refreshed_it_is_redacted() {
    let replies = || {
        vec![
            // The first call's answer, held until the second call has refreshed the token.
            Reply::json(200, json!({"token-1": "not a number"}))
                .delay(std::time::Duration::from_millis(600)),
            Reply::json(401, json!({"error": "unauthorized", "message": "expired"})),
            Reply::json(200, json!({"ok": 1})),
        ]
    };
    let check = |err: &Error, server: &ScriptedServer| {
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!text.contains("token-1"), "{text}");
        }
        let sent = authorizations(server);
        assert_eq!(
            sent,
            [
                Some("Bearer token-1".to_owned()),
                Some("Bearer token-1".to_owned()),
                Some("Bearer token-2".to_owned())
            ]
        );
    };
    let undecodable = || {
        GET_THING
            .request()
            .path_param("id", "1")
            .build()
            .expect("request")
    };
    type Map = std::collections::HashMap<String, u64>;

    let server = ScriptedServer::start(replies());
    let (_calls, provider) = counting_provider();
    let client = plain(&server)
        .token_provider(provider)
        .build()
        .expect("client");
    let runtime = multi_thread_runtime();
    let err = runtime.block_on(async {
        let first = {
            let client = client.clone();
            tokio::spawn(async move { client.send::<Map>(undecodable()).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(get(&client).await.expect("refreshed"), json!({"ok": 1}));
        first.await.expect("task").expect_err("undecodable")
    });
    check(&err, &server);

    let server = ScriptedServer::start(replies());
    let (_calls, provider) = counting_provider();
    let client = plain(&server)
        .token_provider(provider)
        .build_blocking()
        .expect("client");
    let first = {
        let client = client.clone();
        std::thread::spawn(move || client.send::<Map>(undecodable()))
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        client.send::<Value>(get_thing()).expect("refreshed"),
        json!({"ok": 1})
    );
    let err = first.join().expect("no panic").expect_err("undecodable");
    check(&err, &server);
}
