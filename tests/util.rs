//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use uniprot_etl::config::Settings;
use uniprot_etl::error::Error;
use uniprot_etl::metrics::Metrics;
use uniprot_etl::model::Entry;
use uniprot_etl::parse::{EntryReader, ParseLimits};
use uniprot_etl::pipeline::{self, Summary};

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

/// Runs the library pipeline on an in-memory document.
pub fn convert_bytes(xml: &[u8], output: &Path, settings: &Settings) -> Result<Summary, Error> {
    pipeline::convert(
        xml,
        "test-input.xml",
        output.to_path_buf(),
        settings,
        Arc::new(Metrics::default()),
    )
}
