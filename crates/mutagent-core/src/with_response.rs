//! [`WithResponse`], the client view whose calls answer the value with its
//! [`ResponseMeta`], for both clients and every operation.

use std::future::Future;
use std::ops::ControlFlow;

use serde::de::DeserializeOwned;

use crate::api_client::sealed::{self, AnswersWithMeta};
use crate::api_client::ApiClient;
use crate::blocking::BlockingClient;
use crate::client::Client;
use crate::error::Error;
use crate::pagination::Paginated;
use crate::request::ApiRequest;
use crate::response::ResponseMeta;
use crate::steps::Steps;

/// A view of a client whose calls answer `(value, ResponseMeta)` instead of the value alone;
/// made by [`Client::with_response`] and
/// [`BlockingClient::with_response`](crate::BlockingClient::with_response).
///
/// Every operation of every namespace works through it, since it is an [`ApiClient`] too:
/// through `Client` a call is a [`ResponseFuture<(T, ResponseMeta)>`](crate::ResponseFuture),
/// through `BlockingClient` a `Result<(T, ResponseMeta), Error>`. Walks over pages, uploads,
/// waits and other helpers made of several calls have no single answer: through this view
/// they behave exactly as through the client itself.
///
/// ```
/// use mutagent_core::{Client, Method, Operation};
///
/// static GET_PROMPT: Operation =
///     Operation::new("prompt", "get_prompt", Method::Get, "/api/prompt/{id}");
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), mutagent_core::Error> {
/// # let server = mutagent_test_support::ScriptedServer::start(vec![
/// #     mutagent_test_support::Reply::json(200, serde_json::json!({"id": 7}))
/// #         .header("x-request-id", "req_42")
/// #         .header("x-ratelimit-remaining", "99"),
/// # ]);
/// # let server_url = server.url();
/// let client = Client::builder().server_url(server_url).api_key("mt_example").build()?;
/// let request = GET_PROMPT.request().path_param("id", 7).build()?;
/// let (prompt, meta): (serde_json::Value, _) =
///     client.with_response().send(request).await?;
/// assert_eq!(prompt["id"], 7);
/// assert_eq!(meta.request_id(), Some("req_42"));
/// assert_eq!(meta.header("x-ratelimit-remaining"), Some("99"));
/// # Ok(()) }
/// ```
///
/// With the `mutagent` crate, any operation:
/// `let (prompt, meta) = client.with_response().prompt().get_prompt(7).await?;`
#[derive(Debug, Clone)]
pub struct WithResponse<C> {
    client: C,
}

// The two clients' `with_response()` live here, beside the view they make (as `builder()`
// lives beside the builder), so `client` and `blocking` do not reach down to this module.
impl Client {
    /// A view of this client whose calls answer `(value, ResponseMeta)`: the status, request
    /// id and headers of each answer with its value. See [`WithResponse`].
    pub fn with_response(&self) -> WithResponse<Client> {
        WithResponse::new(self.clone())
    }
}

impl BlockingClient {
    /// A view of this client whose calls answer `(value, ResponseMeta)`: the status, request
    /// id and headers of each answer with its value. See [`WithResponse`].
    pub fn with_response(&self) -> WithResponse<BlockingClient> {
        WithResponse::new(self.clone())
    }
}

impl<C: AnswersWithMeta> WithResponse<C> {
    pub(crate) fn new(client: C) -> Self {
        Self { client }
    }

    /// The client this view was made from.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// Sends a prepared request and answers the value with its [`ResponseMeta`]; the
    /// operations of the namespace crates do this for you.
    pub fn send<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ApiRequest,
    ) -> C::Response<(T, ResponseMeta)> {
        self.client.call_with_response(Ok(request))
    }
}

impl<C: AnswersWithMeta> sealed::Sealed for WithResponse<C> {}

impl<C: AnswersWithMeta> ApiClient for WithResponse<C> {
    type Response<T: Send + 'static> = C::Response<(T, ResponseMeta)>;
    type Items<T: Send + 'static> = C::Items<T>;
    type Outcome<T: Send + 'static, E: Send + 'static> = C::Outcome<T, E>;
    type Steps<T: Send + 'static> = C::Steps<T>;
    type Visit<'a, R: Send + 'a> = C::Visit<'a, R>;

    fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Self::Response<T> {
        self.client.call_with_response(request)
    }

    fn paginate<P: Paginated>(&self, request: Result<ApiRequest, Error>) -> Self::Items<P::Item> {
        self.client.paginate::<P>(request)
    }

    fn drive<T, E, F>(&self, procedure: impl FnOnce(Client) -> F) -> Self::Outcome<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        self.client.drive(procedure)
    }

    fn steps<S: Steps>(&self, start: impl FnOnce(Client) -> S) -> Self::Steps<S::Item> {
        self.client.steps(start)
    }

    fn visit<'a, S, R>(
        &self,
        start: impl FnOnce(Client) -> S,
        visitor: impl FnMut(S::Item) -> ControlFlow<R> + Send + 'a,
        ended: impl FnOnce() -> R + Send + 'a,
    ) -> Self::Visit<'a, R>
    where
        S: Steps,
        R: Send + 'a,
    {
        self.client.visit(start, visitor, ended)
    }
}
