//! Testing your own code against the in-process emulator, with faults injected: what your
//! code does when the server is slow, overloaded or drops connections. Copy the pattern into
//! your tests (`mutagent-emulator` as a dev-dependency; docs/emulator.md).
//!
//! ```text
//! cargo run -p mutagent --example testing_with_faults      # runs the checks, prints each
//! ```

use std::time::Duration;

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
use mutagent::{Error, RetryPolicy};
use mutagent_emulator::{Collection, Emulator, Fault};
use serde_json::json;

/// Your own code: the id of the prompt named `name`, created when there is none yet.
async fn ensure_prompt(
    client: &mutagent::Client,
    name: &str,
) -> Result<mutagent::ids::PromptId, Error> {
    let found = client
        .prompt()
        .list_prompts(&ListPrompts::new().name(name))
        .await?;
    if let Some(prompt) = found.data.into_iter().find(|p| p.name == name) {
        return Ok(prompt.id);
    }
    let body = CreatePrompt::new(
        name,
        PromptContent::raw("Hi {name}"),
        json!({"type": "object"}),
    );
    Ok(client.prompt().create_prompt(&body).await?.id)
}

const KEY: &str = "mt_test_key";

/// A client for tests: the emulator's URL, no environment, and retries that wait milliseconds.
fn test_client(emu: &Emulator) -> Result<mutagent::Client, Error> {
    mutagent::Client::builder()
        .env(mutagent::env::EmptyEnv)
        .server_url(emu.url())
        .api_key(KEY)
        .timeout(Duration::from_secs(5))
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5))
                .max_retry_after(Duration::from_millis(5))
                .jitter(false),
        )
        .build()
}

/// The error of a call that must fail (a test would use `unwrap_err()`).
fn failure<T>(result: Result<T, Error>) -> Result<Error, String> {
    match result {
        Ok(_) => Err("FAILED: the call succeeded".into()),
        Err(err) => Ok(err),
    }
}

/// Fails the example with a message (a test would use `assert!`).
fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        println!("ok: {what}");
        Ok(())
    } else {
        Err(format!("FAILED: {what}"))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A server that is briefly overloaded: two 503s with Retry-After, then normal. The
    //    list is retried, the create (a POST) goes out exactly once.
    let emu = Emulator::builder().api_key(KEY).start().await?;
    emu.inject(
        Fault::status(503)
            .retry_after(Duration::from_secs(1))
            .on_route("GET", "/api/prompt/")
            .times(2),
    )?;
    let client = test_client(&emu)?;
    ensure_prompt(&client, "greeter").await?;
    let requests = emu.requests();
    check(
        requests
            .iter()
            .filter(|r| r.is("GET", "/api/prompt/"))
            .count()
            == 3,
        "the list was tried 3 times",
    )?;
    check(
        requests
            .iter()
            .filter(|r| r.is("POST", "/api/prompt/"))
            .count()
            == 1,
        "the prompt was created once",
    )?;
    check(emu.count(Collection::Prompts) == 1, "one prompt stored")?;

    // 2. A server that stays down: the error says what happened, and nothing was created.
    let emu = Emulator::builder()
        .api_key(KEY)
        .fault("route=* /api/prompt/;status=503".parse()?)
        .start()
        .await?;
    let err = failure(ensure_prompt(&test_client(&emu)?, "greeter").await)?;
    println!("   the error a person sees: {err}");
    check(
        err.status_code() == Some(503) && err.attempts() == Some(4),
        "503 after 4 attempts",
    )?;
    check(emu.count(Collection::Prompts) == 0, "nothing stored")?;

    // 3. Dropped connections on the create: a POST is not sent again after the server may
    //    have seen it, so your code gets the error and decides.
    let emu = Emulator::builder().api_key(KEY).start().await?;
    emu.inject(Fault::reset().on_route("POST", "/api/prompt/").times(1))?;
    let err = failure(ensure_prompt(&test_client(&emu)?, "greeter").await)?;
    println!("   the error a person sees: {err}");
    check(
        emu.requests()
            .iter()
            .filter(|r| r.is("POST", "/api/prompt/"))
            .count()
            == 1,
        "the POST went out once",
    )?;

    // 4. A slow server and a short timeout: the call ends on time with a timeout error.
    let emu = Emulator::builder()
        .api_key(KEY)
        .fault(Fault::latency(Duration::from_secs(2)))
        .start()
        .await?;
    let impatient = mutagent::Client::builder()
        .env(mutagent::env::EmptyEnv)
        .server_url(emu.url())
        .api_key(KEY)
        .timeout(Duration::from_millis(200))
        .build()?;
    let err = failure(ensure_prompt(&impatient, "greeter").await)?;
    println!("   the error a person sees: {err}");
    check(err.is_timeout(), "a timeout error")?;
    Ok(())
}
