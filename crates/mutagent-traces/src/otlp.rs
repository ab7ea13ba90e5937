//! Typed OTLP/HTTP **JSON** models for `ingest_otlp`: an export request
//! (`{resourceSpans: [...]}`) with resources, scopes, spans, attributes, events and statuses.
//!
//! They follow the OTLP JSON encoding: trace and span ids as lowercase hex (32 and 16
//! characters), enums as integers, and 64-bit integers (`*UnixNano`, `intValue`) as decimal
//! strings. Decoding also accepts 64-bit values given as JSON numbers.
//!
//! ```
//! use mutagent_traces::otlp::{ExportTraceRequest, Resource, ResourceSpans, ScopeSpans, Span, SpanKind};
//!
//! let span = Span::new("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", "chat gpt-4o", 1_700_000_000_000_000_000)
//!     .kind(SpanKind::Client)
//!     .end(1_700_000_001_500_000_000)
//!     .attribute("gen_ai.request.model", "gpt-4o")
//!     .attribute("gen_ai.usage.input_tokens", 12);
//! let request = ExportTraceRequest::new().resource_spans(
//!     ResourceSpans::new(Resource::new().attribute("service.name", "checkout"))
//!         .scope_spans(ScopeSpans::new().scope("my-app", Some("1.0.0")).span(span)),
//! );
//! let json = serde_json::to_value(&request).unwrap();
//! let span = &json["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
//! assert_eq!(span["startTimeUnixNano"], "1700000000000000000");
//! assert_eq!(span["kind"], 3);
//! assert_eq!(span["attributes"][1]["value"], serde_json::json!({"intValue": "12"}));
//! ```

#[cfg(feature = "serde-roundtrip")]
use std::fmt;

use mutagent_core::Error;
#[cfg(feature = "serde-roundtrip")]
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
#[cfg(feature = "serde-roundtrip")]
use serde::Deserialize;
use serde::Serialize;

/// The body of `ingest_otlp` (OTLP's `ExportTraceServiceRequest`): `{resourceSpans}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExportTraceRequest {
    /// Spans grouped by the resource that produced them.
    #[serde(default)]
    pub resource_spans: Vec<ResourceSpans>,
}

impl ExportTraceRequest {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds the spans of one resource.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn resource_spans(mut self, resource_spans: ResourceSpans) -> Self {
        self.resource_spans.push(resource_spans);
        self
    }
    /// Every span of the request, with where it sits (`resourceSpans[i].scopeSpans[j].spans[k]`).
    fn spans(&self) -> impl Iterator<Item = (String, &Span)> {
        self.resource_spans.iter().enumerate().flat_map(|(i, rs)| {
            rs.scope_spans.iter().enumerate().flat_map(move |(j, ss)| {
                ss.spans.iter().enumerate().map(move |(k, span)| {
                    (
                        format!("resourceSpans[{i}].scopeSpans[{j}].spans[{k}]."),
                        span,
                    )
                })
            })
        })
    }

    /// Checks the ids of every span: trace ids 32 and span ids 16 hex characters, not all zero,
    /// as OTLP requires.
    pub(crate) fn check(&self, operation: &'static str) -> Result<(), Error> {
        for (at, span) in self.spans() {
            check_hex(operation, format!("{at}traceId"), &span.trace_id, 32)?;
            check_hex(operation, format!("{at}spanId"), &span.span_id, 16)?;
            if let Some(parent) = span.parent_span_id.as_deref().filter(|p| !p.is_empty()) {
                check_hex(operation, format!("{at}parentSpanId"), parent, 16)?;
            }
        }
        Ok(())
    }
}

fn check_hex(operation: &'static str, field: String, id: &str, len: usize) -> Result<(), Error> {
    let hex = id.len() == len && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex {
        return Err(Error::invalid_input(
            operation,
            field,
            format!("must be {len} hex characters (got `{id}`)"),
        ));
    }
    if id.bytes().all(|b| b == b'0') {
        return Err(Error::invalid_input(
            operation,
            field,
            "must not be all zeros",
        ));
    }
    Ok(())
}

/// The spans of one resource (a service): `{resource, scopeSpans, schemaUrl?}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceSpans {
    /// The resource.
    #[serde(default)]
    pub resource: Resource,
    /// Spans grouped by instrumentation scope.
    #[serde(default)]
    pub scope_spans: Vec<ScopeSpans>,
    /// The schema URL of the resource attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
}

