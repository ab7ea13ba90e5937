//! The `organizations` namespace of the MutagenT Rust SDK. Organizations: create, list, update, delete, slugs and member counts.
//!
//! (Being written: the operations land here.)

/// The operations of the `organizations` namespace, described once.
pub mod operations {
    use mutagent_core::Operation;

    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation] = &[];
}

/// The `organizations` namespace on a client.
#[derive(Debug, Clone, Copy)]
pub struct OrganizationsApi<'a, C> {
    client: &'a C,
}

impl<'a, C: mutagent_core::ApiClient> OrganizationsApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }
}

/// Adds `.organizations()` to both clients.
pub trait OrganizationsExt: mutagent_core::ApiClient {
    /// The `organizations` namespace.
    fn organizations(&self) -> OrganizationsApi<'_, Self> {
        OrganizationsApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> OrganizationsExt for C {}
