//! The operations of the `traces` namespace, described once: the eight of the 0.1.2 contract
//! and the five of the live 0.4.1 contract (`V0_4_*`), which uses the same paths with other
//! shapes (see [`crate::v0_4`]).

use mutagent_core::{Endpoint, Method};

const NS: &str = "traces";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table: the 0.1.2
    /// rows, then the 0.4.1 rows.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/traces/`
    pub static LIST_TRACES: Endpoint<0> = Endpoint::new(NS, "list_traces", Method::Get, "/api/traces/");
    /// `POST /api/traces/`
    pub static INGEST_TRACE: Endpoint<0> =
        Endpoint::new(NS, "ingest_trace", Method::Post, "/api/traces/");
    /// `POST /api/traces/batch`
    pub static INGEST_TRACE_BATCH: Endpoint<0> =
        Endpoint::new(NS, "ingest_trace_batch", Method::Post, "/api/traces/batch");
    /// `POST /api/traces/otlp`
    pub static INGEST_OTLP: Endpoint<0> =
        Endpoint::new(NS, "ingest_otlp", Method::Post, "/api/traces/otlp");
    /// `GET /api/traces/stats`
    pub static GET_TRACE_STATS: Endpoint<0> =
        Endpoint::new(NS, "get_trace_stats", Method::Get, "/api/traces/stats");
    /// `GET /api/traces/analytics`
    pub static GET_ANALYTICS_SUMMARY: Endpoint<0> = Endpoint::new(
        NS,
        "get_analytics_summary",
        Method::Get,
        "/api/traces/analytics",
    );
    /// `GET /api/traces/{id}`
    pub static GET_TRACE: Endpoint<1> = Endpoint::new(NS, "get_trace", Method::Get, "/api/traces/{id}");
    /// `DELETE /api/traces/{id}`
    pub static DELETE_TRACE: Endpoint<1> =
        Endpoint::new(NS, "delete_trace", Method::Delete, "/api/traces/{id}");

    /// `POST /api/traces/batch` (0.4.1: the hook format, answering `{accepted, rejected, note?}`)
    pub static V0_4_INGEST_TRACE_BATCH: Endpoint<0> =
        Endpoint::new(NS, "ingest_trace_batch", Method::Post, "/api/traces/batch").since("0.4.1");
    /// `GET /api/traces/` (0.4.1: cursor pages `{data, nextCursor}`)
    pub static V0_4_LIST_TRACES: Endpoint<0> =
        Endpoint::new(NS, "list_traces", Method::Get, "/api/traces/").since("0.4.1");
    /// `GET /api/traces/logs` (0.4.1 only)
    pub static V0_4_LIST_LOGS: Endpoint<0> =
        Endpoint::new(NS, "list_logs", Method::Get, "/api/traces/logs").since("0.4.1");
    /// `GET /api/traces/{traceId}` (0.4.1: the OTel-style trace envelope, no spans)
    pub static V0_4_GET_TRACE: Endpoint<1> =
        Endpoint::new(NS, "get_trace", Method::Get, "/api/traces/{traceId}").since("0.4.1");
    /// `GET /api/traces/{traceId}/spans` (0.4.1 only)
    pub static V0_4_LIST_TRACE_SPANS: Endpoint<1> = Endpoint::new(
        NS,
        "list_trace_spans",
        Method::Get,
        "/api/traces/{traceId}/spans",
    )
    .since("0.4.1");
}
