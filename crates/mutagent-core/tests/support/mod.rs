//! Helpers shared by the core's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use mutagent_core::env::EmptyEnv;
use mutagent_core::{ClientBuilder, Method, Operation, RetryPolicy};
use mutagent_test_support::ScriptedServer;

pub(crate) const KEY: &str = "mt_core_test_secret_8f3a";

pub(crate) static GET_THING: Operation =
    Operation::new("test", "get_thing", Method::Get, "/api/things/{id}");
pub(crate) static CREATE_THING: Operation =
    Operation::new("test", "create_thing", Method::Post, "/api/things/");
pub(crate) static DELETE_THING: Operation =
    Operation::new("test", "delete_thing", Method::Delete, "/api/things/{id}");

/// A builder aimed at `server`, with an empty environment and fast, exact retry waits.
pub(crate) fn builder(server: &ScriptedServer) -> ClientBuilder {
    ClientBuilder::new()
        .env(EmptyEnv)
        .api_key(KEY)
        .server_url(server.url())
        .retry_policy(fast_retries())
}

pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(80))
        .jitter(false)
}
