//! Finished spans as the SDK hands them to an exporter, for the tests that call `export`
//! themselves.

use std::time::{Duration, SystemTime};

use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};

/// A finished client span `name` of 5 ms, alone in its trace `trace`, with span id `n + 1`.
pub(crate) fn finished_span(
    trace: u128,
    n: u64,
    name: &'static str,
    attributes: Vec<KeyValue>,
) -> SpanData {
    let start = SystemTime::now();
    SpanData {
        span_context: SpanContext::new(
            TraceId::from(trace),
            SpanId::from(n + 1),
            TraceFlags::SAMPLED,
            false,
            TraceState::NONE,
        ),
        parent_span_id: SpanId::INVALID,
        parent_span_is_remote: false,
        span_kind: SpanKind::Client,
        name: name.into(),
        start_time: start,
        end_time: start + Duration::from_millis(5),
        attributes,
        dropped_attributes_count: 0,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status: Status::Unset,
        instrumentation_scope: InstrumentationScope::builder("test").build(),
    }
}
