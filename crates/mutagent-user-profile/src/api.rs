//! The operations of the `user_profile` namespace, for the async and the blocking client alike.

use mutagent_core::{ApiClient, Error};
use serde_json::Value;

use crate::models::{ChangePassword, SessionId, UpdateProfile, UserProfile, UserSessions};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `user_profile` namespace: the calling user's own account (`/api/users/me`) and
    /// login sessions.
    ///
    /// Get it with `client.user_profile()` (from [`UserProfileExt`]). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct UserProfileApi;
    /// Adds `.user_profile()` to both clients.
    pub trait UserProfileExt {
        /// The `user_profile` namespace.
        fn user_profile;
    }
}

impl<'a, C: ApiClient> UserProfileApi<'a, C> {
    /// `GET /api/users/me`: the calling user's profile.
    ///
    /// ```no_run
    /// use mutagent_user_profile::UserProfileExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let me = client.user_profile().get_profile().await?;
    /// println!("{:?} <{:?}>", me.name(), me.email());
    /// # Ok(()) }
    /// ```
    pub fn get_profile(&self) -> C::Response<UserProfile> {
        self.client.call(op::GET_PROFILE.request().build())
    }

    /// `PATCH /api/users/me`: changes the profile; unset fields keep their value.
    ///
    /// ```no_run
    /// use mutagent_user_profile::{UpdateProfile, UserProfileExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let me = client
    ///     .user_profile()
    ///     .update_profile(&UpdateProfile::new().name("Ada Lovelace").clear_avatar_url())
    ///     .await?;
    /// assert_eq!(me.name(), Some("Ada Lovelace"));
    /// # Ok(()) }
    /// ```
    pub fn update_profile(&self, body: &UpdateProfile) -> C::Response<UserProfile> {
        self.client
            .call(op::UPDATE_PROFILE.request().json(body).build())
    }

    /// `DELETE /api/users/me`: deletes the calling user's account. The API takes a JSON body
    /// whose keys it leaves open (a confirmation, presumably); pass the object it expects
    /// (`json!({})` when nothing). Anything but a JSON object is refused before sending.
    ///
    /// ```no_run
    /// use mutagent_user_profile::UserProfileExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let answer = client.user_profile().delete_account(&serde_json::json!({"confirm": true})).await?;
    /// println!("{answer}");
    /// # Ok(()) }
    /// ```
    pub fn delete_account(&self, body: &Value) -> C::Response<Value> {
        let request = op::DELETE_ACCOUNT
            .request()
            .validate(|operation| match body {
                Value::Object(_) => Ok(()),
                _ => Err(Error::invalid_input(
                    operation,
                    "body",
                    "must be a JSON object",
                )),
            })
            .json(body);
        self.client.call(request.build())
    }

    /// `POST /api/users/me/password`: changes the password. The body's passwords are
    /// [`Secret`](mutagent_core::models::Secret)s; neither is ever shown by `Debug` or in an
    /// error of the SDK's own.
    ///
    /// ```no_run
    /// use mutagent_user_profile::{ChangePassword, UserProfileExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client
    ///     .user_profile()
    ///     .change_password(&ChangePassword::new("current secret", "new secret"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn change_password(&self, body: &ChangePassword) -> C::Response<Value> {
        self.client
            .call(op::CHANGE_PASSWORD.request().json(body).build())
    }

    /// `GET /api/users/me/sessions`: the calling user's login sessions.
    ///
    /// ```no_run
    /// use mutagent_user_profile::UserProfileExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let sessions = client.user_profile().list_user_sessions().await?;
    /// println!("{} session(s)", sessions.sessions().len());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "list_sessions")]
    pub fn list_user_sessions(&self) -> C::Response<UserSessions> {
        self.client.call(op::LIST_SESSIONS.request().build())
    }

    /// `DELETE /api/users/me/sessions/{id}`: signs one session out.
    ///
    /// ```no_run
    /// use mutagent_user_profile::UserProfileExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let sessions = client.user_profile().list_user_sessions().await?;
    /// for id in sessions.ids().into_iter().skip(1) {
    ///     client.user_profile().revoke_user_session(id).await?;
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "delete_session")]
    pub fn revoke_user_session(&self, id: impl Into<SessionId>) -> C::Response<Value> {
        self.client
            .call(op::DELETE_SESSION.request(id.into()).build())
    }
}
