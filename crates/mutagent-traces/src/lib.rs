//! The `traces` namespace of the MutagenT Rust SDK: traces of LLM apps — ingest one trace, a
//! batch, or an OTLP/JSON export; list, read and delete them; stats and analytics.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/traces.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/traces.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through [`TracesExt::traces`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_traces::{rfc3339, ListTraces, NewSpan, NewTrace, SpanKind, StatsGroupBy, GetTraceStats, TracesExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let now = rfc3339(std::time::SystemTime::now());
//! let trace = NewTrace::new("trace-1", now.clone()).span(
//!     NewSpan::new("span-1", "chat", SpanKind::LlmChat, now)
//!         .model("gpt-4o")
//!         .tokens(12, 30),
//! );
//! let stored = client.traces().ingest_trace(&trace).await?;
//! let page = client.traces().list_traces(&ListTraces::new().limit(10)).await?;
//! let by_model = client.traces().get_trace_stats(StatsGroupBy::Model, &GetTraceStats::new()).await?;
//! println!("stored {} ({} spans); {} traces; {by_model}", stored.trace_id, stored.span_count, page.total);
//! # Ok(()) }
//! ```
//!
//! This is the 0.1.2 trace contract. The live platform's current SDK (0.4.1) speaks another
//! one on the same paths: it is in [`v0_4`] (`client.traces_v0_4()`), with a table of the
//! differences and how to tell which one a server speaks
//! ([`TracesApi::contract_generation`]).
//!
//! The ingest models ([`NewTrace`], [`NewSpan`], [`SpanEvent`], [`TokenUsage`]) and the OTLP
//! models ([`otlp`]) are plain public data, usable by exporters built on top of this crate.
//! Timestamps are RFC 3339 text, as the API sends them back: [`rfc3339`] writes a
//! `SystemTime` so (no date-time crate needed), and the text of the date-time crate you use
//! works too (`chrono::Utc::now().to_rfc3339()`, `jiff::Timestamp::now().to_string()`, …).
//! [`unix_nanos`] gives OTLP's nanoseconds.

mod api;
mod ingest;
mod models;
pub mod operations;
pub mod otlp;
mod time;
pub mod v0_4;

pub use api::TracesApi;
pub use ingest::{
    Environment, NewSpan, NewTrace, SpanEvent, SpanKind, Status, TokenUsage, TraceSource,
};
pub use models::{
    AnalyticsSummary, BatchIngestion, GetAnalyticsSummary, GetTrace, GetTraceStats, ListTraces,
    StatsGroupBy, Trace, TraceContract, TraceIngestion, TraceList,
};
pub use mutagent_core::ids::{TraceId, WorkspaceId};
pub use time::{rfc3339, unix_nanos};

/// Adds `.traces()` (the 0.1.2 contract) and `.traces_v0_4()` (the live 0.4.1 contract) to
/// both clients.
pub trait TracesExt: mutagent_core::ApiClient {
    /// The `traces` namespace, 0.1.2 contract.
    fn traces(&self) -> TracesApi<'_, Self> {
        TracesApi::new(self)
    }

    /// The `traces` namespace, 0.4.1 contract (see [`v0_4`]).
    fn traces_v0_4(&self) -> v0_4::TracesApi<'_, Self> {
        v0_4::TracesApi::new(self)
    }
}

impl<C: mutagent_core::ApiClient> TracesExt for C {}
