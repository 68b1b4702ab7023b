//! Pipeline behaviour: batching, chunking and threads never change rows, the output is
//! byte-identical for any thread count, writer failures end the run cleanly, a parser failure
//! (on any worker) or a signal leaves nothing at the output path, empty documents give empty
//! files, and the number of chunks in flight stays within its bound.

use std::io::BufRead;

use arrow::record_batch::RecordBatch;
use proptest::prelude::*;
use uniprot_etl::config::Settings;
use uniprot_etl::interrupt::QuitFlag;
use uniprot_etl::lab::synth::{self, Amount, Profile};
use uniprot_etl::pipeline::metrics::Metrics;
use uniprot_etl::pipeline::{self, Job, Outcome, ScanJob};
use uniprot_etl::table::Projection;
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

/// Every batch of a scan of `xml` with `job`, and how the scan ended.
fn scan_batches(
    xml: &[u8],
    job: &ScanJob,
) -> (Vec<RecordBatch>, uniprot_etl::error::Result<Outcome>) {
    let metrics = std::sync::Arc::new(Metrics::default());
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::scope(|scope| {
        let scan = scope.spawn(|| pipeline::scan(xml, job, &metrics, tx));
        let batches: Vec<RecordBatch> = rx.iter().collect();
        (batches, scan.join().unwrap())
    })
}

/// The row groups of the Parquet file at `path`, one record batch each.
fn row_groups(path: &std::path::Path) -> Vec<RecordBatch> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let groups = builder.metadata().num_row_groups();
    (0..groups)
        .map(|group| {
            let file = std::fs::File::open(path).unwrap();
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .with_row_groups(vec![group])
                .with_batch_size(1 << 20)
                .build()
                .unwrap();
            let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
            assert_eq!(batches.len(), 1);
            batches.into_iter().next().unwrap()
        })
        .collect()
}

#[test]
fn a_scan_yields_the_row_groups_a_conversion_writes_in_order() {
    let xml = sample_xml();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let mut settings = settings(40, 2);
    settings.pipeline.threads = 3;
    settings.pipeline.chunk_bytes = 16 * 1024;
    convert_bytes(&xml, &out, &settings).unwrap();
    let (batches, outcome) = scan_batches(&xml, &ScanJob::new("sample", settings));
    let outcome = outcome.unwrap();
    assert!(outcome.files.is_empty());
    let groups = row_groups(&out);
    assert_eq!(batches.len(), groups.len());
    assert!(batches.len() > 2, "the sample should give several batches");
    for (batch, group) in batches.iter().zip(&groups) {
        assert_eq!(batch, group);
    }
}

#[test]
fn a_projected_scan_yields_the_full_scans_columns() {
    let xml = sample_xml();
    let full = ScanJob::new("sample", settings(100, 2));
    let names = [
        "accession",
        "organism.taxon_id",
        "sequence",
        "features.type",
    ];
    let projected = ScanJob {
        columns: Projection::parse(&names).unwrap(),
        ..full.clone()
    };
    let (all, _) = scan_batches(&xml, &full);
    let (some, outcome) = scan_batches(&xml, &projected);
    outcome.unwrap();
    assert_eq!(all.len(), some.len());
    let schema = projected.columns.schema();
    for (whole, part) in all.iter().zip(&some) {
        assert_eq!(part.schema(), schema);
        for field in schema.fields() {
            let column = part.column_by_name(field.name()).unwrap();
            let whole = whole.column_by_name(field.name()).unwrap();
            if field.name() == "accession" || field.name() == "sequence" {
                assert_eq!(column, whole, "{}", field.name());
            }
            assert_eq!(column.len(), whole.len());
        }
    }
}

#[test]
fn a_scan_stops_when_its_caller_hangs_up() {
    let xml = synthetic_xml(400, 3);
    let metrics = std::sync::Arc::new(Metrics::default());
    let job = ScanJob::new("synthetic", settings(10, 1));
    let (tx, rx) = crossbeam_channel::bounded(1);
    let err = std::thread::scope(|scope| {
        let scan = scope.spawn(|| pipeline::scan(&xml[..], &job, &metrics, tx));
        let first = rx.recv().unwrap();
        assert_eq!(first.num_rows(), 10);
        drop(rx);
        scan.join().unwrap().unwrap_err()
    });
    assert!(
        matches!(err, uniprot_etl::error::Error::Closed { .. }),
        "{err}"
    );
    assert!(Metrics::get(&metrics.entries) < 400);
}

#[test]
fn a_scan_reports_bad_xml_with_its_offset_and_accession() {
    let mut xml = sample_xml();
    let at = xml.len() / 2;
    let entry = find(&xml[at..], b"<entry").unwrap() + at;
    xml.splice(entry..entry + 6, b"<entry <".iter().copied());
    let (_, outcome) = scan_batches(&xml, &ScanJob::new("broken.xml", settings(50, 1)));
    let err = outcome.unwrap_err().to_string();
    assert!(err.contains("broken.xml"), "{err}");
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
