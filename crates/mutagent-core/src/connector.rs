//! The TCP side of the default HTTP client: straight to the server, or through a proxy.
//!
//! Through a proxy, an https destination gets a `CONNECT` tunnel (hyper-util's `Tunnel`; TLS
//! to the server then runs inside it, so the proxy sees only the host and port, never a header
//! of the request) and a plain-http destination a connection to the proxy marked as proxied, so
//! hyper sends the request in absolute form. Failures come back as [`ConnectFailure`], which
//! says what failed (the proxy or the server, TCP or DNS, the tunnel's status line).

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tower_service::Service;

use crate::error::{BoxError, ConnectError, ConnectErrorKind};
use crate::future::BoxFuture;
use crate::proxy::{ProxyRoute, ProxyRules};

/// Connects to a destination, through the proxy the rules give it, if any.
#[derive(Clone)]
pub(crate) struct Connector {
    tcp: HttpConnector,
    proxies: Option<Arc<ProxyRules>>,
    /// TCP connect and proxy handshake together (TLS comes on top, in hyper-rustls).
    timeout: Duration,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("proxies", &self.proxies)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Connector {
    pub(crate) fn new(timeout: Duration, proxies: Option<Arc<ProxyRules>>) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(timeout));
        Self {
            tcp,
            proxies,
            timeout,
        }
    }

    /// The proxy a request to `destination` goes through.
    pub(crate) fn route(&self, destination: &Uri) -> Option<ProxyRoute> {
        self.proxies.as_ref()?.route(destination)
    }
}

/// A connection made by [`Connector`].
pub(crate) type Conn = TokioIo<TcpConn>;

impl Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectFailure;
    type Future = BoxFuture<'static, Result<Conn, ConnectFailure>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Each call clones the TCP connector and waits for it to be ready itself. (cargo-mutants'
        // `Poll::from(Ok(()))` here is this very value: an equivalent mutant, docs/reliability.md
        // §12; the same for `Recording` below.)
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let route = self.route(&destination);
        let tcp = self.tcp.clone();
        let timeout = self.timeout;
        Box::pin(async move {
            let connecting = connect(tcp, destination, route.clone());
            match tokio::time::timeout(timeout, connecting).await {
                Ok(result) => result,
                Err(_elapsed) => Err(ConnectFailure {
                    kind: ConnectErrorKind::Timeout,
                    proxy: route,
                    proxy_answer: None,
                    source: None,
                }),
            }
        })
    }
}

async fn connect(
    tcp: HttpConnector,
    destination: Uri,
    route: Option<ProxyRoute>,
) -> Result<Conn, ConnectFailure> {
    let Some(route) = route else {
        let stream = tcp_connect(tcp, destination)
            .await
            .map_err(|source| ConnectFailure::tcp(source, None))?;
        return Ok(TokioIo::new(TcpConn::new(stream, false, None)));
    };
    if destination.scheme_str() != Some("https") {
        // Plain http: to the proxy itself, marked as proxied (absolute-form requests).
        let stream = tcp_connect(tcp, route.uri.clone())
            .await
            .map_err(|source| ConnectFailure::tcp(source, Some(route.clone())))?;
        return Ok(TokioIo::new(TcpConn::new(stream, true, None)));
    }
    let answer = Arc::new(Mutex::new(Vec::new()));
    let tcp_failure = Arc::new(Mutex::new(None));
    let recording = Recording {
        tcp,
        answer: Arc::clone(&answer),
        tcp_failure: Arc::clone(&tcp_failure),
    };
    let mut tunnel = Tunnel::new(route.uri.clone(), recording);
    if let Some(auth) = &route.auth {
        tunnel = tunnel.with_auth(auth.clone());
    }
    let failed = |err| ConnectFailure::tunnel(err, &route, &answer, &tcp_failure);
    poll_fn(|cx| tunnel.poll_ready(cx)).await.map_err(failed)?;
    tunnel.call(destination).await.map_err(failed)
}

async fn tcp_connect(mut tcp: HttpConnector, to: Uri) -> Result<TcpStream, BoxError> {
    poll_fn(|cx| tcp.poll_ready(cx)).await?;
    Ok(tcp.call(to).await?.into_inner())
}

