//! Sending one call: the attempt loop with timeouts, retries, size limits and classification.
//!
//! [`Transport`] is what every clone and view of a client shares: the resolved settings, the
//! HTTP client, the retry budget and the in-flight limit. It knows nothing of the clients.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, ACCEPT_ENCODING, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;

use crate::body::{self, ReadError};
use crate::config::{CallOptions, Config};
use crate::decode;
use crate::error::{self, is_retryable_status, BoxError, Error};
use crate::extensions::{CallInfo, ClientSettings};
use crate::future::BoxFuture;
use crate::http_client::{DefaultHttpClient, HttpClient};
use crate::request::ApiRequest;
use crate::retry::{self, RetryBudget};
use crate::secret::{ApiKey, Secrets};
use crate::token::Bearer;

/// The HTTP client a transport sends through.
#[derive(Clone)]
pub(crate) enum Http {
    /// The SDK's default client: a transport on it can be given a pool of its own.
    Default(Box<DefaultHttpClient>),
    /// One the application supplied (an [`HttpClient`], a tower service): shared as it is.
    Custom(Arc<dyn HttpClient>),
}

impl Http {
    /// The client to send through.
    fn client(&self) -> &dyn HttpClient {
        match self {
            Http::Default(default) => &**default,
            Http::Custom(custom) => &**custom,
        }
    }
}

/// What every clone and view of one client shares.
pub(crate) struct Transport {
    config: Config,
    http: Http,
    /// Shared with the transports made by [`with_own_pool`](Self::with_own_pool).
    budget: Arc<RetryBudget>,
    /// One permit per request in flight, shared by every clone and view.
    in_flight: tokio::sync::Semaphore,
    base_headers: HeaderMap,
}

impl Transport {
    pub(crate) fn new(config: Config, http: Http) -> Self {
        let base_headers = base_headers(&config);
        // Tokio panics above `MAX_PERMITS` (usize::MAX >> 3); a cap that high is no cap.
        let in_flight = tokio::sync::Semaphore::new(
            config
                .max_concurrent_requests
                .min(tokio::sync::Semaphore::MAX_PERMITS),
        );
        Self {
            config,
            http,
            budget: Arc::new(RetryBudget::new()),
            in_flight,
            base_headers,
        }
    }

    /// The same settings and retry budget over a new, empty connection pool (and so its own
    /// in-flight limit, which bounds a pool's connections); `None` when the HTTP client is the
    /// application's own, which has no pool the SDK could duplicate.
    pub(crate) fn with_own_pool(&self) -> Option<Self> {
        let Http::Default(default) = &self.http else {
            return None;
        };
        let fresh = default.with_own_pool();
        let mut transport = Self::new(self.config.clone(), Http::Default(Box::new(fresh)));
        transport.budget = Arc::clone(&self.budget);
        Some(transport)
    }

    /// The resolved settings.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Sends `request`, retrying as the policy allows, and returns the success answer.
    ///
    /// Boxed here, in a function that is not generic, so the whole exchange (retries, token,
    /// body reading) is compiled once in this crate. As a plain `async fn` it was awaited only
    /// from the generic `send::<T>` paths, so its body was compiled in every crate that calls
    /// an operation instead (docs/performance.md, "Compile time").
    pub(crate) fn execute<'a>(
        &'a self,
        options: &'a CallOptions,
        request: &'a ApiRequest,
    ) -> BoxFuture<'a, Result<RawResponse, Error>> {
        let operation = request.operation;
        let span = tracing::debug_span!(
            "mutagent.call",
            namespace = operation.namespace,
            operation = operation.name,
            method = operation.method.as_str(),
            path = operation.path,
        );
        Box::pin(attempt_loop(self, options, request).instrument(span))
    }
}

/// A success answer, read in full.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// How many attempts the call made, this one included (a decode error reports it).
    pub(crate) attempts: u32,
    /// The bearer token this answer's request was sent with: what decoding scrubs from an
    /// error, as the server may echo it. Not the client's token kept now, which another call
    /// may have replaced meanwhile (a 401, the provider asked again).
    pub(crate) token: Option<ApiKey>,
}

