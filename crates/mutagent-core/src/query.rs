//! Query parameters declared once: a params struct derives `Serialize` (camelCase), and
//! [`RequestBuilder::query_params`](crate::RequestBuilder::query_params) turns its fields into
//! the query string. The struct is the only place a parameter's name is written.
//!
//! * `None` leaves a parameter out (never `null`); `Some(false)` is sent as `false`.
//! * Booleans go out as `true`/`false`; numbers as written by Rust (`50`, `0.5`); strings and
//!   string enums as their text; a list repeats the parameter once per element.
//! * Nested objects cannot travel in a query string and are refused with a typed error.
//! * Paging is the shared [`Page`], flattened into each list's params, with its limit checked
//!   where it is declared.
//!
//! ```
//! use mutagent_core::query::{Page, QueryParams};
//! use mutagent_core::{Method, Operation};
//!
//! #[derive(serde::Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct ListThings {
//!     #[serde(flatten)]
//!     page: Page,
//!     is_latest: Option<bool>,
//!     created_by: Option<String>,
//! }
//!
//! impl QueryParams for ListThings {
//!     fn check(&self, operation: &'static str) -> Result<(), mutagent_core::Error> {
//!         self.page.check(operation)
//!     }
//! }
//!
//! static LIST: Operation = Operation::new("things", "list_things", Method::Get, "/api/things");
//! let params = ListThings { page: Page::new().limit(10), is_latest: Some(false), created_by: None };
//! let request = LIST.request().query_params(&params).build()?;
//! assert_eq!(request.query_string(), "limit=10&isLatest=false");
//! # Ok::<(), mutagent_core::Error>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// A set of query parameters, declared as a struct that derives `Serialize` with camelCase
/// names and `Option` fields for optional parameters.
pub trait QueryParams: Serialize {
    /// Checks the documented constraints of these parameters before anything is sent;
    /// `operation` names the call in the error. Nothing to check by default.
    fn check(&self, operation: &'static str) -> Result<(), Error> {
        // Replacing this body with `Ok(())` is an equivalent mutant for cargo-mutants: it is
        // `Ok(())` already (docs/reliability.md §12).
        let _ = operation;
        Ok(())
    }
}

impl<Q: QueryParams + ?Sized> QueryParams for &Q {
    fn check(&self, operation: &'static str) -> Result<(), Error> {
        (**self).check(operation)
    }
}

/// The largest page most list operations accept.
pub const DEFAULT_MAX_LIMIT: u32 = 100;

/// Paging shared by every list operation: `limit` (page size) and `offset` (items to skip).
/// Flatten it into a list's params (`#[serde(flatten)] page: Page`).
///
/// `MAX_LIMIT` is the largest page size the operation accepts (100 unless the operation says
/// otherwise, e.g. `Page<{ u32::MAX }>` for one without a cap); [`check`](Self::check)
/// refuses a limit outside `1..=MAX_LIMIT` before anything is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Page<const MAX_LIMIT: u32 = DEFAULT_MAX_LIMIT> {
    /// Page size, 1 to `MAX_LIMIT`; `None` leaves it to the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// How many items to skip; `None` starts at the first. A `u64`, as the envelopes' `offset`
    /// and [`next_offset`](crate::pagination::OffsetPage::next_offset) are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl<const MAX_LIMIT: u32> Page<MAX_LIMIT> {
    /// No limit, no offset.
    pub const fn new() -> Self {
        Self {
            limit: None,
            offset: None,
        }
    }

    /// Sets the page size.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub const fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets how many items to skip.
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub const fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Refuses a limit outside `1..=MAX_LIMIT`, naming the field `limit`.
    pub fn check(&self, operation: &'static str) -> Result<(), Error> {
        match self.limit {
            Some(value) if !(1..=MAX_LIMIT).contains(&value) => Err(Error::invalid_input(
                operation,
                "limit",
                if MAX_LIMIT == u32::MAX {
                    format!("must be at least 1 (got {value})")
                } else {
                    format!("must be between 1 and {MAX_LIMIT} (got {value})")
                },
            )),
            _ => Ok(()),
        }
    }
}

impl<const MAX_LIMIT: u32> QueryParams for Page<MAX_LIMIT> {
    fn check(&self, operation: &'static str) -> Result<(), Error> {
        Page::check(self, operation)
    }
}

