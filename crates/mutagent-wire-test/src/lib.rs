//! Helpers shared by the wire tests of the namespace crates: clients aimed at a scripted
//! server, the checks every request shares, and [`both`], which runs one call through the
//! async and the blocking client and checks they send and decode alike.
//!
//! (`mutagent-core` cannot use this crate for its own tests: it depends on the core.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::future::Future;
use std::pin::Pin;

pub use mutagent_core::{BlockingClient, Client, Error};
pub use mutagent_test_support::{Recorded, Reply, ScriptedServer};
use serde_json::Value;

#[doc(hidden)]
pub use serde_json as __serde_json;

/// The API key every wire test sends.
pub const KEY: &str = "mt_wire_test_key";

/// An async client aimed at `server`, ignoring the process environment.
///
/// # Panics
/// When the client cannot be built (a broken test).
pub fn async_client(server: &ScriptedServer) -> Client {
    Client::builder()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(server.url())
        .build()
        .expect("client")
}

/// A blocking client aimed at `server`, ignoring the process environment.
///
/// # Panics
/// When the client cannot be built (a broken test).
pub fn blocking_client(server: &ScriptedServer) -> BlockingClient {
    Client::builder()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(server.url())
        .build_blocking()
        .expect("blocking client")
}

/// A current-thread runtime for driving one async call from a plain `#[test]`.
///
/// # Panics
/// When no runtime can be built (a broken test machine).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Checks the parts every request shares: method, path, query, key, `accept`, and the JSON
/// body with its `content-type` (or no body and no `content-type`).
///
/// # Panics
/// When any part differs (that is the test failing).
pub fn assert_common(
    request: &Recorded,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: Option<Value>,
) {
    assert_eq!(request.method, method);
    assert_eq!(request.path, path);
    assert_eq!(request.query.as_deref(), query);
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("accept"), Some("application/json"));
    match body {
        Some(expected) => {
            assert_eq!(request.header("content-type"), Some("application/json"));
            assert_eq!(request.json(), expected);
        }
        None => {
            assert!(request.body.is_empty(), "unexpected body {request:?}");
            assert_eq!(request.header("content-type"), None);
        }
    }
}

/// Checks that a call was refused before anything was sent, as invalid input in `field`,
/// and returns the error for further checks.
///
/// # Panics
/// When the call succeeded or failed otherwise (that is the test failing).
#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, field: &str) -> Error {
    let err = result.expect_err("refused before sending");
    assert!(
        matches!(&err, Error::InvalidInput { field: got, .. } if got == field),
        "expected invalid input in `{field}`, got {err}"
    );
    err
}

/// Runs `call` on the blocking client against a server whose one answer (`reply`) stalls for
/// 5 s, and returns the error `call` gave up with; checks that it gave up within 2 s, so its
/// own deadline ended it, not the stalled answer.
///
/// # Panics
/// When `call` succeeded or took too long (that is the test failing).
pub fn against_a_stalled_answer<T: std::fmt::Debug, E>(
    reply: Reply,
    call: impl FnOnce(BlockingClient) -> Result<T, E>,
) -> E {
    let server = ScriptedServer::start(vec![reply.delay(std::time::Duration::from_secs(5))]);
    let started = std::time::Instant::now();
    let err = call(blocking_client(&server)).expect_err("given up");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    err
}

/// A member of an organization or a workspace (`userId` with `role`) as the server answers
/// the members' operations, its user included; the two namespaces share this shape (an
/// organization's member adds a `status`).
pub fn member_json(user_id: &str, role: &str) -> Value {
    serde_json::json!({
        "id": "mem_1",
        "userId": user_id,
        "role": role,
        "user": {"id": user_id, "name": "Dev", "email": "dev@example.com", "image": null},
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z"
    })
}

/// A 503 answer asking to retry at once, so the transport's retries (3, 4 attempts a call)
/// pass quickly: one failed poll of a wait is 4 of these.
pub fn unavailable() -> Reply {
    Reply::json(
        503,
        serde_json::json!({"error": "Service Unavailable", "message": "restarting"}),
    )
    .header("retry-after", "0")
}

