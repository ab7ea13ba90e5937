//! The flush timer: one thread per exporter that rings each waiting `flush_async` /
//! `shutdown_async` caller at its deadline.
//!
//! A thread, not a Tokio timer: the caller may be outside Tokio (the OpenTelemetry SDK's export
//! thread) or on a runtime built without the time driver, and no public Tokio API tells which.
//! One thread for all the exporter's callers rather than one per call, so an application
//! flushing every second does not start a thread every second. It is started by the first async
//! flush, sleeps on a condvar until the earliest deadline (or a new earlier one), and ends when
//! the exporter is shut down or its last handle dropped.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use tokio::sync::oneshot;

/// The name of the timer thread. At most 15 bytes, the most Linux keeps of a thread's name, so
/// it reads the same in `top`, `/proc` and debuggers, and differs from the sender thread's.
const THREAD_NAME: &str = "mutagent-timer";

/// An exporter's timer, shared by its handles (dropped with the last one, which ends the
/// thread).
#[derive(Default)]
pub(super) struct FlushTimer {
    shared: Arc<Shared>,
    /// The thread, once started; taken by [`FlushTimer::stop`] to wait for its end.
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// What the handles and the thread share.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Signalled when an alarm is set that the thread would otherwise sleep past, and when the
    /// timer is stopped.
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// The alarms not yet rung or cancelled, earliest first. The sequence number keeps two
    /// alarms with the same deadline apart.
    alarms: BTreeMap<(Instant, u64), oneshot::Sender<()>>,
    next_seq: u64,
    /// By when the thread looks at the alarms again without being woken: the deadline it
    /// sleeps until, `None` while it sleeps until woken. An alarm due before then wakes it; a
    /// later one does not, so a flush answered in time costs the thread nothing (an app
    /// flushing with the same timeout in a loop wakes it about once per timeout).
    looks_by: Option<Instant>,
    /// A thread serves the alarms (or served them until the timer was stopped).
    started: bool,
    /// No new alarm is taken; the thread ends once the ones set are rung or cancelled.
    stopped: bool,
}

/// Locks ignoring poison: the state is consistent between statements (no code here panics
/// while holding it), and a timer that refused service would leave flushes without deadline.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One caller's alarm: `rung` resolves at the deadline (or with an error if the timer stopped
/// without ringing it, which it does not do while the alarm is set). Dropping it cancels it.
pub(super) struct Alarm {
    pub(super) rung: oneshot::Receiver<()>,
    key: (Instant, u64),
    shared: Arc<Shared>,
}

impl Drop for Alarm {
    fn drop(&mut self) {
        let mut state = lock(&self.shared.state);
        state.alarms.remove(&self.key);
        // Without this the thread would wake once at the cancelled deadline and find nothing
        // to do, which is harmless; a stopped timer's thread, though, waits for the last alarm
        // to go before it ends.
        if state.stopped && state.alarms.is_empty() {
            self.shared.changed.notify_one();
        }
    }
}

impl FlushTimer {
    /// An alarm ringing at `deadline`, starting the thread if none runs yet. `None` when the
    /// timer was stopped (the exporter is shut down) or the system refuses a thread: the
    /// caller then waits for the sender's answer alone.
    pub(super) fn set(&self, deadline: Instant) -> Option<Alarm> {
        let (ring, rung) = oneshot::channel();
        let mut state = lock(&self.shared.state);
        if state.stopped {
            return None;
        }
        if !state.started {
            let shared = Arc::clone(&self.shared);
            let thread = std::thread::Builder::new()
                .name(THREAD_NAME.into())
                .spawn(move || serve(&shared))
                .ok()?;
            *lock(&self.thread) = Some(thread);
            state.started = true;
            // It looks as soon as it gets the lock.
            state.looks_by = Some(Instant::now());
        }
        let key = (deadline, state.next_seq);
        state.next_seq += 1;
        state.alarms.insert(key, ring);
        if state.looks_by.is_none_or(|at| deadline < at) {
            state.looks_by = Some(deadline);
            self.shared.changed.notify_one();
        }
        Some(Alarm {
            rung,
            key,
            shared: Arc::clone(&self.shared),
        })
    }

