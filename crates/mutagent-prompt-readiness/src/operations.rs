//! The operation of the `prompt_readiness` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "prompt_readiness";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/prompts/readiness/{promptGroupId}`
    pub static GET_PROMPT_READINESS: Endpoint<1> = Endpoint::new(
        NS,
        "get_prompt_readiness",
        Method::Get,
        "/api/prompts/readiness/{promptGroupId}",
    );
}
