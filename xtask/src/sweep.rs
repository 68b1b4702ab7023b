//! `cargo xtask sweep`: convert one corpus with every combination of batch size, channel
//! capacity, worker threads, compression and encoding plan, `--repeats` times, round-robin (each repeat runs the whole grid,
//! so machine drift spreads evenly over configurations). Each conversion is the release binary
//! in its own process, leaving its run directory under `runs/sweeps/sweep_*/runs/`. The sweep
//! directory gets `summary.md` (the table and which of its differences are real), `summary.csv`,
//! `floor.yaml` and throughput / peak-RSS heatmaps.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use uniprot_etl::config::Settings;
use uniprot_etl::lab::floor::Floors;
use uniprot_etl::ledger::aggregate::{self, GroupSummary, Standing, DEFAULT_GROUP_BY};
use uniprot_etl::ledger::catalog;

use crate::charts::{self, Cell, Grid};
use crate::flags::SweepArgs;
use crate::{corpus, project};

/// Runs the sweep and prints the table, the best configuration and the sweep directory.
pub fn run(args: SweepArgs) -> Result<()> {
    if args.repeats == 0
        || args.batch_sizes.is_empty()
        || args.channel_capacities.is_empty()
        || args.compression.is_empty()
        || args.encoding_plans.is_empty()
    {
        bail!(
            "the grid is empty: give batch sizes, channel capacities, compression, encoding \
             plans and repeats >= 1"
        );
    }
    let threads = if args.threads.is_empty() {
        vec![std::thread::available_parallelism().map_or(1, |n| n.get())]
    } else {
        args.threads.clone()
    };
    if threads.contains(&0) {
        bail!("--threads takes thread counts of 1 or more");
    }
    let corpus = corpus::resolve(&args.corpus)?;
    let binary = match &args.binary {
        Some(binary) => binary.clone(),
        None => project::build_release(&[])?,
    };
    let sweeps_dir = args
        .sweeps_dir
        .clone()
        .unwrap_or_else(|| project::root().join("runs/sweeps"));
    let dir = create_sweep_dir(&sweeps_dir)?;
    let runs_dir = dir.join("runs");
    let config = dir.join("sweep_config.yaml");
    let mut settings = Settings::default();
    settings.runs.runs_dir = runs_dir.clone();
    settings.runs.keep_runs = 0;
    std::fs::write(&config, settings.to_yaml())?;

    let floors = measure_floors(&binary, &corpus)?;
    std::fs::write(dir.join("floor.yaml"), serde_yaml_ng::to_string(&floors)?)?;

    let output = dir.join("out.parquet");
    // The axes beside the heatmap's two: one heatmap per combination.
    let mut panels: Vec<(usize, &str, &str)> = Vec::new();
    for &t in &threads {
        for compression in &args.compression {
            for plan in &args.encoding_plans {
                panels.push((t, compression, plan));
            }
        }
    }
    let total =
        args.repeats * args.batch_sizes.len() * args.channel_capacities.len() * panels.len();
    let mut done = 0;
    for repeat in 1..=args.repeats {
        for &batch_size in &args.batch_sizes {
            for &capacity in &args.channel_capacities {
                for &(thread_count, compression, plan) in &panels {
                    done += 1;
                    eprintln!("[{done}/{total}] batch_size={batch_size} channel_capacity={capacity} threads={thread_count} compression={compression} encoding_plan={plan} repeat={repeat}");
                    let run_args: Vec<String> = [
                        "-q",
                        "convert",
                        &corpus.display().to_string(),
                        "-o",
                        &output.display().to_string(),
                        "--config",
                        &config.display().to_string(),
                        "--batch-size",
                        &batch_size.to_string(),
                        "--channel-capacity",
                        &capacity.to_string(),
                        "--threads",
                        &thread_count.to_string(),
                        "--compression",
                        compression,
                        "--encoding-plan",
                        plan,
                        "--run-name",
                        &format!(
                            "bs{batch_size}_cc{capacity}_t{thread_count}_{compression}_{plan}_r{repeat}"
                        ),
                    ]
                    .map(str::to_owned)
                    .to_vec();
                    project::run_binary(&binary, &run_args)
                        .context("a conversion of the sweep failed")?;
                }
            }
        }
    }
    let _ = std::fs::remove_file(&output);

    let (runs, broken) = catalog::load_runs(&runs_dir)?;
    if !broken.is_empty() {
        bail!("unreadable reports in the sweep: {broken:?}");
    }
    let reports: Vec<_> = runs.into_iter().map(|r| r.report).collect();
    let rows = aggregate::summarize(
        &reports,
        &DEFAULT_GROUP_BY,
        Some(floors.tokenizer.mb_per_sec()),
    );
    let command = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let markdown = summary_markdown(&rows, &floors, &corpus, &reports, &command);
    std::fs::write(dir.join("summary.md"), &markdown)?;
    std::fs::write(
        dir.join("summary.csv"),
        aggregate::to_csv(&rows, &DEFAULT_GROUP_BY),
    )?;
    for &panel in &panels {
        draw_heatmaps(
            &dir,
            &rows,
            (&args.batch_sizes, &args.channel_capacities),
            panel,
        )?;
    }
    print!("{markdown}");
    if let Some(best) = aggregate::best(&rows) {
        println!(
            "\nbest: batch_size={} channel_capacity={} threads={} compression={} encoding_plan={} at {:.1} MB/s",
            best.config["pipeline.batch_size"],
            best.config["pipeline.channel_capacity"],
            best.config["pipeline.threads"],
            best.config["parquet.compression"],
            best.config["parquet.plan"],
            best.mb_per_sec_median
        );
    }
    println!("{}", dir.display());
    Ok(())
}

