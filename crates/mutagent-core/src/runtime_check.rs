//! Whether the Tokio runtime an async call runs on has the drivers the call needs.
//!
//! Tokio panics when a timer is created on a runtime built without `enable_time()`, or a
//! socket registered on one built without `enable_io()`, and it has no public query for
//! either. So the first call on a thread under a given runtime probes: it creates a timer (and,
//! for the default HTTP client, registers a socket that is never bound or connected) inside
//! `catch_unwind`. The answer is kept per thread for that runtime's [`Id`], so each later call
//! costs one thread-local read. (Tokio says an id may be reused once its runtime is gone; it
//! numbers them from a 64-bit counter, so an id comes again only after 2^64 runtimes.)
//!
//! A probe that fails still runs the panic hook, once per thread and runtime (the probe for a
//! runtime being shut down too, as that is kept the same way): the default hook
//! prints tokio's message (which names the fix) to stderr. Only replacing the process-wide
//! hook could silence it, which a library must not do. Built with `panic = "abort"`, a failed
//! probe could not be caught: there is no probe then, and tokio's panic stays what it was.

use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use tokio::runtime::{Handle, Id};

use crate::error::RuntimeProblem;

/// What the probes found on one runtime; `io` is probed only when it is needed.
#[derive(Clone, Copy)]
struct Drivers {
    runtime: Id,
    timers: bool,
    io: Option<bool>,
    /// Seen being shut down: a runtime never comes back from that, so it is not probed again.
    shutting_down: bool,
}

thread_local! {
    /// The drivers of the runtime this thread last made a call under. A thread runs under one
    /// runtime at a time and seldom changes, so one entry is enough, and it needs no lock.
    static LAST: Cell<Option<Drivers>> = const { Cell::new(None) };
}

/// Whether a call may run here: under a Tokio runtime with timers. Every call needs them.
pub(crate) fn timers() -> Result<(), RuntimeProblem> {
    let drivers = drivers(false)?;
    if drivers.timers {
        Ok(())
    } else {
        Err(RuntimeProblem::TimersDisabled)
    }
}

/// Whether the current runtime is being shut down. Tokio then panics when a timer is polled
/// ("A Tokio 1.x context was found, but it is being shutdown."), and every call needs one
/// for its timeout. It happens to a call made from a thread that goes on while the runtime
/// is dropped (a `spawn_blocking` task, a `Handle::block_on` at exit). Asked at the start of
/// each call, as a runtime may begin shutting down at any time: a timer that is already due
/// is polled once inside `catch_unwind` (a short lock of the time driver). A runtime seen
/// shutting down stays so, and that is kept per thread and runtime like the drivers: the
/// panic hook, which the caught panic still runs (and which may send a crash report), runs
/// once per thread and runtime, not once per call. Call it only where [`timers`] said yes.
/// Built with `panic = "abort"` nothing can be caught: it answers `false`.
pub(crate) fn shutting_down() -> bool {
    if cfg!(panic = "abort") {
        return false;
    }
    let Ok(mut drivers) = drivers(false) else {
        return false;
    };
    if drivers.shutting_down {
        return true;
    }
    let mut due = std::pin::pin!(tokio::time::sleep(std::time::Duration::ZERO));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let found = catch_unwind(AssertUnwindSafe(|| {
        let _ = due.as_mut().poll(&mut cx);
    }))
    .is_err();
    if found {
        drivers.shutting_down = true;
        LAST.set(Some(drivers));
    }
    found
}

/// Whether the default HTTP client may connect here: under a Tokio runtime with I/O.
pub(crate) fn io() -> Result<(), RuntimeProblem> {
    match drivers(true)?.io {
        Some(false) => Err(RuntimeProblem::IoDisabled),
        _ => Ok(()),
    }
}

/// The drivers of the current runtime, probed once per thread and runtime (`io` only when
/// `with_io`).
fn drivers(with_io: bool) -> Result<Drivers, RuntimeProblem> {
    let handle = Handle::try_current().map_err(|_| RuntimeProblem::NoTokioRuntime)?;
    let runtime = handle.id();
    let known = LAST.get().filter(|last| last.runtime == runtime);
    let mut drivers = known.unwrap_or_else(|| Drivers {
        runtime,
        timers: probe(|| drop(tokio::time::sleep(std::time::Duration::ZERO))),
        io: None,
        shutting_down: false,
    });
    if with_io && drivers.io.is_none() {
        drivers.io = Some(probe(register_a_socket));
    }
    LAST.set(Some(drivers));
    Ok(drivers)
}

/// Whether `touch` ran without panicking; `true` when a panic could not be caught (built with
/// `panic = "abort"`), where probing would end the process.
fn probe(touch: fn()) -> bool {
    if cfg!(panic = "abort") {
        return true;
    }
    catch_unwind(AssertUnwindSafe(touch)).is_ok()
}

/// Registers a socket with the runtime's I/O driver and closes it again: tokio panics here
/// when the runtime has no I/O. When no socket can be made at all, the answer is left to the
/// connection itself.
fn register_a_socket() {
    #[cfg(unix)]
    {
        // Unbound and unnamed: touches no network and no file.
        let _ = tokio::net::UnixDatagram::unbound();
    }
    #[cfg(not(unix))]
    {
        let Ok(socket) = std::net::UdpSocket::bind((std::net::Ipv4Addr::LOCALHOST, 0)) else {
            return;
        };
        if socket.set_nonblocking(true).is_ok() {
            let _ = tokio::net::UdpSocket::from_std(socket);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime(enable: impl FnOnce(&mut tokio::runtime::Builder)) -> tokio::runtime::Runtime {
        let mut builder = tokio::runtime::Builder::new_current_thread();
        enable(&mut builder);
        builder.build().expect("runtime")
    }

    /// Each driver is told apart, and outside Tokio neither is probed.
    #[test]
    fn the_probes_tell_each_missing_driver() {
        assert_eq!(timers(), Err(RuntimeProblem::NoTokioRuntime));
        assert_eq!(io(), Err(RuntimeProblem::NoTokioRuntime));
        let full = runtime(|builder| {
            builder.enable_all();
        });
        assert_eq!(full.block_on(async { (timers(), io()) }), (Ok(()), Ok(())));
        let no_timers = runtime(|builder| {
            builder.enable_io();
        });
        let found = no_timers.block_on(async { (timers(), io()) });
        assert_eq!(found, (Err(RuntimeProblem::TimersDisabled), Ok(())));
        let no_io = runtime(|builder| {
            builder.enable_time();
        });
        let found = no_io.block_on(async { (timers(), io()) });
        assert_eq!(found, (Ok(()), Err(RuntimeProblem::IoDisabled)));
    }

    /// The answer is kept per runtime: a thread that moves between runtimes gets each one's
    /// own answer, not the last one's.
    #[test]
    fn each_runtime_gets_its_own_answer() {
        let full = runtime(|builder| {
            builder.enable_all();
        });
        let bare = runtime(|_| {});
        for _ in 0..2 {
            assert_eq!(full.block_on(async { timers() }), Ok(()));
            assert_eq!(
                bare.block_on(async { timers() }),
                Err(RuntimeProblem::TimersDisabled)
            );
            assert_eq!(
                bare.block_on(async { io() }),
                Err(RuntimeProblem::IoDisabled)
            );
        }
    }
}
