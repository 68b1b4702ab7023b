//! The benchmark corpus, generated at bench start (never committed) and kept in memory: the
//! real entries of `../shared/uniprot-samples`, then copies of them with their own names and
//! sequences (as `cargo xtask gen --from … --copies unique` makes them), so the encoder pays
//! what a release costs. `BENCH_ENTRIES` overrides the entry count (default 6,000, ~50 MB).
//! Without the samples, TrEMBL-shaped synthetic entries from a fixed seed; the bench says
//! which it used.

use std::path::Path;

use uniprot_etl::lab::synth::{self, write_corpus, Amount, Copies, Profile};

/// Seed of the synthetic fallback corpus.
pub const SEED: u64 = 20261123;

/// Generates the benchmark corpus.
pub fn corpus() -> Vec<u8> {
    let entries = std::env::var("BENCH_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6_000);
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/uniprot-samples");
    let mut xml = Vec::new();
    match synth::sources_in(&samples) {
        Ok(sources) if !sources.is_empty() => {
            synth::replicate(&sources, Amount::Entries(entries), Copies::Unique, &mut xml)
                .expect("the shared samples replicate");
            eprintln!(
                "corpus: {entries} real entries made unique from {}",
                samples.display()
            );
        }
        _ => {
            write_corpus(&mut xml, Profile::Trembl, SEED, Amount::Entries(entries))
                .expect("writing to memory cannot fail");
            eprintln!("corpus: {entries} synthetic TrEMBL entries (no shared samples found)");
        }
    }
    xml
}
