//! The operations of the `traces` namespace (0.1.2 contract), described once.

use mutagent_core::{Method, Operation};

const NS: &str = "traces";

/// `GET /api/traces/`
pub static LIST_TRACES: Operation = Operation::new(NS, "list_traces", Method::Get, "/api/traces/");
/// `POST /api/traces/`
pub static INGEST_TRACE: Operation =
    Operation::new(NS, "ingest_trace", Method::Post, "/api/traces/");
/// `POST /api/traces/batch`
pub static INGEST_TRACE_BATCH: Operation =
    Operation::new(NS, "ingest_trace_batch", Method::Post, "/api/traces/batch");
/// `POST /api/traces/otlp`
pub static INGEST_OTLP: Operation =
    Operation::new(NS, "ingest_otlp", Method::Post, "/api/traces/otlp");
/// `GET /api/traces/stats`
pub static GET_TRACE_STATS: Operation =
    Operation::new(NS, "get_trace_stats", Method::Get, "/api/traces/stats");
/// `GET /api/traces/analytics`
pub static GET_ANALYTICS_SUMMARY: Operation = Operation::new(
    NS,
    "get_analytics_summary",
    Method::Get,
    "/api/traces/analytics",
);
/// `GET /api/traces/{id}`
pub static GET_TRACE: Operation = Operation::new(NS, "get_trace", Method::Get, "/api/traces/{id}");
/// `DELETE /api/traces/{id}`
pub static DELETE_TRACE: Operation =
    Operation::new(NS, "delete_trace", Method::Delete, "/api/traces/{id}");

/// Every operation of the namespace, in the order of the API's operation table.
pub static OPERATIONS: &[&Operation] = &[
    &LIST_TRACES,
    &INGEST_TRACE,
    &INGEST_TRACE_BATCH,
    &INGEST_OTLP,
    &GET_TRACE_STATS,
    &GET_ANALYTICS_SUMMARY,
    &GET_TRACE,
    &DELETE_TRACE,
];
