//! The user's tests of their own code, against the emulator started in-process (the recipe of
//! docs/emulator.md, "From your own project").

use std::time::Duration;

use mutagent_emulator::{Collection, Emulator, Fault};
use my_llm_app::{ensure_prompt, ensure_prompt_blocking};

const KEY: &str = "mt_test_key";

fn client_builder(emu: &Emulator) -> mutagent::ClientBuilder {
    mutagent::Client::builder()
        .env(mutagent::env::EmptyEnv) // ignore MUTAGENT_* of the machine running the tests
        .server_url(emu.url())
        .api_key(KEY)
}

#[tokio::test]
async fn creates_the_prompt_once() {
    let emu = Emulator::builder().api_key(KEY).start().await.unwrap();
    let client = client_builder(&emu).build().unwrap();
    let first = ensure_prompt(&client, "greeter").await.unwrap();
    let again = ensure_prompt(&client, "greeter").await.unwrap();
    assert_eq!(first, again);
    assert_eq!(emu.count(Collection::Prompts), 1);
}

/// The blocking client from a plain test, and from an async one: the emulator serves from its
/// own thread either way.
#[test]
fn blocking_client_from_a_plain_test() {
    let emu = Emulator::builder().api_key(KEY).start_blocking().unwrap();
    let client = client_builder(&emu).build_blocking().unwrap();
    ensure_prompt_blocking(&client, "greeter").unwrap();
    assert_eq!(emu.count(Collection::Prompts), 1);
}

#[tokio::test]
async fn blocking_client_from_an_async_test() {
    let emu = Emulator::builder().api_key(KEY).start().await.unwrap();
    let client = client_builder(&emu).build_blocking().unwrap();
    ensure_prompt_blocking(&client, "greeter").unwrap();
    assert_eq!(emu.count(Collection::Prompts), 1);
}

/// Injected faults: two 503s on the list are retried (quickly: a test's retry policy), and the
/// create, which is not idempotent, goes out exactly once.
#[tokio::test]
async fn survives_a_flaky_server() {
    let emu = Emulator::builder().api_key(KEY).start().await.unwrap();
    emu.inject(Fault::status(503).on_route("GET", "/api/prompt/").times(2))
        .expect("a valid fault");
    let client = client_builder(&emu)
        .retry_policy(
            mutagent::RetryPolicy::new()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    ensure_prompt(&client, "greeter").await.unwrap();
    let requests = emu.requests();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.is("GET", "/api/prompt/"))
            .count(),
        3
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.is("POST", "/api/prompt/"))
            .count(),
        1
    );
}
