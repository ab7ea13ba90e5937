//! The operations of the `experiments` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "experiments";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/prompts/experiments/`
    pub static LIST_EXPERIMENTS: Endpoint<0> = Endpoint::new(
        NS,
        "list_experiments",
        Method::Get,
        "/api/prompts/experiments/",
    );
    /// `POST /api/prompts/experiments/`
    pub static CREATE_EXPERIMENT: Endpoint<0> = Endpoint::new(
        NS,
        "create_experiment",
        Method::Post,
        "/api/prompts/experiments/",
    );
    /// `GET /api/prompts/experiments/{id}`
    pub static GET_EXPERIMENT: Endpoint<1> = Endpoint::new(
        NS,
        "get_experiment",
        Method::Get,
        "/api/prompts/experiments/{id}",
    );
    /// `PATCH /api/prompts/experiments/{id}`
    pub static COMPLETE_EXPERIMENT: Endpoint<1> = Endpoint::new(
        NS,
        "complete_experiment",
        Method::Patch,
        "/api/prompts/experiments/{id}",
    );
    /// `DELETE /api/prompts/experiments/{id}`
    pub static DELETE_EXPERIMENT: Endpoint<1> = Endpoint::new(
        NS,
        "delete_experiment",
        Method::Delete,
        "/api/prompts/experiments/{id}",
    );
    /// `POST /api/prompts/experiments/{id}/results`
    pub static ADD_EXPERIMENT_RESULT: Endpoint<1> = Endpoint::new(
        NS,
        "add_experiment_result",
        Method::Post,
        "/api/prompts/experiments/{id}/results",
    );
    /// `PATCH /api/prompts/experiments/{id}/name`
    pub static UPDATE_EXPERIMENT_NAME: Endpoint<1> = Endpoint::new(
        NS,
        "update_experiment_name",
        Method::Patch,
        "/api/prompts/experiments/{id}/name",
    );
    /// `POST /api/prompts/experiments/{id}/execute`
    pub static EXECUTE_EXPERIMENT: Endpoint<1> = Endpoint::new(
        NS,
        "execute_experiment",
        Method::Post,
        "/api/prompts/experiments/{id}/execute",
    );
}
