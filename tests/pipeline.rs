//! Pipeline behaviour: batching, chunking and threads never change rows, the output is
//! byte-identical for any thread count, writer failures end the run cleanly, a parser failure
//! (on any worker) or a signal leaves nothing at the output path, empty documents give empty
//! files, and the number of chunks in flight stays within its bound.

use std::io::BufRead;

use proptest::prelude::*;
use uniprot_etl::config::Settings;
use uniprot_etl::interrupt::QuitFlag;
use uniprot_etl::lab::synth::{self, Amount, Profile};
use uniprot_etl::pipeline::metrics::Metrics;
use uniprot_etl::pipeline::Job;
use uniprot_etl::writer::read_entries;
use uniprot_etl::writer::Target;

use crate::util::{convert_bytes, parse_all, sample_bytes};

fn sample_xml() -> Vec<u8> {
    sample_bytes("uniprot-rs-tests-250.xml")
}

fn settings(batch_size: usize, channel_capacity: usize) -> Settings {
    let mut settings = Settings::default();
    settings.pipeline.batch_size = batch_size;
    settings.pipeline.channel_capacity = channel_capacity;
    settings
}

/// A generated document of `entries` sparse entries (~3 KB each).
fn synthetic_xml(entries: u64, seed: u64) -> Vec<u8> {
    let mut xml = Vec::new();
    synth::write_corpus(&mut xml, Profile::Trembl, seed, Amount::Entries(entries)).unwrap();
    xml
}

proptest! {
    #![proptest_config(crate::proptest_config!(12, "pipeline.txt"))]
    #[test]
    fn batching_chunking_and_threads_never_change_rows(
        batch_size in 1usize..300,
        channel_capacity in 1usize..10,
        threads in 1usize..5,
        chunk_bytes in 1024usize..64 * 1024,
    ) {
        let xml = sample_xml();
        let (expected, _) = parse_all(&xml).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let mut settings = settings(batch_size, channel_capacity);
        settings.pipeline.threads = threads;
        settings.pipeline.chunk_bytes = chunk_bytes;
        let summary = convert_bytes(&xml, &out, &settings).unwrap();
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

/// Converts `xml` with `threads` workers and small chunks and row groups; returns the file.
fn convert_with_threads(xml: &[u8], threads: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let mut settings = settings(97, 2);
    settings.pipeline.threads = threads;
    settings.pipeline.chunk_bytes = 16 * 1024;
    settings.pipeline.batch_max_bytes = 200 * 1024;
    let summary = convert_bytes(xml, &out, &settings).unwrap();
    assert!(summary.row_groups > 2, "{} row groups", summary.row_groups);
    std::fs::read(&out).unwrap()
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    for xml in [sample_xml(), synthetic_xml(400, 11)] {
        let (expected, _) = parse_all(&xml).unwrap();
        let reference = convert_with_threads(&xml, 1);
        for threads in [2, 3, 8] {
            let file = convert_with_threads(&xml, threads);
            assert!(file == reference, "{threads} threads wrote different bytes");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reference.parquet");
        std::fs::write(&path, &reference).unwrap();
        assert_eq!(
            read_entries(&path).unwrap(),
            expected,
            "rows out of order or changed"
        );
    }
}

#[test]
fn a_bad_entry_on_any_worker_fails_like_a_sequential_read() {
    let xml = synthetic_xml(300, 5);
    let text = String::from_utf8(xml).unwrap();
    // Break one entry deep in the document (well past the first chunks).
    let at = text.match_indices("<entry").nth(230).unwrap().0;
    let close = at + text[at..].find("</accession>").unwrap() + "</accession>".len();
    let broken = format!(
        "{}<sequence length=\"x\">{}",
        &text[..close],
        &text[close..]
    );
    let expected = parse_all(broken.as_bytes()).unwrap_err();
    for threads in [1, 4] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let mut settings = settings(50, 1);
        settings.pipeline.threads = threads;
        settings.pipeline.chunk_bytes = 8 * 1024;
        let err = convert_bytes(broken.as_bytes(), &out, &settings)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!("test-input.xml: {expected}"),
            "{threads} threads"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "output left behind"
        );
    }
}

/// Reads its input, requesting a stop on `quit` once `after` bytes were consumed.
struct StopAfter<'a> {
    data: &'a [u8],
    after: usize,
    quit: QuitFlag,
}

impl std::io::Read for StopAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = std::io::Read::read(&mut self.fill_buf()?, buf)?;
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for StopAfter<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        Ok(&self.data[..self.data.len().min(4096)])
    }

    fn consume(&mut self, amount: usize) {
        self.data = &self.data[amount..];
        self.after = self.after.saturating_sub(amount);
        if self.after == 0 {
            self.quit.request(15);
        }
    }
}

#[test]
fn a_signal_mid_run_stops_every_stage_and_leaves_no_output() {
    let xml = synthetic_xml(300, 9);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let quit = QuitFlag::new();
    let input = StopAfter {
        data: &xml,
        after: xml.len() / 2,
        quit: quit.clone(),
    };
    let mut settings = settings(50, 1);
    settings.pipeline.threads = 3;
    settings.pipeline.chunk_bytes = 8 * 1024;
    let job = Job {
        quit,
        ..Job::new("stdin", Target::File(out.clone()), settings)
    };
    let err = crate::util::convert_job(input, &job)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("interrupted by SIGTERM"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "output left behind"
    );
}

#[test]
fn chunks_in_flight_stay_within_threads_plus_channel_capacity() {
    // Huge entries and tiny batches: every chunk holds one entry, every entry is a row group.
    let mut xml = synthetic_xml(0, 1);
    let tail = xml.split_off(xml.len() - "</uniprot>\n".len());
    for i in 0..60 {
        let sequence = "M".repeat(20_000 + i * 997);
        xml.extend_from_slice(
            format!("<entry><accession>Q{i:05}</accession><sequence length=\"1\" mass=\"1\" checksum=\"X\" modified=\"2000-01-01\" version=\"1\">{sequence}</sequence></entry>\n")
                .as_bytes(),
        );
    }
    xml.extend_from_slice(&tail);
    for (threads, capacity) in [(1, 1), (2, 1), (4, 3)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let mut settings = settings(10_000, capacity);
        settings.pipeline.threads = threads;
        settings.pipeline.chunk_bytes = 1024;
        settings.pipeline.batch_max_bytes = 1024;
        let job = Job::new("huge.xml", Target::File(out.clone()), settings.clone());
        let summary = crate::util::convert_job(&xml[..], &job).unwrap();
        let metrics = &summary.metrics;
        assert_eq!((summary.entries, summary.row_groups), (60, 60));
        let peak = Metrics::get(&metrics.chunks_in_flight_peak);
        assert!(
            peak >= 1 && peak <= (threads + capacity) as u64,
            "peak {peak}"
        );
    }
}
