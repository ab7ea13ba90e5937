//! The operations of the 0.4.1 trace contract, for the async and the blocking client alike.

use mutagent_core::{ApiClient, ApiRequest, Error};

use super::models::{
    ListLogs, ListTraces, LogRecord, LogRecordList, SpanList, Trace, TraceBatchRequest,
    TraceIngestResult, TraceList,
};
use super::walk::{CursorParams, CursorWalk};
use crate::operations as op;
use crate::TracesExt;

mutagent_core::namespace! {
    /// The `traces` namespace as the live platform speaks it (the 0.4.1 contract): batch
    /// ingestion in the hook format, cursor-paged traces and logs, trace envelopes by `traceId`
    /// and their spans.
    ///
    /// Get it with `client.traces_v0_4()` (from [`TracesExt`](crate::TracesExt)). The 0.1.2
    /// generation is `client.traces()`; [`crate::v0_4`] says how to tell which one a server
    /// speaks.
    pub struct TracesApi;
}

impl<'a, C: ApiClient> TracesApi<'a, C> {
    /// `POST /api/traces/batch`: ingests traces in the hook format; the answer counts what was
    /// accepted and rejected. A POST, so not retried unless POST retries were enabled, and
    /// never sent again once the server answered 2xx.
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt, v0_4::{HookSpan, HookTrace, TraceBatchRequest}};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let start = "2026-11-01T10:00:00.000Z";
    /// let trace = HookTrace::new("trace-1", start)
    ///     .name("answer question")
    ///     .session_id("session-42")
    ///     .span(HookSpan::new("span-1", "chat", start).kind("llm"));
    /// let result = client.traces_v0_4().ingest_trace_batch(&TraceBatchRequest::new([trace])).await?;
    /// println!("{} accepted, {} rejected", result.accepted, result.rejected);
    /// # Ok(()) }
    /// ```
    pub fn ingest_trace_batch(&self, batch: &TraceBatchRequest) -> C::Response<TraceIngestResult> {
        let request = op::V0_4_INGEST_TRACE_BATCH
            .request()
            .validate(|operation| batch.check(operation))
            .json(batch)
            .build();
        self.client.call(request)
    }

    /// `GET /api/traces/`: one cursor page of trace envelopes. Fetch the next page with
    /// [`ListTraces::cursor`] set to this page's `next_cursor`; `None` marks the last page.
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt, v0_4::{ListTraces}};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .traces_v0_4()
    ///     .list_traces(&ListTraces::new().session_id("session-42").limit(50))
    ///     .await?;
    /// println!("{} traces; next page: {:?}", page.data.len(), page.next_cursor);
    /// # Ok(()) }
    /// ```
    pub fn list_traces(&self, params: &ListTraces) -> C::Response<TraceList> {
        self.client.call(list_traces_request(params))
    }

    /// Every trace envelope from the page at `params.cursor` (the first when unset) to the
    /// last, fetching each page when the previous one is used up: a stream with the async
    /// client, an iterator with the blocking one. The walk ends at the page without a next
    /// cursor (an empty page with one is not the last) and after an error; a next cursor it has
    /// fetched already (a server bug that would loop forever), or 64 empty pages in a row, end
    /// it with [`Error::Unexpected`] after the items fetched.
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt, v0_4::{ListTraces}};
    /// # fn run(client: mutagent_core::BlockingClient) -> Result<(), mutagent_core::Error> {
    /// // With the blocking client the walk is an iterator (with the async one, a stream).
    /// for trace in client.traces_v0_4().list_traces_all(&ListTraces::new().session_id("session-42")) {
    ///     println!("{:?}", trace?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_traces_all(&self, params: &ListTraces) -> C::Steps<Result<Trace, Error>> {
        self.client.steps(CursorWalk::over(params, |client, page| {
            Box::pin(async move { client.traces_v0_4().list_traces(&page).await })
        }))
    }

    /// Every log record from the page at `params.cursor` to the last (see
    /// [`list_traces_all`](Self::list_traces_all)).
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt, v0_4::{ListLogs}};
    /// # fn run(client: mutagent_core::BlockingClient) -> Result<(), mutagent_core::Error> {
    /// for record in client.traces_v0_4().list_logs_all(&ListLogs::new().trace_id("trace-1")) {
    ///     println!("{:?}", record?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_logs_all(&self, params: &ListLogs) -> C::Steps<Result<LogRecord, Error>> {
        self.client.steps(CursorWalk::over(params, |client, page| {
            Box::pin(async move { client.traces_v0_4().list_logs(&page).await })
        }))
    }

    /// `GET /api/traces/logs`: one cursor page of OTel log records.
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt, v0_4::{ListLogs}};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .traces_v0_4()
    ///     .list_logs(&ListLogs::new().trace_id("trace-1").limit(100))
    ///     .await?;
    /// println!("{} log records", page.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_logs(&self, params: &ListLogs) -> C::Response<LogRecordList> {
        self.client
            .call(op::V0_4_LIST_LOGS.request().query_params(params).build())
    }

    /// `GET /api/traces/{traceId}`: one trace envelope (without spans).
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let trace = client.traces_v0_4().get_trace("trace-1").await?;
    /// println!("{trace:?}");
    /// # Ok(()) }
    /// ```
    pub fn get_trace(&self, trace_id: &str) -> C::Response<Trace> {
        self.client
            .call(op::V0_4_GET_TRACE.request(trace_id).build())
    }

    /// `GET /api/traces/{traceId}/spans`: the spans of a trace.
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let spans = client.traces_v0_4().list_trace_spans("trace-1").await?;
    /// println!("{} spans", spans.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_trace_spans(&self, trace_id: &str) -> C::Response<SpanList> {
        self.client
            .call(op::V0_4_LIST_TRACE_SPANS.request(trace_id).build())
    }
}

impl CursorParams for ListTraces {
    const OPERATION: &'static str = op::V0_4_LIST_TRACES.operation().name;
    fn cursor(&mut self) -> &mut Option<String> {
        &mut self.cursor
    }
}

impl CursorParams for ListLogs {
    const OPERATION: &'static str = op::V0_4_LIST_LOGS.operation().name;
    fn cursor(&mut self) -> &mut Option<String> {
        &mut self.cursor
    }
}

fn list_traces_request(params: &ListTraces) -> Result<ApiRequest, Error> {
    op::V0_4_LIST_TRACES.request().query_params(params).build()
}
