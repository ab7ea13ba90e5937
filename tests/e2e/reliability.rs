//! Reliability and security through the public SDK: hostile servers answering real namespace
//! calls, hostile inputs, decoder fuzzing, and faults under load against the emulator.
//!
//! What each test proves is listed in `docs/reliability.md`.

mod fuzz;
mod hostile;
mod inputs;
mod load;