impl ResourceSpans {
    /// The spans of `resource`, no scopes yet.
    pub fn new(resource: Resource) -> Self {
        Self {
            resource,
            scope_spans: Vec::new(),
            schema_url: None,
        }
    }
    /// Adds the spans of one scope.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn scope_spans(mut self, scope_spans: ScopeSpans) -> Self {
        self.scope_spans.push(scope_spans);
        self
    }
    mutagent_core::setters! {
        /// Sets the schema URL.
        into schema_url: String;
    }
}

/// What produced the spans: `{attributes, droppedAttributesCount?}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Resource {
    /// The attributes, e.g. `service.name`.
    #[serde(default)]
    pub attributes: Vec<KeyValue>,
    /// How many attributes were dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped_attributes_count: Option<u32>,
}

impl Resource {
    /// A resource without attributes.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an attribute.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<AnyValue>) -> Self {
        self.attributes.push(KeyValue::new(key, value));
        self
    }
}

/// The spans of one instrumentation scope: `{scope?, spans, schemaUrl?}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ScopeSpans {
    /// The instrumentation scope (library) that recorded the spans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<InstrumentationScope>,
    /// The spans.
    #[serde(default)]
    pub spans: Vec<Span>,
    /// The schema URL of the span attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
}

impl ScopeSpans {
    /// No scope and no spans yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the scope by name and optional version.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn scope(mut self, name: impl Into<String>, version: Option<&str>) -> Self {
        self.scope = Some(InstrumentationScope {
            name: name.into(),
            version: version.map(str::to_owned),
            attributes: Vec::new(),
        });
        self
    }
    /// Adds a span.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn span(mut self, span: Span) -> Self {
        self.spans.push(span);
        self
    }
    /// Adds several spans.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn spans(mut self, spans: impl IntoIterator<Item = Span>) -> Self {
        self.spans.extend(spans);
        self
    }
}

/// An instrumentation scope: `{name, version?, attributes?}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InstrumentationScope {
    /// The library name.
    #[serde(default)]
    pub name: String,
    /// The library version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Attributes (left out when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<KeyValue>,
}

/// One OTLP span.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Span {
    /// The trace id: 32 lowercase hex characters (16 bytes), not all zero.
    pub trace_id: String,
    /// The span id: 16 lowercase hex characters (8 bytes), not all zero.
    pub span_id: String,
    /// The parent span id (16 hex characters), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<String>,
    /// The W3C trace state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_state: Option<String>,
    /// The name.
    pub name: String,
    /// The OTLP span kind (an integer on the wire).
    #[serde(default)]
    pub kind: SpanKind,
    /// When it started, in nanoseconds since the Unix epoch (a string on the wire).
    #[serde(with = "u64_text")]
    pub start_time_unix_nano: u64,
    /// When it ended, in nanoseconds since the Unix epoch (a string on the wire).
    #[serde(
        default,
        with = "opt_u64_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time_unix_nano: Option<u64>,
    /// The attributes (always sent, possibly empty).
    #[serde(default)]
    pub attributes: Vec<KeyValue>,
    /// Events (left out when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// How it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

impl Span {
    /// A span with its ids (hex), name and start time (see [`unix_nanos`](crate::unix_nanos)).
    pub fn new(
        trace_id: impl Into<String>,
        span_id: impl Into<String>,
        name: impl Into<String>,
        start_time_unix_nano: u64,
    ) -> Self {
        Self {
            trace_id: trace_id.into(),
            span_id: span_id.into(),
            parent_span_id: None,
            trace_state: None,
            name: name.into(),
            kind: SpanKind::Unspecified,
            start_time_unix_nano,
            end_time_unix_nano: None,
            attributes: Vec::new(),
            events: Vec::new(),
            status: None,
        }
    }
    /// Sets the parent span id.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn parent(mut self, parent_span_id: impl Into<String>) -> Self {
        self.parent_span_id = Some(parent_span_id.into());
        self
    }
    mutagent_core::setters! {
        /// Sets the kind.
        set kind: SpanKind;
    }
    /// Sets the end time in nanoseconds since the Unix epoch.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn end(mut self, end_time_unix_nano: u64) -> Self {
        self.end_time_unix_nano = Some(end_time_unix_nano);
        self
    }
    /// Adds an attribute.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<AnyValue>) -> Self {
        self.attributes.push(KeyValue::new(key, value));
        self
    }
    /// Adds an event.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn event(mut self, event: Event) -> Self {
        self.events.push(event);
        self
    }
    mutagent_core::setters! {
        /// Sets the status.
        value status: Status;
    }
}

