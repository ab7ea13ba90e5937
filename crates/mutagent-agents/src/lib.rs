//! The `agents` namespace of the MutagenT Rust SDK: agent definitions (system prompt, model,
//! tool allow/deny lists, turn limit) stored in a workspace.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/agents.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/agents.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through [`AgentsExt::agents`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_agents::{AgentsExt, CreateAgent, UpdateAgent};
//! use mutagent_core::Client;
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let agent = client
//!     .agents()
//!     .create_agent(&CreateAgent::new("Support", "support", "You answer tickets.").max_turns(8))
//!     .await?;
//! client.agents().update_agent(agent.id, &UpdateAgent::new().status("active")).await?;
//! let same = client.agents().get_agent_by_slug("support").await?;
//! assert_eq!(same.id, agent.id);
//! # Ok(()) }
//! ```

mod api;
mod models;
pub mod operations;

pub use api::{AgentsApi, AgentsExt};
pub use models::{
    Agent, AgentId, AgentList, AgentSettings, AgentSourceKind, CreateAgent, ListAgents, UpdateAgent,
};
pub use mutagent_core::ids::WorkspaceId;
pub use mutagent_core::models::SuccessResponse;
