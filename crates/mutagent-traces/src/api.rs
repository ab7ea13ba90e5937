//! The operations of the `traces` namespace, for the async and the blocking client alike.

use mutagent_core::ids::TraceId;
use mutagent_core::{ApiClient, ApiRequest, Error, QueryParams};
use serde::Serialize;
use serde_json::Value;

use crate::ingest::{check_batch, check_single, NewTrace, TraceBatch};
use crate::models::{
    AnalyticsSummary, BatchIngestion, GetAnalyticsSummary, GetTrace, GetTraceStats, ListTraces,
    StatsGroupBy, Trace, TraceContract, TraceIngestion, TraceList,
};
use crate::operations as op;
use crate::otlp::ExportTraceRequest;

mutagent_core::namespace! {
    /// The `traces` namespace: ingest traces of LLM apps (one, a batch, or OTLP/JSON) and read
    /// them back, with stats and analytics.
    ///
    /// Get it with `client.traces()` (from [`TracesExt`](crate::TracesExt)). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    ///
    /// Ingestion is a POST, so the client does not retry it unless POST retries were enabled.
    pub struct TracesApi;
}

impl<'a, C: ApiClient> TracesApi<'a, C> {
    /// `GET /api/traces/`: one page of traces (without spans unless
    /// [`ListTraces::with_spans`]).
    ///
    /// ```no_run
    /// use mutagent_traces::{ListTraces, Status, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .traces()
    ///     .list_traces(&ListTraces::new().session_id("session-42").status(Status::Error))
    ///     .await?;
    /// println!("{} of {} traces", page.data.len(), page.total);
    /// # Ok(()) }
    /// ```
    pub fn list_traces(&self, params: &ListTraces) -> C::Response<TraceList> {
        self.client.call(list_request(params))
    }

