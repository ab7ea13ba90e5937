//! The handle itself: blocking use, shutdown on drop, request recording, counts, snapshots,
//! seeded ids, body size limit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::{parse, prompt, started, Client};
use mutagent_emulator::{Collection, Emulator};
use serde_json::json;

fn sync_get(addr: std::net::SocketAddr, path: &str) -> common::Resp {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    // A server that cannot answer must fail the test, not hang it.
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\r\n")
            .as_bytes(),
    )
    .expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    parse(&out).expect("resp")
}

#[test]
fn blocking_start_serves_and_drop_stops() {
    let emu = Emulator::builder().seed(3).start_blocking().expect("start");
    assert!(emu.url().starts_with("http://127.0.0.1:"));
    let addr = emu.addr();
    let r = sync_get(addr, "/api/workspaces/");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["total"], 1);
    assert_eq!(sync_get(addr, "/health").json()["status"], "ok");
    drop(emu);
    // The thread was joined, so the listener is gone.
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn blocking_handle_can_be_dropped_inside_a_runtime() {
    let emu = Emulator::start_blocking().expect("start");
    let addr = emu.addr();
    assert_eq!(Client::new(addr).get("/api/prompt/").await.status, 200);
    drop(emu);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// The pitfall that used to deadlock: the server started with `start().await` in a
/// single-threaded `#[tokio::test]`, then a blocking call from that same (only) runtime thread.
/// The server now runs on its own thread, so the blocking call is answered.
#[tokio::test(flavor = "current_thread")]
async fn async_start_then_blocking_calls_on_the_same_runtime_thread() {
    let emu = Emulator::start().await.expect("start");
    for _ in 0..3 {
        let r = sync_get(emu.addr(), "/api/workspaces/");
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["total"], 1);
    }
    // And the async side still works on the same runtime afterwards.
    assert_eq!(
        Client::new(emu.addr()).get("/api/prompt/").await.status,
        200
    );
}

/// `start()` needs no Tokio runtime: awaited by a bare executor it still serves.
#[test]
fn async_start_works_outside_any_tokio_runtime() {
    let emu = block_on(Emulator::builder().seed(5).start()).expect("start");
    assert_eq!(sync_get(emu.addr(), "/health").json()["status"], "ok");
    let addr = emu.addr();
    drop(emu);
    assert!(std::net::TcpStream::connect(addr).is_err());
}

/// A bind failure is reported by `start()` as `Error::Bind`, naming the address.
#[tokio::test]
async fn async_start_reports_a_busy_address() {
    let first = Emulator::start().await.expect("start");
    let err = Emulator::builder()
        .listen(first.addr())
        .start()
        .await
        .expect_err("the port is taken");
    assert!(
        matches!(err, mutagent_emulator::Error::Bind { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("cannot listen on {}", first.addr())),
        "{err}"
    );
    // The OS reason is the cause, printed once in a chain: not in the message too.
    let cause = std::error::Error::source(&err)
        .expect("the OS error")
        .to_string();
    assert!(!err.to_string().contains(&cause), "{err}");
}

/// More serving threads serve the same way.
#[test]
fn several_worker_threads_serve() {
    let emu = Emulator::builder()
        .worker_threads(2)
        .start_blocking()
        .expect("start");
    assert_eq!(sync_get(emu.addr(), "/api/workspaces/").status, 200);
}

/// The smallest executor there is: polls a future on this thread, parking between wake-ups.
fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(out) => return out,
            Poll::Pending => std::thread::park(),
        }
    }
}