/// How one attempt failed below the HTTP status level.
enum AttemptError {
    /// No answer came: the HTTP client failed; `connect` means nothing reached the server.
    Send { connect: bool, source: BoxError },
    /// The call's deadline passed before an answer's head arrived; `sent` is false when it
    /// passed while the attempt waited for an in-flight slot, before the request went out.
    TimedOut { sent: bool },
    /// The answer's `head` arrived, then its body could not be read.
    Body {
        head: http::response::Parts,
        failure: BodyFailure,
    },
}

/// Why the body of an answer whose head arrived could not be read.
enum BodyFailure {
    /// It broke off, passed the limit, or came in a coding that cannot be read.
    Read(ReadError),
    /// The call's deadline passed while it was arriving.
    TimedOut,
}

/// What the error of a failed body needs to know about its call.
struct CallFacts<'a> {
    operation: &'static str,
    /// Whether a request the server accepted may be sent again when its answer is lost.
    resend_accepted: bool,
    may_retry_unsafe: bool,
    timeout: Duration,
    limit: usize,
    secrets: Secrets<'a>,
}

async fn attempt_loop(
    transport: &Transport,
    options: &CallOptions,
    request: &ApiRequest,
) -> Result<RawResponse, Error> {
    let config = &transport.config;
    let operation = request.operation;
    let name = operation.name;
    let timeout = options.timeout.unwrap_or(config.timeout);
    // The builder refuses a zero timeout; a call's own is checked here, before anything is
    // sent (sent, it would time out at once with the server perhaps acting on it).
    if timeout.is_zero() {
        return Err(Error::invalid_input(
            name,
            "timeout",
            "must be longer than zero (`CallOptions::timeout`)",
        ));
    }
    // Every call needs timers for its deadline; tokio would panic creating the first one.
    if let Err(problem) = crate::runtime_check::timers() {
        return Err(Error::Runtime {
            operation: name,
            problem,
        });
    }
    // A runtime being shut down has timers that panic when used (a call made from a thread
    // that outlives it): said before anything is sent, as for a runtime without timers.
    if crate::runtime_check::shutting_down() {
        return Err(Error::Runtime {
            operation: name,
            problem: crate::error::RuntimeProblem::ShuttingDown,
        });
    }
    let deadline = deadline_after(timeout);
    let policy = options.retry_policy.as_ref().unwrap_or(&config.retry);
    let may_retry_unsafe = operation.method.is_idempotent() || options.retry_non_idempotent;
    let uri: http::Uri = config
        .server_url
        .join(&request.path, &request.query_string())
        .parse()
        .map_err(|err| Error::Unexpected {
            operation: name,
            reason: "the request URI could not be formed".into(),
            source: Some(Box::new(err)),
        })?;

    // What a custom HTTP client or a tower layer is told, in every request's extensions.
    let settings = ClientSettings {
        connect_timeout: config.connect_timeout,
        timeout,
        max_response_bytes: config.max_response_bytes,
    };
    // Requests handed to the HTTP client: a turn of the loop that timed out before sending
    // (waiting for a token or an in-flight slot) is not an attempt.
    let mut attempts: u32 = 0;
    // A token provider is asked again, and the request sent once more, after one 401.
    let mut refreshed = false;
    // The token the server just refused, if it did: the next attempt needs another.
    let mut refused: Option<ApiKey> = None;
    loop {
        let number = attempts + 1;
        let token = match bearer_token(config, name, deadline, refused.take().as_ref()).await {
            Ok(token) => token,
            Err(BearerError::Provider(source)) => {
                return Err(Error::TokenProvider {
                    operation: name,
                    source,
                })
            }
            Err(BearerError::Timeout) => {
                return Err(Error::Timeout {
                    operation: name,
                    timeout,
                    attempts,
                    last_poll_error: None,
                })
            }
        };
        let mut http_request = build_request(transport, options, request, &uri, token.as_ref());
        let extensions = http_request.extensions_mut();
        extensions.insert(CallInfo::new(operation, number));
        extensions.insert(settings);
        let outcome = attempt(transport, http_request, deadline, config.max_response_bytes).await;
        if !matches!(outcome, Err(AttemptError::TimedOut { sent: false })) {
            attempts = number;
        }
        let (error, retryable, retry_after) = match outcome {
            Err(AttemptError::TimedOut { .. }) => {
                tracing::debug!(attempts, "call timed out");
                return Err(Error::Timeout {
                    operation: name,
                    timeout,
                    attempts,
                    last_poll_error: None,
                });
            }
            Ok((status, headers, body)) if status.is_success() => {
                transport.budget.refund();
                return Ok(RawResponse {
                    status,
                    headers,
                    body,
                    attempts,
                    token,
                });
            }
            Ok((status, headers, body)) => {
                let retry_after = retry::retry_after(&headers, SystemTime::now());
                let mut error = decode::api_error(
                    name,
                    status,
                    &headers,
                    &body,
                    attempts,
                    retry_after,
                    call_secrets(config, options, token.as_ref(), request),
                );
                if status == StatusCode::UNAUTHORIZED {
                    if matches!(config.bearer, Some(Bearer::Provided(_))) && !refreshed {
                        // The token may have expired: a fresh one, and the same request again
                        // (a 401 means the server did nothing, so even a POST is safe).
                        tracing::debug!(attempts, "401: asking the token provider again");
                        refreshed = true;
                        refused = token;
                        continue;
                    }
                    error.hint = Some(unauthorized_hint(config, &options.headers));
                }
                if status == StatusCode::NOT_FOUND && prefix_ends_in_api(config) {
                    error.hint = Some(error::HINT_URL_ENDS_IN_API);
                }
                let retryable = is_retryable_status(status) && may_retry_unsafe;
                (Error::Api(Box::new(error)), retryable, retry_after)
            }
            Err(AttemptError::Send { connect, source }) => {
                // The default HTTP client found a driver it needs missing (I/O; the timers
                // were checked above): nothing was sent, and every attempt on this runtime
                // would fail alike.
                if let Some(problem) = runtime_problem(&*source) {
                    return Err(Error::Runtime {
                        operation: name,
                        problem,
                    });
                }
                let error = if connect {
                    let error = crate::connector::classify(
                        &*source,
                        config.server_url.to_string(),
                        config.server_url_origin,
                        config.connect_timeout,
                    );
                    Error::Connect {
                        operation: name,
                        attempts,
                        error: Box::new(error),
                        source,
                    }
                } else {
                    Error::Transport {
                        operation: name,
                        attempts,
                        source,
                    }
                };
                // A failed connection never reached the server: safe to retry any method;
                // an answer's head too large for the parser would only come again.
                let retryable = (connect || may_retry_unsafe) && error.is_retryable();
                (error, retryable, None)
            }
            Err(AttemptError::Body { head, failure }) => {
                let call = CallFacts {
                    operation: name,
                    resend_accepted: operation.method.may_resend_after_accepted(),
                    may_retry_unsafe,
                    timeout,
                    limit: config.max_response_bytes,
                    secrets: call_secrets(config, options, token.as_ref(), request),
                };
                let (error, retryable) = body_failed(&call, attempts, &head, failure);
                (error, retryable, None)
            }
        };
        let retries_done = attempts - 1 - u32::from(refreshed);
        if !retryable || retries_done >= policy.retries() {
            return Err(error);
        }
        let wait = policy.wait(retries_done, retry_after);
        if Instant::now()
            .checked_add(wait)
            .is_none_or(|at| at >= deadline)
        {
            tracing::debug!(attempts, ?wait, "no time left to retry");
            return Err(error);
        }
        let Some(cost) = transport.budget.try_spend() else {
            tracing::warn!(attempts, "retry budget spent; not retrying");
            return Err(error);
        };
        tracing::debug!(attempts, ?wait, error = %error, "retrying");
        // Dropped during this wait (the caller cancelled the call), `cost` is given back: no
        // retry was sent, and cancelled calls must not leave the next ones without retries.
        tokio::time::sleep(wait).await;
        cost.keep();
    }
}