    /// Which trace contract the server speaks: one `GET /api/traces/?limit=1`, read by its
    /// envelope (`nextCursor`: 0.4.1, use `client.traces_v0_4()`; `total`/`offset`: 0.1.2).
    ///
    /// ```no_run
    /// use mutagent_traces::{TraceContract, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// match client.traces().contract_generation().await? {
    ///     TraceContract::V0_1_2 => println!("use client.traces()"),
    ///     TraceContract::V0_4_1 => println!("use client.traces_v0_4()"),
    ///     _ => println!("neither trace contract"),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn contract_generation(&self) -> C::Response<TraceContract> {
        self.client.call(list_request(&ListTraces::new().limit(1)))
    }

    /// Every trace matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_traces::{ListTraces, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client
    ///     .traces()
    ///     .list_traces_all(&ListTraces::new().session_id("session-42"))
    ///     .try_collect()
    ///     .await?;
    /// println!("{} traces", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_traces_all(&self, params: &ListTraces) -> C::Items<Trace> {
        self.client.paginate::<TraceList>(list_request(params))
    }

    /// `POST /api/traces/`: ingests one trace with its spans. The single-trace span model has
    /// no `durationMs` or `status`, so a span that sets either is refused before sending (use
    /// [`ingest_trace_batch`](Self::ingest_trace_batch), whose format carries them).
    ///
    /// ```no_run
    /// use mutagent_traces::{NewSpan, NewTrace, SpanKind, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let start = "2026-11-01T10:00:00.000Z";
    /// let trace = NewTrace::new("trace-1", start)
    ///     .name("answer question")
    ///     .session_id("session-42")
    ///     .span(NewSpan::new("span-1", "chat", SpanKind::LlmChat, start).model("gpt-4o").tokens(12, 30));
    /// let ingested = client.traces().ingest_trace(&trace).await?;
    /// println!("{} spans", ingested.span_count);
    /// # Ok(()) }
    /// ```
    pub fn ingest_trace(&self, trace: &NewTrace) -> C::Response<TraceIngestion> {
        let request = op::INGEST_TRACE
            .request()
            .validate(|operation| trace.check(operation, ""))
            .validate(|operation| check_single(operation, trace))
            .json(trace)
            .build();
        self.client.call(request)
    }

    /// `POST /api/traces/batch`: ingests several traces at once (`{"traces": [...]}`); at
    /// least one is required.
    ///
    /// ```no_run
    /// use mutagent_traces::{NewTrace, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let start = "2026-11-01T10:00:00.000Z";
    /// let batch = [NewTrace::new("trace-1", start), NewTrace::new("trace-2", start)];
    /// let ingested = client.traces().ingest_trace_batch(&batch).await?;
    /// println!("{} traces", ingested.count);
    /// # Ok(()) }
    /// ```
    pub fn ingest_trace_batch(&self, traces: &[NewTrace]) -> C::Response<BatchIngestion> {
        let request = op::INGEST_TRACE_BATCH
            .request()
            .validate(|operation| check_batch(operation, traces))
            .json(&TraceBatch { traces })
            .build();
        self.client.call(request)
    }

    /// `POST /api/traces/otlp`: ingests an OTLP/HTTP JSON export. Trace and span ids are
    /// checked (32 and 16 hex characters, not all zero) before sending.
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// use mutagent_traces::otlp::{ExportTraceRequest, Resource, ResourceSpans, ScopeSpans, Span};
    /// let span = Span::new("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", "chat", 1_700_000_000_000_000_000)
    ///     .end(1_700_000_001_500_000_000)
    ///     .attribute("gen_ai.request.model", "gpt-4o");
    /// let request = ExportTraceRequest::new().resource_spans(
    ///     ResourceSpans::new(Resource::new().attribute("service.name", "checkout"))
    ///         .scope_spans(ScopeSpans::new().scope("my-app", Some("1.0.0")).span(span)),
    /// );
    /// let ingested = client.traces().ingest_otlp(&request).await?;
    /// println!("{:?}", ingested.trace_ids);
    /// # Ok(()) }
    /// ```
    pub fn ingest_otlp(&self, request: &ExportTraceRequest) -> C::Response<BatchIngestion> {
        let request = op::INGEST_OTLP
            .request()
            .validate(|operation| request.check(operation))
            .json(request)
            .build();
        self.client.call(request)
    }

    /// `POST /api/traces/otlp` with a body given as raw JSON (for payloads produced by other
    /// OpenTelemetry tooling). Nothing is checked before sending.
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// // An export produced by other OpenTelemetry tooling, sent as it is.
    /// let export: serde_json::Value = serde_json::from_str(r#"{"resourceSpans": []}"#).unwrap_or_default();
    /// let ingested = client.traces().ingest_otlp_json(&export).await?;
    /// println!("{} traces", ingested.count);
    /// # Ok(()) }
    /// ```
    pub fn ingest_otlp_json(&self, body: &Value) -> C::Response<BatchIngestion> {
        self.client
            .call(op::INGEST_OTLP.request().json(body).build())
    }

    /// `GET /api/traces/stats`: aggregated numbers grouped by `group_by`. The API does not
    /// define the shape, so the answer is JSON.
    ///
    /// ```no_run
    /// use mutagent_traces::{GetTraceStats, StatsGroupBy, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let stats = client
    ///     .traces()
    ///     .get_trace_stats(StatsGroupBy::Model, &GetTraceStats::new().session_id("session-42"))
    ///     .await?;
    /// println!("{stats}"); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn get_trace_stats(
        &self,
        group_by: StatsGroupBy,
        params: &GetTraceStats,
    ) -> C::Response<Value> {
        let request = op::GET_TRACE_STATS
            .request()
            .query_params(&StatsQuery {
                group_by,
                filters: params,
            })
            .build();
        self.client.call(request)
    }

    /// `GET /api/traces/analytics`: KPIs, cost, tokens, latency and error breakdowns.
    ///
    /// ```no_run
    /// use mutagent_traces::{GetAnalyticsSummary, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let summary = client
    ///     .traces()
    ///     .get_analytics_summary(
    ///         &GetAnalyticsSummary::new()
    ///             .start_after("2026-11-01T00:00:00Z")
    ///             .start_before("2026-12-01T00:00:00Z"),
    ///     )
    ///     .await?;
    /// println!("{summary:?}");
    /// # Ok(()) }
    /// ```
    pub fn get_analytics_summary(
        &self,
        params: &GetAnalyticsSummary,
    ) -> C::Response<AnalyticsSummary> {
        let request = op::GET_ANALYTICS_SUMMARY
            .request()
            .query_params(params)
            .build();
        self.client.call(request)
    }

    /// `GET /api/traces/{id}`: one trace with its spans (the contract's `TraceWithSpans`:
    /// the spans always come with it, no query parameter is needed). To send the optional
    /// `include` query parameter, use [`get_trace_with`](Self::get_trace_with).
    ///
    /// ```no_run
    /// use mutagent_traces::{NewSpan, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let trace = client.traces().get_trace("trace-1").await?;
    /// let spans: Vec<NewSpan> = trace.spans_as().unwrap_or_default();
    /// println!("{} spans", spans.len());
    /// # Ok(()) }
    /// ```
    pub fn get_trace(&self, id: impl Into<TraceId>) -> C::Response<Trace> {
        self.get_trace_with(id, &GetTrace::new())
    }

    /// `GET /api/traces/{id}` with its optional query parameters ([`GetTrace`]): `include`
    /// is passed through, for related data a server may add beyond the spans.
    ///
    /// ```no_run
    /// use mutagent_traces::{GetTrace, TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let trace = client
    ///     .traces()
    ///     .get_trace_with("trace-1", &GetTrace::new().include("spans"))
    ///     .await?;
    /// println!("{}", trace.id);
    /// # Ok(()) }
    /// ```
    pub fn get_trace_with(&self, id: impl Into<TraceId>, params: &GetTrace) -> C::Response<Trace> {
        self.client.call(
            op::GET_TRACE
                .request(id.into())
                .query_params(params)
                .build(),
        )
    }

    /// `DELETE /api/traces/{id}`: deletes a trace. The answer is not typed by the API, so
    /// it is JSON (typically `{"success": true, ...}`).
    ///
    /// ```no_run
    /// use mutagent_traces::{TracesExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.traces().delete_trace("trace-1").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_trace(&self, id: impl Into<TraceId>) -> C::Response<Value> {
        self.client
            .call(op::DELETE_TRACE.request(id.into()).build())
    }
}

/// The query of `get_trace_stats`: the required grouping, then the optional filters.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsQuery<'a> {
    group_by: StatsGroupBy,
    #[serde(flatten)]
    filters: &'a GetTraceStats,
}

impl QueryParams for StatsQuery<'_> {}

fn list_request(params: &ListTraces) -> Result<ApiRequest, Error> {
    op::LIST_TRACES.request().query_params(params).build()
}