/// The TCP connector under a tunnel: its connections keep the first line the proxy answers
/// (hyper-util's tunnel says only "unsuccessful"; the status says why).
#[derive(Clone)]
struct Recording {
    tcp: HttpConnector,
    answer: Arc<Mutex<Vec<u8>>>,
    /// What a failed connection to the proxy was (hyper-util's tunnel error type is private).
    tcp_failure: Arc<Mutex<Option<ConnectErrorKind>>>,
}

impl Service<Uri> for Recording {
    type Response = Conn;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<Conn, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, proxy: Uri) -> Self::Future {
        let tcp = self.tcp.clone();
        let answer = Arc::clone(&self.answer);
        let tcp_failure = Arc::clone(&self.tcp_failure);
        Box::pin(async move {
            match tcp_connect(tcp, proxy).await {
                Ok(stream) => Ok(TokioIo::new(TcpConn::new(stream, false, Some(answer)))),
                Err(err) => {
                    if let Ok(mut slot) = tcp_failure.lock() {
                        *slot = Some(proxy_tcp_kind(tcp_kind(&*err)));
                    }
                    Err(err)
                }
            }
        })
    }
}

/// The longest proxy status line kept.
const ANSWER_LIMIT: usize = 200;

/// A TCP connection; through a forward proxy it says so to hyper, and under a tunnel it keeps
/// the first line the proxy answers.
pub(crate) struct TcpConn {
    tcp: TcpStream,
    forward_proxy: bool,
    answer: Option<Arc<Mutex<Vec<u8>>>>,
}

impl TcpConn {
    fn new(tcp: TcpStream, forward_proxy: bool, answer: Option<Arc<Mutex<Vec<u8>>>>) -> Self {
        Self {
            tcp,
            forward_proxy,
            answer,
        }
    }

    fn record(&mut self, read: &[u8]) {
        let Some(answer) = &self.answer else { return };
        let Ok(mut line) = answer.lock() else { return };
        let room = ANSWER_LIMIT.saturating_sub(line.len());
        let end = read
            .iter()
            .position(|&byte| byte == b'\n')
            .map_or(read.len(), |at| at + 1);
        line.extend_from_slice(&read[..end.min(room)]);
        let done = line.ends_with(b"\n") || line.len() >= ANSWER_LIMIT;
        drop(line);
        if done {
            self.answer = None;
        }
    }
}

impl AsyncRead for TcpConn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.tcp).poll_read(cx, buf);
        // (`&&` made `||` is an equivalent mutant, docs/reliability.md §12: without an answer to
        // keep, `record` returns at once; a pending or failed read filled nothing, and recording
        // nothing changes nothing.)
        if self.answer.is_some() && matches!(result, Poll::Ready(Ok(()))) {
            let read = buf.filled()[before..].to_vec();
            self.record(&read);
        }
        result
    }
}

// Every method passes through to tokio's `TcpStream`. (cargo-mutants: `is_write_vectored` made
// `true`, and `poll_flush` made `Ready(Ok(()))`, are tokio's own answers; `is_write_vectored`
// made `false` only makes hyper copy its buffers into one before writing the same bytes; and
// `poll_shutdown` made `Ready(Ok(()))` skips a half-close that hyper follows at once by dropping
// the connection, which closes it. Equivalent mutants, docs/reliability.md §12.)
impl AsyncWrite for TcpConn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

impl Connection for TcpConn {
    fn connected(&self) -> Connected {
        self.tcp.connected().proxy(self.forward_proxy)
    }
}

/// Why [`Connector`] could not connect: what failed, and through which proxy.
#[derive(Debug)]
pub(crate) struct ConnectFailure {
    pub(crate) kind: ConnectErrorKind,
    pub(crate) proxy: Option<ProxyRoute>,
    /// The status line the proxy answered a refused `CONNECT` with.
    pub(crate) proxy_answer: Option<String>,
    source: Option<BoxError>,
}

impl ConnectFailure {
    /// A TCP connection (to the server, or to `proxy`) failed.
    fn tcp(source: BoxError, proxy: Option<ProxyRoute>) -> Self {
        let kind = tcp_kind(&*source);
        Self {
            kind: if proxy.is_some() {
                proxy_tcp_kind(kind)
            } else {
                kind
            },
            proxy,
            proxy_answer: None,
            source: Some(source),
        }
    }

