//! A scripted HTTP/1.1 server on loopback for wire tests.
//!
//! It answers each request with the next scripted [`Reply`] (the last one repeats), records
//! every request it read, and can misbehave on purpose: stall, reset the connection, cut a
//! body short, drip it slowly, or send odd headers. It runs on its own thread and runtime, so
//! async and blocking tests use it alike; it stops when dropped.
//!
//! For hostile-server tests it can also send bodies with chunked transfer encoding (no
//! `content-length`), generate huge bodies without holding them in memory
//! ([`Reply::generated`]), add thousands of header lines ([`Reply::filler_headers`]) and write
//! raw bytes instead of a well-formed answer ([`Reply::raw`]); it counts the connections it
//! accepted and the body bytes it managed to write, so a test can prove the client stopped
//! reading early.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

pub mod bench;

mod loopback;
use loopback::Loopback;

mod temp_dir;
pub use temp_dir::TempDir;

mod shutdown;
pub use shutdown::while_a_runtime_shuts_down;

mod proxy;
pub use proxy::{CapturingProxy, ProxySaw};

mod tls;
pub use tls::{ServerCert, TestCa, TlsServer, Validity};

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    behaviour: Behaviour,
    /// Send the body with `transfer-encoding: chunked` instead of `content-length`.
    chunked: bool,
    /// A body of this many filler bytes, generated while writing instead of `body`.
    generated: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
enum Behaviour {
    Normal,
    /// Close the connection without answering.
    Reset,
    /// Announce the full length, send `n` bytes, close.
    Truncate(usize),
    /// Send the body one chunk of `chunk` bytes every `every`.
    Drip {
        chunk: usize,
        every: Duration,
    },
    /// Write these bytes instead of an HTTP answer, then close.
    Raw(Vec<u8>),
}

impl Reply {
    /// A reply with `status` and an empty body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            behaviour: Behaviour::Normal,
            chunked: false,
            generated: None,
        }
    }

    /// `status` with a JSON body.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// `status` with a raw body (no content type).
    pub fn text(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::status(status).body(body)
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Waits before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Closes the connection without answering.
    pub fn reset() -> Self {
        let mut reply = Self::status(500);
        reply.behaviour = Behaviour::Reset;
        reply
    }

    /// Sends only the first `sent` bytes of the body, then closes.
    pub fn truncate(mut self, sent: usize) -> Self {
        self.behaviour = Behaviour::Truncate(sent);
        self
    }

    /// Sends the body `chunk` bytes at a time, waiting `every` between chunks.
    pub fn drip(mut self, chunk: usize, every: Duration) -> Self {
        self.behaviour = Behaviour::Drip {
            chunk: chunk.max(1),
            every,
        };
        self
    }

    /// Writes `bytes` instead of an HTTP answer (a broken status line, a half head, ...),
    /// then closes the connection.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        let mut reply = Self::status(200);
        reply.behaviour = Behaviour::Raw(bytes.into());
        reply
    }

    /// Sends the body with `transfer-encoding: chunked` and no `content-length`, so the
    /// client cannot know its size in advance. Combines with [`drip`](Self::drip) (one chunk
    /// per drip), [`truncate`](Self::truncate) (no final chunk) and
    /// [`generated`](Self::generated).
    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }

    /// `status` with a body of `length` filler bytes (`x`), generated while it is written:
    /// a gigabyte costs the server no memory.
    pub fn generated(status: u16, length: u64) -> Self {
        let mut reply = Self::status(status);
        reply.generated = Some(length);
        reply
    }

    /// Adds `count` header lines `x-filler-<n>: <n>`.
    pub fn filler_headers(mut self, count: usize) -> Self {
        self.headers
            .extend((0..count).map(|n| (format!("x-filler-{n}"), n.to_string())));
        self
    }

    fn body_len(&self) -> u64 {
        self.generated.unwrap_or(self.body.len() as u64)
    }
}

/// A request as the server read it.
#[derive(Clone)]
pub struct Recorded {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The path without the query, exactly as sent (still percent-encoded).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// When the request was read.
    pub at: Instant,
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish_non_exhaustive()
    }
}

/// The value of header `name` (case-insensitive) among `headers`.
pub(crate) fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

impl Recorded {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The query parameters, percent-decoded (`+` is kept as is), in order.
    pub fn query_params(&self) -> Vec<(String, String)> {
        let Some(query) = &self.query else {
            return Vec::new();
        };
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(name), percent_decode(value))
            })
            .collect()
    }

    /// The percent-decoded value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_params()
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The path, percent-decoded (invalid UTF-8 shown as U+FFFD).
    pub fn decoded_path(&self) -> String {
        percent_decode(&self.path)
    }

    /// The body parsed as JSON (`Null` when empty).
    pub fn json(&self) -> serde_json::Value {
        if self.body.is_empty() {
            return serde_json::Value::Null;
        }
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// The running server.
pub struct ScriptedServer {
    server: Loopback,
    requests: Arc<Mutex<Vec<Recorded>>>,
    counters: Arc<Counters>,
}

impl fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptedServer")
            .field("addr", &self.server.addr())
            .finish()
    }
}

