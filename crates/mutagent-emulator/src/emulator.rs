//! The public handle: [`Emulator`], its [`EmulatorBuilder`] and [`Error`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::contract::TracesContract;
use crate::faults::{Fault, FaultSet, InvalidFault};
use crate::record::{
    redacted_key, RecordedRequest, DEFAULT_MAX_RECORDED, DEFAULT_MAX_RECORDED_BODY,
};
use crate::server::{self, lock, Config, Shared};
use crate::state::Collection;
use crate::tls::TlsIdentity;

/// Why an emulator could not start. Each message leaves its cause to `source()`, so that a
/// chain printer (`anyhow`'s `{:#}`) shows it once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The requested address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The background thread or its runtime could not be created.
    #[error("cannot start the emulator thread")]
    Runtime(#[source] std::io::Error),
    /// The background thread stopped before reporting its address.
    #[error("the emulator thread stopped before it was ready")]
    ThreadDied,
    /// The TLS certificate or key given to [`EmulatorBuilder::tls`] cannot be served.
    #[error("cannot serve HTTPS: {0}")]
    Tls(String),
    /// A fault given to [`EmulatorBuilder::fault`] has a setting the text syntax refuses too
    /// (see [`Fault::check`]); the emulator does not start rather than run another fault.
    #[error("cannot inject fault `{fault}`")]
    Fault {
        /// The fault, in the text syntax.
        fault: String,
        /// The refused setting.
        #[source]
        source: InvalidFault,
    },
}

/// Configures an [`Emulator`] before starting it.
///
/// ```no_run
/// # async fn demo() -> Result<(), mutagent_emulator::Error> {
/// use std::time::Duration;
/// let emu = mutagent_emulator::Emulator::builder()
///     .api_key("mt_test_key")
///     .seed(42)
///     .optimization_step(Duration::from_millis(20))
///     .start()
///     .await?;
/// # drop(emu); Ok(()) }
/// ```
///
/// Its `Debug` never shows the key.
#[derive(Clone)]
pub struct EmulatorBuilder {
    api_key: Option<String>,
    open: bool,
    seed: u64,
    step: Duration,
    listen: SocketAddr,
    faults: Vec<Fault>,
    log: bool,
    max_body: usize,
    workers: usize,
    traces: TracesContract,
    max_recorded: usize,
    max_recorded_body: usize,
    tls: Option<TlsIdentity>,
}

impl std::fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("api_key", &redacted_key(&self.api_key))
            .field("open", &self.open)
            .field("seed", &self.seed)
            .field("step", &self.step)
            .field("listen", &self.listen)
            .field("faults", &self.faults)
            .field("log", &self.log)
            .field("max_body", &self.max_body)
            .field("workers", &self.workers)
            .field("traces", &self.traces)
            .field("max_recorded", &self.max_recorded)
            .field("max_recorded_body", &self.max_recorded_body)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            api_key: None,
            open: false,
            seed: 0,
            step: Duration::from_millis(200),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            faults: Vec::new(),
            log: false,
            max_body: 16 * 1024 * 1024,
            workers: 1,
            traces: TracesContract::V0_1_2,
            max_recorded: DEFAULT_MAX_RECORDED,
            max_recorded_body: DEFAULT_MAX_RECORDED_BODY,
            tls: None,
        }
    }
}

impl EmulatorBuilder {
    /// Accept only this API key (default: any non-empty `x-api-key`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// `true` disables authentication entirely (no `x-api-key` needed).
    pub fn open(mut self, open: bool) -> Self {
        self.open = open;
        self
    }

    /// Seed of the generated string ids (UUID-like) and nothing else; same seed and same
    /// requests give the same ids. Default 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Emulated duration of one optimization iteration (and of the initial queued phase).
    /// Default 200 ms.
    pub fn optimization_step(mut self, step: Duration) -> Self {
        self.step = step;
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, a free loopback port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// A fault active from the start (same as [`Emulator::inject`] right after starting).
    /// A fault with a refused setting ([`Fault::check`]) makes [`start`](Self::start) and
    /// [`start_blocking`](Self::start_blocking) fail with [`Error::Fault`].
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Print one line per request to stderr.
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log = log;
        self
    }

