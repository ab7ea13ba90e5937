//! Building a request from an [`Operation`]: path parameters, query string and JSON body.
//!
//! Building never sends anything and never panics: a value that cannot be encoded is kept as an
//! error and returned by [`RequestBuilder::build`].

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde::Serialize;

use crate::error::Error;
use crate::operation::{encode_into, Endpoint, Operation};
use crate::query::{self, QueryPair, QueryParams};

/// A value that can travel in a query string.
///
/// Booleans go out as `true`/`false` (the Python SDK's `True`/`False` is a bug we do not copy).
pub trait QueryValue {
    /// The value as text, before percent-encoding.
    fn to_query_value(&self) -> Cow<'_, str>;
}

impl QueryValue for bool {
    fn to_query_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}

impl QueryValue for str {
    fn to_query_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl QueryValue for String {
    fn to_query_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query_value(&self) -> Cow<'_, str> {
        (**self).to_query_value()
    }
}

macro_rules! query_value_via_display {
    ($($ty:ty),*) => {$(
        impl QueryValue for $ty {
            fn to_query_value(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
query_value_via_display!(u8, u16, u32, u64, usize, i8, i16, i32, i64, f32, f64);

impl Operation {
    /// Starts a request for this operation.
    pub fn request(&'static self) -> RequestBuilder {
        RequestBuilder::new(self)
    }
}

/// The text of a path value before percent-encoding, or why it cannot be sent.
pub type PathText<'a> = Result<Cow<'a, str>, Cow<'static, str>>;

/// A value that can fill a path placeholder: ids, strings, integers. It is percent-encoded
/// when the request is built; empty values and `.`/`..` are refused for every type.
pub trait PathValue {
    /// The value as text before percent-encoding, or why it cannot be sent (for example an
    /// integer id below 1).
    fn to_path_value(&self) -> PathText<'_>;
}

impl PathValue for str {
    fn to_path_value(&self) -> PathText<'_> {
        Ok(Cow::Borrowed(self))
    }
}

impl PathValue for String {
    fn to_path_value(&self) -> PathText<'_> {
        Ok(Cow::Borrowed(self))
    }
}

impl<T: PathValue + ?Sized> PathValue for &T {
    fn to_path_value(&self) -> PathText<'_> {
        (**self).to_path_value()
    }
}

macro_rules! path_value_via_display {
    ($($ty:ty),*) => {$(
        impl PathValue for $ty {
            fn to_path_value(&self) -> PathText<'_> {
                Ok(Cow::Owned(self.to_string()))
            }
        }
    )*};
}
path_value_via_display!(u8, u16, u32, u64, usize, i8, i16, i32, i64);

/// Why an integer id cannot be sent: ids start at 1 (used by the `int_id!` ids).
#[doc(hidden)]
pub fn positive_id_text(id: i64) -> PathText<'static> {
    if id >= 1 {
        Ok(Cow::Owned(id.to_string()))
    } else {
        Err(Cow::Owned(format!("must be at least 1 (got {id})")))
    }
}

impl Endpoint<0> {
    /// Starts a request for this operation, whose path has no placeholder.
    pub fn request(&'static self) -> RequestBuilder {
        RequestBuilder::new(self.operation())
    }
}

impl Endpoint<1> {
    /// Starts a request for this operation, filling its one path placeholder with `value`.
    pub fn request(&'static self, value: impl PathValue) -> RequestBuilder {
        RequestBuilder::new(self.operation()).fill_path([&value])
    }
}

impl Endpoint<2> {
    /// Starts a request for this operation, filling its two path placeholders in the
    /// template's order.
    pub fn request(&'static self, first: impl PathValue, second: impl PathValue) -> RequestBuilder {
        RequestBuilder::new(self.operation()).fill_path([&first as &dyn PathValue, &second])
    }
}

