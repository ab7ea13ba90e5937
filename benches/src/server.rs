//! An in-process loopback HTTP/1.1 server on a thread of its own.
//!
//! It reads each request in full and answers with whatever its [`Handler`] returns, so its
//! own cost is tiny and the same for the SDK and for the baseline.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::BenchError;

/// Answers one request (whose body has been read in full).
pub type Handler = Arc<dyn Fn(Request<Bytes>) -> Response<Bytes> + Send + Sync>;

/// A handler that answers `200 OK` with `body` as JSON to every request.
pub fn fixed(body: impl Into<Bytes>) -> Handler {
    let body = body.into();
    Arc::new(move |_request| json(StatusCode::OK, body.clone()))
}

/// A JSON response.
pub fn json(status: StatusCode, body: Bytes) -> Response<Bytes> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A running loopback server; dropping it stops it.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on `127.0.0.1` (a free port) driven by one thread.
    pub fn start(handler: Handler) -> Result<Self, BenchError> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), 1, handler)
    }

    /// Starts a server on `addr` driven by `threads` runtime threads (1 = a current-thread
    /// runtime).
    pub fn start_on(
        addr: SocketAddr,
        threads: usize,
        handler: Handler,
    ) -> Result<Self, BenchError> {
        let runtime = if threads <= 1 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .enable_all()
                .build()
        }
        .map_err(|err| format!("cannot start the server runtime: {err}"))?;
        let listener = runtime
            .block_on(TcpListener::bind(addr))
            .map_err(|err| format!("cannot listen on {addr}: {err}"))?;
        let addr = listener
            .local_addr()
            .map_err(|err| format!("no local address: {err}"))?;
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    loop {
                        let accepted = tokio::select! {
                            _ = &mut stopped => break,
                            accepted = listener.accept() => accepted,
                        };
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        let handler = Arc::clone(&handler);
                        tokio::spawn(async move {
                            let service = service_fn(move |request: Request<Incoming>| {
                                let handler = Arc::clone(&handler);
                                async move { Ok::<_, Infallible>(answer(&handler, request).await) }
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                });
            })
            .map_err(|err| format!("cannot start the server thread: {err}"))?;
        Ok(Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        // Keep the stop signal alive: dropping it would stop the server.
        let _running = self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn answer(handler: &Handler, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    match body.collect().await {
        Ok(collected) => {
            let request = Request::from_parts(parts, collected.to_bytes());
            handler(request).map(Full::new)
        }
        Err(_) => {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::BAD_REQUEST;
            response
        }
    }
}
