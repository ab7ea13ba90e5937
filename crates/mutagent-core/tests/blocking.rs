//! The blocking client never panics: built, used and dropped outside any runtime, inside a
//! current-thread runtime, inside a multi-thread runtime, and from many threads at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::sync::Arc;

use mutagent_core::{BlockingClient, Error};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

fn get(client: &BlockingClient, id: u32) -> Result<Value, Error> {
    client.send(GET_THING.request().path_param("id", id).build()?)
}

fn server() -> ScriptedServer {
    ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))])
}

#[test]
fn works_outside_any_runtime() {
    let server = server();
    let client = builder(&server).build_blocking().expect("client");
    assert_eq!(get(&client, 1).expect("call"), json!({"ok": true}));
    drop(client);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn works_inside_a_current_thread_runtime() {
    let server = server();
    let client = builder(&server)
        .build_blocking()
        .expect("built inside a runtime");
    assert_eq!(
        get(&client, 1).expect("called inside a runtime"),
        json!({"ok": true})
    );
    drop(client); // dropped inside a runtime
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_inside_a_multi_thread_runtime() {
    let server = server();
    let client = builder(&server).build_blocking().expect("client");
    assert_eq!(get(&client, 1).expect("call"), json!({"ok": true}));
    // Also from a spawned task and from spawn_blocking.
    let in_task = client.clone();
    let from_task = tokio::spawn(async move { get(&in_task, 2) })
        .await
        .expect("task");
    assert!(from_task.is_ok());
    let in_blocking = client.clone();
    let from_blocking = tokio::task::spawn_blocking(move || get(&in_blocking, 3))
        .await
        .expect("blocking task");
    assert!(from_blocking.is_ok());
    drop(client);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn many_threads_share_one_client() {
    let server = server();
    let client = Arc::new(builder(&server).build_blocking().expect("client"));
    let handles: Vec<_> = (0..16)
        .map(|n| {
            let client = Arc::clone(&client);
            std::thread::spawn(move || {
                for i in 0..5 {
                    get(&client, n * 10 + i).expect("call");
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("thread");
    }
    assert_eq!(server.requests().len(), 80);
}

#[test]
fn errors_are_the_same_as_async() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        json!({"error": "not_found", "message": "no thing"}),
    )]);
    let client = builder(&server).build_blocking().expect("client");
    let err = get(&client, 9).expect_err("404");
    assert!(err.is_not_found());
    assert_eq!(
        err.as_api_error().and_then(|e| e.message()),
        Some("no thing")
    );
}

#[test]
fn a_clone_outlives_the_original() {
    let server = server();
    let client = builder(&server).build_blocking().expect("client");
    let clone = client.clone();
    drop(client);
    assert!(get(&clone, 1).is_ok());
}

#[tokio::test(flavor = "current_thread")]
async fn the_async_client_inside_works_too() {
    let server = server();
    let blocking = builder(&server).build_blocking().expect("client");
    let value: Value = blocking
        .async_client()
        .send(
            GET_THING
                .request()
                .path_param("id", 4)
                .build()
                .expect("build"),
        )
        .await
        .expect("async call through the blocking client's async half");
    assert_eq!(value, json!({"ok": true}));
}

/// A blocking client made from an async client that already called, inside the current-thread
/// runtime that made the call: the blocking call holds the runtime's only thread, so it must
/// not reuse the pooled connection that runtime drives (it once did, and waited until its
/// timeout). It has connections of its own.
#[tokio::test(flavor = "current_thread")]
async fn from_client_never_waits_on_the_async_clients_connections() {
    let server = server();
    let client = builder(&server)
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");
    let answer: Value = client
        .send(
            GET_THING
                .request()
                .path_param("id", 1)
                .build()
                .expect("request"),
        )
        .await
        .expect("async call");
    assert_eq!(answer, json!({"ok": true}));
    let blocking = BlockingClient::from_client(client.clone()).expect("blocking");
    assert_eq!(
        get(&blocking, 2).expect("blocking call"),
        json!({"ok": true})
    );
    assert_eq!(server.connections(), 2, "a connection of its own");
}

/// A panic of the user's own code a blocking call runs (here the token provider) goes on on
/// the calling thread, as with the async client; it read as "the background runtime has
/// stopped" though the runtime was fine (review). The next call works.
#[test]
fn a_panicking_token_provider_panics_on_the_callers_thread() {
    use std::sync::atomic::{AtomicU32, Ordering};
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let asked = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&asked);
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .server_url(server.url())
        .token_provider(move || {
            let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                assert!(!first, "a bug in the provider");
                Ok::<_, std::io::Error>("tok_blocking_abcdef".to_owned())
            }
        })
        .build_blocking()
        .expect("client");
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        client.send::<Value>(get_thing())
    }));
    let payload = first.expect_err("the provider's panic reaches the caller");
    assert_eq!(
        payload.downcast_ref::<&str>().copied(),
        Some("a bug in the provider")
    );
    let second = client.send::<Value>(get_thing());
    assert!(second.is_ok(), "the runtime is alive: {second:?}");
}

