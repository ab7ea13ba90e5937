//! Cancellation: a call, a walk or a client dropped at each point where it waits. A Rust
//! caller cancels by dropping a future (`tokio::select!`, `tokio::time::timeout`) or a stream,
//! or drops a client while calls run. Each test checks what must hold afterwards: nothing
//! panics, nothing is left running, the client's next call succeeds on a sound connection, and
//! the cancelled call leaves nothing behind that a later call would read as its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mutagent_core::pagination::OffsetPage;
use mutagent_core::{ApiClient, Error, Method, Operation, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// `GET /api/things/1` on `client`, owning what it needs (so it can be spawned or dropped).
/// Runs `call` and drops it unfinished after `after`; panics if it finished first.
async fn dropped_after<T: std::fmt::Debug>(
    after: Duration,
    call: impl std::future::Future<Output = T>,
) {
    if let Ok(done) = tokio::time::timeout(after, call).await {
        panic!("the call finished before it could be dropped: {done:?}");
    }
}

/// A current-thread runtime whose tasks a test can count.
fn runtime() -> tokio::runtime::Runtime {
    current_thread_runtime()
}

/// Waits (on `runtime`, up to 5 s) until no task of it is alive; the count left otherwise.
fn tasks_left(runtime: &tokio::runtime::Runtime) -> usize {
    let started = Instant::now();
    loop {
        let alive = runtime.metrics().num_alive_tasks();
        if alive == 0 || started.elapsed() > Duration::from_secs(5) {
            return alive;
        }
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(20)).await });
    }
}

/// A call dropped while it waits for the answer's head: the connection it was using is not
/// handed to the next call (which would read the late answer as its own); the next call gets
/// its own answer, and nothing is left running once the client is gone.
#[test]
fn a_call_dropped_while_waiting_for_the_head_leaves_the_client_sound() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"n": 1})).delay(Duration::from_millis(600)),
        Reply::json(200, json!({"n": 2})),
    ]);
    let runtime = runtime();
    let client = builder(&server).build().expect("client");
    runtime.block_on(async {
        dropped_after(Duration::from_millis(200), get(&client)).await;
        assert_eq!(get(&client).await.expect("next call"), json!({"n": 2}));
        // The late answer of the dropped call is never read as anyone's.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(get(&client).await.expect("third call"), json!({"n": 2}));
    });
    assert_eq!(server.requests().len(), 3);
    // The count sees the pooled connection's task, so its end below means something.
    assert!(runtime.metrics().num_alive_tasks() > 0);
    drop(client);
    assert_eq!(
        tasks_left(&runtime),
        0,
        "a connection task outlived its client"
    );
}

/// A call dropped while its answer's body is arriving: the rest of that body is never read as
/// the next answer (the connection is not reused with bytes pending).
#[test]
fn a_call_dropped_mid_body_leaves_the_client_sound() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"n": 1, "padding": "x".repeat(64)}))
            .drip(4, Duration::from_millis(50)),
        Reply::json(200, json!({"n": 2})),
    ]);
    let runtime = runtime();
    let client = builder(&server).build().expect("client");
    runtime.block_on(async {
        dropped_after(Duration::from_millis(300), get(&client)).await;
        for _ in 0..3 {
            assert_eq!(get(&client).await.expect("next call"), json!({"n": 2}));
        }
    });
    drop(client);
    assert_eq!(
        tasks_left(&runtime),
        0,
        "a connection task outlived its client"
    );
}

/// A call dropped while it connects (to an address that never completes the handshake):
/// nothing panics and nothing keeps connecting once the client is gone.
#[test]
fn a_call_dropped_while_connecting_leaves_nothing_running() {
    let runtime = runtime();
    let (addr, _filling, _listener) = runtime.block_on(async { black_hole() });
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(800))
        .build()
        .expect("client");
    runtime.block_on(dropped_after(Duration::from_millis(200), get(&client)));
    drop(client);
    // A connection attempt the pool goes on with in the background ends at the latest at the
    // connect timeout.
    assert_eq!(
        tasks_left(&runtime),
        0,
        "a connection attempt outlived its call"
    );
}

