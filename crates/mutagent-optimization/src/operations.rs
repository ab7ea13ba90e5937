//! The operations of the `optimization` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "optimization";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `POST /api/prompt/{id}/optimize` (`id` is the prompt id)
    pub static OPTIMIZE_PROMPT: Endpoint<1> = Endpoint::new(
        NS,
        "optimize_prompt",
        Method::Post,
        "/api/prompt/{id}/optimize",
    );
    /// `GET /api/optimization/{id}`
    pub static GET_OPTIMIZATION: Endpoint<1> = Endpoint::new(
        NS,
        "get_optimization",
        Method::Get,
        "/api/optimization/{id}",
    );
    /// `GET /api/optimization` (no trailing slash)
    pub static LIST_OPTIMIZATIONS: Endpoint<0> =
        Endpoint::new(NS, "list_optimizations", Method::Get, "/api/optimization");
    /// `GET /api/optimization/{id}/progress`
    pub static GET_OPTIMIZATION_PROGRESS: Endpoint<1> = Endpoint::new(
        NS,
        "get_optimization_progress",
        Method::Get,
        "/api/optimization/{id}/progress",
    );
    /// `GET /api/optimization/{id}/states`
    pub static GET_OPTIMIZATION_STATES: Endpoint<1> = Endpoint::new(
        NS,
        "get_optimization_states",
        Method::Get,
        "/api/optimization/{id}/states",
    );
    /// `GET /api/optimization/{id}/results`
    pub static GET_OPTIMIZATION_RESULTS: Endpoint<1> = Endpoint::new(
        NS,
        "get_optimization_results",
        Method::Get,
        "/api/optimization/{id}/results",
    );
    /// `POST /api/optimization/{id}/pause`
    pub static PAUSE_OPTIMIZATION: Endpoint<1> = Endpoint::new(
        NS,
        "pause_optimization",
        Method::Post,
        "/api/optimization/{id}/pause",
    );
    /// `POST /api/optimization/{id}/resume`
    pub static RESUME_OPTIMIZATION: Endpoint<1> = Endpoint::new(
        NS,
        "resume_optimization",
        Method::Post,
        "/api/optimization/{id}/resume",
    );
    /// `POST /api/optimization/{id}/cancel`
    pub static CANCEL_OPTIMIZATION: Endpoint<1> = Endpoint::new(
        NS,
        "cancel_optimization",
        Method::Post,
        "/api/optimization/{id}/cancel",
    );
}