    /// The tunnel through `route` failed: the connection to the proxy (`tcp_failure`), or the
    /// proxy's answer to `CONNECT` (its first line is in `answer`).
    fn tunnel(
        error: impl std::error::Error + Send + Sync + 'static,
        route: &ProxyRoute,
        answer: &Mutex<Vec<u8>>,
        tcp_failure: &Mutex<Option<ConnectErrorKind>>,
    ) -> Self {
        let raw_answer = answer
            .lock()
            .ok()
            .map(|line| {
                let cut = line.len() >= ANSWER_LIMIT;
                (String::from_utf8_lossy(&line).trim().to_owned(), cut)
            })
            .filter(|(line, _)| !line.is_empty());
        let status = raw_answer
            .as_ref()
            .and_then(|(line, _)| line.split_whitespace().nth(1))
            .and_then(|code| code.parse::<u16>().ok());
        let proxy_answer = raw_answer.map(|(line, cut)| shown_answer(&line, cut, route));
        let kind = match tcp_failure.lock().ok().and_then(|slot| *slot) {
            Some(kind) => kind,
            None if status == Some(407) => ConnectErrorKind::ProxyAuthRequired,
            None => ConnectErrorKind::ProxyRefused,
        };
        Self {
            kind,
            proxy: Some(route.clone()),
            proxy_answer,
            source: Some(Box::new(error)),
        }
    }
}

/// The proxy's first line made safe to print, as a server's texts are: control characters
/// escaped (it cannot drive a terminal or forge a log line) and the proxy credentials scrubbed
/// (a proxy may echo what it refused), also the start of one that a `cut` at
/// [`ANSWER_LIMIT`] left.
fn shown_answer(line: &str, cut: bool, route: &ProxyRoute) -> String {
    let credentials = route.credential_texts();
    let secrets = crate::secret::Secrets::only(&credentials);
    let mut shown = secrets.scrub(&crate::text::escape_controls(line));
    if cut {
        secrets.drop_cut_off_tail(&mut shown);
    }
    shown
}

/// A failed connection to a proxy: refused or unresolvable means the proxy is unreachable.
fn proxy_tcp_kind(kind: ConnectErrorKind) -> ConnectErrorKind {
    match kind {
        ConnectErrorKind::Refused | ConnectErrorKind::Dns | ConnectErrorKind::Other => {
            ConnectErrorKind::ProxyUnreachable
        }
        other => other,
    }
}

/// What a failed TCP connect (hyper-util's `ConnectError`: "dns error" or "tcp connect error"
/// over an `io::Error`) was.
fn tcp_kind(error: &(dyn std::error::Error + 'static)) -> ConnectErrorKind {
    if error.to_string() == "dns error" {
        return ConnectErrorKind::Dns;
    }
    let mut cause = error.source();
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::ConnectionRefused => ConnectErrorKind::Refused,
                io::ErrorKind::TimedOut => ConnectErrorKind::Timeout,
                _ => ConnectErrorKind::Other,
            };
        }
        cause = current.source();
    }
    ConnectErrorKind::Other
}

/// Transparent over its source: it exists to carry the kind, proxy and answer to
/// [`classify`], and [`Error::Connect`](crate::Error::Connect)'s message already tells them. A
/// line of its own in a chain (`anyhow`'s `{:#}`) said only "connect failed", or repeated the
/// proxy and its status line; it prints its source's message and passes that error's causes
/// on. Only a failure without a source (the connect timeout) says something itself.
impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.source {
            return fmt::Display::fmt(source, f);
        }
        match (&self.proxy, &self.proxy_answer) {
            (Some(proxy), Some(answer)) => {
                write!(f, "the proxy {} answered `{answer}`", proxy.shown())
            }
            (Some(proxy), None) => write!(f, "connect via the proxy {} failed", proxy.shown()),
            (None, _) => f.write_str("connect failed"),
        }
    }
}

impl std::error::Error for ConnectFailure {
    /// The source's own source: the source's message is this error's (see `Display`).
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().and_then(|source| source.source())
    }
}

