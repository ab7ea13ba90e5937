//! Every fault mode: latency, status + Retry-After, reset, truncated body, dripping body,
//! `times`, seeded probability, route matching, clearing, and the `--fault` command line flag.
//! Timing assertions are lower bounds only (timers never fire early), so a loaded machine
//! cannot make them fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use std::time::{Duration, Instant};

use common::{build, parse, raw, started, Client};
use mutagent_emulator::{Collection, Emulator, Fault};
use serde_json::json;

#[tokio::test]
async fn latency_delays_then_handles() {
    let emu = Emulator::start().await.expect("start");
    emu.inject(Fault::latency(Duration::from_millis(300)).on_route("GET", "/api/prompt/"))
        .expect("a valid fault");
    let c = Client::new(emu.addr());
    let t = Instant::now();
    let r = c.get("/api/prompt/").await;
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(r.status, 200);
    let rec = emu.requests();
    assert_eq!(
        rec.last().and_then(|r| r.fault.clone()).as_deref(),
        Some("route=GET /api/prompt/;latency=300ms")
    );
}

#[tokio::test]
async fn status_with_retry_after_and_times() {
    let emu = Emulator::start().await.expect("start");
    emu.inject(
        Fault::status(503)
            .retry_after(Duration::from_secs(1))
            .on_route("GET", "/api/prompt/")
            .times(2),
    )
    .expect("a valid fault");
    let c = Client::new(emu.addr());
    for _ in 0..2 {
        let r = c.get("/api/prompt/").await;
        assert_eq!(r.header("retry-after"), Some("1"));
        assert!(r.header("x-request-id").is_some());
        assert!(r.error(503).contains("injected"));
    }
    assert_eq!(
        c.get("/api/prompt/").await.status,
        200,
        "times=2 is used up"
    );
    // Other routes were never affected, and a status fault does not run the handler.
    emu.inject(
        Fault::status(429)
            .retry_after(Duration::from_millis(1500))
            .on_route("POST", "/api/prompt/"),
    )
    .expect("a valid fault");
    let r = c
        .post("/api/prompt/", json!({"name": "x", "inputSchema": {}}))
        .await;
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.json()["error"], "rate_limited");
    assert_eq!(emu.count(Collection::Prompts), 0);
    emu.clear_faults();
    assert_eq!(
        c.post("/api/prompt/", json!({"name": "x", "inputSchema": {}}))
            .await
            .status,
        201
    );
    // times=0 never fires.
    emu.inject(Fault::status(500).times(0))
        .expect("a valid fault");
    assert_eq!(c.get("/api/prompt/").await.status, 200);
}

/// The raw bytes of a valid `create_prompt` request.
fn create_prompt_request() -> Vec<u8> {
    let body = br#"{"name":"x","inputSchema":{}}"#;
    build(
        "POST",
        "/api/prompt/",
        &[("x-api-key", "k"), ("content-type", "application/json")],
        Some(body),
    )
}

#[tokio::test]
async fn reset_closes_without_answering_and_does_not_handle() {
    let emu = Emulator::start().await.expect("start");
    emu.inject(Fault::reset().on_route("POST", "/api/prompt/").times(1))
        .expect("a valid fault");
    let req = create_prompt_request();
    let got = raw(emu.addr(), &req).await;
    assert!(
        got.as_ref().map_or(true, Vec::is_empty),
        "expected no answer, got {got:?}"
    );
    assert_eq!(emu.count(Collection::Prompts), 0);
    let rec = emu.requests();
    assert_eq!(rec.len(), 1);
    assert!(rec[0].fault.as_deref().is_some_and(|f| f.contains("reset")));
    // The next attempt goes through.
    let r = parse(&raw(emu.addr(), &req).await.expect("io")).expect("resp");
    assert_eq!(r.status, 201);
    assert_eq!(emu.count(Collection::Prompts), 1);
}