/// Something that happened at one instant of a span: `{timeUnixNano, name, attributes?}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Event {
    /// When, in nanoseconds since the Unix epoch (a string on the wire).
    #[serde(with = "u64_text")]
    pub time_unix_nano: u64,
    /// The name.
    pub name: String,
    /// Attributes (left out when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<KeyValue>,
}

impl Event {
    /// An event with its name and time.
    pub fn new(name: impl Into<String>, time_unix_nano: u64) -> Self {
        Self {
            time_unix_nano,
            name: name.into(),
            attributes: Vec::new(),
        }
    }
    /// Adds an attribute.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<AnyValue>) -> Self {
        self.attributes.push(KeyValue::new(key, value));
        self
    }
}

/// How a span ended: `{code, message?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Status {
    /// The status code (an integer on the wire).
    #[serde(default)]
    pub code: StatusCode,
    /// A message, usually for errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Status {
    /// Success.
    pub fn ok() -> Self {
        Self {
            code: StatusCode::Ok,
            message: None,
        }
    }
    /// Failure, with a message.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            code: StatusCode::Error,
            message: Some(message.into()),
        }
    }
}

macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept as sent.
            Unknown(i64),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_i64(self) -> i64 {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        #[cfg(feature = "serde-roundtrip")]
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(Self::from(i64::deserialize(deserializer)?))
            }
        }
    };
}

int_enum! {
    /// The OTLP span kind (not the MutagenT [`SpanKind`](crate::SpanKind)).
    pub enum SpanKind {
        /// Not specified (0).
        #[default]
        Unspecified = 0,
        /// An internal operation (1).
        Internal = 1,
        /// Handles a remote request (2).
        Server = 2,
        /// Makes a remote request, e.g. a model API call (3).
        Client = 3,
        /// Sends a message (4).
        Producer = 4,
        /// Receives a message (5).
        Consumer = 5,
    }
}

int_enum! {
    /// The OTLP status code.
    pub enum StatusCode {
        /// Not set (0).
        #[default]
        Unset = 0,
        /// Success (1).
        Ok = 1,
        /// Failure (2).
        Error = 2,
    }
}

/// An attribute: `{key, value}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "serde-roundtrip", derive(serde::Deserialize))]
#[non_exhaustive]
pub struct KeyValue {
    /// The key, e.g. `gen_ai.request.model`.
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: AnyValue,
}

impl KeyValue {
    /// An attribute.
    pub fn new(key: impl Into<String>, value: impl Into<AnyValue>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// An OTLP attribute value: one of `stringValue`, `boolValue`, `intValue` (a string on the
/// wire), `doubleValue`, `arrayValue`, `kvlistValue` or `bytesValue` (base64 text).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub enum AnyValue {
    /// No value (`{}`).
    #[default]
    Empty,
    /// `{"stringValue": ...}`
    String(String),
    /// `{"boolValue": ...}`
    Bool(bool),
    /// `{"intValue": "..."}`
    Int(i64),
    /// `{"doubleValue": ...}` (non-finite values as `"NaN"`, `"Infinity"`, `"-Infinity"`).
    Double(f64),
    /// `{"arrayValue": {"values": [...]}}`
    Array(Vec<AnyValue>),
    /// `{"kvlistValue": {"values": [...]}}`
    KvList(Vec<KeyValue>),
    /// `{"bytesValue": "<base64>"}`
    Bytes(String),
}

impl From<&str> for AnyValue {
    fn from(value: &str) -> Self {
        AnyValue::String(value.to_owned())
    }
}
impl From<String> for AnyValue {
    fn from(value: String) -> Self {
        AnyValue::String(value)
    }
}
impl From<bool> for AnyValue {
    fn from(value: bool) -> Self {
        AnyValue::Bool(value)
    }
}
impl From<i64> for AnyValue {
    fn from(value: i64) -> Self {
        AnyValue::Int(value)
    }
}
impl From<i32> for AnyValue {
    fn from(value: i32) -> Self {
        AnyValue::Int(i64::from(value))
    }
}
impl From<u32> for AnyValue {
    fn from(value: u32) -> Self {
        AnyValue::Int(i64::from(value))
    }
}
impl From<f64> for AnyValue {
    fn from(value: f64) -> Self {
        AnyValue::Double(value)
    }
}
impl From<Vec<AnyValue>> for AnyValue {
    fn from(values: Vec<AnyValue>) -> Self {
        AnyValue::Array(values)
    }
}
impl From<Vec<KeyValue>> for AnyValue {
    fn from(values: Vec<KeyValue>) -> Self {
        AnyValue::KvList(values)
    }
}

#[derive(Serialize)]
struct ValuesRef<'a, T> {
    values: &'a [T],
}

