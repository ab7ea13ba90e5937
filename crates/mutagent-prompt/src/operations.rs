//! The operations of the `prompt` namespace, described once.

use mutagent_core::{Method, Operation};

const NS: &str = "prompt";

/// `GET /api/prompt/`
pub static LIST_PROMPTS: Operation =
    Operation::new(NS, "list_prompts", Method::Get, "/api/prompt/");
/// `POST /api/prompt/`
pub static CREATE_PROMPT: Operation =
    Operation::new(NS, "create_prompt", Method::Post, "/api/prompt/");
/// `GET /api/prompt/tags`
pub static LIST_PROMPT_TAGS: Operation =
    Operation::new(NS, "list_prompt_tags", Method::Get, "/api/prompt/tags");
/// `GET /api/prompt/{id}`
pub static GET_PROMPT: Operation =
    Operation::new(NS, "get_prompt", Method::Get, "/api/prompt/{id}");
/// `PATCH /api/prompt/{id}`
pub static UPDATE_PROMPT: Operation =
    Operation::new(NS, "update_prompt", Method::Patch, "/api/prompt/{id}");
/// `DELETE /api/prompt/{id}`
pub static DELETE_PROMPT: Operation =
    Operation::new(NS, "delete_prompt", Method::Delete, "/api/prompt/{id}");
/// `GET /api/prompt/{id}/versions`
pub static LIST_PROMPT_VERSIONS: Operation = Operation::new(
    NS,
    "list_prompt_versions",
    Method::Get,
    "/api/prompt/{id}/versions",
);
/// `POST /api/prompt/{id}/versions`
pub static CREATE_PROMPT_VERSION: Operation = Operation::new(
    NS,
    "create_prompt_version",
    Method::Post,
    "/api/prompt/{id}/versions",
);
/// `GET /api/prompt/{id}/analytics`
pub static GET_PROMPT_ANALYTICS: Operation = Operation::new(
    NS,
    "get_prompt_analytics",
    Method::Get,
    "/api/prompt/{id}/analytics",
);
/// `GET /api/prompt/{id}/model-comparisons`
pub static GET_PROMPT_MODEL_COMPARISONS: Operation = Operation::new(
    NS,
    "get_prompt_model_comparisons",
    Method::Get,
    "/api/prompt/{id}/model-comparisons",
);

/// Every operation of the namespace, in the order of the API's operation table.
pub static OPERATIONS: &[&Operation] = &[
    &LIST_PROMPTS,
    &CREATE_PROMPT,
    &LIST_PROMPT_TAGS,
    &GET_PROMPT,
    &UPDATE_PROMPT,
    &DELETE_PROMPT,
    &LIST_PROMPT_VERSIONS,
    &CREATE_PROMPT_VERSION,
    &GET_PROMPT_ANALYTICS,
    &GET_PROMPT_MODEL_COMPARISONS,
];
