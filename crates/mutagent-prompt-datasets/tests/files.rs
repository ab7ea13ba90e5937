//! The file helpers against a scripted server: upload (JSON, JSON Lines, CSV) in chunks,
//! errors that name the record and line, and export to a file — async and blocking. The CSV
//! cases need the `csv` feature (on in `cargo test --workspace`); without it, `without_csv.rs`
//! checks that CSV is refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::io::Read;
use std::path::Path;

use mutagent_prompt_datasets::{
    DatasetFileFormat, DatasetFileReader, PromptDatasetsExt, UploadDataset, UploadError,
    UploadOptions, UploadReport,
};
use mutagent_test_support::{Reply, ScriptedServer, TempDir};
use mutagent_wire_test::{async_client, blocking_client};
use serde_json::{json, Value};

mod support;
use support::dataset_json;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

fn items_json(dataset: i64, ids: std::ops::Range<i64>) -> Value {
    Value::Array(
        ids.map(|id| json!({"id": id, "datasetId": dataset, "input": {}}))
            .collect(),
    )
}

/// Create + bulk answers for `total` items sent in chunks of `chunk`.
fn upload_replies(total: i64, chunk: i64) -> Vec<Reply> {
    let mut replies = vec![Reply::json(201, dataset_json(12))];
    let mut next = 0;
    while next < total {
        let end = (next + chunk).min(total);
        replies.push(Reply::json(201, items_json(12, next..end)));
        next = end;
    }
    replies
}

/// An upload of `path` as dataset "x" of prompt 7 through one of the clients.
type Upload = fn(&ScriptedServer, &Path) -> Result<UploadReport, UploadError>;

/// The same upload through each client, named for the message of a failing case.
const BOTH_CLIENTS: [(&str, Upload); 2] = [("blocking", upload_blocking), ("async", upload_async)];

fn upload_blocking(server: &ScriptedServer, path: &Path) -> Result<UploadReport, UploadError> {
    blocking_client(server)
        .prompt_datasets()
        .upload_dataset_file(7, UploadDataset::new("x"), path)
}

fn upload_async(server: &ScriptedServer, path: &Path) -> Result<UploadReport, UploadError> {
    runtime().block_on(async_client(server).prompt_datasets().upload_dataset_file(
        7,
        UploadDataset::new("x"),
        path,
    ))
}

/// The file case `name` at `path` is refused through both clients, each error passing
/// `check`, and nothing is sent: the server would accept two items, so a file that slipped
/// through would show as a success or a request.
fn refused_before_sending(name: &str, path: &Path, check: impl Fn(UploadError)) {
    for (client, upload) in BOTH_CLIENTS {
        let server = ScriptedServer::start(upload_replies(2, 2));
        check(upload(&server, path).expect_err(&format!("{name} ({client})")));
        assert!(
            server.requests().is_empty(),
            "{name} ({client}): nothing may be sent"
        );
    }
}

/// `err` is the error of the record at `(record, line)` of the file case `name`, its reason
/// holding each of `reason`: where a file's problem is told.
#[track_caller]
fn assert_record_error(err: &UploadError, name: &str, at: (u64, u64), reason: &[&str]) {
    match err {
        UploadError::Record {
            record,
            line,
            reason: why,
            ..
        } => {
            assert_eq!((*record, *line), at, "{name}: {err}");
            for part in reason {
                assert!(why.contains(part), "{name}: {part:?} not in {why:?}");
            }
        }
        other => panic!("{name}: expected the error of a record, got {other:?}"),
    }
}

const JSON: &str = r#"
[
  {"name": "one", "input": {"city": "Paris"}, "expectedOutput": {"text": "Bonjour"}},
  {"input": {"city": "Rome"}, "labels": ["it"]},
  {"input": {"city": "Oslo"}, "metadata": {"k": 1}},
  {"input": {"city": "Lima"}, "userFeedback": "good"},
  {"input": {"city": "Kyiv"}, "systemFeedback": null}
]
"#;

const JSONL: &str = "{\"input\": {\"city\": \"Paris\"}, \"name\": \"one\", \"expectedOutput\": {\"text\": \"Bonjour\"}}\n\
{\"input\": {\"city\": \"Rome\"}, \"labels\": [\"it\"]}\n\
\n\
{\"input\": {\"city\": \"Oslo\"}, \"metadata\": {\"k\": 1}}\n\
{\"input\": {\"city\": \"Lima\"}, \"userFeedback\": \"good\"}\n\
{\"input\": {\"city\": \"Kyiv\"}}\n";

#[cfg(feature = "csv")]
const CSV: &str = "name,input.city,expectedOutput.text,labels,metadata,userFeedback\r\n\
one,Paris,Bonjour,,,\r\n\
,Rome,,it,,\r\n\
,Oslo,,,\"{\"\"k\"\": 1}\",\r\n\
,Lima,,,,good\r\n\
,Kyiv,,,,\r\n";

/// The bulk bodies the server received, flattened into one list of items.
fn sent_items(server: &ScriptedServer) -> (Value, Vec<usize>) {
    let requests = server.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/api/prompt/7/datasets");
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    for request in &requests[1..] {
        assert_eq!(request.path, "/api/prompts/datasets/12/items/bulk");
        let body = request.json();
        let chunk = body["items"].as_array().expect("items array").clone();
        sizes.push(chunk.len());
        items.extend(chunk);
    }
    (Value::Array(items), sizes)
}

fn expected_items() -> Value {
    json!([
        {"name": "one", "input": {"city": "Paris"}, "expectedOutput": {"text": "Bonjour"}},
        {"input": {"city": "Rome"}, "labels": ["it"]},
        {"input": {"city": "Oslo"}, "metadata": {"k": 1}},
        {"input": {"city": "Lima"}, "userFeedback": "good"},
        {"input": {"city": "Kyiv"}}
    ])
}

