//! Errors read well in a chain: a chain printer (as `anyhow`/`eyre` print `{:#}` or `{:?}`)
//! shows every cause exactly once, because no error prints its source in its own message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

/// The checks callers branch on (`is_invalid_input` and its kin), in this binary to save a link.
#[path = "error_chain/classify.rs"]
mod classify;

use std::error::Error as StdError;
use std::time::Duration;

use bytes::Bytes;
use mutagent_core::error::{BlockingError, Cause, ConfigError};
use mutagent_core::http_client::{BoxFuture, HttpClient, HttpError, ResponseBody};
use mutagent_core::{Error, StatusCode};
use serde_json::Value;
use support::*;

const INNER: &str = "inner-cause-7f2c";

/// What a chain printer prints: each error's message, then its causes, one per line.
fn chain(error: &dyn StdError) -> Vec<String> {
    let mut lines = vec![error.to_string()];
    let mut cause = error.source();
    while let Some(next) = cause {
        lines.push(next.to_string());
        cause = next.source();
    }
    lines
}

/// No error of the chain repeats a cause's message: a wrapper that prints its inner error
/// must pass the inner error's causes on, not the inner error itself.
fn assert_no_message_repeated(error: &dyn StdError) {
    let lines = chain(error);
    for (i, line) in lines.iter().enumerate() {
        for earlier in &lines[..i] {
            assert!(
                !earlier.contains(line.as_str()),
                "`{line}` is printed twice in the chain:\n{}",
                lines.join("\n")
            );
        }
    }
}

fn assert_once(error: &dyn StdError, needle: &str) {
    assert_no_message_repeated(error);
    let lines = chain(error);
    let printed = lines.join("\n");
    assert_eq!(
        printed.matches(needle).count(),
        1,
        "`{needle}` must appear exactly once in the chain:\n{printed}"
    );
    assert!(lines.len() >= 2, "the cause must be a source: {lines:?}");
}

fn inner() -> std::io::Error {
    std::io::Error::other(INNER)
}

/// An HTTP client that fails every request the same way.
#[derive(Debug)]
struct Failing {
    connect: bool,
}

impl HttpClient for Failing {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        let error = if self.connect {
            HttpError::connect(inner())
        } else {
            HttpError::other(inner())
        };
        Box::pin(async move { Err(error) })
    }
}

async fn call_through(connect: bool) -> Error {
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .retry_policy(mutagent_core::RetryPolicy::disabled())
        .http_client(Failing { connect })
        .build()
        .expect("client");
    let request = get_thing();
    client.send::<Value>(request).await.expect_err("fails")
}

#[tokio::test]
async fn connect_and_transport_errors_print_their_cause_once() {
    let err = call_through(true).await;
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_once(&err, INNER);
    assert!(!err.to_string().contains(INNER), "{err}");
    let err = call_through(false).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_once(&err, INNER);
    // The SDK's own Debug (what `fn main() -> Result<_, Error>` prints) shows it once too.
    assert_eq!(format!("{err:?}").matches(INNER).count(), 1, "{err:?}");
}

#[tokio::test]
async fn a_real_refused_connection_prints_each_cause_once() {
    let client = nobody_listening()
        .retry_policy(mutagent_core::RetryPolicy::disabled())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let request = get_thing();
    let err = client.send::<Value>(request).await.expect_err("refused");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let lines = chain(&err);
    assert!(lines.len() >= 2, "{lines:?}");
    // The system's own reason is in the chain, under the connector's error: an `io::Error` of
    // its kind.
    let mut cause = err.source();
    let mut refused = false;
    while let Some(next) = cause {
        refused |= next
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        cause = next.source();
    }
    assert!(refused, "{lines:?}");
    for (index, line) in lines.iter().enumerate() {
        for later in &lines[index + 1..] {
            assert!(
                !line.contains(later.as_str()),
                "`{later}` is printed twice:\n{}",
                lines.join("\n")
            );
        }
    }
}

/// Each line of a refused connection's chain (as `anyhow` prints `{:#}`) says something of its
/// own: the connector's wrapper said only "connect failed" between hyper's "client error
/// (Connect)" and the TCP error under it (review).
#[tokio::test]
async fn a_refused_connections_chain_has_no_empty_line() {
    let client = nobody_listening()
        .retry_policy(mutagent_core::RetryPolicy::disabled())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let (err, _) = failed_get(&client).await;
    let lines = chain(&err);
    assert!(
        !lines.iter().any(|line| line == "connect failed"),
        "{}",
        lines.join(": ")
    );
    assert_eq!(
        lines.get(1..3),
        Some(
            &[
                "client error (Connect)".to_owned(),
                "tcp connect error".to_owned()
            ][..]
        ),
        "{}",
        lines.join(": ")
    );
    // The Debug of `fn main() -> Result<(), Error>` is as short.
    assert!(!format!("{err:?}").contains("connect failed"), "{err:?}");
}

