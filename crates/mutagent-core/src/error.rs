//! The SDK's one error type.
//!
//! Every failure is an [`Error`]. Its variants tell apart what the caller can act on: bad
//! configuration, bad input caught before sending, connection failures, timeouts, answers the
//! API refused ([`ApiError`]), answers that could not be decoded ([`DecodeError`]), oversized
//! bodies and misuse of the blocking client. No variant ever holds the API key.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use http::StatusCode;

/// A boxed error from a lower layer (the HTTP client, TLS, I/O).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong with a MutagenT call or with building a client.
///
/// `{}` prints the message a person reads. `{:?}` prints the same message followed by its
/// causes (so `fn main() -> Result<(), mutagent::Error>` shows the hint, not a struct dump);
/// `{:#?}` prints the variant and its fields.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration is invalid; nothing was sent. It prints as the
    /// [`ConfigError`] (which names the setting and where it came from) and passes that
    /// error's causes on, so a chain printer (`anyhow`, `eyre`) shows each once.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// An argument was refused before anything was sent.
    #[error("[{operation}] invalid input: `{field}` {reason}")]
    InvalidInput {
        /// The operation, e.g. `list_prompts`.
        operation: &'static str,
        /// The field or parameter that was refused.
        field: Cow<'static, str>,
        /// Why it was refused.
        reason: Cow<'static, str>,
    },

    /// The server could not be reached: the request never left this machine. The message
    /// names the URL, the cause (see [`ConnectError::kind`]) and what to do about it; the
    /// lower-level errors are the `source()` chain.
    #[error("[{operation}] {}", error.message(*attempts))]
    Connect {
        /// The operation.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// What failed, and where.
        error: Box<ConnectError>,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// The connection failed while the request or response was in flight, or the answer's
    /// head could not be read: too large for the HTTP parser (then the message says so, and
    /// it is not retried: the same server sends the same head again). An answer whose 2xx
    /// head had come before it broke off is [`Error::AnswerLost`] instead.
    #[error("[{operation}] {}", TransportNote { source, attempts: *attempts })]
    Transport {
        /// The operation.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// The call did not finish within its timeout (retries included). When an answer's 2xx
    /// head had come and its body was still arriving, it is [`Error::AnswerLost`] instead
    /// (and [`is_timeout`](Self::is_timeout) is true for it too).
    ///
    /// `attempts` is 0 when the timeout passed before the first request was sent (waiting for
    /// the [`TokenProvider`](crate::TokenProvider) or for a free slot of
    /// `max_concurrent_requests`): the message says that nothing was sent,
    /// [`attempts`](Self::attempts) is `None`, and even a POST may be sent again safely.
    #[error("[{operation}] {}", TimeoutNote { timeout: *timeout, attempts: *attempts })]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// The timeout that expired.
        timeout: Duration,
        /// How many requests were sent (0: none, the timeout passed before the first).
        attempts: u32,
        /// For a wait's deadline (a [`WaitError`](crate::polling::WaitError) converted by
        /// `?`): the error of its last poll, when that poll failed (transiently: the wait
        /// went on) and none succeeded after it. It is the `source()`, so `{:?}` and chain
        /// printers show it. `None` for a call's own timeout. Boxed, so `Error` stays small.
        #[source]
        last_poll_error: Option<Box<Error>>,
    },

    /// The server answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The server answered with a success status but a body that does not match the contract.
    /// The server accepted the request, so it is never sent again (a POST may have created
    /// something already).
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// The server accepted the request (its status was 2xx) but the answer broke off while
    /// being read, or the call's timeout passed before all of it came (then
    /// [`is_timeout`](Self::is_timeout) is true too), whatever the method:
    /// [`request_accepted`](Self::request_accepted) is true. A POST, PATCH, PUT or DELETE is
    /// never sent again, whatever the retry settings: the server has done what was asked, a
    /// second POST could do it twice, a second DELETE would end as a 404 that reads as "it did
    /// not exist", and a second PUT failing another way would hide that the first took effect.
    /// A GET whose answer broke off is retried like a broken connection first (sending it
    /// again is harmless), and ends here when its last attempt lost its
    /// answer too; `attempts` counts them all. Never
    /// [`is_retryable`](Self::is_retryable): a request the server accepted is not one to send
    /// again blindly.
    #[error(
        "[{operation}] the server accepted the request (HTTP {}) but its answer was lost {}{}",
        status.as_u16(),
        NotSentAgainNote { attempts: *attempts },
        RequestIdNote(request_id.as_deref())
    )]
    AnswerLost {
        /// The operation.
        operation: &'static str,
        /// The success status the server answered with.
        status: StatusCode,
        /// The request id of the answer's head, scrubbed and bounded like any text the server
        /// chose, when it sent one.
        request_id: Option<String>,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// The response body was larger than the configured limit; reading stopped at the limit.
    /// A compressed answer (feature `gzip`) is measured after decompression, so a small body
    /// that inflates without end stops here too. It is never retried; after a 2xx status the
    /// server has done what was asked ([`request_accepted`](Self::request_accepted)).
    #[error(
        "[{operation}] {}{}",
        TooLargeNote { status: *status, limit: *limit, attempts: *attempts },
        RequestIdNote(request_id.as_deref())
    )]
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The limit in bytes (see `ClientBuilder::max_response_bytes`).
        limit: usize,
        /// The status the server answered with.
        status: StatusCode,
        /// The request id of the answer's head, scrubbed and bounded, when it sent one.
        request_id: Option<String>,
        /// How many attempts were made.
        attempts: u32,
    },

    /// The answer came in a `Content-Encoding` the SDK did not ask for, or its compressed data
    /// is corrupt or cut short: it is refused rather than decoded as garbage. A 2xx answer is
    /// never sent again (the server did what was asked); a retryable status is retried.
    #[error(
        "[{operation}] the answer (HTTP {}) in `Content-Encoding: {encoding}` cannot be read: \
         {failure} ({attempts} attempt(s))",
        status.as_u16()
    )]
    Encoding {
        /// The operation.
        operation: &'static str,
        /// The status the server answered with.
        status: StatusCode,
        /// The `Content-Encoding` as sent (cut to 64 bytes; unreadable bytes escaped).
        encoding: String,
        /// What was wrong with it.
        failure: EncodingFailure,
        /// How many attempts were made.
        attempts: u32,
        /// The decompressor's error, for corrupt data.
        #[source]
        source: Option<BoxError>,
    },

    /// A local file could not be read or written (a dataset upload or export). The message
    /// names the kind of failure (`entity not found`, `permission denied`); the operating
    /// system's own error is the source.
    #[error("[{operation}] cannot use the file `{}`: {}", path.display(), source.kind())]
    File {
        /// The operation.
        operation: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The call needs a Cargo feature this build does not enable (CSV dataset files need
    /// `mutagent/csv`); it was refused before anything was sent, and no file was touched.
    #[error(
        "[{operation}] {what} needs the Cargo feature `{feature}` (`{crate_feature}` without the \
         umbrella crate), which this build does not enable; nothing was sent"
    )]
    FeatureNotEnabled {
        /// The operation.
        operation: &'static str,
        /// What needs the feature, e.g. `CSV`.
        what: &'static str,
        /// The feature of the `mutagent` crate, e.g. `mutagent/csv`.
        feature: &'static str,
        /// The same feature of the namespace crate, e.g. `mutagent-prompt-datasets/csv`.
        crate_feature: &'static str,
    },

    /// Something that is neither the caller's input nor a refused answer went wrong: a request
    /// URI that could not be formed, a watch that ended without a final state, an answer that
    /// left out a field the contract lets it leave out but the next step needs (for example
    /// `Experiment::require_id`). The reason says which; the first two should not happen, so
    /// please report them.
    #[error("[{operation}] unexpected failure: {reason}")]
    Unexpected {
        /// The operation.
        operation: &'static str,
        /// What went wrong.
        reason: Cow<'static, str>,
        /// The underlying error, if there is one.
        #[source]
        source: Option<BoxError>,
    },

    /// A helper of several calls (a dataset upload) stopped partway: what it did before
    /// (`done`: a dataset created, items added) stays done, nothing is undone, and `source`
    /// says why it stopped. Running the helper again would do that part again (add the items
    /// twice), so this error is never retryable; the status, request id and attempts are those
    /// of `source`.
    #[error("[{operation}] stopped partway; already done: {done}")]
    Partial {
        /// The helper, e.g. `upload_dataset_file`.
        operation: &'static str,
        /// What was done before it stopped, e.g. `dataset 7 holds 150 item(s) from this upload`.
        done: Cow<'static, str>,
        /// Why it stopped.
        #[source]
        source: Box<Error>,
    },

    /// The blocking client could not run the call. It prints as the [`BlockingError`] and
    /// passes that error's causes on, so a chain printer shows each once.
    #[error(transparent)]
    Blocking(#[from] BlockingError),

    /// The [`TokenProvider`](crate::TokenProvider) could not give a bearer token; nothing was
    /// sent.
    #[error("[{operation}] the token provider gave no bearer token; nothing was sent")]
    TokenProvider {
        /// The operation.
        operation: &'static str,
        /// What the provider said.
        #[source]
        source: BoxError,
    },

    /// The async call was made where it cannot run: outside a Tokio runtime, or on one built
    /// without a driver the call needs (timers, or I/O for the default HTTP client). Nothing
    /// was sent. The message says how to build the runtime; every call on that runtime fails
    /// the same way, so it is never retryable. The [`BlockingClient`](crate::BlockingClient)
    /// runs its calls on a runtime of its own and never fails so.
    #[error("[{operation}] {problem}; nothing was sent")]
    Runtime {
        /// The operation.
        operation: &'static str,
        /// What the runtime lacks.
        problem: RuntimeProblem,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return self.fmt_fields(f);
        }
        // A cause whose text the message already shows is not repeated.
        let mut shown = self.to_string();
        f.write_str(&shown)?;
        let mut heading = "\n\nCaused by:";
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            let text = error.to_string();
            if !shown.contains(&text) {
                write!(f, "{heading}\n    {text}")?;
                heading = "";
                shown.push_str(&text);
            }
            cause = error.source();
        }
        Ok(())
    }
}

