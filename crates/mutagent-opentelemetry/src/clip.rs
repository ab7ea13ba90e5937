//! The text value limit of [`MutagentSpanExporterBuilder::max_value_bytes`]: attribute texts
//! (of spans and of their events), span and event names and error texts longer than the limit
//! are cut
//! (`tracing-opentelemetry` names an event after its message, `info!("{body}")`), so one huge
//! value cannot make the request that carries it, with every other span of its batch, too
//! large for the server.
//!
//! [`MutagentSpanExporterBuilder::max_value_bytes`]: crate::MutagentSpanExporterBuilder::max_value_bytes

use mutagent_trace_exporter::SpanData;
use serde_json::{Map, Value};

/// The attribute that counts the values cut on a span (the name `MutagentLayer` uses too).
pub(crate) const TRUNCATED_VALUES: &str = "mutagent.truncated_values";

/// The default limit: far above ordinary attribute values (ids, names, short texts, a system
/// prompt), far below a size that endangers a request of 512 spans.
pub(crate) const DEFAULT_MAX_VALUE_BYTES: usize = 64 * 1024;

/// Cuts the texts of `span` longer than `max` bytes (on a character boundary, ending in `…`)
/// and, when it cut any, counts them in the attribute [`TRUNCATED_VALUES`]. `input` and
/// `output` are not cut: they are the content MutagenT is for.
pub(crate) fn clip_span(span: &mut SpanData, max: usize) {
    let mut cut = clip_map(&mut span.attributes, max) + clip_name(&mut span.name, max);
    for event in &mut span.events {
        cut += clip_map(&mut event.attributes, max) + clip_name(&mut event.name, max);
    }
    if let Some(error) = &mut span.error {
        cut += u64::from(clip_text(error, max));
    }
    if cut > 0 {
        span.attributes
            .insert(TRUNCATED_VALUES.to_owned(), Value::from(cut));
    }
}

fn clip_name(name: &mut std::borrow::Cow<'static, str>, max: usize) -> u64 {
    if name.len() <= max {
        return 0;
    }
    clip_text(name.to_mut(), max);
    1
}

fn clip_map(map: &mut Map<String, Value>, max: usize) -> u64 {
    map.values_mut().map(|value| clip_value(value, max)).sum()
}

/// Texts anywhere in `value` (arrays of texts, the objects of `otel.links`) are cut.
fn clip_value(value: &mut Value, max: usize) -> u64 {
    match value {
        Value::String(text) => u64::from(clip_text(text, max)),
        Value::Array(items) => items.iter_mut().map(|item| clip_value(item, max)).sum(),
        Value::Object(map) => clip_map(map, max),
        _ => 0,
    }
}

/// Whether `text` was longer than `max` bytes and is now cut to it, plus `…`.
fn clip_text(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push('…');
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use mutagent_trace_exporter::{SpanEventData, SpanKind};
    use serde_json::json;
    use std::time::SystemTime;

    #[test]
    fn long_texts_are_cut_on_a_character_boundary_and_counted() {
        let now = SystemTime::now();
        let mut span = SpanData::root("chat", SpanKind::LlmChat, now, now);
        span.attributes.insert("big".into(), json!("é".repeat(10)));
        span.attributes.insert("short".into(), json!("ok"));
        span.attributes
            .insert("list".into(), json!(["x".repeat(9), 7]));
        span.attributes.insert("n".into(), json!(123_456_789));
        let mut event = SpanEventData::new("log", now);
        event.attributes.insert("body".into(), json!("y".repeat(9)));
        span.events.push(event);
        span.events.push(SpanEventData::new("w".repeat(9), now));
        span.name = "n".repeat(9).into();
        span.error = Some("z".repeat(9));
        span.input = Some(json!("i".repeat(50)));
        span.output = Some(json!("o".repeat(50)));
        clip_span(&mut span, 5);
        // "é" is two bytes: five bytes end inside the third, so two are kept.
        assert_eq!(span.attributes["big"], "éé…");
        assert_eq!(span.attributes["short"], "ok");
        assert_eq!(span.attributes["list"], json!(["xxxxx…", 7]));
        assert_eq!(span.attributes["n"], 123_456_789);
        assert_eq!(span.events[0].attributes["body"], "yyyyy…");
        assert_eq!(span.events[0].name, "log");
        assert_eq!(span.events[1].name, "wwwww…");
        assert_eq!(span.name, "nnnnn…");
        assert_eq!(span.error.as_deref(), Some("zzzzz…"));
        assert_eq!(span.input, Some(json!("i".repeat(50))));
        assert_eq!(span.output, Some(json!("o".repeat(50))));
        assert_eq!(span.attributes[TRUNCATED_VALUES], 6);
    }

    #[test]
    fn a_span_within_the_limit_is_unchanged() {
        let now = SystemTime::now();
        let mut span = SpanData::root("chat", SpanKind::LlmChat, now, now);
        span.attributes.insert("a".into(), json!("12345"));
        let before = span.attributes.clone();
        clip_span(&mut span, 5);
        assert_eq!(span.attributes, before);
    }
}