#[test]
fn every_error_with_a_source_leaves_it_out_of_its_message() {
    let cases: Vec<(&str, Box<dyn StdError>)> = vec![
        ("http connect", Box::new(HttpError::connect(inner()))),
        ("http other", Box::new(HttpError::other(inner()))),
        (
            "answer lost",
            Box::new(Error::AnswerLost {
                operation: "create_thing",
                status: StatusCode::CREATED,
                request_id: None,
                attempts: 1,
                source: Box::new(inner()),
            }),
        ),
        (
            "tls",
            Box::new(Error::Config(ConfigError::Tls(Cause::new(inner())))),
        ),
        (
            "runtime start",
            Box::new(Error::Blocking(BlockingError::RuntimeStart(Cause::new(
                inner(),
            )))),
        ),
        (
            "file",
            Box::new(Error::File {
                operation: "export_dataset_file",
                path: "out.csv".into(),
                source: inner(),
            }),
        ),
        (
            "unexpected",
            Box::new(Error::Unexpected {
                operation: "get_thing",
                reason: "the request URI could not be formed".into(),
                source: Some(Box::new(inner())),
            }),
        ),
    ];
    for (name, error) in cases {
        assert!(!error.to_string().contains(INNER), "{name}: {error}");
        assert_once(&*error, INNER);
    }
}

/// A configuration or blocking-client error prints its message once: what `?` into
/// `anyhow::Error` and `{:?}` show for a bad server URL is one line, not the line and the same
/// line again as its cause.
#[test]
fn configuration_and_blocking_errors_print_their_message_once() {
    let err = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .server_url("localhost:3003")
        .build()
        .expect_err("no scheme");
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidServerUrl { .. })),
        "{err:?}"
    );
    assert_eq!(chain(&err).len(), 1, "{:?}", chain(&err));
    assert!(err.to_string().contains("`localhost:3003`"), "{err}");

    let tls = Error::Config(ConfigError::Tls(Cause::new(inner())));
    assert_eq!(
        chain(&tls),
        [
            ConfigError::Tls(Cause::new(inner())).to_string(),
            INNER.to_owned()
        ]
    );

    for err in [
        Error::Blocking(BlockingError::RuntimeGone),
        Error::Blocking(BlockingError::RuntimeStart(Cause::new(inner()))),
        Error::Blocking(BlockingError::CalledFromItsOwnThread),
    ] {
        assert_no_message_repeated(&err);
        assert!(err.to_string().contains("blocking client"), "{err}");
    }
}

#[test]
fn the_real_source_is_kept_and_can_be_downcast() {
    let err = BlockingError::RuntimeStart(Cause::new(inner()));
    let source = err.source().expect("source");
    let io = source
        .downcast_ref::<Cause>()
        .expect("a Cause")
        .get()
        .downcast_ref::<std::io::Error>()
        .expect("the io::Error itself");
    assert_eq!(io.to_string(), INNER);
    // Clones are equal; two separate causes are not, whatever their text.
    let same = err.clone();
    assert_eq!(err, same);
    assert_ne!(err, BlockingError::RuntimeStart(Cause::new(inner())));
}

/// What `Error::connect_error` hands out is an error in its own right (C-GOOD-ERR): it boxes
/// into `Box<dyn Error + Send + Sync>` and prints the cause line of the call's message, without
/// the number of attempts (which belongs to the call) and without the lower-level causes
/// (which stay in the call error's chain). Through both clients.
#[tokio::test]
async fn a_connect_error_is_a_std_error_of_its_own() {
    fn check(err: &Error) {
        let connect = err.connect_error().expect("a connect error").clone();
        let call_message = err.to_string();
        let boxed: Box<dyn StdError + Send + Sync + 'static> = Box::new(connect);
        let own = boxed.to_string();
        assert!(
            own.starts_with("could not connect to http://127.0.0.1:"),
            "{own}"
        );
        assert!(own.contains("connection refused"), "{own}");
        assert!(!own.contains("attempt"), "{own}");
        assert!(boxed.source().is_none());
        // The call's message says the same, with the attempts.
        assert!(
            call_message.contains("(1 attempt(s)): connection refused"),
            "{call_message}"
        );
        assert!(
            call_message.contains(own.split(": ").nth(1).expect("a cause")),
            "{call_message}"
        );
    }
    let builder = nobody_listening().retry_policy(mutagent_core::RetryPolicy::disabled());
    let client = builder.clone().build().expect("client");
    check(&failed_get(&client).await.0);

    let blocking = mutagent_core::BlockingClient::builder()
        .env(mutagent_core::env::EmptyEnv)
        .server_url(format!("http://127.0.0.1:{}", closed_port()))
        .retry_policy(mutagent_core::RetryPolicy::disabled())
        .build()
        .expect("blocking client");
    let err = tokio::task::spawn_blocking(move || blocking.send::<Value>(get_thing()))
        .await
        .expect("joined")
        .expect_err("refused");
    check(&err);
}