impl Error {
    /// The variant and its fields (what `#[derive(Debug)]` would print).
    fn fmt_fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(error) => f.debug_tuple("Config").field(error).finish(),
            Error::InvalidInput {
                operation,
                field,
                reason,
            } => f
                .debug_struct("InvalidInput")
                .field("operation", operation)
                .field("field", field)
                .field("reason", reason)
                .finish(),
            Error::Connect {
                operation,
                attempts,
                error,
                source,
            } => f
                .debug_struct("Connect")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("error", error)
                .field("source", source)
                .finish(),
            Error::Transport {
                operation,
                attempts,
                source,
            } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("source", source)
                .finish(),
            Error::Timeout {
                operation,
                timeout,
                attempts,
                last_poll_error,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("timeout", timeout)
                .field("attempts", attempts)
                .field("last_poll_error", last_poll_error)
                .finish(),
            Error::AnswerLost {
                operation,
                status,
                request_id,
                attempts,
                source,
            } => f
                .debug_struct("AnswerLost")
                .field("operation", operation)
                .field("status", status)
                .field("request_id", request_id)
                .field("attempts", attempts)
                .field("source", source)
                .finish(),
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::Decode(error) => f.debug_tuple("Decode").field(error).finish(),
            Error::ResponseTooLarge {
                operation,
                limit,
                status,
                request_id,
                attempts,
            } => f
                .debug_struct("ResponseTooLarge")
                .field("operation", operation)
                .field("limit", limit)
                .field("status", status)
                .field("request_id", request_id)
                .field("attempts", attempts)
                .finish(),
            Error::Encoding {
                operation,
                status,
                encoding,
                failure,
                attempts,
                source,
            } => f
                .debug_struct("Encoding")
                .field("operation", operation)
                .field("status", status)
                .field("encoding", encoding)
                .field("failure", failure)
                .field("attempts", attempts)
                .field("source", source)
                .finish(),
            Error::File {
                operation,
                path,
                source,
            } => f
                .debug_struct("File")
                .field("operation", operation)
                .field("path", path)
                .field("source", source)
                .finish(),
            Error::FeatureNotEnabled {
                operation,
                what,
                feature,
                crate_feature,
            } => f
                .debug_struct("FeatureNotEnabled")
                .field("operation", operation)
                .field("what", what)
                .field("feature", feature)
                .field("crate_feature", crate_feature)
                .finish(),
            Error::Unexpected {
                operation,
                reason,
                source,
            } => f
                .debug_struct("Unexpected")
                .field("operation", operation)
                .field("reason", reason)
                .field("source", source)
                .finish(),
            Error::Partial {
                operation,
                done,
                source,
            } => f
                .debug_struct("Partial")
                .field("operation", operation)
                .field("done", done)
                .field("source", source)
                .finish(),
            Error::Blocking(error) => f.debug_tuple("Blocking").field(error).finish(),
            Error::TokenProvider { operation, source } => f
                .debug_struct("TokenProvider")
                .field("operation", operation)
                .field("source", source)
                .finish(),
            Error::Runtime { operation, problem } => f
                .debug_struct("Runtime")
                .field("operation", operation)
                .field("problem", problem)
                .finish(),
        }
    }

    /// The HTTP status, when the server answered. Compare it with [`StatusCode`] constants
    /// (re-exported as `mutagent::StatusCode`), or use [`status_code`](Self::status_code).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::AnswerLost { status, .. }
            | Error::Encoding { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Partial { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The HTTP status as a number, when the server answered:
    /// `assert_eq!(err.status_code(), Some(404))`.
    pub fn status_code(&self) -> Option<u16> {
        self.status().map(|status| status.as_u16())
    }

    /// Whether the server accepted the request (answered 2xx) although the call failed: the
    /// answer of the last attempt could not be decoded, broke off, was too large or did not
    /// arrive in time, whatever the method. The SDK sends no request again after such an
    /// answer, but a GET whose answer broke off ([`Error::AnswerLost`]), which it
    /// retries first; check the server's state before sending it again yourself.
    pub fn request_accepted(&self) -> bool {
        // Every error that comes after a 2xx head keeps its status, so the status alone
        // answers: no variant can forget to say that the server did what was asked.
        self.status().is_some_and(|status| status.is_success())
    }

    /// The request id the server gave its answer, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Decode(decode) => decode.request_id.as_deref(),
            Error::AnswerLost { request_id, .. } | Error::ResponseTooLarge { request_id, .. } => {
                request_id.as_deref()
            }
            Error::Partial { source, .. } => source.request_id(),
            _ => None,
        }
    }

    /// The operation that failed, when the error comes from a call.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::InvalidInput { operation, .. }
            | Error::Connect { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::AnswerLost { operation, .. }
            | Error::TokenProvider { operation, .. }
            | Error::Runtime { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::Encoding { operation, .. }
            | Error::File { operation, .. }
            | Error::FeatureNotEnabled { operation, .. }
            | Error::Unexpected { operation, .. }
            | Error::Partial { operation, .. } => Some(operation),
            Error::Api(api) => Some(api.operation),
            Error::Decode(decode) => Some(decode.operation),
            Error::Config(_) | Error::Blocking(_) => None,
        }
    }

    /// How many attempts were made before this error (requests sent, retries included), when
    /// the call was sent at all: `None` for a [`Timeout`](Error::Timeout) that passed before
    /// the first request went out, as for errors that come before sending.
    pub fn attempts(&self) -> Option<u32> {
        let attempts = match self {
            Error::Connect { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::AnswerLost { attempts, .. }
            | Error::ResponseTooLarge { attempts, .. }
            | Error::Encoding { attempts, .. } => Some(*attempts),
            Error::Api(api) => Some(api.attempts),
            Error::Decode(decode) => Some(decode.attempts),
            Error::Partial { source, .. } => source.attempts(),
            _ => None,
        };
        // A count of 0 (a timeout before the first request) is no attempt at all.
        attempts.filter(|&count| count > 0)
    }

    /// What failed and where, when the server could not be reached ([`Error::Connect`]).
    pub fn connect_error(&self) -> Option<&ConnectError> {
        match self {
            Error::Connect { error, .. } => Some(error),
            Error::Partial { source, .. } => source.connect_error(),
            _ => None,
        }
    }

    /// The API error, when the server refused the call (for [`Error::Partial`], the call
    /// that stopped the helper).
    pub fn as_api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::Partial { source, .. } => source.as_api_error(),
            _ => None,
        }
    }

    /// What a helper that stopped partway had already done ([`Error::Partial`]), e.g.
    /// `dataset 7 holds 150 item(s) from this upload (2 chunk(s) sent)`.
    pub fn done_before_stopping(&self) -> Option<&str> {
        match self {
            Error::Partial { done, .. } => Some(done),
            _ => None,
        }
    }

    /// Whether the same call may succeed if tried again later: connection failures, timeouts,
    /// and 408, 429 and 5xx answers. Never for [`Error::Partial`]: the helper would do again
    /// what it had done.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connect { .. } | Error::Timeout { .. } => true,
            Error::Transport { source, .. } => !head_too_large(&**source),
            Error::Api(api) => is_retryable_status(api.status),
            Error::Encoding { status, .. } => is_retryable_status(*status),
            _ => false,
        }
    }

    /// Whether this is a timeout: [`Error::Timeout`], or an [`Error::AnswerLost`] whose
    /// accepted answer was still arriving when the call's timeout passed.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::AnswerLost { source, .. } => source.is::<AnswerTimedOut>(),
            _ => false,
        }
    }

    /// Whether the resource does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the input was refused, wherever: by the SDK before sending
    /// ([`Error::InvalidInput`], nothing was sent) or by the server (HTTP 400 Bad Request or
    /// 422 Unprocessable Entity; [`as_api_error`](Self::as_api_error) gives its `message()`).
    /// Not a 409 Conflict: that input is valid but clashes with what the server holds (see
    /// [`is_conflict`](Self::is_conflict)). For [`Error::Partial`], the call that stopped it.
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::InvalidInput { .. } => true,
            Error::Partial { source, .. } => source.is_invalid_input(),
            _ => matches!(
                self.status(),
                Some(StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY)
            ),
        }
    }

    /// Whether the server refused the call because it clashes with what it holds (HTTP 409
    /// Conflict: a name already taken, a run already started). Sending it again unchanged
    /// fails the same way.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// Whether the server refused the credentials (HTTP 401 Unauthorized: no API key or
    /// token, or one it does not accept) or what they may do (HTTP 403 Forbidden: another
    /// organization's or workspace's resource, a key without the right). Tell the two apart
    /// with [`status_code`](Self::status_code). Not an [`Error::TokenProvider`]: your provider
    /// failed before anything was sent, and its error says why.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        )
    }

    /// Whether the server refused the call for too many requests (HTTP 429), once the SDK's
    /// retries were spent. [`is_retryable`](Self::is_retryable) is true for it; the server's
    /// `Retry-After`, when it sent one, is [`ApiError::retry_after`].
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// An [`Error::InvalidInput`]: `field` of `operation` was refused for `reason`.
    pub fn invalid_input(
        operation: &'static str,
        field: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Error::InvalidInput {
            operation,
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::Partial`]: the helper `operation` stopped on `source` after `done`.
    pub fn partial(
        operation: &'static str,
        done: impl Into<Cow<'static, str>>,
        source: Error,
    ) -> Self {
        Error::Partial {
            operation,
            done: done.into(),
            source: Box::new(source),
        }
    }
}

/// What the runtime an async call was made on lacks (see [`Error::Runtime`]). Each prints
/// what is wrong and how to build the runtime instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeProblem {
    /// The call was polled outside any Tokio runtime (another executor, or none).
    NoTokioRuntime,
    /// The Tokio runtime was built without timers (no `enable_time()` or `enable_all()`);
    /// every call needs them for its timeout.
    TimersDisabled,
    /// The Tokio runtime was built without I/O (no `enable_io()` or `enable_all()`); the
    /// default HTTP client needs it to connect. A client of your own
    /// (`ClientBuilder::http_client`) is not refused so: it may not need Tokio's I/O.
    IoDisabled,
    /// The Tokio runtime is being shut down (the call was made from a thread that goes on
    /// while the runtime is dropped, such as a `spawn_blocking` task): no timer can be used
    /// on it any more, and every call needs one. Checked when a call starts; a call already
    /// under way when the shutdown begins is not covered (Tokio's own panic stays).
    ShuttingDown,
}

impl fmt::Display for RuntimeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RuntimeProblem::NoTokioRuntime => {
                "the async client must be used on a Tokio 1.x runtime built with \
                 `Builder::enable_all()` (`#[tokio::main]` is one), and this call ran outside \
                 any; use the `BlockingClient` elsewhere"
            }
            RuntimeProblem::TimersDisabled => {
                "the Tokio runtime this call runs on was built without timers, which every \
                 call needs for its timeout; build it with `Builder::enable_all()` (or add \
                 `enable_time()`)"
            }
            RuntimeProblem::IoDisabled => {
                "the Tokio runtime this call runs on was built without I/O, which the default \
                 HTTP client needs to connect; build it with `Builder::enable_all()` (or add \
                 `enable_io()`)"
            }
            RuntimeProblem::ShuttingDown => {
                "the Tokio runtime this call runs on is shutting down, so no call can be made \
                 on it any more; make the call before the runtime is dropped, or use the \
                 `BlockingClient`, whose runtime is its own"
            }
        })
    }
}

