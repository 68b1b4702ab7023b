//! `cargo xtask regress`: the performance regression gate against `benches/baseline.yaml`.
//!
//! Two modes, both machine-speed independent:
//! - efficiency (default): converter MB/s ÷ tokenizer-floor MB/s, both measured in the same
//!   repeat, repeats interleaved; the median is compared with the baseline's, and a slowdown
//!   larger than `threshold` + the measured noise fails. For developer machines.
//! - `--instructions`: instructions of a conversion of a small fixed corpus counted by
//!   `valgrind --tool=callgrind` — deterministic, so CI gates on it with a small threshold. It
//!   counts the dev-profile binary, the build `cargo test` already made, so CI compiles once.
//!
//! `--update` rewrites the measured mode's baseline instead of comparing.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use uniprot_etl::lab::synth::{Amount, Copies};
use uniprot_etl::ledger::aggregate::median;
use uniprot_etl::ledger::catalog;
use xshell::cmd;

use crate::flags::RegressArgs;
use crate::sweep::measure_floors;
use crate::{corpus, project};

/// Default allowed slowdown of the efficiency ratio, percent (beyond noise).
const EFFICIENCY_THRESHOLD_PERCENT: f64 = 10.0;
/// Default allowed growth of the instruction count, percent. Counts repeat within 0.02%; a
/// deliberate extra copy of every start tag in the parser counts +2.45% (README, Performance lab).
const INSTRUCTIONS_THRESHOLD_PERCENT: f64 = 2.0;

/// Entries of the efficiency mode's corpus (~64 MB): large enough for stable timing, small
/// enough for seconds.
const EFFICIENCY_ENTRIES: u64 = 8_000;
/// Entries of the instruction mode's corpus (~4 MB): small, valgrind runs it ~50× slower.
const INSTRUCTIONS_ENTRIES: u64 = 500;

/// The gates' corpus: the real entries of `../shared/uniprot-samples` (2009–2022 releases), then
/// copies of them with their own names and sequences (`--copies unique`), so the gate measures
/// what a release costs, not copies that compress to nothing. Deterministic: the same bytes on
/// every machine.
fn gate_source() -> corpus::Source {
    corpus::Source::Real(
        project::root().join("../shared/uniprot-samples"),
        Copies::Unique,
    )
}

/// `benches/baseline.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    /// Efficiency-mode baseline.
    pub efficiency: Option<EfficiencyBaseline>,
    /// Instruction-mode baseline.
    pub instructions: Option<InstructionsBaseline>,
}

/// The efficiency ratio measured for the baseline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EfficiencyBaseline {
    /// Median of converter MB/s ÷ tokenizer MB/s.
    pub median: f64,
    /// Relative noise of the measurement (scaled median absolute deviation ÷ median).
    pub noise: f64,
    /// Repeats measured.
    pub repeats: usize,
    /// The corpus.
    pub corpus: String,
    /// Where and when.
    pub measured_on: String,
}

/// The instruction count measured for the baseline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstructionsBaseline {
    /// Instructions executed (all threads) converting the corpus.
    pub count: u64,
    /// The corpus.
    pub corpus: String,
    /// Where and when.
    pub measured_on: String,
}

fn corpus_for(entries: u64) -> Result<PathBuf> {
    let source = gate_source();
    let path = corpus::default_path(&source, Amount::Entries(entries), false);
    if !path.is_file() {
        corpus::generate(&path, &source, Amount::Entries(entries), false)?;
    }
    Ok(path)
}

fn describe(entries: u64) -> String {
    format!("the shared samples' real entries, then unique copies: {entries} entries")
}

fn measured_on() -> String {
    format!(
        "{} on {}",
        chrono::Local::now().format("%Y-%m-%d"),
        std::env::consts::ARCH
    )
}