#[test]
fn uploads_json_jsonl_and_csv_in_chunks_with_both_clients() {
    let dir = TempDir::new("mutagent-datasets-test");
    for (name, content) in [
        ("cases.json", JSON),
        ("cases.jsonl", JSONL),
        #[cfg(feature = "csv")]
        ("cases.csv", CSV),
    ] {
        let path = dir.file(name, content);

        let server = ScriptedServer::start(upload_replies(5, 2));
        let client = async_client(&server);
        let report = runtime()
            .block_on(
                client.prompt_datasets().upload_dataset_file(
                    7,
                    UploadDataset::new("uploaded")
                        .labels(["file"])
                        .chunk_size(2),
                    &path,
                ),
            )
            .expect("async upload");
        assert_eq!(
            (
                report.records_read,
                report.items_created,
                report.chunks_sent
            ),
            (5, 5, 3),
            "{name}"
        );
        assert_eq!(report.dataset.id.get(), 12);
        assert_eq!(
            server.requests()[0].json(),
            json!({"name": "uploaded", "labels": ["file"]})
        );
        let (items, sizes) = sent_items(&server);
        assert_eq!(sizes, [2, 2, 1], "{name}");
        assert_eq!(items, expected_items(), "{name}");

        let server = ScriptedServer::start(upload_replies(5, 500));
        let report = blocking_client(&server)
            .prompt_datasets()
            .upload_dataset_file(7, UploadDataset::new("uploaded"), &path)
            .expect("blocking upload");
        assert_eq!((report.items_created, report.chunks_sent), (5, 1), "{name}");
        assert_eq!(sent_items(&server).0, expected_items(), "{name}");
    }
}

#[test]
fn a_bad_record_is_named_and_nothing_is_created() {
    let dir = TempDir::new("mutagent-datasets-test");
    let cases = [
        (
            "bad.jsonl",
            "{\"input\": {}}\n\n{\"input\": {}, \"expected_output\": {}}\n",
            2,
            3,
            "expected_output",
        ),
        (
            "bad.json",
            "[\n {\"input\": {}},\n {\"input\": {}},\n {\"input\": \n   [1]}\n]",
            3,
            4,
            "`input` must be a JSON object",
        ),
        (
            "bad2.json",
            "[\n {\"input\": {}},\n {\"input\": {\"a\": tru}}\n]",
            2,
            3,
            "invalid JSON",
        ),
        #[cfg(feature = "csv")]
        (
            "bad.csv",
            "input.a,name\nx,one\n\"multi\nline\",two\ny\n",
            3,
            5,
            "1 field(s)",
        ),
        #[cfg(feature = "csv")]
        (
            "header.csv",
            "inputs\n{}\n",
            0,
            1,
            "unknown column `inputs`",
        ),
    ];
    for (name, content, record, line, reason) in cases {
        let path = dir.file(name, content);
        refused_before_sending(name, &path, |err| {
            assert_record_error(&err, name, (record, line), &[reason]);
            assert_eq!(err.progress().dataset_id, None, "{name}");
            assert!(err.to_string().contains(&format!("line {line}")), "{err}");
        });
    }
}

