//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use uniprot_etl::config::Settings;
use uniprot_etl::error::Error;
use uniprot_etl::parse::{EntryReader, ParseLimits};
use uniprot_etl::pipeline::metrics::Metrics;
use uniprot_etl::pipeline::{self, Job};
use uniprot_etl::table::model::Entry;
use uniprot_etl::writer::Target;

/// The binary, run in `dir` so that the repository's config.yaml is out of the way and the
/// run ledger (`runs/`) lands in the test's own directory.
pub fn bin(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_uniprot-etl"));
    command.current_dir(dir);
    command
}

/// Runs the binary in `dir` with `args`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().unwrap()
}

/// A finished process's stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `data` gzip-compressed (one member, fast level).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// One file of the shared real samples, as bytes.
pub fn sample_bytes(name: &str) -> Vec<u8> {
    std::fs::read(samples_dir().join(name)).unwrap()
}

/// The real UniProt samples shared beside the checkout.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/uniprot-samples")
}

/// Every `.xml` file among the shared samples, sorted.
pub fn sample_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples_dir())
        .expect("../shared/uniprot-samples must exist (CI has it)")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

/// A file of the project's own fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Parses all entries of an XML document held in memory.
pub fn parse_all(xml: &[u8]) -> Result<(Vec<Entry>, BTreeMap<String, u64>), String> {
    let mut reader = EntryReader::new(xml, false, ParseLimits::default());
    let mut entries = Vec::new();
    while let Some(entry) = reader.next_entry().map_err(|e| e.to_string())? {
        entries.push(entry);
    }
    Ok((entries, reader.unmapped()))
}

/// What a conversion in the tests did: the pipeline's outcome and the figures its metrics
/// counted (the one place each figure is kept).
#[derive(Debug)]
pub struct Converted {
    /// Entries converted.
    pub entries: u64,
    /// Row groups written.
    pub row_groups: usize,
    /// Unmapped paths and their counts.
    pub unmapped: BTreeMap<String, u64>,
    /// Every figure of the run.
    pub metrics: Arc<Metrics>,
}

/// Runs the library pipeline on `input` as `job` says.
pub fn convert_job(input: impl std::io::BufRead, job: &Job) -> Result<Converted, Error> {
    let metrics = Arc::new(Metrics::default());
    let outcome = pipeline::convert(input, job, &metrics)?;
    Ok(Converted {
        entries: Metrics::get(&metrics.entries),
        row_groups: Metrics::get(&metrics.batches) as usize,
        unmapped: outcome.unmapped,
        metrics,
    })
}

/// Runs the library pipeline on an in-memory document.
pub fn convert_bytes(xml: &[u8], output: &Path, settings: &Settings) -> Result<Converted, Error> {
    let target = Target::File(output.to_path_buf());
    convert_job(xml, &Job::new("test-input.xml", target, settings.clone()))
}

/// Converts `input` with the binary (run in `dir`) into `dir/output` and reads the rows back.
pub fn convert_to_rows(dir: &Path, input: &Path, output: &str) -> Vec<Entry> {
    let out = dir.join(output);
    let result = run(
        dir,
        &[
            "convert",
            "-q",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(result.status.success(), "{}", stderr(&result));
    uniprot_etl::writer::read_entries(&out).unwrap()
}

/// Every row of the `*.parquet` files in a dataset directory, sorted by accession.
pub fn dataset_rows(dir: &Path) -> Vec<Entry> {
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "parquet") {
            rows.extend(uniprot_etl::writer::read_entries(&path).unwrap());
        }
    }
    rows.sort_by(|a, b| a.accession.cmp(&b.accession));
    rows
}

/// proptest settings for `cases` cases whose failing seeds are kept in
/// `proptest-regressions/FILE` at the repository root (committed, replayed first on every run).
#[macro_export]
macro_rules! proptest_config {
    ($cases:expr, $file:literal) => {
        proptest::test_runner::Config {
            cases: $cases,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/proptest-regressions/",
                    $file
                )),
            )),
            ..proptest::test_runner::Config::default()
        }
    };
}
