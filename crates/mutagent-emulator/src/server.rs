//! The HTTP server: accept loop, per-request pipeline (record, faults, auth, routing,
//! validation, handler) and fault delivery (reset, truncated and dripping bodies).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::body::RespBody;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::faults::{retry_after_secs, Action, FaultSet};
use crate::query::parse_query;
use crate::record::{redacted_key, RecordedRequest, RequestLog};
use crate::router::{resolve, BodySpec, Ctx, Reply};
use crate::state::State;
use crate::validate::{validate_body, whole_numbers_as_integers};

/// Static configuration of a running emulator. Its `Debug` never shows the key.
#[derive(Clone)]
pub(crate) struct Config {
    /// The only accepted key, if set.
    pub(crate) api_key: Option<String>,
    /// No authentication at all.
    pub(crate) open: bool,
    /// Largest accepted request body.
    pub(crate) max_body: usize,
    /// Print one line per request to stderr.
    pub(crate) log: bool,
    /// The trace contract served.
    pub(crate) traces: crate::TracesContract,
    /// The most requests recorded (0: none).
    pub(crate) max_recorded: usize,
    /// The most bytes of one body recorded.
    pub(crate) max_recorded_body: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("api_key", &redacted_key(&self.api_key))
            .field("open", &self.open)
            .field("max_body", &self.max_body)
            .field("log", &self.log)
            .field("traces", &self.traces)
            .field("max_recorded", &self.max_recorded)
            .field("max_recorded_body", &self.max_recorded_body)
            .finish()
    }
}

/// State shared between the server tasks and the [`crate::Emulator`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Mutex<FaultSet>,
    pub(crate) requests: Mutex<RequestLog>,
    pub(crate) clock: Clock,
    counter: AtomicU64,
}

/// Locks a mutex, recovering from poisoning (a panicking test thread must not wedge the server).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// Builds the shared state.
    pub(crate) fn new(config: Config, seed: u64, step: Duration, faults: FaultSet) -> Self {
        let clock = Clock::new();
        let state = State::new(seed, step, clock.wall_base_ms());
        let requests = RequestLog::new(config.max_recorded, config.max_recorded_body);
        Shared {
            config,
            state: Mutex::new(state),
            faults: Mutex::new(faults),
            requests: Mutex::new(requests),
            clock,
            counter: AtomicU64::new(0),
        }
    }
}

/// The error a service returns to make hyper drop the connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection reset by an injected fault")]
pub(crate) struct Reset;

/// Accepts connections until `shutdown` turns true; over TLS when `tls` is given.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let stop = shutdown.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        None => serve_connection(TokioIo::new(stream), shared, stop).await,
                        Some(acceptor) => {
                            // A client that refuses our certificate ends the connection here.
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve_connection(TokioIo::new(stream), shared, stop).await;
                            }
                        }
                    }
                });
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
}

/// Serves one connection (plain or TLS) until it closes or the emulator shuts down.
async fn serve_connection<I>(io: I, shared: Arc<Shared>, mut stop: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let svc = service_fn(move |req| handle(shared.clone(), req));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(io, svc);
    tokio::select! {
        _ = conn => {}
        _ = stop.changed() => {}
    }
}