/// The [`RuntimeProblem`](crate::RuntimeProblem) in `error`'s chain, if there is one (a client
/// of the application's own that wraps the default one may wrap its error too).
fn runtime_problem(
    error: &(dyn std::error::Error + 'static),
) -> Option<crate::error::RuntimeProblem> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(problem) = error.downcast_ref::<crate::error::RuntimeProblem>() {
            return Some(*problem);
        }
        cause = error.source();
    }
    None
}

/// `timeout` from now; a timeout too long to represent (say `Duration::MAX`) means a year,
/// which is as good as never and cannot overflow.
fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 60 * 60)))
        .unwrap_or(now)
}

/// Why no bearer token could be had for an attempt.
enum BearerError {
    Provider(BoxError),
    Timeout,
}

/// The bearer token of the next attempt: the fixed one, or the provider's (asked again if the
/// kept token is still `refused`, the one the server just refused); `None` without a bearer
/// credential. Asking the provider, or waiting for another call that asks it, counts toward
/// the call's timeout.
async fn bearer_token(
    config: &Config,
    operation: &'static str,
    deadline: Instant,
    refused: Option<&ApiKey>,
) -> Result<Option<ApiKey>, BearerError> {
    match &config.bearer {
        None => Ok(None),
        Some(Bearer::Fixed(token)) => Ok(Some(token.clone())),
        Some(Bearer::Provided(provided)) => {
            match tokio::time::timeout_at(deadline, provided.token(refused)).await {
                Err(_elapsed) => Err(BearerError::Timeout),
                Ok(Ok(token)) => Ok(Some(token)),
                Ok(Err(source)) => {
                    tracing::debug!(operation, "the token provider failed");
                    Err(BearerError::Provider(source))
                }
            }
        }
    }
}

