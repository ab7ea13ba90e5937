//! One trait over the async and the blocking client, so that every namespace writes each
//! operation once and both clients get it.

use std::future::Future;
use std::ops::ControlFlow;

use serde::de::DeserializeOwned;

use crate::blocking::{BlockingClient, ItemIter};
use crate::client::{Client, ResponseFuture};
use crate::error::Error;
use crate::http_client::BoxFuture;
use crate::pagination::{ItemStream, Paginated};
use crate::request::ApiRequest;
use crate::response::ResponseMeta;
use crate::steps::{StepIter, StepStream, Steps};

pub(crate) mod sealed {
    use serde::de::DeserializeOwned;

    use crate::error::Error;
    use crate::request::ApiRequest;
    use crate::response::ResponseMeta;

    pub trait Sealed {}
    impl Sealed for crate::Client {}
    impl Sealed for crate::BlockingClient {}

    /// The two clients, which can answer a call with its metadata (what
    /// [`WithResponse`](crate::WithResponse) is made of). Sealed with [`ApiClient`](crate::ApiClient).
    pub trait AnswersWithMeta: crate::ApiClient {
        /// Like [`call`](crate::ApiClient::call), with the answer's [`ResponseMeta`].
        fn call_with_response<T: DeserializeOwned + Send + 'static>(
            &self,
            request: Result<ApiRequest, Error>,
        ) -> Self::Response<(T, ResponseMeta)>;
    }
}

/// What namespace operations are written against: [`Client`] (answers are futures, lists
/// walk as streams) and [`BlockingClient`] (answers are values, lists walk as iterators).
///
/// Single calls go through [`call`](Self::call) and [`paginate`](Self::paginate). Helpers
/// made of several calls (an upload, an export, a wait) are written once as async code on the
/// async [`Client`] and handed to [`drive`](Self::drive); procedures that yield items one at a
/// time (following a job) are [`Steps`] machines walked with [`steps`](Self::steps) or
/// [`visit`](Self::visit). The blocking client runs those on its background runtime and hands
/// the result back on the caller's thread; it never blocks inside that runtime, so it never
/// panics there.
///
/// Sealed: the two clients and their [`WithResponse`](crate::WithResponse) views are its
/// only implementations.
pub trait ApiClient: sealed::Sealed + Clone + Send + Sync + 'static {
    /// What a call returns: [`ResponseFuture<T>`] or `Result<T, Error>`.
    type Response<T: Send + 'static>;
    /// What a walk over every item returns: [`ItemStream<T>`] or [`ItemIter<T>`].
    type Items<T: Send + 'static>;

    /// What a multi-call helper returns: [`ResponseFuture<T, E>`] or `Result<T, E>`.
    type Outcome<T: Send + 'static, E: Send + 'static>;
    /// What a step-by-step procedure yields its items as: [`StepStream<T>`] or [`StepIter<T>`].
    type Steps<T: Send + 'static>;
    /// What [`visit`](Self::visit) returns: a future of `R` ([`BoxFuture`]) or `R`.
    type Visit<'a, R: Send + 'a>;

    /// Sends `request` (or returns its build error) and decodes the answer as `T`.
    fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Self::Response<T>;

    /// Walks every item of a list operation whose envelope is `P`.
    fn paginate<P: Paginated>(&self, request: Result<ApiRequest, Error>) -> Self::Items<P::Item>;

    /// Runs a helper made of several calls, written once as async code on the async client
    /// that `procedure` is given. If the blocking client's runtime is gone the answer is that
    /// [`Error`], converted into `E`.
    fn drive<T, E, F>(&self, procedure: impl FnOnce(Client) -> F) -> Self::Outcome<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: Future<Output = Result<T, E>> + Send + 'static;

    /// Walks the items of the [`Steps`] machine that `start` makes from the async client.
    fn steps<S: Steps>(&self, start: impl FnOnce(Client) -> S) -> Self::Steps<S::Item>;

    /// Walks the items of the machine `start` makes, handing each to `visitor` (on the
    /// caller's side: in the future for [`Client`], on the calling thread for
    /// [`BlockingClient`]) until it breaks with an answer; `ended()` answers when the items
    /// run out first.
    fn visit<'a, S, R>(
        &self,
        start: impl FnOnce(Client) -> S,
        visitor: impl FnMut(S::Item) -> ControlFlow<R> + Send + 'a,
        ended: impl FnOnce() -> R + Send + 'a,
    ) -> Self::Visit<'a, R>
    where
        S: Steps,
        R: Send + 'a;
}