    /// Largest accepted request body in bytes (default 16 MiB); larger bodies get 413.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Threads serving requests (default 1; 0 counts as 1). One is plenty for tests; the
    /// command line serves with 2 so that load measurements are not bound by the server.
    pub fn worker_threads(mut self, threads: usize) -> Self {
        self.workers = threads.max(1);
        self
    }

    /// The trace contract this instance serves (default [`TracesContract::V0_1_2`]). The two
    /// generations share their paths, so one instance speaks one of them.
    pub fn traces_contract(mut self, contract: TracesContract) -> Self {
        self.traces = contract;
        self
    }

    /// The most requests [`Emulator::requests`] keeps (default 10,000; the oldest go first,
    /// and so do the oldest once the kept bodies pass 64 MiB). 0 records nothing.
    pub fn max_recorded(mut self, requests: usize) -> Self {
        self.max_recorded = requests;
        self
    }

    /// Records no requests at all (same as `max_recorded(0)`): for a long-running emulator
    /// whose requests nobody inspects.
    pub fn no_record(self) -> Self {
        self.max_recorded(0)
    }

    /// The most bytes of each request body recorded (default 1 MiB); the rest is not kept
    /// ([`RecordedRequest::body_len`] still says the full length).
    pub fn max_recorded_body_bytes(mut self, bytes: usize) -> Self {
        self.max_recorded_body = bytes;
        self
    }

    /// Serves HTTPS (HTTP/1.1 over TLS, rustls with ring) with this certificate chain and
    /// private key, both PEM (e.g. issued by a private CA), instead of plain HTTP:
    /// [`Emulator::url`] then starts with `https://`. For testing a client's trust
    /// (`SSL_CERT_FILE`, a custom root) and proxy (`CONNECT`) settings against the emulator.
    /// [`start`](Self::start) refuses PEM it cannot serve with [`Error::Tls`].
    pub fn tls(mut self, cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        self.tls = Some(TlsIdentity {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
        });
        self
    }

    /// The warning [`start`](Self::start) prints when this emulator would listen beyond
    /// loopback while accepting any key (or none): anyone on the network could then use it.
    pub(crate) fn exposure_warning(&self) -> Option<String> {
        if self.listen.ip().is_loopback() || (self.api_key.is_some() && !self.open) {
            return None;
        }
        let accepts = if self.open {
            "without any key (--open)"
        } else {
            "with any key"
        };
        Some(format!(
            "warning: the emulator listens on {}, beyond loopback, and accepts requests {accepts}: \
             anyone who can reach this address can use it. Listen on 127.0.0.1, or set an API key.",
            self.listen
        ))
    }

    fn shared(&self) -> Arc<Shared> {
        let mut faults = FaultSet::default();
        for f in &self.faults {
            faults.push(f.clone());
        }
        let config = Config {
            api_key: self.api_key.clone(),
            open: self.open,
            max_body: self.max_body,
            log: self.log,
            traces: self.traces,
            max_recorded: self.max_recorded,
            max_recorded_body: self.max_recorded_body,
        };
        Arc::new(Shared::new(config, self.seed, self.step, faults))
    }

    /// Starts the server on a thread of its own, with a runtime of its own, and waits without
    /// blocking until it listens.
    ///
    /// The server never runs on the caller's runtime, so a single-threaded `#[tokio::test]` may
    /// go on to make blocking calls against it (the server keeps answering), and a runtime that
    /// is shut down or blocked does not take the server with it. It also works outside any Tokio
    /// runtime. (Only the new runtime's construction, on the new thread, is waited for on the
    /// calling thread, as the blocking client's start does; the wait until it listens yields.)
    pub async fn start(self) -> Result<Emulator, Error> {
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let starting = self.spawn(move |ready| {
            let _ = ready_tx.send(ready);
        })?;
        starting.finish(ready_rx.await.ok())
    }