fn build_request(
    transport: &Transport,
    options: &CallOptions,
    request: &ApiRequest,
    uri: &http::Uri,
    token: Option<&ApiKey>,
) -> http::Request<Bytes> {
    let body = request.body.clone().unwrap_or_default();
    let mut http_request = http::Request::new(body);
    *http_request.method_mut() = request.operation.method.to_http();
    *http_request.uri_mut() = uri.clone();
    let headers = http_request.headers_mut();
    headers.clone_from(&transport.base_headers);
    if request.body.is_some() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(token) = token {
        // Checked when configured or received: visible ASCII, so always a valid value.
        if let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
            value.set_sensitive(true);
            headers.insert(http::header::AUTHORIZATION, value);
        }
    }
    for (name, value) in options.headers.iter() {
        headers.insert(name.clone(), value.clone());
    }
    http_request
}

/// The headers every request carries; the key is marked sensitive so HTTP/2 never indexes it
/// and `Debug` of the header map hides it.
/// Every secret one call carries, to scrub from whatever the server answers: the key, the
/// bearer token sent, the per-call sensitive headers and the `Secret`s of the body.
pub(crate) fn call_secrets<'a>(
    config: &'a Config,
    options: &'a CallOptions,
    token: Option<&'a ApiKey>,
    request: &'a ApiRequest,
) -> Secrets<'a> {
    Secrets::new(config.api_key.as_ref(), &options.headers)
        .with_token(token)
        .with_sent(&request.body_secrets)
}

fn base_headers(config: &Config) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(encodings) = body::ACCEPT_ENCODING {
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static(encodings));
    }
    headers.insert(
        http::header::USER_AGENT,
        HeaderValue::from_static(concat!("mutagent-rs/", env!("CARGO_PKG_VERSION"))),
    );
    if let Some(key) = &config.api_key {
        if let Ok(mut value) = HeaderValue::from_str(key.expose()) {
            value.set_sensitive(true);
            headers.insert("x-api-key", value);
        }
    }
    if let Some(id) = &config.workspace_id {
        headers.insert("x-workspace-id", id.clone());
    }
    if let Some(id) = &config.organization_id {
        headers.insert("x-organization-id", id.clone());
    }
    headers
}

