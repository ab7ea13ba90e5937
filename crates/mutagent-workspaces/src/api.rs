//! The operations of the `workspaces` namespace, for the async and the blocking client alike.

use mutagent_core::ids::WorkspaceId;
use mutagent_core::models::SuccessResponse;
use mutagent_core::request::validate;
use mutagent_core::ApiClient;

use crate::models::{CreateWorkspace, ListWorkspaces, UpdateWorkspace, Workspace, WorkspaceList};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `workspaces` namespace: workspaces within an organization.
    ///
    /// Get it with `client.workspaces()` (from [`WorkspacesExt`](crate::WorkspacesExt)). With the
    /// async [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct WorkspacesApi;
    /// Adds `.workspaces()` to both clients.
    pub trait WorkspacesExt {
        /// The `workspaces` namespace.
        fn workspaces;
    }
}

impl<'a, C: ApiClient> WorkspacesApi<'a, C> {
    /// `GET /api/workspaces/`: every workspace the caller can see, with the caller's role in
    /// each (`{workspaces, total}`, not paged).
    ///
    /// ```no_run
    /// use mutagent_workspaces::{ListWorkspaces, WorkspacesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let all = client
    ///     .workspaces()
    ///     .list_workspaces(&ListWorkspaces::new().include_inactive(true))
    ///     .await?;
    /// println!("{} workspaces", all.total);
    /// # Ok(()) }
    /// ```
    pub fn list_workspaces(&self, params: &ListWorkspaces) -> C::Response<WorkspaceList> {
        self.client
            .call(op::LIST_WORKSPACES.request().query_params(params).build())
    }

    /// `POST /api/workspaces/`: creates a workspace.
    ///
    /// ```no_run
    /// use mutagent_workspaces::{CreateWorkspace, WorkspacesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let workspace = client
    ///     .workspaces()
    ///     .create_workspace(&CreateWorkspace::new("Staging", "staging").description("Pre-release checks"))
    ///     .await?;
    /// println!("created {}", workspace.id);
    /// # Ok(()) }
    /// ```
    pub fn create_workspace(&self, body: &CreateWorkspace) -> C::Response<Workspace> {
        let request = op::CREATE_WORKSPACE
            .request()
            .validate(|operation| validate::name(operation, "name", &body.name))
            .validate(|operation| validate::non_empty(operation, "slug", &body.slug))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/workspaces/{wsId}`: one workspace.
    ///
    /// ```no_run
    /// use mutagent_workspaces::{WorkspacesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let workspace = client.workspaces().get_workspace("ws_123").await?;
    /// println!("{} ({})", workspace.name, workspace.slug);
    /// # Ok(()) }
    /// ```
    pub fn get_workspace(&self, ws_id: impl Into<WorkspaceId>) -> C::Response<Workspace> {
        self.client
            .call(op::GET_WORKSPACE.request(ws_id.into()).build())
    }

    /// `PATCH /api/workspaces/{wsId}`: changes a workspace. Fields left unset keep their
    /// value; [`UpdateWorkspace::clear_description`] sends `null` to clear the description.
    ///
    /// ```no_run
    /// use mutagent_workspaces::{UpdateWorkspace, WorkspacesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let renamed = client
    ///     .workspaces()
    ///     .update_workspace("ws_123", &UpdateWorkspace::new().name("QA").clear_description())
    ///     .await?;
    /// println!("now {}", renamed.name);
    /// # Ok(()) }
    /// ```
    pub fn update_workspace(
        &self,
        ws_id: impl Into<WorkspaceId>,
        body: &UpdateWorkspace,
    ) -> C::Response<Workspace> {
        let request = op::UPDATE_WORKSPACE
            .request(ws_id.into())
            .validate(|operation| validate::optional_name(operation, "name", body.name.as_deref()))
            .validate(|operation| {
                validate::optional_non_empty(operation, "slug", body.slug.as_deref())
            })
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/workspaces/{wsId}`: deletes a workspace.
    ///
    /// ```no_run
    /// use mutagent_workspaces::{WorkspacesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.workspaces().delete_workspace("ws_123").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_workspace(&self, ws_id: impl Into<WorkspaceId>) -> C::Response<SuccessResponse> {
        self.client
            .call(op::DELETE_WORKSPACE.request(ws_id.into()).build())
    }

    /// `POST /api/workspaces/{wsId}/set-default`: makes this the default workspace (no body).
    ///
    /// ```no_run
    /// use mutagent_workspaces::{WorkspacesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let default = client.workspaces().set_default_workspace("ws_123").await?;
    /// assert!(default.is_default);
    /// # Ok(()) }
    /// ```
    pub fn set_default_workspace(&self, ws_id: impl Into<WorkspaceId>) -> C::Response<Workspace> {
        self.client
            .call(op::SET_DEFAULT_WORKSPACE.request(ws_id.into()).build())
    }
}
