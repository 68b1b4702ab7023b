//! `cargo xtask gen`: write a synthetic corpus, or one of real entries replicated with unique
//! accessions (`--from DIR`; see `uniprot_etl::lab::synth`).

use std::time::Instant;

use anyhow::Result;

use crate::corpus;
use crate::flags::GenArgs;

/// Generates the corpus the flags describe and prints its path.
pub fn run(args: GenArgs) -> Result<()> {
    let source = corpus::Source::from_args(&args.corpus)?;
    let amount = corpus::amount(&args.corpus)?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| corpus::default_path(&source, amount, args.gzip));
    let started = Instant::now();
    let stats = corpus::generate(&path, &source, amount, args.gzip)?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} entries, {:.1} MB of XML in {secs:.1} s ({:.0} MB/s)",
        stats.entries,
        stats.bytes as f64 / 1e6,
        stats.bytes as f64 / 1e6 / secs.max(1e-9)
    );
    println!("{}", path.display());
    Ok(())
}