/// It is also the error an HTTP client's connect failure carries when the default HTTP client
/// finds no I/O driver (the transport turns that into [`Error::Runtime`]).
impl std::error::Error for RuntimeProblem {}

/// Why a compressed answer could not be read (see [`Error::Encoding`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodingFailure {
    /// The SDK did not ask for this encoding: `br`, `deflate`, or `gzip` when the `gzip`
    /// feature is off (then no `Accept-Encoding` is sent at all).
    NotRequested,
    /// The compressed data is not valid: corrupt, cut short, or followed by garbage.
    Invalid,
}

impl fmt::Display for EncodingFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EncodingFailure::NotRequested => {
                "the SDK did not ask for it (gzip needs the `gzip` feature of mutagent)"
            }
            EncodingFailure::Invalid => "the compressed data is corrupt or cut short",
        })
    }
}

/// Why an accepted answer was lost ([`Error::AnswerLost`]) when the call's timeout passed
/// while its body was still arriving; what makes that error a timeout too.
#[derive(Debug, thiserror::Error)]
#[error("the call's timeout of {timeout:?} passed before the whole answer arrived")]
pub(crate) struct AnswerTimedOut {
    /// The call's timeout.
    pub(crate) timeout: Duration,
}

/// ` (request id …)` after a message, or nothing when the server sent none.
struct RequestIdNote<'a>(Option<&'a str>);

