//! The checks a caller branches on (`is_invalid_input`, `is_conflict`, `is_unauthorized`,
//! `is_rate_limited`, `is_not_found`, `is_retryable`), against real answers of a raw server,
//! through both clients: each is true for exactly the statuses its docs name.

use crate::support::*;
use mutagent_core::{Error, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};

/// What each check says of an error, in a fixed order, so one assertion names them all.
#[derive(Debug, PartialEq, Eq)]
struct Checks {
    invalid_input: bool,
    conflict: bool,
    unauthorized: bool,
    rate_limited: bool,
    not_found: bool,
}

fn checks(err: &Error) -> Checks {
    Checks {
        invalid_input: err.is_invalid_input(),
        conflict: err.is_conflict(),
        unauthorized: err.is_unauthorized(),
        rate_limited: err.is_rate_limited(),
        not_found: err.is_not_found(),
    }
}

const NONE: Checks = Checks {
    invalid_input: false,
    conflict: false,
    unauthorized: false,
    rate_limited: false,
    not_found: false,
};

fn refusal(status: u16) -> Reply {
    Reply::json(
        status,
        json!({"error": {"code": "REFUSED", "message": "refused by the test server"}}),
    )
}

/// The error of `GET /api/things/1` answered with `status`, through the async client and
/// through the blocking client (each against a server of its own); both must agree.
fn error_for(status: u16, with_key: bool) -> Error {
    let builder = |server: &ScriptedServer| {
        let builder = builder(server).retry_policy(RetryPolicy::disabled());
        if with_key {
            builder
        } else {
            mutagent_core::ClientBuilder::new()
                .env(mutagent_core::env::EmptyEnv)
                .server_url(server.url())
                .retry_policy(RetryPolicy::disabled())
        }
    };
    let server = ScriptedServer::start(vec![refusal(status)]);
    let client = builder(&server).build().expect("client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let async_err = runtime
        .block_on(client.send::<Value>(get_thing()))
        .expect_err("refused");

    let server = ScriptedServer::start(vec![refusal(status)]);
    let blocking = builder(&server).build_blocking().expect("client");
    let blocking_err = blocking.send::<Value>(get_thing()).expect_err("refused");

    assert_eq!(checks(&async_err), checks(&blocking_err), "HTTP {status}");
    assert_eq!(async_err.status_code(), Some(status));
    assert_eq!(blocking_err.status_code(), Some(status));
    blocking_err
}

#[test]
fn refused_input_is_400_and_422() {
    for status in [400, 422] {
        let err = error_for(status, true);
        let expected = Checks {
            invalid_input: true,
            ..NONE
        };
        assert_eq!(checks(&err), expected, "HTTP {status}: {err}");
        assert!(!err.is_retryable());
    }
}

#[test]
fn a_conflict_is_409_and_not_invalid_input() {
    let err = error_for(409, true);
    let expected = Checks {
        conflict: true,
        ..NONE
    };
    assert_eq!(checks(&err), expected, "{err}");
}

#[test]
fn unauthorized_is_401_and_403_with_or_without_a_key() {
    for (status, with_key) in [(401, true), (401, false), (403, true)] {
        let err = error_for(status, with_key);
        let expected = Checks {
            unauthorized: true,
            ..NONE
        };
        assert_eq!(checks(&err), expected, "HTTP {status}: {err}");
    }
}

#[test]
fn rate_limited_is_429_and_retryable() {
    let err = error_for(429, true);
    let expected = Checks {
        rate_limited: true,
        ..NONE
    };
    assert_eq!(checks(&err), expected, "{err}");
    assert!(err.is_retryable());
}

#[test]
fn other_statuses_answer_none_of_them() {
    assert_eq!(
        checks(&error_for(404, true)),
        Checks {
            not_found: true,
            ..NONE
        }
    );
    for status in [405, 408, 500, 503] {
        let err = error_for(status, true);
        assert_eq!(checks(&err), NONE, "HTTP {status}: {err}");
    }
}

/// The SDK's own refusal (nothing sent) is invalid input too, so one check covers both places
/// input is refused.
#[test]
fn the_sdks_own_refusal_is_invalid_input() {
    let err = GET_THING
        .request()
        .path_param("id", "")
        .build()
        .expect_err("an empty path parameter is refused");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(
        checks(&err),
        Checks {
            invalid_input: true,
            ..NONE
        }
    );
    assert_eq!(err.status_code(), None);
}

/// A helper stopped partway answers for the call that stopped it.
#[test]
fn a_partial_error_answers_for_its_cause() {
    let cause = error_for(409, true);
    let err = Error::partial("upload", "dataset 7 created", cause);
    assert!(err.is_conflict());
    let err = Error::partial(
        "upload",
        "dataset 7 created",
        Error::invalid_input("upload", "name", "is empty"),
    );
    assert!(err.is_invalid_input());
    assert!(!err.is_retryable());
}

/// A connection failure is none of them: no server answered.
#[test]
fn a_connection_failure_is_none_of_them() {
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .api_key(KEY)
        .server_url(format!("http://127.0.0.1:{}", closed_port()))
        .retry_policy(RetryPolicy::disabled())
        .build_blocking()
        .expect("client");
    let err = client.send::<Value>(get_thing()).expect_err("refused");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_eq!(checks(&err), NONE);
}