/// Runs `wait` (an async wait polling `server`) for `cut_after`, then drops it while it still
/// waits, and checks that nothing polls `server` after the drop (a request already on its way
/// may still be read in the first 200 ms). Returns the number of requests `server` received,
/// for the test to check what the wait did before.
///
/// # Panics
/// When the wait ended within `cut_after`, or a request came after the drop (that is the
/// test failing).
pub fn dropped_mid_wait<T: std::fmt::Debug>(
    server: &ScriptedServer,
    wait: impl Future<Output = T>,
    cut_after: std::time::Duration,
) -> usize {
    runtime().block_on(async {
        let cut = tokio::time::timeout(cut_after, wait).await;
        assert!(cut.is_err(), "still waiting when dropped: {cut:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let polls = server.requests().len();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(
            server.requests().len(),
            polls,
            "nothing polls after the drop"
        );
        polls
    })
}

/// Runs `checks` with a blocking client aimed at a server that would answer `{}` to
/// anything, then checks that nothing reached it: for the calls the SDK must refuse before
/// sending.
///
/// # Panics
/// When a request was sent, or a check fails (that is the test failing).
pub fn nothing_sent(checks: impl FnOnce(&BlockingClient)) {
    let server = ScriptedServer::start(vec![Reply::json(200, serde_json::json!({}))]);
    checks(&blocking_client(&server));
    assert!(server.requests().is_empty(), "nothing may be sent");
}

/// An async call of a test, boxed so that closures of different tests share one type (its
/// error is the SDK's [`Error`] unless the helper called has its own).
pub type AsyncCall<T, E = Error> = Pin<Box<dyn Future<Output = Result<T, E>>>>;

/// Runs a call through the async client, then through the blocking one, each against a
/// fresh server answering `reply`; checks that both sent the same request and decoded the
/// same value, and returns the request and the value.
///
/// # Panics
/// When either call fails or the two differ (that is the test failing).
pub fn both<T: PartialEq + std::fmt::Debug>(
    reply: Reply,
    call_async: impl FnOnce(Client) -> AsyncCall<T>,
    call_blocking: impl FnOnce(BlockingClient) -> Result<T, Error>,
) -> (Recorded, T) {
    let (value, server) = both_scripted(vec![reply], call_async, call_blocking);
    (server.single_request(), value)
}

