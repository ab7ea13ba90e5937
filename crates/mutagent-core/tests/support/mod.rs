//! Helpers shared by the core's integration tests.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mutagent_core::env::EmptyEnv;
use mutagent_core::{ClientBuilder, Method, Operation, RetryPolicy};
use mutagent_test_support::ScriptedServer;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

pub(crate) const KEY: &str = "mt_core_test_secret_8f3a";

pub(crate) static GET_THING: Operation =
    Operation::new("test", "get_thing", Method::Get, "/api/things/{id}");
pub(crate) static CREATE_THING: Operation =
    Operation::new("test", "create_thing", Method::Post, "/api/things/");
pub(crate) static DELETE_THING: Operation =
    Operation::new("test", "delete_thing", Method::Delete, "/api/things/{id}");
pub(crate) static PUT_THING: Operation =
    Operation::new("test", "put_thing", Method::Put, "/api/things/{id}");

/// `GET /api/things/1`, the request most tests send.
pub(crate) fn get_thing() -> mutagent_core::ApiRequest {
    GET_THING
        .request()
        .path_param("id", 1)
        .build()
        .expect("request")
}

/// `GET /api/things/1` on `client`: the call's future, owning a clone of the client so it can be
/// spawned or dropped mid-call.
pub(crate) fn get(
    client: &mutagent_core::Client,
) -> impl std::future::Future<Output = Result<serde_json::Value, mutagent_core::Error>> + 'static {
    let client = client.clone();
    async move { client.send(get_thing()).await }
}

/// `POST /api/things/` with `{"name": "x"}` on `client`: the call's future, as [`get`]'s.
pub(crate) fn create(
    client: &mutagent_core::Client,
) -> impl std::future::Future<Output = Result<serde_json::Value, mutagent_core::Error>> + 'static {
    let client = client.clone();
    async move {
        client
            .send(create_thing(serde_json::json!({"name": "x"})))
            .await
    }
}

/// `GET /api/things/1` on `client`, which must fail: its error, and how long the call took.
pub(crate) async fn failed_get(client: &mutagent_core::Client) -> (mutagent_core::Error, Duration) {
    let started = std::time::Instant::now();
    let err = client
        .send::<serde_json::Value>(get_thing())
        .await
        .expect_err("the call must fail");
    (err, started.elapsed())
}

/// `POST /api/things/` with `body`.
pub(crate) fn create_thing(body: serde_json::Value) -> mutagent_core::ApiRequest {
    CREATE_THING.request().json(&body).build().expect("request")
}

/// A loopback port nothing listens on any more: bound, noted, closed.
pub(crate) fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Asserts that `err` is a connect failure of this kind.
pub(crate) fn assert_connect_kind(
    err: &mutagent_core::Error,
    kind: mutagent_core::ConnectErrorKind,
) {
    assert_eq!(err.connect_error().map(|e| e.kind()), Some(kind), "{err:?}");
}

/// A loopback address that never completes a TCP handshake: a listener with a backlog of 1
/// that never accepts, filled up until a connection attempt hangs (the kernel drops further
/// SYNs). Nothing leaves the machine. Returns the address, the sockets keeping it full and the listener (keep both alive
/// as long as the address must stay a black hole). Needs a Tokio runtime context (the
/// listener registers with its I/O driver).
pub(crate) fn black_hole() -> (
    std::net::SocketAddr,
    Vec<std::net::TcpStream>,
    tokio::net::TcpListener,
) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let listener = socket.listen(1).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut filling = Vec::new();
    for _ in 0..64 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => filling.push(stream),
            Err(_) => return (addr, filling, listener),
        }
    }
    panic!("the backlog never filled: this system accepts every connection");
}

/// A current-thread Tokio runtime with every driver: for a test that drives async calls
/// from a plain `#[test]` (usually next to the same calls through the blocking client).
pub(crate) fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A multi-thread Tokio runtime with 2 workers and every driver: for tests whose calls must
/// run concurrently while the test thread blocks on one of them.
pub(crate) fn multi_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A builder aimed at a loopback port nothing listens on (every connection is refused), with
/// no environment.
pub(crate) fn nobody_listening() -> ClientBuilder {
    ClientBuilder::new()
        .env(EmptyEnv)
        .server_url(format!("http://127.0.0.1:{}", closed_port()))
}

/// A builder aimed at `server`, with an empty environment and fast, exact retry waits.
pub(crate) fn builder(server: &ScriptedServer) -> ClientBuilder {
    ClientBuilder::new()
        .env(EmptyEnv)
        .api_key(KEY)
        .server_url(server.url())
        .retry_policy(fast_retries())
}

pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(80))
        .jitter(false)
}

/// A body the test server's things decode into, for calls that must fail to decode one.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Thing {
    pub(crate) id: u64,
    pub(crate) name: String,
}

/// A tracing subscriber that writes every span and event field into one string, to prove
/// what the SDK logs.
#[derive(Clone, Default)]
pub(crate) struct Capture(pub(crate) Arc<Mutex<String>>);

