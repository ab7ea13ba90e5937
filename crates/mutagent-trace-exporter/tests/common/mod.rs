//! Setup shared by the exporter's integration tests: an emulator and a client aimed at it.
#![allow(dead_code)] // each test file uses the parts it needs

use mutagent_core::Client;
use mutagent_emulator::Emulator;

/// The API key the emulator accepts and the clients send.
pub(crate) const KEY: &str = "mt_test_key";

/// An emulator on loopback that accepts [`KEY`].
pub(crate) async fn emulator() -> Emulator {
    Emulator::builder()
        .api_key(KEY)
        .start()
        .await
        .expect("emulator")
}

/// An async client aimed at `url` that sends [`KEY`].
pub(crate) fn client(url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .server_url(url)
        .build()
        .expect("client")
}
