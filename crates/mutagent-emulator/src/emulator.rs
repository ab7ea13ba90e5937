//! The public handle: [`Emulator`], its [`EmulatorBuilder`] and [`Error`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::faults::{Fault, FaultSet};
use crate::record::RecordedRequest;
use crate::server::{self, lock, Config, Shared};
use crate::state::Collection;

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// [`EmulatorBuilder::start`] was awaited outside a Tokio runtime.
    #[error("no Tokio runtime is running; use Emulator::start_blocking() outside async code")]
    NoRuntime,
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The requested address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The background thread or its runtime could not be created.
    #[error("cannot start the emulator thread: {0}")]
    Runtime(#[source] std::io::Error),
    /// The background thread stopped before reporting its address.
    #[error("the emulator thread stopped before it was ready")]
    ThreadDied,
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
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    api_key: Option<String>,
    open: bool,
    seed: u64,
    step: Duration,
    listen: SocketAddr,
    faults: Vec<Fault>,
    log: bool,
    max_body: usize,
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
        };
        Arc::new(Shared::new(config, self.seed, self.step, faults))
    }

    /// Starts the server on the current Tokio runtime.
    pub async fn start(self) -> Result<Emulator, Error> {
        tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(|source| Error::Bind {
                addr: self.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: self.listen,
            source,
        })?;
        let shared = self.shared();
        let (tx, rx) = watch::channel(false);
        tokio::spawn(server::serve(listener, shared.clone(), rx));
        Ok(Emulator {
            shared,
            addr,
            shutdown: tx,
            thread: None,
        })
    }

    /// Starts the server on its own thread with its own runtime; usable from plain `#[test]`s
    /// and from inside async code alike.
    pub fn start_blocking(self) -> Result<Emulator, Error> {
        let shared = self.shared();
        let (tx, rx) = watch::channel(false);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<SocketAddr, Error>>();
        let listen = self.listen;
        let sh = shared.clone();
        let thread = std::thread::Builder::new()
            .name("mutagent-emulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::Runtime(e)));
                        return;
                    }
                };
                rt.block_on(async move {
                    let bound = match TcpListener::bind(listen).await {
                        Ok(l) => l.local_addr().map(|a| (l, a)),
                        Err(e) => Err(e),
                    };
                    match bound {
                        Ok((listener, addr)) => {
                            let _ = ready_tx.send(Ok(addr));
                            server::serve(listener, sh, rx).await;
                        }
                        Err(source) => {
                            let _ = ready_tx.send(Err(Error::Bind {
                                addr: listen,
                                source,
                            }));
                        }
                    }
                });
            })
            .map_err(Error::Runtime)?;
        match ready_rx.recv() {
            Ok(Ok(addr)) => Ok(Emulator {
                shared,
                addr,
                shutdown: tx,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(Error::ThreadDied)
            }
        }
    }
}

/// A running emulator. Stops serving when dropped.
///
/// ```no_run
/// # async fn demo() -> Result<(), mutagent_emulator::Error> {
/// let emu = mutagent_emulator::Emulator::start().await?;
/// println!("point the SDK at {}", emu.url());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// A builder with the defaults (any key accepted, seed 0, 200 ms optimization step,
    /// `127.0.0.1:0`).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with the defaults on the current Tokio runtime.
    pub async fn start() -> Result<Emulator, Error> {
        Self::builder().start().await
    }

    /// Starts an emulator with the defaults on its own thread (for non-async tests).
    pub fn start_blocking() -> Result<Emulator, Error> {
        Self::builder().start_blocking()
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configured API key, if one was set with [`EmulatorBuilder::api_key`].
    pub fn api_key(&self) -> Option<&str> {
        self.shared.config.api_key.as_deref()
    }

    /// Adds a fault after the existing ones.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Every request received so far, in arrival order (including faulted ones).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
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
    /// experiments, experimentResults, traces, organizations, workspaces).
    pub fn snapshot(&self) -> serde_json::Value {
        let mut st = lock(&self.shared.state);
        st.tick(self.shared.clock.now());
        st.snapshot()
    }

    /// Moves the emulator's clock forward (optimization jobs progress with it), so time-driven
    /// tests need not sleep.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
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