impl fmt::Display for RequestIdNote<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

/// How an accepted answer's error ends: the attempts, and which of them were sent again. Only
/// the last attempt's answer was accepted; the attempts before it (refused, or a GET whose
/// answer broke off) were retried, so "it was not sent again" alone would be false after
/// retries.
struct NotSentAgainNote {
    attempts: u32,
}

impl fmt::Display for NotSentAgainNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = self.attempts;
        if attempts > 1 {
            write!(
                f,
                "({attempts} attempt(s)); earlier attempts were retried, the last one was not \
                 sent again"
            )
        } else {
            write!(f, "({attempts} attempt(s)); it was not sent again")
        }
    }
}

/// What [`Error::ResponseTooLarge`] says: after a 2xx, that the server accepted the request
/// and it was not sent again (as `Decode` and `AnswerLost` say), so nobody sends it twice.
struct TooLargeNote {
    status: StatusCode,
    limit: usize,
    attempts: u32,
}

impl fmt::Display for TooLargeNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            limit, attempts, ..
        } = self;
        let status = self.status.as_u16();
        if self.status.is_success() {
            write!(
                f,
                "the server accepted the request (HTTP {status}) but the response body exceeds \
                 the limit of {limit} bytes {}",
                NotSentAgainNote {
                    attempts: *attempts
                }
            )
        } else {
            write!(
                f,
                "the response body (HTTP {status}) exceeds the limit of {limit} bytes \
                 ({attempts} attempt(s))"
            )
        }
    }
}

