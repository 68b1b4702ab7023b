//! One `export` invocation with its ledger, as one library call ([`export`]): settings, a run
//! directory, logging, the quit flag, the sampler and progress bar, then
//! [`crate::export::export`] and its `report.yaml` (`command: export`), retention and the summary.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::Local;

use super::execute::{base_report, create_run_dir, prune, report_yaml, start_sampler, RunFacts};
use crate::config::{LogLevel, Overrides, Settings};
use crate::error::Result;
use crate::export::{self, source, ExportJob, ExportOutcome, XmlCompression};
use crate::interrupt::QuitFlag;
use crate::ledger::report::{Command, InputInfo, Report};
use crate::ledger::{self, logging, progress, RunDir};
use crate::pipeline::metrics::Metrics;
use crate::writer::tempfiles::write_atomic;

/// An export as the command line asks for it.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    /// A Parquet file of this schema, or a dataset directory.
    pub input: PathBuf,
    /// The XML document, or `-` for stdout.
    pub output: PathBuf,
    /// The compression; `None`: by the output's name (`.gz`, `.zst`).
    pub compression: Option<XmlCompression>,
    /// `--config` (else `config.yaml` in the working directory, when present).
    pub config_file: Option<PathBuf>,
    /// Values given as flags.
    pub overrides: Overrides,
    /// Appended to the run directory's name.
    pub run_name: Option<String>,
    /// Show the progress bar (when stderr is a terminal).
    pub show_progress: bool,
    /// The flag that stops the export; `None` installs the SIGINT/SIGTERM handler.
    pub quit: Option<QuitFlag>,
}

/// An export, done: its run directory, its report and how it ended.
#[derive(Debug)]
pub struct ExportRun {
    /// The run directory.
    pub run_dir: RunDir,
    /// The report as written to `report.yaml`.
    pub report: Report,
    /// What the export did, or the error that ended it.
    pub result: Result<ExportOutcome>,
}

/// One export, end to end. `Err` when it could not start (settings, run directory); otherwise
/// the run's `result` says whether the export succeeded.
pub fn export(request: ExportRequest) -> Result<ExportRun> {
    let settings = match Settings::resolve(request.config_file.as_deref(), &request.overrides) {
        Ok((settings, _)) => settings,
        Err(e) => {
            logging::init_or_stderr(LogLevel::Error, &[]);
            return Err(e);
        }
    };
    let run_dir = create_run_dir(&settings, request.run_name.as_deref());
    let log_files: Vec<PathBuf> = run_dir.iter().map(|d| d.file(ledger::LOG_FILE)).collect();
    logging::init_or_stderr(settings.logging.level, &log_files);
    let run_dir = run_dir?;
    let quit = request.quit.clone().unwrap_or_else(|| {
        QuitFlag::install().unwrap_or_else(|e| {
            log::warn!("cannot handle SIGINT/SIGTERM cleanly: {e}");
            QuitFlag::new()
        })
    });
    let compression = request
        .compression
        .unwrap_or_else(|| XmlCompression::from_name(&request.output));
    let job = ExportJob {
        input: request.input.clone(),
        output: request.output.clone(),
        compression,
        settings,
        quit,
    };
    let run = run_export(&run_dir, &job, request.show_progress);
    if run.result.is_ok() {
        prune(&job.settings, 1, &run_dir.path);
        log_summary(&run.report, run.result.as_ref().ok());
    }
    Ok(run)
}

/// Runs `job` inside `run_dir` and records it.
fn run_export(run_dir: &RunDir, job: &ExportJob, show_progress: bool) -> ExportRun {
    let started_at = Local::now();
    let clock = Instant::now();
    let cpu_at_start = ledger::cpu::process_cpu_secs();
    let metrics = Arc::new(Metrics::default());
    if let Err(e) = write_atomic(
        &run_dir.file(ledger::CONFIG_SNAPSHOT_FILE),
        job.settings.to_yaml().as_bytes(),
    ) {
        log::warn!("cannot write {}: {e}", ledger::CONFIG_SNAPSHOT_FILE);
    }
    let sampler = start_sampler(run_dir, &job.settings, &metrics, clock);
    let mut input = InputInfo {
        path: job.input.display().to_string(),
        bytes: None,
        compressed: false,
        range: None,
        sha256: None,
    };
    let result = source::open(&job.input).and_then(|source| {
        input.bytes = Some(source.bytes);
        log::info!(
            "{}: {} rows in {} file(s), {:.1} MB of Parquet",
            job.input.display(),
            source.rows,
            source.files.len(),
            source.bytes as f64 / 1e6
        );
        let bar = progress::start(Some(source.bytes), Arc::clone(&metrics), !show_progress);
        let result = export::export(&source, job, &metrics);
        if let Some(bar) = bar {
            bar.stop();
        }
        result
    });
    let samples = sampler.and_then(|s| s.stop()).unwrap_or_default();
    let cpu_secs = cpu_at_start
        .zip(ledger::cpu::process_cpu_secs())
        .map_or(0.0, |(start, end)| (end - start).max(0.0));
    let mut report = base_report(RunFacts {
        command: Command::Export,
        run_dir,
        settings: &job.settings,
        result: &result,
        metrics: &metrics,
        samples: &samples,
        input,
        output_path: job.output.display().to_string(),
        started_at,
        duration: clock.elapsed(),
        cpu_secs,
    });
    let outcome = result.as_ref().ok();
    report.output.row_groups = outcome.map(|o| o.row_groups);
    report.unmapped = outcome.map(|o| o.unmapped.clone()).unwrap_or_default();
    if let Err(e) = write_atomic(
        &run_dir.file(ledger::REPORT_FILE),
        report_yaml(&report).as_bytes(),
    ) {
        log::error!("cannot write {}: {e}", ledger::REPORT_FILE);
    }
    ExportRun {
        run_dir: run_dir.clone(),
        report,
        result,
    }
}

/// The end-of-export summary, from the report.
fn log_summary(report: &Report, outcome: Option<&ExportOutcome>) {
    let m = &report.metrics;
    let mb = |bytes: u64| bytes as f64 / 1e6;
    log::info!(
        "{} entries, {:.1} MB Parquet ({} row groups) -> {:.1} MB XML ({:.1} MB written) in {:.2} s: {:.0} entries/s, {:.1} MB/s of XML",
        m.entries,
        mb(report.input.bytes.unwrap_or(0)),
        m.batches,
        mb(m.xml_bytes),
        mb(report.output.bytes.unwrap_or(0)),
        report.duration_secs,
        m.entries_per_sec,
        m.mb_per_sec,
    );
    log::info!(
        "{} threads, CPU {:.2} s ({:.0}%); busy: Parquet decoding {:.2} s, XML writing {:.2} s (all threads), output {:.2} s",
        m.threads,
        m.cpu_secs,
        m.cpu_percent,
        m.stages.read.busy_secs,
        m.stages.encode.busy_secs,
        m.stages.write.busy_secs,
    );
    if let Some(outcome) = outcome {
        if !outcome.copyright_recorded {
            log::warn!("the input records no <copyright>: the current statement was written");
        }
        if !outcome.extra_columns.is_empty() {
            log::info!(
                "ignored {} column(s) not of this schema: {}",
                outcome.extra_columns.len(),
                outcome.extra_columns.join(", ")
            );
        }
    }
    log::info!("wrote {}", report.output.path);
}
