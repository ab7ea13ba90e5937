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
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate self as mutagent_core;

mod api_client;
pub mod blocking;
mod client;
pub mod config;
pub mod deadline;
mod decode;
pub mod env;
pub mod error;
pub mod http_client;
pub mod ids;
mod macros;
pub mod models;
mod operation;
pub mod pagination;
pub mod request;
pub mod retry;
mod secret;
mod transport;
mod url;

pub use api_client::ApiClient;
pub use blocking::BlockingClient;
pub use client::{CallOptions, Client, ResponseFuture};
pub use config::{ClientBuilder, Config};
pub use error::{ApiError, ConfigError, DecodeError, Error};
pub use operation::{Method, Operation};
pub use pagination::{ItemStream, Paginated};
pub use request::{ApiRequest, QueryValue, RequestBuilder};
pub use retry::RetryPolicy;
pub use url::BaseUrl;

/// A `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