fn create_sweep_dir(sweeps_dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(sweeps_dir)
        .with_context(|| format!("cannot create {}", sweeps_dir.display()))?;
    let base = format!("sweep_{}", chrono::Local::now().format("%Y%m%d_%H%M%S"));
    for attempt in 1..1000 {
        let name = if attempt == 1 {
            base.clone()
        } else {
            format!("{base}_{attempt}")
        };
        let dir = sweeps_dir.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", dir.display())),
        }
    }
    bail!("no free sweep directory name in {}", sweeps_dir.display())
}

/// Runs `uniprot-etl floor` on the corpus.
pub fn measure_floors(binary: &Path, corpus: &Path) -> Result<Floors> {
    let yaml = project::run_binary(
        binary,
        &["-q".into(), "floor".into(), corpus.display().to_string()],
    )?;
    serde_yaml_ng::from_str(&yaml).context("cannot read the floor measurement")
}

fn summary_markdown(
    rows: &[GroupSummary],
    floors: &Floors,
    corpus: &Path,
    reports: &[uniprot_etl::ledger::report::Report],
    command: &str,
) -> String {
    let mut out = String::from("# Sweep summary\n\n");
    if let Some(first) = reports.first() {
        let h = &first.host;
        let _ = writeln!(
            out,
            "- machine: {} ({} cores, {:.0} GiB, {})",
            h.cpu_model,
            h.cpu_cores,
            h.total_memory_bytes as f64 / (1u64 << 30) as f64,
            h.os
        );
        let _ = writeln!(
            out,
            "- corpus: `{}` ({:.1} MB of XML, {} entries)",
            project::display_path(corpus),
            first.metrics.xml_bytes as f64 / 1e6,
            first.metrics.entries
        );
    }
    let _ = writeln!(
        out,
        "- floors (MB/s): I/O {:.0}, tokenizer {:.0}, parse-only {:.0}; efficiency = converter MB/s ÷ tokenizer floor",
        floors.io.mb_per_sec(),
        floors.tokenizer.mb_per_sec(),
        floors.parse_only.mb_per_sec()
    );
    let _ = writeln!(out, "- command: `cargo xtask {command}`\n");
    out.push_str(&aggregate::to_markdown(rows, &DEFAULT_GROUP_BY));
    out.push('\n');
    out.push_str(&aggregate::noise_verdict(rows, &DEFAULT_GROUP_BY));
    out
}

