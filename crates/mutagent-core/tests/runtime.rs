//! Async calls made where they cannot run: on a Tokio runtime built without timers or without
//! I/O, or outside Tokio. Each gets a typed `Error::Runtime` that says how to build the
//! runtime, before anything is sent; none panics. Every call runs inside `catch_unwind`, so a
//! panic fails the test rather than aborting it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use mutagent_core::http_client::{BoxFuture, HttpClient, HttpError, ResponseBody};
use mutagent_core::polling::Deadline;
use mutagent_core::{Error, RuntimeProblem};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// A current-thread runtime with only the drivers `enable` turns on.
fn runtime(enable: impl FnOnce(&mut tokio::runtime::Builder)) -> tokio::runtime::Runtime {
    let mut builder = tokio::runtime::Builder::new_current_thread();
    enable(&mut builder);
    builder.build().expect("runtime")
}

/// Runs `call` to completion on `runtime`; a panic is returned as the test's failure message.
fn run<T>(runtime: &tokio::runtime::Runtime, call: impl Future<Output = T>) -> T {
    match catch_unwind(AssertUnwindSafe(|| runtime.block_on(call))) {
        Ok(answer) => answer,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            panic!("the call panicked instead of returning an error: {message}")
        }
    }
}

/// Asserts that `err` is the typed runtime error of `get_thing` for `problem`, whose message
/// says how to fix it.
fn assert_runtime_error(err: &Error, problem: RuntimeProblem, fix: &str) {
    assert!(
        matches!(err, Error::Runtime { operation: "get_thing", problem: p } if *p == problem),
        "{err:#?}"
    );
    let message = err.to_string();
    assert!(message.contains("enable_all()"), "{message}");
    assert!(message.contains(fix), "{message}");
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(!err.is_retryable(), "the same runtime fails the same way");
    assert_eq!(err.attempts(), None);
    assert_eq!(err.operation(), Some("get_thing"));
}

/// Two calls through `client` on `runtime` (the second after the first found the problem out),
/// each refused with `problem` naming `fix`, and no connection made to `server`.
fn every_call_refused(
    runtime: &tokio::runtime::Runtime,
    client: &mutagent_core::Client,
    server: &ScriptedServer,
    problem: RuntimeProblem,
    fix: &str,
) {
    for _ in 0..2 {
        let err = run(runtime, client.send::<Value>(get_thing())).expect_err("refused");
        assert_runtime_error(&err, problem, fix);
    }
    assert_eq!(server.connections(), 0, "nothing may be sent");
}

/// A runtime without timers: every call (not only the first) is refused with a typed error
/// before anything is sent; the same client then works on a runtime that has them.
#[test]
fn a_runtime_without_timers_gets_a_typed_error_and_nothing_is_sent() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"id": 1}))]);
    let client = builder(&server).build().expect("client");
    let no_timers = runtime(|builder| {
        builder.enable_io();
    });
    every_call_refused(
        &no_timers,
        &client,
        &server,
        RuntimeProblem::TimersDisabled,
        "enable_time()",
    );
    let full = runtime(|builder| {
        builder.enable_all();
    });
    let answer: Value = run(&full, client.send(get_thing())).expect("a full runtime works");
    assert_eq!(answer, json!({"id": 1}));
}

/// A token provider is not even asked on a runtime without timers: the check comes first.
#[test]
fn a_runtime_without_timers_is_refused_before_the_token_provider_is_asked() {
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&asked);
    let client = nobody_listening()
        .token_provider(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async { Ok::<_, std::io::Error>("token".to_owned()) }
        })
        .build()
        .expect("client");
    let no_timers = runtime(|builder| {
        builder.enable_io();
    });
    let err = run(&no_timers, client.send::<Value>(get_thing())).expect_err("refused");
    assert_runtime_error(&err, RuntimeProblem::TimersDisabled, "enable_time()");
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// A runtime without I/O: the default HTTP client cannot connect there (tokio panics when
/// the socket is registered), so the call is refused with a typed error instead.
#[test]
fn a_runtime_without_io_gets_a_typed_error_with_the_default_http_client() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"id": 1}))]);
    let client = builder(&server).build().expect("client");
    let no_io = runtime(|builder| {
        builder.enable_time();
    });
    every_call_refused(
        &no_io,
        &client,
        &server,
        RuntimeProblem::IoDisabled,
        "enable_io()",
    );
}

/// An HTTP client of the application's own may not need Tokio's I/O: a runtime without it is
/// not refused then.
#[test]
fn a_runtime_without_io_is_fine_for_an_http_client_of_your_own() {
    #[derive(Debug)]
    struct Canned;
    impl HttpClient for Canned {
        fn send(
            &self,
            _request: http::Request<Bytes>,
        ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
            Box::pin(async { Ok(http::Response::new(ResponseBody::from_bytes("{\"id\":2}"))) })
        }
    }
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .http_client(Canned)
        .build()
        .expect("client");
    let no_io = runtime(|builder| {
        builder.enable_time();
    });
    let answer: Value = run(&no_io, client.send(get_thing())).expect("answered");
    assert_eq!(answer, json!({"id": 2}));
}