/// A call dropped while the token provider runs: the provider's future is dropped with it
/// (not left running), and the next call asks the provider again and succeeds. Neither a
/// missing token nor an error of the dropped call is handed to it.
#[test]
fn a_call_dropped_while_the_token_provider_runs_does_not_poison_the_next() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let asked = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let (counter, done) = (Arc::clone(&asked), Arc::clone(&finished));
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .server_url(server.url())
        .token_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let done = Arc::clone(&done);
            async move {
                // The first provider call is slow: its call is dropped meanwhile.
                let stall = if n == 1 { 600 } else { 10 };
                tokio::time::sleep(Duration::from_millis(stall)).await;
                done.fetch_add(1, Ordering::SeqCst);
                Ok::<_, std::io::Error>(format!("token-{n}"))
            }
        })
        .build()
        .expect("client");
    let runtime = runtime();
    runtime.block_on(async {
        dropped_after(Duration::from_millis(100), get(&client)).await;
        assert_eq!(get(&client).await.expect("next call"), json!({"ok": true}));
        tokio::time::sleep(Duration::from_millis(700)).await;
    });
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the dropped provider call ran on"
    );
    let sent = server.single_request();
    assert_eq!(sent.header("authorization"), Some("Bearer token-2"));
    drop(client);
    assert_eq!(tasks_left(&runtime), 0);
}

/// A page walk dropped while it fetches its second page: the next call on the client gets its
/// own answer, and nothing is left running once the client is gone.
#[test]
fn a_walk_dropped_mid_page_leaves_the_client_sound() {
    static LIST_THINGS: Operation =
        Operation::new("test", "list_things", Method::Get, "/api/things");
    let page = |offset: u64, items: &[u32]| {
        Reply::json(
            200,
            json!({"data": items, "total": 4, "limit": 2, "offset": offset,
                   "hasNext": offset == 0, "hasPrevious": offset > 0}),
        )
    };
    let server = ScriptedServer::start(vec![
        page(0, &[1, 2]),
        page(2, &[3, 4]).delay(Duration::from_millis(600)),
        Reply::json(200, json!({"n": 2})),
    ]);
    let runtime = runtime();
    let client = builder(&server).build().expect("client");
    runtime.block_on(async {
        let request = LIST_THINGS.request().query("limit", Some(2u32)).build();
        let mut items = client.paginate::<OffsetPage<u32>>(request);
        assert_eq!(items.next().await.transpose().expect("item"), Some(1));
        assert_eq!(items.next().await.transpose().expect("item"), Some(2));
        dropped_after(Duration::from_millis(200), items.next()).await;
        drop(items);
        assert_eq!(get(&client).await.expect("next call"), json!({"n": 2}));
    });
    assert_eq!(server.requests().len(), 3);
    drop(client);
    assert_eq!(
        tasks_left(&runtime),
        0,
        "a connection task outlived its client"
    );
}