/// The announced `Content-Length`, if it is a number.
fn content_length(h: &HeaderMap) -> Option<usize> {
    h.get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn header_string(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<RespBody>, Reset> {
    let n = shared.counter.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = header_string(req.headers(), "x-request-id")
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|c| c.is_ascii_graphic()))
        .unwrap_or_else(|| format!("req_{n:08}"));
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let headers_map = req.headers().clone();
    let headers: Vec<(String, String)> = headers_map
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();

    let mut recorded = RecordedRequest {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        headers,
        body: Vec::new(),
        body_len: 0,
        request_id: request_id.clone(),
        fault: None,
    };
    let body = match Limited::new(req.into_body(), shared.config.max_body)
        .collect()
        .await
    {
        Ok(c) => c.to_bytes(),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                // Refused, but received: the log keeps it like any answered request. The
                // body was not kept; its length is the announced one, or at least one byte
                // over the limit when it came in chunks.
                recorded.body_len = content_length(&headers_map)
                    .unwrap_or(0)
                    .max(shared.config.max_body.saturating_add(1));
                lock(&shared.requests).push(recorded);
                let err = ApiError::new(
                    413,
                    "payload_too_large",
                    format!("request body exceeds {} bytes", shared.config.max_body),
                );
                log(&shared, &method, &path, err.status);
                return Ok(json_response(
                    err.status,
                    &err.body(),
                    &err.headers,
                    &request_id,
                ));
            }
            // The client went away in the middle of its body: nothing to answer or record.
            return Err(Reset);
        }
    };

    let fault = lock(&shared.faults).pick(&method, &path);
    // Only what the log keeps is copied.
    recorded.body = body[..body.len().min(shared.config.max_recorded_body)].to_vec();
    recorded.body_len = body.len();
    recorded.fault = fault.as_ref().map(ToString::to_string);
    lock(&shared.requests).push(recorded);

    if let Some(delay) = fault.as_ref().and_then(|f| f.latency) {
        tokio::time::sleep(delay).await;
    }
    let action = fault.map(|f| f.action).unwrap_or(Action::Pass);
    match &action {
        Action::Status { code, retry_after } => {
            let code_name = match code {
                429 => "rate_limited",
                500 => "internal_error",
                502 => "bad_gateway",
                503 => "service_unavailable",
                504 => "gateway_timeout",
                _ => "injected_fault",
            };
            // Only 200..599 gets here: `inject` and `start` refuse any other status.
            let err = ApiError::new(*code, code_name, format!("injected fault: HTTP {code}"));
            let code = &err.status;
            let mut extra = Vec::new();
            if let Some(r) = retry_after {
                extra.push(("retry-after", retry_after_secs(*r).to_string()));
            }
            log(&shared, &method, &path, *code);
            return Ok(json_response(*code, &err.body(), &extra, &request_id));
        }
        Action::Reset => {
            log(&shared, &method, &path, 0);
            return Err(Reset);
        }
        _ => {}
    }

    let (status, extra, bytes) = match process(
        &shared,
        &method,
        &path,
        query.as_deref(),
        &headers_map,
        &body,
    ) {
        // A text answer replaces the JSON content type (extra headers come last).
        Ok(Reply {
            status,
            text: Some((content_type, text)),
            ..
        }) => (
            status,
            vec![("content-type", content_type.to_string())],
            Bytes::from(text),
        ),
        Ok(reply) => (reply.status, Vec::new(), json_bytes(&reply.body)),
        Err(e) => (e.status, e.headers.clone(), json_bytes(&e.body())),
    };
    log(&shared, &method, &path, status);
    match action {
        Action::Truncate => {
            let (tx, rx) = mpsc::channel(4);
            let full = bytes.len();
            let sent = bytes.slice(..full / 2);
            tokio::spawn(async move {
                if !sent.is_empty() && tx.send(Ok(sent)).await.is_err() {
                    return;
                }
                // Let hyper flush what was sent before the connection is aborted.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = tx
                    .send(Err(io::Error::other("truncated by an injected fault")))
                    .await;
            });
            Ok(stream_response(status, &extra, &request_id, full, rx))
        }
        Action::Drip { chunk, delay } => {
            let (tx, rx) = mpsc::channel(1);
            let full = bytes.len();
            tokio::spawn(async move {
                let mut off = 0;
                while off < full {
                    let end = (off + chunk).min(full);
                    if tx.send(Ok(bytes.slice(off..end))).await.is_err() {
                        return;
                    }
                    off = end;
                    if off < full {
                        tokio::time::sleep(delay).await;
                    }
                }
            });
            Ok(stream_response(status, &extra, &request_id, full, rx))
        }
        _ => Ok(base_response(
            status,
            &extra,
            &request_id,
            RespBody::full(bytes),
        )),
    }
}

