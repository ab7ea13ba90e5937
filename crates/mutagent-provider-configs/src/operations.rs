//! The operations of the provider configs namespace, described once. Each is named as in the
//! API's operation table (`provider_configs`, the 0.1.2 names); the methods of
//! [`LlmProvidersApi`](crate::LlmProvidersApi) carry the live 0.4.1 names.

use mutagent_core::{Endpoint, Method};

const NS: &str = "provider_configs";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/providers/` (0.4.1: `list_provider_configs`)
    pub static LIST_PROVIDERS: Endpoint<0> =
        Endpoint::new(NS, "list_providers", Method::Get, "/api/providers/");
    /// `POST /api/providers/` (0.4.1: `create_provider_config`)
    pub static CREATE_PROVIDER: Endpoint<0> =
        Endpoint::new(NS, "create_provider", Method::Post, "/api/providers/");
    /// `GET /api/providers/models`
    pub static LIST_AVAILABLE_MODELS: Endpoint<0> = Endpoint::new(
        NS,
        "list_available_models",
        Method::Get,
        "/api/providers/models",
    );
    /// `GET /api/providers/{id}` (0.4.1: `get_provider_config`)
    pub static GET_PROVIDER: Endpoint<1> =
        Endpoint::new(NS, "get_provider", Method::Get, "/api/providers/{id}");
    /// `PATCH /api/providers/{id}` (0.4.1: `update_provider_config`)
    pub static UPDATE_PROVIDER: Endpoint<1> =
        Endpoint::new(NS, "update_provider", Method::Patch, "/api/providers/{id}");
    /// `DELETE /api/providers/{id}` (0.4.1: `delete_provider_config`)
    pub static DELETE_PROVIDER: Endpoint<1> =
        Endpoint::new(NS, "delete_provider", Method::Delete, "/api/providers/{id}");
    /// `GET /api/providers/catalog` (0.4.1: `get_model_catalog`)
    pub static GET_MODELS_CATALOG: Endpoint<0> = Endpoint::new(
        NS,
        "get_models_catalog",
        Method::Get,
        "/api/providers/catalog",
    );
    /// `POST /api/providers/{id}/test` (0.4.1: `test_provider_config`)
    pub static TEST_PROVIDER: Endpoint<1> = Endpoint::new(
        NS,
        "test_provider",
        Method::Post,
        "/api/providers/{id}/test",
    );
    /// `GET /api/providers/{id}/models` (0.4.1 only)
    pub static LIST_PROVIDER_CONFIG_MODELS: Endpoint<1> = Endpoint::new(
        NS,
        "list_provider_config_models",
        Method::Get,
        "/api/providers/{id}/models",
    )
    .since("0.4.1");
}
