//! One conversion inside its run directory: config snapshot, sampler, profiler, progress bar,
//! the input (whole, or a shard), the pipeline, then `report.yaml` (written whether the
//! conversion succeeded or not) and the optional Prometheus metrics file.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Local, SecondsFormat};
use sysinfo::System;

use crate::config::Settings;
use crate::dataset::shard::{self, ByteRange, Shard};
use crate::error::{Error, Result};
use crate::ledger::progress;
use crate::ledger::report::{
    self, Command, DatasetInfo, InputInfo, IsoformsInfo, OutputInfo, RejectsInfo, Report,
    RunMetrics, RunStatus, StageTime, StageTimes, ToolInfo,
};
use crate::ledger::sampler::ResourceSampler;
use crate::ledger::{self, memory_setup, prometheus, RunDir};
use crate::pipeline::input::{self, DigestHandle};
use crate::pipeline::metrics::Metrics;
use crate::pipeline::rejects::REJECTS_FILE;
use crate::pipeline::{self, Job, Outcome, Relocation};
use crate::writer::tempfiles::write_atomic;

/// One unit's conversion as this process runs it, built once per unit from the settings
/// ([`super::units`]): the pipeline's [`Job`] and what the run around it needs — the input to
/// open (a path, `-`, or a shard of a path), whether to hash it, the dataset it writes into,
/// the metrics file, the progress bar and the profiler.
#[derive(Debug, Clone)]
pub struct UnitJob {
    /// The conversion; its input name, rejects file and relocation are set once the input is
    /// open.
    pub job: Job,
    /// Input path or `-`.
    pub input: String,
    /// Convert only this shard of the input.
    pub shard: Option<Shard>,
    /// Hash the bytes read (for a dataset's records).
    pub hash_input: bool,
    /// The dataset unit, for the report.
    pub dataset: Option<DatasetInfo>,
    /// Where to also write Prometheus metrics.
    pub metrics_file: Option<PathBuf>,
    /// Show the progress bar (when stderr is a terminal).
    pub show_progress: bool,
    /// Profile the conversion into the run directory (needs the `pprof` feature).
    pub profile: bool,
}

/// One conversion, done: its input, its run directory, its report (the one record of the run,
/// written to `report.yaml` whatever happened) and the pipeline's outcome or the error that
/// ended it.
#[derive(Debug)]
pub struct UnitRun {
    /// The input converted.
    pub input: String,
    /// The run directory (report, log, config snapshot, samples).
    pub run_dir: RunDir,
    /// The report as written to `report.yaml`.
    pub report: Report,
    /// The files written, unmapped paths and copyright, or the error that ended the conversion.
    pub result: Result<Outcome>,
}

/// An input opened for the pipeline: whole, or one shard.
struct OpenedInput {
    reader: Box<dyn std::io::BufRead>,
    name: String,
    size: Option<u64>,
    compressed: bool,
    relocation: Option<pipeline::Relocation>,
    range: Option<ByteRange>,
}

/// Opens the request's input, or its shard, counting (and hashing) the bytes read.
fn open_input(
    unit: &UnitJob,
    metrics: &Metrics,
    digest: Option<DigestHandle>,
) -> Result<OpenedInput> {
    let consumed = Arc::clone(&metrics.input_bytes);
    match unit.shard {
        None => input::open(&unit.input, consumed, digest).map(|opened| OpenedInput {
            reader: opened.reader,
            name: opened.name,
            size: opened.size,
            compressed: opened.compressed,
            relocation: None,
            range: None,
        }),
        Some(which) => shard::open(&unit.input, which, consumed, digest).map(|opened| {
            log::info!(
                "{}: shard {which}, bytes {}..{} of {}",
                unit.input,
                opened.range.start,
                opened.range.end,
                opened.file_bytes
            );
            OpenedInput {
                reader: opened.reader,
                name: unit.input.clone(),
                size: Some(opened.range.end - opened.range.start),
                compressed: false,
                relocation: Some(opened.relocation),
                range: Some(opened.range),
            }
        }),
    }
}

