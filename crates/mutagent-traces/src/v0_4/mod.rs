//! The live trace contract (0.4.1), beside the 0.1.2 one at the crate root.
//!
//! Both generations use the same paths under `/api/traces/` with different shapes:
//!
//! | | 0.1.2 (`client.traces()`) | 0.4.1 (`client.traces_v0_4()`) |
//! |---|---|---|
//! | `POST /api/traces/batch` | `{"traces": [NewTrace]}` → `{success, count, traceIds}` | hook format [`TraceBatchRequest`] → [`TraceIngestResult`] `{accepted, rejected, note?}` |
//! | `GET /api/traces/` | offset pages `{data, total, limit, offset}` of stored traces | cursor pages [`TraceList`] `{data, nextCursor}` of OTel-style [`Trace`] envelopes |
//! | `GET /api/traces/{id}` | the trace with its spans | [`Trace`] envelope by `traceId`, no spans |
//! | spans, logs | — | `GET /api/traces/{traceId}/spans` ([`SpanList`]), `GET /api/traces/logs` ([`LogRecordList`]) |
//! | single ingest, OTLP, stats, analytics, delete | yes | not listed |
//!
//! # Which one does a server speak?
//!
//! The published Python SDK 0.1.2 speaks the first, 0.4.x the second (the platform's current
//! SDK); the API notes leave open which one a given server implements. Ask it:
//! [`TracesApi::contract_generation`](crate::TracesApi::contract_generation) reads one page of
//! `GET /api/traces/?limit=1` and tells the envelopes apart (`nextCursor` means 0.4.1, `total`
//! means 0.1.2). Against the wrong generation, reads fail to decode (an [`Error::Decode`]
//! naming the missing field) and a 0.1.2 batch answered by a 0.4.1 server is an error that
//! says the server accepted the request: the data is stored, do not send it again.
//!
//! [`Error::Decode`]: mutagent_core::Error::Decode
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_traces::v0_4::{HookSpan, HookTrace, ListTraces, TraceBatchRequest};
//! use mutagent_traces::{TraceContract, TracesExt};
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! if client.traces().contract_generation().await? == TraceContract::V0_4_1 {
//!     let now = mutagent_traces::rfc3339(std::time::SystemTime::now());
//!     let batch = TraceBatchRequest::new([HookTrace::new("trace-1", now.clone())
//!         .span(HookSpan::new("span-1", "chat", now).input("hi").output("hello"))]);
//!     let result = client.traces_v0_4().ingest_trace_batch(&batch).await?;
//!     println!("{} accepted, {} rejected", result.accepted, result.rejected);
//!     let mut params = ListTraces::new().limit(50);
//!     loop {
//!         let page = client.traces_v0_4().list_traces(&params).await?;
//!         for trace in &page.data {
//!             println!("{} ({} spans)", trace.trace_id, trace.span_count);
//!         }
//!         match page.next_cursor {
//!             Some(cursor) => params = params.cursor(cursor),
//!             None => break,
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```

mod api;
mod models;
mod walk;

pub use api::TracesApi;
pub use models::{
    CursorPage, HookSpan, HookTrace, ListLogs, ListTraces, LogRecord, LogRecordList, Span,
    SpanList, Trace, TraceBatchRequest, TraceIngestResult, TraceList,
};
