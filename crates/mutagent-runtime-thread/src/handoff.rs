//! One value handed from one thread to another that waits for it: a runtime thread's
//! "ready" here, the blocking client's answers in `mutagent-core`.
//!
//! A mutex and a condition variable rather than `std::sync::mpsc`: a std channel brings its
//! three implementations (array, list, zero-capacity) into every crate that uses it, once
//! per message type, which made it the largest piece of generated code in core after the
//! hyper client (docs/performance.md, "Compile time"). Waiting is safe anywhere, inside a
//! Tokio runtime or not; it never panics.
//!
//! ```
//! let (tx, rx) = mutagent_runtime_thread::handoff::channel();
//! let sender = std::thread::spawn(move || tx.send(7));
//! assert_eq!(rx.recv(), Some(7));
//! sender.join().ok();
//! ```

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// The sending half: [`send`](Sender::send) once; dropped unsent, it tells the receiver
/// that no value will come.
pub struct Sender<T>(Arc<Shared<T>>);

/// The receiving half: [`recv`](Receiver::recv) waits for the value.
pub struct Receiver<T>(Arc<Shared<T>>);

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

struct Shared<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    value: Option<T>,
    /// The sender is gone (sent or dropped): nothing more will come.
    closed: bool,
}

/// A new hand-off.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            value: None,
            closed: false,
        }),
        changed: Condvar::new(),
    });
    (Sender(Arc::clone(&shared)), Receiver(shared))
}

impl<T> Sender<T> {
    /// Hands `value` over (kept until the receiver takes it, even if it is not waiting yet).
    pub fn send(self, value: T) {
        // The state is two plain fields, consistent after any panic: poisoning is ignored.
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.value = Some(value);
        // `closed` and the wake-up follow in `drop`, right after.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.closed = true;
        drop(state);
        self.0.changed.notify_all();
    }
}

impl<T> Receiver<T> {
    /// Waits until the sender is gone; the value, if it sent one.
    pub fn recv(self) -> Option<T> {
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.closed {
            state = self
                .0
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.value.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_sent_before_or_after_the_receiver_waits_arrives() {
        let (tx, rx) = channel();
        tx.send(1);
        assert_eq!(rx.recv(), Some(1));

        let (tx, rx) = channel();
        let sender = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            tx.send("late");
        });
        assert_eq!(rx.recv(), Some("late"));
        sender.join().unwrap();
    }

    #[test]
    fn a_sender_dropped_unsent_ends_the_wait_with_nothing() {
        let (tx, rx) = channel::<u8>();
        let sender = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            drop(tx);
        });
        assert_eq!(rx.recv(), None);
        sender.join().unwrap();
        // A sender that panics is dropped too: the receiver is told, not left waiting.
        let (tx, rx) = channel::<u8>();
        let panicking = std::thread::spawn(move || {
            let _tx = tx;
            panic!("before sending");
        });
        assert_eq!(rx.recv(), None);
        assert!(panicking.join().is_err());
    }
}