/// A request being built for one operation.
#[must_use = "a request does nothing until it is built and sent"]
pub struct RequestBuilder {
    operation: &'static Operation,
    path_params: Vec<(&'static str, String)>,
    query: Vec<QueryPair>,
    body: Option<Bytes>,
    /// The texts of the `Secret`s the body carries, scrubbed from what the server answers.
    body_secrets: Vec<String>,
    error: Option<Error>,
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("operation", &self.operation.name)
            .field("path_params", &self.path_params)
            .field("query", &self.query)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

impl RequestBuilder {
    fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
            body_secrets: Vec::new(),
            error: None,
        }
    }

    /// Fills the template's placeholders, in order, with `values` (their count is the
    /// [`Endpoint`]'s, checked at compile time).
    fn fill_path<const N: usize>(mut self, values: [&dyn PathValue; N]) -> Self {
        for (name, value) in self.operation.path_params().into_iter().zip(values) {
            match value.to_path_value() {
                Ok(text) => self.path_params.push((name, text.into_owned())),
                Err(reason) => {
                    self.error.get_or_insert(Error::invalid_input(
                        self.operation.name,
                        name,
                        reason,
                    ));
                }
            }
        }
        self
    }

    /// Sets a path parameter by name, for an [`Operation`] built by hand; the namespace
    /// crates use [`Endpoint::request`], which cannot get a name wrong. The value is
    /// percent-encoded when the request is built.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn path_param(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is `Some`; `None` leaves it out.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn query<V: QueryValue>(mut self, name: &'static str, value: Option<V>) -> Self {
        if let Some(value) = value {
            self.query
                .push((Cow::Borrowed(name), value.to_query_value().into_owned()));
        }
        self
    }

    /// Adds a required query parameter.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn query_required<V: QueryValue>(self, name: &'static str, value: V) -> Self {
        self.query(name, Some(value))
    }

    /// Adds every parameter of `params`, a struct that declares them (see [`query`]),
    /// after checking its constraints: the one way namespace crates send query parameters.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn query_params<Q: QueryParams + ?Sized>(mut self, params: &Q) -> Self {
        if let Err(err) = params.check(self.operation.name) {
            self.error.get_or_insert(err);
            return self;
        }
        match query::pairs(params) {
            Ok(pairs) => self.query.extend(pairs),
            Err(reason) => {
                self.error.get_or_insert(Error::invalid_input(
                    self.operation.name,
                    "query",
                    reason,
                ));
            }
        }
        self
    }

    /// Serialises `body` as the JSON request body.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        let (encoded, secrets) = crate::secret::collect_sent(|| serde_json::to_vec(body));
        self.body_secrets = secrets;
        match encoded {
            Ok(bytes) => self.body = Some(Bytes::from(bytes)),
            Err(err) => {
                self.error.get_or_insert(Error::invalid_input(
                    self.operation.name,
                    "body",
                    format!("cannot be encoded as JSON: {err}"),
                ));
            }
        }
        self
    }

    /// Runs a check of the caller's, handing it this operation's name for its error;
    /// `build` returns the first failure.
    ///
    /// ```
    /// use mutagent_core::request::validate;
    /// use mutagent_core::{Endpoint, Method};
    ///
    /// static CREATE: Endpoint<0> = Endpoint::new("prompt", "create_prompt", Method::Post, "/api/prompt/");
    /// let err = CREATE.request().validate(|op| validate::name(op, "name", "")).build();
    /// assert!(err.unwrap_err().to_string().contains("create_prompt"));
    /// ```
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn validate(self, check: impl FnOnce(&'static str) -> Result<(), Error>) -> Self {
        let result = check(self.operation.name);
        self.check(result)
    }

    /// Records a validation failure found by the caller; `build` returns it.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub fn check(mut self, result: Result<(), Error>) -> Self {
        if let Err(err) = result {
            self.error.get_or_insert(err);
        }
        self
    }

    /// The operation this request is for.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// Finishes the request: fills and encodes the path.
    pub fn build(self) -> Result<ApiRequest, Error> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let params: Vec<(&str, &str)> = self
            .path_params
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let path = self.operation.build_path(&params)?;
        Ok(ApiRequest {
            operation: self.operation,
            path,
            query: self.query,
            body: self.body,
            body_secrets: self.body_secrets,
        })
    }
}

