//! Writes a private CA and a server certificate issued by it, for scripts that run real
//! programs over TLS (tests/proxy/tinyproxy.sh):
//!
//! ```text
//! cargo run -p mutagent-test-support --example make_pki -- DIR NAME...
//! ```
//!
//! writes `DIR/ca.pem` (trust this), `DIR/server.pem` and `DIR/server.key` (serve these; valid
//! for every NAME, DNS names or IP addresses).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a tool: failing loudly is fine

use mutagent_test_support::{TestCa, Validity};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: make_pki DIR NAME..."));
    let names: Vec<String> = args.collect();
    assert!(!names.is_empty(), "usage: make_pki DIR NAME...");
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    std::fs::create_dir_all(&dir).expect("create DIR");
    let ca = TestCa::new("mutagent test CA (make_pki)");
    let server = ca.issue(&names, Validity::Current);
    std::fs::write(dir.join("ca.pem"), ca.pem()).expect("write ca.pem");
    std::fs::write(dir.join("server.pem"), server.cert_pem).expect("write server.pem");
    std::fs::write(dir.join("server.key"), server.key_pem).expect("write server.key");
    println!("{}", dir.display());
}
