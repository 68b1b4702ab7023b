//! One `convert` run with its ledger, as one library call ([`run`]): settings, run directory,
//! logging, the quit flag, config snapshot, sampler, progress bar, the pipeline, then
//! `report.yaml` (written whether the run succeeded or not), the optional Prometheus metrics
//! file, retention, and the terminal summary printed from the report. The binary only parses
//! flags, calls [`run`] and turns the error into an exit code.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Local, SecondsFormat};
use sysinfo::System;

use crate::config::{LogLevel, Overrides, Settings};
use crate::error::{Error, Result};
use crate::interrupt::QuitFlag;
use crate::ledger::report::{
    self, InputInfo, OutputInfo, RejectsInfo, Report, RunMetrics, RunStatus, StageTime, StageTimes,
    ToolInfo,
};
use crate::ledger::sampler::ResourceSampler;
use crate::ledger::{self, prometheus, RunDir};
use crate::metrics::Metrics;
use crate::pipeline::{self, ConvertOptions, Summary};
use crate::rejects::REJECTS_FILE;
use crate::{input, logging, progress};

/// What to convert and how.
#[derive(Debug, Clone)]
pub struct ConvertRequest {
    /// Input path or `-`.
    pub input: String,
    /// Output Parquet path.
    pub output: PathBuf,
    /// Effective settings.
    pub settings: Settings,
    /// Where to also write Prometheus metrics.
    pub metrics_file: Option<PathBuf>,
    /// Show the progress bar (when stderr is a terminal).
    pub show_progress: bool,
    /// Profile the conversion into the run directory (needs the `pprof` feature).
    pub profile: bool,
    /// Set by SIGINT/SIGTERM; the conversion stops cleanly between entries.
    pub quit: QuitFlag,
}

/// A conversion as the command line asks for it: what to read and write, where the settings
/// come from, and the run's name and extras. [`run`] turns it into a [`RunOutcome`].
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// Input path or `-`.
    pub input: String,
    /// Output Parquet path.
    pub output: PathBuf,
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

/// One conversion run, end to end — the library call behind `uniprot-etl convert`: resolves
/// the settings, creates the run directory, starts logging (stderr and the run's `etl.log`),
/// installs the SIGINT/SIGTERM handler, converts, writes the report and logs the summary from
/// it. `Err` only when the run could not start (invalid configuration, no run directory);
/// otherwise the outcome's `result` says whether the conversion succeeded.
pub fn run(request: RunRequest) -> Result<RunOutcome> {
    let resolved = Settings::resolve(request.config_file.as_deref(), &request.overrides);
    let (settings, config_file) = match resolved {
        Ok(resolved) => resolved,
        Err(e) => {
            logging::init_or_stderr(LogLevel::Error, None);
            return Err(e);
        }
    };
    let run_dir = match create_run_dir(&settings, request.run_name.as_deref()) {
        Ok(dir) => dir,
        Err(e) => {
            logging::init_or_stderr(settings.logging.level, None);
            return Err(e);
        }
    };
    logging::init_or_stderr(
        settings.logging.level,
        Some(&run_dir.file(ledger::LOG_FILE)),
    );
    if let Some(file) = &config_file {
        log::debug!("config: {}", file.display());
    }
    let quit = QuitFlag::install().unwrap_or_else(|e| {
        log::warn!("cannot handle SIGINT/SIGTERM cleanly: {e}");
        QuitFlag::new()
    });
    let convert = ConvertRequest {
        input: request.input,
        output: request.output,
        settings,
        metrics_file: request.metrics_file,
        show_progress: request.show_progress,
        profile: request.profile,
        quit,
    };
    let (report, result) = execute(&run_dir, &convert);
    let outcome = RunOutcome {
        run_dir,
        report,
        result,
    };
    if outcome.result.is_ok() {
        log_summary(&outcome.report, &outcome.run_dir);
        log::info!(
            "run report: {}",
            outcome.run_dir.file(ledger::REPORT_FILE).display()
        );
    }
    Ok(outcome)
}