/// What [`Error::Timeout`] says: how many attempts were made, or that nothing was sent.
struct TimeoutNote {
    timeout: Duration,
    attempts: u32,
}

impl fmt::Display for TimeoutNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { timeout, attempts } = self;
        if *attempts == 0 {
            write!(f, "timed out after {timeout:?} before anything was sent")
        } else {
            write!(f, "timed out after {timeout:?} ({attempts} attempt(s))")
        }
    }
}

/// What [`Error::Transport`] says happened, in the SDK's words: the cause's own text stays
/// in the `source()` chain, printed once.
struct TransportNote<'a> {
    source: &'a BoxError,
    attempts: u32,
}

impl fmt::Display for TransportNote<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = self.attempts;
        if head_too_large(&**self.source) {
            write!(
                f,
                "the answer's head (status line and headers) is too large for the HTTP parser \
                 ({attempts} attempt(s)); not retried: the same head would come again"
            )
        } else {
            write!(f, "the connection failed ({attempts} attempt(s))")
        }
    }
}

/// Whether `error` or one of its causes is hyper's "head too large" (a status line and
/// headers over its buffer, or more than 100 headers). That is deterministic: the same server
/// answers the same head again, so it is not worth a retry.
pub(crate) fn head_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if current
            .downcast_ref::<hyper::Error>()
            .is_some_and(is_hyper_head_too_large)
        {
            return true;
        }
        cause = current.source();
    }
    false
}

/// hyper's own test, `is_parse_too_large`, exists only with its `server` feature, which would
/// compile hyper's server for one method; its message for that error is the same test (it
/// has not changed since hyper 0.12, and `hostile.rs` fails if it does).
fn is_hyper_head_too_large(error: &hyper::Error) -> bool {
    error.is_parse() && error.to_string() == "message head is too large"
}

/// Statuses worth retrying: 408, 429, 500, 502, 503, 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Where a configuration value came from, so that an error about it says where to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// Given in code, to the client builder method of this name (e.g. `server_url`).
    Builder(&'static str),
    /// Read from this environment variable (e.g. `MUTAGENT_SERVER_URL`).
    Environment(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builder(method) => write!(f, "given to the client builder's `.{method}(…)`"),
            Origin::Environment(variable) => {
                write!(f, "read from the environment variable `{variable}`")
            }
        }
    }
}

/// Why a connection could not be made, as far as the SDK can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectErrorKind {
    /// Nothing accepts connections at the server's address and port.
    Refused,
    /// The server's host name could not be resolved.
    Dns,
    /// No connection was made within the connect timeout.
    Timeout,
    /// The server's certificate is signed by an authority this client does not trust.
    UnknownIssuer,
    /// The server's certificate is not valid for the host name of the URL.
    NameMismatch,
    /// The server's certificate has expired or is not valid yet.
    Expired,
    /// Another TLS failure (the server does not speak TLS, no common protocol, ...).
    Tls,
    /// The proxy could not be reached.
    ProxyUnreachable,
    /// The proxy asked for credentials (HTTP 407) or refused the ones it was given.
    ProxyAuthRequired,
    /// The proxy refused to open a tunnel to the server.
    ProxyRefused,
    /// Anything else.
    Other,
}

/// Why the server could not be reached: the URL, the proxy in between if any, and the cause.
///
/// Its message (part of [`Error::Connect`]'s) says the cause in one line and what to do about
/// it; the lower-level errors stay in the `source()` chain, each printed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError {
    pub(crate) kind: ConnectErrorKind,
    pub(crate) url: String,
    pub(crate) url_origin: Option<Origin>,
    pub(crate) proxy: Option<(String, Origin)>,
    pub(crate) proxy_answer: Option<String>,
    pub(crate) not_yet_valid: bool,
    pub(crate) connect_timeout: Option<Duration>,
}

