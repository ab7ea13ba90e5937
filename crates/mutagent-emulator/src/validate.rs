//! Strict validation of JSON request bodies against small declarative schemas.
//!
//! Unknown keys are rejected (with a camelCase suggestion for snake_case keys), required keys
//! must be present, `null` is only accepted where the contract allows it, and every failure names
//! the offending field path (e.g. `config.maxIterations`, `items[2].input`).

use serde_json::Value;

use crate::clock::parse_iso;
use crate::error::ApiError;

/// The type of a body field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// String with a length range (in characters).
    Str(usize, usize),
    /// Loosely checked e-mail address.
    Email,
    /// RFC 3339 date-time string.
    DateTime,
    /// Semantic version `x.y.z`.
    Semver,
    /// Integer within bounds: `8` or `8.0` (see [`whole`]; JSON has no integer type, and a
    /// Python client sends `8.0` for a number). Stored and answered as the integer once
    /// [`whole_numbers_as_integers`] has rewritten the body.
    Int(i64, i64),
    /// A "number (integral)" within bounds: taken as [`Ty::Int`] is, only named so in errors.
    Whole(i64, i64),
    /// Number within bounds.
    Num(f64, f64),
    /// Boolean.
    Bool,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
    /// Integer >= 1 (`8.0` too, as for [`Ty::Int`]), or a string of digits.
    IdLike,
    /// Integer >= 0 (`8.0` too), or a string of digits (a count).
    CountLike,
    /// Number, or a string.
    NumOrStr,
    /// Any JSON object.
    Object,
    /// An object whose values all have the given type (a "string → string map"); with `true`,
    /// a value may also be `null` (a "string → string-or-null map").
    Map(&'static Ty, bool),
    /// An object with exactly the listed fields.
    Shape(&'static [Field]),
    /// Array of elements of the given type.
    Array(&'static Ty),
    /// Any JSON value.
    Any,
}

/// A field of an object schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
    pub(crate) nullable: bool,
}

/// Required, non-null.
pub(crate) const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: false,
    }
}
/// Optional, non-null when present.
pub(crate) const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: false,
    }
}
/// Optional, may be explicitly `null` (PATCH clear).
pub(crate) const fn opt_null(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: true,
    }
}
/// Required key whose value may be any JSON, including `null`.
pub(crate) const fn req_any(name: &'static str) -> Field {
    Field {
        name,
        ty: Ty::Any,
        required: true,
        nullable: true,
    }
}
/// Optional key whose value may be any JSON, including `null`.
pub(crate) const fn opt_any(name: &'static str) -> Field {
    Field {
        name,
        ty: Ty::Any,
        required: false,
        nullable: true,
    }
}

