//! `cargo xtask floor`: the I/O, tokenizer and parse-only floors of a corpus measured by the
//! release binary in one process, next to one real conversion, with the efficiency ratios.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use uniprot_etl::ledger::catalog;

use crate::flags::FloorArgs;
use crate::sweep::measure_floors;
use crate::{corpus, project};

/// Measures and prints the floors; writes them to runs/floors/.
pub fn run(args: FloorArgs) -> Result<()> {
    let corpus = corpus::resolve(&args.corpus)?;
    let binary = project::build_release(&[])?;
    let floors = measure_floors(&binary, &corpus)?;
    let work = tempfile_dir()?;
    let runs_dir = work.join("runs");
    project::convert(&binary, &corpus, &work.join("out.parquet"), &runs_dir, &[])?;
    let (runs, _) = catalog::load_runs(&runs_dir)?;
    let converter = runs
        .last()
        .context("the conversion left no report")?
        .report
        .metrics
        .mb_per_sec;
    let tokenizer = floors.tokenizer.mb_per_sec();
    let mut table = String::from("| stage | MB/s | ÷ tokenizer floor |\n|---|---|---|\n");
    for (stage, mb) in [
        ("I/O floor (read bytes)", floors.io.mb_per_sec()),
        ("tokenizer floor (quick-xml events)", tokenizer),
        (
            "parse-only (entries, no writing)",
            floors.parse_only.mb_per_sec(),
        ),
        ("converter (end to end)", converter),
    ] {
        let _ = writeln!(
            table,
            "| {stage} | {mb:.1} | {:.2} |",
            mb / tokenizer.max(1e-9)
        );
    }
    print!("{table}");
    let out_dir = project::root().join("runs/floors");
    std::fs::create_dir_all(&out_dir)?;
    let out = out_dir.join(format!(
        "floor_{}.md",
        chrono::Local::now().format("%Y%m%d_%H%M%S")
    ));
    std::fs::write(&out, format!("corpus: `{}`\n\n{table}", corpus.display()))?;
    let _ = std::fs::remove_dir_all(&work);
    println!("{}", out.display());
    Ok(())
}

/// A scratch directory under runs/ (removed by the caller).
pub fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = project::root().join("runs/.scratch").join(format!(
        "{}_{}",
        std::process::id(),
        chrono::Local::now().format("%H%M%S%f")
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