/// One attempt: a slot, the request and the whole answer, all before `deadline`.
async fn attempt(
    transport: &Transport,
    request: http::Request<Bytes>,
    deadline: Instant,
    limit: usize,
) -> Result<(StatusCode, HeaderMap, Bytes), AttemptError> {
    // Waiting for a slot counts toward the timeout, apart from the sending: a timeout here
    // sent nothing. The slot is held until the body is read, and released before any retry
    // wait. The semaphore is never closed.
    let Ok(slot) = tokio::time::timeout_at(deadline, transport.in_flight.acquire()).await else {
        return Err(AttemptError::TimedOut { sent: false });
    };
    let _slot = slot.ok();
    let head = tokio::time::timeout_at(deadline, transport.http.client().send(request)).await;
    let Ok(response) = head else {
        return Err(AttemptError::TimedOut { sent: true });
    };
    let response = response.map_err(|err| AttemptError::Send {
        connect: err.is_connect(),
        source: err.into_source(),
    })?;
    let (mut parts, body) = response.into_parts();
    // The body under the same deadline, apart from the head: a failure now comes after the
    // head, whose status says whether the server accepted the request.
    let read = tokio::time::timeout_at(deadline, body::read(body, &mut parts.headers, limit)).await;
    let failure = match read {
        Ok(Ok(body)) => return Ok((parts.status, parts.headers, body)),
        Ok(Err(failure)) => BodyFailure::Read(failure),
        Err(_elapsed) => BodyFailure::TimedOut,
    };
    Err(AttemptError::Body {
        head: parts,
        failure,
    })
}

/// The error of an attempt whose answer's head arrived but whose body could not be read, and
/// whether it may be retried. Each keeps the head's status, its request id and the attempts,
/// here and nowhere else, so that none can forget that a 2xx means the server did what was
/// asked (`Error::request_accepted` reads the status).
fn body_failed(
    call: &CallFacts<'_>,
    attempts: u32,
    head: &http::response::Parts,
    failure: BodyFailure,
) -> (Error, bool) {
    let (operation, status) = (call.operation, head.status);
    let request_id = decode::request_id(&head.headers, call.secrets);
    // A 2xx head says the server did what was asked, whatever becomes of the body: an answer
    // that then broke off or stalled is `AnswerLost` for every method, so that the error
    // says so (`request_accepted()`). Whether it is sent again is the method's call: a
    // broken one of a GET or HEAD is retried; never a PUT or DELETE (a second one failing
    // another way, or a DELETE's 404, would hide the first one's effect), a POST or a PATCH,
    // even with POST retries on; a stalled one has used up the call's time.
    let accepted = status.is_success();
    // Whether it broke off or stalled, a lost answer is one error, its cause told apart.
    let failure = match failure {
        BodyFailure::Read(ReadError::Broken(source)) if accepted => {
            Err((source, call.resend_accepted))
        }
        BodyFailure::TimedOut if accepted => {
            let source = Box::new(error::AnswerTimedOut {
                timeout: call.timeout,
            });
            Err((source as BoxError, false))
        }
        other => Ok(other),
    };
    let failure = match failure {
        Ok(failure) => failure,
        Err((source, retryable)) => {
            let error = Error::AnswerLost {
                operation,
                status,
                request_id,
                attempts,
                source,
            };
            return (error, retryable);
        }
    };
    match failure {
        BodyFailure::Read(ReadError::TooLarge) => {
            let error = Error::ResponseTooLarge {
                operation,
                limit: call.limit,
                status,
                request_id,
                attempts,
            };
            (error, false)
        }
        BodyFailure::Read(ReadError::Encoding {
            encoding,
            failure,
            source,
        }) => {
            let error = Error::Encoding {
                operation,
                status,
                // The server chose the name: it may echo a credential.
                encoding: body::shorten(call.secrets.scrub(&encoding)),
                failure,
                attempts,
                source,
            };
            // A 2xx means the server did what was asked: never again. Otherwise the status
            // decides, as for any refused answer.
            let retryable =
                !status.is_success() && is_retryable_status(status) && call.may_retry_unsafe;
            (error, retryable)
        }
        BodyFailure::Read(ReadError::Broken(source)) => {
            let error = Error::Transport {
                operation,
                attempts,
                source,
            };
            (error, call.may_retry_unsafe)
        }
        BodyFailure::TimedOut => {
            tracing::debug!(attempts, "call timed out reading the body");
            let error = Error::Timeout {
                operation,
                timeout: call.timeout,
                attempts,
                last_poll_error: None,
            };
            (error, false)
        }
    }
}

