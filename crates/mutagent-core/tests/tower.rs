//! Middleware without writing a client: every request carries its `CallInfo` and the
//! `ClientSettings` in its extensions (any HTTP client sees them), and with the `tower`
//! feature any tower service is the HTTP client, through both clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use mutagent_core::http_client::{
    BoxFuture, CallInfo, ClientSettings, DefaultHttpClient, HttpClient, HttpError, ResponseBody,
};
use mutagent_core::CallOptions;
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// What a client or layer saw of one request: its call, its settings.
type Seen = Arc<Mutex<Vec<(CallInfo, ClientSettings)>>>;

fn record(seen: &Seen, extensions: &http::Extensions) {
    let call = *extensions
        .get::<CallInfo>()
        .expect("CallInfo in every request");
    let settings = *extensions
        .get::<ClientSettings>()
        .expect("ClientSettings in every request");
    seen.lock().unwrap().push((call, settings));
}

#[derive(Debug)]
struct Recording {
    inner: DefaultHttpClient,
    seen: Seen,
}

impl HttpClient for Recording {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        record(&self.seen, request.extensions());
        self.inner.send(request)
    }
}

/// A custom client is told the operation, the attempt and the settings to honour.
#[tokio::test]
async fn any_http_client_is_told_the_operation_and_the_settings() {
    let server =
        ScriptedServer::start(vec![Reply::status(503), Reply::json(201, json!({"id": 1}))]);
    let seen = Seen::default();
    let client = builder(&server)
        .connect_timeout(Duration::from_millis(1234))
        .max_response_bytes(4096)
        .http_client(Recording {
            inner: DefaultHttpClient::new().expect("client"),
            seen: Arc::clone(&seen),
        })
        .build()
        .expect("client");
    let request = create_thing(json!({}));
    let _: Value = client
        .with_options(
            CallOptions::new()
                .retry_non_idempotent(true)
                .timeout(Duration::from_secs(7)),
        )
        .send(request)
        .await
        .expect("retried once");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for (n, (call, settings)) in seen.iter().enumerate() {
        assert_eq!(
            (call.namespace(), call.name(), call.path_template()),
            ("test", "create_thing", "/api/things/")
        );
        assert!(!call.idempotent(), "a POST");
        assert_eq!(call.attempt(), n as u32 + 1);
        assert_eq!(settings.connect_timeout(), Duration::from_millis(1234));
        assert_eq!(settings.timeout(), Duration::from_secs(7));
        assert_eq!(settings.max_response_bytes(), 4096);
    }
}

#[cfg(feature = "tower")]
mod through_tower {
    use std::convert::Infallible;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use http_body_util::combinators::UnsyncBoxBody;
    use http_body_util::{BodyExt, Full};
    use mutagent_core::tower::{HttpClientService, RequestBody, TowerHttpClient};
    use mutagent_core::Error;
    use tower_service::Service;

    use super::*;

    /// A layer's service: records each request's extensions and body, then passes it on.
    #[derive(Clone)]
    struct Layered<S> {
        inner: S,
        seen: Seen,
        bodies: Arc<Mutex<Vec<Vec<u8>>>>,
    }

