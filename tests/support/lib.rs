//! Shared helpers for the end-to-end tests: an emulator and clients aimed at it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::time::Duration;

pub use mutagent_emulator::{Collection, Emulator, Fault};

/// The key every end-to-end test uses; the emulator accepts only this one.
pub const KEY: &str = "mt_e2e_test_key";

/// An emulator that accepts only [`KEY`], with fast optimization steps.
pub fn emulator_builder() -> mutagent_emulator::EmulatorBuilder {
    Emulator::builder()
        .api_key(KEY)
        .seed(7)
        .optimization_step(Duration::from_millis(20))
}

/// A builder for a client aimed at `emu` that sends no credentials (add your own), ignoring the
/// process environment.
pub fn keyless_builder(emu: &Emulator) -> mutagent::ClientBuilder {
    mutagent::Client::builder()
        .env(mutagent::env::EmptyEnv)
        .server_url(emu.url())
}

/// A builder for a client aimed at `emu`, ignoring the process environment, with quick
/// retries so fault tests stay fast.
pub fn client_builder(emu: &Emulator) -> mutagent::ClientBuilder {
    mutagent::Client::builder()
        .env(mutagent::env::EmptyEnv)
        .api_key(KEY)
        .server_url(emu.url())
        .timeout(Duration::from_secs(20))
        .retry_policy(
            mutagent::RetryPolicy::new()
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(100)),
        )
}

/// Starts an emulator (inside a Tokio runtime) and an async client for it.
///
/// # Panics
/// When the emulator cannot start (a broken test machine).
pub async fn start() -> (Emulator, mutagent::Client) {
    let emu = emulator_builder().start().await.expect("emulator");
    let client = client_builder(&emu).build().expect("client");
    (emu, client)
}

/// Starts an emulator on its own thread and a blocking client for it.
///
/// # Panics
/// When the emulator cannot start (a broken test machine).
pub fn start_blocking() -> (Emulator, mutagent::BlockingClient) {
    let emu = emulator_builder().start_blocking().expect("emulator");
    let client = client_builder(&emu).build_blocking().expect("client");
    (emu, client)
}

/// Checks that `result` is the API's 404: a thing deleted, or never there. `what` names the
/// case in the message of a failing check.
///
/// # Panics
/// When `result` is a success or another error (that is the test failing).
#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T, mutagent::Error>, what: &str) {
    match result {
        Ok(value) => panic!("{what}: expected a 404, got {value:?}"),
        Err(err) => assert!(err.is_not_found(), "{what}: {err}"),
    }
}