/// A walk's `next()` given up by a timeout, the walk kept: the next `next()` takes up the same
/// page fetch (it lives in the stream, not in the dropped future), so no page is asked twice
/// and no item is lost or repeated.
#[test]
fn a_walks_next_given_up_by_a_timeout_resumes_the_same_fetch() {
    static LIST_THINGS: Operation =
        Operation::new("test", "list_things", Method::Get, "/api/things");
    let server = ScriptedServer::start(vec![
        Reply::json(
            200,
            json!({"data": [1, 2], "total": 3, "limit": 2, "offset": 0,
                   "hasNext": true, "hasPrevious": false}),
        ),
        Reply::json(
            200,
            json!({"data": [3], "total": 3, "limit": 2, "offset": 2,
                   "hasNext": false, "hasPrevious": true}),
        )
        .delay(Duration::from_millis(400)),
    ]);
    let runtime = runtime();
    let client = builder(&server).build().expect("client");
    let items = runtime.block_on(async {
        let request = LIST_THINGS.request().query("limit", Some(2u32)).build();
        let mut items = client.paginate::<OffsetPage<u32>>(request);
        let mut seen = Vec::new();
        let mut gave_up = 0;
        loop {
            match tokio::time::timeout(Duration::from_millis(100), items.next()).await {
                Err(_elapsed) => gave_up += 1,
                Ok(Some(item)) => seen.push(item.expect("item")),
                Ok(None) => break,
            }
        }
        assert!(
            gave_up >= 2,
            "the second page was waited for across timeouts"
        );
        seen
    });
    assert_eq!(items, [1, 2, 3]);
    assert_eq!(server.requests().len(), 2, "each page asked once");
}

/// A call dropped while it waits for a free slot (`max_concurrent_requests(1)`, the slot held
/// by a slow call): the slot is not lost, the slow call and the next one both succeed.
#[test]
fn a_call_dropped_while_waiting_for_a_slot_loses_no_slot() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"n": 1})).delay(Duration::from_millis(400)),
        Reply::json(200, json!({"n": 2})),
    ]);
    let runtime = runtime();
    let client = builder(&server)
        .max_concurrent_requests(1)
        .build()
        .expect("client");
    runtime.block_on(async {
        let slow = tokio::spawn(get(&client));
        tokio::time::sleep(Duration::from_millis(100)).await;
        dropped_after(Duration::from_millis(100), get(&client)).await;
        assert_eq!(
            slow.await.expect("task").expect("slow call"),
            json!({"n": 1})
        );
        let next = tokio::time::timeout(Duration::from_secs(5), get(&client)).await;
        assert_eq!(next.expect("a slot").expect("next call"), json!({"n": 2}));
    });
    assert_eq!(server.requests().len(), 2, "the dropped call sent nothing");
}

/// The runtime that made a client's calls dropped (with the task driving the pooled
/// connection, and a call still in flight), the client kept: its next call, from another
/// runtime, does not reuse the dead connection and gets its own answer.
#[test]
fn a_client_outlives_the_runtime_that_made_its_calls() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"n": 1})),
        Reply::json(200, json!({"n": 2})).delay(Duration::from_millis(500)),
        Reply::json(200, json!({"n": 3})),
    ]);
    let client = builder(&server).build().expect("client");
    let first = runtime();
    first.block_on(async {
        assert_eq!(get(&client).await.expect("first call"), json!({"n": 1}));
        // In flight when the runtime goes.
        drop(tokio::spawn(get(&client)));
        tokio::time::sleep(Duration::from_millis(100)).await;
    });
    drop(first);
    let second = runtime();
    let answer =
        second.block_on(async { tokio::time::timeout(Duration::from_secs(5), get(&client)).await });
    assert_eq!(
        answer.expect("in time").expect("next call"),
        json!({"n": 3})
    );
}

/// The blocking client cannot drop a call, but a call's own timeout drops its exchange the
/// same way, on the background runtime: cut while waiting for the head, then mid-body, each
/// time the next call gets its own answer (the cut connections are not reused).
#[test]
fn blocking_calls_cut_by_their_timeout_leave_the_client_sound() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"n": 1})).delay(Duration::from_millis(800)),
        Reply::json(200, json!({"n": 2})),
        Reply::json(200, json!({"n": 3, "padding": "x".repeat(64)}))
            .drip(4, Duration::from_millis(50)),
        Reply::json(200, json!({"n": 4})),
    ]);
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build_blocking()
        .expect("client");
    let hasty =
        client.with_options(mutagent_core::CallOptions::new().timeout(Duration::from_millis(300)));
    let err = hasty
        .send::<Value>(get_thing())
        .expect_err("cut waiting for the head");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(
        client.send::<Value>(get_thing()).expect("next"),
        json!({"n": 2})
    );
    let err = hasty.send::<Value>(get_thing()).expect_err("cut mid-body");
    assert!(matches!(err, Error::AnswerLost { .. }), "{err:?}");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        client.send::<Value>(get_thing()).expect("next"),
        json!({"n": 4})
    );
    assert_eq!(
        client.send::<Value>(get_thing()).expect("again"),
        json!({"n": 4})
    );
}

