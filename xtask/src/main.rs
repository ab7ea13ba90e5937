//! `cargo xtask`: project automation for mutagent-rs.
//!
//! Each subcommand lives in a module of its own; this file only dispatches.

use std::process::ExitCode;

mod budgets;
mod demo;
mod operations;
mod release;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "budgets" => budgets::run(rest),
        "demo" => demo::run(rest),
        "operations" => operations::run(rest),
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

fn print_help() {
    println!(
        "cargo xtask <command>\n\n\
         commands:\n  \
         budgets      check the dependency budgets; print build times and binary size\n  \
         demo         the main journey through the SDK, against an in-process emulator
                      (or `--server-url URL`, key from MUTAGENT_API_KEY)
  \
         operations   print every API operation: namespace, operation, METHOD, path, contract\n  \
         release      plan, check, bump and publish a release (`cargo xtask release help`)\n"
    );
}
