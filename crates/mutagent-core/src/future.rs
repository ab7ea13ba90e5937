//! [`BoxFuture`], the boxed future of every async seam in core (the HTTP client, token
//! sources, page fetches, runtime jobs). A foundation, so that settings can name it without
//! depending on the transport.

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
