//! The emulator is safe to leave running in a test suite (#18 point 4): its request log is
//! bounded in count and bytes, and no `Debug` output shows a key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use common::Client;
use mutagent_emulator::{Emulator, RECORDED_BODY_BUDGET};
use serde_json::json;

/// A prompt body of about `size` bytes.
fn big_prompt(size: usize) -> serde_json::Value {
    json!({"name": "big", "content": "x".repeat(size)})
}

#[tokio::test]
async fn recording_keeps_the_most_recent_requests_with_clipped_bodies() {
    let emu = Emulator::builder()
        .max_recorded(5)
        .max_recorded_body_bytes(1024)
        .start()
        .await
        .expect("start");
    let client = Client::new(emu.addr());
    for index in 0..20 {
        client
            .post(&format!("/api/prompt/?n={index}"), big_prompt(64 * 1024))
            .await;
    }
    let kept = emu.requests();
    assert_eq!(kept.len(), 5);
    assert_eq!(emu.requests_dropped(), 15);
    // The most recent, in order.
    let queries: Vec<_> = kept
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(queries, ["n=15", "n=16", "n=17", "n=18", "n=19"]);
    for request in &kept {
        assert_eq!(request.body.len(), 1024);
        assert!(request.body_len > 64 * 1024, "{}", request.body_len);
        assert!(request.body_clipped());
    }
}

#[tokio::test]
async fn by_default_recorded_bodies_stay_within_the_budget() {
    let emu = Emulator::start().await.expect("start");
    let client = Client::new(emu.addr());
    // 80 bodies of 1 MiB: more than the 64 MiB budget.
    for _ in 0..80 {
        client.post("/api/prompt/", big_prompt(1024 * 1024)).await;
    }
    let kept = emu.requests();
    let bytes: usize = kept.iter().map(|r| r.body.len()).sum();
    assert!(bytes <= RECORDED_BODY_BUDGET, "{bytes} bytes recorded");
    assert!(kept.len() < 80 && emu.requests_dropped() >= 16);
    assert_eq!(kept.len() as u64 + emu.requests_dropped(), 80);
}

#[tokio::test]
async fn no_record_keeps_nothing_but_serves_as_usual() {
    let emu = Emulator::builder()
        .no_record()
        .start()
        .await
        .expect("start");
    let client = Client::new(emu.addr());
    for _ in 0..3 {
        assert_eq!(client.get("/api/prompt/").await.status, 200);
    }
    assert!(emu.requests().is_empty());
    assert_eq!(emu.requests_dropped(), 3);
}

#[tokio::test]
async fn debug_output_never_shows_a_key_or_auth_header() {
    const SECRET: &str = "mt_live_emulator_secret_42";
    let builder = Emulator::builder().api_key(SECRET);
    assert!(!format!("{builder:?}").contains(SECRET), "{builder:?}");
    let emu = builder.start().await.expect("start");
    let client = Client {
        addr: emu.addr(),
        key: Some(SECRET.to_owned()),
    };
    assert_eq!(client.get("/api/prompt/").await.status, 200);
    let text = format!(
        "{emu:?} {emu:#?} {:?} {:#?}",
        emu.requests(),
        emu.requests()
    );
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
    // The value itself is still there for assertions.
    assert_eq!(emu.requests()[0].header("x-api-key"), Some(SECRET));
}

#[test]
fn command_line_record_flags() {
    let bin = env!("CARGO_BIN_EXE_mutagent-emulator");
    let bad = std::process::Command::new(bin)
        .args(["--max-recorded", "lots"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--max-recorded"));
    let help = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--max-recorded N") && help.contains("--no-record"),
        "{help}"
    );
}

/// The binary started on a taken port says which address and why (the OS reason is the
/// error's cause, which the command line prints after its message).
#[test]
fn command_line_names_a_taken_port_and_the_os_reason() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mutagent-emulator"))
        .args(["--listen", &addr.to_string()])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let os_reason = std::io::Error::from(std::io::ErrorKind::AddrInUse).to_string();
    assert!(
        stderr.contains(&format!("cannot listen on {addr}: ")),
        "{stderr}"
    );
    assert!(
        stderr.to_lowercase().contains("in use") || stderr.contains(&os_reason),
        "{stderr}"
    );
}
