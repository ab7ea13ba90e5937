//! A build without the `csv` feature: `DatasetFileFormat::Csv` still exists, and every way to
//! read or write CSV fails with a typed error naming the feature, before anything is sent and
//! before any file is opened, created or replaced. Run by `cargo test -p
//! mutagent-prompt-datasets` alone (the workspace's test run turns the feature on).
#![cfg(not(feature = "csv"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::io::{BufReader, Read};
use std::path::Path;

use mutagent_core::Error;
use mutagent_prompt_datasets::{
    export::write_items, CsvNotEnabled, DatasetFileFormat, DatasetFileReader, ExportError,
    ExportOptions, PromptDatasetExport, PromptDatasetsExt, UploadDataset, UploadError,
    UploadOptions, UploadReport,
};
use mutagent_test_support::{Reply, ScriptedServer, TempDir};
use mutagent_wire_test::{async_client, blocking_client, runtime};
use serde_json::json;

mod support;
use support::dataset_json;

const CSV: &str = "name,input.city\r\none,Paris\r\n";

/// What a server would answer to a whole upload of one item: were the format checked too
/// late, the upload would get as far as creating the dataset (or reading it) and sending items.
fn upload_replies() -> Vec<Reply> {
    vec![
        Reply::json(201, dataset_json(12)),
        Reply::json(201, json!([{"id": 1, "datasetId": 12, "input": {}}])),
    ]
}

fn export_reply() -> Reply {
    Reply::json(
        200,
        json!({"dataset": dataset_json(12), "exportedAt": null,
               "items": [{"id": 1, "datasetId": 12, "name": "one", "input": {"q": "x"}}]}),
    )
}

/// Checks the error names the file and both spellings of the feature, and says nothing exists.
#[track_caller]
fn assert_refused_upload(err: &UploadError, path: &Path) {
    assert!(
        matches!(err, UploadError::CsvNotEnabled { path: named, .. } if named == path),
        "{err:?}"
    );
    assert_eq!(err.progress().dataset_id, None);
    let text = err.to_string();
    for needed in [
        "mutagent/csv",
        "mutagent-prompt-datasets/csv",
        "nothing was created",
    ] {
        assert!(text.contains(needed), "{needed:?} missing in {text}");
    }
    assert!(text.contains(&path.display().to_string()), "{text}");
}

#[test]
fn csv_is_still_a_format_a_file_name_names() {
    assert_eq!(
        DatasetFileFormat::from_path("cases.CSV"),
        Some(DatasetFileFormat::Csv)
    );
    assert_eq!(DatasetFileFormat::Csv.to_string(), "csv");
}