/// Runs the unit's conversion inside `run_dir` and records it: config snapshot, sampler,
/// profiler, progress bar, the pipeline, then `report.yaml` and the optional Prometheus file.
pub fn execute(run_dir: &RunDir, unit: &UnitJob) -> UnitRun {
    let started_at = Local::now();
    let clock = Instant::now();
    let cpu_at_start = ledger::cpu::process_cpu_secs();
    let settings = &unit.job.settings;
    let metrics = Arc::new(Metrics::default());
    log::debug!("run {} in {}", run_dir.id, run_dir.path.display());

    let snapshot = write_atomic(
        &run_dir.file(ledger::CONFIG_SNAPSHOT_FILE),
        settings.to_yaml().as_bytes(),
    );
    if let Err(e) = snapshot {
        log::warn!("cannot write {}: {e}", ledger::CONFIG_SNAPSHOT_FILE);
    }
    let sampler = start_sampler(run_dir, settings, &metrics, clock);
    let profiler = unit.profile.then(start_profiler).flatten();

    let mut input = InputInfo {
        path: unit.input.clone(),
        bytes: None,
        compressed: false,
        range: None,
        sha256: None,
    };
    let digest = unit.hash_input.then(input::new_digest);
    let opened = open_input(unit, &metrics, digest.clone());
    let result = opened.and_then(|opened| {
        input.bytes = opened.size;
        input.compressed = opened.compressed;
        input.range = opened.range;
        let bar = progress::start(opened.size, Arc::clone(&metrics), !unit.show_progress);
        let job = Job {
            input_name: opened.name,
            rejects_path: Some(run_dir.file(REJECTS_FILE)),
            relocation: opened.relocation.unwrap_or(Relocation::NONE),
            ..unit.job.clone()
        };
        let result = pipeline::convert(opened.reader, &job, &metrics);
        if let Some(bar) = bar {
            bar.stop();
        }
        result
    });
    // The hash of the whole input (or shard) only: a failed run read part of it.
    input.sha256 = digest
        .as_ref()
        .filter(|_| result.is_ok())
        .map(input::digest_hex);
    let samples = sampler.and_then(|s| s.stop()).unwrap_or_default();
    finish_profiler(profiler, run_dir);

    let duration = clock.elapsed();
    let cpu_secs = cpu_at_start
        .zip(ledger::cpu::process_cpu_secs())
        .map_or(0.0, |(start, end)| (end - start).max(0.0));
    let report = build_report(
        unit,
        RunFacts {
            command: Command::Convert,
            run_dir,
            settings,
            result: &result,
            metrics: &metrics,
            samples: &samples,
            input,
            output_path: unit.job.target.path().display().to_string(),
            started_at,
            duration,
            cpu_secs,
        },
    );
    if let Err(e) = write_atomic(
        &run_dir.file(ledger::REPORT_FILE),
        report_yaml(&report).as_bytes(),
    ) {
        log::error!("cannot write {}: {e}", ledger::REPORT_FILE);
    }
    if let Some(path) = &unit.metrics_file {
        if let Err(e) = write_atomic(path, prometheus::render(&report).as_bytes()) {
            log::error!("cannot write metrics file {}: {e}", path.display());
        }
    }
    UnitRun {
        input: unit.input.clone(),
        run_dir: run_dir.clone(),
        report,
        result,
    }
}

pub(super) fn start_sampler(
    run_dir: &RunDir,
    settings: &Settings,
    metrics: &Arc<Metrics>,
    clock: Instant,
) -> Option<crate::ledger::ticker::Ticker<Vec<report::Sample>>> {
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
type Profiler = crate::ledger::profiling::Profiler;
#[cfg(not(feature = "pprof"))]
type Profiler = ();

#[cfg(feature = "pprof")]
fn start_profiler() -> Option<Profiler> {
    crate::ledger::profiling::start()
        .map_err(|e| log::warn!("{}", crate::error::chain(&e)))
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
            Err(e) => log::warn!("profiling failed: {}", crate::error::chain(&e)),
        }
    }
}

#[cfg(not(feature = "pprof"))]
fn finish_profiler(_: Option<Profiler>, _: &RunDir) {}

pub(super) fn report_yaml(report: &Report) -> String {
    // The report is plain data (strings, numbers, maps): it always serializes.
    serde_yaml_ng::to_string(report).unwrap_or_else(|e| format!("error: {e}\n"))
}

/// What every report is made of, whatever the command: the command, its run, its settings, how
/// it ended, the figures, the samples, the input as opened, the output path and the clocks.
pub(super) struct RunFacts<'a, T> {
    pub(super) command: Command,
    pub(super) run_dir: &'a RunDir,
    pub(super) settings: &'a Settings,
    pub(super) result: &'a Result<T>,
    pub(super) metrics: &'a Metrics,
    pub(super) samples: &'a [report::Sample],
    pub(super) input: InputInfo,
    pub(super) output_path: String,
    pub(super) started_at: chrono::DateTime<Local>,
    pub(super) duration: Duration,
    pub(super) cpu_secs: f64,
}