/// Runs the gate (or updates the baseline).
pub fn run(args: RegressArgs) -> Result<()> {
    let baseline_path = if args.baseline.is_absolute() {
        args.baseline.clone()
    } else {
        project::root().join(&args.baseline)
    };
    let mut baseline: Baseline = match std::fs::read_to_string(&baseline_path) {
        Ok(text) => serde_yaml_ng::from_str(&text)
            .with_context(|| format!("{}", baseline_path.display()))?,
        Err(_) if args.update => Baseline::default(),
        Err(e) => bail!(
            "cannot read {}: {e} (create it with --update)",
            baseline_path.display()
        ),
    };
    // Instruction counts need a fixed build, not the fastest one: the dev profile the tests
    // already compiled. Timings need the release build users run.
    let verdict = if args.instructions {
        instructions_mode(&args, &project::build_dev()?, &mut baseline)?
    } else {
        efficiency_mode(&args, &project::build_release(&[])?, &mut baseline)?
    };
    if args.update {
        std::fs::write(&baseline_path, serde_yaml_ng::to_string(&baseline)?)?;
        println!("{}", baseline_path.display());
        return Ok(());
    }
    println!("{}", baseline_path.display());
    verdict
}

/// One conversion of `corpus` in a scratch runs directory; returns the report's MB/s.
fn convert_once(binary: &Path, corpus: &Path, scratch: &Path) -> Result<f64> {
    let runs_dir = scratch.join("runs");
    project::convert(binary, corpus, &scratch.join("out.parquet"), &runs_dir, &[])?;
    let (runs, _) = catalog::load_runs(&runs_dir)?;
    Ok(runs.last().context("no report")?.report.metrics.mb_per_sec)
}

/// Relative noise: scaled median absolute deviation over the median.
pub fn relative_noise(values: &[f64]) -> f64 {
    let m = median(values);
    if m == 0.0 {
        return 0.0;
    }
    let deviations: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    1.4826 * median(&deviations) / m
}

/// Whether `current` is a regression from `base`: slower by more than threshold + noise.
pub fn is_regression(base: f64, current: f64, threshold_percent: f64, noise: f64) -> bool {
    current < base * (1.0 - threshold_percent / 100.0 - noise)
}

