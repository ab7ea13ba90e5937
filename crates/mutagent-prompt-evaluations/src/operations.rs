//! The operations of the `prompt_evaluations` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "prompt_evaluations";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/prompts/evaluations/`
    pub static LIST_EVALUATIONS: Endpoint<0> = Endpoint::new(
        NS,
        "list_evaluations",
        Method::Get,
        "/api/prompts/evaluations/",
    );
    /// `POST /api/prompts/evaluations/`
    pub static CREATE_EVALUATION: Endpoint<0> = Endpoint::new(
        NS,
        "create_evaluation",
        Method::Post,
        "/api/prompts/evaluations/",
    );
    /// `GET /api/prompts/evaluations/results`
    pub static GET_EVALUATION_RESULTS_AGGREGATED: Endpoint<0> = Endpoint::new(
        NS,
        "get_evaluation_results_aggregated",
        Method::Get,
        "/api/prompts/evaluations/results",
    );
    /// `GET /api/prompts/evaluations/{id}`
    pub static GET_EVALUATION: Endpoint<1> = Endpoint::new(
        NS,
        "get_evaluation",
        Method::Get,
        "/api/prompts/evaluations/{id}",
    );
    /// `PATCH /api/prompts/evaluations/{id}`
    pub static UPDATE_EVALUATION: Endpoint<1> = Endpoint::new(
        NS,
        "update_evaluation",
        Method::Patch,
        "/api/prompts/evaluations/{id}",
    );
    /// `DELETE /api/prompts/evaluations/{id}`
    pub static DELETE_EVALUATION: Endpoint<1> = Endpoint::new(
        NS,
        "delete_evaluation",
        Method::Delete,
        "/api/prompts/evaluations/{id}",
    );
    /// `POST /api/prompts/evaluations/{id}/run`
    pub static RUN_EVALUATION: Endpoint<1> = Endpoint::new(
        NS,
        "run_evaluation",
        Method::Post,
        "/api/prompts/evaluations/{id}/run",
    );
    /// `GET /api/prompts/evaluations/{id}/result`
    pub static GET_EVALUATION_RESULT: Endpoint<1> = Endpoint::new(
        NS,
        "get_evaluation_result",
        Method::Get,
        "/api/prompts/evaluations/{id}/result",
    );
    /// `GET /api/prompts/evaluations/{id}/history`
    pub static GET_EVALUATION_HISTORY: Endpoint<1> = Endpoint::new(
        NS,
        "get_evaluation_history",
        Method::Get,
        "/api/prompts/evaluations/{id}/history",
    );
    /// `POST /api/prompts/evaluations/{id}/version`
    pub static CREATE_EVALUATION_VERSION: Endpoint<1> = Endpoint::new(
        NS,
        "create_evaluation_version",
        Method::Post,
        "/api/prompts/evaluations/{id}/version",
    );
}
