//! The `prompt_evaluations` namespace of the MutagenT Rust SDK. Prompt evaluations: create, run, read results and history.
//!
//! (Being written: the operations land here.)

/// The operations of the `prompt_evaluations` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `prompt_evaluations` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct PromptEvaluationsApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> PromptEvaluationsApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.prompt_evaluations()` to both clients.
pub trait PromptEvaluationsExt: mutagent_core::ApiClient {
    /// The `prompt_evaluations` namespace.
    fn prompt_evaluations(&self) -> PromptEvaluationsApi<'_, Self> {
        PromptEvaluationsApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> PromptEvaluationsExt for C {}
