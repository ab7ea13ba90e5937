//! The operations of the `optimization` namespace, described once.

use mutagent_core::{Method, Operation};

const NS: &str = "optimization";

/// `POST /api/prompt/{id}/optimize` (`id` is the prompt id)
pub static OPTIMIZE_PROMPT: Operation = Operation::new(
    NS,
    "optimize_prompt",
    Method::Post,
    "/api/prompt/{id}/optimize",
);
/// `GET /api/optimization/{id}`
pub static GET_OPTIMIZATION: Operation = Operation::new(
    NS,
    "get_optimization",
    Method::Get,
    "/api/optimization/{id}",
);
/// `GET /api/optimization` (no trailing slash)
pub static LIST_OPTIMIZATIONS: Operation =
    Operation::new(NS, "list_optimizations", Method::Get, "/api/optimization");
/// `GET /api/optimization/{id}/progress`
pub static GET_OPTIMIZATION_PROGRESS: Operation = Operation::new(
    NS,
    "get_optimization_progress",
    Method::Get,
    "/api/optimization/{id}/progress",
);
/// `GET /api/optimization/{id}/states`
pub static GET_OPTIMIZATION_STATES: Operation = Operation::new(
    NS,
    "get_optimization_states",
    Method::Get,
    "/api/optimization/{id}/states",
);
/// `GET /api/optimization/{id}/results`
pub static GET_OPTIMIZATION_RESULTS: Operation = Operation::new(
    NS,
    "get_optimization_results",
    Method::Get,
    "/api/optimization/{id}/results",
);
/// `POST /api/optimization/{id}/pause`
pub static PAUSE_OPTIMIZATION: Operation = Operation::new(
    NS,
    "pause_optimization",
    Method::Post,
    "/api/optimization/{id}/pause",
);
/// `POST /api/optimization/{id}/resume`
pub static RESUME_OPTIMIZATION: Operation = Operation::new(
    NS,
    "resume_optimization",
    Method::Post,
    "/api/optimization/{id}/resume",
);
/// `POST /api/optimization/{id}/cancel`
pub static CANCEL_OPTIMIZATION: Operation = Operation::new(
    NS,
    "cancel_optimization",
    Method::Post,
    "/api/optimization/{id}/cancel",
);

/// Every operation of the namespace, in the order of the API's operation table.
pub static OPERATIONS: &[&Operation] = &[
    &OPTIMIZE_PROMPT,
    &GET_OPTIMIZATION,
    &LIST_OPTIMIZATIONS,
    &GET_OPTIMIZATION_PROGRESS,
    &GET_OPTIMIZATION_STATES,
    &GET_OPTIMIZATION_RESULTS,
    &PAUSE_OPTIMIZATION,
    &RESUME_OPTIMIZATION,
    &CANCEL_OPTIMIZATION,
];