    /// Takes no new alarm and ends the thread: at once when no alarm is set (waiting for it
    /// to be gone), otherwise once the alarms set by flushes still waiting are rung or
    /// cancelled (not waited for: they may be far off).
    pub(super) fn stop(&self) {
        let idle = {
            let mut state = lock(&self.shared.state);
            state.stopped = true;
            self.shared.changed.notify_one();
            state.alarms.is_empty()
        };
        let Some(thread) = lock(&self.thread).take() else {
            return;
        };
        // Never on the timer thread itself (a waker run inline by an odd executor could drop
        // the last handle there): joining it would wait forever.
        if idle && thread.thread().id() != std::thread::current().id() {
            // It holds the lock only for moments and ends at its next look at the state.
            let _ = thread.join();
        }
    }
}

impl Drop for FlushTimer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The timer thread: rings alarms as their deadlines pass, sleeping in between.
fn serve(shared: &Shared) {
    let mut state = lock(&shared.state);
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        while let Some(entry) = state.alarms.first_entry() {
            if entry.key().0 > now {
                break;
            }
            due.push(entry.remove());
        }
        if !due.is_empty() {
            // Rung without the lock: a waker may run code that sets or cancels an alarm. An
            // alarm set meanwhile is seen when the lock is taken back.
            state.looks_by = Some(now);
            drop(state);
            for ring in due {
                let _ = ring.send(());
            }
            state = lock(&shared.state);
            continue;
        }
        state = match state.alarms.first_key_value() {
            Some((&(deadline, _), _)) => {
                state.looks_by = Some(deadline);
                let wait = deadline.saturating_duration_since(now);
                shared
                    .changed
                    .wait_timeout(state, wait)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
            None if state.stopped => return,
            None => {
                state.looks_by = None;
                shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner)
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Whether `rung` has resolved, without waiting.
    fn has_rung(alarm: &mut Alarm) -> bool {
        !matches!(
            alarm.rung.try_recv(),
            Err(oneshot::error::TryRecvError::Empty)
        )
    }

    /// Waits (up to 10 s) until `alarm` rings.
    fn wait_for(alarm: &mut Alarm) {
        let until = Instant::now() + Duration::from_secs(10);
        while !has_rung(alarm) {
            assert!(Instant::now() < until, "the alarm never rang");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn alarms_ring_in_deadline_order_whatever_order_they_were_set_in() {
        let timer = FlushTimer::default();
        let start = Instant::now();
        let mut late = timer.set(start + Duration::from_secs(1)).expect("alarm");
        let mut soon = timer.set(start + Duration::from_millis(50)).expect("alarm");
        let mut cancelled = timer
            .set(start + Duration::from_millis(100))
            .expect("alarm");
        let cancelled_key = cancelled.key;
        assert!(!has_rung(&mut cancelled));
        drop(cancelled);
        assert!(!lock(&timer.shared.state)
            .alarms
            .contains_key(&cancelled_key));
        // The earlier one, set after the later one, rings first: the sleeping thread was woken
        // to sleep less.
        wait_for(&mut soon);
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert!(!has_rung(&mut late), "the later one waits");
        wait_for(&mut late);
        assert!(start.elapsed() >= Duration::from_secs(1));
        assert!(lock(&timer.shared.state).alarms.is_empty());
    }

    #[test]
    fn a_stopped_timer_takes_no_alarm_and_its_thread_ends() {
        let timer = FlushTimer::default();
        let far = timer.set(Instant::now() + Duration::from_secs(3600));
        let thread = lock(&timer.thread).as_ref().map(|t| t.thread().clone());
        assert!(thread.is_some(), "started by the first alarm");
        timer.stop();
        assert!(timer.set(Instant::now()).is_none(), "stopped");
        // The alarm set before the stop is still served, and the thread ends when it goes.
        assert!(lock(&timer.shared.state).stopped && far.is_some());
        drop(far);
        // The thread, holding no alarm and told to stop, leaves its loop and drops its share.
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if Arc::strong_count(&timer.shared) == 1 {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the timer thread still holds the shared state");
    }
}
