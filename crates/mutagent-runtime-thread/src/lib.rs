//! A thread of its own with a Tokio runtime, for work that must not run on (or depend on) the
//! caller's runtime: the blocking client's calls and the trace exporter's sender in the SDK,
//! the emulator's server.
//!
//! This crate has one job, so that it is done once: start the thread, build the runtime on
//! it, and return once that runtime exists, or with the reason it could not be built. The
//! runtime is built and dropped on the new thread, never inside a caller's runtime, so
//! starting one is safe anywhere (inside `#[tokio::main]`, in plain `fn main`, during a
//! runtime's shutdown) and never panics.
//!
//! * [`spawn`]: a current-thread runtime with every driver enabled;
//! * [`spawn_with`]: the runtime the caller's [`Builder`] describes (a multi-thread one, named
//!   workers, …); this crate uses tokio's `rt` feature only, so a multi-thread runtime needs
//!   the caller's `rt-multi-thread`, not this crate's;
//! * [`handoff`]: the one-shot, blocking hand-off the start waits on (also the blocking
//!   client's answers).
//!
//! It knows nothing of the MutagenT API: the emulator uses it and still depends on no SDK
//! crate.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod handoff;

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::thread::JoinHandle;

use tokio::runtime::Builder;

/// Spawns a thread named `name`, builds a current-thread runtime with every driver enabled on
/// it, and runs `main()` there to completion; the thread ends when `main`'s future does.
///
/// Every driver means [`Builder::enable_all`]: I/O and timers whenever the build's tokio has
/// its `net` and `time` features, which any code that uses sockets or timers has enabled.
///
/// Returns once the runtime exists, so a caller that gets `Ok` knows its work will run. Fails
/// when the operating system refuses the thread or the runtime (the runtime's own error is
/// passed on).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let (tx, rx) = std::sync::mpsc::channel();
/// let thread = mutagent_runtime_thread::spawn("example", move || async move {
///     tokio::task::yield_now().await;
///     let _ = tx.send(tokio::runtime::Handle::current().runtime_flavor());
/// })?;
/// assert_eq!(rx.recv().ok(), Some(tokio::runtime::RuntimeFlavor::CurrentThread));
/// thread.join().ok();
/// # Ok(()) }
/// ```
pub fn spawn<F, Fut>(name: &str, main: F) -> io::Result<JoinHandle<()>>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let mut runtime = Builder::new_current_thread();
    runtime.enable_all();
    spawn_with(name, runtime, main)
}

/// Spawns a thread named `name`, builds the runtime `runtime` describes on it, and runs
/// `main()` there (in [`Runtime::block_on`](tokio::runtime::Runtime::block_on)) to
/// completion; the thread ends when `main`'s future does, and the runtime is dropped there.
///
/// The builder is used as given: enable the drivers the work needs (`enable_all`), name the
/// workers of a multi-thread runtime (`thread_name`). Returns once the runtime exists; fails,
/// never panics, when the operating system refuses the thread or the runtime (the builder's
/// own error is passed on).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let mut runtime = tokio::runtime::Builder::new_multi_thread();
/// runtime.worker_threads(2).thread_name("example-worker").enable_all();
/// let (tx, rx) = std::sync::mpsc::channel();
/// let thread = mutagent_runtime_thread::spawn_with("example", runtime, move || async move {
///     let _ = tx.send(tokio::runtime::Handle::current().runtime_flavor());
/// })?;
/// assert_eq!(rx.recv().ok(), Some(tokio::runtime::RuntimeFlavor::MultiThread));
/// thread.join().ok();
/// # Ok(()) }
/// ```
pub fn spawn_with<F, Fut>(name: &str, runtime: Builder, main: F) -> io::Result<JoinHandle<()>>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    // Boxed, so the thread, the runtime and its `block_on` are compiled once here for every
    // caller, not once per caller's future.
    spawn_boxed(name, runtime, Box::new(move || Box::pin(main())))
}

/// The work of a runtime thread: called on that thread, it makes the future to run there.
type ThreadMain = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

fn spawn_boxed(name: &str, mut runtime: Builder, main: ThreadMain) -> io::Result<JoinHandle<()>> {
    let (ready_tx, ready_rx) = handoff::channel::<io::Result<()>>();
    let thread = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let runtime = match runtime.build() {
                Ok(runtime) => runtime,
                Err(err) => {
                    ready_tx.send(Err(err));
                    return;
                }
            };
            ready_tx.send(Ok(()));
            runtime.block_on(main());
        })?;
    match ready_rx.recv() {
        Some(Ok(())) => Ok(thread),
        Some(Err(err)) => Err(err),
        // The thread ended without a word: it panicked before the runtime existed.
        None => Err(io::Error::other(format!(
            "the thread {name:?} stopped before its runtime was ready"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_work_on_a_named_thread_with_its_own_runtime() {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = spawn("mutagent-test-runtime", move || async move {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            let name = std::thread::current().name().map(str::to_owned);
            let _ = tx.send(name);
        })
        .unwrap();
        assert_eq!(rx.recv().unwrap().as_deref(), Some("mutagent-test-runtime"));
        thread.join().unwrap();
    }

    #[tokio::test]
    async fn starts_from_inside_a_runtime_without_panicking() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let thread = spawn("mutagent-test-nested", move || async move {
            let _ = tx.send(7);
        })
        .unwrap();
        assert_eq!(rx.await.unwrap(), 7);
        // Joining from a spawned blocking task: the runtime thread ends with its work.
        tokio::task::spawn_blocking(move || thread.join().unwrap())
            .await
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn runs_the_work_on_a_caller_supplied_multi_thread_runtime() {
        let mut runtime = Builder::new_multi_thread();
        runtime
            .worker_threads(2)
            .thread_name("mutagent-test-worker")
            .enable_all();
        let (tx, rx) = tokio::sync::oneshot::channel();
        // Started from inside a (multi-thread) runtime too: built on the new thread, not here.
        let thread = spawn_with("mutagent-test-multi", runtime, move || async move {
            let on = std::thread::current().name().map(str::to_owned);
            // A spawned task runs on a worker, which carries the builder's name.
            let worker = tokio::spawn(async {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                std::thread::current().name().map(str::to_owned)
            })
            .await
            .ok()
            .flatten();
            let flavor = tokio::runtime::Handle::current().runtime_flavor();
            let _ = tx.send((on, worker, flavor));
        })
        .unwrap();
        let (on, worker, flavor) = rx.await.unwrap();
        assert_eq!(on.as_deref(), Some("mutagent-test-multi"));
        assert_eq!(worker.as_deref(), Some("mutagent-test-worker"));
        assert_eq!(flavor, tokio::runtime::RuntimeFlavor::MultiThread);
        tokio::task::spawn_blocking(move || thread.join().unwrap())
            .await
            .unwrap();
    }
}
