//! What every example shares: where the server is. Without arguments an emulator is started
//! in-process (nothing to install, no key needed); `--server-url URL` runs against a real
//! server instead, with the key from `MUTAGENT_API_KEY`.

// Each example uses only a part of this module, and holds the emulator only to keep it alive.
#![allow(dead_code)]

use std::time::Duration;

use mutagent_emulator::Emulator;

/// The key the in-process emulator accepts.
const EMULATOR_KEY: &str = "mt_example_key";

/// A server to talk to, and a client builder aimed at it.
pub(crate) struct Server {
    /// A builder aimed at the server (add settings, then `build()` or `build_blocking()`).
    pub(crate) builder: mutagent::ClientBuilder,
    /// How often the examples poll evaluations and optimization jobs.
    pub(crate) poll: Duration,
    /// The in-process emulator, when no `--server-url` was given; it stops when dropped.
    pub(crate) emulator: Option<Emulator>,
}

impl Server {
    /// Reads `--server-url URL` from the command line, or starts the emulator.
    pub(crate) fn from_args() -> Result<Self, String> {
        let mut args = std::env::args().skip(1);
        match (args.next().as_deref(), args.next()) {
            (None, _) => Self::emulator(),
            (Some("--server-url"), Some(url)) => Ok(Server {
                builder: mutagent::Client::builder().server_url(url),
                poll: Duration::from_secs(2),
                emulator: None,
            }),
            _ => Err("usage: [--server-url URL] (the key comes from MUTAGENT_API_KEY)".into()),
        }
    }

    fn emulator() -> Result<Self, String> {
        let emulator = Emulator::builder()
            .api_key(EMULATOR_KEY)
            .optimization_step(Duration::from_millis(50)) // fast optimization jobs
            .start_blocking()
            .map_err(|err| format!("cannot start the emulator: {err}"))?;
        println!("(against the in-process emulator at {})", emulator.url());
        Ok(Server {
            builder: mutagent::Client::builder()
                .env(mutagent::env::EmptyEnv) // ignore MUTAGENT_* of this machine
                .server_url(emulator.url())
                .api_key(EMULATOR_KEY),
            // The shortest pause a wait takes (`polling::MIN_POLL_INTERVAL`): less is raised to it.
            poll: Duration::from_millis(100),
            emulator: Some(emulator),
        })
    }
}

/// A name that differs between runs, so the examples can run twice against one real server.
pub(crate) fn unique(name: &str) -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{name}-{millis}")
}

/// The JSON Lines file of the dataset the journeys upload (JSON Lines rather than CSV, which
/// needs the opt-in `csv` feature: the main journey runs with the default features).
pub(crate) fn questions_file() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/support-questions.jsonl")
}
