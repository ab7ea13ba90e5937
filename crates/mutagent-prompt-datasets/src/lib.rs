//! The `prompt_datasets` namespace of the MutagenT Rust SDK. Datasets scoped to a prompt group: create, list, update, clone, export, delete.
//!
//! (Being written: the operations land here.)

/// The operations of the `prompt_datasets` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `prompt_datasets` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct PromptDatasetsApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> PromptDatasetsApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.prompt_datasets()` to both clients.
pub trait PromptDatasetsExt: mutagent_core::ApiClient {
    /// The `prompt_datasets` namespace.
    fn prompt_datasets(&self) -> PromptDatasetsApi<'_, Self> {
        PromptDatasetsApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> PromptDatasetsExt for C {}