/// What a connect failure was, read from its source chain: the connector's own
/// [`ConnectFailure`] (TCP, DNS, proxy), a rustls certificate error (found also inside the
/// `io::Error`s TLS streams wrap it in), or a bare `io::Error` from a custom client.
pub(crate) fn classify(
    source: &(dyn std::error::Error + 'static),
    url: String,
    url_origin: Option<crate::error::Origin>,
    connect_timeout: Duration,
) -> ConnectError {
    let mut found = ConnectError {
        kind: ConnectErrorKind::Other,
        url,
        url_origin,
        proxy: None,
        proxy_answer: None,
        not_yet_valid: false,
        connect_timeout: Some(connect_timeout),
    };
    let mut io_kind = None;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source);
    while let Some(current) = cause {
        if let Some(failure) = current.downcast_ref::<ConnectFailure>() {
            found.kind = failure.kind;
            found.proxy = failure
                .proxy
                .as_ref()
                .map(|route| (route.shown(), route.origin));
            found.proxy_answer.clone_from(&failure.proxy_answer);
            return found;
        }
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            tls_kind(tls, &mut found);
            return found;
        }
        if let Some(io) = current.downcast_ref::<io::Error>() {
            if let Some(tls) = rustls_inside(io) {
                tls_kind(tls, &mut found);
                return found;
            }
            io_kind.get_or_insert(io.kind());
        }
        cause = current.source();
    }
    found.kind = match io_kind {
        Some(io::ErrorKind::ConnectionRefused) => ConnectErrorKind::Refused,
        Some(io::ErrorKind::TimedOut) => ConnectErrorKind::Timeout,
        // A TLS stream reports a handshake it could not parse as invalid data.
        Some(io::ErrorKind::InvalidData) => ConnectErrorKind::Tls,
        _ => ConnectErrorKind::Other,
    };
    found
}

/// The rustls error an `io::Error` wraps, maybe inside another `io::Error` (hyper-rustls wraps
/// tokio-rustls's): `io::Error::source` skips the wrapped error itself, so the chain alone never
/// shows it.
fn rustls_inside(io: &io::Error) -> Option<&rustls::Error> {
    let mut inner = io.get_ref()?;
    for _ in 0..4 {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        inner = inner.downcast_ref::<io::Error>()?.get_ref()?;
    }
    None
}

