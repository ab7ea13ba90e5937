//! A scripted HTTP/1.1 server on loopback for wire tests.
//!
//! It answers each request with the next scripted [`Reply`] (the last one repeats), records
//! every request it read, and can misbehave on purpose: stall, reset the connection, cut a
//! body short, drip it slowly, or send odd headers. It runs on its own thread and runtime, so
//! async and blocking tests use it alike; it stops when dropped.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    behaviour: Behaviour,
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

impl Recorded {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
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
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptedServer")
            .field("addr", &self.addr)
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
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let recorded = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("test runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind loopback");
                addr_tx
                    .send(listener.local_addr().expect("local addr"))
                    .expect("report address");
                let script = Arc::new(Script {
                    replies,
                    next: Mutex::new(0),
                });
                let serve = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let script = Arc::clone(&script);
                        let recorded = Arc::clone(&recorded);
                        tokio::spawn(serve_connection(stream, script, recorded));
                    }
                };
                tokio::select! {
                    () = serve => {}
                    _ = shutdown_rx => {}
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(100));
        });
        let addr = addr_rx.recv().expect("server address");
        Self {
            addr,
            requests,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
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

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
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
        if reply.behaviour == Behaviour::Reset {
            let _ = stream.set_zero_linger();
            return;
        }
        let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
        let has_length = reply
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-length"));
        if !has_length {
            head.push_str(&format!("content-length: {}\r\n", reply.body.len()));
        }
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        match reply.behaviour {
            Behaviour::Normal | Behaviour::Reset => {
                if stream.write_all(&reply.body).await.is_err() {
                    return;
                }
            }
            Behaviour::Truncate(sent) => {
                let sent = sent.min(reply.body.len());
                let _ = stream.write_all(&reply.body[..sent]).await;
                let _ = stream.flush().await;
                return;
            }
            Behaviour::Drip { chunk, every } => {
                for piece in reply.body.chunks(chunk) {
                    if stream.write_all(piece).await.is_err() || stream.flush().await.is_err() {
                        return;
                    }
                    tokio::time::sleep(every).await;
                }
            }
        }
        if stream.flush().await.is_err() {
            return;
        }
    }
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
