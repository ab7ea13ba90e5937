//! The `experiments` namespace of the MutagenT Rust SDK. Experiments comparing models on a prompt and dataset.
//!
//! (Being written: the operations land here.)

/// The operations of the `experiments` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `experiments` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct ExperimentsApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> ExperimentsApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.experiments()` to both clients.
pub trait ExperimentsExt: mutagent_core::ApiClient {
    /// The `experiments` namespace.
    fn experiments(&self) -> ExperimentsApi<'_, Self> {
        ExperimentsApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> ExperimentsExt for C {}
