//! OpenTelemetry in, MutagenT out: [`MutagentSpanExporter`], an
//! [`opentelemetry_sdk::trace::SpanExporter`] that sends the spans of an existing OpenTelemetry
//! pipeline (the SDK directly, or `tracing` through `tracing-opentelemetry`) to MutagenT,
//! through the MutagenT client, in the protocol the server speaks:
//!
//! * [`Protocol::Batch`]: the 0.1.2 batch, `POST /api/traces/batch` (the default);
//! * [`Protocol::Otlp`]: OTLP/HTTP JSON to `POST /api/traces/otlp`;
//! * [`Protocol::HookV0_4`]: the 0.4.1 hook format, `POST /api/traces/batch`.
//!
//! Most apps depend on the `mutagent` crate with its `opentelemetry` feature instead: there this
//! crate is `mutagent::opentelemetry` and the client `mutagent::Client` (the example below names
//! the crates it is built from). Your `opentelemetry` and `opentelemetry_sdk` must be 0.33
//! ("Versions" below).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use mutagent_opentelemetry::{MutagentSpanExporter, Protocol};
//! use opentelemetry::trace::{Span, Tracer, TracerProvider};
//! use opentelemetry::KeyValue;
//! use opentelemetry_sdk::trace::SdkTracerProvider;
//! use opentelemetry_sdk::Resource;
//!
//! let client = mutagent_core::Client::builder().api_key("mt_example").build()?;
//! let exporter = MutagentSpanExporter::builder(&client).protocol(Protocol::Batch).build()?;
//! let provider = SdkTracerProvider::builder()
//!     .with_span_processor(exporter.into_batch_processor(4096))
//!     .with_resource(Resource::builder().with_service_name("checkout").build())
//!     .build();
//!
//! let tracer = provider.tracer("my-app");
//! let mut span = tracer.start("chat gpt-4o");
//! span.set_attribute(KeyValue::new("gen_ai.operation.name", "chat"));
//! span.set_attribute(KeyValue::new("gen_ai.request.model", "gpt-4o"));
//! span.set_attribute(KeyValue::new("gen_ai.usage.input_tokens", 12));
//! span.end();
//!
//! provider.shutdown()?; // delivers what is buffered
//! # Ok(()) }
//! ```
//!
//! # What is sent
//!
//! Spans with GenAI attributes (`gen_ai.operation.name`, `gen_ai.request.model`,
//! `gen_ai.response.model`, `gen_ai.provider.name` or `gen_ai.system`, `gen_ai.usage.*`,
//! `gen_ai.input.messages` / `gen_ai.output.messages` or the prompt and completion events)
//! become MutagenT LLM spans with model, provider, tokens, input, output and cost. Other spans
//! keep their name, status, events and attributes, with the OpenTelemetry kind in `otel.kind`.
//! A `mutagent.span.kind` (or `mutagent.kind`) attribute naming a MutagenT kind sets the kind;
//! any other value is sent as `custom`, the original kept in the attribute `mutagent.kind`,
//! since the API refuses a whole request for one unknown kind.
//! The resource's `service.name` and `deployment.environment(.name)` become the traces'
//! service (source, for the 0.4.1 format) and environment. An attribute that becomes a field is
//! not repeated among the attributes. Attribute texts longer than 64 KiB are cut (never input
//! or output): see [`MutagentSpanExporterBuilder::max_value_bytes`].
//! [docs/tracing.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/tracing.md)
//! has the full table and the test of each row.
//!
//! # Delivery
//!
//! The exporter reuses the batching [`Exporter`](mutagent_trace_exporter::Exporter) of
//! `mutagent-trace-exporter`: its sender thread, retries, timeouts, limits and repairs. Each
//! export waits until its spans are delivered (or the export timeout passes), so the SDK's
//! `force_flush` and `shutdown` mean "delivered". Works in async and blocking programs alike.
//! Its counters are read through [`MutagentSpanExporter::inner`], a handle
//! ([`InnerExporter`]) to clone before the exporter moves into the SDK's processor; it keeps
//! counting when the provider's resource restarts the inner exporter.
//!
//! The SDK's batch processor, the default one (`with_batch_exporter`) or
//! [`into_batch_processor`](MutagentSpanExporter::into_batch_processor) (a queue of your size,
//! each export taking all of it), delivers every span it holds at flush and shutdown, then
//! shuts the exporter down.
//!
//! The exporter's own deliveries are invisible to your `tracing` subscriber (its sender thread
//! makes its calls with no subscriber), so `tracing-opentelemetry` never turns them into spans
//! and exporting never feeds itself; your app's own MutagenT calls are exported as usual.
//!
//! # Versions
//!
//! Built against `opentelemetry` and `opentelemetry_sdk` **0.33** (and `tracing-opentelemetry`
//! 0.34); see the README for which versions of yours work and for the policy on following their
//! releases.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clip;
mod convert;
mod exporter;
mod resource;

pub use exporter::{InnerExporter, MutagentSpanExporter, MutagentSpanExporterBuilder};
pub use mutagent_trace_exporter::{Environment, Protocol, TraceSource};
/// The `opentelemetry` API this crate is built against (0.33), so an application can use the
/// matching version without naming it.
pub use opentelemetry;
/// The `opentelemetry_sdk` this crate is built against (0.33, feature `trace`).
pub use opentelemetry_sdk;
