//! Any [`tower::Service`](tower_service::Service) over `http` requests as the HTTP client
//! (feature `tower`), so tower and tower-http layers (tracing, metrics, rate limits, custom
//! headers) wrap the SDK's requests without writing an [`HttpClient`].
//!
//! * [`TowerHttpClient`] turns a service into an [`HttpClient`] for
//!   [`ClientBuilder::http_client`](crate::ClientBuilder::http_client). The service takes
//!   `http::Request<RequestBody>` and answers an `http::Response` with any `http_body` 1.x
//!   body.
//! * [`HttpClientService`] goes the other way: any [`HttpClient`] (the
//!   [`DefaultHttpClient`](crate::http_client::DefaultHttpClient) above all) as the innermost
//!   service, so the layers keep the SDK's pooled rustls transport, proxies and trust.
//!
//! Every request carries its [`CallInfo`](crate::http_client::CallInfo) (namespace, operation,
//! idempotent, attempt) and the [`ClientSettings`](crate::http_client::ClientSettings) a
//! custom service should honour (the connect timeout) in its extensions.
//!
//! ```
//! use mutagent_core::http_client::{CallInfo, DefaultHttpClient};
//! use mutagent_core::tower::{HttpClientService, RequestBody, TowerHttpClient};
//! use tower_service::Service;
//! # use std::task::{Context, Poll};
//!
//! /// A layer's service: logs the operation of every request, then passes it on.
//! #[derive(Clone)]
//! struct LogOperations<S>(S);
//!
//! impl<S: Service<http::Request<RequestBody>>> Service<http::Request<RequestBody>> for LogOperations<S> {
//!     type Response = S::Response;
//!     type Error = S::Error;
//!     type Future = S::Future;
//!     fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
//!         self.0.poll_ready(cx)
//!     }
//!     fn call(&mut self, request: http::Request<RequestBody>) -> S::Future {
//!         if let Some(call) = request.extensions().get::<CallInfo>() {
//!             eprintln!("{}.{} attempt {}", call.namespace(), call.name(), call.attempt());
//!         }
//!         self.0.call(request)
//!     }
//! }
//!
//! # fn main() -> Result<(), mutagent_core::Error> {
//! let service = LogOperations(HttpClientService::new(DefaultHttpClient::new()?));
//! let client = mutagent_core::Client::builder()
//!     .http_client(TowerHttpClient::new(service))
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```

use std::convert::Infallible;
use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use http_body::{Body, Frame, SizeHint};
use tower_service::Service;

use crate::error::BoxError;
use crate::future::BoxFuture;
use crate::http_client::{HttpClient, HttpError, ResponseBody};

/// The body of a request the SDK sends: its JSON, whole (empty for a request without one).
/// An `http_body` 1.x body, so any tower or hyper service can send it.
#[derive(Debug, Clone, Default)]
pub struct RequestBody {
    data: Option<Bytes>,
}

impl RequestBody {
    /// A body of these bytes.
    pub fn new(bytes: Bytes) -> Self {
        Self {
            data: (!bytes.is_empty()).then_some(bytes),
        }
    }

    /// The bytes not sent yet (all of them until the body is polled).
    pub fn bytes(&self) -> &[u8] {
        self.data.as_deref().unwrap_or_default()
    }

    /// The bytes not sent yet, taken out.
    pub fn into_bytes(self) -> Bytes {
        self.data.unwrap_or_default()
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.data.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.bytes().len() as u64)
    }
}

/// A tower service as the SDK's [`HttpClient`].
///
/// Each request is sent through a clone of the service, after `poll_ready` (the tower
/// contract), so the service needs `Clone` but not `Sync`. Its errors are reported as they
/// are; an [`HttpError`] that an inner [`HttpClientService`] returned keeps saying whether
/// the request never left (then even a POST is retried), anything else counts as "may have
/// reached the server".
pub struct TowerHttpClient<S> {
    service: Mutex<S>,
}

impl<S> TowerHttpClient<S> {
    /// Wraps `service`.
    pub fn new(service: S) -> Self {
        Self {
            service: Mutex::new(service),
        }
    }
}

impl<S> fmt::Debug for TowerHttpClient<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TowerHttpClient").finish_non_exhaustive()
    }
}

impl<S, B> HttpClient for TowerHttpClient<S>
where
    S: Service<http::Request<RequestBody>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        // A poisoned lock only means another thread panicked while cloning: the service
        // itself is intact.
        let mut service = self
            .service
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let request = request.map(RequestBody::new);
        Box::pin(async move {
            poll_fn(|cx| service.poll_ready(cx))
                .await
                .map_err(http_error)?;
            let response = service.call(request).await.map_err(http_error)?;
            Ok(response.map(|body| ResponseBody::new(SyncBody(Mutex::new(Box::pin(body))))))
        })
    }
}

/// The service's error as an [`HttpError`], keeping one an inner [`HttpClientService`] made.
fn http_error(error: impl Into<BoxError>) -> HttpError {
    match error.into().downcast::<HttpError>() {
        Ok(error) => *error,
        Err(other) => HttpError::other(other),
    }
}

/// Any response body as the `Send + Sync` body [`ResponseBody`] holds (a service's body need
/// not be `Sync`: it is only ever polled through `&mut`, so the lock is never contended).
struct SyncBody<B>(Mutex<Pin<Box<B>>>);

impl<B> Body for SyncBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let body = self
            .get_mut()
            .0
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        body.as_mut().poll_frame(cx).map(|frame| {
            frame.map(|frame| {
                frame
                    .map(|frame| frame.map_data(|mut data| data.copy_to_bytes(data.remaining())))
                    .map_err(Into::into)
            })
        })
    }

    fn is_end_stream(&self) -> bool {
        self.0.lock().is_ok_and(|body| body.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        self.0
            .lock()
            .map_or_else(|_| SizeHint::default(), |body| body.size_hint())
    }
}

/// An [`HttpClient`] as a tower service, to be the innermost service under tower layers.
///
/// Its errors are [`HttpError`]s, which [`TowerHttpClient`] recognises (through layers that
/// box errors too), so a connection that could not be made is still retried as one.
#[derive(Debug, Clone)]
pub struct HttpClientService<C> {
    client: std::sync::Arc<C>,
}

impl<C: HttpClient> HttpClientService<C> {
    /// Wraps `client`.
    pub fn new(client: C) -> Self {
        Self {
            client: std::sync::Arc::new(client),
        }
    }
}

impl<C: HttpClient> Service<http::Request<RequestBody>> for HttpClientService<C> {
    type Response = http::Response<ResponseBody>;
    type Error = HttpError;
    type Future = BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), HttpError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        self.client.send(request.map(RequestBody::into_bytes))
    }
}
