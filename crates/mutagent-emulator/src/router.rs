//! The route table: method + path template -> handler, with path-parameter decoding, and the
//! 404 / 405 decisions for paths that do not match.

use serde_json::Value;

use crate::contract::TracesContract;
use crate::error::ApiError;
use crate::query::{percent_decode, QParam, Query};
use crate::state::{self, State};
use crate::validate::Field;

/// What an operation does: `fn(state, request) -> reply`.
pub(crate) type Handler = fn(&mut State, &Ctx) -> Result<Reply, ApiError>;

/// The request body an operation takes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BodySpec {
    /// No body (an empty body or `{}` is tolerated).
    None,
    /// A JSON object checked against the schema before the handler runs.
    Schema(&'static [Field]),
    /// A JSON object that the handler validates itself (OTLP).
    Custom,
}

/// One operation of the contract.
#[derive(Debug)]
pub(crate) struct Route {
    /// Operation name from operations.tsv.
    pub(crate) op: &'static str,
    /// HTTP method.
    pub(crate) method: &'static str,
    /// Path template: literal segments, `{name:int}` (positive integer) or `{name}` (string).
    pub(crate) pattern: &'static str,
    /// Declared query parameters.
    pub(crate) query: &'static [QParam],
    /// Request body.
    pub(crate) body: BodySpec,
    /// Implementation.
    pub(crate) handler: Handler,
}

impl Route {
    /// `GET pattern`: no query parameters (add them with [`query`](Self::query)), no body.
    pub(crate) const fn get(op: &'static str, pattern: &'static str, handler: Handler) -> Route {
        Route::new(op, "GET", pattern, handler)
    }

    /// `DELETE pattern`: no query parameters, no body.
    pub(crate) const fn delete(op: &'static str, pattern: &'static str, handler: Handler) -> Route {
        Route::new(op, "DELETE", pattern, handler)
    }

    /// `POST pattern`: no body until [`body`](Self::body) or [`custom_body`](Self::custom_body)
    /// declares one.
    pub(crate) const fn post(op: &'static str, pattern: &'static str, handler: Handler) -> Route {
        Route::new(op, "POST", pattern, handler)
    }

    /// `PATCH pattern`, its body declared with [`body`](Self::body).
    pub(crate) const fn patch(op: &'static str, pattern: &'static str, handler: Handler) -> Route {
        Route::new(op, "PATCH", pattern, handler)
    }

    const fn new(
        op: &'static str,
        method: &'static str,
        pattern: &'static str,
        handler: Handler,
    ) -> Route {
        Route {
            op,
            method,
            pattern,
            query: &[],
            body: BodySpec::None,
            handler,
        }
    }

    /// The query parameters the operation declares.
    pub(crate) const fn query(self, query: &'static [QParam]) -> Route {
        Route { query, ..self }
    }

    /// A JSON object body, checked against `schema` before the handler runs.
    pub(crate) const fn body(self, schema: &'static [Field]) -> Route {
        Route {
            body: BodySpec::Schema(schema),
            ..self
        }
    }

    /// A JSON object body that the handler validates itself.
    pub(crate) const fn custom_body(self) -> Route {
        Route {
            body: BodySpec::Custom,
            ..self
        }
    }
}

/// A decoded path parameter.
#[derive(Debug, Clone)]
pub(crate) enum PathParam {
    Int(i64),
    Str(String),
}

/// Everything a handler needs from the request.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) params: Vec<PathParam>,
    pub(crate) query: Query,
    /// The validated body, or `Value::Null` when the operation takes none.
    pub(crate) body: Value,
    /// The `x-organization-id` request header, if any.
    pub(crate) org_header: Option<String>,
    /// The `x-workspace-id` request header, if any.
    pub(crate) ws_header: Option<String>,
}

