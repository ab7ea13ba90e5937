//! The operations of the 0.4.1 trace contract, for the async and the blocking client alike.

use mutagent_core::{ApiClient, ApiRequest, Error};

use super::models::{
    ListLogs, ListTraces, LogRecordList, SpanList, Trace, TraceBatchRequest, TraceIngestResult,
    TraceList,
};
use crate::operations as op;

/// The `traces` namespace as the live platform speaks it (the 0.4.1 contract): batch
/// ingestion in the hook format, cursor-paged traces and logs, trace envelopes by `traceId`
/// and their spans.
///
/// Get it with `client.traces_v0_4()` (from [`TracesExt`](crate::TracesExt)). The 0.1.2
/// generation is `client.traces()`; [`crate::v0_4`] says how to tell which one a server
/// speaks.
#[derive(Debug, Clone, Copy)]
pub struct TracesApi<'a, C> {
    client: &'a C,
}

impl<'a, C: ApiClient> TracesApi<'a, C> {
    /// The namespace on `client`.
    pub fn new(client: &'a C) -> Self {
        Self { client }
    }

    /// The client the namespace calls through.
    pub fn client(&self) -> &'a C {
        self.client
    }

    /// `POST /api/traces/batch`: ingests traces in the hook format; the answer counts what was
    /// accepted and rejected. A POST, so not retried unless POST retries were enabled, and
    /// never sent again once the server answered 2xx.
    pub fn ingest_trace_batch(&self, batch: &TraceBatchRequest) -> C::Response<TraceIngestResult> {
        self.client
            .call(op::V0_4_INGEST_TRACE_BATCH.request().json(batch).build())
    }

    /// `GET /api/traces/`: one cursor page of trace envelopes. Fetch the next page with
    /// [`ListTraces::cursor`] set to this page's `next_cursor`; `None` marks the last page.
    pub fn list_traces(&self, params: &ListTraces) -> C::Response<TraceList> {
        self.client.call(list_traces_request(params))
    }

    /// `GET /api/traces/logs`: one cursor page of OTel log records.
    pub fn list_logs(&self, params: &ListLogs) -> C::Response<LogRecordList> {
        self.client
            .call(op::V0_4_LIST_LOGS.request().query_params(params).build())
    }

    /// `GET /api/traces/{traceId}`: one trace envelope (without spans).
    pub fn get_trace(&self, trace_id: &str) -> C::Response<Trace> {
        self.client
            .call(op::V0_4_GET_TRACE.request(trace_id).build())
    }

    /// `GET /api/traces/{traceId}/spans`: the spans of a trace.
    pub fn list_trace_spans(&self, trace_id: &str) -> C::Response<SpanList> {
        self.client
            .call(op::V0_4_LIST_TRACE_SPANS.request(trace_id).build())
    }
}

fn list_traces_request(params: &ListTraces) -> Result<ApiRequest, Error> {
    op::V0_4_LIST_TRACES.request().query_params(params).build()
}