/// What a person should do about a 401: configure a key when none was sent, else check it.
fn unauthorized_hint(config: &Config, call_headers: &HeaderMap) -> &'static str {
    if config.api_key.is_some() || call_headers.contains_key("x-api-key") {
        error::HINT_KEY_REFUSED
    } else if config.bearer.is_some() || call_headers.contains_key(http::header::AUTHORIZATION) {
        error::HINT_TOKEN_REFUSED
    } else {
        error::HINT_NO_API_KEY
    }
}

/// Whether the server URL's path ends in `/api`, which every operation path starts with: the
/// most common wrong server URL (`https://host/api`), whose every call is a 404.
fn prefix_ends_in_api(config: &Config) -> bool {
    config
        .server_url()
        .path_prefix()
        .trim_end_matches('/')
        .ends_with("/api")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 401 hint names the credential that was sent, or says that none was.
    #[test]
    fn unauthorized_hints_name_the_credential_sent() {
        let config = |builder: crate::ClientBuilder| {
            builder.env(crate::env::EmptyEnv).resolve().expect("config")
        };
        let none = HeaderMap::new();
        let hint = |builder| unauthorized_hint(&config(builder), &none);
        assert_eq!(hint(crate::ClientBuilder::new()), error::HINT_NO_API_KEY);
        assert_eq!(
            hint(crate::ClientBuilder::new().api_key("mt_k")),
            error::HINT_KEY_REFUSED
        );
        assert_eq!(
            hint(crate::ClientBuilder::new().bearer_token("tok")),
            error::HINT_TOKEN_REFUSED
        );
        let mut per_call = HeaderMap::new();
        per_call.insert("x-api-key", HeaderValue::from_static("mt_k"));
        assert_eq!(
            unauthorized_hint(&config(crate::ClientBuilder::new()), &per_call),
            error::HINT_KEY_REFUSED
        );
    }

    /// Only a server URL whose path ends in `/api` gets the hint of a doubled `/api`.
    #[test]
    fn only_a_server_url_ending_in_api_is_suspected() {
        let ends_in_api = |url: &str| {
            let config = crate::ClientBuilder::new()
                .env(crate::env::EmptyEnv)
                .server_url(url)
                .resolve()
                .expect("config");
            prefix_ends_in_api(&config)
        };
        assert!(ends_in_api("https://api.example.com/api"));
        assert!(ends_in_api("https://example.com/mutagent/api/"));
        assert!(!ends_in_api("https://api.example.com"));
        assert!(!ends_in_api("https://example.com/mutagent"));
        assert!(!ends_in_api("https://example.com/rapi"));
    }

    /// A timeout too long to represent means a year from now: never sooner (a shorter fallback
    /// would time calls out that the caller asked to wait for "forever").
    #[test]
    fn an_unrepresentable_timeout_means_a_year() {
        let year = Duration::from_secs(365 * 24 * 60 * 60);
        let before = Instant::now();
        let deadline = deadline_after(Duration::MAX);
        assert!(deadline >= before + year, "{:?}", deadline - before);
        assert!(deadline <= Instant::now() + year);
        let soon = deadline_after(Duration::from_millis(5));
        assert!(soon >= before + Duration::from_millis(5) && soon < before + year);
    }
}
