//! `mutagent-emulator` command line: serve the emulator until interrupted.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use mutagent_emulator::{Emulator, Fault, TracesContract};

const USAGE: &str = "\
mutagent-emulator: a local, stateful MutagenT API emulator

USAGE:
    mutagent-emulator [OPTIONS]

OPTIONS:
    --listen ADDR              address to serve on (default 127.0.0.1:3003)
    --api-key KEY              accept only this x-api-key (default: any non-empty key)
    --open                     no authentication at all
    --seed N                   seed of generated string ids (default 0)
    --optimization-step DUR    duration of one optimization iteration, e.g. 200ms, 1s (default 200ms)
    --traces-contract VERSION  trace contract to serve: 0.1.2 (default) or 0.4.1 (the live
                               platform's: hook-format batches, cursor pages, spans, logs)
    --fault SPEC               inject a fault; repeatable. SPEC is `key=value;...`, e.g.
                               'route=GET /api/prompt/;status=503;retry-after=1;times=2'
                               keys: route, latency, status, retry-after, reset, truncate,
                               drip, chunk, after, times, probability, seed
                               (see docs/emulator.md)
    --max-recorded N           keep at most N recorded requests, the most recent (default 10000)
    --no-record                record no requests (for a long-running emulator)
    --tls-cert FILE            serve HTTPS with this PEM certificate chain (needs --tls-key)
    --tls-key FILE             the PEM private key of --tls-cert
    --quiet                    do not log requests to stderr
    -h, --help                 print this help
";

fn parse_duration(v: &str) -> Option<Duration> {
    let (num, scale) = if let Some(n) = v.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1.0)
    } else {
        (v, 0.001)
    };
    let x: f64 = num.parse().ok()?;
    (x.is_finite() && (0.0..1e9).contains(&x)).then(|| Duration::from_secs_f64(x * scale))
}

fn read_file(flag: &str, path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|err| format!("{flag}: cannot read `{path}`: {err}"))
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut builder = Emulator::builder()
        .listen(SocketAddr::from(([127, 0, 0, 1], 3003)))
        .log_requests(true);
    let (mut tls_cert, mut tls_key) = (None, None);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        builder = match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            "--listen" => {
                let v = value("--listen")?;
                builder.listen(v.parse().map_err(|_| {
                    format!("--listen: `{v}` is not an address like 127.0.0.1:3003")
                })?)
            }
            "--api-key" => builder.api_key(value("--api-key")?),
            "--open" => builder.open(true),
            "--seed" => {
                let v = value("--seed")?;
                builder.seed(
                    v.parse()
                        .map_err(|_| format!("--seed: `{v}` is not an unsigned integer"))?,
                )
            }
            "--optimization-step" => {
                let v = value("--optimization-step")?;
                builder.optimization_step(
                    parse_duration(&v)
                        .ok_or_else(|| format!("--optimization-step: bad duration `{v}`"))?,
                )
            }
            "--fault" => {
                let v = value("--fault")?;
                builder.fault(Fault::parse(&v).map_err(|e| e.to_string())?)
            }
            "--traces-contract" => {
                let v = value("--traces-contract")?;
                builder.traces_contract(
                    v.parse::<TracesContract>()
                        .map_err(|e| format!("--traces-contract: {e}"))?,
                )
            }
            "--max-recorded" => {
                let v = value("--max-recorded")?;
                builder.max_recorded(
                    v.parse()
                        .map_err(|_| format!("--max-recorded: `{v}` is not an unsigned integer"))?,
                )
            }
            "--no-record" => builder.no_record(),
            "--tls-cert" => {
                tls_cert = Some(read_file("--tls-cert", &value("--tls-cert")?)?);
                builder
            }
            "--tls-key" => {
                tls_key = Some(read_file("--tls-key", &value("--tls-key")?)?);
                builder
            }
            "--quiet" => builder.log_requests(false),
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        };
    }
    builder = match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => builder.tls(cert, key),
        (None, None) => builder,
        _ => return Err("--tls-cert and --tls-key go together".to_owned()),
    };
    // The server runs on threads of its own; this one only has to outlive them.
    let emu = builder
        .worker_threads(2)
        .start_blocking()
        .map_err(|e| with_causes(&e))?;
    // Installed before the address is printed, so a signal sent as soon as it is read counts.
    let stop = StopSignals::install()?;
    // Tools read the URL off the end of this line: keep it last.
    eprintln!("traces contract {}", emu.traces_contract());
    println!("mutagent-emulator listening on {}", emu.url());
    stop.wait();
    // Stops the server and joins its threads: a clean exit, status 0.
    drop(emu);
    Ok(())
}

/// Ctrl-C / SIGINT and (on Unix) SIGTERM, handled explicitly: a shell starts a background job
/// (`mutagent-emulator &`) with SIGINT ignored, and the default action would then never end it.
struct StopSignals {
    runtime: tokio::runtime::Runtime,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Takes over the signals now (a Unix handler replaces an inherited "ignore").
    fn install() -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the signal handler: {e}"))?;
        #[cfg(unix)]
        let (interrupt, terminate) = {
            use tokio::signal::unix::{signal, SignalKind};
            let _inside = runtime.enter();
            let handle =
                |kind, name: &str| signal(kind).map_err(|e| format!("cannot handle {name}: {e}"));
            (
                handle(SignalKind::interrupt(), "SIGINT")?,
                handle(SignalKind::terminate(), "SIGTERM")?,
            )
        };
        Ok(StopSignals {
            runtime,
            #[cfg(unix)]
            interrupt,
            #[cfg(unix)]
            terminate,
        })
    }

    /// Blocks until one of the signals arrives.
    fn wait(self) {
        #[cfg(unix)]
        {
            let StopSignals {
                runtime,
                mut interrupt,
                mut terminate,
            } = self;
            runtime.block_on(async {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            });
        }
        #[cfg(not(unix))]
        {
            if self.runtime.block_on(tokio::signal::ctrl_c()).is_err() {
                // No Ctrl-C handler on this system: serve until killed.
                loop {
                    std::thread::park();
                }
            }
        }
    }
}

/// An error's message followed by each of its causes: the emulator's errors leave their cause
/// to `source()`, and the command line must still say it (`address already in use`).
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