#[cfg(feature = "serde-roundtrip")]
#[derive(Deserialize)]
struct Values<T> {
    #[serde(default = "Vec::new")]
    values: Vec<T>,
}

impl Serialize for AnyValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            AnyValue::Empty => {}
            AnyValue::String(value) => map.serialize_entry("stringValue", value)?,
            AnyValue::Bool(value) => map.serialize_entry("boolValue", value)?,
            AnyValue::Int(value) => map.serialize_entry("intValue", &value.to_string())?,
            AnyValue::Double(value) if value.is_nan() => {
                map.serialize_entry("doubleValue", "NaN")?
            }
            AnyValue::Double(value) if value.is_infinite() => {
                let text = if *value > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                };
                map.serialize_entry("doubleValue", text)?
            }
            AnyValue::Double(value) => map.serialize_entry("doubleValue", value)?,
            AnyValue::Array(values) => map.serialize_entry("arrayValue", &ValuesRef { values })?,
            AnyValue::KvList(values) => {
                map.serialize_entry("kvlistValue", &ValuesRef { values })?
            }
            AnyValue::Bytes(value) => map.serialize_entry("bytesValue", value)?,
        }
        map.end()
    }
}

/// An integer given as text or as a JSON number.
#[cfg(feature = "serde-roundtrip")]
#[derive(Deserialize)]
#[serde(untagged)]
enum IntRepr {
    Number(i64),
    Text(String),
}

/// A double given as a JSON number or as `"NaN"`, `"Infinity"`, `"-Infinity"`.
#[cfg(feature = "serde-roundtrip")]
#[derive(Deserialize)]
#[serde(untagged)]
enum DoubleRepr {
    Number(f64),
    Text(String),
}

#[cfg(feature = "serde-roundtrip")]
impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyValueVisitor;

        impl<'de> Visitor<'de> for AnyValueVisitor {
            type Value = AnyValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OTLP AnyValue object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyValue, A::Error> {
                let mut value = AnyValue::Empty;
                while let Some(key) = map.next_key::<String>()? {
                    value = match key.as_str() {
                        "stringValue" => AnyValue::String(map.next_value()?),
                        "boolValue" => AnyValue::Bool(map.next_value()?),
                        "intValue" => match map.next_value::<IntRepr>()? {
                            IntRepr::Number(n) => AnyValue::Int(n),
                            IntRepr::Text(text) => AnyValue::Int(text.parse().map_err(|_| {
                                de::Error::custom(format!("intValue `{text}` is not an int64"))
                            })?),
                        },
                        "doubleValue" => match map.next_value::<DoubleRepr>()? {
                            DoubleRepr::Number(n) => AnyValue::Double(n),
                            DoubleRepr::Text(text) => AnyValue::Double(match text.as_str() {
                                "NaN" => f64::NAN,
                                "Infinity" => f64::INFINITY,
                                "-Infinity" => f64::NEG_INFINITY,
                                other => other.parse().map_err(|_| {
                                    de::Error::custom(format!(
                                        "doubleValue `{other}` is not a number"
                                    ))
                                })?,
                            }),
                        },
                        "arrayValue" => {
                            AnyValue::Array(map.next_value::<Values<AnyValue>>()?.values)
                        }
                        "kvlistValue" => {
                            AnyValue::KvList(map.next_value::<Values<KeyValue>>()?.values)
                        }
                        "bytesValue" => AnyValue::Bytes(map.next_value()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            value
                        }
                    };
                }
                Ok(value)
            }
        }

        deserializer.deserialize_map(AnyValueVisitor)
    }
}

/// `u64` as a decimal string on the wire; decoding also takes a JSON number.
mod u64_text {
    use serde::Serializer;
    #[cfg(feature = "serde-roundtrip")]
    use serde::{Deserialize, Deserializer};

    #[cfg(feature = "serde-roundtrip")]
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub(super) enum Repr {
        Number(u64),
        Text(String),
    }

    #[cfg(feature = "serde-roundtrip")]
    impl Repr {
        pub(super) fn value<E: serde::de::Error>(self) -> Result<u64, E> {
            match self {
                Repr::Number(n) => Ok(n),
                Repr::Text(text) => text
                    .parse()
                    .map_err(|_| E::custom(format!("`{text}` is not an unsigned 64-bit integer"))),
            }
        }
    }

    pub(super) fn serialize<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    #[cfg(feature = "serde-roundtrip")]
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        Repr::deserialize(deserializer)?.value()
    }
}