    impl<S: Service<http::Request<RequestBody>>> Service<http::Request<RequestBody>> for Layered<S> {
        type Response = S::Response;
        type Error = S::Error;
        type Future = S::Future;
        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
            self.inner.poll_ready(cx)
        }
        fn call(&mut self, request: http::Request<RequestBody>) -> S::Future {
            record(&self.seen, request.extensions());
            self.bodies
                .lock()
                .unwrap()
                .push(request.body().bytes().to_vec());
            self.inner.call(request)
        }
    }

    fn layered(
        seen: &Seen,
        bodies: &Arc<Mutex<Vec<Vec<u8>>>>,
    ) -> TowerHttpClient<Layered<HttpClientService<DefaultHttpClient>>> {
        TowerHttpClient::new(Layered {
            inner: HttpClientService::new(DefaultHttpClient::new().expect("client")),
            seen: Arc::clone(seen),
            bodies: Arc::clone(bodies),
        })
    }

    #[tokio::test]
    async fn a_tower_stack_serves_the_async_client() {
        let server = ScriptedServer::start(vec![
            Reply::json(200, json!({"ok": true})).header("x-request-id", "req_tower")
        ]);
        let (seen, bodies) = (Seen::default(), Arc::default());
        let client = builder(&server)
            .http_client(layered(&seen, &bodies))
            .build()
            .expect("client");
        let (value, meta): (Value, _) = client
            .with_response()
            .send(create_thing(json!({"n": 1})))
            .await
            .expect("call");
        assert_eq!(value, json!({"ok": true}));
        assert_eq!(meta.request_id(), Some("req_tower"));
        assert_eq!(seen.lock().unwrap()[0].0.name(), "create_thing");
        assert_eq!(bodies.lock().unwrap()[0], br#"{"n":1}"#);
        assert_eq!(server.single_request().json(), json!({"n": 1}));
    }

    #[test]
    fn a_tower_stack_serves_the_blocking_client() {
        let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
        let (seen, bodies) = (Seen::default(), Arc::default());
        let client = builder(&server)
            .http_client(layered(&seen, &bodies))
            .build_blocking()
            .expect("client");
        let value: Value = client.send(get_thing()).expect("call");
        assert_eq!(value, json!({"ok": true}));
        let (call, _) = seen.lock().unwrap()[0];
        assert_eq!((call.name(), call.idempotent()), ("get_thing", true));
        assert!(bodies.lock().unwrap()[0].is_empty());
    }

    /// A connection that could not be made stays a connect failure through the stack (so even
    /// a POST is retried, and the error says so).
    #[tokio::test]
    async fn connect_failures_stay_connect_failures() {
        let (seen, bodies) = (Seen::default(), Arc::default());
        let client = nobody_listening()
            .retry_policy(fast_retries().max_retries(1))
            .http_client(layered(&seen, &bodies))
            .build()
            .expect("client");
        let request = create_thing(json!({}));
        let err = client.send::<Value>(request).await.expect_err("refused");
        assert!(matches!(err, Error::Connect { attempts: 2, .. }), "{err:?}");
        assert_eq!(seen.lock().unwrap().len(), 2, "a POST retried");
    }

    /// A service of its own: a body that is not `Sync`, and an error that is not an
    /// `HttpError` (the request may have been sent: a POST is not retried).
    #[derive(Clone)]
    struct Canned {
        fail: bool,
    }

    impl Service<http::Request<RequestBody>> for Canned {
        type Response = http::Response<UnsyncBoxBody<Bytes, Infallible>>;
        type Error = std::io::Error;
        type Future = Pin<Box<dyn Future<Output = Result<Self::Response, std::io::Error>> + Send>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), std::io::Error>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
            let fail = self.fail;
            let echo = request.into_body().into_bytes();
            Box::pin(async move {
                if fail {
                    return Err(std::io::Error::other("the service broke"));
                }
                Ok(http::Response::new(Full::new(echo).boxed_unsync()))
            })
        }
    }

    #[tokio::test]
    async fn any_service_body_and_error() {
        let client = |fail| {
            mutagent_core::Client::builder()
                .env(mutagent_core::env::EmptyEnv)
                .retry_policy(fast_retries())
                .http_client(TowerHttpClient::new(Canned { fail }))
                .build()
                .expect("client")
        };
        let request = || {
            CREATE_THING
                .request()
                .json(&json!({"echo": [1, 2]}))
                .build()
        };
        let value: Value = client(false)
            .send(request().expect("req"))
            .await
            .expect("echo");
        assert_eq!(value, json!({"echo": [1, 2]}));
        let err = client(true)
            .send::<Value>(request().expect("req"))
            .await
            .expect_err("broken");
        assert!(
            matches!(err, Error::Transport { attempts: 1, .. }),
            "{err:?}"
        );
        assert!(format!("{err:?}").contains("the service broke"), "{err:?}");
    }
}
