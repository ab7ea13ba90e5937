//! What the `load` and `load_bare` examples share: options, the measuring window and the report.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) const USAGE: &str = "\
OPTIONS:
    --server-url URL     the server, e.g. http://127.0.0.1:3003 (required)
    --concurrency N      calls in flight at once (default 1)
    --seconds S          how long to measure (default 10)
    --warmup S           how long to run before measuring (default 1)
    --blocking           use blocking calls from N threads instead of N async tasks
    --api-key KEY        x-api-key to send (default: $MUTAGENT_API_KEY, else mt_load_test)
    -h, --help           print this help

Each call is `GET /api/prompt/?limit=20`, decoded into the typed page; retries are off, so
every call is one request. The last line printed is `requests_per_second: N`.";

/// The command line.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) server_url: String,
    pub(crate) concurrency: usize,
    pub(crate) seconds: f64,
    pub(crate) warmup: f64,
    pub(crate) blocking: bool,
    pub(crate) api_key: String,
}

impl Options {
    /// Parses the process's arguments; `Ok(None)` means help was printed.
    pub(crate) fn from_args(name: &str) -> Result<Option<Options>, String> {
        let mut server_url = None;
        let mut concurrency = 1usize;
        let mut seconds = 10.0f64;
        let mut warmup = 1.0f64;
        let mut blocking = false;
        let mut api_key = std::env::var("MUTAGENT_API_KEY")
            .ok()
            .filter(|key| !key.is_empty())
            .unwrap_or_else(|| "mt_load_test".to_owned());
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .ok_or_else(|| format!("{flag} needs a value (see --help)"))
            };
            match arg.as_str() {
                "-h" | "--help" => {
                    println!("{name}: load a MutagenT server with list_prompts calls\n\n{USAGE}");
                    return Ok(None);
                }
                "--server-url" => server_url = Some(value("--server-url")?),
                "--concurrency" => {
                    let text = value("--concurrency")?;
                    concurrency = text
                        .parse()
                        .ok()
                        .filter(|n| (1..=100_000).contains(n))
                        .ok_or_else(|| {
                            format!("--concurrency: `{text}` is not a number from 1 to 100000")
                        })?;
                }
                "--seconds" => seconds = positive(&value("--seconds")?, "--seconds", false)?,
                "--warmup" => warmup = positive(&value("--warmup")?, "--warmup", true)?,
                "--blocking" => blocking = true,
                "--api-key" => api_key = value("--api-key")?,
                other => return Err(format!("unknown argument `{other}` (see --help)")),
            }
        }
        let server_url = server_url
            .ok_or_else(|| {
                "--server-url is required, e.g. --server-url http://127.0.0.1:3003".to_owned()
            })?
            .trim_end_matches('/')
            .to_owned();
        Ok(Some(Options {
            server_url,
            concurrency,
            seconds,
            warmup,
            blocking,
            api_key,
        }))
    }
}

fn positive(text: &str, flag: &str, zero_ok: bool) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && (*x > 0.0 || (zero_ok && *x == 0.0)) && *x < 1e6)
        .ok_or_else(|| format!("{flag}: `{text}` is not a positive number of seconds"))
}

/// When measuring starts and ends, and the flag that stops every worker early.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    pub(crate) start: Instant,
    pub(crate) end: Instant,
    pub(crate) stop: Arc<AtomicBool>,
}

impl Window {
    pub(crate) fn new(options: &Options) -> Window {
        let start = Instant::now() + Duration::from_secs_f64(options.warmup);
        Window {
            start,
            end: start + Duration::from_secs_f64(options.seconds),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether a worker should start another call.
    pub(crate) fn running(&self) -> bool {
        !self.stop.load(Ordering::Relaxed) && Instant::now() < self.end
    }

    /// Stops every worker (after an error).
    pub(crate) fn abort(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What one worker measured: the latency of each call that started inside the window.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) latencies: Vec<Duration>,
}

impl Tally {
    /// Records a call that started at `started` and has just finished.
    pub(crate) fn record(&mut self, window: &Window, started: Instant) {
        let now = Instant::now();
        if started >= window.start && now <= window.end {
            self.latencies.push(now - started);
        }
    }
}

/// What every worker ended with: each one's tally, or else the first failure (a worker's own
/// error, or the text of a worker that could not finish: a panicked thread, a failed task).
pub(crate) fn gather(
    outcomes: impl IntoIterator<Item = Result<Result<Tally, String>, String>>,
) -> Result<Vec<Tally>, String> {
    let mut tallies = Vec::new();
    let mut first_error = None;
    for outcome in outcomes {
        match outcome.and_then(|worker| worker) {
            Ok(tally) => tallies.push(tally),
            Err(message) => {
                first_error.get_or_insert(message);
            }
        }
    }
    first_error.map_or(Ok(tallies), Err)
}

/// Prints the summary; its last line is `requests_per_second: N`.
pub(crate) fn report(options: &Options, mode: &str, tallies: Vec<Tally>) -> Result<(), String> {
    let mut latencies: Vec<Duration> = tallies.into_iter().flat_map(|t| t.latencies).collect();
    if latencies.is_empty() {
        return Err("no call completed inside the measuring window".to_owned());
    }
    latencies.sort_unstable();
    let at = |q: f64| {
        let index = ((latencies.len() - 1) as f64 * q).round() as usize;
        latencies.get(index).copied().unwrap_or_default()
    };
    let rps = latencies.len() as f64 / options.seconds;
    println!("mode: {mode}");
    println!("server_url: {}", options.server_url);
    println!("concurrency: {}", options.concurrency);
    println!("seconds: {}", options.seconds);
    println!("requests: {}", latencies.len());
    println!("latency_p50_us: {:.1}", at(0.5).as_secs_f64() * 1e6);
    println!("latency_p99_us: {:.1}", at(0.99).as_secs_f64() * 1e6);
    println!("requests_per_second: {rps:.0}");
    Ok(())
}

/// Runs `main`, printing its error and exiting 1 on failure.
pub(crate) fn exit_with(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