/// What a run produced: its directory and report always, the summary on success.
#[derive(Debug)]
pub struct RunOutcome {
    /// The run directory (report, log, config snapshot, samples).
    pub run_dir: RunDir,
    /// The report as written to `report.yaml`.
    pub report: Report,
    /// The conversion's summary, or the error that ended it.
    pub result: Result<Summary>,
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

/// Creates the run directory for a conversion with `settings`.
pub fn create_run_dir(settings: &Settings, run_name: Option<&str>) -> Result<RunDir> {
    let runs_dir = &settings.runs.runs_dir;
    RunDir::create(runs_dir, Local::now(), run_name).map_err(|e| {
        Error::Config(format!(
            "cannot create a run directory in {}: {e}",
            runs_dir.display()
        ))
    })
}

/// Runs the conversion inside `run_dir` and records it.
fn execute(run_dir: &RunDir, request: &ConvertRequest) -> (Report, Result<Summary>) {
    let started_at = Local::now();
    let clock = Instant::now();
    let cpu_at_start = ledger::cpu::process_cpu_secs();
    let settings = &request.settings;
    let metrics = Arc::new(Metrics::default());
    log::debug!("run {} in {}", run_dir.id, run_dir.path.display());

    let snapshot = ledger::write_atomic(
        &run_dir.file(ledger::CONFIG_SNAPSHOT_FILE),
        settings.to_yaml().as_bytes(),
    );
    if let Err(e) = snapshot {
        log::warn!("cannot write {}: {e}", ledger::CONFIG_SNAPSHOT_FILE);
    }
    let sampler = start_sampler(run_dir, settings, &metrics, clock);
    let profiler = request.profile.then(start_profiler).flatten();

    let mut input_info = InputInfo {
        path: request.input.clone(),
        bytes: None,
        compressed: false,
    };
    let result = input::open(&request.input, Arc::clone(&metrics.input_bytes)).and_then(|opened| {
        input_info.bytes = opened.size;
        input_info.compressed = opened.compressed;
        let bar = progress::start(opened.size, Arc::clone(&metrics), !request.show_progress);
        let options = ConvertOptions {
            rejects_path: Some(run_dir.file(REJECTS_FILE)),
            quit: request.quit.clone(),
        };
        let result = pipeline::convert_with(
            opened.reader,
            &opened.name,
            request.output.clone(),
            settings,
            Arc::clone(&metrics),
            &options,
        );
        if let Some(bar) = bar {
            bar.stop();
        }
        result
    });
    let samples = sampler.and_then(|s| s.stop()).unwrap_or_default();
    finish_profiler(profiler, run_dir);

    let duration = clock.elapsed();
    let cpu_secs = cpu_at_start
        .zip(ledger::cpu::process_cpu_secs())
        .map_or(0.0, |(start, end)| (end - start).max(0.0));
    let report = build_report(
        run_dir, request, &result, &metrics, &samples, input_info, started_at, duration, cpu_secs,
    );
    if let Err(e) = ledger::write_atomic(
        &run_dir.file(ledger::REPORT_FILE),
        report_yaml(&report).as_bytes(),
    ) {
        log::error!("cannot write {}: {e}", ledger::REPORT_FILE);
    }
    if let Some(path) = &request.metrics_file {
        if let Err(e) = ledger::write_atomic(path, prometheus::render(&report).as_bytes()) {
            log::error!("cannot write metrics file {}: {e}", path.display());
        }
    }
    if result.is_ok() {
        match ledger::prune(
            &settings.runs.runs_dir,
            settings.runs.keep_runs,
            &run_dir.path,
        ) {
            Ok(deleted) if !deleted.is_empty() => {
                log::debug!("pruned {} old run(s)", deleted.len())
            }
            Ok(_) => {}
            Err(e) => log::warn!("cannot prune old runs: {e}"),
        }
    }
    (report, result)
}

fn start_sampler(
    run_dir: &RunDir,
    settings: &Settings,
    metrics: &Arc<Metrics>,
    clock: Instant,
) -> Option<crate::ticker::Ticker<Vec<report::Sample>>> {
    let interval = settings.runs.sample_interval_secs;
    if interval <= 0.0 {
        return None;
    }
    let csv = run_dir.file(ledger::SAMPLES_FILE);
    let started = ResourceSampler::new(Arc::clone(metrics), clock, Some(&csv))
        .and_then(|sampler| sampler.start(Duration::from_secs_f64(interval)));
    match started {
        Ok(ticker) => Some(ticker),
        Err(e) => {
            log::warn!("resource sampler unavailable: {e}");
            None
        }
    }
}

#[cfg(feature = "pprof")]
type Profiler = crate::profiling::Profiler;
#[cfg(not(feature = "pprof"))]
type Profiler = ();

#[cfg(feature = "pprof")]
fn start_profiler() -> Option<Profiler> {
    crate::profiling::start()
        .map_err(|e| log::warn!("{e}"))
        .ok()
}

#[cfg(not(feature = "pprof"))]
fn start_profiler() -> Option<Profiler> {
    log::warn!(
        "--profile needs a build with the `pprof` feature (cargo xtask flamegraph does that)"
    );
    None
}

#[cfg(feature = "pprof")]
fn finish_profiler(profiler: Option<Profiler>, run_dir: &RunDir) {
    if let Some(profiler) = profiler {
        match profiler.finish(&run_dir.path, &format!("uniprot-etl {}", run_dir.id)) {
            Ok(svg) => log::info!("flamegraph: {}", svg.display()),
            Err(e) => log::warn!("profiling failed: {e}"),
        }
    }
}

#[cfg(not(feature = "pprof"))]
fn finish_profiler(_: Option<Profiler>, _: &RunDir) {}

fn report_yaml(report: &Report) -> String {
    // The report is plain data (strings, numbers, maps): it always serializes.
    serde_yaml_ng::to_string(report).unwrap_or_else(|e| format!("error: {e}\n"))
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    run_dir: &RunDir,
    request: &ConvertRequest,
    result: &Result<Summary>,
    metrics: &Metrics,
    samples: &[report::Sample],
    input: InputInfo,
    started_at: chrono::DateTime<Local>,
    duration: Duration,
    cpu_secs: f64,
) -> Report {
    let secs = duration.as_secs_f64().max(1e-9);
    let summary = result.as_ref().ok();
    let entries = Metrics::get(&metrics.entries);
    let xml_bytes = summary.map_or(0, |s| s.xml_bytes);
    let threads = request.settings.pipeline.effective_threads();
    let stage = |busy: f64, blocked: f64, threads: usize| StageTime {
        busy_secs: busy,
        blocked_secs: blocked,
        occupancy: busy / (secs * threads as f64),
    };
    let run_metrics = RunMetrics {
        entries,
        batches: Metrics::get(&metrics.batches),
        bytes_read: Metrics::get(&metrics.input_bytes),
        xml_bytes,
        entries_per_sec: entries as f64 / secs,
        mb_per_sec: xml_bytes as f64 / 1e6 / secs,
        threads,
        cpu_secs,
        cpu_percent: cpu_secs / secs * 100.0,
        chunks_in_flight_peak: Metrics::get(&metrics.chunks_in_flight_peak),
        stages: StageTimes {
            read: stage(
                Metrics::secs(&metrics.read_nanos),
                Metrics::secs(&metrics.reader_blocked_nanos),
                1,
            ),
            parse: stage(Metrics::secs(&metrics.parse_nanos), 0.0, threads),
            encode: stage(
                Metrics::secs(&metrics.encode_nanos),
                Metrics::secs(&metrics.order_blocked_nanos)
                    + Metrics::secs(&metrics.encoder_blocked_nanos),
                threads,
            ),
            write: stage(
                Metrics::secs(&metrics.write_nanos),
                Metrics::secs(&metrics.writer_blocked_nanos),
                1,
            ),
        },
    };
    let capacity = threads + request.settings.pipeline.channel_capacity;
    let (channel, diagnosis) = report::diagnose(samples, capacity, &run_metrics, secs);
    Report {
        schema_version: report::REPORT_SCHEMA_VERSION,
        run_id: run_dir.id.clone(),
        status: match result {
            Ok(_) => RunStatus::Succeeded,
            Err(Error::Interrupted { .. }) => RunStatus::Interrupted,
            Err(_) => RunStatus::Failed,
        },
        error: result.as_ref().err().map(Error::chain),
        started_at: started_at.to_rfc3339_opts(SecondsFormat::Millis, false),
        finished_at: Local::now().to_rfc3339_opts(SecondsFormat::Millis, false),
        duration_secs: duration.as_secs_f64(),
        tool: ToolInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            git_commit: Some(env!("UNIPROT_ETL_GIT_COMMIT").to_owned()).filter(|c| !c.is_empty()),
        },
        host: host_info(),
        input,
        output: OutputInfo {
            path: request.output.display().to_string(),
            bytes: summary.map(|s| s.output_bytes),
            row_groups: summary.map(|s| s.row_groups),
        },
        config: request.settings.clone(),
        metrics: run_metrics,
        resources: report::summarize_resources(samples),
        channel,
        diagnosis,
        unmapped: summary.map(|s| s.unmapped.clone()).unwrap_or_default(),
        rejects: rejects_info(run_dir, metrics),
    }
}

/// The rejects section: counted live, so a failed or interrupted run reports them too.
fn rejects_info(run_dir: &RunDir, metrics: &Metrics) -> RejectsInfo {
    let entries = Metrics::get(&metrics.rejected);
    RejectsInfo {
        entries,
        file: (entries > 0).then(|| REJECTS_FILE.to_owned()),
    }
    .with_dir(&run_dir.path)
}

fn host_info() -> report::HostInfo {
    let mut system = System::new().ok();
    if let Some(system) = &mut system {
        system.refresh_cpu_all();
        system.refresh_memory();
    }
    report::HostInfo {
        hostname: System::host_name().unwrap_or_default(),
        os: System::long_os_version().unwrap_or_default(),
        cpu_model: system
            .as_ref()
            .and_then(|s| s.cpus().first().map(|c| c.brand().to_owned()))
            .unwrap_or_default(),
        cpu_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        total_memory_bytes: system.as_ref().map_or(0, |s| s.total_memory()),
    }
}