#[tokio::test]
async fn truncated_body_announces_more_than_it_sends() {
    let emu = Emulator::start().await.expect("start");
    emu.inject(Fault::truncate().on_route("POST", "/api/prompt/"))
        .expect("a valid fault");
    let req = create_prompt_request();
    let bytes = raw(emu.addr(), &req).await.unwrap_or_default();
    let r = parse(&bytes).expect("the head is sent");
    assert_eq!(r.status, 201);
    let declared: usize = r
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("content-length");
    assert!(
        r.body.len() < declared,
        "sent {} of {declared}",
        r.body.len()
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    // The request itself was handled.
    assert_eq!(emu.count(Collection::Prompts), 1);
}

#[tokio::test]
async fn drip_sends_the_whole_body_slowly() {
    let emu = Emulator::start().await.expect("start");
    emu.inject(
        Fault::drip(Duration::from_millis(20))
            .chunk_size(16)
            .on_route("GET", "/api/organizations/"),
    )
    .expect("a valid fault");
    let c = Client::new(emu.addr());
    let t = Instant::now();
    let r = c.get("/api/organizations/").await;
    let elapsed = t.elapsed();
    assert_eq!(r.status, 200);
    let declared: usize = r
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("content-length");
    assert_eq!(r.body.len(), declared);
    assert_eq!(r.json()["total"], 1);
    let gaps = declared.div_ceil(16) - 1;
    assert!(gaps >= 5, "body long enough to drip: {declared}");
    assert!(
        elapsed >= Duration::from_millis(20) * gaps as u32,
        "{elapsed:?} for {gaps} gaps"
    );
}

async fn statuses(emu: &Emulator, n: usize) -> Vec<u16> {
    let c = Client::new(emu.addr());
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(c.get("/api/workspaces/").await.status);
    }
    out
}

#[tokio::test]
async fn seeded_probability_is_repeatable() {
    let run = |seed: u64| async move {
        let emu = Emulator::builder()
            .fault(
                Fault::status(500)
                    .probability(0.5, seed)
                    .on_route("GET", "/api/workspaces/"),
            )
            .start()
            .await
            .expect("start");
        statuses(&emu, 40).await
    };
    let a = run(42).await;
    assert_eq!(a, run(42).await, "same seed, same faults");
    assert!(a.contains(&500) && a.contains(&200), "{a:?}");
    assert_ne!(a, run(43).await, "another seed, another sequence");
}

#[tokio::test]
async fn route_matching_prefix_template_and_all() {
    let (emu, c) = started().await;
    emu.inject(Fault::status(502).on_route("*", "/api/traces/*"))
        .expect("a valid fault");
    emu.inject(Fault::status(504).on_route("GET", "/api/prompt/{id}"))
        .expect("a valid fault");
    assert_eq!(c.get("/api/traces/").await.status, 502);
    assert_eq!(c.delete("/api/traces/abc").await.status, 502);
    assert_eq!(c.get("/api/prompt/5").await.status, 504);
    assert_eq!(
        c.get("/api/prompt/5/versions").await.status,
        404,
        "template matches whole segments only"
    );
    emu.clear_faults();
    emu.inject(Fault::status(500)).expect("a valid fault");
    assert_eq!(c.get("/api/workspaces/").await.status, 500);
    assert_eq!(c.post("/api/organizations/", json!({})).await.status, 500);
}

#[tokio::test]
async fn text_syntax_via_builder() {
    let f: Fault = "route=GET /api/prompt/;status=503;retry-after=1;times=2"
        .parse()
        .expect("parse");
    let emu = Emulator::builder().fault(f).start().await.expect("start");
    let c = Client::new(emu.addr());
    assert_eq!(c.get("/api/prompt/").await.status, 503);
    assert_eq!(c.get("/api/prompt/").await.status, 503);
    assert_eq!(c.get("/api/prompt/").await.status, 200);
    assert!(Fault::parse("status=700").is_err());
}

/// The emulator binary run with `args` exits with the usage code 2 and names `hint`.
fn rejects_command_line(args: &[&str], hint: &str) {
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_mutagent-emulator"))
        .args(args)
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains(hint));
}

/// The emulator binary serving on a free port with `flags` added, and the address it printed.
fn spawn_binary(flags: &[&str]) -> (std::process::Child, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mutagent-emulator"));
    command
        .args(["--listen", "127.0.0.1:0", "--quiet"])
        .args(flags)
        .stderr(std::process::Stdio::null());
    serving(command)
}

/// Starts `command`, which starts the emulator, with its stdout piped, and waits for the line
/// saying where it listens: the child and the address in that line.
fn serving(mut command: std::process::Command) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};

    let mut child = command
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut line).expect("read");
    assert!(line.contains("listening on"), "{line}");
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("url")
        .to_string();
    (child, addr)
}

