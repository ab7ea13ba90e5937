//! The `optimization` namespace of the MutagenT Rust SDK. Prompt optimization jobs: start, follow, pause, resume, cancel, read results.
//!
//! (Being written: the operations land here.)

/// The operations of the `optimization` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `optimization` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct OptimizationApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> OptimizationApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.optimization()` to both clients.
pub trait OptimizationExt: mutagent_core::ApiClient {
    /// The `optimization` namespace.
    fn optimization(&self) -> OptimizationApi<'_, Self> {
        OptimizationApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> OptimizationExt for C {}