/// The builder's blocking client, whose async half made a call inside this current-thread
/// runtime: a blocking call from the runtime's only thread must not reuse the pooled
/// connection that runtime drives (the runtime cannot run while the call blocks it, so the
/// call waited until its timeout; review). The two halves have pools of their own.
#[tokio::test(flavor = "current_thread")]
async fn a_blocking_call_never_waits_on_the_async_halfs_connections() {
    let server = server();
    let blocking = builder(&server)
        .timeout(std::time::Duration::from_secs(3))
        .build_blocking()
        .expect("client");
    let answer: Value = blocking
        .async_client()
        .send(get_thing())
        .await
        .expect("async call");
    assert_eq!(answer, json!({"ok": true}));
    let started = std::time::Instant::now();
    assert_eq!(
        get(&blocking, 2).expect("blocking call"),
        json!({"ok": true})
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.connections(), 2, "a connection of its own");
}

/// A clone of a blocking client's async half, in the middle of a POST when the blocking client
/// is dropped: the call must end with its answer. It was cut when it went over a connection
/// a blocking call had opened, because that connection was driven by the blocking client's
/// background runtime, which stops with the last blocking clone (review).
#[test]
fn the_async_half_outlives_the_blocking_client() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"ok": true})),
        Reply::json(201, json!({"id": 7})).delay(std::time::Duration::from_millis(300)),
    ]);
    let blocking = builder(&server).build_blocking().expect("client");
    assert_eq!(
        get(&blocking, 1).expect("blocking call"),
        json!({"ok": true})
    );
    let async_half = blocking.async_client().clone();
    let runtime = current_thread_runtime();
    let answer = runtime.block_on(async move {
        let call = tokio::spawn(async move {
            async_half
                .send::<Value>(create_thing(json!({"name": "x"})))
                .await
        });
        // The POST has reached the server (its answer is 300 ms away): drop the blocking client.
        while server.requests().len() < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        drop(blocking);
        call.await.expect("task")
    });
    assert_eq!(answer.expect("the POST's answer"), json!({"id": 7}));
}

/// The same for a call the async half starts after the blocking client is gone.
#[test]
fn the_async_half_calls_after_the_blocking_client_is_dropped() {
    let server = server();
    let blocking = builder(&server).build_blocking().expect("client");
    get(&blocking, 1).expect("blocking call");
    let async_half = blocking.async_client().clone();
    drop(blocking);
    let runtime = current_thread_runtime();
    let answer = runtime.block_on(async move {
        async_half
            .send::<Value>(create_thing(json!({"name": "x"})))
            .await
    });
    assert_eq!(answer.expect("a call after the drop"), json!({"ok": true}));
}

/// Runs `probe` on a thread of its own and waits at most 20 s for its answer, so a probe that
/// hangs fails the test instead of hanging CI (the stuck thread is left behind).
fn within_deadline<T: Send + 'static>(probe: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(probe());
    });
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .expect("the call hung: it waited for the thread it was blocking")
}

