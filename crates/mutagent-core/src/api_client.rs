//! One trait over the async and the blocking client, so that every namespace writes each
//! operation once and both clients get it.

use serde::de::DeserializeOwned;

use crate::blocking::{BlockingClient, ItemIter};
use crate::client::{Client, ResponseFuture};
use crate::error::Error;
use crate::pagination::{ItemStream, Paginated};
use crate::request::ApiRequest;

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::Client {}
    impl Sealed for crate::BlockingClient {}
}

/// What namespace operations are written against: [`Client`] (answers are futures, lists
/// walk as streams) and [`BlockingClient`] (answers are values, lists walk as iterators).
///
/// Sealed: the two clients are its only implementations.
pub trait ApiClient: sealed::Sealed + Clone + Send + Sync + 'static {
    /// What a call returns: [`ResponseFuture<T>`] or `Result<T, Error>`.
    type Response<T: Send + 'static>;
    /// What a walk over every item returns: [`ItemStream<T>`] or [`ItemIter<T>`].
    type Items<T: Send + 'static>;

    /// Sends `request` (or returns its build error) and decodes the answer as `T`.
    fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Self::Response<T>;

    /// Walks every item of a list operation whose envelope is `P`.
    fn paginate<P: Paginated>(&self, request: Result<ApiRequest, Error>) -> Self::Items<P::Item>;
}

impl ApiClient for Client {
    type Response<T: Send + 'static> = ResponseFuture<T>;
    type Items<T: Send + 'static> = ItemStream<T>;

    fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> ResponseFuture<T> {
        let client = self.clone();
        ResponseFuture::new(async move { client.send(request?).await })
    }

    fn paginate<P: Paginated>(&self, request: Result<ApiRequest, Error>) -> ItemStream<P::Item> {
        ItemStream::new::<P>(self.clone(), request)
    }
}

impl ApiClient for BlockingClient {
    type Response<T: Send + 'static> = Result<T, Error>;
    type Items<T: Send + 'static> = ItemIter<T>;

    fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Result<T, Error> {
        self.send(request?)
    }

    fn paginate<P: Paginated>(&self, request: Result<ApiRequest, Error>) -> ItemIter<P::Item> {
        ItemIter::new::<P>(self.clone(), request)
    }
}
