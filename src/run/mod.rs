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
mod export;
mod request;
mod units;

use std::path::PathBuf;

pub use self::execute::UnitRun;
use self::execute::{create_run_dir, prune};
pub use self::export::{export, ExportRequest, ExportRun};
pub use self::request::{DatasetOptions, RunRequest};
pub use self::units::UnitPlan;
use crate::config::{LogLevel, Settings};
use crate::dataset;
use crate::dataset::manifest::Manifest;
use crate::error::{Error, Result};
use crate::interrupt::QuitFlag;
use crate::ledger::logging;
use crate::ledger::report::Report;
use crate::ledger::{self, RunDir};
use crate::pipeline::Job;
use crate::table::Projection;

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

/// One invocation, end to end — the library call behind `uniprot-etl convert`: resolves the
/// settings, creates the run directories, starts logging (stderr and each run's `etl.log`),
/// installs the SIGINT/SIGTERM handler, converts, writes the reports, commits a dataset's
/// manifest and logs the summaries. `Err` when the invocation could not start (invalid
/// configuration or arguments, no run directory) or a dataset could not be committed;
/// otherwise each run's `result` says whether its conversion succeeded.
pub fn run(request: RunRequest) -> Result<RunOutcome> {
    let (level, prepared) = prepare(&request);
    // Logging starts once: into each run's `etl.log` too when the run directories exist.
    let log_files: Vec<PathBuf> = match &prepared {
        Ok(prepared) => prepared
            .run_dirs
            .iter()
            .map(|d| d.file(ledger::LOG_FILE))
            .collect(),
        Err(_) => Vec::new(),
    };
    logging::init_or_stderr(level, &log_files);
    let Prepared {
        settings,
        columns,
        config_file,
        to_run,
        skipped,
        run_dirs,
    } = prepared?;
    if let Some(file) = &config_file {
        log::debug!("config: {}", file.display());
    }
    for unit in &skipped {
        log::info!("unit {unit}: already converted (--resume), skipped");
    }
    let quit = request.quit.clone().unwrap_or_else(|| {
        QuitFlag::install().unwrap_or_else(|e| {
            log::warn!("cannot handle SIGINT/SIGTERM cleanly: {e}");
            QuitFlag::new()
        })
    });
    let job = Job {
        file_limits: request.dataset.file_limits,
        quit,
        columns,
        isoforms: request.isoforms.clone(),
        ..Job::new("", request.target(0), settings.clone())
    };
    let runs = units::convert_all(&request, &job, to_run, run_dirs);
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

/// What an invocation needs before its first conversion: the settings, the units to convert
/// and those `--resume` skips, and one run directory per unit to convert.
struct Prepared {
    settings: Settings,
    columns: Projection,
    config_file: Option<PathBuf>,
    to_run: Vec<UnitPlan>,
    skipped: Vec<u32>,
    run_dirs: Vec<RunDir>,
}

/// Resolves the settings, plans the units, begins them and creates their run directories;
/// returns the log level with it (the settings', or errors only when they did not resolve).
fn prepare(request: &RunRequest) -> (LogLevel, Result<Prepared>) {
    let resolved = Settings::resolve(request.config_file.as_deref(), &request.overrides);
    let (settings, config_file) = match resolved {
        Ok(resolved) => resolved,
        Err(e) => return (LogLevel::Error, Err(e)),
    };
    let level = settings.logging.level;
    let columns = match Projection::parse(&request.columns) {
        Ok(columns) => columns,
        Err(e) => return (level, Err(e.into())),
    };
    if !columns.is_all() && request.writes_dataset() {
        // A dataset's records do not say which columns its parts hold, so parts of different
        // projections could be committed together.
        let message = "--columns writes one file; a dataset output does not take it yet";
        return (level, Err(Error::Config(message.into())));
    }
    let named_isoforms = request
        .isoforms
        .as_ref()
        .is_some_and(|path| !path.as_os_str().is_empty());
    if named_isoforms && request.writes_dataset() {
        let message = format!(
            "a dataset's isoforms go to its own part set ({}): give --isoforms without a file name",
            request.output.join(crate::writer::ISOFORMS_DIR).display()
        );
        return (level, Err(Error::Config(message)));
    }
    let planned = units::plan(request)
        .and_then(|plans| units::skip_done(request, plans))
        .and_then(|(to_run, skipped)| {
            units::begin(request, &to_run)?;
            let run_dirs = to_run
                .iter()
                .map(|plan| {
                    let writes_dataset = request.writes_dataset();
                    let name = units::run_name(request.run_name.as_deref(), plan, writes_dataset);
                    create_run_dir(&settings, name.as_deref())
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((to_run, skipped, run_dirs))
        });
    let prepared = planned.map(|(to_run, skipped, run_dirs)| Prepared {
        settings,
        columns,
        config_file,
        to_run,
        skipped,
        run_dirs,
    });
    (level, prepared)
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
    if let Some(isoforms) = &report.isoforms {
        let c = &isoforms.counts;
        let reasons = |counts: &std::collections::BTreeMap<String, u64>| {
            counts
                .iter()
                .map(|(reason, n)| format!("{reason} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        log::info!(
            "isoforms: {} of {} entries, {} isoforms, {} with a sequence{}; features mapped {}{} -> {}",
            c.entries,
            report.metrics.entries,
            c.isoforms,
            c.with_sequence,
            if c.without_sequence.is_empty() {
                String::new()
            } else {
                format!(" (without: {})", reasons(&c.without_sequence))
            },
            c.features_mapped,
            if c.features_unmapped.is_empty() {
                String::new()
            } else {
                format!(", unmapped: {}", reasons(&c.features_unmapped))
            },
            isoforms.path
        );
        if c.canonical_checksum_mismatches > 0 {
            log::warn!(
                "{} canonical isoforms differ from their entry's <sequence checksum>",
                c.canonical_checksum_mismatches
            );
        }
    }
    log::info!("wrote {}", report.output.path);
}