/// One query parameter: its name and its text before percent-encoding.
pub(crate) type QueryPair = (Cow<'static, str>, String);

/// The parameters of `params`, in declaration order. The error says why they cannot be sent.
pub(crate) fn pairs<Q: Serialize + ?Sized>(params: &Q) -> Result<Vec<QueryPair>, String> {
    // Through JSON text, read back in order: `serde_json::Value` would sort the names.
    let json = serde_json::to_vec(params).map_err(|err| err.to_string())?;
    pairs_from_json(&json)
}

/// The reading back of [`pairs`]: not generic, so its JSON parser is compiled once here, not
/// in every namespace crate for every parameters type (docs/performance.md, "Compile time").
fn pairs_from_json(json: &[u8]) -> Result<Vec<QueryPair>, String> {
    let Ordered(entries) = serde_json::from_slice(json)
        .map_err(|_| "query parameters must be a struct of named fields".to_owned())?;
    let mut out = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        match value {
            Value::Array(items) => {
                for item in items {
                    if let Some(text) = scalar(&name, item)? {
                        out.push((Cow::Owned(name.clone()), text));
                    }
                }
            }
            value => {
                if let Some(text) = scalar(&name, value)? {
                    out.push((Cow::Owned(name), text));
                }
            }
        }
    }
    Ok(out)
}

/// The text of one value; `None` for `null` (left out).
fn scalar(name: &str, value: Value) -> Result<Option<String>, String> {
    Ok(Some(match value {
        Value::Null => return Ok(None),
        Value::Bool(flag) => if flag { "true" } else { "false" }.to_owned(),
        // Rust's own float formatting (`50`, not `50.0`), as the query strings always had.
        Value::Number(number) => match (number.is_f64(), number.as_f64()) {
            (true, Some(float)) => float.to_string(),
            _ => number.to_string(),
        },
        Value::String(text) => text,
        Value::Array(_) | Value::Object(_) => {
            return Err(format!(
                "`{name}` cannot be sent in a query string (not a single value)"
            ))
        }
    }))
}

/// A JSON object's entries in the order they were written.
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Only serde_json's error would show this text, and `pairs_from_json` replaces
                // that error with its own: writing nothing here is an equivalent mutant for
                // cargo-mutants (docs/reliability.md §12).
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Params {
        #[serde(flatten)]
        page: Page,
        is_latest: Option<bool>,
        name: Option<String>,
        budget: Option<f64>,
        tags: Vec<String>,
    }

    fn text(pairs: Vec<QueryPair>) -> Vec<(String, String)> {
        pairs
            .into_iter()
            .map(|(name, value)| (name.into_owned(), value))
            .collect()
    }

    #[test]
    fn fields_keep_their_order_and_none_is_left_out() {
        let params = Params {
            page: Page::new().offset(20),
            is_latest: Some(false),
            name: None,
            budget: Some(50.0),
            tags: vec!["a".into(), "b c".into()],
        };
        assert_eq!(
            text(pairs(&params).expect("pairs")),
            [
                ("offset", "20"),
                ("isLatest", "false"),
                ("budget", "50"),
                ("tags", "a"),
                ("tags", "b c"),
            ]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
        );
        let half = Params {
            budget: Some(0.5),
            ..params
        };
        assert!(text(pairs(&half).expect("pairs")).contains(&("budget".into(), "0.5".into())));
    }

    #[test]
    fn nested_objects_and_bare_values_are_refused() {
        #[derive(Serialize)]
        struct Nested {
            inner: Page,
        }
        let err = pairs(&Nested {
            inner: Page::new().limit(1),
        })
        .expect_err("nested");
        assert!(err.contains("`inner`"), "{err}");
        assert!(pairs(&5u32).is_err());
    }

    #[test]
    fn the_limit_is_checked_against_the_declared_cap() {
        assert!(Page::<100>::new().limit(100).check("op").is_ok());
        for bad in [0, 101] {
            let err = Page::<100>::new().limit(bad).check("op").expect_err("bad");
            assert!(
                err.to_string()
                    .contains(&format!("`limit` must be between 1 and 100 (got {bad})")),
                "{err}"
            );
        }
        let uncapped = Page::<{ u32::MAX }>::new().limit(5_000);
        assert!(uncapped.check("op").is_ok());
        assert!(Page::<{ u32::MAX }>::new().limit(0).check("op").is_err());
        // Params passed by reference are checked as themselves.
        let by_ref: &Page = &Page::new().limit(0);
        assert!(QueryParams::check(&by_ref, "op").is_err());
    }
}