/// Polled outside any Tokio runtime (another executor), a call is refused on its first poll.
#[test]
fn a_call_outside_tokio_gets_a_typed_error() {
    let client = nobody_listening().build().expect("client");
    let mut call = Box::pin(client.send::<Value>(get_thing()));
    let polled = catch_unwind(AssertUnwindSafe(|| {
        call.as_mut().poll(&mut Context::from_waker(Waker::noop()))
    }))
    .unwrap_or_else(|_| panic!("polling outside Tokio panicked"));
    let Poll::Ready(Err(err)) = polled else {
        panic!("the first poll must refuse the call");
    };
    assert_runtime_error(&err, RuntimeProblem::NoTokioRuntime, "Tokio");
}

/// The waits cut their calls short with `Deadline::within`: on a runtime without timers it
/// answers the call's typed error instead of panicking in the timer it would set.
#[test]
fn a_wait_on_a_runtime_without_timers_answers_the_typed_error() {
    let client = nobody_listening().build().expect("client");
    let no_timers = runtime(|builder| {
        builder.enable_io();
    });
    let answer = run(&no_timers, async {
        let deadline = Deadline::start(Some(Duration::from_secs(30)));
        deadline.within(client.send::<Value>(get_thing())).await
    });
    let err = answer.expect("not cut short").expect_err("refused");
    assert_runtime_error(&err, RuntimeProblem::TimersDisabled, "enable_time()");
}

/// The blocking client runs its calls on a runtime of its own, which has every driver: used
/// from inside a runtime without timers or I/O it still works.
#[test]
fn the_blocking_client_works_from_a_runtime_without_timers_or_io() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"id": 1})),
        Reply::json(200, json!({"id": 1})),
    ]);
    let client = builder(&server).build_blocking().expect("client");
    for bare in [
        runtime(|builder| {
            builder.enable_io();
        }),
        runtime(|builder| {
            builder.enable_time();
        }),
    ] {
        let answer: Value = run(&bare, async { client.send(get_thing()) }).expect("answered");
        assert_eq!(answer, json!({"id": 1}));
    }
    assert_eq!(server.requests().len(), 2);
}

/// The probe that finds the timers missing runs the panic hook (tokio panics, the SDK catches
/// it): once per thread and runtime, not once per call.
#[test]
fn the_probe_runs_the_panic_hook_once_per_runtime() {
    let hooked = PanicHookCounter::install();
    let client = nobody_listening().build().expect("client");
    PanicHookCounter::count_this_thread(true);
    for _ in 0..2 {
        let no_timers = runtime(|builder| {
            builder.enable_io();
        });
        for _ in 0..3 {
            let err = run(&no_timers, client.send::<Value>(get_thing())).expect_err("refused");
            assert_runtime_error(&err, RuntimeProblem::TimersDisabled, "enable_time()");
        }
    }
    PanicHookCounter::count_this_thread(false);
    assert_eq!(hooked.runs(), 2, "once for each runtime");
}

/// The default HTTP client used on its own (inside a client of your own, a tower service)
/// needs timers too (its connect timeout): on a runtime without them its `send` answers a
/// connect error carrying the `RuntimeProblem`, not a panic, and connects to nothing.
#[test]
fn the_default_http_client_alone_answers_a_runtime_problem_without_timers() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"id": 1}))]);
    let http = mutagent_core::http_client::DefaultHttpClient::new().expect("http client");
    let no_timers = runtime(|builder| {
        builder.enable_io();
    });
    let request = http::Request::get(format!("{}/api/things/1", server.url()))
        .body(Bytes::new())
        .expect("request");
    let Err(err) = run(&no_timers, http.send(request)) else {
        panic!("refused");
    };
    assert!(err.is_connect(), "{err:?}");
    let problem =
        std::error::Error::source(&err).and_then(|source| source.downcast_ref::<RuntimeProblem>());
    assert_eq!(problem, Some(&RuntimeProblem::TimersDisabled), "{err:?}");
    assert_eq!(server.connections(), 0);
}

/// A multi-thread runtime without timers: calls spawned on its workers (each probes once) are
/// refused alike.
#[test]
fn a_multi_thread_runtime_without_timers_is_refused_on_every_worker() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"id": 1}))]);
    let client = builder(&server).build().expect("client");
    let no_timers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .expect("runtime");
    let errors = run(&no_timers, async {
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.send::<Value>(get_thing()).await })
            })
            .collect();
        let mut errors = Vec::new();
        for call in calls {
            errors.push(call.await.expect("the task did not panic"));
        }
        errors
    });
    for answer in errors {
        let err = answer.expect_err("refused");
        assert_runtime_error(&err, RuntimeProblem::TimersDisabled, "enable_time()");
    }
    assert_eq!(server.connections(), 0, "nothing may be sent");
}
