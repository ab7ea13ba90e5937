//! Bearer tokens (the 0.4.1 alternative credential): which credential wins, the header sent,
//! the token provider asked again once after a 401, and the token redacted everywhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use mutagent_core::env::EmptyEnv;
use mutagent_core::{BlockingClient, Client, ClientBuilder, ConfigError, Error};
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

async fn get(client: &Client) -> Result<Value, Error> {
    let request = GET_THING.request().path_param("id", "1").build()?;
    client.send(request).await
}

async fn create(client: &Client) -> Result<Value, Error> {
    let request = CREATE_THING.request().json(&json!({"name": "x"})).build()?;
    client.send(request).await
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

/// A provider handing out `token-1`, `token-2`, … and counting its calls.
fn counting_provider() -> (
    Arc<AtomicUsize>,
    impl Fn() -> std::future::Ready<Result<String, std::io::Error>> + Send + Sync + 'static,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let provider = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        std::future::ready(Ok(format!("token-{n}")))
    };
    (calls, provider)
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
    let sent: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
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