impl ScriptedServer {
    /// Starts a server that answers with `replies` in order (the last one repeats).
    ///
    /// # Panics
    /// When no loopback port can be bound (a broken test machine).
    pub fn start(replies: Vec<Reply>) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let counters = Arc::new(Counters::default());
        let server_counters = Arc::clone(&counters);
        let recorded = Arc::clone(&requests);
        let script = Arc::new(Script {
            replies,
            next: Mutex::new(0),
        });
        let server = Loopback::serve(move |stream| {
            server_counters.connections.fetch_add(1, Ordering::SeqCst);
            serve_connection(
                stream,
                Arc::clone(&script),
                Arc::clone(&recorded),
                Arc::clone(&server_counters),
            )
        });
        Self {
            server,
            requests,
            counters,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many TCP connections the server accepted so far.
    pub fn connections(&self) -> usize {
        self.counters.connections.load(Ordering::SeqCst)
    }

    /// How many body bytes the server managed to hand to the socket so far, over all
    /// replies (heads and chunk framing not counted). A client that stops reading makes the
    /// server's writes fail soon after, so this bounds what the client could have buffered.
    pub fn body_bytes_sent(&self) -> u64 {
        self.counters.body_bytes.load(Ordering::SeqCst)
    }

    /// The only request read so far.
    ///
    /// # Panics
    /// When the server read no request or more than one.
    pub fn single_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:?}"
        );
        requests.into_iter().next().expect("one request")
    }
}

#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    body_bytes: AtomicU64,
}

struct Script {
    replies: Vec<Reply>,
    next: Mutex<usize>,
}

impl Script {
    fn next_reply(&self) -> Reply {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let index = (*next).min(self.replies.len().saturating_sub(1));
        *next += 1;
        self.replies
            .get(index)
            .cloned()
            .unwrap_or_else(|| Reply::status(500).body("no reply scripted"))
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    script: Arc<Script>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    counters: Arc<Counters>,
) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        recorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        let reply = script.next_reply();
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        match &reply.behaviour {
            Behaviour::Reset => {
                let _ = stream.set_zero_linger();
                return;
            }
            Behaviour::Raw(bytes) => {
                let _ = stream.write_all(bytes).await;
                let _ = stream.flush().await;
                return;
            }
            _ => {}
        }
        let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
        let has_header = |wanted: &str| {
            reply
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(wanted))
        };
        if reply.chunked {
            if !has_header("transfer-encoding") {
                head.push_str("transfer-encoding: chunked\r\n");
            }
        } else if !has_header("content-length") {
            head.push_str(&format!("content-length: {}\r\n", reply.body_len()));
        }
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        if !write_body(&mut stream, &reply, &counters.body_bytes).await {
            return;
        }
        if stream.flush().await.is_err() {
            return;
        }
    }
}

/// Writes the body as the reply's behaviour says; `false` when the connection is done.
async fn write_body(stream: &mut TcpStream, reply: &Reply, sent: &AtomicU64) -> bool {
    let total = reply.body_len();
    let (end, close_after) = match reply.behaviour {
        Behaviour::Truncate(keep) => (total.min(keep as u64), true),
        _ => (total, false),
    };
    let (piece, every) = match reply.behaviour {
        Behaviour::Drip { chunk, every } => (chunk, Some(every)),
        _ => (64 * 1024, None),
    };
    let filler = match reply.generated {
        Some(_) => vec![b'x'; piece.min(usize::try_from(end).unwrap_or(usize::MAX))],
        None => Vec::new(),
    };
    let mut offset = 0u64;
    while offset < end {
        let len = piece.min(usize::try_from(end - offset).unwrap_or(usize::MAX));
        let data: &[u8] = match reply.generated {
            Some(_) => &filler[..len],
            None => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX);
                &reply.body[start..start + len]
            }
        };
        let written = if reply.chunked {
            let mut framed = format!("{len:x}\r\n").into_bytes();
            framed.extend_from_slice(data);
            framed.extend_from_slice(b"\r\n");
            stream.write_all(&framed).await
        } else {
            stream.write_all(data).await
        };
        if written.is_err() {
            return false;
        }
        sent.fetch_add(len as u64, Ordering::SeqCst);
        offset += len as u64;
        if let Some(every) = every {
            if stream.flush().await.is_err() {
                return false;
            }
            tokio::time::sleep(every).await;
        }
    }
    if close_after {
        let _ = stream.flush().await;
        return false;
    }
    if reply.chunked && stream.write_all(b"0\r\n\r\n").await.is_err() {
        return false;
    }
    true
}

/// Reads one HTTP/1.1 request (headers and a `content-length` body).
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Recorded> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target, None),
    };
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
        at: Instant::now(),
    })
}

/// Decodes `%XX` escapes; malformed escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'%' && at + 2 < bytes.len() {
            let hex = |b: u8| char::from(b).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[at + 1]), hex(bytes[at + 2])) {
                out.push((high * 16 + low) as u8);
                at += 3;
                continue;
            }
        }
        out.push(byte);
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
