//! Macros the namespace crates use to declare forward-compatible models.

/// Declares a string enum that tolerates values it does not know.
///
/// Known values map to variants; anything else decodes as `Unknown(String)` and is sent back
/// unchanged, so a server that adds a value never breaks decoding.
///
/// ```
/// mutagent_core::open_enum! {
///     /// The state of a job.
///     pub enum JobState {
///         /// Waiting to start.
///         Queued = "queued",
///         /// Finished.
///         Completed = "completed",
///     }
/// }
/// let state: JobState = serde_json::from_str("\"completed\"").unwrap();
/// assert_eq!(state, JobState::Completed);
/// let later: JobState = serde_json::from_str("\"archived\"").unwrap();
/// assert_eq!(later, JobState::Unknown("archived".into()));
/// assert_eq!(serde_json::to_string(&later).unwrap(), "\"archived\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value this version of the SDK knows.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $wire => Self::$variant, )+
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::string::String =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }

        impl $crate::QueryValue for $name {
            fn to_query_value(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    };
}

/// Declares an integer id newtype (`PromptId(7)`), so ids of different resources cannot be
/// mixed up.
#[macro_export]
macro_rules! int_id {
    ($(#[$meta:meta])* $vis:vis struct $name:ident;) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive($crate::__private::serde::Serialize, $crate::__private::serde::Deserialize)]
        #[serde(crate = "mutagent_core::__private::serde", transparent)]
        $vis struct $name(pub i64);

        impl $name {
            /// The id as a number.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl ::std::convert::From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl ::std::convert::From<$name> for i64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        // The narrower integer types an id is often kept in (a database `integer` column, a
        // `u32` field), and a borrowed id: `get_prompt(&prompt.id)` reads like the string ids'
        // `get_optimization(&job.id)`. `u64` is left out: not every `u64` fits an `i64`.
        impl ::std::convert::From<i32> for $name {
            fn from(id: i32) -> Self {
                Self(::std::primitive::i64::from(id))
            }
        }

        impl ::std::convert::From<u32> for $name {
            fn from(id: u32) -> Self {
                Self(::std::primitive::i64::from(id))
            }
        }

        impl ::std::convert::From<&$name> for $name {
            fn from(id: &$name) -> Self {
                *id
            }
        }

        /// Compares with a plain number: `assert_eq!(prompt.id, 7)`. (Not the other way
        /// round: `PartialEq<PromptId> for i64` would make `n == x.into()` ambiguous for every
        /// `n: i64` in the caller's code.)
        impl ::std::cmp::PartialEq<i64> for $name {
            fn eq(&self, other: &i64) -> bool {
                self.0 == *other
            }
        }

        /// Parses the decimal form, as `Display` writes it (e.g. an id given on a command line).
        impl ::std::str::FromStr for $name {
            type Err = ::std::num::ParseIntError;
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl $crate::QueryValue for $name {
            fn to_query_value(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Owned(self.0.to_string())
            }
        }

        impl $crate::request::validate::IdNumber for $name {
            fn id_number(self) -> ::std::option::Option<i64> {
                ::std::option::Option::Some(self.0)
            }
        }

        /// Ids start at 1: 0 and negative ids are refused before anything is sent.
        impl $crate::request::PathValue for $name {
            fn to_path_value(&self) -> $crate::request::PathText<'_> {
                $crate::request::positive_id_text(self.0)
            }
        }
    };
}

/// Declares a string id newtype (`JobId("job_...")`), so ids of different resources cannot
/// be mixed up.
#[macro_export]
macro_rules! string_id {
    ($(#[$meta:meta])* $vis:vis struct $name:ident;) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive($crate::__private::serde::Serialize, $crate::__private::serde::Deserialize)]
        #[serde(crate = "mutagent_core::__private::serde", transparent)]
        $vis struct $name(::std::string::String);

        impl $name {
            /// Wraps an id.
            pub fn new(id: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an owned `String`, without copying it.
            pub fn into_string(self) -> ::std::string::String {
                self.0
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(id: ::std::string::String) -> Self {
                Self(id)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl ::std::convert::From<&::std::string::String> for $name {
            fn from(id: &::std::string::String) -> Self {
                Self(id.clone())
            }
        }

        impl ::std::convert::From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        /// Compares with text: `assert_eq!(job.id, "job_1")`.
        impl ::std::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        /// Compares with text: `assert_eq!(job.id, "job_1")`.
        impl ::std::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        /// Compares with text: `job.id == wanted` for a `String`.
        impl ::std::cmp::PartialEq<::std::string::String> for $name {
            fn eq(&self, other: &::std::string::String) -> bool {
                &self.0 == other
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        /// Any text is an id: parsing never fails (it exists for `str::parse` and generic code).
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self(text.to_owned()))
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl $crate::QueryValue for $name {
            fn to_query_value(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(&self.0)
            }
        }

        impl $crate::request::PathValue for $name {
            fn to_path_value(&self) -> $crate::request::PathText<'_> {
                ::std::result::Result::Ok(::std::borrow::Cow::Borrowed(&self.0))
            }
        }
    };
}

/// Declares builder setters on a request model or an options struct, one line each.
///
/// Each entry is its doc comment, a kind, the field name (which names the setter and its
/// parameter too) and a type:
/// - `into field: T;` takes `impl Into<T>` and stores `Some(value.into())`;
/// - `value field: T;` takes a `T` and stores `Some(value)`;
/// - `set field: T;` takes a `T` and stores it as it is (a field that is not an `Option`);
/// - `list field: T;` takes any iterable of `Into<T>` items and stores them as `Some(Vec<T>)`;
/// - any other word names a field of the model with setters of its own, and passes the value
///   on to that field's setter of the same name: `page limit: u32;` / `page offset: u64;`
///   for the [`Page`](crate::query::Page) of list parameters, `poll deadline: Duration;` for
///   options that embed [`PollOptions`](crate::polling::PollOptions). The type may be an
///   `impl Trait` (`dataset description: impl Into<String>;`).
///
/// Each setter takes and returns `self`, so calls chain. Use it inside an `impl` block.
///
/// ```
/// #[derive(Debug, Default)]
/// pub struct NewThing {
///     name: Option<String>,
///     size: Option<u32>,
///     tags: Option<Vec<String>>,
///     strict: bool,
///     page: mutagent_core::Page,
/// }
///
/// impl NewThing {
///     mutagent_core::setters! {
///         /// Sets the name.
///         into name: String;
///         /// Sets the size.
///         value size: u32;
///         /// Sets the tags.
///         list tags: String;
///         /// Sets whether unknown fields are refused.
///         set strict: bool;
///         /// Sets the page size.
///         page limit: u32;
///     }
/// }
///
/// let thing = NewThing::default().name("a").size(3).tags(["x", "y"]).strict(true).limit(5);
/// assert_eq!(thing.page.limit, Some(5));
/// assert_eq!(thing.name.as_deref(), Some("a"));
/// assert_eq!(thing.size, Some(3));
/// assert_eq!(thing.tags, Some(vec!["x".to_owned(), "y".to_owned()]));
/// assert!(thing.strict);
/// ```
#[macro_export]
macro_rules! setters {
    (@one into $(#[$doc:meta])* $field:ident $ty:ty) => {
        $(#[$doc])*
        #[must_use = "a setter returns the updated value and consumes the original"]
        pub fn $field(mut self, $field: impl ::std::convert::Into<$ty>) -> Self {
            self.$field = ::std::option::Option::Some($field.into());
            self
        }
    };
    (@one value $(#[$doc:meta])* $field:ident $ty:ty) => {
        $(#[$doc])*
        #[must_use = "a setter returns the updated value and consumes the original"]
        pub fn $field(mut self, $field: $ty) -> Self {
            self.$field = ::std::option::Option::Some($field);
            self
        }
    };
    (@one set $(#[$doc:meta])* $field:ident $ty:ty) => {
        $(#[$doc])*
        #[must_use = "a setter returns the updated value and consumes the original"]
        pub fn $field(mut self, $field: $ty) -> Self {
            self.$field = $field;
            self
        }
    };
    (@one list $(#[$doc:meta])* $field:ident $ty:ty) => {
        $(#[$doc])*
        #[must_use = "a setter returns the updated value and consumes the original"]
        pub fn $field<I, S>(mut self, $field: I) -> Self
        where
            I: ::std::iter::IntoIterator<Item = S>,
            S: ::std::convert::Into<$ty>,
        {
            self.$field = ::std::option::Option::Some(
                $field.into_iter().map(::std::convert::Into::into).collect(),
            );
            self
        }
    };
    (@one $via:ident $(#[$doc:meta])* $field:ident $ty:ty) => {
        $(#[$doc])*
        #[must_use = "a setter returns the updated value and consumes the original"]
        pub fn $field(mut self, $field: $ty) -> Self {
            self.$via = self.$via.$field($field);
            self
        }
    };
    ($( $(#[$doc:meta])* $kind:ident $field:ident : $ty:ty; )*) => {
        $( $crate::setters!(@one $kind $(#[$doc])* $field $ty); )*
    };
}

/// Declares a setter and a clearer for each [`Patch`](crate::models::Patch) field of a
/// PATCH body, one line each: the part every update model with clearable fields shares.
///
/// Each entry is a `#[doc = "…"]` naming the field (it completes "Sets …." and "Clears … (sends
/// `null`)."), a kind, the field (which names the setter), the clearer's name and a type:
/// - `into field, clear_field: T;` takes `impl Into<T>` and stores `Patch::Value(value.into())`;
/// - `value field, clear_field: T;` takes a `T` and stores `Patch::Value(value)`.
///
/// The clearer stores `Patch::Null`, sent as `null`. Use it inside an `impl` block.
///
/// ```
/// use mutagent_core::models::Patch;
///
/// #[derive(Debug, Default)]
/// pub struct UpdateThing {
///     description: Patch<String>,
///     metadata: Patch<serde_json::Value>,
/// }
///
/// impl UpdateThing {
///     mutagent_core::patch_setters! {
///         #[doc = "the description"]
///         into description, clear_description: String;
///         #[doc = "the metadata"]
///         value metadata, clear_metadata: serde_json::Value;
///     }
/// }
///
/// let set = UpdateThing::default().description("d").metadata(serde_json::json!({"a": 1}));
/// assert_eq!(set.description, Patch::Value("d".to_owned()));
/// assert_eq!(set.metadata, Patch::Value(serde_json::json!({"a": 1})));
/// let cleared = set.clear_description();
/// assert_eq!(cleared.description, Patch::Null);
/// ```
#[macro_export]
macro_rules! patch_setters {
    ($( #[doc = $what:literal] $kind:ident $field:ident, $clear:ident : $ty:ty; )*) => {
        $(
            $crate::patch_setters!(@set $kind $field $what $ty);
            #[doc = concat!("Clears ", $what, " (sends `null`).")]
            #[must_use = "a setter returns the updated value and consumes the original"]
            pub fn $clear(mut self) -> Self {
                self.$field = $crate::models::Patch::Null;
                self
            }
        )*
    };
    (@set into $field:ident $what:literal $ty:ty) => {
        #[doc = concat!("Sets ", $what, ".")]
        #[must_use = "a setter returns the updated value and consumes the original"]
        pub fn $field(mut self, $field: impl ::std::convert::Into<$ty>) -> Self {
            self.$field = $crate::models::Patch::Value($field.into());
            self
        }
    };
    (@set value $field:ident $what:literal $ty:ty) => {
        #[doc = concat!("Sets ", $what, ".")]
        #[must_use = "a setter returns the updated value and consumes the original"]
        pub fn $field(mut self, $field: $ty) -> Self {
            self.$field = $crate::models::Patch::Value($field);
            self
        }
    };
}

/// Declares what every list's query parameters share besides their fields: `new()` (no
/// filters, the server's defaults), the [`QueryParams`](crate::query::QueryParams) check
/// and the setters (as in [`setters!`](crate::setters)).
///
/// The check is the page's (`self.page.check(operation)`, the limit against the page's cap);
/// a list with more constraints names its own check function instead (`impl ListThings
/// checked by path::to::check { … }`, a `fn(&Self, &'static str) -> Result<(), Error>` that
/// checks the page too), and one whose contract states no constraint at all (no page cap, a
/// cursor) says so: `impl ListThings unchecked { … }`. The doc comment before `impl`
/// documents `new`.
///
/// ```
/// use mutagent_core::query::{Page, QueryParams};
///
/// #[derive(Debug, Default, serde::Serialize)]
/// #[serde(rename_all = "camelCase")]
/// pub struct ListThings {
///     #[serde(flatten)]
///     page: Page,
///     name: Option<String>,
/// }
///
/// mutagent_core::list_params! {
///     /// No filters.
///     impl ListThings {
///         /// Sets the page size (1 to 100).
///         page limit: u32;
///         /// Sets the offset.
///         page offset: u64;
///         /// Filters by name.
///         into name: String;
///     }
/// }
///
/// let params = ListThings::new().limit(10).name("a");
/// assert_eq!(params.name.as_deref(), Some("a"));
/// assert!(params.check("list_things").is_ok());
/// assert!(ListThings::new().limit(0).check("list_things").is_err());
/// ```
#[macro_export]
macro_rules! list_params {
    (
        $(#[$new_doc:meta])*
        impl $name:ident unchecked {
            $($setters:tt)*
        }
    ) => {
        impl $crate::query::QueryParams for $name {}

        $crate::list_params!(@new [$(#[$new_doc])*] $name [$($setters)*]);
    };
    (
        $(#[$new_doc:meta])*
        impl $name:ident $(checked by $check:path)? {
            $($setters:tt)*
        }
    ) => {
        impl $crate::query::QueryParams for $name {
            fn check(&self, operation: &'static str) -> ::std::result::Result<(), $crate::Error> {
                $crate::list_params!(@check self operation $($check)?)
            }
        }

        $crate::list_params!(@new [$(#[$new_doc])*] $name [$($setters)*]);
    };
    (@new [$(#[$new_doc:meta])*] $name:ident [$($setters:tt)*]) => {
        impl $name {
            $(#[$new_doc])*
            pub fn new() -> Self {
                Self::default()
            }
            $crate::setters! { $($setters)* }
        }
    };
    (@check $params:ident $operation:ident) => {
        $params.page.check($operation)
    };
    (@check $params:ident $operation:ident $check:path) => {
        $check($params, $operation)
    };
}

/// Declares a namespace's operations once: each [`Endpoint`](crate::Endpoint) static as
/// written, and the list of them all in declaration order (the order of the API's operation
/// table), so an operation cannot be declared and left out of the list that the umbrella's
/// table and the contract test read.
///
/// The list's declaration comes first (its doc comment and name); the statics follow.
///
/// ```
/// use mutagent_core::{Endpoint, Method};
///
/// const NS: &str = "things";
///
/// mutagent_core::operations! {
///     /// Every operation of the namespace.
///     pub static OPERATIONS: &[&Operation];
///
///     /// `GET /api/things/`
///     pub static LIST_THINGS: Endpoint<0> = Endpoint::new(NS, "list_things", Method::Get, "/api/things/");
///     /// `GET /api/things/{id}`
///     pub static GET_THING: Endpoint<1> = Endpoint::new(NS, "get_thing", Method::Get, "/api/things/{id}");
/// }
///
/// let names: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
/// assert_eq!(names, ["list_things", "get_thing"]);
/// ```
#[macro_export]
macro_rules! operations {
    (
        $(#[$list_meta:meta])*
        pub static $list:ident: &[&Operation];
        $(
            $(#[$meta:meta])*
            pub static $name:ident: Endpoint<$n:literal> = $value:expr;
        )*
    ) => {
        $(
            $(#[$meta])*
            pub static $name: $crate::Endpoint<$n> = $value;
        )*

        $(#[$list_meta])*
        pub static $list: &[&$crate::Operation] = &[$($name.operation()),*];
    };
}

/// Declares a namespace's handle and the extension trait that adds it to both clients: the
/// part every namespace crate shares, so it is written once.
///
/// The handle is `Api<'a, C> { client: &'a C }` with `new` and `client`; the trait has one
/// method returning the handle and is implemented for every [`ApiClient`](crate::ApiClient).
/// Operations are then methods in an `impl<'a, C: ApiClient> Api<'a, C>` block, calling
/// `self.client`.
///
/// ```
/// mutagent_core::namespace! {
///     /// The `things` namespace.
///     pub struct ThingsApi;
///     /// Adds `.things()` to both clients.
///     pub trait ThingsExt {
///         /// The `things` namespace.
///         fn things;
///     }
/// }
/// let client = mutagent_core::Client::builder().api_key("mt_x").build().unwrap();
/// let things: ThingsApi<'_, _> = client.things();
/// assert!(std::ptr::eq(things.client(), &client));
/// ```
#[macro_export]
macro_rules! namespace {
    (
        $(#[$api_meta:meta])*
        pub struct $api:ident;
        $(#[$ext_meta:meta])*
        pub trait $ext:ident {
            $(#[$fn_meta:meta])*
            fn $method:ident;
        }
    ) => {
        $crate::namespace! {
            $(#[$api_meta])*
            pub struct $api;
        }

        $(#[$ext_meta])*
        pub trait $ext: $crate::ApiClient {
            $(#[$fn_meta])*
            fn $method(&self) -> $api<'_, Self> {
                $api::new(self)
            }
        }

        impl<C: $crate::ApiClient> $ext for C {}
    };
    (
        $(#[$api_meta:meta])*
        pub struct $api:ident;
    ) => {
        $(#[$api_meta])*
        #[derive(Debug, Clone, Copy)]
        pub struct $api<'a, C> {
            client: &'a C,
        }

        impl<'a, C: $crate::ApiClient> $api<'a, C> {
            /// The namespace on `client`.
            pub fn new(client: &'a C) -> Self {
                Self { client }
            }

            /// The client the namespace calls through.
            pub fn client(&self) -> &'a C {
                self.client
            }
        }
    };
}

/// Declares a model some of whose fields servers also send under a former name (an older
/// generation's spelling: 0.1.2's `family` is 0.4.1's `hostedFamily`), and the private twin
/// it is decoded through.
///
/// serde's `alias` is not enough: a body carrying both names fails with "duplicate field",
/// and a response must never fail to decode because of a field the server may add. A
/// `#[serde(flatten)]` field would read both, but it buffers every key the struct does not
/// declare and reports a wrong-typed value at the struct instead of at its key. The twin has
/// the same fields (so the same decode path, errors at the same paths, the same name in
/// messages) plus one `Option` field per former name; the current name's value wins, the
/// former one is read when the current one is absent or `null`. Only the current name is
/// written.
///
/// The struct says `#[serde(rename_all = "camelCase", from = "<module>::<Name>")]` (the twin
/// reads camelCase too); the renamed fields are `Option`s.
///
/// ```
/// use serde::{Deserialize, Serialize};
///
/// mutagent_core::model_with_former_names! {
///     /// A provider config.
///     #[derive(Debug, Serialize, Deserialize)]
///     #[serde(rename_all = "camelCase", from = "config_as_sent::Config")]
///     pub struct Config {
///         /// The id.
///         pub id: u32,
///         /// `hostedFamily`, or `family` from 0.1.2 servers.
///         #[serde(default, skip_serializing_if = "Option::is_none")]
///         pub hosted_family: Option<String>,
///     }
///     former names in mod config_as_sent {
///         hosted_family <- family: Option<String> = "family",
///     }
/// }
///
/// let both = r#"{"id": 1, "family": "old", "hostedFamily": "new"}"#;
/// let config: Config = serde_json::from_str(both).unwrap();
/// assert_eq!(config.hosted_family.as_deref(), Some("new"));
/// let old: Config = serde_json::from_str(r#"{"id": 1, "family": "old"}"#).unwrap();
/// assert_eq!(old.hosted_family.as_deref(), Some("old"));
/// assert_eq!(serde_json::to_string(&old).unwrap(), r#"{"id":1,"hostedFamily":"old"}"#);
/// let wrong = serde_json::from_str::<Config>(r#"{"id": 1, "family": 5}"#).unwrap_err();
/// assert!(wrong.to_string().contains("expected a string"), "{wrong}");
/// ```
#[macro_export]
macro_rules! model_with_former_names {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field_vis:vis $field:ident: $ty:ty,)*
        }
        former names in mod $module:ident {
            $($current:ident <- $former_field:ident: $former_ty:ty = $former:literal,)+
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field: $ty,)*
        }

        #[doc = concat!("`", stringify!($name), "` as a server sends it (also under former names).")]
        mod $module {
            #[allow(unused_imports)]
            use super::*;

            // The model's own name, so decode errors read alike ("expected struct ...").
            #[derive(::serde::Deserialize)]
            #[serde(rename_all = "camelCase")]
            pub(super) struct $name {
                $($(#[$field_meta])* pub(super) $field: $ty,)*
                $(
                    #[serde(rename = $former, default)]
                    pub(super) $former_field: $former_ty,
                )+
            }
        }

        impl ::std::convert::From<$module::$name> for $name {
            fn from(sent: $module::$name) -> Self {
                let mut model = Self { $($field: sent.$field,)* };
                $(
                    if model.$current.is_none() {
                        model.$current = sent.$former_field;
                    }
                )+
                model
            }
        }
    };
}
