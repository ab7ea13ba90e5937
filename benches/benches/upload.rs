//! Uploading a 100,000-item JSON Lines file through `upload_dataset_file`, beside a
//! hand-written loop (read lines, parse, POST chunks of 500 with bare hyper): items per
//! second and peak memory.
//!
//! Each upload runs in a fresh child process (this binary, re-run with `--child`), against an
//! in-process loopback server that accepts bulk inserts without keeping them, and reports its
//! peak resident set (`VmHWM` in `/proc/self/status`). Running a 10,000-item file the same
//! way shows whether the peak grows with the file.
//!
//! `cargo bench -p mutagent-benches --bench upload`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use http::StatusCode;
use mutagent_benches::bare::BareClient;
use mutagent_benches::harness::goal;
use mutagent_benches::server::{self, Handler, Server};
use mutagent_benches::{context, sdk_client, BenchError};
use mutagent_prompt_dataset_items::PromptDatasetItem;
use mutagent_prompt_datasets::{PromptDatasetsExt, UploadDataset};
use serde_json::{json, Value};

const API_KEY: &str = "mt_bench_key";
const CHUNK: usize = 500;
const SIZES: [usize; 2] = [10_000, 100_000];
const MODES: [&str; 3] = ["sdk (validate first, default)", "sdk (single pass)", "bare"];
const REPEATS: usize = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().position(|arg| arg == "--child") {
        Some(at) => child(&args[at + 1..]),
        None => parent(),
    };
    mutagent_benches::exit_with(result)
}

// ---------------------------------------------------------------------------------------
// Parent: write the files, run every (mode, size) in child processes, report.