/// Runs `upload` against a server that would answer a whole upload, and checks it was refused
/// for `path` with nothing sent.
#[track_caller]
fn assert_sent_nothing(
    path: &Path,
    upload: impl FnOnce(&ScriptedServer) -> Result<UploadReport, UploadError>,
) {
    let server = ScriptedServer::start(upload_replies());
    let err = upload(&server).expect_err("an upload of CSV");
    assert_refused_upload(&err, path);
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[test]
fn a_csv_upload_is_refused_before_anything_is_sent() {
    let dir = TempDir::new("mutagent-without-csv");
    let csv = dir.file("cases.csv", CSV);
    let txt = dir.file("cases.txt", CSV);
    let uploads = [
        (UploadDataset::new("x"), &csv),
        // Without validating first, the dataset would be created before the file is read.
        (UploadDataset::new("x").validate_first(false), &csv),
        // An explicit format wins over the extension.
        (UploadDataset::new("x").format(DatasetFileFormat::Csv), &txt),
    ];
    for (upload, path) in uploads {
        assert_sent_nothing(path, |server| {
            blocking_client(server)
                .prompt_datasets()
                .upload_dataset_file(7, upload.clone(), path)
        });
        assert_sent_nothing(path, |server| {
            let client = async_client(server);
            runtime().block_on(client.prompt_datasets().upload_dataset_file(
                7,
                upload.clone(),
                path,
            ))
        });
    }
    // Adding to an existing dataset: not even the dataset is read.
    assert_sent_nothing(&csv, |server| {
        blocking_client(server).prompt_datasets().upload_items_file(
            12,
            UploadOptions::new().validate_first(false),
            &csv,
        )
    });
}

#[test]
fn a_csv_export_is_refused_before_fetching_or_touching_the_file() {
    let dir = TempDir::new("mutagent-without-csv");
    let existing = dir.file("kept.csv", "precious");
    let new = dir.path("new.csv");
    let exports = [
        (&existing, ExportOptions::new()),
        (&new, ExportOptions::new()),
        // An explicit format wins over the extension.
        (&new, ExportOptions::from(DatasetFileFormat::Csv)),
    ];
    for (path, options) in exports {
        let server = ScriptedServer::start(vec![export_reply()]);
        let err = blocking_client(&server)
            .prompt_datasets()
            .export_dataset_file(12, path, options.clone())
            .expect_err("export to CSV");
        assert!(
            matches!(&err, ExportError::CsvNotEnabled { path: named } if named == path),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("mutagent/csv"), "{text}");
        assert!(text.contains("mutagent-prompt-datasets/csv"), "{text}");
        assert!(server.requests().is_empty(), "nothing may be fetched");
    }
    let server = ScriptedServer::start(vec![export_reply()]);
    let client = async_client(&server);
    let err = runtime()
        .block_on(client.prompt_datasets().export_dataset_file(12, &new, None))
        .expect_err("async export to CSV");
    assert!(matches!(err, ExportError::CsvNotEnabled { .. }), "{err:?}");
    assert!(server.requests().is_empty(), "nothing may be fetched");

    assert_eq!(
        std::fs::read_to_string(&existing).expect("kept"),
        "precious"
    );
    assert_eq!(
        dir.entries(),
        ["kept.csv"],
        "no file created, none replaced"
    );
}

/// `?` into the SDK's `Error`: its own variant, naming the operation and the feature.
#[test]
fn the_refusals_convert_to_the_sdks_error_naming_the_feature() {
    let dir = TempDir::new("mutagent-without-csv");
    let csv = dir.file("cases.csv", CSV);
    let server = ScriptedServer::start(upload_replies());
    let client = blocking_client(&server);
    let upload = || -> Result<u64, Error> {
        Ok(client
            .prompt_datasets()
            .upload_dataset_file(7, UploadDataset::new("x"), &csv)?
            .items_created)
    };
    let export = || -> Result<u64, Error> {
        Ok(client
            .prompt_datasets()
            .export_dataset_file(12, dir.path("out.csv"), None)?
            .items_written)
    };
    for (err, operation) in [
        (upload().expect_err("upload"), "upload_dataset_file"),
        (export().expect_err("export"), "export_dataset_file"),
    ] {
        assert!(
            matches!(
                &err,
                Error::FeatureNotEnabled {
                    operation: op,
                    what: "CSV",
                    feature: "mutagent/csv",
                    crate_feature: "mutagent-prompt-datasets/csv",
                } if *op == operation
            ),
            "{err:?}"
        );
        assert!(!err.is_retryable());
    }
    assert!(server.requests().is_empty(), "nothing may be sent");
}

/// A source that records whether it was read.
struct Watched<'a> {
    read: &'a mut bool,
}

impl Read for Watched<'_> {
    fn read(&mut self, _buf: &mut [u8]) -> std::io::Result<usize> {
        *self.read = true;
        Ok(0)
    }
}

#[test]
fn the_reader_refuses_csv_without_reading_it() {
    let dir = TempDir::new("mutagent-without-csv");
    // The format is checked before the file is opened: a missing file is not the error.
    for path in [dir.file("cases.csv", CSV), dir.path("missing.csv")] {
        let err = DatasetFileReader::open(&path, None).expect_err("CSV");
        assert_refused_upload(&err, &path);
    }

    let mut read = false;
    let source = BufReader::new(Watched { read: &mut read });
    let mut reader = DatasetFileReader::new(source, DatasetFileFormat::Csv);
    let err = reader.next_item().expect_err("CSV");
    assert_refused_upload(&err, Path::new("<input>"));
    // Then the reader stops, like after any error.
    assert!(reader.next_item().expect("stopped").is_none());
    drop(reader);
    assert!(!read, "the source was read");

    // The other formats read as ever.
    let mut reader =
        DatasetFileReader::new(&b"{\"input\": {}}\n"[..], DatasetFileFormat::JsonLines);
    assert_eq!(reader.next_chunk(10).expect("JSON Lines").len(), 1);
}

#[test]
fn write_items_refuses_csv_and_writes_nothing() {
    let export: PromptDatasetExport = serde_json::from_value(json!({
        "dataset": dataset_json(12), "exportedAt": null,
        "items": [{"id": 1, "datasetId": 12, "input": {"q": "x"}}]
    }))
    .expect("export");
    let mut out = Vec::new();
    let err = write_items(&mut out, DatasetFileFormat::Csv, &export.items).expect_err("CSV");
    assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
    assert!(
        err.get_ref()
            .is_some_and(|inner| inner.downcast_ref::<CsvNotEnabled>().is_some()),
        "{err:?}"
    );
    assert!(err.to_string().contains("mutagent/csv"), "{err}");
    assert!(out.is_empty(), "nothing written");

    assert_eq!(
        write_items(&mut out, DatasetFileFormat::JsonLines, &export.items).expect("JSON Lines"),
        1
    );
}
