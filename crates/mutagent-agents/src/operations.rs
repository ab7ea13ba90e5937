//! The operations of the `agents` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "agents";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/agents/`
    pub static LIST_AGENTS: Endpoint<0> = Endpoint::new(NS, "list_agents", Method::Get, "/api/agents/");
    /// `POST /api/agents/`
    pub static CREATE_AGENT: Endpoint<0> =
        Endpoint::new(NS, "create_agent", Method::Post, "/api/agents/");
    /// `GET /api/agents/{id}`
    pub static GET_AGENT: Endpoint<1> = Endpoint::new(NS, "get_agent", Method::Get, "/api/agents/{id}");
    /// `PATCH /api/agents/{id}`
    pub static UPDATE_AGENT: Endpoint<1> =
        Endpoint::new(NS, "update_agent", Method::Patch, "/api/agents/{id}");
    /// `DELETE /api/agents/{id}`
    pub static DELETE_AGENT: Endpoint<1> =
        Endpoint::new(NS, "delete_agent", Method::Delete, "/api/agents/{id}");
    /// `GET /api/agents/slug/{slug}`
    pub static GET_AGENT_BY_SLUG: Endpoint<1> = Endpoint::new(
        NS,
        "get_agent_by_slug",
        Method::Get,
        "/api/agents/slug/{slug}",
    );
}
