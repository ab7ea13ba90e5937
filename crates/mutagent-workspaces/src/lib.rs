//! The `workspaces` namespace of the MutagenT Rust SDK. Workspaces within an organization.
//!
//! (Being written: the operations land here.)

/// The operations of the `workspaces` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `workspaces` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct WorkspacesApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> WorkspacesApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.workspaces()` to both clients.
pub trait WorkspacesExt: mutagent_core::ApiClient {
    /// The `workspaces` namespace.
    fn workspaces(&self) -> WorkspacesApi<'_, Self> {
        WorkspacesApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> WorkspacesExt for C {}