    /// Starts the server on a thread of its own, with a runtime of its own, and blocks until it
    /// listens; usable from plain `#[test]`s and from inside async code alike.
    pub fn start_blocking(self) -> Result<Emulator, Error> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let starting = self.spawn(move |ready| {
            let _ = ready_tx.send(ready);
        })?;
        starting.finish(ready_rx.recv().ok())
    }

    /// Spawns the server thread through `mutagent_runtime_thread` (which returns once its
    /// runtime exists: current-thread unless [`worker_threads`](Self::worker_threads) asks for
    /// more); there it binds, reports the bound address (or why it could not) through
    /// `report`, then serves until shut down.
    fn spawn(
        self,
        report: impl FnOnce(Result<SocketAddr, Error>) + Send + 'static,
    ) -> Result<Starting, Error> {
        for f in &self.faults {
            f.check().map_err(|source| Error::Fault {
                fault: f.to_string(),
                source,
            })?;
        }
        if let Some(warning) = self.exposure_warning() {
            eprintln!("{warning}");
        }
        let acceptor = match &self.tls {
            Some(identity) => Some(identity.acceptor().map_err(Error::Tls)?),
            None => None,
        };
        let https = acceptor.is_some();
        let shared = self.shared();
        let (shutdown, rx) = watch::channel(false);
        let listen = self.listen;
        let workers = self.workers;
        let sh = shared.clone();
        let mut runtime = if workers > 1 {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(workers)
                .thread_name("mutagent-emulator-worker");
            b
        } else {
            tokio::runtime::Builder::new_current_thread()
        };
        runtime.enable_all();
        // Built on the new thread, never on the caller's runtime; returns once it exists. A
        // thread or runtime the system refuses is `Error::Runtime`.
        let thread =
            mutagent_runtime_thread::spawn_with("mutagent-emulator", runtime, move || async move {
                let bound = match TcpListener::bind(listen).await {
                    Ok(l) => l.local_addr().map(|a| (l, a)),
                    Err(e) => Err(e),
                };
                match bound {
                    Ok((listener, addr)) => {
                        report(Ok(addr));
                        server::serve(listener, sh, rx, acceptor).await;
                    }
                    Err(source) => report(Err(Error::Bind {
                        addr: listen,
                        source,
                    })),
                }
            })
            .map_err(Error::Runtime)?;
        Ok(Starting {
            shared,
            shutdown,
            thread,
            https,
        })
    }
}

/// A server thread that has been spawned but has not yet reported whether it listens.
struct Starting {
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    thread: std::thread::JoinHandle<()>,
    https: bool,
}

impl Starting {
    /// Turns the thread's report (`None`: it stopped without one) into a handle or an error.
    fn finish(self, ready: Option<Result<SocketAddr, Error>>) -> Result<Emulator, Error> {
        match ready {
            Some(Ok(addr)) => Ok(Emulator {
                shared: self.shared,
                addr,
                https: self.https,
                shutdown: self.shutdown,
                thread: Some(self.thread),
            }),
            Some(Err(e)) => {
                let _ = self.thread.join();
                Err(e)
            }
            None => {
                let _ = self.thread.join();
                Err(Error::ThreadDied)
            }
        }
    }
}