impl ApiClient for Client {
    type Response<T: Send + 'static> = ResponseFuture<T>;
    type Items<T: Send + 'static> = ItemStream<T>;
    type Outcome<T: Send + 'static, E: Send + 'static> = ResponseFuture<T, E>;
    type Steps<T: Send + 'static> = StepStream<T>;
    type Visit<'a, R: Send + 'a> = BoxFuture<'a, R>;

    fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> ResponseFuture<T> {
        ResponseFuture::new(self.clone().answer(request))
    }

    fn paginate<P: Paginated>(&self, request: Result<ApiRequest, Error>) -> ItemStream<P::Item> {
        ItemStream::new::<P>(self.clone(), request)
    }

    fn drive<T, E, F>(&self, procedure: impl FnOnce(Client) -> F) -> ResponseFuture<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        ResponseFuture::new(procedure(self.clone()))
    }

    fn steps<S: Steps>(&self, start: impl FnOnce(Client) -> S) -> StepStream<S::Item> {
        StepStream::new(start(self.clone()))
    }

    fn visit<'a, S, R>(
        &self,
        start: impl FnOnce(Client) -> S,
        mut visitor: impl FnMut(S::Item) -> ControlFlow<R> + Send + 'a,
        ended: impl FnOnce() -> R + Send + 'a,
    ) -> BoxFuture<'a, R>
    where
        S: Steps,
        R: Send + 'a,
    {
        let mut items = self.steps(start);
        Box::pin(async move {
            while let Some(item) = items.next().await {
                if let ControlFlow::Break(answer) = visitor(item) {
                    return answer;
                }
            }
            ended()
        })
    }
}

impl ApiClient for BlockingClient {
    type Response<T: Send + 'static> = Result<T, Error>;
    type Items<T: Send + 'static> = ItemIter<T>;
    type Outcome<T: Send + 'static, E: Send + 'static> = Result<T, E>;
    type Steps<T: Send + 'static> = StepIter<T>;
    type Visit<'a, R: Send + 'a> = R;

    fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Result<T, Error> {
        self.send(request?)
    }

    fn paginate<P: Paginated>(&self, request: Result<ApiRequest, Error>) -> ItemIter<P::Item> {
        ItemIter::new::<P>(self.clone(), request)
    }

    fn drive<T, E, F>(&self, procedure: impl FnOnce(Client) -> F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let procedure = procedure(self.runtime_client().clone());
        // The one place a helper's own error and the runtime's meet.
        match self.run(async move { Ok(procedure.await) }) {
            Ok(answer) => answer,
            Err(runtime_gone) => Err(E::from(runtime_gone)),
        }
    }

    fn steps<S: Steps>(&self, start: impl FnOnce(Client) -> S) -> StepIter<S::Item> {
        StepIter::new(self.clone(), start(self.runtime_client().clone()))
    }

    fn visit<'a, S, R>(
        &self,
        start: impl FnOnce(Client) -> S,
        mut visitor: impl FnMut(S::Item) -> ControlFlow<R> + Send + 'a,
        ended: impl FnOnce() -> R + Send + 'a,
    ) -> R
    where
        S: Steps,
        R: Send + 'a,
    {
        for item in self.steps(start) {
            if let ControlFlow::Break(answer) = visitor(item) {
                return answer;
            }
        }
        ended()
    }
}

impl sealed::AnswersWithMeta for Client {
    fn call_with_response<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> ResponseFuture<(T, ResponseMeta)> {
        let client = self.clone();
        ResponseFuture::new(async move { client.send_with_response(request?).await })
    }
}

impl sealed::AnswersWithMeta for BlockingClient {
    fn call_with_response<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Result<(T, ResponseMeta), Error> {
        self.send_with_response(request?)
    }
}
