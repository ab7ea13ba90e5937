//! Middleware without writing an HTTP client (feature `tower`): the SDK's requests go through
//! a tower stack, here a small metrics layer that counts calls and time per operation (read
//! from the `CallInfo` every request carries) and tower-http's `SetRequestHeaderLayer`, with
//! the SDK's own pooled rustls client innermost. Swap in `tower_http::trace::TraceLayer`,
//! rate limits or your company's layers the same way.
//!
//! ```text
//! cargo run -p mutagent --features tower --example tower_layer                      # in-process emulator
//! cargo run -p mutagent --features tower --example tower_layer -- --server-url URL  # key from MUTAGENT_API_KEY
//! ```

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{HeaderName, HeaderValue};
use mutagent::http_client::{CallInfo, ClientSettings, DefaultHttpClient};
use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
use mutagent::tower::{HttpClientService, RequestBody, TowerHttpClient};
use serde_json::json;
use tower::{Layer, Service, ServiceBuilder};
use tower_http::set_header::SetRequestHeaderLayer;

mod support;

/// Calls and time spent, per `namespace.operation`.
#[derive(Clone, Default)]
struct Metrics(Arc<Mutex<BTreeMap<String, (u32, Duration)>>>);

impl Metrics {
    fn record(&self, operation: String, took: Duration) {
        let mut table = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = table.entry(operation).or_default();
        entry.0 += 1;
        entry.1 += took;
    }

    fn snapshot(&self) -> BTreeMap<String, (u32, Duration)> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The layer: wraps a service in [`Counted`].
struct MetricsLayer(Metrics);

impl<S> Layer<S> for MetricsLayer {
    type Service = Counted<S>;
    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            metrics: self.0.clone(),
        }
    }
}

#[derive(Clone)]
struct Counted<S> {
    inner: S,
    metrics: Metrics,
}

impl<S> Service<http::Request<RequestBody>> for Counted<S>
where
    S: Service<http::Request<RequestBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        // Every request the SDK sends says which operation it is.
        let operation = request.extensions().get::<CallInfo>().map_or_else(
            || "unknown".to_owned(),
            |call| format!("{}.{}", call.namespace(), call.name()),
        );
        // ... and the settings a custom client should honour.
        if let Some(settings) = request.extensions().get::<ClientSettings>() {
            debug_assert!(settings.connect_timeout() > Duration::ZERO);
        }
        let metrics = self.metrics.clone();
        let started = Instant::now();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let answer = answer.await;
            metrics.record(operation, started.elapsed());
            answer
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = support::Server::from_args()?;
    let metrics = Metrics::default();
    let stack = ServiceBuilder::new()
        .layer(MetricsLayer(metrics.clone()))
        .layer(SetRequestHeaderLayer::overriding(
            HeaderName::from_static("x-team"),
            HeaderValue::from_static("search"),
        ))
        .service(HttpClientService::new(DefaultHttpClient::new()?));
    let client = server
        .builder
        .http_client(TowerHttpClient::new(stack))
        .build()?;

    let name = support::unique("tower-demo");
    let created = client
        .prompt()
        .create_prompt(&CreatePrompt::new(
            name.clone(),
            PromptContent::raw("Hi {name}"),
            json!({"type": "object"}),
        ))
        .await?;
    client.prompt().get_prompt(created.id).await?;
    client.prompt().get_prompt(created.id).await?;
    let listed = client
        .prompt()
        .list_prompts(&ListPrompts::new().name(name))
        .await?;
    assert_eq!(listed.data.len(), 1);

    println!("calls per operation, through the tower stack:");
    let table = metrics.snapshot();
    for (operation, (calls, took)) in &table {
        println!("  {operation:<24} {calls} call(s), {took:?}");
    }
    let calls = |operation: &str| table.get(operation).map_or(0, |entry| entry.0);
    if calls("prompt.create_prompt") != 1
        || calls("prompt.get_prompt") != 2
        || calls("prompt.list_prompts") != 1
    {
        return Err(format!("the metrics layer missed calls: {table:?}").into());
    }
    // The tower-http layer's header reached the server (checked on the in-process emulator).
    if let Some(emulator) = &server.emulator {
        let tagged = emulator
            .requests()
            .iter()
            .filter(|request| {
                request
                    .headers
                    .iter()
                    .any(|(name, value)| name == "x-team" && value == "search")
            })
            .count();
        if tagged != 4 {
            return Err(format!("{tagged} of 4 requests carried x-team").into());
        }
        println!("all 4 requests carried the tower-http layer's x-team header");
    }
    Ok(())
}