/// A running emulator. Stops serving when dropped. Its `Debug` shows the address, never the
/// key or the recorded requests.
///
/// ```no_run
/// # async fn demo() -> Result<(), mutagent_emulator::Error> {
/// let emu = mutagent_emulator::Emulator::start().await?;
/// println!("point the SDK at {}", emu.url());
/// # Ok(()) }
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// Served over TLS ([`EmulatorBuilder::tls`]).
    https: bool,
    shutdown: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// A builder with the defaults (any key accepted, seed 0, 200 ms optimization step,
    /// `127.0.0.1:0`).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with the defaults on its own thread, waiting without blocking (see
    /// [`EmulatorBuilder::start`]).
    pub async fn start() -> Result<Emulator, Error> {
        Self::builder().start().await
    }

    /// Starts an emulator with the defaults on its own thread, blocking until it listens (for
    /// non-async tests).
    pub fn start_blocking() -> Result<Emulator, Error> {
        Self::builder().start_blocking()
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash); `https://…` when serving
    /// TLS ([`EmulatorBuilder::tls`]).
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configured API key, if one was set with [`EmulatorBuilder::api_key`].
    pub fn api_key(&self) -> Option<&str> {
        self.shared.config.api_key.as_deref()
    }

    /// The trace contract this instance serves.
    pub fn traces_contract(&self) -> TracesContract {
        self.shared.config.traces
    }

    /// Adds a fault after the existing ones, unless one of its settings is refused
    /// ([`Fault::check`]: a status outside 200..599, a probability outside 0..1, …); then
    /// nothing is added and the error names the setting and the value.
    ///
    /// ```no_run
    /// # fn demo(emu: &mutagent_emulator::Emulator) {
    /// use mutagent_emulator::Fault;
    /// emu.inject(Fault::reset().times(1)).expect("a valid fault");
    /// let refused = emu.inject(Fault::status(503).chunk_size(4)).unwrap_err();
    /// assert_eq!(refused.setting(), "chunk");
    /// # }
    /// ```
    pub fn inject(&self, fault: Fault) -> Result<(), InvalidFault> {
        fault.check()?;
        lock(&self.shared.faults).push(fault);
        Ok(())
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The requests received so far, in arrival order (including faulted ones): the most
    /// recent [`max_recorded`](EmulatorBuilder::max_recorded), bodies clipped to
    /// [`max_recorded_body_bytes`](EmulatorBuilder::max_recorded_body_bytes).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).to_vec()
    }

    /// How many requests were not kept by the recording (the oldest dropped past its limits,
    /// or all of them with [`EmulatorBuilder::no_record`]).
    pub fn requests_dropped(&self) -> u64 {
        lock(&self.shared.requests).dropped()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Number of stored objects of a kind (e.g. `emu.count(Collection::Prompts)`, or
    /// `emu.count("prompts".parse()?)`).
    pub fn count(&self, collection: Collection) -> usize {
        let mut st = lock(&self.shared.state);
        st.tick(self.shared.clock.now());
        st.count(collection)
    }

    /// The whole stored state in wire shape: `{"prompts": [...], "datasets": [...], ...}`
    /// (keys: prompts, datasets, datasetItems, evaluations, evaluationResults, optimizationJobs,
    /// experiments, experimentResults, traces, organizations, workspaces, promptExecutions,
    /// agents, organizationMembers, workspaceMembers, invitations, providerConfigs: every
    /// [`Collection`](crate::Collection) but the spans, which are inside their traces).
    pub fn snapshot(&self) -> serde_json::Value {
        let mut st = lock(&self.shared.state);
        st.tick(self.shared.clock.now());
        st.snapshot()
    }

    /// Moves the emulator's clock forward (optimization jobs progress with it), so time-driven
    /// tests need not sleep. The clock goes at most a century ahead in all: a longer advance,
    /// such as `Duration::MAX`, stops there.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Accepts the pending invitation with this `token` (the `token` of `create_invitation`'s
    /// answer) as the user `user_id`, as the invitee following `inviteUrl` would (that step
    /// happens outside the API): the invitation becomes `accepted` and the user a member of
    /// its organization with its role. `false` when no pending invitation has that token.
    pub fn accept_invitation(&self, token: &str, user_id: &str) -> bool {
        let mut st = lock(&self.shared.state);
        st.tick(self.shared.clock.now());
        crate::state::accept_invitation(&mut st, token, user_id)
    }

    /// Stops the server (same as dropping the handle).
    pub fn shutdown(self) {}
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_beyond_loopback_while_accepting_any_key_warns() {
        let everywhere = SocketAddr::from(([0, 0, 0, 0], 3003));
        let lan = SocketAddr::from(([192, 0, 2, 7], 3003));
        let v6 = "[::]:3003".parse().expect("addr");
        for addr in [everywhere, lan, v6] {
            let warning = Emulator::builder()
                .listen(addr)
                .exposure_warning()
                .expect("warns");
            assert!(warning.contains(&addr.to_string()), "{warning}");
            assert!(warning.contains("any key"), "{warning}");
            let open = Emulator::builder().listen(addr).open(true).api_key("k");
            assert!(open.exposure_warning().expect("warns").contains("--open"));
            // A key of its own makes it safe to expose.
            assert_eq!(
                Emulator::builder()
                    .listen(addr)
                    .api_key("k")
                    .exposure_warning(),
                None
            );
        }
        for addr in ["127.0.0.1:0", "[::1]:0", "127.3.2.1:9"] {
            let addr: SocketAddr = addr.parse().expect("addr");
            assert_eq!(Emulator::builder().listen(addr).exposure_warning(), None);
        }
    }
}