impl Ctx {
    /// The `i`-th integer path parameter (0 if absent, which routing rules out).
    pub(crate) fn id(&self, i: usize) -> i64 {
        match self.params.get(i) {
            Some(PathParam::Int(v)) => *v,
            _ => 0,
        }
    }
    /// The `i`-th string path parameter.
    pub(crate) fn sid(&self, i: usize) -> &str {
        match self.params.get(i) {
            Some(PathParam::Str(v)) => v,
            _ => "",
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Value,
    /// A body that is not JSON (a CSV export): its content type and text, sent instead of
    /// `body`.
    pub(crate) text: Option<(&'static str, String)>,
}

/// 200 with a body.
pub(crate) fn ok(body: Value) -> Result<Reply, ApiError> {
    Ok(Reply {
        status: 200,
        body,
        text: None,
    })
}

/// 201 with a body.
pub(crate) fn created(body: Value) -> Result<Reply, ApiError> {
    Ok(Reply {
        status: 201,
        body,
        text: None,
    })
}

/// 200 with a body that is not JSON.
pub(crate) fn ok_text(content_type: &'static str, text: String) -> Result<Reply, ApiError> {
    Ok(Reply {
        status: 200,
        body: Value::Null,
        text: Some((content_type, text)),
    })
}

/// Every route of an emulator speaking `contract` for traces.
pub(crate) fn routes(contract: TracesContract) -> impl Iterator<Item = &'static Route> {
    state::route_tables(contract).iter().flat_map(|t| t.iter())
}

enum Seg<'a> {
    Lit(&'a str),
    Int(&'a str),
    Str(&'a str),
}

fn segments(pattern: &str) -> impl Iterator<Item = Seg<'_>> {
    pattern.split('/').map(|s| {
        if let Some(inner) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            match inner.strip_suffix(":int") {
                Some(name) => Seg::Int(name),
                None => Seg::Str(inner),
            }
        } else {
            Seg::Lit(s)
        }
    })
}

/// Number of literal segments if `path` fits `pattern` structurally.
fn fits(pattern: &str, path: &str) -> Option<usize> {
    let pat: Vec<Seg<'_>> = segments(pattern).collect();
    let parts: Vec<&str> = path.split('/').collect();
    if pat.len() != parts.len() {
        return None;
    }
    let mut lits = 0;
    for (s, p) in pat.iter().zip(&parts) {
        match s {
            Seg::Lit(l) if l == p => lits += 1,
            Seg::Lit(_) => return None,
            Seg::Int(_) | Seg::Str(_) if p.is_empty() => return None,
            _ => {}
        }
    }
    Some(lits)
}

fn decode_params(pattern: &str, path: &str) -> Result<Vec<PathParam>, ApiError> {
    let mut out = Vec::new();
    for (s, p) in segments(pattern).zip(path.split('/')) {
        match s {
            Seg::Lit(_) => {}
            Seg::Int(name) => match p.parse::<i64>() {
                Ok(v) if v >= 1 && p.bytes().all(|c| c.is_ascii_digit()) => {
                    out.push(PathParam::Int(v))
                }
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "path parameter `{name}` must be a positive integer (got `{p}`)"
                    )))
                }
            },
            Seg::Str(name) => {
                let v = percent_decode(p, false).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "path parameter `{name}` has malformed percent-encoding"
                    ))
                })?;
                // No length is stated for string path parameters (operations.tsv `id:string`,
                // `slug:string`, …): an id nothing has is a 404 from the handler. An empty
                // segment never gets here: `fits` matches no route with it (also a 404),
                // which keeps the non-empty trace id of `get_trace` (`SchemaminLen`).
                out.push(PathParam::Str(v));
            }
        }
    }
    Ok(out)
}

/// Finds the route for a request, or the 404/405/400 answer.
pub(crate) fn resolve(
    method: &str,
    path: &str,
    contract: TracesContract,
) -> Result<(&'static Route, Vec<PathParam>), ApiError> {
    let mut best: Option<(usize, &'static str)> = None;
    for r in routes(contract) {
        if let Some(score) = fits(r.pattern, path) {
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, r.pattern));
            }
        }
    }
    let Some((_, pattern)) = best else {
        return Err(not_found_route(method, path, contract));
    };
    let same: Vec<&'static Route> = routes(contract).filter(|r| r.pattern == pattern).collect();
    match same.iter().find(|r| r.method == method) {
        Some(r) => Ok((r, decode_params(r.pattern, path)?)),
        None => {
            let allowed: Vec<&str> = same.iter().map(|r| r.method).collect();
            Err(ApiError::method_not_allowed(method, path, &allowed))
        }
    }
}