/// A plain HTTP/1.1 GET of `target` on a fresh connection (no client library in the way).
fn get(addr: &str, target: &str) -> common::Resp {
    use std::io::{Read, Write};

    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let request =
        format!("GET {target} HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    parse(&out).expect("resp")
}

#[test]
fn command_line_fault_flag() {
    rejects_command_line(&["--fault", "status=abc"], "status");
    // `reset=false` would still have reset every request.
    rejects_command_line(&["--fault", "reset=false"], "`reset` is a flag");

    let (mut child, addr) = spawn_binary(&[
        "--fault",
        "route=GET /api/prompt/;status=503;retry-after=1;times=1",
    ]);
    let first = get(&addr, "/api/prompt/");
    let second = get(&addr, "/api/prompt/");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(first.status, 503);
    assert_eq!(first.header("retry-after"), Some("1"));
    assert_eq!(second.status, 200);
}

#[test]
fn command_line_traces_contract_flag() {
    rejects_command_line(&["--traces-contract", "0.3"], "0.1.2, 0.4.1");

    let (mut child, addr) = spawn_binary(&["--traces-contract", "0.4.1"]);
    let logs = get(&addr, "/api/traces/logs");
    let stats = get(&addr, "/api/traces/stats?groupBy=model");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(logs.status, 200);
    assert_eq!(logs.json(), json!({"data": [], "nextCursor": null}));
    assert_ne!(stats.status, 200, "the 0.1.2 stats route is not served");
}

/// A `Retry-After` of `Duration::MAX` is refused (the text syntax cannot write it), not a
/// panic; the longest one the text can write is sent as it is.
#[tokio::test]
async fn an_unbounded_retry_after_is_refused_and_the_longest_writable_one_is_sent() {
    let emu = Emulator::start().await.expect("start");
    let e = emu
        .inject(Fault::status(503).retry_after(Duration::MAX))
        .expect_err("refused");
    assert_eq!(e.setting(), "retry-after", "{e}");
    emu.inject(
        Fault::status(503)
            .retry_after(Duration::from_secs(999_999_999))
            .on_route("GET", "/api/prompt/"),
    )
    .expect("a valid fault");
    let c = Client::new(emu.addr());
    let r = c.get("/api/prompt/").await;
    assert_eq!(r.header("retry-after"), Some("999999999"));
    assert!(r.error(503).contains("injected"));
}

/// `after` scopes a fault to the Nth call (no off-by-one: `after(3)` spares exactly three),
/// and `times` holds under concurrent requests: the fault fires exactly as often as asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_and_times_are_exact_in_sequence_and_under_concurrency() {
    let emu = Emulator::builder()
        .fault(
            "route=GET /api/workspaces/;status=503;after=3;times=2"
                .parse()
                .expect("parse"),
        )
        .start()
        .await
        .expect("start");
    assert_eq!(statuses(&emu, 7).await, [200, 200, 200, 503, 503, 200, 200]);
    let fired: Vec<_> = emu.requests().iter().map(|r| r.fault.is_some()).collect();
    assert_eq!(fired, [false, false, false, true, true, false, false]);

    emu.clear_faults();
    emu.inject(
        Fault::status(503)
            .on_route("GET", "/api/workspaces/")
            .after(5)
            .times(7),
    )
    .expect("a valid fault");
    let c = Client::new(emu.addr());
    let answers: Vec<_> = (0..40)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.get("/api/workspaces/").await.status })
        })
        .collect();
    let mut failed = 0;
    for answer in answers {
        let status = answer.await.expect("task");
        assert!(status == 200 || status == 503, "{status}");
        failed += usize::from(status == 503);
    }
    assert_eq!(failed, 7);
}

/// SIGINT and SIGTERM stop the binary promptly and cleanly, also when it was started in the
/// background by a script: a shell starts background jobs with SIGINT ignored, so `kill -INT`
/// (what `timeout -s INT` and many CI cleanups send) used to leave it running forever.
#[cfg(unix)]
#[test]
fn command_line_stops_on_sigint_and_sigterm_even_started_in_the_background() {
    use std::process::{Command, Stdio};

    for signal in ["INT", "TERM"] {
        // `trap "" INT` ignores SIGINT, and `exec` hands that on, as `cmd &` in a script does.
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "trap '' INT; exec '{}' --listen 127.0.0.1:0 --quiet",
                env!("CARGO_BIN_EXE_mutagent-emulator")
            ))
            .stderr(Stdio::null());
        let (mut child, _) = serving(command);
        let sent = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("SIG{signal} did not stop the emulator within 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "SIG{signal}: {status:?}");
    }
}

