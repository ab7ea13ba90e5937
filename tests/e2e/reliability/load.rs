//! Faults under load: one client shared by 1,000 concurrent tasks (and one blocking client by
//! 32 threads) against the emulator injecting seeded 503s and 429s with `Retry-After`.
//!
//! Every call ends in success or a clear error within its timeout; connections stay bounded
//! (counted by a loopback proxy in front of the emulator); no POST is ever sent twice (the
//! emulator's records and its stored counts agree with what the client saw).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};
use mutagent::prompt_dataset_items::NewDatasetItem;
use mutagent::{ApiClient, Client, Error, Method, Operation, RetryPolicy};
use mutagent_e2e::{emulator_builder, Collection, Emulator, Fault, KEY};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};

/// A raw operation straight from the contract (also proves `ApiClient::call` with a custom one).
static CREATE_DATASET: Operation = Operation::new(
    "prompt_datasets",
    "create_prompt_dataset",
    Method::Post,
    "/api/prompt/{id}/datasets",
);

const TIMEOUT: Duration = Duration::from_secs(10);

/// A loopback TCP proxy that counts connections: total, open now, and the most open at once.
struct CountingProxy {
    addr: SocketAddr,
    total: Arc<AtomicUsize>,
    open: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl CountingProxy {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (total, open, peak) = Default::default();
        let proxy = Self {
            addr,
            total,
            open,
            peak,
        };
        let (total, open, peak) = (
            Arc::clone(&proxy.total),
            Arc::clone(&proxy.open),
            Arc::clone(&proxy.peak),
        );
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                total.fetch_add(1, Ordering::SeqCst);
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                let open = Arc::clone(&open);
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        proxy
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn inject_faults(emu: &Emulator) {
    emu.inject(Fault::status(503).probability(0.08, 11))
        .expect("a valid fault");
    emu.inject(
        Fault::status(429)
            .retry_after(Duration::from_secs(1))
            .probability(0.04, 12),
    )
    .expect("a valid fault");
}

fn client_builder(url: &str) -> mutagent::ClientBuilder {
    Client::builder()
        .env(mutagent::env::EmptyEnv)
        .api_key(KEY)
        .server_url(url)
        .timeout(TIMEOUT)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(20))
                .max_backoff(Duration::from_millis(200)),
        )
}

/// What one journey saw.
#[derive(Debug, Default)]
struct Journey {
    posts: [usize; 3],
    created: [usize; 3],
    errors: Vec<String>,
    completed: bool,
}

/// Checks one call: within its timeout, and either a value or a clear, expected error.
fn settle<T>(started: Instant, result: Result<T, Error>, journey: &mut Journey) -> Option<T> {
    let elapsed = started.elapsed();
    assert!(
        elapsed <= TIMEOUT + Duration::from_secs(2),
        "a call took {elapsed:?}"
    );
    match result {
        Ok(value) => Some(value),
        Err(err) => {
            let status = err.status_code();
            assert!(
                matches!(status, Some(429 | 503)),
                "not a clear fault error: {err:?}"
            );
            journey.errors.push(err.to_string());
            None
        }
    }
}

/// The journey, written once for both clients: create a prompt, read it back, create a
/// dataset for it and an item in it, list the items.
macro_rules! journey {
    ($client:expr, $n:expr, $($await:tt)*) => {{
        let client = $client;
        let n = $n;
        let mut j = Journey::default();
        'journey: {
            let body = CreatePrompt::new(
                format!("load-{n}"),
                PromptContent::chat("You are terse.", "Say {x}."),
                json!({"type": "object"}),
            );
            j.posts[0] += 1;
            let t = Instant::now();
            let Some(prompt) = settle(t, client.prompt().create_prompt(&body) $($await)*, &mut j) else {
                break 'journey;
            };
            j.created[0] += 1;
            let t = Instant::now();
            let Some(read) = settle(t, client.prompt().get_prompt(prompt.id) $($await)*, &mut j) else {
                break 'journey;
            };
            assert_eq!(read.name, format!("load-{n}"));
            let request = CREATE_DATASET
                .request()
                .path_param("id", prompt.id)
                .json(&json!({"name": format!("ds-{n}")}))
                .build();
            j.posts[1] += 1;
            let t = Instant::now();
            let Some(dataset) = settle(t, client.call::<Value>(request) $($await)*, &mut j) else {
                break 'journey;
            };
            j.created[1] += 1;
            let dataset_id = dataset["id"].as_i64().expect("dataset id");
            let item = NewDatasetItem::new(json!({"x": n})).name(format!("item-{n}"));
            j.posts[2] += 1;
            let t = Instant::now();
            let created = client
                .prompt_dataset_items()
                .create_prompt_dataset_item(dataset_id, &item) $($await)*;
            let Some(_) = settle(t, created, &mut j) else {
                break 'journey;
            };
            j.created[2] += 1;
            let t = Instant::now();
            let Some(items) = settle(
                t,
                client.prompt_dataset_items().list_prompt_dataset_items(dataset_id) $($await)*,
                &mut j,
            ) else {
                break 'journey;
            };
            assert_eq!(items.len(), 1, "exactly one item in dataset {dataset_id}");
            j.completed = true;
        }
        j
    }};
}