/// [`both`] for a call that may send several requests (a walk over every page, a wait, a
/// helper made of several calls): each client runs it against a fresh server answering
/// `replies` in order. Checks that both succeeded with the same value and sent the same
/// requests (method, path, query, body), and returns the value and the async run's server,
/// whose requests the test may check further.
///
/// # Panics
/// When either call fails or the two differ (that is the test failing).
pub fn both_scripted<T: PartialEq + std::fmt::Debug, E: std::fmt::Debug>(
    replies: Vec<Reply>,
    call_async: impl FnOnce(Client) -> AsyncCall<T, E>,
    call_blocking: impl FnOnce(BlockingClient) -> Result<T, E>,
) -> (T, ScriptedServer) {
    let async_server = ScriptedServer::start(replies.clone());
    let from_async = runtime()
        .block_on(call_async(async_client(&async_server)))
        .expect("async call");

    let blocking_server = ScriptedServer::start(replies);
    let from_blocking = call_blocking(blocking_client(&blocking_server)).expect("blocking call");

    assert_eq!(from_async, from_blocking, "async and blocking decode alike");
    let sent = |server: &ScriptedServer| {
        server
            .requests()
            .into_iter()
            .map(|r| (r.method.clone(), r.path.clone(), r.query.clone(), r.json()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        sent(&async_server),
        sent(&blocking_server),
        "async and blocking send alike"
    );
    (from_async, async_server)
}

/// Runs a call that must fail through the async client, then through the blocking one, each
/// against a fresh server answering `replies`, and hands each error to `check` with that
/// server (its requests) and the client's name, `"async"` or `"blocking"`, for the message
/// of a failing check.
///
/// # Panics
/// When either call succeeds, or `check` fails (that is the test failing).
pub fn both_failing<T: std::fmt::Debug, E>(
    replies: Vec<Reply>,
    call_async: impl FnOnce(Client) -> AsyncCall<T, E>,
    call_blocking: impl FnOnce(BlockingClient) -> Result<T, E>,
    check: impl Fn(E, &ScriptedServer, &str),
) {
    let server = ScriptedServer::start(replies.clone());
    let err = runtime()
        .block_on(call_async(async_client(&server)))
        .expect_err("async call");
    check(err, &server, "async");

    let server = ScriptedServer::start(replies);
    let err = call_blocking(blocking_client(&server)).expect_err("blocking call");
    check(err, &server, "blocking");
}

/// Checks that `server` received exactly one request per entry of `expected`, in order, each
/// with that query string (the pages a list-all call walked).
///
/// # Panics
/// When the queries differ (that is the test failing).
pub fn assert_queries<S: AsRef<str>>(server: &ScriptedServer, expected: &[S]) {
    let queries: Vec<Option<String>> = server.requests().into_iter().map(|r| r.query).collect();
    let expected: Vec<Option<String>> = expected
        .iter()
        .map(|query| Some(query.as_ref().to_owned()))
        .collect();
    assert_eq!(queries, expected, "the queries of the pages, in order");
}

/// [`both`] for one call written once: `$call` (an expression using the client `$c`) runs
/// through the async client (awaited) and through the blocking one. The expression is
/// evaluated once per client; it may borrow the test's locals (parameters, bodies), since an
/// async call's future owns its request once made.
///
/// ```ignore
/// let (request, agent) = both_call!(Reply::json(200, agent), |c| c.agents().get_agent(7));
/// ```
#[macro_export]
macro_rules! both_call {
    ($reply:expr, |$c:ident| $call:expr $(,)?) => {
        $crate::both($reply, |$c| ::std::boxed::Box::pin($call), |$c| $call)
    };
}

/// Checks that `error` (a wait's deadline error, converted) is the [`Error::Timeout`] of
/// `operation` carrying the wait's deadline and its number of polls.
///
/// # Panics
/// When it is anything else (that is the test failing).
pub fn assert_wait_timeout(
    error: Error,
    operation: &str,
    deadline: std::time::Duration,
    polls: u32,
) {
    assert!(error.is_timeout(), "{error}");
    assert!(
        matches!(
            &error,
            Error::Timeout { operation: op, timeout, attempts, .. }
                if *op == operation && *timeout == deadline && *attempts == polls
        ),
        "the deadline and the polls carried over: {error:?}"
    );
}

/// Checks that `server` received exactly the requests of `expected`, in order, each written
/// as `"METHOD /path"` (the steps of a helper made of several calls).
///
/// # Panics
/// When the requests differ (that is the test failing).
pub fn assert_paths<S: AsRef<str>>(server: &ScriptedServer, expected: &[S]) {
    let sent: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
    assert_eq!(sent, expected, "the requests, in order");
}

/// [`both_scripted()`] for a call written once: `$call` runs through the async client (its
/// future awaited) and through the blocking one, against servers answering `$replies`.
#[macro_export]
macro_rules! both_scripted {
    ($replies:expr, |$c:ident| $call:expr $(,)?) => {
        $crate::both_scripted($replies, |$c| ::std::boxed::Box::pin($call), |$c| $call)
    };
}

/// [`both_failing()`] for a call written once: `$call` runs through the async client (its
/// future awaited) and through the blocking one, against servers answering `$replies`, and
/// `$check` gets each error with its server and the client's name.
///
/// ```ignore
/// both_fail!(vec![unavailable()], |c| c.prompt_evaluations().wait_for_evaluation_result(5, options),
///     |err, server, client| assert_eq!(server.requests().len(), 12, "{client}: {err}"));
/// ```
#[macro_export]
macro_rules! both_fail {
    ($replies:expr, |$c:ident| $call:expr, $check:expr $(,)?) => {
        $crate::both_failing(
            $replies,
            |$c| ::std::boxed::Box::pin($call),
            |$c| $call,
            $check,
        )
    };
}

/// [`both_scripted()`] for a walk over every page written once: `$walk` (a `*_all` call) is
/// collected from the async client's stream and from the blocking client's iterator, against
/// servers answering `$replies` (one page each); returns every item and the async run's server.
///
/// ```ignore
/// let (agents, server) = both_walk!(pages, |c| c.agents().list_agents_all(&params));
/// assert_queries(&server, &["limit=2&offset=0", "limit=2&offset=2"]);
/// ```
#[macro_export]
macro_rules! both_walk {
    ($replies:expr, |$c:ident| $walk:expr $(,)?) => {
        $crate::both_scripted(
            $replies,
            |$c| ::std::boxed::Box::pin($walk.try_collect()),
            |$c| $walk.collect::<::std::result::Result<::std::vec::Vec<_>, _>>(),
        )
    };
}

/// [`both_call!`] for a call the SDK answers with the server's JSON, whole (an answer the
/// contract leaves untyped): checks the request (`$method` on `$path`, no query, no body)
/// and that the answer is `$json`, nothing dropped, through both clients.
///
/// ```ignore
/// assert_json_answer!("GET", "/api/prompt/3/analytics", json!({"executions": 10}), |c| c
///     .prompt()
///     .get_prompt_analytics(3));
/// ```
#[macro_export]
macro_rules! assert_json_answer {
    ($method:expr, $path:expr, $json:expr, |$c:ident| $call:expr $(,)?) => {{
        let json: $crate::__serde_json::Value = $json;
        let (request, answer) =
            $crate::both_call!($crate::Reply::json(200, json.clone()), |$c| $call);
        $crate::assert_common(&request, $method, $path, None, None);
        assert_eq!(answer, json, "the server's JSON, nothing dropped");
    }};
}

/// [`both_call!`] for a delete: checks the request (`DELETE` on `$path`, the query `$query`
/// or none, no body) and that the answer `{"success": true, "message": "deleted", …}`
/// decodes, an unknown field included.
///
/// ```ignore
/// assert_deleted!("/api/agents/7", |c| c.agents().delete_agent(7));
/// ```
#[macro_export]
macro_rules! assert_deleted {
    ($path:expr, |$c:ident| $call:expr $(,)?) => {
        $crate::assert_deleted!($path, None, |$c| $call)
    };
    ($path:expr, $query:expr, |$c:ident| $call:expr $(,)?) => {{
        let reply = $crate::__serde_json::json!(
            {"success": true, "message": "deleted", "someFutureField": 1}
        );
        let (request, answer) = $crate::both_call!($crate::Reply::json(200, reply), |$c| $call);
        $crate::assert_common(&request, "DELETE", $path, $query, None);
        assert!(answer.success, "{answer:?}");
        assert_eq!(answer.message.as_deref(), Some("deleted"));
    }};
}

/// Checks a delete whose `force` flag is `bool?`, through both clients: `Some(true)` and
/// `Some(false)` are sent as `force=true` and `force=false`, `None` leaves the parameter out;
/// each answer decodes (see [`assert_deleted!`]). `$force` names the flag in `$call`.
///
/// ```ignore
/// assert_force_flag!("/api/prompt/42", |c, force| c.prompt().delete_prompt(42, force));
/// ```
#[macro_export]
macro_rules! assert_force_flag {
    ($path:expr, |$c:ident, $force:ident| $call:expr $(,)?) => {
        for ($force, query) in [
            (Some(true), Some("force=true")),
            (Some(false), Some("force=false")),
            (None, None),
        ] {
            $crate::assert_deleted!($path, query, |$c| $call);
        }
    };
}
