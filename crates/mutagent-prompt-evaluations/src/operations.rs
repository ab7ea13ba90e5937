//! The operations of the `prompt_evaluations` namespace, described once.

use mutagent_core::{Method, Operation};

const NS: &str = "prompt_evaluations";

/// `GET /api/prompts/evaluations/`
pub static LIST_EVALUATIONS: Operation = Operation::new(
    NS,
    "list_evaluations",
    Method::Get,
    "/api/prompts/evaluations/",
);
/// `POST /api/prompts/evaluations/`
pub static CREATE_EVALUATION: Operation = Operation::new(
    NS,
    "create_evaluation",
    Method::Post,
    "/api/prompts/evaluations/",
);
/// `GET /api/prompts/evaluations/results`
pub static GET_EVALUATION_RESULTS_AGGREGATED: Operation = Operation::new(
    NS,
    "get_evaluation_results_aggregated",
    Method::Get,
    "/api/prompts/evaluations/results",
);
/// `GET /api/prompts/evaluations/{id}`
pub static GET_EVALUATION: Operation = Operation::new(
    NS,
    "get_evaluation",
    Method::Get,
    "/api/prompts/evaluations/{id}",
);
/// `PATCH /api/prompts/evaluations/{id}`
pub static UPDATE_EVALUATION: Operation = Operation::new(
    NS,
    "update_evaluation",
    Method::Patch,
    "/api/prompts/evaluations/{id}",
);
/// `DELETE /api/prompts/evaluations/{id}`
pub static DELETE_EVALUATION: Operation = Operation::new(
    NS,
    "delete_evaluation",
    Method::Delete,
    "/api/prompts/evaluations/{id}",
);
/// `POST /api/prompts/evaluations/{id}/run`
pub static RUN_EVALUATION: Operation = Operation::new(
    NS,
    "run_evaluation",
    Method::Post,
    "/api/prompts/evaluations/{id}/run",
);
/// `GET /api/prompts/evaluations/{id}/result`
pub static GET_EVALUATION_RESULT: Operation = Operation::new(
    NS,
    "get_evaluation_result",
    Method::Get,
    "/api/prompts/evaluations/{id}/result",
);
/// `GET /api/prompts/evaluations/{id}/history`
pub static GET_EVALUATION_HISTORY: Operation = Operation::new(
    NS,
    "get_evaluation_history",
    Method::Get,
    "/api/prompts/evaluations/{id}/history",
);
/// `POST /api/prompts/evaluations/{id}/version`
pub static CREATE_EVALUATION_VERSION: Operation = Operation::new(
    NS,
    "create_evaluation_version",
    Method::Post,
    "/api/prompts/evaluations/{id}/version",
);

/// Every operation of the namespace, in the order of the API's operation table.
pub static OPERATIONS: &[&Operation] = &[
    &LIST_EVALUATIONS,
    &CREATE_EVALUATION,
    &GET_EVALUATION_RESULTS_AGGREGATED,
    &GET_EVALUATION,
    &UPDATE_EVALUATION,
    &DELETE_EVALUATION,
    &RUN_EVALUATION,
    &GET_EVALUATION_RESULT,
    &GET_EVALUATION_HISTORY,
    &CREATE_EVALUATION_VERSION,
];
