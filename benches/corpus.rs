//! The benchmark corpus: generated at bench start from a fixed seed (never committed), kept in
//! memory. `BENCH_ENTRIES` overrides the entry count (default 50,000 TrEMBL-shaped entries).

use uniprot_etl::lab::synth::{write_corpus, Amount, Profile};

/// Seed of the benchmark corpus.
pub const SEED: u64 = 20261123;

/// Generates the benchmark corpus.
pub fn corpus() -> Vec<u8> {
    let entries = std::env::var("BENCH_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let mut xml = Vec::new();
    write_corpus(&mut xml, Profile::Trembl, SEED, Amount::Entries(entries))
        .expect("writing to memory cannot fail");
    xml
}