fn not_found_route(method: &str, path: &str, contract: TracesContract) -> ApiError {
    // Suggest the slash variant when only the trailing slash is wrong.
    let alt = match path.strip_suffix('/') {
        Some(p) => p.to_string(),
        None => format!("{path}/"),
    };
    let hint = if routes(contract).any(|r| fits(r.pattern, &alt).is_some()) {
        format!(" (did you mean {alt}? trailing slashes are significant)")
    } else {
        String::new()
    };
    ApiError::not_found(format!("no route for {method} {path}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: TracesContract = TracesContract::V0_1_2;

    /// The error a request that must not resolve gets.
    fn refused(method: &str, path: &str, contract: TracesContract) -> ApiError {
        resolve(method, path, contract)
            .map(|(route, _)| route.op)
            .expect_err("refused")
    }

    /// The status of that error.
    fn refusal(method: &str, path: &str, contract: TracesContract) -> u16 {
        refused(method, path, contract).status
    }

    #[test]
    fn tables_have_their_operations_once() {
        // 0.1.2: 73 operations; 0.4.1: the 65 outside traces and the five 0.4.1 trace rows; both:
        // the secondary namespaces (prompt_readiness 1, playground 2, prompt_executions 9;
        // agents, members, invitations, provider configs and user profile 34).
        const SECONDARY: usize = 12 + 34;
        for (contract, count) in [
            (TracesContract::V0_1_2, 73 + SECONDARY),
            (TracesContract::V0_4_1, 70 + SECONDARY),
        ] {
            let all: Vec<&Route> = routes(contract).collect();
            assert_eq!(all.len(), count, "{contract}");
            for (i, a) in all.iter().enumerate() {
                for b in &all[i + 1..] {
                    assert!(
                        !(a.method == b.method && a.pattern == b.pattern),
                        "duplicate {} {}",
                        a.method,
                        a.pattern
                    );
                }
            }
        }
    }

    #[test]
    fn each_generation_routes_its_own_trace_operations() {
        let v1 = TracesContract::V0_1_2;
        let v4 = TracesContract::V0_4_1;
        assert_eq!(
            resolve("GET", "/api/traces/logs", v4).expect("logs").0.op,
            "list_logs"
        );
        assert_eq!(
            resolve("GET", "/api/traces/t1/spans", v4)
                .expect("spans")
                .0
                .op,
            "list_trace_spans"
        );
        assert_eq!(refusal("GET", "/api/traces/t1/spans", v1), 404);
        // Under 0.4.1 this path is only `GET /api/traces/{traceId}`: a POST is refused.
        assert_eq!(refusal("POST", "/api/traces/otlp", v4), 405);
        assert_eq!(
            resolve("GET", "/api/traces/stats", v1).expect("stats").0.op,
            "get_trace_stats"
        );
    }

    #[test]
    fn literal_beats_parameter_and_405_and_404() {
        let (r, _) = resolve("GET", "/api/prompt/tags", V).expect("tags");
        assert_eq!(r.op, "list_prompt_tags");
        let (r, p) = resolve("GET", "/api/prompt/7", V).expect("get");
        assert_eq!(r.op, "get_prompt");
        assert!(matches!(p[0], PathParam::Int(7)));
        assert_eq!(refusal("PUT", "/api/prompt/7", V), 405);
        let e = refused("GET", "/api/prompt", V);
        assert_eq!(e.status, 404);
        assert!(e.message.contains("/api/prompt/"));
        assert_eq!(refusal("GET", "/api/prompt/abc", V), 400);
        assert_eq!(refusal("GET", "/api/optimization/", V), 404);
        assert_eq!(
            resolve("GET", "/api/optimization", V).expect("list").0.op,
            "list_optimizations"
        );
    }
}
