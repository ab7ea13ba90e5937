//! How an app uses the SDK through the umbrella crate, against the emulator, with either
//! client. One test binary with a module per topic: each file of `tests/` is its own binary,
//! linked separately, so topics are added here as modules rather than as new files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic, helpers too

mod ids_in_calls;
mod render_prompt;
mod typed_items;

// Every topic module needs `prompt`; without it these would be unused.
#[cfg(feature = "prompt")]
use mutagent::{BlockingClient, Client, ClientBuilder};
#[cfg(feature = "prompt")]
use mutagent_emulator::Emulator;

/// The API key the emulator accepts and the client sends.
#[cfg(feature = "prompt")]
const API_KEY: &str = "k";

/// A builder aimed at `emu` with its key, configured only by what is set here (`EmptyEnv`: no
/// `MUTAGENT_*` variable of the machine running the tests leaks in).
#[cfg(feature = "prompt")]
fn client_for(emu: &Emulator) -> ClientBuilder {
    Client::builder()
        .env(mutagent::env::EmptyEnv)
        .server_url(emu.url())
        .api_key(API_KEY)
}

/// A fresh emulator and an async client pointed at it ([`client_for`]). The emulator is
/// returned to keep it running as long as the test holds it.
#[cfg(feature = "prompt")]
async fn emulator_and_client() -> (Emulator, Client) {
    let emu = Emulator::builder()
        .api_key(API_KEY)
        .start()
        .await
        .expect("emulator");
    let client = client_for(&emu).build().expect("client");
    (emu, client)
}

/// [`emulator_and_client`] for the blocking client.
#[cfg(feature = "prompt")]
fn emulator_and_blocking_client() -> (Emulator, BlockingClient) {
    let emu = Emulator::builder()
        .api_key(API_KEY)
        .start_blocking()
        .expect("emulator");
    let client = client_for(&emu).build_blocking().expect("client");
    (emu, client)
}
