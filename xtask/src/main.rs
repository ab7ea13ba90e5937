//! `cargo xtask`: project automation for mutagent-rs.
//!
//! Each subcommand lives in a module of its own; this file only dispatches. The commands
//! that run the SDK (`demo`, `operations`) live in the `xtask-sdk` package (`xtask/sdk`), so
//! `cargo xtask release …` and `cargo xtask budgets` build xtask alone, not the SDK.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::process::{Command, ExitCode};

mod budgets;
mod features;
mod release;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "budgets" => budgets::run(rest),
        "demo" | "operations" => run_sdk_command(command, rest),
        "features" => features::run(rest),
        "release" => release::run(rest),
        "help" | "--help" | "-h" => {
            print_help();
            Ok(())
        }
        other => Err(format!(
            "unknown xtask command `{other}`; try `cargo xtask help`"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `command` of the `xtask-sdk` package, which builds the SDK and the emulator.
fn run_sdk_command(command: &str, args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask-sdk", "--", command])
        .args(args)
        .status()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        // xtask-sdk printed its own error.
        Err(format!("`{command}` failed ({status})"))
    }
}

fn print_help() {
    println!(
        "cargo xtask <command>\n\n\
         commands:\n  \
         budgets      check the dependency budgets; print build-time ratios and binary size\n  \
         demo         the main journey through the SDK, against an in-process emulator
                      (or `--server-url URL`, key from MUTAGENT_API_KEY)
  \
         features     every published crate alone, with each of its features alone (check, docs)\n  \
         operations   print every API operation: namespace, operation, METHOD, path template\n  \
         release      plan, check, bump and publish a release (`cargo xtask release help`)\n"
    );
}
