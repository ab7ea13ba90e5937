//! The core of the MutagenT Rust SDK.
//!
//! Most users depend on the `mutagent` crate, which re-exports everything here together with
//! the API namespaces. This crate holds what every namespace shares:
//!
//! * [`ClientBuilder`], [`Config`]: settings resolved as explicit > environment > default
//!   (see [`config`] for the table);
//! * [`Client`] (async) and [`BlockingClient`], both implementing [`ApiClient`], so every
//!   operation is written once and works with either;
//! * the transport: pooled hyper 1 over rustls (ring), replaceable through [`HttpClient`](http_client::HttpClient);
//! * one [`Error`] type; retries ([`RetryPolicy`]); timeouts; response size limits;
//! * the status, request id and headers of successful answers ([`ResponseMeta`]) through the
//!   `with_response()` view of either client ([`WithResponse`]);
//! * operations as data ([`Operation`]) and offset pagination ([`pagination`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! use mutagent_core::{Client, Method, Operation};
//!
//! static LIST_TAGS: Operation =
//!     Operation::new("prompt", "list_prompt_tags", Method::Get, "/api/prompt/tags");
//!
//! let client = Client::builder().api_key("mt_example").build()?;
//! let tags: Vec<String> = client.send(LIST_TAGS.request().build()?).await?;
//! # let _ = tags; Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as mutagent_core;

// The modules in layers; each depends only on those above it, so core reads top to bottom.
// (One module per group: rustfmt sorts a group alphabetically, which would break the order.)
//
// Foundations: errors and the plain values settings are made of.
pub mod error;

mod future;

mod runtime_check;

pub mod env;

mod secret;

mod text;

mod token;

mod url;

pub mod retry;

pub mod polling;

pub mod runtime_thread;

// Settings (plain data).
pub mod config;

// Request building: operations as data, query parameters, requests and input checks; typed
// ids and models.
mod operation;

pub mod query;

pub mod request;

mod macros;

pub mod ids;

pub mod models;

// Transport: the pluggable HTTP layer, decoding, one call with its retries.
mod proxy;

mod tls;

mod connector;

mod extensions;

pub mod http_client;

#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

mod body;

mod decode;

mod response;

mod transport;

// Clients: the async one, walks over pages, the blocking one, the builder beside them (it
// builds both), multi-step procedures for both.
mod client;

pub mod pagination;

pub mod blocking;

mod builder;

pub mod steps;

// The trait both clients implement, which namespace crates write operations against, and
// the view whose calls also answer their metadata.
mod api_client;

mod with_response;

pub use api_client::ApiClient;
pub use blocking::BlockingClient;
pub use builder::ClientBuilder;
pub use client::{Client, ResponseFuture};
pub use config::{CallOptions, Config};
pub use error::{
    ApiError, ConfigError, ConnectError, ConnectErrorKind, DecodeError, EncodingFailure, Error,
    Origin, RuntimeProblem,
};
/// The HTTP status type of [`Error::status`], re-exported so tests need no `http` dependency.
pub use http::StatusCode;
pub use operation::{Endpoint, Method, Operation};
pub use pagination::{ItemStream, Paginated};
pub use query::{Page, QueryParams};
pub use request::{ApiRequest, QueryValue, RequestBuilder};
pub use response::ResponseMeta;
pub use retry::RetryPolicy;
pub use steps::{StepIter, StepStream, Steps};
pub use token::TokenProvider;
pub use url::BaseUrl;
pub use with_response::WithResponse;

/// A `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
