//! The operations of the `prompt_datasets` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "prompt_datasets";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/prompts/datasets/`
    pub static LIST_PROMPT_DATASETS: Endpoint<0> = Endpoint::new(
        NS,
        "list_prompt_datasets",
        Method::Get,
        "/api/prompts/datasets/",
    );
    /// `GET /api/prompts/datasets/{id}`
    pub static GET_PROMPT_DATASET: Endpoint<1> = Endpoint::new(
        NS,
        "get_prompt_dataset",
        Method::Get,
        "/api/prompts/datasets/{id}",
    );
    /// `PATCH /api/prompts/datasets/{id}`
    pub static UPDATE_PROMPT_DATASET: Endpoint<1> = Endpoint::new(
        NS,
        "update_prompt_dataset",
        Method::Patch,
        "/api/prompts/datasets/{id}",
    );
    /// `DELETE /api/prompts/datasets/{id}`
    pub static DELETE_PROMPT_DATASET: Endpoint<1> = Endpoint::new(
        NS,
        "delete_prompt_dataset",
        Method::Delete,
        "/api/prompts/datasets/{id}",
    );
    /// `POST /api/prompts/datasets/{id}/clone`
    pub static CLONE_PROMPT_DATASET: Endpoint<1> = Endpoint::new(
        NS,
        "clone_prompt_dataset",
        Method::Post,
        "/api/prompts/datasets/{id}/clone",
    );
    /// `GET /api/prompts/datasets/{id}/export`
    pub static EXPORT_PROMPT_DATASET: Endpoint<1> = Endpoint::new(
        NS,
        "export_prompt_dataset",
        Method::Get,
        "/api/prompts/datasets/{id}/export",
    );
    /// `GET /api/prompt/{id}/datasets` (`id` is the PROMPT id).
    pub static LIST_DATASETS_FOR_PROMPT: Endpoint<1> = Endpoint::new(
        NS,
        "list_datasets_for_prompt",
        Method::Get,
        "/api/prompt/{id}/datasets",
    );
    /// `POST /api/prompt/{id}/datasets` (`id` is the PROMPT id).
    pub static CREATE_PROMPT_DATASET: Endpoint<1> = Endpoint::new(
        NS,
        "create_prompt_dataset",
        Method::Post,
        "/api/prompt/{id}/datasets",
    );
}
