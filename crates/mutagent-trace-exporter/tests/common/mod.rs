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

/// [`emulator`] started from a thread that runs no runtime (for a plain `#[test]`).
pub(crate) fn emulator_blocking() -> Emulator {
    Emulator::builder()
        .api_key(KEY)
        .start_blocking()
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

/// A current-thread runtime, for a plain `#[test]` that installs a thread-local subscriber.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The one trace that listing with `params` finds, fetched in full (with its spans).
///
/// # Panics
/// When the listing does not hold exactly one trace, or a call fails (the test failing).
pub(crate) async fn the_one_trace(
    client: &Client,
    params: &mutagent_traces::ListTraces,
) -> mutagent_traces::Trace {
    use mutagent_traces::TracesExt;
    let page = client.traces().list_traces(params).await.expect("list");
    assert_eq!(page.data.len(), 1, "one trace listed");
    client
        .traces()
        .get_trace(page.data[0].id.clone())
        .await
        .expect("trace")
}

/// An exporter on `client` that sends only when flushed or shut down (its interval is an hour).
pub(crate) fn exporter_on_demand(client: &Client) -> mutagent_trace_exporter::Exporter {
    mutagent_trace_exporter::Exporter::builder(client)
        .flush_interval(std::time::Duration::from_secs(3600))
        .build()
        .expect("exporter")
}
