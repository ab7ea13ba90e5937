//! The operations of the `playground` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "playground";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `POST /api/prompt/{id}/playground/call`
    pub static PLAYGROUND_CALL: Endpoint<1> = Endpoint::new(
        NS,
        "playground_call",
        Method::Post,
        "/api/prompt/{id}/playground/call",
    );
    /// `POST /api/prompt/{id}/playground/eval`
    pub static PLAYGROUND_EVAL: Endpoint<1> = Endpoint::new(
        NS,
        "playground_eval",
        Method::Post,
        "/api/prompt/{id}/playground/eval",
    );
}