/// A request ready to send: operation, encoded path, query parameters and body.
#[derive(Clone)]
pub struct ApiRequest {
    pub(crate) operation: &'static Operation,
    pub(crate) path: String,
    pub(crate) query: Vec<QueryPair>,
    pub(crate) body: Option<Bytes>,
    /// The texts of the `Secret`s the body carries (never printed; scrubbed from answers).
    pub(crate) body_secrets: Vec<String>,
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest")
            .field("operation", &self.operation.name)
            .field("method", &self.operation.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

impl ApiRequest {
    /// The operation.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The encoded path, e.g. `/api/prompt/7`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The JSON body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The value of query parameter `name`, if set.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Sets query parameter `name`, replacing any earlier value (used by pagination).
    pub(crate) fn set_query(&mut self, name: &'static str, value: String) {
        match self.query.iter_mut().find(|(key, _)| key == name) {
            Some(slot) => slot.1 = value,
            None => self.query.push((Cow::Borrowed(name), value)),
        }
    }

    /// The query string, percent-encoded, without the leading `?`.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (name, value) in &self.query {
            if !out.is_empty() {
                out.push('&');
            }
            encode_into(&mut out, name);
            out.push('=');
            encode_into(&mut out, value);
        }
        out
    }
}

/// Checks on documented constraints, run before anything is sent.
pub mod validate {
    use super::*;

    /// `limit` must be within 1..=100.
    pub fn limit(operation: &'static str, limit: Option<u32>) -> Result<(), Error> {
        match limit {
            Some(value) if !(1..=100).contains(&value) => Err(Error::invalid_input(
                operation,
                "limit",
                format!("must be between 1 and 100 (got {value})"),
            )),
            _ => Ok(()),
        }
    }

    /// A name must be 1 to 255 characters long and not only white space.
    pub fn name(
        operation: &'static str,
        field: impl Into<Cow<'static, str>>,
        name: &str,
    ) -> Result<(), Error> {
        let field = field.into();
        not_blank(operation, field.clone(), name)?;
        id(operation, field, name)
    }

    /// An id must be 1 to 255 characters long (white space counts: an id is taken as it is).
    pub fn id(
        operation: &'static str,
        field: impl Into<Cow<'static, str>>,
        id: &str,
    ) -> Result<(), Error> {
        let chars = id.chars().count();
        if chars == 0 {
            Err(Error::invalid_input(operation, field, "must not be empty"))
        } else if chars > 255 {
            Err(Error::invalid_input(
                operation,
                field,
                format!("must be at most 255 characters (got {chars})"),
            ))
        } else {
            Ok(())
        }
    }

    /// Like [`name`], for an optional value.
    pub fn optional_name(
        operation: &'static str,
        field: &'static str,
        name: Option<&str>,
    ) -> Result<(), Error> {
        name.map_or(Ok(()), |name| self::name(operation, field, name))
    }

    /// A score must be a number within 0..=1.
    pub fn score(operation: &'static str, field: &'static str, score: f64) -> Result<(), Error> {
        if (0.0..=1.0).contains(&score) {
            Ok(())
        } else {
            Err(Error::invalid_input(
                operation,
                field,
                format!("must be between 0 and 1 (got {score})"),
            ))
        }
    }

    /// A number must be one JSON can carry: not NaN, not infinite (`serde_json` would send
    /// either as `null`, silently dropping what the caller set). `None` passes.
    pub fn finite(
        operation: &'static str,
        field: impl Into<Cow<'static, str>>,
        value: Option<f64>,
    ) -> Result<(), Error> {
        match value {
            Some(value) if !value.is_finite() => Err(Error::invalid_input(
                operation,
                field,
                format!("must be a finite number (got {value})"),
            )),
            _ => Ok(()),
        }
    }

