//! An in-process HTTP proxy that records what it saw: `CONNECT` tunnels for https, and
//! absolute-form requests for plain http (forwarded in origin form, as real proxies do).
//!
//! Every destination can be sent to one address ([`CapturingProxy::start_to`]), so a client
//! can aim at a name such as `api.mutagent.test` that no DNS knows; or the proxy can refuse
//! every request with a status ([`CapturingProxy::refusing`]).

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::loopback::Loopback;

/// One request head the proxy read (the `CONNECT` or the forwarded request).
#[derive(Debug, Clone)]
pub struct ProxySaw {
    /// `CONNECT`, `GET`, ...
    pub method: String,
    /// The request target: `host:port` for `CONNECT`, the absolute URL otherwise.
    pub target: String,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The whole head as read, for "this never appeared" checks.
    pub raw: String,
}

impl ProxySaw {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::header_value(&self.headers, name)
    }
}

/// The running proxy; it stops when dropped.
pub struct CapturingProxy {
    server: Loopback,
    seen: Arc<Mutex<Vec<ProxySaw>>>,
}

impl fmt::Debug for CapturingProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CapturingProxy")
            .field("addr", &self.server.addr())
            .finish()
    }
}

#[derive(Clone, Copy)]
enum Mode {
    /// Connect to `Some(addr)`, or to the requested host and port.
    Relay(Option<SocketAddr>),
    /// Answer every request with this status line, and close.
    Refuse(&'static str),
}

impl CapturingProxy {
    /// A proxy that connects to whatever host and port it is asked for.
    pub fn start() -> Self {
        Self::spawn(Mode::Relay(None))
    }

    /// A proxy that connects every request to `upstream`, whatever it is asked for.
    pub fn start_to(upstream: SocketAddr) -> Self {
        Self::spawn(Mode::Relay(Some(upstream)))
    }

    /// A proxy that answers every request with `status_line` (e.g.
    /// `"403 Forbidden"` or `"407 Proxy Authentication Required"`).
    pub fn refusing(status_line: &'static str) -> Self {
        Self::spawn(Mode::Refuse(status_line))
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Every request head read so far.
    pub fn seen(&self) -> Vec<ProxySaw> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn spawn(mode: Mode) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&seen);
        let server = Loopback::serve(move |stream| serve(stream, mode, Arc::clone(&recorded)));
        Self { server, seen }
    }
}

async fn serve(mut client: TcpStream, mode: Mode, seen: Arc<Mutex<Vec<ProxySaw>>>) {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let mut chunk = [0u8; 4096];
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
        if buffer.len() > 64 * 1024 {
            return;
        }
    };
    let raw = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = raw.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    seen.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(ProxySaw {
            method: method.clone(),
            target: target.clone(),
            headers: headers.clone(),
            raw: raw.clone(),
        });
    let upstream = match mode {
        Mode::Refuse(status) => {
            let answer =
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = client.write_all(answer.as_bytes()).await;
            return;
        }
        Mode::Relay(to) => to,
    };
    let connect = method.eq_ignore_ascii_case("CONNECT");
    let authority = if connect {
        target.clone()
    } else {
        // http://host:port/path → host:port
        let rest = target
            .split_once("://")
            .map_or(target.as_str(), |(_, rest)| rest);
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.contains(':') {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        }
    };
    let server = match upstream {
        Some(addr) => TcpStream::connect(addr).await,
        None => TcpStream::connect(authority.as_str()).await,
    };
    let Ok(mut server) = server else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    };
    let rest = buffer[head_end..].to_vec();
    if connect {
        if client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
    } else {
        // Forward in origin form, without the proxy's own header.
        let origin_target = target
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_owned()))
            .unwrap_or_else(|| "/".to_owned());
        let mut head = format!("{method} {origin_target} HTTP/1.1\r\n");
        for (name, value) in &headers {
            if name != "proxy-authorization" && name != "proxy-connection" {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str("\r\n");
        if server.write_all(head.as_bytes()).await.is_err() {
            return;
        }
    }
    if server.write_all(&rest).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}
