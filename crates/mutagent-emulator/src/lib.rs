//! A local, stateful emulator of the MutagenT API (the 0.1.2 contract of the prompt, dataset,
//! dataset item, evaluation, optimization, trace, experiment, organization and workspace
//! namespaces), with fault injection and request recording, for tests and demos.
//!
//! It is an independent oracle: it does not depend on the SDK crates.
//!
//! ```no_run
//! use std::time::Duration;
//! use mutagent_emulator::{Collection, Emulator, Fault};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emu = Emulator::builder().api_key("mt_test_key").seed(42).start().await?;
//! emu.inject(
//!     Fault::status(503)
//!         .retry_after(Duration::from_secs(1))
//!         .on_route("GET", "/api/prompt/")
//!         .times(2),
//! )?;
//! // ... point a client at emu.url() ...
//! assert_eq!(emu.count(Collection::Prompts), 0);
//! assert!(emu.requests().iter().all(|r| r.header("x-api-key").is_some()));
//! # Ok(()) }
//! ```
//!
//! The server always runs on a thread of its own, with a runtime of its own, and stops when the
//! handle is dropped: [`Emulator::start`] waits for it without blocking (in any runtime, or none),
//! [`Emulator::start_blocking`] blocks until it listens (for plain `#[test]`s). Either way the
//! test may use an async or a blocking client against it.
//!
//! See [docs/emulator.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/emulator.md) for the command
//! line, the fault syntax and what is modelled.

mod body;
mod clock;
mod contract;
mod emulator;
mod error;
mod faults;
mod ids;
mod query;
mod record;
mod router;
mod server;
mod state;
mod tls;
mod validate;

pub use contract::{TracesContract, UnknownTracesContract};
pub use emulator::{Emulator, EmulatorBuilder, Error};
pub use faults::{Fault, FaultParseError, InvalidFault};
pub use record::{
    RecordedRequest, DEFAULT_MAX_RECORDED, DEFAULT_MAX_RECORDED_BODY, RECORDED_BODY_BUDGET,
};
pub use state::{Collection, UnknownCollection};
