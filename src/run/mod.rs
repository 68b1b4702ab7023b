//! One `convert` invocation with its ledger, as one library call ([`run`]): settings, run
//! directories, logging, the quit flag, then each conversion ([`execute`]) with its
//! `report.yaml`, retention, and the terminal summary printed from the reports. The binary
//! only parses flags, calls [`run`] and turns the error into an exit code.
//!
//! An invocation converts one input into one Parquet file, or units (inputs, or a shard of
//! one) into a dataset directory ([`units`]): each unit is a run of its own with its own run
//! directory and report, several inputs are converted in parallel, and the dataset's manifest
//! is committed once every unit succeeded.

mod execute;
mod units;

use std::path::PathBuf;

pub use self::units::UnitPlan;
use crate::config::{LogLevel, Overrides, Settings};
use crate::dataset;
use crate::dataset::manifest::Manifest;
use crate::dataset::shard::Shard;
use crate::error::{Error, Result};
use crate::interrupt::QuitFlag;
use crate::ledger::logging;
use crate::ledger::report::Report;
use crate::ledger::{self, RunDir};
use crate::pipeline::{FileLimits, Summary};
use crate::writer::Target;

/// A conversion as the command line asks for it: what to read and write, where the settings
/// come from, and the run's name and extras. [`run`] turns it into a [`RunOutcome`].
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// Input paths (`-` for stdin); one unless the output is a dataset.
    pub inputs: Vec<String>,
    /// Output Parquet file, or dataset directory.
    pub output: PathBuf,
    /// Convert only this shard of the (single, plain) input.
    pub shard: Option<Shard>,
    /// Dataset options (ignored for a single output file).
    pub dataset: DatasetOptions,
    /// `--config` (else `config.yaml` in the working directory, when present).
    pub config_file: Option<PathBuf>,
    /// Values given as flags (the last word over the file).
    pub overrides: Overrides,
    /// Appended to the run directory's name.
    pub run_name: Option<String>,
    /// Where to also write Prometheus metrics.
    pub metrics_file: Option<PathBuf>,
    /// Show the progress bar (when stderr is a terminal).
    pub show_progress: bool,
    /// Profile the conversion into the run directory (needs the `pprof` feature).
    pub profile: bool,
}

/// How an invocation writes into a dataset directory.
#[derive(Debug, Clone, Default)]
pub struct DatasetOptions {
    /// Write a dataset even for one input and an output path that does not look like a
    /// directory (set when a file limit is given).
    pub force: bool,
    /// The unit number of the single input (default: the shard's K−1, else the input's
    /// position).
    pub unit: Option<u32>,
    /// Skip units whose record and parts are already in place.
    pub resume: bool,
    /// Do not commit the manifest (another step does, once every unit of a distributed
    /// conversion finished).
    pub no_commit: bool,
    /// When a unit starts its next part file.
    pub file_limits: FileLimits,
}

impl RunRequest {
    /// Whether the output is a dataset directory rather than one file.
    pub fn writes_dataset(&self) -> bool {
        self.inputs.len() > 1
            || self.dataset.force
            || self.dataset.file_limits != FileLimits::default()
            || dataset::names_a_directory(&self.output)
    }
}

/// What an invocation produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// Each conversion run, in input order.
    pub runs: Vec<UnitRun>,
    /// Units skipped by `--resume` (already converted).
    pub skipped: Vec<u32>,
    /// The committed manifest, when the output is a dataset and it was committed.
    pub manifest: Option<Manifest>,
}

/// One conversion: its input, run directory and report always, the summary on success.
#[derive(Debug)]
pub struct UnitRun {
    /// The input converted.
    pub input: String,
    /// The run directory (report, log, config snapshot, samples).
    pub run_dir: RunDir,
    /// The report as written to `report.yaml`.
    pub report: Report,
    /// The conversion's summary, or the error that ended it.
    pub result: Result<Summary>,
}

