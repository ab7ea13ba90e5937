//! Query-string and path-segment decoding, and validation of query parameters against an
//! operation's declared parameters.

use std::collections::HashMap;

use crate::clock::parse_iso;
use crate::error::ApiError;

/// The type of a declared query parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum QTy {
    /// Integer within bounds (inclusive).
    Int(i64, i64),
    /// Non-negative number.
    Num,
    /// Exactly `true` or `false`.
    Bool,
    /// Any string, the empty one included (`name=`): operations.tsv types these `string?`
    /// with no length, and a client sends an empty filter as `str("")` (README §4).
    Str,
    /// RFC 3339 date-time.
    DateTime,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
}

/// A declared query parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QParam {
    pub(crate) name: &'static str,
    pub(crate) ty: QTy,
    pub(crate) required: bool,
}

/// Optional parameter.
pub(crate) const fn q(name: &'static str, ty: QTy) -> QParam {
    QParam {
        name,
        ty,
        required: false,
    }
}

/// Required parameter.
pub(crate) const fn q_req(name: &'static str, ty: QTy) -> QParam {
    QParam {
        name,
        ty,
        required: true,
    }
}

/// `limit` (1..100).
pub(crate) const LIMIT: QParam = q("limit", QTy::Int(1, 100));
/// `offset` (>= 0).
pub(crate) const OFFSET: QParam = q("offset", QTy::Int(0, i64::MAX));

/// A validated query value.
#[derive(Debug, Clone)]
pub(crate) enum QVal {
    Int(i64),
    Num(f64),
    Bool(bool),
    Str(String),
    Time(i64),
}

/// Validated query parameters of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query(HashMap<&'static str, QVal>);

impl Query {
    /// Integer parameter.
    pub(crate) fn int(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(QVal::Int(v)) => Some(*v),
            _ => None,
        }
    }
    /// Number parameter.
    pub(crate) fn num(&self, name: &str) -> Option<f64> {
        match self.0.get(name) {
            Some(QVal::Num(v)) => Some(*v),
            _ => None,
        }
    }
    /// Boolean parameter.
    pub(crate) fn bool(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(QVal::Bool(v)) => Some(*v),
            _ => None,
        }
    }
    /// String or enum parameter.
    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(QVal::Str(v)) => Some(v),
            _ => None,
        }
    }
    /// Date-time parameter as Unix milliseconds.
    pub(crate) fn time(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(QVal::Time(v)) => Some(*v),
            _ => None,
        }
    }
}

/// Decodes `%XX` escapes (and `+` as space when `plus` is set). Fails on malformed escapes or
/// invalid UTF-8.
pub(crate) fn percent_decode(s: &str, plus: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Parses and validates a raw query string against the declared parameters.
pub(crate) fn parse_query(raw: Option<&str>, spec: &[QParam]) -> Result<Query, ApiError> {
    let mut out = HashMap::new();
    let mut seen: Vec<String> = Vec::new();
    for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k, true).ok_or_else(|| {
            ApiError::bad_request(format!("malformed percent-encoding in query key `{k}`"))
        })?;
        let val = percent_decode(v, true).ok_or_else(|| {
            ApiError::bad_request(format!(
                "malformed percent-encoding in query parameter `{key}`"
            ))
        })?;
        let Some(p) = spec.iter().find(|p| p.name == key) else {
            let known: Vec<&str> = spec.iter().map(|p| p.name).collect();
            let hint = if known.is_empty() {
                "this operation takes no query parameters".to_string()
            } else {
                format!("known parameters: {}", known.join(", "))
            };
            return Err(ApiError::bad_request(format!(
                "unknown query parameter `{key}` ({hint})"
            )));
        };
        if seen.contains(&key) {
            return Err(ApiError::bad_request(format!(
                "query parameter `{key}` given more than once"
            )));
        }
        seen.push(key.clone());
        out.insert(p.name, check(p, &val)?);
    }
    for p in spec {
        if p.required && !out.contains_key(p.name) {
            return Err(ApiError::bad_request(format!(
                "missing required query parameter `{}`",
                p.name
            )));
        }
    }
    Ok(Query(out))
}

fn check(p: &QParam, v: &str) -> Result<QVal, ApiError> {
    let name = p.name;
    match p.ty {
        QTy::Int(min, max) => {
            // The official SDKs type several integer parameters as `float` (operations.tsv), so
            // Python sends `limit=10.0`: an integral decimal is the same integer.
            let n: i64 = v
                .parse()
                .ok()
                .or_else(|| v.strip_suffix(".0").and_then(|whole| whole.parse().ok()))
                .ok_or_else(|| ApiError::bad_request(format!("query parameter `{name}` must be an integer (got `{v}`)")))?;
            if n < min || n > max {
                let range = if max == i64::MAX { format!(">= {min}") } else { format!("between {min} and {max}") };
                return Err(ApiError::bad_request(format!("query parameter `{name}` must be {range} (got {n})")));
            }
            Ok(QVal::Int(n))
        }
        QTy::Num => match v.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(QVal::Num(n)),
            _ => Err(ApiError::bad_request(format!(
                "query parameter `{name}` must be a non-negative number (got `{v}`)"
            ))),
        },
        // The values of the API's QueryFlag (mutagent-sdk 0.4.x): `true`, `false`, `1`, `0`.
        // Python's `True`/`False` are not among them.
        QTy::Bool => match v {
            "true" | "1" => Ok(QVal::Bool(true)),
            "false" | "0" => Ok(QVal::Bool(false)),
            _ => Err(ApiError::bad_request(format!(
                "query parameter `{name}` must be `true`, `false`, `1` or `0` (got `{v}`)"
            ))),
        },
        QTy::Str => Ok(QVal::Str(v.to_string())),
        QTy::DateTime => parse_iso(v).map(QVal::Time).ok_or_else(|| {
            ApiError::bad_request(format!(
                "query parameter `{name}` must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z (got `{v}`)"
            ))
        }),
        QTy::Enum(values) => {
            if values.contains(&v) {
                Ok(QVal::Str(v.to_string()))
            } else {
                Err(ApiError::bad_request(format!(
                    "query parameter `{name}` must be one of {} (got `{v}`)",
                    values.join(", ")
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[QParam] = &[
        LIMIT,
        OFFSET,
        q("isLatest", QTy::Bool),
        q_req("groupBy", QTy::Enum(&["a", "b"])),
    ];

    #[test]
    fn accepts_valid_and_rejects_invalid() {
        let qv =
            parse_query(Some("limit=10&isLatest=true&groupBy=a&offset=0"), SPEC).expect("valid");
        assert_eq!(qv.int("limit"), Some(10));
        assert_eq!(qv.bool("isLatest"), Some(true));
        for bad in [
            "groupBy=c",
            "limit=0&groupBy=a",
            "limit=101&groupBy=a",
            "offset=-1&groupBy=a",
            "isLatest=True&groupBy=a",
            "x=1&groupBy=a",
            "",
            "groupBy=a&groupBy=b",
            "groupBy=%zz",
        ] {
            assert!(parse_query(Some(bad), SPEC).is_err(), "{bad}");
        }
    }

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(percent_decode("a%20b+c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%e9", false), None);
        assert_eq!(percent_decode("%4", false), None);
    }
}