/// One line per request on stderr, when asked. `eprintln!` keeps the lines in a test's
/// captured output (the server thread inherits the capture), but panics when stderr cannot be
/// written (nobody reads it any more): that panic would close the request's connection
/// unanswered, so it is caught and the line dropped.
fn log(shared: &Shared, method: &str, path: &str, status: u16) {
    if shared.config.log {
        let _ = std::panic::catch_unwind(|| {
            if status == 0 {
                eprintln!("{method} {path} -> connection reset (fault)");
            } else {
                eprintln!("{method} {path} -> {status}");
            }
        });
    }
}

fn base_response(
    status: u16,
    extra: &[(&'static str, String)],
    request_id: &str,
    body: RespBody,
) -> Response<RespBody> {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-request-id", v);
    }
    for (k, v) in extra {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(*k, v);
        }
    }
    resp
}

fn json_bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

fn json_response(
    status: u16,
    value: &Value,
    extra: &[(&'static str, String)],
    request_id: &str,
) -> Response<RespBody> {
    base_response(status, extra, request_id, RespBody::full(json_bytes(value)))
}

fn stream_response(
    status: u16,
    extra: &[(&'static str, String)],
    request_id: &str,
    content_length: usize,
    rx: mpsc::Receiver<Result<Bytes, io::Error>>,
) -> Response<RespBody> {
    let mut resp = base_response(status, extra, request_id, RespBody::Stream(rx));
    resp.headers_mut().insert(
        http::header::CONTENT_LENGTH,
        HeaderValue::from(content_length as u64),
    );
    resp
}

/// Authentication, routing, validation and the handler. Never panics on bad input.
fn process(
    shared: &Shared,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, ApiError> {
    if method == "GET" && path == "/health" {
        return crate::router::ok(json!({"status": "ok"}));
    }
    if !shared.config.open {
        // The 0.4.1 alternative credential: `Authorization: Bearer <token>`, held to the same
        // rules as a key.
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let presented = headers
            .get("x-api-key")
            .map(|v| v.to_str().unwrap_or(""))
            .or(bearer);
        match presented {
            None => {
                return Err(ApiError::unauthorized(
                    "missing API key: send it in the x-api-key header (or a bearer token in \
                     Authorization)",
                ))
            }
            Some("") => return Err(ApiError::unauthorized("empty x-api-key header")),
            Some(k) => {
                if shared
                    .config
                    .api_key
                    .as_deref()
                    .is_some_and(|want| want != k)
                {
                    return Err(ApiError::unauthorized("invalid API key"));
                }
            }
        }
    }
    let (route, params) = resolve(method, path, shared.config.traces)?;
    let query = parse_query(query, route.query)?;
    let body = parse_body(route.op, route.body, headers, body)?;
    let ctx = Ctx {
        params,
        query,
        body,
        org_header: header_string(headers, "x-organization-id").filter(|v| !v.is_empty()),
        ws_header: header_string(headers, "x-workspace-id").filter(|v| !v.is_empty()),
    };
    let mut st = lock(&shared.state);
    st.tick(shared.clock.now());
    (route.handler)(&mut st, &ctx)
}

fn parse_body(
    op: &str,
    spec: BodySpec,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ApiError> {
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if empty {
        return match spec {
            BodySpec::None => Ok(Value::Null),
            _ => Err(ApiError::bad_request(format!(
                "{op} requires a JSON request body"
            ))),
        };
    }
    let ct = header_string(headers, "content-type").unwrap_or_default();
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime != "application/json" {
        return Err(ApiError::new(
            415,
            "unsupported_media_type",
            format!("request bodies must be sent with Content-Type: application/json (got `{ct}`)"),
        ));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("request body is not valid JSON: {e}")))?;
    match spec {
        BodySpec::None => match &v {
            Value::Object(o) if o.is_empty() => Ok(Value::Null),
            _ => Err(ApiError::bad_request(format!(
                "{op} takes no request body (send none, or {{}})"
            ))),
        },
        BodySpec::Schema(fields) => {
            validate_body(&v, fields)?;
            Ok(whole_numbers_as_integers(v, fields))
        }
        BodySpec::Custom => Ok(v),
    }
}