/// A call made while its runtime is being shut down (from a `spawn_blocking` task that goes
/// on while the runtime is dropped, as a flush at exit does): Tokio panics when a timer is
/// used then ("A Tokio 1.x context was found, but it is being shutdown."), and every call
/// needs one for its timeout. The call answers `Error::Runtime` with
/// `RuntimeProblem::ShuttingDown` instead; before, it panicked in the caller's thread.
#[test]
fn a_call_made_while_its_runtime_shuts_down_is_a_typed_error() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server).build().expect("client");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    // A first call, so the runtime's drivers are known (probed) before the shutdown.
    let first = runtime.block_on(get(&client));
    assert_eq!(first.expect("first call"), json!({"ok": true}));
    let handle = runtime.handle().clone();
    let late = client.clone();
    let (tell, told) = std::sync::mpsc::channel();
    let (drop_begins, dropping) = std::sync::mpsc::channel::<()>();
    runtime.spawn_blocking(move || {
        // Dropping the runtime waits for this task; once the drop has begun, its drivers
        // are shut down within moments.
        let _ = dropping.recv();
        std::thread::sleep(Duration::from_millis(200));
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handle.block_on(late.send::<Value>(get_thing()))
        }));
        let _ = tell.send(answer.map_err(|_| "the call panicked"));
    });
    let _ = drop_begins.send(());
    drop(runtime);
    let err = told
        .recv()
        .expect("told")
        .expect("no panic")
        .expect_err("no call on a runtime shutting down");
    assert!(
        matches!(
            err,
            Error::Runtime {
                operation: "get_thing",
                problem: mutagent_core::RuntimeProblem::ShuttingDown,
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "[get_thing] the Tokio runtime this call runs on is shutting down, so no call can be \
         made on it any more; make the call before the runtime is dropped, or use the \
         `BlockingClient`, whose runtime is its own; nothing was sent"
    );
}

/// The last clone of a client dropped while calls it started run (one spawned, one a future
/// not yet polled): each call holds what it needs and succeeds, and once they are done
/// nothing of the client is left running.
#[test]
fn the_last_client_dropped_while_its_calls_run() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"ok": true})).delay(Duration::from_millis(200))
    ]);
    let runtime = runtime();
    let client = builder(&server).build().expect("client");
    let (spawned, pending) = runtime.block_on(async {
        let spawned = tokio::spawn(get(&client));
        let pending = get(&client);
        tokio::task::yield_now().await;
        drop(client);
        (spawned.await.expect("task"), pending.await)
    });
    assert_eq!(spawned.expect("spawned call"), json!({"ok": true}));
    assert_eq!(pending.expect("pending call"), json!({"ok": true}));
    assert_eq!(
        tasks_left(&runtime),
        0,
        "a connection task outlived its client"
    );
}

