//! A thread of its own with a current-thread Tokio runtime, for work that must not run on (or
//! depend on) the caller's runtime: the blocking client's calls, the trace exporter's sender.
//!
//! [`spawn`] is [`mutagent_runtime_thread::spawn`], re-exported from the crate the SDK shares
//! with the emulator (which starts its server with that crate's `spawn_with`). The runtime is built and dropped on the new thread, never inside a
//! caller's runtime, so starting one is safe anywhere (inside `#[tokio::main]`, in plain
//! `fn main`, during a runtime's shutdown) and never panics.
//!
//! ```
//! # fn main() -> std::io::Result<()> {
//! let (tx, rx) = std::sync::mpsc::channel();
//! let thread = mutagent_core::runtime_thread::spawn("example", move || async move {
//!     tokio::task::yield_now().await;
//!     let _ = tx.send(tokio::runtime::Handle::current().runtime_flavor());
//! })?;
//! assert_eq!(rx.recv().ok(), Some(tokio::runtime::RuntimeFlavor::CurrentThread));
//! thread.join().ok();
//! # Ok(()) }
//! ```

#[doc(inline)]
pub use mutagent_runtime_thread::spawn;
