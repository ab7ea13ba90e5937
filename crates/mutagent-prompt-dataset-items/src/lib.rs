//! The `prompt_dataset_items` namespace of the MutagenT Rust SDK. The items of prompt datasets: create, bulk insert, update, delete.
//!
//! (Being written: the operations land here.)

/// The operations of the `prompt_dataset_items` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `prompt_dataset_items` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct PromptDatasetItemsApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> PromptDatasetItemsApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.prompt_dataset_items()` to both clients.
pub trait PromptDatasetItemsExt: mutagent_core::ApiClient {
    /// The `prompt_dataset_items` namespace.
    fn prompt_dataset_items(&self) -> PromptDatasetItemsApi<'_, Self> {
        PromptDatasetItemsApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> PromptDatasetItemsExt for C {}