impl ConnectError {
    /// What failed.
    pub fn kind(&self) -> ConnectErrorKind {
        self.kind
    }
    /// The server URL the client was configured with.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The proxy the connection went through (without its credentials), if any.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_ref().map(|(url, _)| url.as_str())
    }
    /// The status line a proxy refused the tunnel with, e.g. `HTTP/1.1 403 Forbidden`.
    pub fn proxy_status(&self) -> Option<&str> {
        self.proxy_answer.as_deref()
    }

    /// The message of an [`Error::Connect`] after `attempts` attempts.
    pub(crate) fn message(&self, attempts: u32) -> String {
        self.describe(Some(attempts))
    }

    /// The message, naming the number of attempts when known (the `Display` of a
    /// `ConnectError` on its own does not know them: they belong to the call).
    fn describe(&self, attempts: Option<u32>) -> String {
        use std::fmt::Write as _;
        let mut out = format!("could not connect to {}", self.url);
        if let Some((proxy, origin)) = &self.proxy {
            let _ = write!(out, " through the proxy {proxy} ({origin})");
        }
        if let Some(attempts) = attempts {
            let _ = write!(out, " ({attempts} attempt(s))");
        }
        out.push_str(": ");
        let from = match self.url_origin {
            Some(origin) => format!(" (the URL was {origin})"),
            None => " (the default URL; set `MUTAGENT_SERVER_URL` or `.server_url(…)`)".to_owned(),
        };
        let host = host_of(&self.url);
        let proxy = self
            .proxy
            .as_ref()
            .map_or("the proxy", |(url, _)| url.as_str());
        let _ = match self.kind {
            ConnectErrorKind::Refused => write!(
                out,
                "connection refused; is the server running at {}?{from}",
                self.url
            ),
            ConnectErrorKind::Dns => write!(
                out,
                "DNS lookup of `{host}` failed; check the host name{from}"
            ),
            ConnectErrorKind::Timeout => {
                out.push_str("no connection within the connect timeout");
                if let Some(timeout) = self.connect_timeout {
                    let _ = write!(out, " of {timeout:?}");
                }
                write!(
                    out,
                    "; the server (or a firewall) drops the connection, or the network is \
                     slow (`.connect_timeout(…)`){from}"
                )
            }
            ConnectErrorKind::UnknownIssuer => write!(
                out,
                "TLS: the server's certificate is not trusted: it is signed by an unknown \
                 certificate authority; for a private CA or a TLS-inspecting proxy, name its \
                 PEM file in `SSL_CERT_FILE`, pass it to `.add_root_certificate(…)`, or enable \
                 the `native-roots` feature to trust the system's store"
            ),
            ConnectErrorKind::NameMismatch => write!(
                out,
                "TLS: the server's certificate is not valid for the name `{host}`; check the \
                 host name{from}"
            ),
            ConnectErrorKind::Expired if self.not_yet_valid => write!(
                out,
                "TLS: the server's certificate is not valid yet; check this machine's clock"
            ),
            ConnectErrorKind::Expired => write!(
                out,
                "TLS: the server's certificate has expired (or this machine's clock is wrong)"
            ),
            ConnectErrorKind::Tls => write!(
                out,
                "the TLS handshake failed; does the server speak HTTPS on this port?{from}"
            ),
            ConnectErrorKind::ProxyUnreachable => write!(
                out,
                "the proxy {proxy} could not be reached; check the proxy URL, or set \
                 `NO_PROXY` for hosts reached directly"
            ),
            ConnectErrorKind::ProxyAuthRequired => write!(
                out,
                "the proxy {proxy} asked for credentials ({}); give them in the proxy URL: \
                 `http://user:password@host:port`",
                self.proxy_answer.as_deref().unwrap_or("HTTP 407")
            ),
            ConnectErrorKind::ProxyRefused => write!(
                out,
                "the proxy {proxy} refused to open a tunnel to the server ({}); ask its \
                 administrator to allow it, or set `NO_PROXY` if the server is reachable directly",
                self.proxy_answer.as_deref().unwrap_or("no status line")
            ),
            ConnectErrorKind::Other => write!(out, "the connection failed"),
        };
        out
    }
}

/// The cause in one line and what to do about it, as in [`Error::Connect`]'s message but
/// without the number of attempts; the lower-level causes are in that `Error`'s `source()`
/// chain, not here.
impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(None))
    }
}

/// So it can be boxed, logged or wrapped like any error (C-GOOD-ERR).
impl std::error::Error for ConnectError {}

/// The host of `scheme://host[:port]/…` (IPv6 brackets kept).
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    if let Some(bracketed) = authority.strip_prefix('[') {
        return bracketed
            .split_once(']')
            .map_or(bracketed, |(host, _)| host);
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

/// A configuration value that was refused when the client was built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The server URL cannot be used.
    #[error("server URL `{url}` ({origin}) is not valid: {reason}")]
    InvalidServerUrl {
        /// The URL as given, with any userinfo removed.
        url: String,
        /// Why it was refused.
        reason: &'static str,
        /// Where the URL came from.
        origin: Origin,
    },
    /// Plain HTTP to a host that is not loopback.
    #[error(
        "server URL `{url}` ({origin}) uses plain http to a host that is not loopback; use \
         https, or call `.allow_insecure_http(true)` on the client builder if you really mean it"
    )]
    InsecureServerUrl {
        /// The URL (it never holds userinfo).
        url: String,
        /// Where the URL came from.
        origin: Origin,
    },
    /// The API key cannot be sent.
    #[error("the API key ({origin}) is not valid: {reason}")]
    InvalidApiKey {
        /// Why it was refused (the key itself is never shown).
        reason: &'static str,
        /// Where the key came from.
        origin: Origin,
    },
    /// The bearer token cannot be sent.
    #[error("the bearer token ({origin}) is not valid: {reason}")]
    InvalidBearerToken {
        /// Why it was refused (the token itself is never shown).
        reason: &'static str,
        /// Where the token came from.
        origin: Origin,
    },
    /// Two credentials were given where one is allowed.
    #[error(
        "both {first} and {second} were given to the client builder; give one credential \
         (an API key or a bearer token)"
    )]
    ConflictingCredentials {
        /// The first one, e.g. `.api_key(…)`.
        first: &'static str,
        /// The second one, e.g. `.bearer_token(…)`.
        second: &'static str,
    },
    /// A header value (workspace or organization id) cannot be sent.
    #[error("`{name}` ({origin}) is not a valid header value: {reason}")]
    InvalidHeaderValue {
        /// The setting, e.g. `workspace_id`.
        name: &'static str,
        /// Why it was refused.
        reason: &'static str,
        /// Where the value came from.
        origin: Origin,
    },
    /// A duration or size setting is out of range.
    #[error("`{name}` {reason}")]
    OutOfRange {
        /// The setting.
        name: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },
    /// TLS could not be set up.
    #[error("TLS setup failed")]
    Tls(#[source] Cause),
    /// A root certificate (`.add_root_certificate(…)`, `SSL_CERT_FILE`, `SSL_CERT_DIR`) cannot
    /// be used.
    #[error("root certificate {what} ({origin}) cannot be used: {reason}")]
    InvalidRootCertificate {
        /// The file or directory (for the builder, which one: `#1 given`).
        what: String,
        /// Why it was refused.
        reason: String,
        /// Where it came from.
        origin: Origin,
    },
    /// A proxy URL (`.proxy(…)`, `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`) cannot be used.
    #[error("proxy URL `{url}` ({origin}) cannot be used: {reason}")]
    InvalidProxyUrl {
        /// The URL without its credentials.
        url: String,
        /// Why it was refused.
        reason: &'static str,
        /// Where the URL came from.
        origin: Origin,
    },
    /// A setting of the default HTTP client (a proxy, the hosts reached without it, an added
    /// root certificate) was given to the client builder together with an HTTP client of your
    /// own (`.http_client(…)`), which does its own networking and would ignore it. Settings
    /// read from the environment (`HTTPS_PROXY`, `SSL_CERT_FILE`, …) are never refused so:
    /// with a client of your own the SDK does not read them.
    #[error(
        "`{setting}` was given to the client builder together with `.http_client(…)`, which \
         would ignore it (it applies to the default HTTP client only); set it on your HTTP \
         client instead (a `DefaultHttpClient`'s builder has the same setting), or leave it out"
    )]
    IgnoredByHttpClient {
        /// The setting, e.g. `.proxy(…)`.
        setting: &'static str,
    },
}

