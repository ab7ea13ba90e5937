//! How an app uses the SDK through the umbrella crate, against the emulator, with either
//! client. One test binary with a module per topic: each file of `tests/` is its own binary,
//! linked separately, so topics are added here as modules rather than as new files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic, helpers too

mod ids_in_calls;
mod render_prompt;
mod typed_items;