#[test]
fn without_validating_first_the_error_reports_progress() {
    let dir = TempDir::new("mutagent-datasets-test");
    let mut content = String::new();
    for i in 0..4 {
        content.push_str(&format!("{{\"input\": {{\"i\": {i}}}}}\n"));
    }
    content.push_str("not json\n");
    let path = dir.file("partial.jsonl", &content);
    let server = ScriptedServer::start(upload_replies(4, 2));
    let client = async_client(&server);
    let err = runtime()
        .block_on(client.prompt_datasets().upload_dataset_file(
            7,
            UploadDataset::new("x").chunk_size(2).validate_first(false),
            &path,
        ))
        .expect_err("bad last line");
    let progress = err.progress();
    assert_eq!(progress.dataset_id.map(|id| id.get()), Some(12));
    assert_eq!(
        (progress.items_created, progress.chunks_sent),
        (4, 2),
        "{err}"
    );
    // Through `?`: the bad record is the cause, the four items sent before are told.
    let converted = mutagent_core::Error::from(UploadError::Record {
        path: path.clone(),
        record: 5,
        line: 5,
        reason: "not JSON".into(),
        progress,
    });
    assert_eq!(
        converted.to_string(),
        "[upload_dataset_file] stopped partway; already done: dataset 12 holds 4 item(s) from \
         this upload (2 chunk(s) sent)"
    );
    let cause = std::error::Error::source(&converted).expect("the cause");
    assert!(cause.to_string().contains("record 5, line 5"), "{cause}");
    assert!(
        matches!(
            err,
            UploadError::Record {
                record: 5,
                line: 5,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn settings_and_files_are_checked_before_sending() {
    let dir = TempDir::new("mutagent-datasets-test");
    let server = ScriptedServer::start(upload_replies(1, 1));
    let client = blocking_client(&server);
    let datasets = client.prompt_datasets();
    let good = dir.file("ok.jsonl", "{\"input\": {}}\n");

    let err = datasets
        .upload_dataset_file(7, UploadDataset::new("x").chunk_size(0), &good)
        .expect_err("chunk 0");
    // The message says how far the upload got; the refused setting is its cause.
    assert!(
        err.as_api_error()
            .is_some_and(|cause| cause.to_string().contains("chunk_size")),
        "{err:?}"
    );
    let err = datasets
        .upload_dataset_file(7, UploadDataset::new(""), &good)
        .expect_err("empty name");
    assert!(err.as_api_error().is_some(), "{err}");
    let err = datasets
        .upload_dataset_file(7, UploadDataset::new("x"), dir.file("cases.txt", ""))
        .expect_err("format");
    assert!(matches!(err, UploadError::UnknownFormat { .. }), "{err}");
    let err = datasets
        .upload_dataset_file(7, UploadDataset::new("x"), dir.path("missing.json"))
        .expect_err("missing");
    assert!(matches!(err, UploadError::Io { .. }), "{err}");
    let err = datasets
        .upload_dataset_file(
            7,
            UploadDataset::new("x").max_record_bytes(10),
            dir.file(
                "big.jsonl",
                "{\"input\": {\"long\": \"aaaaaaaaaaaaaaaaaaaa\"}}\n",
            ),
        )
        .expect_err("too big");
    assert!(err.to_string().contains("limit of 10 bytes"), "{err}");
    assert!(server.requests().is_empty(), "nothing may be sent");

    // An explicit format wins over the extension.
    let path = dir.file("cases.txt", "{\"input\": {}}\n");
    let report = datasets
        .upload_dataset_file(
            7,
            UploadDataset::new("x").format(DatasetFileFormat::JsonLines),
            &path,
        )
        .expect("explicit format");
    assert_eq!(report.items_created, 1);
}

#[cfg(feature = "csv")]
#[test]
fn upload_items_file_adds_to_an_existing_dataset() {
    let dir = TempDir::new("mutagent-datasets-test");
    let path = dir.file(
        "more.csv",
        "input\n\"{\"\"a\"\": 1}\"\n\"{\"\"a\"\": 2}\"\n\"{\"\"a\"\": 3}\"\n",
    );
    let server = ScriptedServer::start(vec![
        Reply::json(200, dataset_json(12)),
        Reply::json(201, items_json(12, 0..3)),
    ]);
    let report = blocking_client(&server)
        .prompt_datasets()
        .upload_items_file(12, mutagent_prompt_datasets::UploadOptions::new(), &path)
        .expect("append");
    assert_eq!((report.items_created, report.chunks_sent), (3, 1));
    let requests = server.requests();
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/api/prompts/datasets/12")
    );
    assert_eq!(
        requests[1].json(),
        json!({"items": [{"input": {"a": 1}}, {"input": {"a": 2}}, {"input": {"a": 3}}]})
    );
}

#[test]
fn a_failed_chunk_stops_the_upload_with_its_progress() {
    let dir = TempDir::new("mutagent-datasets-test");
    let path = dir.file(
        "three.jsonl",
        "{\"input\": {}}\n{\"input\": {}}\n{\"input\": {}}\n",
    );
    let server = ScriptedServer::start(vec![
        Reply::json(201, dataset_json(12)),
        Reply::json(201, items_json(12, 0..1)),
        Reply::json(400, json!({"error": "bad_request", "message": "too many"})),
    ]);
    let err = blocking_client(&server)
        .prompt_datasets()
        .upload_dataset_file(7, UploadDataset::new("x").chunk_size(1), &path)
        .expect_err("second chunk refused");
    assert_eq!(
        err.as_api_error()
            .and_then(|e| e.status())
            .map(|s| s.as_u16()),
        Some(400)
    );
    assert_eq!(
        (err.progress().items_created, err.progress().chunks_sent),
        (1, 1)
    );
    assert!(err.progress().dataset_created);
    assert_eq!(server.requests().len(), 3, "no chunk after the failure");

    // Through `?`, what was done is kept: the dataset and its one item stay on the server.
    let err = mutagent_core::Error::from(err);
    assert_eq!(
        err.done_before_stopping(),
        Some("dataset 12 holds 1 item(s) from this upload (1 chunk(s) sent)"),
        "{err:?}"
    );
    assert!(
        matches!(
            &err,
            mutagent_core::Error::Partial {
                operation: "upload_dataset_file",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.status_code(), Some(400), "the cause's status");
    assert!(!err.is_retryable(), "again would add the item twice");
    let cause = std::error::Error::source(&err).expect("the cause");
    assert!(cause.to_string().contains("HTTP 400"), "{cause}");
}

/// Adding to an existing dataset, a first chunk refused changed nothing: through `?` it is the
/// API error itself, not a partial upload.
#[test]
fn a_refused_first_chunk_into_an_existing_dataset_changed_nothing() {
    let dir = TempDir::new("mutagent-datasets-test");
    let path = dir.file("one.jsonl", "{\"input\": {}}\n");
    let server = ScriptedServer::start(vec![
        Reply::json(200, dataset_json(12)),
        Reply::json(400, json!({"error": "bad_request", "message": "no"})),
    ]);
    let err = blocking_client(&server)
        .prompt_datasets()
        .upload_items_file(12, UploadOptions::default(), &path)
        .expect_err("refused");
    let progress = err.progress();
    assert!(!progress.dataset_created && progress.items_created == 0);
    assert!(!progress.changed_anything());
    let err = mutagent_core::Error::from(err);
    assert!(matches!(&err, mutagent_core::Error::Api(_)), "{err:?}");
    assert_eq!(err.status_code(), Some(400));
}

/// The dataset's creation accepted (201) but its answer does not decode: the dataset exists,
/// presumably, so the upload must not say "nothing was created" (running it again would make a
/// second dataset); through `?` it is a partial failure.
#[test]
fn an_accepted_dataset_creation_whose_answer_was_lost_is_not_nothing_created() {
    let dir = TempDir::new("mutagent-datasets-test");
    let path = dir.file("one.jsonl", "{\"input\": {\"city\": \"Paris\"}}\n");
    let server = ScriptedServer::start(vec![Reply::json(201, json!({"id": "twelve", "name": 5}))]);
    let err = blocking_client(&server)
        .prompt_datasets()
        .upload_dataset_file(7, UploadDataset::new("x"), &path)
        .expect_err("undecodable creation answer");
    assert!(err.as_api_error().is_some_and(|e| e.request_accepted()));
    assert_eq!(server.requests().len(), 1);
    let progress = err.progress();
    assert!(progress.dataset_created && progress.dataset_id.is_none());
    assert!(progress.changed_anything());
    let text = err.to_string();
    assert!(
        !text.contains("nothing was created") && text.contains("whose id is unknown"),
        "{text}"
    );
    let err = mutagent_core::Error::from(err);
    assert!(err.done_before_stopping().is_some(), "{err:?}");
    assert!(!err.is_retryable());
}

/// A chunk accepted (201) whose answer broke off: its items exist, presumably, and the error
/// says so instead of "0 item(s)", through both clients.
#[test]
fn an_accepted_chunk_whose_answer_broke_off_is_told() {
    let dir = TempDir::new("mutagent-datasets-test");
    let path = dir.file(
        "two.jsonl",
        "{\"input\": {\"i\": 1}}\n{\"input\": {\"i\": 2}}\n",
    );
    let replies = || {
        let items = json!([{"id": 1, "datasetId": 12, "input": {}}, {"id": 2, "datasetId": 12, "input": {}}]);
        vec![
            Reply::json(201, dataset_json(12)),
            Reply::json(201, items).truncate(10),
        ]
    };
    let check = |err: UploadError| {
        assert!(
            err.as_api_error().is_some_and(|e| e.request_accepted()),
            "{err:?}"
        );
        let progress = err.progress();
        assert_eq!((progress.items_created, progress.items_unconfirmed), (0, 2));
        assert!(
            err.to_string()
                .contains("and presumably 2 more: the server accepted their chunk"),
            "{err}"
        );
    };
    for (client, upload) in BOTH_CLIENTS {
        let server = ScriptedServer::start(replies());
        check(upload(&server, &path).expect_err(client));
    }
}

/// An endless source: reading must stay lazy, so the first chunk comes back at once.
struct Endless {
    prefix: &'static [u8],
    element: &'static [u8],
    pos: usize,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < buf.len() {
            let source = if self.pos < self.prefix.len() {
                &self.prefix[self.pos..]
            } else {
                let offset = (self.pos - self.prefix.len()) % self.element.len();
                &self.element[offset..]
            };
            let n = source.len().min(buf.len() - written);
            buf[written..written + n].copy_from_slice(&source[..n]);
            written += n;
            self.pos += n;
        }
        Ok(written)
    }
}

#[test]
fn readers_stream_and_never_read_the_whole_input() {
    let sources = [
        (
            DatasetFileFormat::Json,
            &b"["[..],
            &b"{\"input\": {\"q\": \"x\"}},\n"[..],
        ),
        (
            DatasetFileFormat::JsonLines,
            &b""[..],
            &b"{\"input\": {\"q\": \"x\"}}\n"[..],
        ),
        #[cfg(feature = "csv")]
        (
            DatasetFileFormat::Csv,
            &b"input.q\r\n"[..],
            &b"\"x\"\r\n"[..],
        ),
    ];
    for (format, prefix, element) in sources {
        let endless = Endless {
            prefix,
            element,
            pos: 0,
        };
        let mut reader = DatasetFileReader::new(std::io::BufReader::new(endless), format);
        for _ in 0..3 {
            let chunk = reader.next_chunk(1000).expect("chunk");
            assert_eq!(chunk.len(), 1000, "{format}");
            assert_eq!(chunk[999].input, json!({"q": "x"}));
        }
        assert_eq!(reader.records_read(), 3000);
    }
}

#[test]
fn export_writes_files_that_upload_again() {
    let dir = TempDir::new("mutagent-datasets-test");
    let export = json!({
        "dataset": dataset_json(12),
        "promptGroup": {"id": "g-1"},
        "items": [
            {"id": 1, "datasetId": 12, "name": "one, \"quoted\"", "input": {"city": "Paris"},
             "expectedOutput": {"text": "Bon\njour"}, "userFeedback": null, "systemFeedback": "ok",
             "labels": ["a", "b"], "metadata": {"k": 1}, "createdAt": "t", "updatedAt": "t"},
            {"id": 2, "datasetId": 12, "name": null, "input": {"city": "Rome"},
             "expectedOutput": null, "userFeedback": null, "systemFeedback": null,
             "labels": null, "metadata": null, "createdAt": null, "updatedAt": null}
        ],
        "exportedAt": "2026-11-02T00:00:00.000Z"
    });
    let expected = json!([
        {"name": "one, \"quoted\"", "input": {"city": "Paris"}, "expectedOutput": {"text": "Bon\njour"},
         "systemFeedback": "ok", "labels": ["a", "b"], "metadata": {"k": 1}},
        {"input": {"city": "Rome"}}
    ]);
    for name in [
        "out.json",
        "out.jsonl",
        #[cfg(feature = "csv")]
        "out.csv",
    ] {
        let path = dir.path(name);
        let server = ScriptedServer::start(vec![Reply::json(200, export.clone())]);
        let client = async_client(&server);
        let report = runtime()
            .block_on(
                client
                    .prompt_datasets()
                    .export_dataset_file(12, &path, None),
            )
            .expect("async export");
        assert_eq!(report.items_written, 2);
        assert_eq!(
            server.single_request().path,
            "/api/prompts/datasets/12/export"
        );
        assert!(!dir.path(&format!("{name}.partial")).exists());

        let reread: Vec<Value> = DatasetFileReader::open(&path, None)
            .expect("open")
            .map(|item| serde_json::to_value(item.expect("item")).expect("json"))
            .collect();
        assert_eq!(Value::Array(reread), expected, "{name}");

        let again = dir.path(&format!("again-{name}"));
        let server = ScriptedServer::start(vec![Reply::json(200, export.clone())]);
        blocking_client(&server)
            .prompt_datasets()
            .export_dataset_file(12, &again, None)
            .expect("blocking export");
        assert_eq!(
            std::fs::read(&path).expect("first"),
            std::fs::read(&again).expect("second"),
            "async and blocking write alike"
        );
    }
    let server = ScriptedServer::start(vec![Reply::json(200, export)]);
    let err = blocking_client(&server)
        .prompt_datasets()
        .export_dataset_file(12, dir.path("out.xml"), None)
        .expect_err("format");
    assert!(err.to_string().contains("out.xml"), "{err}");
    assert!(server.requests().is_empty());
    assert!(dir.dir().exists());
}

/// What a chain printer (anyhow, eyre) prints: the message, then each cause.
fn chain(error: &dyn std::error::Error) -> String {
    let mut lines = vec![error.to_string()];
    let mut cause = error.source();
    while let Some(next) = cause {
        lines.push(next.to_string());
        cause = next.source();
    }
    lines.join("\n")
}

/// `?` turns an upload error into the SDK's `Error`, keeping what the caller can act on, and a
/// chain printer shows each cause once.
#[test]
fn upload_errors_convert_with_question_mark_and_print_each_cause_once() {
    let dir = TempDir::new("mutagent-datasets-test");
    let server = ScriptedServer::start(upload_replies(1, 1));
    let client = blocking_client(&server);
    let missing = dir.path("missing.jsonl");
    let upload = |path: &Path| -> Result<u64, mutagent_core::Error> {
        let report =
            client
                .prompt_datasets()
                .upload_dataset_file(7, UploadDataset::new("x"), path)?;
        Ok(report.items_created)
    };

    let raw = client
        .prompt_datasets()
        .upload_dataset_file(7, UploadDataset::new("x"), &missing)
        .expect_err("missing");
    let os_text = match &raw {
        UploadError::Io { source, .. } => source.to_string(),
        other => panic!("expected Io, got {other:?}"),
    };
    let printed = chain(&raw);
    assert_eq!(printed.matches(&os_text).count(), 1, "{printed}");
    // The message alone (`{}`) says what kind of failure it was; the OS text is the source.
    assert!(
        raw.to_string()
            .contains(": entity not found (nothing was created)"),
        "{raw}"
    );

    let err = upload(&missing).expect_err("missing");
    assert!(
        matches!(&err, mutagent_core::Error::File { operation: "upload_dataset_file", path, .. } if path == &missing),
        "{err:?}"
    );
    let printed = chain(&err);
    assert_eq!(printed.matches(&os_text).count(), 1, "{printed}");
    assert!(err.to_string().ends_with("`: entity not found"), "{err}");

    let err = upload(&dir.file("bad.jsonl", "{\"input\": 5}\n")).expect_err("record");
    assert!(
        matches!(&err, mutagent_core::Error::InvalidInput { field, .. } if field.contains("record 1")),
        "{err:?}"
    );
    let err = upload(&dir.file("cases.txt", "")).expect_err("format");
    assert!(
        matches!(&err, mutagent_core::Error::InvalidInput { field, .. } if field == "format"),
        "{err:?}"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

/// A named pipe (what a shell's `<(command)` also is) can be read only once, and
/// `validate_first` reads the file twice: the validation pass used to consume it, so the
/// upload created an empty dataset, or opened the pipe again and waited forever for a writer.
/// Now it is refused before anything is read or sent, through both clients, and uploads in one
/// pass with `validate_first(false)`.
#[cfg(unix)]
#[test]
fn a_pipe_is_refused_when_validating_first_and_read_once_otherwise() {
    use std::sync::mpsc;
    use std::time::Duration;

    let dir = TempDir::new("mutagent-datasets-test");
    let pipe = dir.path("cases.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo");
    assert!(made.success());

    // Each upload runs on its own thread: before the fix it blocked opening the pipe.
    let within = |upload: Box<dyn FnOnce() -> Result<u64, UploadError> + Send>| {
        let (done, outcome) = mpsc::channel();
        std::thread::spawn(move || done.send(upload()));
        outcome
            .recv_timeout(Duration::from_secs(10))
            .expect("the upload must not wait on the pipe")
    };

    let server = ScriptedServer::start(upload_replies(2, 1));
    let client = blocking_client(&server);
    let path = pipe.clone();
    let blocking = within(Box::new(move || {
        client
            .prompt_datasets()
            .upload_dataset_file(7, UploadDataset::new("x"), &path)
            .map(|report| report.items_created)
    }));
    let client = async_client(&server);
    let path = pipe.clone();
    let asynchronous = within(Box::new(move || {
        runtime()
            .block_on(
                client
                    .prompt_datasets()
                    .upload_items_file(12, UploadOptions::new(), &path),
            )
            .map(|report| report.items_created)
    }));
    for err in [blocking, asynchronous] {
        let err = err.expect_err("a pipe cannot be read twice");
        assert!(
            matches!(&err, UploadError::ReadableOnce { path, .. } if path == &pipe),
            "{err:?}"
        );
        assert!(!err.progress().changed_anything());
        assert!(err.to_string().contains("validate_first(false)"), "{err}");
        let err = mutagent_core::Error::from(err);
        assert!(
            matches!(&err, mutagent_core::Error::InvalidInput { field, .. } if field == "validate_first"),
            "{err:?}"
        );
    }
    // The upload of existing dataset 12 asked for it first; the refusal came before the file
    // was opened, and nothing was created.
    let requests = server.requests();
    assert!(
        requests.iter().all(|request| request.method == "GET"),
        "{requests:?}"
    );

    // In one pass the pipe is read once, whole.
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            std::fs::write(&pipe, "{\"input\": {\"i\": 1}}\n{\"input\": {\"i\": 2}}\n")
        })
    };
    let server = ScriptedServer::start(upload_replies(2, 1));
    let report = blocking_client(&server)
        .prompt_datasets()
        .upload_dataset_file(
            7,
            UploadDataset::new("x").validate_first(false).chunk_size(1),
            &pipe,
        )
        .expect("one pass");
    writer.join().expect("writer").expect("written");
    assert_eq!((report.records_read, report.items_created), (2, 2));
    let (items, sizes) = sent_items(&server);
    assert_eq!(sizes, [1, 1]);
    assert_eq!(items, json!([{"input": {"i": 1}}, {"input": {"i": 2}}]));
}

/// A CSV file without a header row (empty, only a byte order mark, only blank lines) is
/// refused as the header's error, record 0, before anything is sent, through both clients:
/// the header is what names the columns. It used to read as zero items, so the upload created
/// an empty dataset and reported success.
#[cfg(feature = "csv")]
#[test]
fn a_csv_file_without_a_header_is_refused() {
    let dir = TempDir::new("mutagent-datasets-test");
    for (name, content) in [
        ("empty.csv", ""),
        ("bom.csv", "\u{feff}"),
        ("blank.csv", "\u{feff}\r\n\n"),
    ] {
        let path = dir.file(name, content);
        let check = |err: UploadError| {
            assert_record_error(&err, name, (0, 1), &["no header row"]);
            assert!(!err.progress().changed_anything(), "{name}");
        };
        refused_before_sending(name, &path, check);
        // The reader says the same.
        let mut reader = DatasetFileReader::new(content.as_bytes(), DatasetFileFormat::Csv);
        check(reader.next_chunk(10).expect_err(name));
    }
    // A header alone is a file of no items.
    let mut reader = DatasetFileReader::new(&b"input.a\r\n"[..], DatasetFileFormat::Csv);
    assert!(reader.next_chunk(10).expect("header only").is_empty());
}

/// A key written twice in one object kept only its last value, silently: a file with two
/// `input` objects, or one variable set twice, lost data though "nothing is skipped
/// silently". Now it is the record's error, naming the key and the line, before anything is
/// sent, in JSON, JSON Lines and CSV's JSON cells, through both clients.
#[test]
fn a_key_written_twice_in_one_object_is_refused() {
    let dir = TempDir::new("mutagent-datasets-test");
    let mut cases = vec![
        (
            "top.json",
            "[\n{\"input\": {}},\n{\"input\": {\"a\": 1}, \"input\": {\"b\": 2}}\n]\n",
            2,
            3,
            "input",
        ),
        (
            "nested.jsonl",
            "{\"input\": {}}\n\n{\"input\": {\"x\": {\"a\": 1, \"a\": 2}}}\n",
            2,
            3,
            "a",
        ),
    ];
    if cfg!(feature = "csv") {
        cases.push((
            "cell.csv",
            "name,input\nok,{}\ntwice,\"{\"\"a\"\": 1, \"\"a\"\": 2}\"\n",
            2,
            3,
            "a",
        ));
    }
    for (name, content, record, line, key) in cases {
        let path = dir.file(name, content);
        let reason = format!("the key `{key}` appears twice");
        refused_before_sending(name, &path, |err| {
            assert_record_error(&err, name, (record, line), &[&reason]);
        });
    }
    // The same key in different objects is no repeat.
    let mut reader = DatasetFileReader::new(
        &b"[{\"input\": {\"a\": {\"a\": 1}}, \"metadata\": {\"a\": 2}}]"[..],
        DatasetFileFormat::Json,
    );
    let item = reader.next_item().expect("valid").expect("one item");
    assert_eq!(item.input, json!({"a": {"a": 1}}));
}

/// A CSV text cell of spaces is text, not an empty cell: the export writes a feedback of
/// `"  "` quoted, and the upload used to drop it (and a name of spaces) as if the cell were
/// empty, so export then upload lost it. Now feedback keeps its text and a name of spaces is
/// refused by the name's own check, through both clients.
#[cfg(feature = "csv")]
#[test]
fn csv_text_cells_of_spaces_are_kept_not_dropped() {
    let dir = TempDir::new("mutagent-datasets-test");
    let path = dir.file(
        "spaces.csv",
        "name,input.a,userFeedback,systemFeedback\r\n,x,\"  \", \r\n",
    );
    let expected = json!([{"input": {"a": "x"}, "userFeedback": "  ", "systemFeedback": " "}]);
    for (client, upload) in BOTH_CLIENTS {
        let server = ScriptedServer::start(upload_replies(1, 1));
        upload(&server, &path).expect(client);
        assert_eq!(sent_items(&server).0, expected, "{client}");
    }

    let blank_name = dir.file("name.csv", "name,input.a\n\"   \",x\n");
    refused_before_sending("a name of spaces", &blank_name, |err| {
        assert_record_error(&err, "a name of spaces", (1, 2), &["`name`"]);
    });
}

/// An integer beyond 64 bits (Python's `json` writes any integer exactly) was read as the
/// nearest float and sent rounded (`123456789012345678901234567890` became
/// `1.2345678901234568e29`), silently. Now it is the record's error naming the line, through
/// both clients; integers within `i64`/`u64` and float literals are sent as written.
#[test]
fn an_integer_beyond_64_bits_is_refused_not_rounded() {
    let dir = TempDir::new("mutagent-datasets-test");
    let mut cases = vec![
        (
            "big.json",
            "[\n{\"input\": {\"ok\": 18446744073709551615}},\n{\"input\": {\"a\": \"1\",\n \"id\": 123456789012345678901234567890}}\n]\n",
            4,
        ),
        (
            "big.jsonl",
            "{\"input\": {\"ok\": -9223372036854775808}}\n{\"input\": {}, \"metadata\": {\"n\": -99999999999999999999}}\n",
            2,
        ),
    ];
    if cfg!(feature = "csv") {
        cases.push((
            "big.csv",
            "input\n{}\n\"{\"\"id\"\": 123456789012345678901234567890}\"\n",
            3,
        ));
    }
    for (name, content, line) in cases {
        let path = dir.file(name, content);
        refused_before_sending(name, &path, |err| {
            assert_record_error(&err, name, (2, line), &["beyond 64 bits"]);
        });
    }
    // At the edges of 64 bits, and floats, the numbers go out as written.
    let path = dir.file(
        "edges.jsonl",
        "{\"input\": {\"max\": 18446744073709551615, \"min\": -9223372036854775808, \"f\": 1e30, \"g\": 0.5}}\n",
    );
    let server = ScriptedServer::start(upload_replies(1, 1));
    blocking_client(&server)
        .prompt_datasets()
        .upload_dataset_file(7, UploadDataset::new("x"), &path)
        .expect("edges");
    let body = String::from_utf8(server.requests()[1].body.clone()).expect("utf-8");
    assert!(
        body.contains("18446744073709551615") && body.contains("-9223372036854775808"),
        "{body}"
    );
}

/// With `validate_first` the file is read twice; a file edited in between (here while the
/// dataset is being created) was uploaded as it then was, unvalidated, and a truncated one
/// uploaded fewer items with a report of success. Now the change is an error before any item
/// is sent, whose progress names the dataset already created, through both clients: told by
/// the file's size or time of change, or, when an edit keeps both, by its count of records.
#[test]
fn a_file_changed_after_validation_stops_the_upload() {
    use std::time::{Duration, Instant};

    const ONE: &str = "{\"input\": {\"i\": 1}}\n";
    const TWO: &str = "{\"input\": {\"i\": 2}}\n";
    // Three records, then the first alone (smaller); one then two in the same size, and two
    // then one in the same size (a line of spaces is no record), with the time of change kept.
    let three = format!("{ONE}{TWO}{TWO}");
    let spaces = format!("{}\n", " ".repeat(TWO.len() - 1));
    let cases = [
        (
            three.as_str(),
            ONE.to_owned(),
            false,
            "changed after it was validated",
            0,
        ),
        (
            &format!("{ONE}{spaces}"),
            format!("{ONE}{TWO}"),
            true,
            "now holds at least 2",
            0,
        ),
        (
            &format!("{ONE}{TWO}"),
            format!("{ONE}{spaces}"),
            true,
            "now holds 1",
            1,
        ),
    ];
    let dir = TempDir::new("mutagent-datasets-test");
    let run =
        |upload: &dyn Fn(&ScriptedServer, &Path) -> Result<UploadReport, UploadError>,
         (original, edited, keep_time, said, sent): &(&str, String, bool, &str, u64)| {
            let path = dir.file("edited.jsonl", original);
            // The creation answers late, leaving time to edit; a chunk's answer holds one item.
            let mut replies = upload_replies(1, 1);
            replies[0] = Reply::json(201, dataset_json(12)).delay(Duration::from_millis(500));
            let server = ScriptedServer::start(replies);
            let err = std::thread::scope(|scope| {
                let edit = scope.spawn(|| {
                    // Once the creation is asked for, the file was validated: edit it.
                    let deadline = Instant::now() + Duration::from_secs(10);
                    while server.requests().is_empty() {
                        assert!(Instant::now() < deadline, "no creation request");
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    let time = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .expect("time");
                    std::fs::write(&path, edited).expect("edit");
                    if *keep_time {
                        let file = std::fs::File::options()
                            .write(true)
                            .open(&path)
                            .expect("open");
                        file.set_modified(time).expect("keep the time");
                    }
                });
                let outcome = upload(&server, &path);
                edit.join().expect("edit thread");
                outcome
            })
            .expect_err("the file changed after validation");
            assert!(
                matches!(&err, UploadError::FileChanged { path: named, .. } if named == &path),
                "{err:?}"
            );
            let progress = err.progress();
            assert_eq!(progress.dataset_id.map(|id| id.get()), Some(12));
            // Fewer records show at the end, after those read went out; more, before they do.
            assert!(progress.dataset_created && progress.items_created == *sent);
            let text = err.to_string();
            assert!(
                text.contains("changed after it was validated") && text.contains(said),
                "{text}"
            );
            assert_eq!(
                server.requests().len() as u64,
                1 + sent,
                "nothing more may be sent"
            );
            let err = mutagent_core::Error::from(err);
            assert!(err.done_before_stopping().is_some(), "{err:?}");
        };
    for case in &cases {
        for (_, upload) in BOTH_CLIENTS {
            run(&upload, case);
        }
    }
}

/// A spreadsheet set to a locale with decimal commas saves "CSV" separated by semicolons (or
/// tabs). Its header `input.city;name` read as one column, variable `city;name`, and every
/// row uploaded as `{"city;name": "Paris;one"}`, silently. A header that is one column
/// holding a `;` or a tab is now refused as the header's error, naming the separator, before
/// anything is sent, through both clients.
#[cfg(feature = "csv")]
#[test]
fn a_csv_file_separated_by_semicolons_or_tabs_is_refused() {
    let dir = TempDir::new("mutagent-datasets-test");
    for (name, content, separator) in [
        ("semicolons.csv", "input.city;name\r\nParis;one\r\n", "`;`"),
        ("tabs.csv", "\u{feff}input.city\tname\nParis\tone\n", "tab"),
    ] {
        let path = dir.file(name, content);
        refused_before_sending(name, &path, |err| {
            assert_record_error(&err, name, (0, 1), &[separator, "commas"]);
        });
    }
    // A comma-separated header whose names hold a `;` is not a guess about the separator.
    let mut reader =
        DatasetFileReader::new(&b"input.a;b,name\nx;y,n\n"[..], DatasetFileFormat::Csv);
    let item = reader.next_item().expect("read").expect("one item");
    assert_eq!(item.input, json!({"a;b": "x;y"}));
}

/// Dropping the upload's future (a timeout, a `select!`) stops it: no chunk after the one in
/// flight is sent, even though the next chunk was already being read. (The blocking client's
/// call cannot be dropped midway.)
#[test]
fn a_dropped_upload_sends_nothing_more() {
    use std::time::Duration;

    let dir = TempDir::new("mutagent-datasets-test");
    let path = dir.file("three.jsonl", &"{\"input\": {}}\n".repeat(3));
    let mut replies = upload_replies(3, 1);
    replies[2] = Reply::json(201, items_json(12, 1..2)).delay(Duration::from_secs(2));
    let server = ScriptedServer::start(replies);
    let client = async_client(&server);
    let runtime = runtime();
    let outcome = runtime.block_on(async {
        tokio::time::timeout(
            Duration::from_millis(500),
            client.prompt_datasets().upload_dataset_file(
                7,
                UploadDataset::new("x").chunk_size(1),
                &path,
            ),
        )
        .await
    });
    assert!(outcome.is_err(), "the second chunk's answer is late");
    // Longer than the late answer: a task still running would have sent the third chunk.
    std::thread::sleep(Duration::from_millis(2500));
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/api/prompt/7/datasets",
            "/api/prompts/datasets/12/items/bulk",
            "/api/prompts/datasets/12/items/bulk"
        ]
    );
}

/// Every SDK error starts with `[operation]`; the upload and export helpers' own errors used
/// to start with the file name instead, so a log line did not say which call failed. Each
/// kind (a file problem, a bad record, a refused setting, a refused call), through both
/// clients.
#[test]
fn upload_and_export_errors_start_with_their_operation() {
    let dir = TempDir::new("mutagent-datasets-test");
    let bad_record = dir.file("bad.jsonl", "{\"input\": 5}\n");
    let unknown = dir.file("cases.txt", "");
    let missing = dir.path("missing.jsonl");
    let good = dir.file("ok.jsonl", "{\"input\": {}}\n");
    for (client_name, upload) in BOTH_CLIENTS {
        let server = ScriptedServer::start(vec![Reply::json(500, json!({"message": "down"}))]);
        for (case, path) in [
            ("record", &bad_record),
            ("format", &unknown),
            ("missing", &missing),
            ("refused call", &good),
        ] {
            let err = upload(&server, path).expect_err(case);
            assert!(
                err.to_string().starts_with("[upload_dataset_file] "),
                "{client_name} {case}: {err}"
            );
        }
    }

    let server = ScriptedServer::start(vec![]);
    let blocking = blocking_client(&server);
    let err = blocking
        .prompt_datasets()
        .upload_dataset_file(7, UploadDataset::new("x").chunk_size(0), &good)
        .expect_err("chunk 0");
    assert!(
        err.to_string().starts_with("[upload_dataset_file] "),
        "{err}"
    );
    let err = blocking
        .prompt_datasets()
        .export_dataset_file(12, dir.path("out.xml"), None)
        .expect_err("format");
    assert!(
        err.to_string().starts_with("[export_dataset_file] "),
        "{err}"
    );
    let err = runtime()
        .block_on(async_client(&server).prompt_datasets().export_dataset_file(
            12,
            dir.path("out.xml"),
            None,
        ))
        .expect_err("format");
    assert!(
        err.to_string().starts_with("[export_dataset_file] "),
        "{err}"
    );
}

/// One upload through the helper and client named: `path` into dataset "x" of prompt 7
/// (`upload_dataset_file`) or into dataset 12 (`upload_items_file`), `chunk` items a request.
fn upload_through(
    helper: &str,
    client: &str,
    server: &ScriptedServer,
    path: &Path,
    chunk: usize,
) -> Result<UploadReport, UploadError> {
    let options = mutagent_prompt_datasets::UploadOptions::new().chunk_size(chunk);
    let dataset = UploadDataset::new("x").chunk_size(chunk);
    match (helper, client) {
        ("upload_dataset_file", "blocking") => blocking_client(server)
            .prompt_datasets()
            .upload_dataset_file(7, dataset, path),
        ("upload_dataset_file", _) => runtime().block_on(
            async_client(server)
                .prompt_datasets()
                .upload_dataset_file(7, dataset, path),
        ),
        (_, "blocking") => blocking_client(server)
            .prompt_datasets()
            .upload_items_file(12, options, path),
        _ => runtime().block_on(
            async_client(server)
                .prompt_datasets()
                .upload_items_file(12, options, path),
        ),
    }
}

/// Each upload helper's errors name the helper that was called: `upload_items_file`'s used
/// to say `[upload_dataset_file]`. A bad record, an unknown format, a missing file, a refused
/// setting, a refused call and a partial upload, through both clients, and converted with `?`
/// into the SDK's `Error` (a refused call converts into the call's own error).
#[test]
fn upload_errors_name_the_helper_that_was_called() {
    let dir = TempDir::new("mutagent-datasets-test");
    let bad_record = dir.file("bad.jsonl", "{\"input\": 5}\n");
    let unknown = dir.file("cases.txt", "");
    let missing = dir.path("missing.jsonl");
    let good = dir.file("ok.jsonl", "{\"input\": {}}\n");
    let two = dir.file("two.jsonl", "{\"input\": {}}\n{\"input\": {}}\n");
    let dataset = || Reply::json(200, dataset_json(12));
    let down = || Reply::json(500, json!({"message": "down"}));
    for helper in ["upload_dataset_file", "upload_items_file"] {
        for client in ["blocking", "async"] {
            let cases = [
                ("record", &bad_record, 500, vec![dataset()]),
                ("format", &unknown, 500, vec![]),
                ("missing", &missing, 500, vec![dataset()]),
                ("setting", &good, 0, vec![]),
                ("refused call", &good, 500, vec![down()]),
                (
                    "partial",
                    &two,
                    1,
                    vec![dataset(), Reply::json(201, items_json(12, 0..1)), down()],
                ),
            ];
            for (case, path, chunk, replies) in cases {
                let server = ScriptedServer::start(replies);
                let err = upload_through(helper, client, &server, path, chunk).expect_err(case);
                let prefix = format!("[{helper}] ");
                assert!(
                    err.to_string().starts_with(&prefix),
                    "{helper} {client} {case}: {err}"
                );
                assert_eq!(err.helper().name(), helper, "{client} {case}");
                let partial = err.progress().changed_anything();
                let converted = mutagent_core::Error::from(err);
                if case != "refused call" {
                    assert!(
                        converted.to_string().starts_with(&prefix),
                        "{helper} {client} {case}: {converted}"
                    );
                }
                assert_eq!(partial, case == "partial", "{helper} {client} {case}");
                if partial {
                    assert!(
                        matches!(
                            &converted,
                            mutagent_core::Error::Partial { operation, .. } if *operation == helper
                        ),
                        "{converted:?}"
                    );
                }
            }
        }
    }
}

/// A `DatasetFileReader` used on its own names itself in its errors, not an upload helper the
/// caller never called: an unknown format, a missing file and a bad record.
#[test]
fn a_standalone_reader_names_itself_in_its_errors() {
    let dir = TempDir::new("mutagent-datasets-test");
    let bad_record = dir.file("bad.jsonl", "{\"input\": 5}\n");
    let unknown = dir.file("cases.txt", "");
    let missing = dir.path("missing.jsonl");
    let err = DatasetFileReader::open(&unknown, None).expect_err("unknown format");
    assert!(err.to_string().starts_with("[DatasetFileReader] "), "{err}");
    let err = DatasetFileReader::open(&missing, None).expect_err("missing file");
    assert!(err.to_string().starts_with("[DatasetFileReader] "), "{err}");
    let err = DatasetFileReader::open(&bad_record, None)
        .expect("opens")
        .next()
        .expect("one record")
        .expect_err("bad record");
    assert!(err.to_string().starts_with("[DatasetFileReader] "), "{err}");
    assert_eq!(err.helper().name(), "DatasetFileReader");
}