/// The faults the text syntax refuses, built in Rust: each used to be clamped, ignored or
/// answered as something else (`probability(2.0)` always fired, `chunk_size(0)` dripped 1 byte,
/// `retry_after` on a reset did nothing, a 1xx status became a 500).
fn refused_faults() -> Vec<(Fault, &'static str, &'static str)> {
    vec![
        (Fault::status(101), "status", "101"),
        (Fault::status(600), "status", "600"),
        (Fault::reset().probability(2.0, 7), "probability", "2"),
        (
            Fault::reset().probability(f64::NAN, 7),
            "probability",
            "NaN",
        ),
        (
            Fault::drip(Duration::from_millis(1)).chunk_size(0),
            "chunk",
            "0",
        ),
        (Fault::status(503).chunk_size(4), "chunk", "4"),
        (
            Fault::reset().retry_after(Duration::from_secs(1)),
            "retry-after",
            "1s",
        ),
        (
            Fault::status(503).on_route("GET", "/api/prompt/?limit=1"),
            "route",
            "GET /api/prompt/?limit=1",
        ),
        (
            Fault::status(503).on_route("GET", "api/prompt/"),
            "route",
            "GET api/prompt/",
        ),
        (
            Fault::latency(Duration::from_secs(1_000_000_000)),
            "latency",
            "1000000000s",
        ),
    ]
}

/// `inject` refuses such a fault with an error naming the setting and the value, and installs
/// nothing: the next request is handled normally.
#[tokio::test]
async fn inject_refuses_what_the_text_syntax_refuses_and_installs_nothing() {
    let (emu, c) = started().await;
    for (fault, setting, value) in refused_faults() {
        let e = emu.inject(fault.clone()).expect_err(&fault.to_string());
        assert_eq!((e.setting(), e.value()), (setting, value), "{e}");
        assert!(e.to_string().contains(&format!("`{value}`")), "{e}");
        let r = c.get("/api/prompt/").await;
        assert_eq!(
            r.status,
            200,
            "{fault}: {:?}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(
            emu.requests().last().and_then(|r| r.fault.clone()),
            None,
            "{fault}"
        );
    }
}

/// A refused fault given to the builder makes both `start` and `start_blocking` fail with
/// `Error::Fault`, naming the setting, instead of serving another fault.
#[tokio::test]
async fn start_refuses_a_builder_fault_the_text_syntax_refuses() {
    for (fault, setting, value) in refused_faults() {
        let e = Emulator::builder()
            .fault(fault.clone())
            .start()
            .await
            .expect_err("refused");
        match &e {
            mutagent_emulator::Error::Fault { source, .. } => {
                assert_eq!((source.setting(), source.value()), (setting, value), "{e}")
            }
            other => panic!("{fault}: {other}"),
        }
        let builder = Emulator::builder()
            .fault(Fault::reset().times(1))
            .fault(fault.clone());
        let e = tokio::task::spawn_blocking(move || builder.start_blocking())
            .await
            .expect("join")
            .expect_err("refused");
        assert!(
            matches!(&e, mutagent_emulator::Error::Fault { source, .. } if source.setting() == setting),
            "{fault}: {e}"
        );
        // The refused value is in the cause, which a chain printer shows once, after the
        // message that names the fault.
        let cause = std::error::Error::source(&e)
            .expect("the refused setting")
            .to_string();
        assert!(cause.contains(value), "{e}: {cause}");
    }
}

/// The binary logs each request to stderr; once nobody reads it (`2>&1 | grep -m1 …` in a
/// script exits after its match), a request must still get its answer, not a closed
/// connection from a log line that could not be written.
#[test]
fn command_line_serves_after_its_stderr_reader_is_gone() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mutagent-emulator"));
    command
        .args(["--listen", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped());
    let (mut child, addr) = serving(command);
    drop(child.stderr.take()); // the log's reader goes away
    let answers: Vec<u16> = (0..3)
        .map(|_| {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(&addr).expect("connect");
            s.write_all(b"GET /api/prompt/ HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\r\n")
                .expect("write");
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out);
            parse(&out).map_or(0, |r| r.status)
        })
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answers, [200, 200, 200], "0: closed without an answer");
}