/// `a` then `b`: one schema that extends another (create bodies that add required fields to
/// the fields they share with the update body). `N` must be `A + B` (checked at compile time).
pub(crate) const fn concat<const A: usize, const B: usize, const N: usize>(
    a: [Field; A],
    b: [Field; B],
) -> [Field; N] {
    assert!(A + B == N, "concat: N must be A + B");
    let mut out = [opt_any(""); N];
    let mut i = 0;
    while i < N {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}

/// A `name` (1..255 characters).
pub(crate) const NAME: Ty = Ty::Str(1, 255);
/// Free text: the contract states no length.
pub(crate) const TEXT: Ty = Ty::Str(0, usize::MAX);
/// Long free text such as prompt bodies (no stated length either).
pub(crate) const LONG: Ty = TEXT;
/// A string of at least one character (the contract's "minLength 1"), no stated maximum.
pub(crate) const STR: Ty = Ty::Str(1, usize::MAX);
/// Any JSON number (the contract states no range).
pub(crate) const NUMBER: Ty = Ty::Num(f64::NEG_INFINITY, f64::INFINITY);
/// Array of strings.
pub(crate) const STRINGS: Ty = Ty::Array(&TEXT);
/// An "object (string → string map)".
pub(crate) const STRING_MAP: Ty = Ty::Map(&TEXT, false);
/// An "object (string → string-or-null map)".
pub(crate) const STRING_OR_NULL_MAP: Ty = Ty::Map(&TEXT, true);

/// The integer a JSON number stands for when it is whole, however it is written: `8` or
/// `8.0`. The generator maps every OpenAPI `number` to Python `float` (models.md), so a Python
/// client sends `8.0` for a "number (integral)" field. `None` for a fraction, a non-number,
/// or a float beyond 2^53 (where floats no longer hold every integer).
pub(crate) fn whole(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// Rewrites every integer value of a body that passed [`validate_body`] ([`Ty::Int`],
/// [`Ty::Whole`], and the numbers of [`Ty::IdLike`] and [`Ty::CountLike`]) as a JSON integer
/// (`8.0` becomes `8`; a string of digits stays a string): what is stored is then answered as the integer a server
/// written in JavaScript would answer, which clients with integer fields (the Rust SDK's
/// `i64`) can decode.
pub(crate) fn whole_numbers_as_integers(mut v: Value, fields: &[Field]) -> Value {
    rewrite_object(&mut v, fields);
    v
}

fn rewrite_object(v: &mut Value, fields: &[Field]) {
    let Some(obj) = v.as_object_mut() else {
        return;
    };
    for f in fields {
        if let Some(val) = obj.get_mut(f.name) {
            rewrite_value(val, &f.ty);
        }
    }
}

fn rewrite_value(v: &mut Value, ty: &Ty) {
    match *ty {
        Ty::Int(..) | Ty::Whole(..) | Ty::IdLike | Ty::CountLike => {
            if let Some(i) = whole(v) {
                *v = Value::from(i);
            }
        }
        Ty::Shape(fields) => rewrite_object(v, fields),
        Ty::Array(inner) => v
            .as_array_mut()
            .into_iter()
            .flatten()
            .for_each(|el| rewrite_value(el, inner)),
        Ty::Map(inner, _) => v
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut())
            .for_each(|el| rewrite_value(el, inner)),
        _ => {}
    }
}

/// Validates a request body against an object schema.
pub(crate) fn validate_body(v: &Value, fields: &[Field]) -> Result<(), ApiError> {
    if !v.is_object() {
        return Err(ApiError::bad_request(format!(
            "request body must be a JSON object (got {})",
            kind(v)
        )));
    }
    check_object(v, fields, "")
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// A JSON value's kind in a 400 message, worded as the SDK's `mutagent_core::models::json_kind`
/// words it. A copy on purpose: the emulator is the independent oracle the SDK is tested
/// against and depends on no SDK crate.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `input_schema` -> `inputSchema`.
pub(crate) fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = !out.is_empty();
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn check_object(v: &Value, fields: &[Field], path: &str) -> Result<(), ApiError> {
    let Some(obj) = v.as_object() else {
        return Err(ApiError::bad_request(format!(
            "field `{path}` must be an object (got {})",
            kind(v)
        )));
    };
    for key in obj.keys() {
        if fields.iter().any(|f| f.name == key) {
            continue;
        }
        let c = camel(key);
        let hint = if let Some(f) = fields
            .iter()
            .find(|f| f.name == c || f.name.eq_ignore_ascii_case(key))
        {
            format!(
                " (did you mean `{}`? request bodies use camelCase keys)",
                f.name
            )
        } else {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            format!(" (allowed: {})", names.join(", "))
        };
        let where_ = if path.is_empty() {
            "request body".to_string()
        } else {
            format!("`{path}`")
        };
        return Err(ApiError::bad_request(format!(
            "unknown field `{}` in {where_}{hint}",
            join(path, key)
        )));
    }
    for f in fields {
        let p = join(path, f.name);
        match obj.get(f.name) {
            None if f.required => {
                return Err(ApiError::bad_request(format!(
                    "missing required field `{p}`"
                )));
            }
            None => {}
            Some(Value::Null) if f.nullable => {}
            Some(Value::Null) => {
                return Err(ApiError::bad_request(format!(
                    "field `{p}` must not be null (omit it instead)"
                )));
            }
            Some(val) => check_value(val, &f.ty, &p)?,
        }
    }
    Ok(())
}

fn bad(p: &str, what: &str, v: &Value) -> ApiError {
    ApiError::bad_request(format!("field `{p}` must be {what} (got {})", kind(v)))
}

/// `n` within `min..=max`; a `max` equal to `unbounded` (the type's largest value) means no
/// upper bound, and the message then says only `>= min`.
fn check_range<T: PartialOrd + std::fmt::Display>(
    p: &str,
    n: T,
    min: T,
    max: T,
    unbounded: T,
) -> Result<(), ApiError> {
    if n >= min && n <= max {
        return Ok(());
    }
    let range = if max == unbounded {
        format!(">= {min}")
    } else {
        format!("between {min} and {max}")
    };
    Err(ApiError::bad_request(format!(
        "field `{p}` must be {range} (got {n})"
    )))
}

fn is_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

/// The integer `v` stands for ([`whole`]), or the 400 naming the field: a fraction is shown
/// (`got 10.5`), anything else by its kind (`got a string`).
fn integral(v: &Value, p: &str, what: &str) -> Result<i64, ApiError> {
    whole(v).ok_or_else(|| match v {
        Value::Number(n) => ApiError::bad_request(format!("field `{p}` must be {what} (got {n})")),
        _ => bad(p, what, v),
    })
}

fn check_value(v: &Value, ty: &Ty, p: &str) -> Result<(), ApiError> {
    match *ty {
        Ty::Any => Ok(()),
        Ty::Str(min, max) => {
            let s = v.as_str().ok_or_else(|| bad(p, "a string", v))?;
            let n = s.chars().count();
            if n < min {
                return Err(ApiError::bad_request(if min == 1 {
                    format!("field `{p}` must not be empty")
                } else {
                    format!("field `{p}` must have at least {min} characters")
                }));
            }
            if n > max {
                return Err(ApiError::bad_request(format!(
                    "field `{p}` must have at most {max} characters (got {n})"
                )));
            }
            Ok(())
        }
        Ty::Email => {
            let s = v.as_str().ok_or_else(|| bad(p, "an e-mail string", v))?;
            match s.split_once('@') {
                Some((a, b))
                    if !a.is_empty()
                        && b.contains('.')
                        && !b.starts_with('.')
                        && !s.contains(' ') =>
                {
                    Ok(())
                }
                _ => Err(ApiError::bad_request(format!(
                    "field `{p}` must be an e-mail address (got `{s}`)"
                ))),
            }
        }
        Ty::DateTime => {
            let s = v
                .as_str()
                .ok_or_else(|| bad(p, "an RFC 3339 date-time string", v))?;
            parse_iso(s).map(|_| ()).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "field `{p}` must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z (got `{s}`)"
                ))
            })
        }
        Ty::Semver => {
            let s = v.as_str().ok_or_else(|| bad(p, "a version string", v))?;
            if is_semver(s) {
                Ok(())
            } else {
                Err(ApiError::bad_request(format!(
                    "field `{p}` must be a semantic version such as 1.2.0 (got `{s}`)"
                )))
            }
        }
        Ty::Int(min, max) => check_range(p, integral(v, p, "an integer")?, min, max, i64::MAX),
        Ty::Whole(min, max) => {
            check_range(p, integral(v, p, "a whole number")?, min, max, i64::MAX)
        }
        Ty::Num(min, max) => {
            let n = v.as_f64().ok_or_else(|| bad(p, "a number", v))?;
            check_range(p, n, min, max, f64::MAX)
        }
        Ty::Bool => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| bad(p, "a boolean", v)),
        Ty::Enum(values) => match v.as_str() {
            Some(s) if values.contains(&s) => Ok(()),
            Some(s) => Err(ApiError::bad_request(format!(
                "field `{p}` must be one of {} (got `{s}`)",
                values.join(", ")
            ))),
            None => Err(bad(p, "a string", v)),
        },
        Ty::IdLike => match v {
            Value::Number(_) if whole(v).is_some_and(|i| i >= 1) => Ok(()),
            Value::String(s)
                if !s.is_empty()
                    && s.bytes().all(|c| c.is_ascii_digit())
                    && s.parse::<i64>().is_ok_and(|i| i >= 1) =>
            {
                Ok(())
            }
            _ => Err(ApiError::bad_request(format!(
                "field `{p}` must be a positive integer or a string of digits (got {})",
                kind(v)
            ))),
        },
        Ty::CountLike => match v {
            Value::Number(n) if n.as_u64().is_some() || whole(v).is_some_and(|i| i >= 0) => Ok(()),
            Value::String(s) if !s.is_empty() && s.parse::<u64>().is_ok() => Ok(()),
            _ => Err(ApiError::bad_request(format!(
                "field `{p}` must be an integer or a string of digits (got {})",
                kind(v)
            ))),
        },
        Ty::NumOrStr => match v {
            Value::Number(_) | Value::String(_) => Ok(()),
            _ => Err(bad(p, "a number or a string", v)),
        },
        Ty::Object => {
            if v.is_object() {
                Ok(())
            } else {
                Err(bad(p, "an object", v))
            }
        }
        Ty::Map(inner, nullable) => {
            let obj = v.as_object().ok_or_else(|| bad(p, "an object", v))?;
            for (k, el) in obj {
                let ep = join(p, k);
                match el {
                    Value::Null if nullable => {}
                    Value::Null => {
                        return Err(ApiError::bad_request(format!(
                            "field `{ep}` must not be null"
                        )))
                    }
                    _ => check_value(el, inner, &ep)?,
                }
            }
            Ok(())
        }
        Ty::Shape(fields) => check_object(v, fields, p),
        Ty::Array(inner) => {
            let arr = v.as_array().ok_or_else(|| bad(p, "an array", v))?;
            for (i, el) in arr.iter().enumerate() {
                let ep = format!("{p}[{i}]");
                if el.is_null() {
                    return Err(ApiError::bad_request(format!(
                        "field `{ep}` must not be null"
                    )));
                }
                check_value(el, inner, &ep)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const INNER: &[Field] = &[req("maxIterations", Ty::Int(1, 100))];
    const SCHEMA: &[Field] = &[
        req("name", NAME),
        req_any("inputSchema"),
        opt("config", Ty::Shape(INNER)),
        opt("tags", STRINGS),
        opt_null("description", TEXT),
    ];

    fn msg(v: Value) -> String {
        validate_body(&v, SCHEMA).expect_err("should fail").message
    }

    #[test]
    fn good_body_passes() {
        let v = json!({"name": "x", "inputSchema": null, "config": {"maxIterations": 3}, "tags": ["a"], "description": null});
        assert!(validate_body(&v, SCHEMA).is_ok());
    }

    #[test]
    fn failures_name_the_field() {
        assert!(
            msg(json!({"name": "x", "input_schema": {}})).contains("did you mean `inputSchema`")
        );
        assert!(msg(json!({"name": "x"})).contains("`inputSchema`"));
        assert!(msg(json!({"name": "", "inputSchema": {}})).contains("`name` must not be empty"));
        assert!(
            msg(json!({"name": "x", "inputSchema": {}, "config": {"maxIterations": 0}}))
                .contains("`config.maxIterations`")
        );
        assert!(msg(
            json!({"name": "x", "inputSchema": {}, "config": {"maxIterations": 1, "x": 1}})
        )
        .contains("`config.x`"));
        assert!(msg(json!({"name": "x", "inputSchema": {}, "tags": [1]})).contains("`tags[0]`"));
        assert!(msg(json!({"name": null, "inputSchema": {}})).contains("must not be null"));
        assert!(msg(json!([1])).contains("JSON object"));
    }

    #[test]
    fn whole_numbers_are_checked_and_written_as_integers() {
        const COUNTS: &[Field] = &[req("n", Ty::Whole(0, 10))];
        const OUTER: &[Field] = &[
            opt("one", Ty::Shape(COUNTS)),
            opt("many", Ty::Array(&Ty::Shape(COUNTS))),
        ];
        let v = json!({"one": {"n": 8.0}, "many": [{"n": 2}, {"n": 3.0}]});
        assert!(validate_body(&v, OUTER).is_ok());
        assert_eq!(
            whole_numbers_as_integers(v, OUTER),
            json!({"one": {"n": 8}, "many": [{"n": 2}, {"n": 3}]})
        );
        for (bad, needle) in [
            (
                json!({"one": {"n": 2.5}}),
                "`one.n` must be a whole number (got 2.5)",
            ),
            (
                json!({"one": {"n": 11.0}}),
                "`one.n` must be between 0 and 10",
            ),
            (json!({"one": {"n": "1"}}), "`one.n` must be a whole number"),
        ] {
            let m = validate_body(&bad, OUTER).expect_err("refused").message;
            assert!(m.contains(needle), "{m}");
        }
        assert_eq!(whole(&json!(1e300)), None);
    }

    /// Every integer check takes an integral float (`10.0`, as a Python client sends it) and
    /// the rewrite stores it as the integer; fractions and non-numbers are still refused.
    #[test]
    fn integral_floats_are_integers_everywhere() {
        const INTS: &[Field] = &[
            opt("int", Ty::Int(1, 100)),
            opt("id", Ty::IdLike),
            opt("count", Ty::CountLike),
        ];
        let v = json!({"int": 10.0, "id": 3.0, "count": 0.0});
        assert!(validate_body(&v, INTS).is_ok());
        let stored = whole_numbers_as_integers(v, INTS);
        assert_eq!(stored, json!({"int": 10, "id": 3, "count": 0}));
        assert!(stored["int"].is_i64() && stored["id"].is_i64() && stored["count"].is_i64());
        // A string of digits stays a string.
        let v = json!({"id": "7", "count": "2"});
        assert_eq!(whole_numbers_as_integers(v.clone(), INTS), v);
        for (bad, message) in [
            (
                json!({"int": 10.5}),
                "field `int` must be an integer (got 10.5)",
            ),
            (
                json!({"int": "10"}),
                "field `int` must be an integer (got a string)",
            ),
            (
                json!({"int": 0.0}),
                "field `int` must be between 1 and 100 (got 0)",
            ),
            (
                json!({"id": 1.5}),
                "field `id` must be a positive integer or a string of digits (got a number)",
            ),
            (
                json!({"id": 0.0}),
                "field `id` must be a positive integer or a string of digits (got a number)",
            ),
            (
                json!({"count": -1.0}),
                "field `count` must be an integer or a string of digits (got a number)",
            ),
            (
                json!({"count": 0.5}),
                "field `count` must be an integer or a string of digits (got a number)",
            ),
        ] {
            let m = validate_body(&bad, INTS).expect_err("refused").message;
            assert_eq!(m, message);
        }
    }

    #[test]
    fn string_maps_name_the_key() {
        const MAPS: &[Field] = &[opt("m", STRING_MAP), opt("n", STRING_OR_NULL_MAP)];
        assert!(validate_body(&json!({"m": {"a": "b"}, "n": {"a": null}}), MAPS).is_ok());
        let m = validate_body(&json!({"m": {"a": 1}}), MAPS)
            .expect_err("refused")
            .message;
        assert!(m.contains("`m.a` must be a string"), "{m}");
        let m = validate_body(&json!({"m": {"a": null}}), MAPS)
            .expect_err("refused")
            .message;
        assert!(m.contains("`m.a` must not be null"), "{m}");
    }

    #[test]
    fn helpers() {
        assert_eq!(camel("input_schema"), "inputSchema");
        assert!(is_semver("1.2.3") && !is_semver("1.2") && !is_semver("v1.2.3"));
    }
}
