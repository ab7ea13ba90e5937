//! The operations of the `agents` namespace, for the async and the blocking client alike.

use mutagent_core::models::SuccessResponse;
use mutagent_core::request::validate;
use mutagent_core::{ApiClient, ApiRequest, Error};

use crate::models::{Agent, AgentId, AgentList, CreateAgent, ListAgents, UpdateAgent};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `agents` namespace: agent definitions stored in a workspace.
    ///
    /// Get it with `client.agents()` (from [`AgentsExt`]). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct AgentsApi;
    /// Adds `.agents()` to both clients.
    pub trait AgentsExt {
        /// The `agents` namespace.
        fn agents;
    }
}

fn list_request(params: &ListAgents) -> Result<ApiRequest, Error> {
    op::LIST_AGENTS.request().query_params(params).build()
}

impl<'a, C: ApiClient> AgentsApi<'a, C> {
    /// `GET /api/agents/`: one page of agents (`{data, total, limit, offset}`).
    ///
    /// ```no_run
    /// use mutagent_agents::{AgentsExt, ListAgents};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client.agents().list_agents(&ListAgents::new().is_public(true).limit(20)).await?;
    /// for agent in &page.data {
    ///     println!("{} ({})", agent.name, agent.slug);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_agents(&self, params: &ListAgents) -> C::Response<AgentList> {
        self.client.call(list_request(params))
    }

    /// Every agent matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_agents::{AgentsExt, ListAgents};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client.agents().list_agents_all(&ListAgents::new().limit(50)).try_collect().await?;
    /// println!("{} agents", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_agents_all(&self, params: &ListAgents) -> C::Items<Agent> {
        self.client.paginate::<AgentList>(list_request(params))
    }

    /// `POST /api/agents/`: creates an agent.
    ///
    /// ```no_run
    /// use mutagent_agents::{AgentsExt, CreateAgent};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let agent = client
    ///     .agents()
    ///     .create_agent(&CreateAgent::new("Triage", "triage", "Sort incoming tickets.").allowed_tools(["search"]))
    ///     .await?;
    /// println!("created agent {}", agent.id);
    /// # Ok(()) }
    /// ```
    pub fn create_agent(&self, body: &CreateAgent) -> C::Response<Agent> {
        let request = op::CREATE_AGENT
            .request()
            .validate(|operation| {
                validate::object(operation, "metadata", body.settings.metadata.as_ref())
            })
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/agents/{id}`: one agent.
    ///
    /// ```no_run
    /// use mutagent_agents::AgentsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let agent = client.agents().get_agent(7).await?;
    /// println!("{} runs on {:?}", agent.name, agent.model);
    /// # Ok(()) }
    /// ```
    pub fn get_agent(&self, id: impl Into<AgentId>) -> C::Response<Agent> {
        self.client.call(op::GET_AGENT.request(id.into()).build())
    }

    /// `PATCH /api/agents/{id}`: changes an agent; unset fields keep their value.
    ///
    /// ```no_run
    /// use mutagent_agents::{AgentsExt, UpdateAgent};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let agent = client
    ///     .agents()
    ///     .update_agent(7, &UpdateAgent::new().system_prompt("Be brief.").max_turns(4))
    ///     .await?;
    /// println!("now {:?}", agent.system_prompt);
    /// # Ok(()) }
    /// ```
    pub fn update_agent(&self, id: impl Into<AgentId>, body: &UpdateAgent) -> C::Response<Agent> {
        let request = op::UPDATE_AGENT
            .request(id.into())
            .validate(|operation| {
                validate::object(operation, "metadata", body.settings.metadata.as_ref())
            })
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/agents/{id}`: deletes an agent.
    ///
    /// ```no_run
    /// use mutagent_agents::AgentsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// assert!(client.agents().delete_agent(7).await?.success);
    /// # Ok(()) }
    /// ```
    pub fn delete_agent(&self, id: impl Into<AgentId>) -> C::Response<SuccessResponse> {
        self.client
            .call(op::DELETE_AGENT.request(id.into()).build())
    }

    /// `GET /api/agents/slug/{slug}`: one agent by its slug.
    ///
    /// ```no_run
    /// use mutagent_agents::AgentsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let agent = client.agents().get_agent_by_slug("support").await?;
    /// println!("support is agent {}", agent.id);
    /// # Ok(()) }
    /// ```
    pub fn get_agent_by_slug(&self, slug: &str) -> C::Response<Agent> {
        self.client
            .call(op::GET_AGENT_BY_SLUG.request(slug).build())
    }
}