/// Clones of a blocking client dropped while other threads are inside calls: those calls
/// finish with their answers, nothing panics on the background runtime's thread, and that
/// thread ends once the last clone is gone (it is found through the token provider, which
/// the blocking client's calls run on it).
#[test]
fn blocking_clients_dropped_while_other_threads_call() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"ok": true})).delay(Duration::from_millis(300))
    ]);
    let runtime_thread: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let seen = Arc::clone(&runtime_thread);
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .server_url(server.url())
        .token_provider(move || {
            // `/proc/thread-self` names the task (thread) the provider runs on.
            let me = std::fs::read_link("/proc/thread-self")
                .ok()
                .and_then(|path| {
                    path.file_name()
                        .map(|tid| tid.to_string_lossy().into_owned())
                });
            *seen.lock().expect("lock") = me;
            async { Ok::<_, std::io::Error>(String::from("token")) }
        })
        .build_blocking()
        .expect("client");
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.send::<Value>(get_thing()))
        })
        .collect();
    // The calls are under way (the server holds each answer 300 ms).
    let started = Instant::now();
    while server.requests().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no call was sent"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(client);
    for caller in callers {
        let answer = caller.join().expect("no panic on a caller's thread");
        assert_eq!(answer.expect("the call"), json!({"ok": true}));
    }
    let tid = runtime_thread
        .lock()
        .expect("lock")
        .clone()
        .expect("the provider ran on the background thread");
    let task = format!("/proc/self/task/{tid}");
    let started = Instant::now();
    while std::path::Path::new(&task).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the background thread {tid} outlived the last clone"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
/// Calls dropped while they wait to retry (a 503, then a long back-off) have sent nothing
/// more: they must not use up the client's retry budget, which is meant to count retries
/// sent to a failing server. 100 such calls cost the whole budget (5 per retry, 500 in all)
/// before, and the next call, answered 503 then 200, was not retried.
#[test]
fn calls_dropped_during_a_retry_wait_do_not_use_up_the_retry_budget() {
    // 100 refusals for the calls that are dropped, then a refusal and a success for the next.
    let mut replies = vec![Reply::json(503, json!({})); 101];
    replies.push(Reply::json(200, json!({"ok": true})));
    let server = ScriptedServer::start(replies);
    let runtime = multi_thread_runtime();
    let client = builder(&server)
        .max_concurrent_requests(128)
        .retry_policy(
            RetryPolicy::new()
                .max_retries(1)
                .initial_backoff(Duration::from_secs(30))
                .jitter(false),
        )
        .build()
        .expect("client");
    runtime.block_on(async {
        let calls: Vec<_> = (0..100).map(|_| tokio::spawn(get(&client))).collect();
        // Every call has had its 503 and waits to retry.
        let started = Instant::now();
        while server.requests().len() < 100 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the calls were not sent"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        for call in &calls {
            call.abort();
        }
        for call in calls {
            assert!(call.await.expect_err("aborted").is_cancelled());
        }
        assert_eq!(server.requests().len(), 100, "no retry was sent");

        // The next call's retry is still allowed: 503, then 200.
        let next =
            client.with_options(mutagent_core::CallOptions::new().retry_policy(fast_retries()));
        assert_eq!(get(&next).await.expect("retried"), json!({"ok": true}));
    });
    assert_eq!(server.requests().len(), 102);
}

/// Calls made one after another on a runtime being shut down: the first finds it out (its
/// probe runs the panic hook, which tokio's panic goes through even when caught), the others
/// remember it, so an app whose hook sends crash reports gets one, not one per call.
#[test]
fn calls_on_a_runtime_shutting_down_run_the_panic_hook_once() {
    let hooked = PanicHookCounter::install();
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server).build().expect("client");
    let answers = mutagent_test_support::while_a_runtime_shuts_down(move |handle| {
        PanicHookCounter::count_this_thread(true);
        let answers: Vec<_> = (0..10)
            .map(|_| handle.block_on(client.send::<Value>(get_thing())))
            .collect();
        PanicHookCounter::count_this_thread(false);
        answers
    });
    for answer in answers {
        let err = answer.expect_err("no call on a runtime shutting down");
        assert!(
            matches!(
                err,
                Error::Runtime {
                    problem: mutagent_core::RuntimeProblem::ShuttingDown,
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(hooked.runs(), 1, "once for the runtime");
    assert_eq!(server.connections(), 0);
}