fn tls_kind(error: &rustls::Error, found: &mut ConnectError) {
    use rustls::CertificateError as Cert;
    found.kind = match error {
        rustls::Error::InvalidCertificate(cert) => match cert {
            Cert::UnknownIssuer => ConnectErrorKind::UnknownIssuer,
            Cert::NotValidForName | Cert::NotValidForNameContext { .. } => {
                ConnectErrorKind::NameMismatch
            }
            Cert::Expired | Cert::ExpiredContext { .. } => ConnectErrorKind::Expired,
            Cert::NotValidYet | Cert::NotValidYetContext { .. } => {
                found.not_yet_valid = true;
                ConnectErrorKind::Expired
            }
            _ => ConnectErrorKind::Tls,
        },
        _ => ConnectErrorKind::Tls,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proxy's line cut at the limit in the middle of its credentials keeps no start of them.
    #[test]
    fn a_cut_proxy_answer_keeps_no_start_of_the_credentials() {
        let route = ProxyRoute {
            uri: "http://proxy:3128".parse().expect("uri"),
            auth: Some(http::HeaderValue::from_static("Basic YWxpY2U6czNjcmV0cHc=")),
            origin: crate::error::Origin::Builder("proxy"),
        };
        let line = format!("HTTP/1.1 403 {} alice:s3cre", "x".repeat(170));
        let shown = shown_answer(&line, true, &route);
        assert!(shown.ends_with("xxx ") && !shown.contains("s3c"), "{shown}");
        let whole = "HTTP/1.1 403 no for alice:s3cretpw\u{7}";
        assert_eq!(
            shown_answer(whole, false, &route),
            "HTTP/1.1 403 no for alice:[redacted]\\u{7}"
        );
    }

    fn kind_of(error: io::Error) -> ConnectError {
        classify(
            &error,
            "https://api.example".into(),
            None,
            Duration::from_secs(3),
        )
    }

    /// A custom client's bare `io::Error`s are classified too.
    #[test]
    fn io_errors_of_custom_clients_are_classified() {
        let refused = kind_of(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(refused.kind, ConnectErrorKind::Refused);
        let timeout = kind_of(io::Error::from(io::ErrorKind::TimedOut));
        assert_eq!(timeout.kind, ConnectErrorKind::Timeout);
        assert_eq!(
            timeout.message(2),
            "could not connect to https://api.example (2 attempt(s)): no connection within the \
             connect timeout of 3s; the server (or a firewall) drops the connection, or the \
             network is slow (`.connect_timeout(…)`) (the default URL; set `MUTAGENT_SERVER_URL` \
             or `.server_url(…)`)"
        );
        // A TLS stream's handshake it could not parse, as a custom client's TLS stack reports it.
        let garbled = kind_of(io::Error::from(io::ErrorKind::InvalidData));
        assert_eq!(garbled.kind, ConnectErrorKind::Tls);
        let other = kind_of(io::Error::other("odd"));
        assert_eq!(other.kind, ConnectErrorKind::Other);
        assert!(other.message(1).ends_with("the connection failed"));
        // A rustls error wrapped twice in io::Error (as hyper-rustls does) is still found.
        let wrapped = io::Error::other(io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidYet),
        ));
        let not_yet = kind_of(wrapped);
        assert_eq!(not_yet.kind, ConnectErrorKind::Expired);
        assert!(
            not_yet.message(1).contains("not valid yet"),
            "{}",
            not_yet.message(1)
        );
    }

    /// A loopback connection whose reads `record` keeps the proxy's first line of.
    async fn recording() -> (TcpConn, Arc<Mutex<Vec<u8>>>, tokio::net::TcpListener) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let stream = TcpStream::connect(listener.local_addr().expect("address"))
            .await
            .expect("connect");
        let answer = Arc::new(Mutex::new(Vec::new()));
        let conn = TcpConn::new(stream, false, Some(Arc::clone(&answer)));
        (conn, answer, listener)
    }

    /// The proxy's status line is kept whole however the reads cut it, with its line end and
    /// nothing after it; a line that never ends is kept up to `ANSWER_LIMIT` bytes.
    #[tokio::test]
    async fn the_proxys_first_line_is_kept_across_reads() {
        let (mut conn, answer, _listener) = recording().await;
        conn.record(b"HTTP/1.1 407 Proxy ");
        conn.record(b"Authentication Required\r\nProxy-Authenticate: Basic\r\n");
        conn.record(b"\r\n");
        assert_eq!(
            String::from_utf8_lossy(&answer.lock().expect("answer")),
            "HTTP/1.1 407 Proxy Authentication Required\r\n"
        );

        let (mut conn, answer, _listener) = recording().await;
        conn.record(&[b'x'; 150]);
        conn.record(&[b'y'; 150]);
        conn.record(b"\n");
        let kept = answer.lock().expect("answer").clone();
        assert_eq!(kept.len(), ANSWER_LIMIT);
        assert_eq!(&kept[..150], &[b'x'; 150][..]);
        assert!(kept[150..].iter().all(|&byte| byte == b'y'));
    }

    /// An error with this `Display` and this source, as hyper-util's `ConnectError` is.
    #[derive(Debug)]
    struct Wrapped(&'static str, Option<io::Error>);

    impl fmt::Display for Wrapped {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1
                .as_ref()
                .map(|io| io as &(dyn std::error::Error + 'static))
        }
    }

    /// hyper-util's TCP connector errors: a DNS failure by its message, the others by the
    /// `io::Error` under them; through a proxy, a proxy that cannot be reached.
    #[test]
    fn tcp_connect_errors_are_classified() {
        let io = |kind| Some(io::Error::from(kind));
        let cases = [
            (Wrapped("dns error", None), ConnectErrorKind::Dns),
            (
                Wrapped("tcp connect error", io(io::ErrorKind::ConnectionRefused)),
                ConnectErrorKind::Refused,
            ),
            (
                Wrapped("tcp connect error", io(io::ErrorKind::TimedOut)),
                ConnectErrorKind::Timeout,
            ),
            (
                Wrapped("tcp connect error", io(io::ErrorKind::PermissionDenied)),
                ConnectErrorKind::Other,
            ),
            (Wrapped("tcp connect error", None), ConnectErrorKind::Other),
        ];
        for (error, kind) in cases {
            assert_eq!(tcp_kind(&error), kind, "{error}");
        }
        for (kind, through_a_proxy) in [
            (
                ConnectErrorKind::Refused,
                ConnectErrorKind::ProxyUnreachable,
            ),
            (ConnectErrorKind::Dns, ConnectErrorKind::ProxyUnreachable),
            (ConnectErrorKind::Other, ConnectErrorKind::ProxyUnreachable),
            (ConnectErrorKind::Timeout, ConnectErrorKind::Timeout),
        ] {
            assert_eq!(proxy_tcp_kind(kind), through_a_proxy, "{kind:?}");
        }
    }
}