/// A blocking client whose token provider calls `inner` on the client itself (the cell is
/// filled once the client is built), then answers a token.
fn client_calling_itself(
    server: &ScriptedServer,
    inner: fn(&BlockingClient) -> Result<(), Error>,
) -> BlockingClient {
    let cell: Arc<std::sync::OnceLock<BlockingClient>> = Arc::default();
    let provider_cell = Arc::clone(&cell);
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .server_url(server.url())
        .timeout(std::time::Duration::from_secs(5))
        .token_provider(move || {
            let cell = Arc::clone(&provider_cell);
            async move {
                if let Some(client) = cell.get() {
                    inner(client)?;
                }
                Ok::<_, Error>("tok_blocking_abcdef".to_owned())
            }
        })
        .build_blocking()
        .expect("client");
    cell.set(client.clone()).expect("set once");
    client
}

/// A token provider runs on the blocking client's background thread; a blocking call it makes
/// on the same client would wait for that thread, which is busy waiting for it: it hung
/// forever (review). It fails at once with `BlockingError::CalledFromItsOwnThread`, and the
/// outer call says the token provider failed, that error as its cause.
#[test]
fn a_blocking_call_from_its_own_background_thread_fails_at_once() {
    let server = server();
    let err = within_deadline(move || {
        let client = client_calling_itself(&server, |client| get(client, 2).map(drop));
        let started = std::time::Instant::now();
        let err = client
            .send::<Value>(get_thing())
            .expect_err("the provider fails");
        (err, started.elapsed(), server.requests().len())
    });
    let (err, took, sent) = err;
    assert!(matches!(err, Error::TokenProvider { .. }), "{err:?}");
    let cause = std::error::Error::source(&err)
        .and_then(|cause| cause.downcast_ref::<Error>())
        .expect("the provider's own error is the cause");
    assert!(
        matches!(
            cause,
            Error::Blocking(mutagent_core::error::BlockingError::CalledFromItsOwnThread)
        ),
        "{cause:?}"
    );
    let text = format!("{err:?}");
    assert!(text.contains("own background thread"), "{text}");
    assert!(text.contains("async_client"), "{text}");
    assert!(took < std::time::Duration::from_secs(4), "{took:?}");
    assert_eq!(sent, 0, "nothing was sent");
}

/// An HTTP client of the user's own that, on the first request only, first makes a call
/// through the blocking client's async half (`cell`, filled once the client is built), then
/// sends. It runs on the blocking client's background thread.
#[derive(Clone)]
struct NestingHttpClient {
    inner: mutagent_core::http_client::DefaultHttpClient,
    cell: Arc<std::sync::OnceLock<BlockingClient>>,
    nested: Arc<std::sync::atomic::AtomicBool>,
}

impl mutagent_core::http_client::HttpClient for NestingHttpClient {
    fn send(&self, request: http::Request<bytes::Bytes>) -> Sent {
        // Both halves send through this client: only the outermost request nests.
        let first = !self.nested.swap(true, std::sync::atomic::Ordering::SeqCst);
        let async_half = self
            .cell
            .get()
            .filter(|_| first)
            .map(|client| client.async_client().clone());
        let inner = self.inner.clone();
        Box::pin(async move {
            if let Some(async_half) = async_half {
                let value = async_half.send::<Value>(get_thing()).await;
                assert_eq!(value.expect("the nested call"), json!({"ok": true}));
            }
            inner.send(request).await
        })
    }
}

/// The async half awaited on that thread (here by the user's HTTP client) does not wait for
/// itself: its calls run on the runtime that polls them, the background thread's own. So it
/// is not refused.
#[test]
fn the_async_half_awaited_on_the_background_thread_works() {
    let server = server();
    let sent = within_deadline(move || {
        let cell: Arc<std::sync::OnceLock<BlockingClient>> = Arc::default();
        let http = NestingHttpClient {
            inner: mutagent_core::http_client::DefaultHttpClient::new().expect("http client"),
            cell: Arc::clone(&cell),
            nested: Arc::default(),
        };
        let client = builder(&server)
            .timeout(std::time::Duration::from_secs(5))
            .http_client(http)
            .build_blocking()
            .expect("client");
        cell.set(client.clone()).expect("set once");
        let value = client.send::<Value>(get_thing()).expect("both calls work");
        assert_eq!(value, json!({"ok": true}));
        server.requests().len()
    });
    assert_eq!(sent, 2, "the nested call, then the outer one");
}