/// Sums the journeys and checks the emulator's view against them.
fn check(emu: &Emulator, journeys: &[Journey], label: &str) {
    let sum = |f: &dyn Fn(&Journey) -> usize| journeys.iter().map(f).sum::<usize>();
    let posts = [0, 1, 2].map(|i| sum(&|j| j.posts[i]));
    let created = [0, 1, 2].map(|i| sum(&|j| j.created[i]));
    let completed = sum(&|j| usize::from(j.completed));
    let errors = sum(&|j| j.errors.len());
    println!(
        "{label}: {} journeys, {completed} completed, {errors} clear errors, posts {posts:?}, created {created:?}",
        journeys.len()
    );
    assert!(
        completed * 2 >= journeys.len(),
        "{label}: too few journeys completed ({completed}/{})",
        journeys.len()
    );
    assert!(errors > 0, "{label}: the faults never fired");
    // Stored state matches exactly what the client saw succeed: nothing created twice.
    assert_eq!(
        emu.count(Collection::Prompts),
        created[0],
        "{label}: prompts"
    );
    assert_eq!(
        emu.count(Collection::Datasets),
        created[1],
        "{label}: datasets"
    );
    assert_eq!(
        emu.count(Collection::DatasetItems),
        created[2],
        "{label}: items"
    );
    // And every POST reached the server exactly once, faulted or not.
    let requests = emu.requests();
    let count = |pred: &dyn Fn(&str) -> bool| {
        requests
            .iter()
            .filter(|r| r.method == "POST" && pred(&r.path))
            .count()
    };
    assert_eq!(
        count(&|p| p == "/api/prompt/"),
        posts[0],
        "{label}: prompt POSTs"
    );
    assert_eq!(
        count(&|p| p.starts_with("/api/prompt/") && p.ends_with("/datasets")),
        posts[1],
        "{label}: dataset POSTs"
    );
    assert_eq!(
        count(&|p| p.starts_with("/api/prompts/datasets/") && p.ends_with("/items")),
        posts[2],
        "{label}: item POSTs"
    );
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    assert!(faulted > 0, "{label}: no request was faulted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_tasks_share_one_client_under_faults() {
    const TASKS: usize = 1_000;
    let started = Instant::now();
    let emu = emulator_builder().start().await.expect("emulator");
    inject_faults(&emu);
    let proxy = CountingProxy::start(emu.addr()).await;
    let client = client_builder(&proxy.url()).build().expect("client");
    let tasks: Vec<_> = (0..TASKS)
        .map(|n| {
            let client = client.clone();
            tokio::spawn(async move { journey!(&client, n, .await) })
        })
        .collect();
    let mut journeys = Vec::with_capacity(TASKS);
    for task in tasks {
        journeys.push(task.await.expect("a task panicked"));
    }
    check(&emu, &journeys, "async");
    // Connections: never more than the tasks in flight; after the storm only the idle pool
    // (at most 32 per host) stays open.
    let peak = proxy.peak.load(Ordering::SeqCst);
    let total = proxy.total.load(Ordering::SeqCst);
    // The client lets at most `max_concurrent_requests` (default 128) requests be in flight,
    // and the pool opens a connection only for a request in flight, so the peak is bounded by
    // that cap, whatever the number of tasks. The proxy counts a connection as open until it
    // sees the close, and the injected faults drop connections: on a loaded machine it sees
    // those closes late (171 seen once at load 12), so the slack is one more cap's worth. An
    // unbounded pool would still fail: it opens one connection per task (1,000).
    let cap = mutagent::config::DEFAULT_MAX_CONCURRENT_REQUESTS;
    assert!(
        peak <= 2 * cap,
        "{peak} connections open at once (cap {cap})"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = proxy.open.load(Ordering::SeqCst);
    println!("async: {total} connections in all, {peak} at most at once, {open} left open");
    assert!(open <= 32, "{open} connections left open after the run");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn thirty_two_threads_share_one_blocking_client_under_faults() {
    const THREADS: usize = 32;
    const PER_THREAD: usize = 8;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let emu = emulator_builder().start_blocking().expect("emulator");
    inject_faults(&emu);
    let proxy = runtime.block_on(CountingProxy::start(emu.addr()));
    let client = client_builder(&proxy.url())
        .build_blocking()
        .expect("client");
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let client = client.clone();
            std::thread::spawn(move || {
                (0..PER_THREAD)
                    .map(|i| journey!(&client, 10_000 + t * PER_THREAD + i,))
                    .collect::<Vec<Journey>>()
            })
        })
        .collect();
    let journeys: Vec<Journey> = handles
        .into_iter()
        .flat_map(|handle| handle.join().expect("a thread panicked"))
        .collect();
    check(&emu, &journeys, "blocking");
    let peak = proxy.peak.load(Ordering::SeqCst);
    println!("blocking: {peak} connections at most at once");
    assert!(
        peak <= 2 * THREADS,
        "{peak} connections open at once for {THREADS} threads"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(proxy.open.load(Ordering::SeqCst) <= 32);
}
