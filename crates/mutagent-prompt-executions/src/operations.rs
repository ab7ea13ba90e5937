//! The operations of the `prompt_executions` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "prompt_executions";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/prompts/executions/runs`
    pub static LIST_PLAYGROUND_RUNS: Endpoint<0> = Endpoint::new(
        NS,
        "list_playground_runs",
        Method::Get,
        "/api/prompts/executions/runs",
    );
    /// `GET /api/prompts/executions/runs/{runId}`
    pub static GET_PLAYGROUND_RUN: Endpoint<1> = Endpoint::new(
        NS,
        "get_playground_run",
        Method::Get,
        "/api/prompts/executions/runs/{runId}",
    );
    /// `DELETE /api/prompts/executions/runs/{runId}`
    pub static DELETE_PLAYGROUND_RUN: Endpoint<1> = Endpoint::new(
        NS,
        "delete_playground_run",
        Method::Delete,
        "/api/prompts/executions/runs/{runId}",
    );
    /// `GET /api/prompts/executions/`
    pub static LIST_PROMPT_EXECUTIONS: Endpoint<0> = Endpoint::new(
        NS,
        "list_prompt_executions",
        Method::Get,
        "/api/prompts/executions/",
    );
    /// `POST /api/prompts/executions/`
    pub static CREATE_PROMPT_EXECUTION: Endpoint<0> = Endpoint::new(
        NS,
        "create_prompt_execution",
        Method::Post,
        "/api/prompts/executions/",
    );
    /// `GET /api/prompts/executions/export`
    pub static EXPORT_PROMPT_EXECUTIONS: Endpoint<0> = Endpoint::new(
        NS,
        "export_prompt_executions",
        Method::Get,
        "/api/prompts/executions/export",
    );
    /// `GET /api/prompts/executions/{id}`
    pub static GET_PROMPT_EXECUTION: Endpoint<1> = Endpoint::new(
        NS,
        "get_prompt_execution",
        Method::Get,
        "/api/prompts/executions/{id}",
    );
    /// `DELETE /api/prompts/executions/{id}`
    pub static DELETE_PROMPT_EXECUTION: Endpoint<1> = Endpoint::new(
        NS,
        "delete_prompt_execution",
        Method::Delete,
        "/api/prompts/executions/{id}",
    );
    /// `POST /api/prompts/executions/batch`
    pub static CREATE_BATCH_PROMPT_EXECUTION: Endpoint<0> = Endpoint::new(
        NS,
        "create_batch_prompt_execution",
        Method::Post,
        "/api/prompts/executions/batch",
    );
}
