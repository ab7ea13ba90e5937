//! The blocking client: the same operations, request and response types as the async client,
//! run on a background runtime of its own.
//!
//! It never panics, wherever it is built, used or dropped — inside or outside a Tokio runtime:
//! calls are handed to a dedicated thread that owns a current-thread runtime, and the caller
//! waits for the answer on a mutex and condition variable. Dropping the last clone only closes that channel.
//!
//! Code the client runs on that thread (a token provider, an HTTP client or layer of your
//! own) must not make a blocking call on the same client: it would wait for the thread it is
//! blocking. Such a call fails at once with [`BlockingError::CalledFromItsOwnThread`]; `.await`
//! a call of [`BlockingClient::async_client`] there instead.
//!
//! Only that thread uses the connections its calls open. The async half
//! ([`BlockingClient::async_client`]) has a pool of its own, driven by the runtimes that make
//! its calls: a blocking call never waits on a connection whose runtime it may be blocking,
//! and the async half keeps working after the blocking client (and its thread) is gone.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use mutagent_runtime_thread::handoff;
use serde::de::DeserializeOwned;

use crate::client::{decode_answer, Client};
use crate::config::{CallOptions, Config};
use crate::error::{BlockingError, Cause, Error};
use crate::future::BoxFuture;
use crate::pagination::{FetchedPage, PageResult, PageWalk, Paginated, WalkStep};
use crate::request::ApiRequest;
use crate::response::ResponseMeta;
use crate::transport::RawResponse;

type RuntimeJob = BoxFuture<'static, ()>;

/// The blocking MutagenT client. Cloning is cheap; clones share the background thread and its
/// connection pool.
///
/// ```
/// # fn main() -> Result<(), mutagent_core::Error> {
/// let client = mutagent_core::BlockingClient::builder()
///     .api_key("mt_example")
///     .build()?;
/// assert!(client.config().has_api_key());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BlockingClient {
    /// Makes this client's calls on the background thread; only that thread uses its pool.
    client: Client,
    /// What [`async_client`](Self::async_client) hands out: the same settings, secrets and
    /// retry budget over a pool only the caller's runtimes use.
    async_half: Client,
    runtime: Arc<RuntimeThread>,
}

struct RuntimeThread {
    jobs: tokio::sync::mpsc::UnboundedSender<RuntimeJob>,
    /// The background thread: a blocking call made on it (by a token provider the client
    /// runs there) would wait for itself, so [`BlockingClient::run`] refuses it.
    thread: std::thread::ThreadId,
}

impl fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingClient")
            .field("config", self.client.config())
            .finish_non_exhaustive()
    }
}

impl BlockingClient {
    /// Wraps an async client; its calls run on a new background thread, over a connection
    /// pool of their own ([`Client::with_own_connections`]): a blocking call never waits on a
    /// connection that the runtime making `client`'s async calls drives (that runtime may be
    /// the very one this call blocks). [`async_client`](Self::async_client) answers `client`
    /// itself, its pool untouched by the background thread.
    pub fn from_client(client: Client) -> Result<Self, Error> {
        Self::on_own_thread(client.with_own_connections(), client)
    }

    /// The builder's blocking client over `fresh`, a client whose pool nothing else has yet:
    /// the background thread takes that pool, the async half gets one of its own.
    pub(crate) fn built(fresh: Client) -> Result<Self, Error> {
        let async_half = fresh.with_own_connections();
        Self::on_own_thread(fresh, async_half)
    }

    /// Runs `client`'s calls on a new background thread, which must be the only user of
    /// `client`'s pool; `async_half` is what [`async_client`](Self::async_client) answers.
    fn on_own_thread(client: Client, async_half: Client) -> Result<Self, Error> {
        let (jobs, mut queue) = tokio::sync::mpsc::unbounded_channel::<RuntimeJob>();
        let thread = crate::runtime_thread::spawn("mutagent-blocking", move || async move {
            while let Some(job) = queue.recv().await {
                tokio::spawn(job);
            }
        })
        .map_err(|err| BlockingError::RuntimeStart(Cause::new(err)))?;
        let thread = thread.thread().id();
        Ok(Self {
            client,
            async_half,
            runtime: Arc::new(RuntimeThread { jobs, thread }),
        })
    }

    /// The resolved configuration.
    pub fn config(&self) -> &Config {
        self.client.config()
    }

    /// `text` made safe to print with this client's secrets, as
    /// [`Client::printable`](crate::Client::printable) does.
    pub fn printable(&self, text: &str) -> String {
        self.client.printable(text)
    }

    /// An async client with this client's settings, secrets, token provider, per-call
    /// options and retry budget, for `async` code beside blocking code.
    ///
    /// It does not share this client's connections or its limit of requests in flight: its
    /// connections are opened and driven by the runtimes that make its calls, this client's
    /// by its background thread. So a blocking call never waits on a connection driven by a
    /// runtime it may be blocking, and a clone of the async client keeps working, calls in
    /// flight included, after the last clone of this client is dropped. Every call of this
    /// method answers the same client (for a view, its view); for a client made by
    /// [`from_client`](Self::from_client), the client it was made from.
    ///
    /// With an HTTP client of your own ([`ClientBuilder::http_client`](crate::ClientBuilder::http_client))
    /// both halves send through it: which runtime drives its connections is its affair.
    pub fn async_client(&self) -> &Client {
        &self.async_half
    }