impl ConfigError {
    /// The same error, saying that the refused value came from `origin`.
    pub(crate) fn with_origin(mut self, from: Origin) -> Self {
        match &mut self {
            ConfigError::InvalidServerUrl { origin, .. }
            | ConfigError::InsecureServerUrl { origin, .. }
            | ConfigError::InvalidApiKey { origin, .. }
            | ConfigError::InvalidBearerToken { origin, .. }
            | ConfigError::InvalidHeaderValue { origin, .. }
            | ConfigError::InvalidProxyUrl { origin, .. }
            | ConfigError::InvalidRootCertificate { origin, .. } => *origin = from,
            ConfigError::OutOfRange { .. }
            | ConfigError::ConflictingCredentials { .. }
            | ConfigError::IgnoredByHttpClient { .. }
            | ConfigError::Tls(_) => {}
        }
        self
    }
}

/// Why the blocking client could not run a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlockingError {
    /// Its background runtime could not be started.
    #[error("the blocking client could not start its background runtime")]
    RuntimeStart(#[source] Cause),
    /// Its background runtime has stopped (it should not; please report it). A panic of your
    /// own code a call runs (a token provider, a custom HTTP client) is not this: it goes on
    /// on the calling thread, as with the async client.
    #[error("the blocking client's background runtime has stopped")]
    RuntimeGone,
    /// The blocking call was made on the client's own background thread, by code the client
    /// runs there (a [`TokenProvider`](crate::TokenProvider), an HTTP client or tower layer of
    /// your own): it would wait for that thread, which is busy waiting for it, forever.
    /// Refused at once; nothing was sent. There, `.await` the call on
    /// [`BlockingClient::async_client`](crate::BlockingClient::async_client) instead (in a
    /// token provider, on a client without that provider: a call that needs the token being
    /// fetched waits for it until its timeout).
    #[error(
        "a blocking call was made on the blocking client's own background thread (from a token \
         provider, HTTP client or layer it runs), where it would wait for itself forever; \
         nothing was sent: `.await` the call on `async_client()` there instead"
    )]
    CalledFromItsOwnThread,
}

/// A lower-level error kept as the cause of an SDK error (TLS setup, starting a thread). Cheap
/// to clone; equal only to its own clones. It prints the lower error's message and passes its
/// causes on, so a chain printer shows each once.
#[derive(Clone)]
pub struct Cause(std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Cause {
    /// Keeps `error` as a cause.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(error))
    }

    /// Keeps an error already boxed, to hand clones of it to several callers.
    pub(crate) fn shared(error: BoxError) -> Self {
        Self(std::sync::Arc::from(error))
    }

    /// The lower-level error.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Cause {}

/// The server refused a call: a non-success HTTP status.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) details: Option<serde_json::Value>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) body_snippet: String,
    pub(crate) hint: Option<&'static str>,
}

/// The hint of a 401 answer to a client that sent no credentials.
pub(crate) const HINT_NO_API_KEY: &str = "no API key was configured: set the environment variable \
     `MUTAGENT_API_KEY`, or pass the key to the client builder with `.api_key(…)`";

/// The hint of a 401 answer to a client that sent its key.
pub(crate) const HINT_KEY_REFUSED: &str = "the server refused the configured API key: check the \
     value of `MUTAGENT_API_KEY` or of `.api_key(…)`, and that it belongs to this server";

/// The hint of a 401 answer to a client that sent a bearer token (and no key).
pub(crate) const HINT_TOKEN_REFUSED: &str = "the server refused the bearer token: check the value \
     of `MUTAGENT_BEARER_AUTH`, of `.bearer_token(…)` or what your token provider returns";

/// The hint of a 404 answer to a client whose server URL ends in `/api`.
pub(crate) const HINT_URL_ENDS_IN_API: &str = "the server URL ends in `/api` and every operation \
     path starts with `/api/`, so this asked for `…/api/api/…`: if every call is not found, give \
     the server URL without `/api`";

impl ApiError {
    /// The operation, e.g. `get_prompt`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The API's error code (`error` in a flat body, `error.code` in a nested one).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The API's error message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// Structured details, when the body carried any.
    pub fn details(&self) -> Option<&serde_json::Value> {
        self.details.as_ref()
    }
    /// The request id (`x-request-id` header, or `meta.requestId` in the body).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The wait the server asked for with `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The start of the raw body (at most [`SNIPPET_LIMIT`] bytes), with the API key scrubbed.
    pub fn body_snippet(&self) -> &str {
        &self.body_snippet
    }
    /// What to do about it, when the SDK knows (e.g. a 401 to a client with no API key).
    pub fn hint(&self) -> Option<&str> {
        self.hint
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] HTTP {}", self.operation, self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
            (Some(text), None) | (None, Some(text)) => write!(f, ": {text}")?,
            (None, None) if !self.body_snippet.is_empty() => {
                write!(f, ": unexpected body: {}", self.body_snippet)?
            }
            (None, None) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        if let Some(hint) = self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success answer whose body does not match the expected shape.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) body_snippet: String,
}

impl DecodeError {
    /// The operation.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The JSON path that failed, e.g. `data[3].isLatest` (`.` for the whole body).
    pub fn path(&self) -> &str {
        &self.path
    }
    /// What the decoder said.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The request id, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// How many attempts were made (retried refusals before the answer that did not decode).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The start of the raw body (at most [`SNIPPET_LIMIT`] bytes), with the API key scrubbed.
    pub fn body_snippet(&self) -> &str {
        &self.body_snippet
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] the server accepted the request (HTTP {}) but its answer could not be decoded \
             at `{}`: {} {}",
            self.operation,
            self.status.as_u16(),
            self.path,
            self.message,
            NotSentAgainNote {
                attempts: self.attempts
            }
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        write!(f, "; body starts: {}", self.body_snippet)
    }
}