pub(crate) struct Writer<'a>(&'a mut String);

impl Visit for Writer<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut out = self.0.lock().expect("lock");
        out.push_str("\nspan ");
        out.push_str(span.metadata().name());
        span.record(&mut Writer(&mut out));
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Writer(&mut self.0.lock().expect("lock")));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut out = self.0.lock().expect("lock");
        out.push_str("\nevent");
        event.record(&mut Writer(&mut out));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

impl Capture {
    pub(crate) fn text(&self) -> String {
        self.0.lock().expect("lock").clone()
    }
}

impl Capture {
    /// Runs `work` on this thread with every span and event of this thread written here.
    ///
    /// Not `tracing::subscriber::with_default`: tracing caches each callsite's interest
    /// globally, and a callsite first met by another test thread while no subscriber was set
    /// could stay "never" for this one (it happened: "the call was traced" failed under load).
    /// So one global subscriber is installed for the whole test binary, which says "sometimes"
    /// for every callsite and hands this thread's spans and events to its capture, if any.
    pub(crate) fn during<R>(&self, work: impl FnOnce() -> R) -> R {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            // A binary whose other tests set a global subscriber would keep theirs; none do.
            let _ = tracing::subscriber::set_global_default(ThreadCaptures);
            tracing::callsite::rebuild_interest_cache();
        });
        CURRENT.with(|current| *current.borrow_mut() = Some(self.clone()));
        let out = work();
        CURRENT.with(|current| *current.borrow_mut() = None);
        out
    }
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Capture>> = const { std::cell::RefCell::new(None) };
}

/// The binary's global subscriber: each thread's [`Capture`], when it has one.
struct ThreadCaptures;

impl ThreadCaptures {
    fn with<R>(&self, act: impl FnOnce(&Capture) -> R) -> Option<R> {
        CURRENT.with(|current| current.borrow().as_ref().map(act))
    }
}

impl Subscriber for ThreadCaptures {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        self.with(|_| ()).is_some()
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.with(|capture| capture.new_span(span))
            .unwrap_or_else(|| Id::from_u64(1))
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        self.with(|capture| capture.record(id, values));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        self.with(|capture| capture.event(event));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// What [`mutagent_core::http_client::HttpClient::send`] returns, named once for the test
/// clients that wrap the default one.
pub(crate) type Sent = mutagent_core::http_client::BoxFuture<
    'static,
    Result<
        http::Response<mutagent_core::http_client::ResponseBody>,
        mutagent_core::http_client::HttpError,
    >,
>;

/// Wraps the default client, counting the body bytes the SDK pulls through the HTTP layer
/// (what the server wrote may be far more: the kernel buffers megabytes on loopback).
#[derive(Debug, Clone)]
pub(crate) struct Counting {
    pub(crate) inner: mutagent_core::http_client::DefaultHttpClient,
    pub(crate) pulled: Arc<std::sync::atomic::AtomicUsize>,
}

impl mutagent_core::http_client::HttpClient for Counting {
    fn send(&self, request: http::Request<bytes::Bytes>) -> Sent {
        let answer = self.inner.send(request);
        let pulled = Arc::clone(&self.pulled);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| {
                mutagent_core::http_client::ResponseBody::new(CountingBody { body, pulled })
            }))
        })
    }
}

struct CountingBody {
    body: mutagent_core::http_client::ResponseBody,
    pulled: Arc<std::sync::atomic::AtomicUsize>,
}

impl http_body::Body for CountingBody {
    type Data = bytes::Bytes;
    type Error = mutagent_core::error::BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        let polled = std::pin::Pin::new(&mut self.body).poll_frame(cx);
        if let std::task::Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                self.pulled
                    .fetch_add(data.len(), std::sync::atomic::Ordering::SeqCst);
            }
        }
        polled
    }
}

thread_local! {
    /// Whether this thread's panics are counted by the [`PanicHookCounter`] installed.
    static COUNTING_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Counts how often the panic hook runs for the panics of threads that asked to be counted
/// ([`PanicHookCounter::count_this_thread`]); other threads' panics (the other tests of the
/// binary run meanwhile) go to the hook that was installed before. The SDK's runtime probes
/// run the hook when Tokio panics inside them, even though the panic is caught.
pub(crate) struct PanicHookCounter(Arc<std::sync::atomic::AtomicUsize>);

impl PanicHookCounter {
    /// Chains a counting hook in front of the current one (left installed: restoring it could
    /// race with the other tests of the binary, and it only counts threads that asked).
    pub(crate) fn install() -> Self {
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = Arc::clone(&count);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if COUNTING_PANICS.get() {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            } else {
                previous(info);
            }
        }));
        Self(count)
    }

    /// Counts (or stops counting) the calling thread's panics.
    pub(crate) fn count_this_thread(counting: bool) {
        COUNTING_PANICS.set(counting);
    }

    /// How often the hook ran for counted threads.
    pub(crate) fn runs(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}