    /// A number must be finite and at least 0 (a cost, a duration, a budget). `None` passes.
    pub fn non_negative(
        operation: &'static str,
        field: impl Into<Cow<'static, str>>,
        value: Option<f64>,
    ) -> Result<(), Error> {
        match value {
            Some(value) if !(value.is_finite() && value >= 0.0) => Err(Error::invalid_input(
                operation,
                field,
                format!("must be a finite number of at least 0 (got {value})"),
            )),
            _ => Ok(()),
        }
    }

    /// An integer must lie within `range`.
    pub fn range(
        operation: &'static str,
        field: &'static str,
        value: i64,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<(), Error> {
        if range.contains(&value) {
            Ok(())
        } else {
            Err(Error::invalid_input(
                operation,
                field,
                format!(
                    "must be between {} and {} (got {value})",
                    range.start(),
                    range.end()
                ),
            ))
        }
    }

    /// An integer id (in a body, a path or a filter) must be at least 1; an optional one
    /// (a filter left unset) passes when `None`.
    /// The message is the one of ids in paths: "must be at least 1 (got 0)".
    pub fn positive_id(
        operation: &'static str,
        field: &'static str,
        id: impl IdNumber,
    ) -> Result<(), Error> {
        match id.id_number() {
            Some(id) => super::positive_id_text(id)
                .map(drop)
                .map_err(|reason| Error::invalid_input(operation, field, reason)),
            None => Ok(()),
        }
    }

    /// What [`positive_id`] checks: an integer, an integer id (`int_id!` types implement it),
    /// or an optional one, `None` when unset.
    pub trait IdNumber {
        /// The number, if there is one.
        fn id_number(self) -> Option<i64>;
    }

    impl IdNumber for i64 {
        fn id_number(self) -> Option<i64> {
            Some(self)
        }
    }

    impl<T: IdNumber> IdNumber for Option<T> {
        fn id_number(self) -> Option<i64> {
            self.and_then(IdNumber::id_number)
        }
    }

    /// A text must not be empty or only white space.
    pub fn not_blank(
        operation: &'static str,
        field: impl Into<Cow<'static, str>>,
        value: &str,
    ) -> Result<(), Error> {
        if value.trim().is_empty() {
            Err(Error::invalid_input(operation, field, "must not be empty"))
        } else {
            Ok(())
        }
    }

    /// A string must not be empty.
    pub fn non_empty(
        operation: &'static str,
        field: &'static str,
        value: &str,
    ) -> Result<(), Error> {
        if value.is_empty() {
            Err(Error::invalid_input(operation, field, "must not be empty"))
        } else {
            Ok(())
        }
    }

    /// A set value must be a JSON object (`None` passes: nothing sent, or nothing changed), as
    /// the contract's `object` fields (`metadata`, an item's `input`, …) are.
    pub fn object(
        operation: &'static str,
        field: impl Into<Cow<'static, str>>,
        value: Option<&serde_json::Value>,
    ) -> Result<(), Error> {
        match value {
            Some(serde_json::Value::Object(_)) | None => Ok(()),
            Some(other) => Err(Error::invalid_input(
                operation,
                field,
                format!(
                    "must be a JSON object (got {})",
                    crate::text::json_kind(other)
                ),
            )),
        }
    }

    /// Like [`non_empty`], for an optional value (`None` passes: a field left unchanged).
    pub fn optional_non_empty(
        operation: &'static str,
        field: &'static str,
        value: Option<&str>,
    ) -> Result<(), Error> {
        value.map_or(Ok(()), |value| non_empty(operation, field, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Method;

    static LIST: Operation = Operation::new("prompt", "list_prompts", Method::Get, "/api/prompt/");
    static GET: Operation = Operation::new("prompt", "get_prompt", Method::Get, "/api/prompt/{id}");

    #[test]
    fn positive_id_checks_numbers_ids_and_filters() {
        use crate::ids::PromptId;
        assert!(validate::positive_id("op", "id", 1).is_ok());
        assert!(validate::positive_id("op", "id", None::<PromptId>).is_ok());
        assert!(validate::positive_id("op", "id", Some(PromptId(3))).is_ok());
        for err in [
            validate::positive_id("op", "promptId", 0),
            validate::positive_id("op", "promptId", PromptId(0)),
            validate::positive_id("op", "promptId", Some(PromptId(0))),
        ] {
            let err = err.expect_err("0 is not an id");
            assert_eq!(
                err.to_string(),
                "[op] invalid input: `promptId` must be at least 1 (got 0)"
            );
        }
    }

    #[test]
    fn query_values_arrive_intact_and_booleans_are_lowercase() {
        let request = LIST
            .request()
            .query("limit", Some(10u32))
            .query("isLatest", Some(true))
            .query::<&str>("version", None)
            .query("name", Some("a&b=c#d e"))
            .query("owner", Some(String::from("ann")))
            .query_required("deleted", false)
            .build()
            .expect("build");
        assert_eq!(
            request.query_string(),
            "limit=10&isLatest=true&name=a%26b%3Dc%23d%20e&owner=ann&deleted=false"
        );
    }

    #[test]
    fn build_reports_the_first_problem() {
        let err = GET
            .request()
            .check(validate::limit("get_prompt", Some(0)))
            .path_param("id", 1)
            .build()
            .expect_err("limit 0");
        assert!(
            err.to_string()
                .contains("`limit` must be between 1 and 100 (got 0)"),
            "{err}"
        );
        let err = GET.request().build().expect_err("missing id");
        assert!(err.to_string().contains("`id`"), "{err}");
    }

    #[test]
    fn query_params_are_checked_with_the_builders_operation_name() {
        let err = LIST
            .request()
            .query_params(&crate::Page::<100>::new().limit(0))
            .build()
            .expect_err("limit 0");
        assert!(
            matches!(err, Error::InvalidInput { operation: "list_prompts", ref field, .. } if field == "limit"),
            "{err}"
        );
        let request = LIST
            .request()
            .query_params(&crate::Page::<100>::new().limit(5).offset(10))
            .build()
            .expect("page");
        assert_eq!(request.query_string(), "limit=5&offset=10");
        #[derive(Serialize)]
        struct Bare(u32);
        impl QueryParams for Bare {}
        let err = LIST
            .request()
            .query_params(&Bare(1))
            .build()
            .expect_err("not a struct");
        assert!(
            matches!(err, Error::InvalidInput { ref field, .. } if field == "query"),
            "{err}"
        );
    }

    #[test]
    fn set_query_replaces() {
        let mut request = LIST
            .request()
            .query("offset", Some(5u32))
            .build()
            .expect("build");
        request.set_query("offset", "10".into());
        request.set_query("limit", "3".into());
        assert_eq!(request.query_string(), "offset=10&limit=3");
        assert_eq!(request.query_value("limit"), Some("3"));
    }

    #[test]
    fn validators_name_the_field() {
        assert!(validate::name("create_prompt", "name", &"x".repeat(255)).is_ok());
        let err = validate::name("create_prompt", "name", &"x".repeat(256)).expect_err("long");
        assert!(
            err.to_string().contains("`name` must be at most 255"),
            "{err}"
        );
        assert!(validate::name("create_prompt", "name", " ").is_err());
        // An id is taken as it is: white space counts, only length matters.
        assert!(validate::id("ingest_trace", "spans[0].spanId", " ").is_ok());
        assert!(validate::id("ingest_trace", "spans[0].spanId", "").is_err());
        let err = validate::id(
            "ingest_trace",
            format!("spans[{}].spanId", 3),
            &"x".repeat(256),
        )
        .expect_err("long");
        assert!(
            err.to_string()
                .contains("`spans[3].spanId` must be at most 255"),
            "{err}"
        );
        assert!(validate::not_blank("ingest_trace", "startTime", " \t").is_err());
        assert!(validate::not_blank("ingest_trace", "startTime", &"x".repeat(300)).is_ok());
        assert!(validate::score("optimize_prompt", "config.targetScore", 1.5).is_err());
        assert!(validate::score("optimize_prompt", "config.targetScore", 0.5).is_ok());
        assert!(validate::range("optimize_prompt", "config.maxIterations", 0, 1..=100).is_err());
    }

    #[test]
    fn number_and_optional_validators_refuse_only_what_they_say() {
        assert!(validate::limit("op", Some(1)).is_ok());
        assert!(validate::limit("op", Some(100)).is_ok());
        assert!(validate::limit("op", None).is_ok());
        assert!(validate::limit("op", Some(101)).is_err());

        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = validate::finite("op", "cost", Some(bad)).expect_err("not finite");
            assert!(
                err.to_string()
                    .contains(&format!("`cost` must be a finite number (got {bad})")),
                "{err}"
            );
            assert!(validate::non_negative("op", "cost", Some(bad)).is_err());
        }
        for good in [Some(-1.5), Some(0.0), None] {
            assert!(validate::finite("op", "cost", good).is_ok());
        }
        let err = validate::non_negative("op", "cost", Some(-0.5)).expect_err("negative");
        assert!(
            err.to_string()
                .contains("`cost` must be a finite number of at least 0 (got -0.5)"),
            "{err}"
        );
        for good in [Some(0.0), Some(2.5), None] {
            assert!(validate::non_negative("op", "cost", good).is_ok());
        }

        assert!(validate::optional_name("op", "name", None).is_ok());
        assert!(validate::optional_name("op", "name", Some("ok")).is_ok());
        assert!(validate::optional_name("op", "name", Some(" ")).is_err());
        assert!(validate::non_empty("op", "tag", " ").is_ok());
        let err = validate::non_empty("op", "tag", "").expect_err("empty");
        assert!(err.to_string().contains("`tag` must not be empty"), "{err}");
        assert!(validate::optional_non_empty("op", "tag", None).is_ok());
        assert!(validate::optional_non_empty("op", "tag", Some("x")).is_ok());
        assert!(validate::optional_non_empty("op", "tag", Some("")).is_err());
        let err = validate::range("op", "maxIterations", 101, 1..=100).expect_err("too many");
        assert!(
            err.to_string()
                .contains("`maxIterations` must be between 1 and 100 (got 101)"),
            "{err}"
        );
        assert!(validate::range("op", "maxIterations", 100, 1..=100).is_ok());
    }

    #[test]
    fn a_built_request_shows_its_operation_path_and_body() {
        let request = GET
            .request()
            .path_param("id", "a b")
            .json(&serde_json::json!({"a": 1}))
            .build()
            .expect("build");
        assert_eq!(request.operation().name, "get_prompt");
        assert_eq!(request.path(), "/api/prompt/a%20b");
        assert_eq!(request.body(), Some(&br#"{"a":1}"#[..]));
        let request = LIST.request().build().expect("build");
        assert_eq!(request.path(), "/api/prompt/");
        assert_eq!(request.body(), None);
    }

    #[test]
    fn a_builder_prints_what_it_holds_but_not_the_body() {
        let builder = GET
            .request()
            .path_param("id", 7)
            .query("limit", Some(2u32))
            .json(&serde_json::json!({"a": 1}));
        assert_eq!(
            format!("{builder:?}"),
            r#"RequestBuilder { operation: "get_prompt", path_params: [("id", "7")], query: [("limit", "2")], body_bytes: Some(7) }"#
        );
        let request = builder.build().expect("build");
        assert_eq!(
            format!("{request:?}"),
            r#"ApiRequest { operation: "get_prompt", method: Get, path: "/api/prompt/7", query: [("limit", "2")], body_bytes: Some(7) }"#
        );
    }
}