    /// The client whose calls run on the background thread (its pool is that thread's).
    pub(crate) fn runtime_client(&self) -> &Client {
        &self.client
    }

    /// A view of this client whose calls use `options`.
    #[must_use = "this returns a new value and leaves `self` unchanged"]
    pub fn with_options(&self, options: CallOptions) -> BlockingClient {
        BlockingClient {
            client: self.client.with_options(options.clone()),
            async_half: self.async_half.with_options(options),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// Sends a prepared request and decodes the answer.
    pub fn send<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ApiRequest,
    ) -> Result<T, Error> {
        // Decoded here, on the caller's thread (see `send_with_response`).
        let (raw, request) = self.exchange(request)?;
        decode_answer(self.client.options(), self.config(), &request, &raw)
    }

    /// [`send`](Self::send), answering the value with its [`ResponseMeta`].
    pub(crate) fn send_with_response<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ApiRequest,
    ) -> Result<(T, ResponseMeta), Error> {
        // Only the exchange runs on the background runtime; the answer is decoded here, on the
        // caller's thread, so calls from several threads decode in parallel instead of queueing
        // on the one runtime thread (docs/performance.md).
        let (raw, request) = self.exchange(request)?;
        let value = decode_answer(self.client.options(), self.config(), &request, &raw)?;
        let meta =
            crate::client::response_meta(self.client.options(), self.config(), &request, raw);
        Ok((value, meta))
    }

    /// The exchange of [`send_with_response`](Self::send_with_response) on the background
    /// runtime. Not generic, so it is compiled once here, not once per answer type.
    fn exchange(&self, request: ApiRequest) -> Result<(RawResponse, ApiRequest), Error> {
        let client = self.client.clone();
        self.run(async move {
            let raw = client.transport.execute(&client.options, &request).await;
            raw.map(|raw| (raw, request))
        })
    }

    /// Runs `future` on the background runtime and waits for its result. Private: helpers
    /// reach it through [`ApiClient::drive`](crate::ApiClient::drive) and friends.
    pub(crate) fn run<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> Result<T, Error> {
        // On the background thread, waiting for the answer would keep that thread from ever
        // making it: refused at once instead of a hang. Comparing thread ids is cheap next to
        // a call, and unlike a thread-local flag it refuses only this client's thread (a
        // blocking call to another client from here waits, but not for itself).
        if std::thread::current().id() == self.runtime.thread {
            return Err(BlockingError::CalledFromItsOwnThread.into());
        }
        let (done_tx, done_rx) = handoff::channel();
        self.submit(Box::pin(async move {
            done_tx.send(caught(future).await);
        }))?;
        match done_rx.recv() {
            Some(Ok(result)) => result,
            // A panic of the user's own code the call ran (a token provider, a custom HTTP
            // client, a tower layer) goes on on the caller's thread, as with the async client,
            // instead of reading as a stopped runtime.
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            // No answer: the runtime dropped the job unfinished (it is shutting down).
            None => Err(BlockingError::RuntimeGone.into()),
        }
    }

    /// Hands a job to the background runtime (not generic: compiled once, not per answer type).
    fn submit(&self, job: RuntimeJob) -> Result<(), Error> {
        self.runtime
            .jobs
            .send(job)
            .map_err(|_| BlockingError::RuntimeGone.into())
    }
}

/// `future`'s output, or the payload of a panic while it was polled: the runtime thread's task
/// would swallow the panic and the caller would see only that no answer came.
async fn caught<F: Future>(future: F) -> std::thread::Result<F::Output> {
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(move |cx| {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(std::task::Poll::Ready(output)) => std::task::Poll::Ready(Ok(output)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(panic) => std::task::Poll::Ready(Err(panic)),
        }
    })
    .await
}

/// Every item of a list operation, page after page, as a blocking [`Iterator`].
///
/// It fetches one page at a time, only when the items of the previous one are consumed.
/// After an error the iterator ends.
#[must_use = "iterators do nothing unless consumed"]
pub struct ItemIter<T> {
    client: BlockingClient,
    walk: PageWalk<T>,
    fetch: fn(&BlockingClient, ApiRequest) -> PageResult<T>,
}

impl<T> fmt::Debug for ItemIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemIter")
            .field("buffered", &self.walk.buffered())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> ItemIter<T> {
    pub(crate) fn new<P: Paginated<Item = T>>(
        client: BlockingClient,
        request: Result<ApiRequest, Error>,
    ) -> Self {
        Self {
            client,
            walk: PageWalk::start(request),
            fetch: fetch_page_blocking::<P>,
        }
    }
}

/// One page through [`BlockingClient::send`], so it is decoded on the caller's thread.
fn fetch_page_blocking<P: Paginated>(
    client: &BlockingClient,
    request: ApiRequest,
) -> PageResult<P::Item> {
    let page: P = client.send(request)?;
    Ok(FetchedPage::of(page))
}

impl<T: Send + 'static> Iterator for ItemIter<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.walk.step() {
                WalkStep::Yield(item) => return Some(item),
                WalkStep::Fetch(request) => {
                    let page = (self.fetch)(&self.client, request);
                    self.walk.receive(page);
                }
                WalkStep::End => return None,
            }
        }
    }
}
