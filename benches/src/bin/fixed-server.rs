//! A loopback server that answers every request with the same `list_prompts` page, so the
//! `load` and `load_bare` examples can be compared with almost no server cost in the way.
//!
//! ```text
//! cargo run --release -p mutagent-benches --bin fixed-server -- --listen 127.0.0.1:3004
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::net::SocketAddr;
use std::process::ExitCode;

use mutagent_benches::fixtures;
use mutagent_benches::server::{self, Server};

const USAGE: &str = "\
fixed-server: answers every request with one fixed list_prompts page

OPTIONS:
    --listen ADDR     address to serve on (default 127.0.0.1:3004)
    --prompts N       prompts in the page (default 20)
    --threads N       runtime threads (default 1)
    -h, --help        print this help";

fn main() -> ExitCode {
    mutagent_benches::exit_with(run())
}

fn run() -> Result<(), String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 3004));
    let mut prompts = 20usize;
    let mut threads = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            "--listen" => {
                let text = value("--listen")?;
                listen = text
                    .parse()
                    .map_err(|_| format!("--listen: `{text}` is not an address"))?;
            }
            "--prompts" => {
                let text = value("--prompts")?;
                prompts = text
                    .parse()
                    .map_err(|_| format!("--prompts: `{text}` is not a number"))?;
            }
            "--threads" => {
                let text = value("--threads")?;
                threads = text
                    .parse()
                    .map_err(|_| format!("--threads: `{text}` is not a number"))?;
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    let server = Server::start_on(
        listen,
        threads,
        server::fixed(fixtures::prompt_page(prompts)),
    )?;
    println!("fixed-server listening on {}", server.url());
    server.wait();
    Ok(())
}