fn efficiency_mode(
    args: &RegressArgs,
    binary: &Path,
    baseline: &mut Baseline,
) -> Result<Result<()>> {
    let corpus = corpus_for(EFFICIENCY_ENTRIES)?;
    let scratch = crate::floor::tempfile_dir()?;
    let mut ratios = Vec::new();
    for repeat in 1..=args.repeats.max(1) {
        let floor = measure_floors(binary, &corpus)?.tokenizer.mb_per_sec();
        let converter = convert_once(binary, &corpus, &scratch)?;
        eprintln!("repeat {repeat}: converter {converter:.1} MB/s, tokenizer floor {floor:.1} MB/s, efficiency {:.3}", converter / floor);
        ratios.push(converter / floor);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let current = median(&ratios);
    let noise = relative_noise(&ratios);
    if args.update {
        baseline.efficiency = Some(EfficiencyBaseline {
            median: current,
            noise,
            repeats: ratios.len(),
            corpus: describe(EFFICIENCY_ENTRIES),
            measured_on: measured_on(),
        });
        return Ok(Ok(()));
    }
    let base = baseline
        .efficiency
        .as_ref()
        .context("the baseline has no efficiency figure (run with --update)")?;
    let threshold = args.threshold.unwrap_or(EFFICIENCY_THRESHOLD_PERCENT);
    let allowed_noise = noise.max(base.noise);
    println!("| figure | baseline | now | change | allowed |\n|---|---|---|---|---|");
    println!(
        "| efficiency (converter ÷ tokenizer floor) | {:.3} | {current:.3} | {:+.1}% | -{:.1}% (threshold {threshold}% + noise {:.1}%) |",
        base.median,
        (current / base.median - 1.0) * 100.0,
        threshold + allowed_noise * 100.0,
        allowed_noise * 100.0
    );
    Ok(
        if is_regression(base.median, current, threshold, allowed_noise) {
            Err(anyhow::anyhow!(
                "performance regression: efficiency {current:.3} vs baseline {:.3}",
                base.median
            ))
        } else {
            Ok(())
        },
    )
}

/// Instructions of one conversion under callgrind.
fn count_instructions(binary: &Path, corpus: &Path) -> Result<u64> {
    let scratch = crate::floor::tempfile_dir()?;
    let out = scratch.join("callgrind.out");
    let config = scratch.join("config.yaml");
    // No sampler and no progress: only the conversion's own work is counted. One worker
    // thread: valgrind serialises threads anyway, and idle pool threads spinning for work
    // would add instructions that depend on scheduling.
    std::fs::write(
        &config,
        format!(
            "pipeline:\n  threads: 1\nruns:\n  runs_dir: {}\n  sample_interval_secs: 0\n  keep_runs: 0\n",
            scratch.join("runs").display()
        ),
    )?;
    let sh = project::shell()?;
    let parquet = scratch.join("out.parquet");
    cmd!(sh, "valgrind --tool=callgrind --callgrind-out-file={out} {binary} -q convert {corpus} -o {parquet} --config {config}")
        .quiet()
        .ignore_stderr()
        .run()
        .context("valgrind --tool=callgrind failed (is valgrind installed?)")?;
    let text = std::fs::read_to_string(&out)?;
    let _ = std::fs::remove_dir_all(&scratch);
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .context("no instruction total in the callgrind output")
}

fn instructions_mode(
    args: &RegressArgs,
    binary: &Path,
    baseline: &mut Baseline,
) -> Result<Result<()>> {
    let corpus = corpus_for(INSTRUCTIONS_ENTRIES)?;
    let count = count_instructions(binary, &corpus)?;
    if args.update {
        baseline.instructions = Some(InstructionsBaseline {
            count,
            corpus: format!("{}, dev-profile binary", describe(INSTRUCTIONS_ENTRIES)),
            measured_on: measured_on(),
        });
        return Ok(Ok(()));
    }
    let base = baseline
        .instructions
        .as_ref()
        .context("the baseline has no instruction count (run with --update)")?;
    let threshold = args.threshold.unwrap_or(INSTRUCTIONS_THRESHOLD_PERCENT);
    let change = (count as f64 / base.count as f64 - 1.0) * 100.0;
    println!("| figure | baseline | now | change | allowed |\n|---|---|---|---|---|");
    println!(
        "| instructions ({}) | {} | {count} | {change:+.2}% | +{threshold}% |",
        base.corpus, base.count
    );
    Ok(if change > threshold {
        Err(anyhow::anyhow!(
            "performance regression: {change:+.2}% instructions (allowed +{threshold}%)"
        ))
    } else {
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_needs_more_than_threshold_plus_noise() {
        assert!(!is_regression(1.0, 0.95, 10.0, 0.0));
        assert!(is_regression(1.0, 0.85, 10.0, 0.0));
        assert!(!is_regression(1.0, 0.85, 10.0, 0.06));
        assert!(!is_regression(1.0, 1.3, 10.0, 0.0));
    }

    /// The CI performance gate, inside `cargo test --workspace` so CI runs one command in one
    /// profile: the instruction count of the tests' own dev build must stay within the
    /// baseline's threshold (deterministic under callgrind; needs valgrind, which `.ci/run`
    /// installs).
    #[test]
    fn instruction_count_stays_within_the_baseline() {
        let args = RegressArgs {
            instructions: true,
            threshold: None,
            repeats: 1,
            update: false,
            baseline: PathBuf::from("benches/baseline.yaml"),
        };
        let mut baseline: Baseline = serde_yaml_ng::from_str(
            &std::fs::read_to_string(project::root().join(&args.baseline)).unwrap(),
        )
        .unwrap();
        let binary = project::build_dev().unwrap();
        instructions_mode(&args, &binary, &mut baseline)
            .unwrap()
            .unwrap();
    }

    #[test]
    fn noise_is_a_robust_spread() {
        assert_eq!(relative_noise(&[1.0, 1.0, 1.0]), 0.0);
        let noise = relative_noise(&[1.0, 1.1, 0.9, 1.0, 5.0]);
        assert!(noise > 0.1 && noise < 0.2, "{noise}");
    }
}