/// The report of a finished (or failed) run: every figure from the metrics, once. The
/// command's own sections (`output.row_groups`, `output.columns`, `unmapped`, `rejects`,
/// `dataset`, `isoforms`) are left empty for the caller to fill.
pub(super) fn base_report<T>(facts: RunFacts<'_, T>) -> Report {
    let RunFacts {
        command,
        run_dir,
        settings,
        result,
        metrics,
        samples,
        input,
        output_path,
        started_at,
        duration,
        cpu_secs,
    } = facts;
    let secs = duration.as_secs_f64().max(1e-9);
    let run_metrics = run_metrics(metrics, settings, secs, cpu_secs);
    let capacity = run_metrics.threads + settings.pipeline.channel_capacity;
    let (channel, diagnosis) = report::diagnose(samples, capacity, &run_metrics, secs);
    Report {
        schema_version: report::REPORT_SCHEMA_VERSION,
        command,
        run_id: run_dir.id.clone(),
        status: status_of(result),
        error: result.as_ref().err().map(Error::chain),
        started_at: started_at.to_rfc3339_opts(SecondsFormat::Millis, false),
        finished_at: Local::now().to_rfc3339_opts(SecondsFormat::Millis, false),
        duration_secs: duration.as_secs_f64(),
        tool: ToolInfo::current(),
        host: host_info(),
        input,
        output: OutputInfo {
            path: output_path,
            bytes: result
                .as_ref()
                .ok()
                .map(|_| Metrics::get(&metrics.output_bytes)),
            row_groups: None,
            columns: None,
        },
        config: settings.clone(),
        metrics: run_metrics,
        resources: report::summarize_resources(samples),
        channel,
        diagnosis,
        unmapped: Default::default(),
        rejects: Default::default(),
        dataset: None,
        isoforms: None,
    }
}

/// The report of a conversion: the shared fields, then its row groups, columns, unmapped paths,
/// rejects, dataset unit and isoforms.
fn build_report(unit: &UnitJob, facts: RunFacts<'_, Outcome>) -> Report {
    let (run_dir, metrics, result) = (facts.run_dir, facts.metrics, facts.result);
    let outcome = result.as_ref().ok();
    let mut report = base_report(facts);
    report.output.row_groups = outcome.map(|_| Metrics::get(&metrics.batches) as usize);
    report.output.columns = (!unit.job.columns.is_all()).then(|| unit.job.columns.names().to_vec());
    report.unmapped = outcome.map(|o| o.unmapped.clone()).unwrap_or_default();
    report.rejects = rejects_info(run_dir, metrics);
    report.dataset = unit.dataset.clone().map(|mut dataset| {
        dataset.parts = outcome.map_or_else(Vec::new, |o| {
            o.files
                .iter()
                .filter_map(|f| f.path.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect()
        });
        dataset
    });
    report.isoforms = outcome
        .and_then(|o| o.isoforms.as_ref())
        .map(|(file, counts)| IsoformsInfo {
            path: file.path.display().to_string(),
            bytes: file.bytes,
            counts: counts.clone(),
        });
    report
}

/// How a run that ended with `result` ended.
fn status_of<T>(result: &Result<T>) -> RunStatus {
    match result {
        Ok(_) => RunStatus::Succeeded,
        Err(Error::Interrupted { .. }) => RunStatus::Interrupted,
        Err(_) => RunStatus::Failed,
    }
}

/// The figures of a run from its metrics, `secs` of wall time and `cpu_secs` of CPU: every
/// figure once (an export fills the same counters: read = Parquet decoding, encode = XML).
fn run_metrics(metrics: &Metrics, settings: &Settings, secs: f64, cpu_secs: f64) -> RunMetrics {
    let entries = Metrics::get(&metrics.entries);
    let row_groups = Metrics::get(&metrics.batches);
    let xml_bytes = Metrics::get(&metrics.xml_bytes);
    let threads = settings.pipeline.effective_threads();
    let stage = |busy: f64, blocked: f64, threads: usize| StageTime {
        busy_secs: busy,
        blocked_secs: blocked,
        occupancy: busy / (secs * threads as f64),
    };
    RunMetrics {
        entries,
        batches: row_groups,
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
        allocator: memory_setup::allocator(),
        huge_pages: memory_setup::huge_pages(),
    }
}

/// Retention: keeps the newest `runs.keep_runs` run directories, and never this invocation's.
pub(super) fn prune(settings: &Settings, own_runs: usize, newest: &std::path::Path) {
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
pub(super) fn create_run_dir(settings: &Settings, run_name: Option<&str>) -> Result<RunDir> {
    let runs_dir = &settings.runs.runs_dir;
    RunDir::create(runs_dir, chrono::Local::now(), run_name).map_err(|source| Error::RunDir {
        runs_dir: runs_dir.clone(),
        source,
    })
}
