//! Decoding a page of 1,000 prompts through the SDK's decode path, beside
//! `serde_json::from_slice` into the same types.
//!
//! The SDK side is a whole `list_prompts` call on a client whose HTTP layer answers from
//! memory (a custom [`HttpClient`]), so it measures exactly what the SDK adds on top of
//! decoding: request building, the answer's size check and its decode path.
//!
//! `cargo bench -p mutagent-benches --bench decode`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::process::ExitCode;

use bytes::Bytes;
use mutagent_benches::harness::{goal, Comparison, Variant};
use mutagent_benches::{context, fixtures, BenchError};
use mutagent_core::http_client::{BoxFuture, HttpClient, HttpError, ResponseBody};
use mutagent_core::Client;
use mutagent_prompt::{ListPrompts, PromptExt, PromptList};

/// Answers every request with the same body, from memory.
#[derive(Debug)]
struct FromMemory(Bytes);

impl HttpClient for FromMemory {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        let body = self.0.clone();
        Box::pin(async move {
            let mut response = http::Response::new(ResponseBody::from_bytes(body.clone()));
            response.headers_mut().insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from(body.len()),
            );
            Ok(response)
        })
    }
}

fn main() -> ExitCode {
    mutagent_benches::exit_with(run())
}

fn run() -> Result<(), BenchError> {
    const COUNT: usize = 1000;
    let body = Bytes::from(fixtures::prompt_page(COUNT));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(context("cannot start the runtime"))?;
    let sdk = Client::builder()
        .api_key("mt_bench_key")
        .server_url("http://127.0.0.1:9")
        .max_response_bytes(64 << 20)
        .http_client(FromMemory(body.clone()))
        .build()
        .map_err(context("cannot build the SDK client"))?;
    let params = ListPrompts::new().limit(100);
    let check = |page: PromptList| -> Result<(), BenchError> {
        if page.data.len() == COUNT {
            Ok(())
        } else {
            Err(format!("expected {COUNT} prompts, got {}", page.data.len()))
        }
    };

    let comparison = Comparison::new(format!(
        "decode a page of {COUNT} prompts ({} KiB): SDK decode path vs serde_json::from_slice",
        body.len() / 1024
    ))
    .rounds(30)
    .per_round(20);
    if comparison.selected() {
        let report = comparison.run(&mut [
            Variant::new("serde_json::from_slice", || {
                check(serde_json::from_slice::<PromptList>(&body).map_err(|err| err.to_string())?)
            }),
            Variant::new("serde_path_to_error (diagnostic)", || {
                let mut deserializer = serde_json::Deserializer::from_slice(&body);
                check(
                    serde_path_to_error::deserialize::<_, PromptList>(&mut deserializer)
                        .map_err(|err| err.to_string())?,
                )
            }),
            Variant::new("sdk list_prompts from memory", || {
                check(
                    runtime
                        .block_on(sdk.prompt().list_prompts(&params))
                        .map_err(|err| err.to_string())?,
                )
            }),
        ])?;
        let ratio = report.ratio("sdk list_prompts from memory", "serde_json::from_slice")?;
        goal(
            "SDK decode no slower than 1.2x serde_json (medians)",
            format!("{ratio:.3}x"),
            ratio <= 1.2,
        );
    }
    Ok(())
}
