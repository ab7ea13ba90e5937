//! The operations of the `workspace_members` namespace, for the async and the blocking client
//! alike.

use mutagent_core::ids::{UserId, WorkspaceId};
use mutagent_core::models::{SuccessResponse, WorkspaceRole};
use mutagent_core::ApiClient;
use serde_json::json;

use crate::models::{AddWorkspaceMember, WorkspaceMember, WorkspaceMemberList};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `workspace_members` namespace: the members of a workspace.
    ///
    /// Get it with `client.workspace_members()` (from [`WorkspaceMembersExt`]). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct WorkspaceMembersApi;
    /// Adds `.workspace_members()` to both clients.
    pub trait WorkspaceMembersExt {
        /// The `workspace_members` namespace.
        fn workspace_members;
    }
}

impl<'a, C: ApiClient> WorkspaceMembersApi<'a, C> {
    /// `GET /api/workspaces/{wsId}/members/`: every member of a workspace (`{data, total}`,
    /// not paged).
    ///
    /// ```no_run
    /// use mutagent_workspace_members::WorkspaceMembersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// for member in client.workspace_members().list_workspace_members("ws_1").await?.data {
    ///     println!("{} is {}", member.user_id, member.role);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_workspace_members(
        &self,
        ws_id: impl Into<WorkspaceId>,
    ) -> C::Response<WorkspaceMemberList> {
        self.client
            .call(op::LIST_WORKSPACE_MEMBERS.request(ws_id.into()).build())
    }

    /// `POST /api/workspaces/{wsId}/members/`: adds a user to a workspace.
    ///
    /// ```no_run
    /// use mutagent_workspace_members::{AddWorkspaceMember, WorkspaceMembersExt, WorkspaceRole};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let body = AddWorkspaceMember::new("user_42", WorkspaceRole::Admin);
    /// let member = client.workspace_members().add_workspace_member("ws_1", &body).await?;
    /// println!("membership {}", member.id);
    /// # Ok(()) }
    /// ```
    pub fn add_workspace_member(
        &self,
        ws_id: impl Into<WorkspaceId>,
        body: &AddWorkspaceMember,
    ) -> C::Response<WorkspaceMember> {
        let request = op::ADD_WORKSPACE_MEMBER.request(ws_id.into());
        self.client.call(request.json(body).build())
    }

    /// `PATCH /api/workspaces/{wsId}/members/{userId}`: changes a member's role (sends
    /// `{"role": …}`).
    ///
    /// ```no_run
    /// use mutagent_workspace_members::{WorkspaceMembersExt, WorkspaceRole};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let member = client
    ///     .workspace_members()
    ///     .update_workspace_member("ws_1", "user_42", WorkspaceRole::Viewer)
    ///     .await?;
    /// assert_eq!(member.role, WorkspaceRole::Viewer);
    /// # Ok(()) }
    /// ```
    pub fn update_workspace_member(
        &self,
        ws_id: impl Into<WorkspaceId>,
        user_id: impl Into<UserId>,
        role: WorkspaceRole,
    ) -> C::Response<WorkspaceMember> {
        let request = op::UPDATE_WORKSPACE_MEMBER.request(ws_id.into(), user_id.into());
        self.client
            .call(request.json(&json!({ "role": role })).build())
    }

    /// `DELETE /api/workspaces/{wsId}/members/{userId}`: removes a member.
    ///
    /// ```no_run
    /// use mutagent_workspace_members::WorkspaceMembersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.workspace_members().remove_workspace_member("ws_1", "user_42").await?;
    /// # Ok(()) }
    /// ```
    pub fn remove_workspace_member(
        &self,
        ws_id: impl Into<WorkspaceId>,
        user_id: impl Into<UserId>,
    ) -> C::Response<SuccessResponse> {
        let request = op::REMOVE_WORKSPACE_MEMBER.request(ws_id.into(), user_id.into());
        self.client.call(request.build())
    }
}
