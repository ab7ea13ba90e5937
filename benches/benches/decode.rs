//! Decoding a page of 1,000 prompts through the SDK's decode path, beside
//! `serde_json::from_slice` into the same types.
//!
//! The SDK side is a whole `list_prompts` call on a client whose HTTP layer answers from
//! memory (a custom [`HttpClient`]), so it measures exactly what the SDK adds on top of
//! decoding: request building, the answer's size check and its decode path.
//!
//! With the `gzip` feature, the same page sent gzip-compressed: the SDK's streaming gzip path
//! beside inflating with flate2 then `serde_json::from_slice`, and beside the uncompressed page.
//!
//! `cargo bench -p mutagent-benches --bench decode`
//! `cargo bench -p mutagent-benches --features gzip --bench decode`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::process::ExitCode;

use bytes::Bytes;
use mutagent_benches::harness::{goal, Comparison, Variant};
use mutagent_benches::{context, fixtures, list_prompts, BenchError};
use mutagent_core::http_client::{BoxFuture, HttpClient, HttpError, ResponseBody};
use mutagent_core::Client;
use mutagent_prompt::{ListPrompts, PromptList};

/// Answers every request with the same body, from memory (with this `Content-Encoding`).
#[derive(Debug)]
struct FromMemory(Bytes, Option<&'static str>);

impl HttpClient for FromMemory {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
        let body = self.0.clone();
        let encoding = self.1;
        Box::pin(async move {
            let mut response = http::Response::new(ResponseBody::from_bytes(body.clone()));
            response.headers_mut().insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from(body.len()),
            );
            if let Some(encoding) = encoding {
                response.headers_mut().insert(
                    http::header::CONTENT_ENCODING,
                    http::HeaderValue::from_static(encoding),
                );
            }
            Ok(response)
        })
    }
}

/// An SDK client whose every answer is `answer`, from memory.
fn sdk_answering(answer: FromMemory) -> Result<Client, BenchError> {
    Client::builder()
        .api_key("mt_bench_key")
        .server_url("http://127.0.0.1:9")
        .max_response_bytes(64 << 20)
        .http_client(answer)
        .build()
        .map_err(context("cannot build the SDK client"))
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
    let sdk = sdk_answering(FromMemory(body.clone(), None))?;
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
                check(list_prompts(&runtime, &sdk, &params)?)
            }),
        ])?;
        let ratio = report.ratio("sdk list_prompts from memory", "serde_json::from_slice")?;
        goal(
            "SDK decode no slower than 1.2x serde_json (medians)",
            format!("{ratio:.3}x"),
            ratio <= 1.2,
        );
    }
    failing::run(&runtime, &body, &params)?;
    #[cfg(feature = "gzip")]
    gzip::run(&runtime, &body, &params, &check)?;
    Ok(())
}

/// A page that fails to decode at its last prompt: what naming the failure's path costs.
mod failing {
    use super::*;

    pub(super) fn run(
        runtime: &tokio::runtime::Runtime,
        body: &Bytes,
        params: &ListPrompts,
    ) -> Result<(), BenchError> {
        let mut page: serde_json::Value =
            serde_json::from_slice(body).map_err(context("cannot read the page"))?;
        let last = page["data"]
            .as_array()
            .map_or(0, Vec::len)
            .saturating_sub(1);
        page["data"][last]["id"] = serde_json::json!("not a number");
        let broken = Bytes::from(serde_json::to_vec(&page).map_err(context("cannot write"))?);
        let path = format!("data[{last}].id");
        let sdk = sdk_answering(FromMemory(broken.clone(), None))?;
        let comparison = Comparison::new(format!(
            "a page of {} prompts failing at the last one: naming the path, SDK vs decoding again through serde_path_to_error",
            last + 1
        ))
        .rounds(20)
        .per_round(10);
        if !comparison.selected() {
            return Ok(());
        }
        let report = comparison.run(&mut [
            Variant::new(
                "serde_json::from_slice, then serde_path_to_error (the SDK until 2026-12-03)",
                || {
                    let Err(_) = serde_json::from_slice::<PromptList>(&broken) else {
                        return Err("the broken page decoded".to_owned());
                    };
                    let mut deserializer = serde_json::Deserializer::from_slice(&broken);
                    match serde_path_to_error::deserialize::<_, PromptList>(&mut deserializer) {
                        Err(err) if err.path().to_string() == path => Ok(()),
                        other => Err(format!("unexpected: {:?}", other.map(|_| ()))),
                    }
                },
            ),
            Variant::new(
                "sdk list_prompts from memory (decode error)",
                || match list_prompts(runtime, &sdk, params) {
                    Err(err) if err.contains(&path) => Ok(()),
                    other => Err(format!("expected a decode error at {path}, got {other:?}")),
                },
            ),
        ])?;
        let ratio = report.ratio(
            "sdk list_prompts from memory (decode error)",
            "serde_json::from_slice, then serde_path_to_error (the SDK until 2026-12-03)",
        )?;
        goal(
            "SDK failed decode no slower than the two-decode way (medians)",
            format!("{ratio:.3}x"),
            ratio <= 1.0,
        );
        Ok(())
    }
}

#[cfg(feature = "gzip")]
mod gzip {
    use std::io::{Read as _, Write as _};

    use super::*;

    pub(super) fn run(
        runtime: &tokio::runtime::Runtime,
        body: &Bytes,
        params: &ListPrompts,
        check: &dyn Fn(PromptList) -> Result<(), BenchError>,
    ) -> Result<(), BenchError> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder
            .write_all(body)
            .map_err(context("cannot compress"))?;
        let compressed = Bytes::from(encoder.finish().map_err(context("cannot compress"))?);
        let plain = sdk_answering(FromMemory(body.clone(), None))?;
        let gzipped = sdk_answering(FromMemory(compressed.clone(), Some("gzip")))?;
        let comparison = Comparison::new(format!(
            "decode the same page gzip-compressed ({} KiB -> {} KiB): SDK gzip path vs flate2 + serde_json",
            body.len() / 1024,
            compressed.len() / 1024
        ))
        .rounds(30)
        .per_round(20);
        if !comparison.selected() {
            return Ok(());
        }
        let report = comparison.run(&mut [
            Variant::new("flate2 inflate + serde_json", || {
                let mut inflated = Vec::with_capacity(body.len());
                flate2::read::GzDecoder::new(&compressed[..])
                    .read_to_end(&mut inflated)
                    .map_err(|err| err.to_string())?;
                check(
                    serde_json::from_slice::<PromptList>(&inflated)
                        .map_err(|err| err.to_string())?,
                )
            }),
            Variant::new("sdk list_prompts, gzip", || {
                check(list_prompts(runtime, &gzipped, params)?)
            }),
            Variant::new("sdk list_prompts, uncompressed", || {
                check(list_prompts(runtime, &plain, params)?)
            }),
        ])?;
        let ratio = report.ratio("sdk list_prompts, gzip", "flate2 inflate + serde_json")?;
        goal(
            "SDK gzip decode no slower than 1.2x flate2 + serde_json (medians)",
            format!("{ratio:.3}x"),
            ratio <= 1.2,
        );
        let cost = report.ratio("sdk list_prompts, gzip", "sdk list_prompts, uncompressed")?;
        println!("  gzip costs {cost:.3}x the uncompressed call (the price of inflating; less on the wire)");
        Ok(())
    }
}
