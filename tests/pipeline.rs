//! Pipeline behaviour: batching never changes rows, writer failures end the run cleanly, a
//! parser failure leaves nothing at the output path, empty documents give empty files.

use proptest::prelude::*;
use uniprot_etl::config::Settings;
use uniprot_etl::writer::read_entries;

use crate::util::{convert_bytes, parse_all, samples_dir};

fn sample_xml() -> Vec<u8> {
    std::fs::read(samples_dir().join("uniprot-rs-tests-250.xml")).unwrap()
}

fn settings(batch_size: usize, channel_capacity: usize) -> Settings {
    let mut settings = Settings::default();
    settings.pipeline.batch_size = batch_size;
    settings.pipeline.channel_capacity = channel_capacity;
    settings
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn batch_size_and_channel_capacity_never_change_rows(
        batch_size in 1usize..300,
        channel_capacity in 1usize..10,
    ) {
        let xml = sample_xml();
        let (expected, _) = parse_all(&xml).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let summary = convert_bytes(&xml, &out, &settings(batch_size, channel_capacity)).unwrap();
        prop_assert_eq!(summary.row_groups, expected.len().div_ceil(batch_size));
        prop_assert_eq!(read_entries(&out).unwrap(), expected);
    }
}

#[test]
fn batch_max_bytes_closes_batches_early() {
    let xml = sample_xml();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let mut settings = settings(10_000, 2);
    settings.pipeline.batch_max_bytes = 64 * 1024;
    let summary = convert_bytes(&xml, &out, &settings).unwrap();
    assert!(summary.row_groups > 20, "{} row groups", summary.row_groups);
    assert_eq!(read_entries(&out).unwrap().len(), 250);
}

#[test]
fn empty_document_gives_a_valid_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("empty.parquet");
    let xml =
        b"<?xml version='1.0'?>\n<uniprot xmlns=\"http://uniprot.org/uniprot\">\n</uniprot>\n";
    let summary = convert_bytes(xml, &out, &Settings::default()).unwrap();
    assert_eq!(summary.entries, 0);
    assert!(read_entries(&out).unwrap().is_empty());
}

#[test]
fn parser_error_leaves_no_file_and_keeps_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    std::fs::write(&out, b"previous content").unwrap();
    let mut xml = sample_xml();
    xml.truncate(xml.len() / 2);
    let err = convert_bytes(&xml, &out, &settings(10, 1))
        .unwrap_err()
        .to_string();
    assert!(err.contains("test-input.xml"), "{err}");
    assert!(err.contains("byte "), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"previous content");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary file left behind");
}

#[test]
fn writer_failure_ends_the_run_with_the_writer_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing-dir").join("out.parquet");
    let err = convert_bytes(&sample_xml(), &out, &settings(10, 1))
        .unwrap_err()
        .to_string();
    assert!(err.contains("writing"), "{err}");
    assert!(err.contains("missing-dir"), "{err}");
    assert!(!out.exists());
}
