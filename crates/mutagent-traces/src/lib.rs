//! The `traces` namespace of the MutagenT Rust SDK. Traces of LLM apps: ingest (single, batch, OTLP JSON), list, read, stats and analytics.
//!
//! (Being written: the operations land here.)

/// The operations of the `traces` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `traces` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct TracesApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> TracesApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.traces()` to both clients.
pub trait TracesExt: mutagent_core::ApiClient {
    /// The `traces` namespace.
    fn traces(&self) -> TracesApi<'_, Self> {
        TracesApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> TracesExt for C {}