fn parent() -> Result<(), BenchError> {
    let dir = std::env::temp_dir().join(format!("mutagent-upload-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(context("cannot create the temporary directory"))?;
    let result = measure_all(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure_all(dir: &Path) -> Result<(), BenchError> {
    let mut files = Vec::new();
    for size in SIZES {
        let path = dir.join(format!("items-{size}.jsonl"));
        write_items(&path, size)?;
        let bytes = std::fs::metadata(&path)
            .map_err(context("cannot stat the items file"))?
            .len();
        files.push((size, path, bytes));
    }
    let exe = std::env::current_exe().map_err(context("cannot find this binary"))?;
    // results[(mode, size)] = runs
    let mut results: HashMap<(usize, usize), Vec<ChildResult>> = HashMap::new();
    for repeat in 0..REPEATS {
        for (mode_index, mode) in MODES.iter().enumerate() {
            for (size_index, (_, path, _)) in files.iter().enumerate() {
                let run = run_child(&exe, mode_index, path)?;
                eprintln!(
                    "  run {}: {mode}, {} items: {:.0} items/s, peak RSS {} KiB",
                    repeat + 1,
                    run.items,
                    run.items as f64 / run.seconds,
                    run.peak_kib
                );
                results
                    .entry((mode_index, size_index))
                    .or_default()
                    .push(run);
            }
        }
    }
    println!("\n## upload a JSON Lines dataset file in chunks of {CHUNK} (median of {REPEATS} fresh processes)");
    println!(
        "  {:<32} {:>9} {:>9} {:>13} {:>15} {:>17}",
        "variant", "items", "file", "items/s", "peak RSS", "RSS before upload"
    );
    let mut peaks: HashMap<(usize, usize), u64> = HashMap::new();
    let mut rates: HashMap<(usize, usize), f64> = HashMap::new();
    for (mode_index, mode) in MODES.iter().enumerate() {
        for (size_index, (size, _, bytes)) in files.iter().enumerate() {
            let runs = results
                .get(&(mode_index, size_index))
                .ok_or("missing results")?;
            let mut rate: Vec<f64> = runs.iter().map(|r| r.items as f64 / r.seconds).collect();
            let mut peak: Vec<u64> = runs.iter().map(|r| r.peak_kib).collect();
            let mut before: Vec<u64> = runs.iter().map(|r| r.before_kib).collect();
            let rate = median_f64(&mut rate);
            let peak = median_u64(&mut peak);
            let before = median_u64(&mut before);
            peaks.insert((mode_index, size_index), peak);
            rates.insert((mode_index, size_index), rate);
            println!(
                "  {:<32} {:>9} {:>6} MiB {:>13.0} {:>11} KiB {:>13} KiB",
                mode,
                size,
                bytes / (1024 * 1024),
                rate,
                peak,
                before
            );
        }
    }
    let large = SIZES.len() - 1;
    for (mode_index, mode) in MODES.iter().enumerate().take(2) {
        let small_peak = peaks.get(&(mode_index, 0)).copied().unwrap_or_default();
        let large_peak = peaks.get(&(mode_index, large)).copied().unwrap_or_default();
        let growth = large_peak as i64 - small_peak as i64;
        goal(
            &format!("{mode}: peak RSS does not grow with the file (10x the items, < 4 MiB more)"),
            format!("{small_peak} KiB -> {large_peak} KiB ({growth:+} KiB)"),
            growth < 4096,
        );
    }
    let sdk = rates.get(&(1, large)).copied().unwrap_or_default();
    let bare = rates.get(&(2, large)).copied().unwrap_or_default();
    println!(
        "  single-pass SDK upload vs the hand-written loop, 100,000 items: {:.2}x the items per second",
        if bare > 0.0 { sdk / bare } else { f64::NAN }
    );
    Ok(())
}

fn median_f64(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn median_u64(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// One item per line, ~230 bytes each.
fn write_items(path: &Path, count: usize) -> Result<(), BenchError> {
    let file = std::fs::File::create(path).map_err(context("cannot create the items file"))?;
    let mut out = BufWriter::new(file);
    for row in 0..count {
        let item = json!({
            "name": format!("case-{row}"),
            "input": {
                "question": format!("How do I reset my password? (case {row})"),
                "context": "Account settings > Security"
            },
            "expectedOutput": {"answer": "Open Settings, then Security, then Reset password."},
            "labels": ["support", "auth"],
            "metadata": {"source": "bench", "row": row}
        });
        writeln!(out, "{item}").map_err(context("cannot write the items file"))?;
    }
    out.flush().map_err(context("cannot write the items file"))
}

struct ChildResult {
    items: u64,
    seconds: f64,
    peak_kib: u64,
    before_kib: u64,
}

fn run_child(exe: &Path, mode: usize, path: &Path) -> Result<ChildResult, BenchError> {
    let output = Command::new(exe)
        .arg("--child")
        .arg(mode.to_string())
        .arg(path)
        .output()
        .map_err(context("cannot start a child process"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the child for mode {mode} failed: {}{}",
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let field = |name: &str| -> Result<f64, BenchError> {
        stdout
            .split_whitespace()
            .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("the child printed no {name}: {stdout}"))
    };
    Ok(ChildResult {
        items: field("items")? as u64,
        seconds: field("seconds")?,
        peak_kib: field("peak_kib")? as u64,
        before_kib: field("before_kib")? as u64,
    })
}

// ---------------------------------------------------------------------------------------
// Child: one upload, then `items=.. seconds=.. peak_kib=.. before_kib=..`.

fn child(args: &[String]) -> Result<(), BenchError> {
    let (Some(mode), Some(path)) = (args.first(), args.get(1)) else {
        return Err("usage: upload --child MODE FILE".to_owned());
    };
    let mode: usize = mode.parse().map_err(context("bad mode"))?;
    let path = PathBuf::from(path);
    let server = Server::start(bulk_server())?;
    let url = server.url();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(context("cannot start the runtime"))?;
    let client = sdk_client(API_KEY, &url)?;
    let bare = BareClient::new(API_KEY);
    let before_kib = peak_rss_kib()?;
    let started = Instant::now();
    let items = runtime.block_on(async {
        match mode {
            0 | 1 => {
                let upload = UploadDataset::new("bench upload")
                    .chunk_size(CHUNK)
                    .validate_first(mode == 0);
                let report = client
                    .prompt_datasets()
                    .upload_dataset_file(7, upload, &path)
                    .await
                    .map_err(|err| err.to_string())?;
                Ok::<u64, BenchError>(report.items_created)
            }
            _ => bare_upload(&bare, &url, &path).await,
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let peak_kib = peak_rss_kib()?;
    println!("items={items} seconds={seconds} peak_kib={peak_kib} before_kib={before_kib}");
    drop(server);
    Ok(())
}

/// The hand-written upload: create the dataset, then read the file line by line, parse each
/// item, and POST `{"items": [...]}` chunks of 500.
async fn bare_upload(bare: &BareClient, url: &str, path: &Path) -> Result<u64, BenchError> {
    let create: http::Uri = format!("{url}/api/prompt/7/datasets")
        .parse()
        .map_err(context("bad URI"))?;
    let dataset: Value = bare
        .post_json(&create, Bytes::from_static(br#"{"name":"bench upload"}"#))
        .await?;
    let id = dataset
        .get("id")
        .and_then(Value::as_i64)
        .ok_or("no dataset id")?;
    let bulk: http::Uri = format!("{url}/api/prompts/datasets/{id}/items/bulk")
        .parse()
        .map_err(context("bad URI"))?;
    let file = std::fs::File::open(path).map_err(context("cannot open the file"))?;
    let mut lines = std::io::BufReader::new(file).lines();
    let mut created = 0u64;
    loop {
        let mut chunk: Vec<Value> = Vec::with_capacity(CHUNK);
        for line in lines.by_ref() {
            let line = line.map_err(context("cannot read the file"))?;
            if line.trim().is_empty() {
                continue;
            }
            chunk.push(serde_json::from_str(&line).map_err(context("bad item"))?);
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let body = serde_json::to_vec(&json!({ "items": chunk })).map_err(context("encode"))?;
        let answer: Vec<PromptDatasetItem> = bare.post_json(&bulk, Bytes::from(body)).await?;
        created += answer.len() as u64;
    }
    Ok(created)
}

/// A server that creates datasets and accepts bulk inserts without keeping them, answering
/// each bulk request with as many created items as it carried.
fn bulk_server() -> Handler {
    #[derive(serde::Deserialize)]
    struct Bulk {
        items: Vec<serde::de::IgnoredAny>,
    }
    let answers: Arc<Mutex<HashMap<usize, Bytes>>> = Arc::default();
    let dataset = Bytes::from(
        json!({
            "id": 42,
            "name": "bench upload",
            "promptGroupId": "3f0c1a52-7b9e-4c1d-9a0e-000000000007",
            "metadata": {},
            "createdAt": "2025-03-14T09:26:53.589Z",
            "labels": []
        })
        .to_string(),
    );
    Arc::new(move |request| {
        if !request.uri().path().ends_with("/items/bulk") {
            return server::json(StatusCode::CREATED, dataset.clone());
        }
        let Ok(bulk) = serde_json::from_slice::<Bulk>(request.body()) else {
            return server::json(StatusCode::BAD_REQUEST, Bytes::from_static(b"{}"));
        };
        let count = bulk.items.len();
        let Ok(mut cache) = answers.lock() else {
            return server::json(StatusCode::INTERNAL_SERVER_ERROR, Bytes::from_static(b"{}"));
        };
        let body = cache
            .entry(count)
            .or_insert_with(|| {
                let items: Vec<Value> = (0..count)
                    .map(|i| {
                        json!({
                            "id": i + 1,
                            "datasetId": 42,
                            "name": format!("case-{i}"),
                            "input": {"question": "How do I reset my password?"},
                            "createdAt": "2025-03-14T09:26:53.589Z"
                        })
                    })
                    .collect();
                Bytes::from(Value::Array(items).to_string())
            })
            .clone();
        server::json(StatusCode::CREATED, body)
    })
}

/// The peak resident set of this process so far (`VmHWM`), in KiB.
fn peak_rss_kib() -> Result<u64, BenchError> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(context("cannot read /proc/self/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".to_owned())
}