/// `Option<u64>` as a decimal string on the wire.
mod opt_u64_text {
    use serde::Serializer;
    #[cfg(feature = "serde-roundtrip")]
    use serde::{Deserialize, Deserializer};

    #[cfg(feature = "serde-roundtrip")]
    use super::u64_text::Repr;

    pub(super) fn serialize<S: Serializer>(
        value: &Option<u64>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_none(),
        }
    }

    #[cfg(feature = "serde-roundtrip")]
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u64>, D::Error> {
        Option::<Repr>::deserialize(deserializer)?
            .map(Repr::value)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_values_follow_the_otlp_json_encoding() {
        let cases: Vec<(AnyValue, serde_json::Value)> = vec![
            (AnyValue::from("x"), json!({"stringValue": "x"})),
            (AnyValue::from(true), json!({"boolValue": true})),
            (
                AnyValue::from(-9_007_199_254_740_993i64),
                json!({"intValue": "-9007199254740993"}),
            ),
            (AnyValue::from(0.5), json!({"doubleValue": 0.5})),
            (
                AnyValue::from(vec![AnyValue::from(1), AnyValue::from("a")]),
                json!({"arrayValue": {"values": [{"intValue": "1"}, {"stringValue": "a"}]}}),
            ),
            (
                AnyValue::from(vec![KeyValue::new("k", false)]),
                json!({"kvlistValue": {"values": [{"key": "k", "value": {"boolValue": false}}]}}),
            ),
            (
                AnyValue::Bytes("AQI=".into()),
                json!({"bytesValue": "AQI="}),
            ),
            (AnyValue::Empty, json!({})),
        ];
        for (value, wire) in cases {
            assert_eq!(serde_json::to_value(&value).expect("encode"), wire);
            #[cfg(feature = "serde-roundtrip")]
            {
                let back: AnyValue = serde_json::from_value(wire.clone()).expect("decode");
                assert_eq!(back, value, "{wire}");
            }
        }
    }

    #[test]
    #[cfg(feature = "serde-roundtrip")]
    fn lenient_decoding_of_numbers() {
        let int: AnyValue = serde_json::from_value(json!({"intValue": 7})).expect("number");
        assert_eq!(int, AnyValue::Int(7));
        let bad = serde_json::from_value::<AnyValue>(json!({"intValue": "seven"}));
        assert!(bad.is_err());
        let nan: AnyValue = serde_json::from_value(json!({"doubleValue": "NaN"})).expect("nan");
        assert!(matches!(nan, AnyValue::Double(d) if d.is_nan()));
        assert_eq!(
            serde_json::to_value(AnyValue::Double(f64::NEG_INFINITY)).expect("inf"),
            json!({"doubleValue": "-Infinity"})
        );
        let unknown: AnyValue =
            serde_json::from_value(json!({"futureValue": 1, "stringValue": "s"})).expect("future");
        assert_eq!(unknown, AnyValue::String("s".into()));
        let span: Span = serde_json::from_value(json!({
            "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
            "name": "n", "kind": 9, "startTimeUnixNano": 1700000000000000000u64,
            "endTimeUnixNano": "1700000000000000001", "attributes": [],
            "status": {"code": 2, "message": "boom"}
        }))
        .expect("span");
        assert_eq!(span.kind, SpanKind::Unknown(9));
        assert_eq!(span.start_time_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(span.end_time_unix_nano, Some(1_700_000_000_000_000_001));
        assert_eq!(span.status, Some(Status::error("boom")));
    }

    #[test]
    fn ids_are_checked() {
        let request = |trace: &str, span: &str, parent: Option<&str>| {
            let mut s = Span::new(trace, span, "n", 1);
            s.parent_span_id = parent.map(str::to_owned);
            ExportTraceRequest::new().resource_spans(
                ResourceSpans::new(Resource::new()).scope_spans(ScopeSpans::new().span(s)),
            )
        };
        let trace = "5b8efff798038103d269b633813fc60c";
        let span = "eee19b7ec3c1b174";
        assert!(request(trace, span, None).check("op").is_ok());
        assert!(request(trace, span, Some("")).check("op").is_ok());
        for (t, s, p, field) in [
            ("abc", span, None, "traceId"),
            (&"0".repeat(32), span, None, "traceId"),
            (trace, "eee19b7ec3c1b17g", None, "spanId"),
            (trace, span, Some("123"), "parentSpanId"),
        ] {
            let err = request(t, s, p).check("op").expect_err(field);
            assert!(
                matches!(&err, Error::InvalidInput { field: f, .. }
                    if f == &format!("resourceSpans[0].scopeSpans[0].spans[0].{field}")),
                "{err}"
            );
        }
    }
}
