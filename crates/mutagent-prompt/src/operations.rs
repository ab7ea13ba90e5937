//! The operations of the `prompt` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "prompt";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/prompt/`
    pub static LIST_PROMPTS: Endpoint<0> =
        Endpoint::new(NS, "list_prompts", Method::Get, "/api/prompt/");
    /// `POST /api/prompt/`
    pub static CREATE_PROMPT: Endpoint<0> =
        Endpoint::new(NS, "create_prompt", Method::Post, "/api/prompt/");
    /// `GET /api/prompt/tags`
    pub static LIST_PROMPT_TAGS: Endpoint<0> =
        Endpoint::new(NS, "list_prompt_tags", Method::Get, "/api/prompt/tags");
    /// `GET /api/prompt/{id}`
    pub static GET_PROMPT: Endpoint<1> =
        Endpoint::new(NS, "get_prompt", Method::Get, "/api/prompt/{id}");
    /// `PATCH /api/prompt/{id}`
    pub static UPDATE_PROMPT: Endpoint<1> =
        Endpoint::new(NS, "update_prompt", Method::Patch, "/api/prompt/{id}");
    /// `DELETE /api/prompt/{id}`
    pub static DELETE_PROMPT: Endpoint<1> =
        Endpoint::new(NS, "delete_prompt", Method::Delete, "/api/prompt/{id}");
    /// `GET /api/prompt/{id}/versions`
    pub static LIST_PROMPT_VERSIONS: Endpoint<1> = Endpoint::new(
        NS,
        "list_prompt_versions",
        Method::Get,
        "/api/prompt/{id}/versions",
    );
    /// `POST /api/prompt/{id}/versions`
    pub static CREATE_PROMPT_VERSION: Endpoint<1> = Endpoint::new(
        NS,
        "create_prompt_version",
        Method::Post,
        "/api/prompt/{id}/versions",
    );
    /// `GET /api/prompt/{id}/analytics`
    pub static GET_PROMPT_ANALYTICS: Endpoint<1> = Endpoint::new(
        NS,
        "get_prompt_analytics",
        Method::Get,
        "/api/prompt/{id}/analytics",
    );
    /// `GET /api/prompt/{id}/model-comparisons`
    pub static GET_PROMPT_MODEL_COMPARISONS: Endpoint<1> = Endpoint::new(
        NS,
        "get_prompt_model_comparisons",
        Method::Get,
        "/api/prompt/{id}/model-comparisons",
    );
}
