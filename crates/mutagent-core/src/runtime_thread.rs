//! A thread of its own with a current-thread Tokio runtime, for work that must not run on (or
//! depend on) the caller's runtime: the blocking client's calls, the trace exporter's sender.
//!
//! The runtime is built and dropped on the new thread, never inside a caller's runtime, so
//! starting one is safe anywhere (inside `#[tokio::main]`, in plain `fn main`, during a
//! runtime's shutdown) and never panics.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::thread::JoinHandle;

use crate::handoff;

/// Spawns a thread named `name`, builds a current-thread runtime (I/O and timers enabled) on it
/// and runs `main()` there to completion; the thread ends when `main`'s future does.
///
/// Returns once the runtime exists, so a caller that gets `Ok` knows its work will run. Fails
/// when the operating system refuses the thread or the runtime (the runtime's own error is
/// passed on).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let (tx, rx) = std::sync::mpsc::channel();
/// let thread = mutagent_core::runtime_thread::spawn("example", move || async move {
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
    // Boxed, so the thread, the runtime and its `block_on` are compiled once in core for
    // every caller, not once per caller's future.
    spawn_boxed(name, Box::new(move || Box::pin(main())))
}

/// The work of a runtime thread: called on that thread, it makes the future to run there.
type ThreadMain = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

fn spawn_boxed(name: &str, main: ThreadMain) -> io::Result<JoinHandle<()>> {
    let (ready_tx, ready_rx) = handoff::channel::<io::Result<()>>();
    let thread = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
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
}
