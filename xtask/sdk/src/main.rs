//! The `cargo xtask` commands that need the SDK: `cargo xtask demo` and `cargo xtask
//! operations` run this binary (`cargo run -p xtask-sdk -- <command>`), so that the other
//! xtask commands (release, budgets) build xtask alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::process::ExitCode;

mod demo;
mod operations;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((command, rest)) if command == "demo" => demo::run(rest),
        Some((command, rest)) if command == "operations" => operations::run(rest),
        _ => Err("usage: xtask-sdk <demo [--server-url URL] | operations>".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