/// One invocation, end to end — the library call behind `uniprot-etl convert`: resolves the
/// settings, creates the run directories, starts logging (stderr and each run's `etl.log`),
/// installs the SIGINT/SIGTERM handler, converts, writes the reports, commits a dataset's
/// manifest and logs the summaries. `Err` when the invocation could not start (invalid
/// configuration or arguments, no run directory) or a dataset could not be committed;
/// otherwise each run's `result` says whether its conversion succeeded.
pub fn run(request: RunRequest) -> Result<RunOutcome> {
    let resolved = Settings::resolve(request.config_file.as_deref(), &request.overrides);
    let (settings, config_file) = match resolved {
        Ok(resolved) => resolved,
        Err(e) => {
            logging::init_or_stderr(LogLevel::Error, &[]);
            return Err(e);
        }
    };
    let plans = match units::plan(&request) {
        Ok(plans) => plans,
        Err(e) => {
            logging::init_or_stderr(settings.logging.level, &[]);
            return Err(e);
        }
    };
    let started = units::skip_done(&request, plans)
        .and_then(|(to_run, skipped)| units::begin(&request, &to_run).map(|()| (to_run, skipped)));
    let (to_run, skipped) = match started {
        Ok(started) => started,
        Err(e) => {
            logging::init_or_stderr(settings.logging.level, &[]);
            return Err(e);
        }
    };
    let mut run_dirs = Vec::new();
    for plan in &to_run {
        let name = units::run_name(request.run_name.as_deref(), plan, request.writes_dataset());
        match create_run_dir(&settings, name.as_deref()) {
            Ok(dir) => run_dirs.push(dir),
            Err(e) => {
                logging::init_or_stderr(settings.logging.level, &[]);
                return Err(e);
            }
        }
    }
    let log_files: Vec<PathBuf> = run_dirs.iter().map(|d| d.file(ledger::LOG_FILE)).collect();
    logging::init_or_stderr(settings.logging.level, &log_files);
    if let Some(file) = &config_file {
        log::debug!("config: {}", file.display());
    }
    for unit in &skipped {
        log::info!("unit {unit}: already converted (--resume), skipped");
    }
    let quit = QuitFlag::install().unwrap_or_else(|e| {
        log::warn!("cannot handle SIGINT/SIGTERM cleanly: {e}");
        QuitFlag::new()
    });
    let runs = units::convert_all(&request, &settings, to_run, run_dirs, &quit);
    let all_ok = runs.iter().all(|r| r.result.is_ok());
    if let Some(newest) = runs.iter().map(|r| &r.run_dir.path).max() {
        if all_ok {
            prune(&settings, runs.len(), newest);
        }
    }
    for run in runs.iter().filter(|r| r.result.is_ok()) {
        log_summary(&run.report, &run.run_dir);
        log::info!(
            "run report: {}",
            run.run_dir.file(ledger::REPORT_FILE).display()
        );
    }
    let manifest = if all_ok && request.writes_dataset() && !request.dataset.no_commit {
        let manifest = dataset::manifest::commit(&request.output, None)?;
        log::info!(
            "dataset {}: {} rows in {} files, manifest {}",
            request.output.display(),
            manifest.rows,
            manifest.files.len(),
            request.output.join(dataset::MANIFEST_FILE).display()
        );
        Some(manifest)
    } else {
        None
    };
    Ok(RunOutcome {
        runs,
        skipped,
        manifest,
    })
}

/// Retention: keeps the newest `runs.keep_runs` run directories, and never this invocation's.
fn prune(settings: &Settings, own_runs: usize, newest: &std::path::Path) {
    let keep = match settings.runs.keep_runs {
        0 => 0,
        keep => keep.max(own_runs),
    };
    match ledger::prune(&settings.runs.runs_dir, keep, newest) {
        Ok(deleted) if !deleted.is_empty() => log::debug!("pruned {} old run(s)", deleted.len()),
        Ok(_) => {}
        Err(e) => log::warn!("cannot prune old runs: {e}"),
    }
}

/// Creates the run directory for a conversion with `settings`.
pub fn create_run_dir(settings: &Settings, run_name: Option<&str>) -> Result<RunDir> {
    let runs_dir = &settings.runs.runs_dir;
    RunDir::create(runs_dir, chrono::Local::now(), run_name).map_err(|source| Error::RunDir {
        runs_dir: runs_dir.clone(),
        source,
    })
}

/// Where a plan's rows go.
fn target_of(request: &RunRequest, plan: &UnitPlan) -> Target {
    if request.writes_dataset() {
        Target::Parts {
            dir: request.output.clone(),
            unit: plan.unit,
        }
    } else {
        Target::File(request.output.clone())
    }
}

/// Logs the end-of-run summary of a successful run, from its report (the one record of a run):
/// sizes, time and throughput, threads and stage times, the verdict, unmapped paths, rejects
/// and the output path.
pub fn log_summary(report: &Report, run_dir: &RunDir) {
    let m = &report.metrics;
    let mb = |bytes: u64| bytes as f64 / 1e6;
    log::info!(
        "{} entries, {:.1} MB XML ({:.1} MB read) -> {:.1} MB Parquet in {} row groups, {:.2} s: {:.0} entries/s, {:.1} MB/s",
        m.entries,
        mb(m.xml_bytes),
        mb(m.bytes_read),
        mb(report.output.bytes.unwrap_or(0)),
        report.output.row_groups.unwrap_or(0),
        report.duration_secs,
        m.entries_per_sec,
        m.mb_per_sec,
    );
    let stages = &m.stages;
    log::info!(
        "{} threads, CPU {:.2} s ({:.0}%); busy: read {:.2} s, parse {:.2} s (all threads), encode {:.2} s, write {:.2} s",
        m.threads,
        m.cpu_secs,
        m.cpu_percent,
        stages.read.busy_secs,
        stages.parse.busy_secs,
        stages.encode.busy_secs,
        stages.write.busy_secs,
    );
    log::info!(
        "bottleneck: {} ({})",
        report.diagnosis.bottleneck.name(),
        report.diagnosis.reason
    );
    if report.unmapped.is_empty() {
        log::info!("unmapped: none");
    } else {
        log::warn!("unmapped elements/attributes (kept out of the Parquet file):");
        for (path, count) in &report.unmapped {
            log::warn!("  {path}: {count}");
        }
    }
    if let Some(file) = &report.rejects.file {
        log::warn!(
            "{} entries rejected (parser.on_error: skip), kept in {}",
            report.rejects.entries,
            run_dir.path.join(file).display()
        );
    }
    log::info!("wrote {}", report.output.path);
}
