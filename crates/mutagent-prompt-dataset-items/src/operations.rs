//! The operations of the `prompt_dataset_items` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "prompt_dataset_items";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/prompts/datasets/{id}/items` (`id` is the DATASET id).
    pub static LIST_PROMPT_DATASET_ITEMS: Endpoint<1> = Endpoint::new(
        NS,
        "list_prompt_dataset_items",
        Method::Get,
        "/api/prompts/datasets/{id}/items",
    );
    /// `POST /api/prompts/datasets/{id}/items` (`id` is the DATASET id).
    pub static CREATE_PROMPT_DATASET_ITEM: Endpoint<1> = Endpoint::new(
        NS,
        "create_prompt_dataset_item",
        Method::Post,
        "/api/prompts/datasets/{id}/items",
    );
    /// `POST /api/prompts/datasets/{id}/items/bulk` (`id` is the DATASET id).
    pub static BULK_CREATE_PROMPT_DATASET_ITEMS: Endpoint<1> = Endpoint::new(
        NS,
        "bulk_create_prompt_dataset_items",
        Method::Post,
        "/api/prompts/datasets/{id}/items/bulk",
    );
    /// `GET /api/prompts/dataset-items/{id}` (`id` is the ITEM id).
    pub static GET_PROMPT_DATASET_ITEM: Endpoint<1> = Endpoint::new(
        NS,
        "get_prompt_dataset_item",
        Method::Get,
        "/api/prompts/dataset-items/{id}",
    );
    /// `PATCH /api/prompts/dataset-items/{id}` (`id` is the ITEM id).
    pub static UPDATE_PROMPT_DATASET_ITEM: Endpoint<1> = Endpoint::new(
        NS,
        "update_prompt_dataset_item",
        Method::Patch,
        "/api/prompts/dataset-items/{id}",
    );
    /// `DELETE /api/prompts/dataset-items/{id}` (`id` is the ITEM id).
    pub static DELETE_PROMPT_DATASET_ITEM: Endpoint<1> = Endpoint::new(
        NS,
        "delete_prompt_dataset_item",
        Method::Delete,
        "/api/prompts/dataset-items/{id}",
    );
}