#[tokio::test]
async fn async_handle_stops_when_dropped() {
    let emu = Emulator::start().await.expect("start");
    let addr = emu.addr();
    assert_eq!(Client::new(addr).get("/api/prompt/").await.status, 200);
    drop(emu);
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting after drop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn requests_are_recorded() {
    let (emu, c) = started().await;
    let r = c
        .post("/api/prompt/", json!({"name": "p", "inputSchema": {}}))
        .await;
    c.get("/api/prompt/?limit=5").await;
    let rec = emu.requests();
    assert_eq!(rec.len(), 2);
    assert!(rec[0].is("POST", "/api/prompt/"));
    assert_eq!(rec[0].header("X-API-KEY"), Some(common::KEY));
    assert_eq!(rec[0].header("content-type"), Some("application/json"));
    assert_eq!(
        rec[0].body_json(),
        Some(json!({"name": "p", "inputSchema": {}}))
    );
    assert_eq!(Some(rec[0].request_id.as_str()), r.header("x-request-id"));
    assert_eq!(rec[1].query.as_deref(), Some("limit=5"));
    assert!(rec[1].body.is_empty());
    assert_eq!(
        rec.iter().filter(|r| r.is("POST", "/api/prompt/")).count(),
        1,
        "the POST was sent once"
    );
    emu.clear_requests();
    assert!(emu.requests().is_empty());
    // A client-given request id is echoed.
    let resp = parse(
        &common::raw(
            emu.addr(),
            &common::build(
                "GET",
                "/api/prompt/",
                &[("x-api-key", "k"), ("x-request-id", "abc-123")],
                None,
            ),
        )
        .await
        .expect("io"),
    )
    .expect("resp");
    assert_eq!(resp.header("x-request-id"), Some("abc-123"));
}

#[tokio::test]
async fn counts_snapshot_and_seeded_ids() {
    let run = |seed| async move {
        let emu = Emulator::builder().seed(seed).start().await.expect("start");
        let c = Client::new(emu.addr());
        let p = prompt(&c, "p", "t").await;
        (emu, p["promptGroupId"].as_str().expect("g").to_string())
    };
    let (emu, g1) = run(5).await;
    let (_e2, g2) = run(5).await;
    let (_e3, g3) = run(6).await;
    assert_eq!(g1, g2);
    assert_ne!(g1, g3);
    assert_eq!(emu.count(Collection::Prompts), 1);
    assert_eq!(emu.count("organizations".parse().expect("name")), 1);
    assert_eq!(emu.count(Collection::Workspaces), 1);
    assert!("widgets".parse::<Collection>().is_err());
    let snap = emu.snapshot();
    assert_eq!(snap["prompts"][0]["promptGroupId"], g1.as_str());
    assert_eq!(snap["organizations"].as_array().map(Vec::len), Some(1));
    for c in Collection::ALL {
        assert_eq!(c.name().parse::<Collection>().ok(), Some(c));
    }
    // Every collection but the spans (inside their traces) is in the snapshot, whole.
    let camel = |name: &str| {
        let mut parts = name.split('_');
        let first = parts.next().unwrap_or_default().to_string();
        parts.fold(first, |mut out, part| {
            let mut chars = part.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(chars.as_str());
            out
        })
    };
    for c in Collection::ALL
        .into_iter()
        .filter(|c| *c != Collection::Spans)
    {
        let key = camel(c.name());
        let stored = snap[&key].as_array().map(Vec::len);
        assert_eq!(stored, Some(emu.count(c)), "snapshot[{key}]");
    }
    assert!(
        snap["organizationMembers"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "the implicit user owns the default organization"
    );
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let emu = Emulator::builder()
        .max_body_bytes(64)
        .start()
        .await
        .expect("start");
    let c = Client::new(emu.addr());
    let r = c
        .post(
            "/api/prompt/",
            json!({"name": "x".repeat(100), "inputSchema": {}}),
        )
        .await;
    assert!(r.error(413).contains("64"));
    // Refused, but received: the log has it, as it has every other answered request.
    let recorded = emu.requests();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let req = &recorded[0];
    assert!(req.is("POST", "/api/prompt/"));
    assert_eq!(Some(req.request_id.as_str()), r.header("x-request-id"));
    assert!(req.body_len > 64 && req.body_clipped(), "{req:?}");
}

/// What parallel tests do: 16 threads each start an emulator at once. Every one gets a port of
/// its own and state of its own (the same first id, its own counts), and dropping them stops
/// them all.
#[test]
fn many_emulators_started_at_once_are_independent() {
    let started: Vec<_> = (0..16)
        .map(|_| std::thread::spawn(|| Emulator::start_blocking().expect("start")))
        .collect();
    let emus: Vec<_> = started
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    let mut ports: Vec<_> = emus.iter().map(|e| e.addr().port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 16);
    let body = r#"{"name":"p","inputSchema":{},"systemPrompt":"x"}"#;
    for emu in &emus {
        let mut s = std::net::TcpStream::connect(emu.addr()).expect("connect");
        let request = format!(
            "POST /api/prompt/ HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\
             content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(request.as_bytes()).expect("write");
        let mut out = Vec::new();
        s.read_to_end(&mut out).expect("read");
        let created = parse(&out).expect("resp");
        assert_eq!(created.status, 201);
        assert_eq!(created.json()["id"], 1, "ids are per instance");
        assert_eq!(emu.count(Collection::Prompts), 1);
    }
    let addrs: Vec<_> = emus.iter().map(Emulator::addr).collect();
    drop(emus);
    for addr in addrs {
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "{addr} still listens"
        );
    }
}