fn draw_heatmaps(
    dir: &Path,
    rows: &[GroupSummary],
    (batch_sizes, capacities): (&[usize], &[usize]),
    (threads, compression, plan): (usize, &str, &str),
) -> Result<()> {
    let thread_text = threads.to_string();
    let xs: Vec<String> = batch_sizes.iter().map(|b| b.to_string()).collect();
    let ys: Vec<String> = capacities.iter().map(|c| c.to_string()).collect();
    let cell = |batch: &str, capacity: &str| {
        rows.iter().find(|r| {
            r.config["pipeline.batch_size"] == batch
                && r.config["pipeline.channel_capacity"] == capacity
                && r.config["parquet.compression"] == compression
                && r.config["pipeline.threads"] == thread_text
                && r.config["parquet.plan"] == plan
                && r.runs > 0
        })
    };
    let grid = |value: fn(&GroupSummary) -> f64, marked: bool| Grid {
        xs: &xs,
        ys: &ys,
        values: ys
            .iter()
            .map(|y| {
                xs.iter()
                    .map(|x| {
                        cell(x, y).map(|row| Cell {
                            value: value(row),
                            runs: row.runs,
                            mark: match row.standing {
                                Standing::Best | Standing::WithinNoise if marked => {
                                    row.standing.name()
                                }
                                _ => "",
                            },
                        })
                    })
                    .collect()
            })
            .collect(),
    };
    charts::heatmap(
        &dir.join(format!("throughput_t{threads}_{compression}_{plan}.svg")),
        &format!(
            "Median MB/s of XML, {threads} threads, {compression}, {plan} plan (colour: 0 to the best cell)"
        ),
        "batch_size",
        "channel_capacity",
        "MB/s",
        &grid(|r| r.mb_per_sec_median, true),
    )?;
    charts::heatmap(
        &dir.join(format!("rss_t{threads}_{compression}_{plan}.svg")),
        &format!(
            "Peak RSS (MiB), {threads} threads, {compression}, {plan} plan (colour: 0 to the largest)"
        ),
        "batch_size",
        "channel_capacity",
        "MiB",
        &grid(|r| r.rss_peak_bytes as f64 / (1024.0 * 1024.0), false),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::CorpusArgs;

    fn debug_binary() -> PathBuf {
        project::build_dev().unwrap()
    }

    #[test]
    fn tiny_sweep_end_to_end() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("corpus.xml");
        corpus::generate(
            &input,
            &corpus::Source::Synthetic(uniprot_etl::lab::synth::Profile::Trembl, 3),
            uniprot_etl::lab::synth::Amount::Entries(200),
            false,
        )
        .unwrap();
        let args = SweepArgs {
            corpus: CorpusArgs {
                input: Some(input),
                entries: None,
                size: None,
                profile: "trembl".into(),
                seed: 1,
                from: None,
                copies: "unique".into(),
            },
            batch_sizes: vec![50, 500],
            channel_capacities: vec![2],
            threads: vec![1, 2],
            compression: vec!["zstd".into()],
            encoding_plans: vec!["tuned".into(), "uniform".into()],
            repeats: 1,
            binary: Some(debug_binary()),
            sweeps_dir: Some(dir.path().join("sweeps")),
        };
        run(args).unwrap();
        let sweep = std::fs::read_dir(dir.path().join("sweeps"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        for file in [
            "summary.md",
            "summary.csv",
            "floor.yaml",
            "throughput_t1_zstd_tuned.svg",
            "throughput_t2_zstd_uniform.svg",
            "rss_t1_zstd_uniform.svg",
            "rss_t2_zstd_tuned.svg",
        ] {
            assert!(sweep.join(file).is_file(), "{file} missing");
        }
        let csv = std::fs::read_to_string(sweep.join("summary.csv")).unwrap();
        assert_eq!(csv.lines().count(), 9, "{csv}");
        assert!(
            csv.lines().skip(1).all(|l| l.contains(",1,0,")),
            "one successful run per configuration: {csv}"
        );
        let svg = std::fs::read_to_string(sweep.join("throughput_t2_zstd_tuned.svg")).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("MB/s"),
            "{}",
            &svg[..200.min(svg.len())]
        );
        assert!(svg.contains("1 run"), "the run count is on every cell");
        let summary = std::fs::read_to_string(sweep.join("summary.md")).unwrap();
        assert!(
            summary.contains("Which differences are real")
                && summary.contains("Cannot be told from noise"),
            "{summary}"
        );
        assert!(!sweep.join("out.parquet").exists());
    }

    #[test]
    fn an_empty_grid_is_refused() {
        let args = SweepArgs {
            corpus: CorpusArgs {
                input: None,
                entries: Some(1),
                size: None,
                profile: "trembl".into(),
                seed: 1,
                from: None,
                copies: "unique".into(),
            },
            batch_sizes: vec![],
            channel_capacities: vec![1],
            threads: vec![],
            compression: vec!["zstd".into()],
            encoding_plans: vec!["tuned".into()],
            repeats: 1,
            binary: Some(PathBuf::from("/nonexistent")),
            sweeps_dir: None,
        };
        assert!(run(args).unwrap_err().to_string().contains("grid is empty"));
    }
}