impl std::error::Error for DecodeError {}

/// The most bytes of a raw body kept in an error.
pub const SNIPPET_LIMIT: usize = 512;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_display_names_operation_status_code_and_request_id() {
        let err = ApiError {
            operation: "get_prompt",
            status: StatusCode::NOT_FOUND,
            code: Some("not_found".into()),
            message: Some("Prompt 7 not found".into()),
            details: None,
            request_id: Some("req-1".into()),
            retry_after: None,
            attempts: 1,
            body_snippet: String::new(),
            hint: None,
        };
        assert_eq!(
            err.to_string(),
            "[get_prompt] HTTP 404 Not Found: not_found: Prompt 7 not found (request id req-1)"
        );
        let wrapped = Error::Api(Box::new(err));
        assert_eq!(wrapped.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(wrapped.request_id(), Some("req-1"));
        assert!(!wrapped.is_retryable());
        assert!(wrapped.is_not_found());
    }

    #[test]
    fn debug_prints_the_message_then_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let err = Error::Connect {
            operation: "list_prompts",
            attempts: 4,
            error: Box::new(ConnectError {
                kind: ConnectErrorKind::Refused,
                url: "http://localhost:3003".into(),
                url_origin: None,
                proxy: None,
                proxy_answer: None,
                not_yet_valid: false,
                connect_timeout: None,
            }),
            source: Box::new(io),
        };
        let debug = format!("{err:?}");
        assert!(debug.starts_with(&err.to_string()), "{debug}");
        assert_eq!(debug.matches("connection refused").count(), 1, "{debug}");
        let fields = format!("{err:#?}");
        assert!(fields.starts_with("Connect {"), "{fields}");
        assert!(fields.contains("attempts: 4"), "{fields}");

        let api = Error::Api(Box::new(ApiError {
            operation: "get_prompt",
            status: StatusCode::UNAUTHORIZED,
            code: Some("unauthorized".into()),
            message: Some("Missing API key".into()),
            details: None,
            request_id: None,
            retry_after: None,
            attempts: 1,
            body_snippet: String::new(),
            hint: Some(HINT_NO_API_KEY),
        }));
        assert_eq!(format!("{api:?}"), api.to_string());
        assert_eq!(api.status_code(), Some(401));
        assert_eq!(api.status(), Some(StatusCode::UNAUTHORIZED));
    }

    #[test]
    fn a_missing_feature_names_it_for_both_crates_and_is_not_retried() {
        let err = Error::FeatureNotEnabled {
            operation: "upload_dataset_file",
            what: "CSV",
            feature: "mutagent/csv",
            crate_feature: "mutagent-prompt-datasets/csv",
        };
        assert_eq!(
            err.to_string(),
            "[upload_dataset_file] CSV needs the Cargo feature `mutagent/csv` \
             (`mutagent-prompt-datasets/csv` without the umbrella crate), which this build does \
             not enable; nothing was sent"
        );
        assert_eq!(format!("{err:?}"), err.to_string());
        assert!(format!("{err:#?}").starts_with("FeatureNotEnabled {"));
        assert_eq!(err.operation(), Some("upload_dataset_file"));
        assert!(!err.is_retryable());
        assert_eq!((err.attempts(), err.status()), (None, None));
    }

    /// A helper that stopped partway says what it had done, passes on its cause's status,
    /// request id and attempts, prints that cause once in its chain, and is never retryable,
    /// even when its cause is (a 503 here): running it again would repeat what it did.
    #[test]
    fn a_partial_helper_tells_what_it_did_and_is_never_retried() {
        let cause = Error::Api(Box::new(ApiError {
            operation: "bulk_create_prompt_dataset_items",
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: None,
            message: Some("overloaded".into()),
            details: None,
            request_id: Some("req_9".into()),
            retry_after: None,
            attempts: 4,
            body_snippet: String::new(),
            hint: None,
        }));
        assert!(cause.is_retryable());
        let cause_text = cause.to_string();
        let err = Error::Partial {
            operation: "upload_dataset_file",
            done: "dataset 7 holds 150 item(s) from this upload (2 chunk(s) sent)".into(),
            source: Box::new(cause),
        };
        assert_eq!(
            err.to_string(),
            "[upload_dataset_file] stopped partway; already done: dataset 7 holds 150 item(s) \
             from this upload (2 chunk(s) sent)"
        );
        assert_eq!(
            format!("{err:?}"),
            format!("{err}\n\nCaused by:\n    {cause_text}")
        );
        assert!(format!("{err:#?}").starts_with("Partial {"));
        assert!(!err.is_retryable());
        assert_eq!(err.operation(), Some("upload_dataset_file"));
        assert_eq!(err.status_code(), Some(503));
        assert_eq!(err.request_id(), Some("req_9"));
        assert_eq!(err.attempts(), Some(4));
        assert_eq!(
            err.as_api_error().map(ApiError::operation),
            Some("bulk_create_prompt_dataset_items")
        );
        assert!(!err.request_accepted());
        assert_eq!(err.connect_error(), None);
        assert_eq!(
            err.done_before_stopping(),
            Some("dataset 7 holds 150 item(s) from this upload (2 chunk(s) sent)")
        );
        assert_eq!(
            Error::invalid_input("x", "y", "z").done_before_stopping(),
            None
        );
    }

    /// Every `Result<_, Error>` of every call is at least an `Error` wide: it stays within 72
    /// bytes (a variant that needs more boxes it, as `Api` and `Decode` do).
    #[test]
    fn an_error_stays_within_72_bytes() {
        let size = std::mem::size_of::<Error>();
        assert!(size <= 72, "`Error` grew to {size} bytes");
    }

    #[test]
    fn retryable_statuses() {
        for code in [408u16, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(
                StatusCode::from_u16(code).expect("status")
            ));
        }
        for code in [400u16, 401, 403, 404, 409, 422, 501] {
            assert!(!is_retryable_status(
                StatusCode::from_u16(code).expect("status")
            ));
        }
    }
}
