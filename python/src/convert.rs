//! `convert` and `export`: one run with its ledger, as the command line runs it (the same
//! `run::run` / `run::export`, so the same bytes and the same run directory), on a thread of
//! its own while the calling thread waits with the GIL released and watches for Ctrl-C.

use std::path::PathBuf;
use std::time::Duration;

use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use uniprot_etl::config::{parse_size, Overrides};
use uniprot_etl::error::Error;
use uniprot_etl::interrupt::QuitFlag;
use uniprot_etl::run::{self, ExportRequest, RunRequest};

use crate::errors;

/// A setting's value from its text, as `config.yaml` would give it (`"zstd"`, `"skip"`).
fn setting<T: DeserializeOwned>(
    py: Python<'_>,
    name: &str,
    value: Option<String>,
) -> PyResult<Option<T>> {
    value
        .map(|text| {
            serde_json::from_value(serde_json::Value::String(text.clone()))
                .map_err(|_| errors::config(py, format!("invalid {name}: {text:?}")))
        })
        .transpose()
}

/// Converts `inputs` into `output` (a Parquet file, or a dataset directory for several
/// inputs) with the given settings over the defaults and the config file; returns the run
/// reports as JSON text (the Python side decodes it). A failed conversion raises its
/// exception with the run directory as `.run_dir`.
#[pyfunction]
#[pyo3(signature = (inputs, output, columns, isoforms, config, runs_dir, run_name, progress, log_level, threads, batch_size, batch_max_bytes, channel_capacity, chunk_bytes, compression, zstd_level, statistics, dictionary, strict, on_error))]
#[allow(clippy::too_many_arguments)]
pub fn convert(
    py: Python<'_>,
    inputs: Vec<String>,
    output: PathBuf,
    columns: Vec<String>,
    isoforms: Option<PathBuf>,
    config: Option<PathBuf>,
    runs_dir: Option<PathBuf>,
    run_name: Option<String>,
    progress: bool,
    log_level: Option<String>,
    threads: Option<usize>,
    batch_size: Option<usize>,
    batch_max_bytes: Option<String>,
    channel_capacity: Option<usize>,
    chunk_bytes: Option<String>,
    compression: Option<String>,
    zstd_level: Option<i32>,
    statistics: Option<bool>,
    dictionary: Option<bool>,
    strict: Option<bool>,
    on_error: Option<String>,
) -> PyResult<String> {
    let size = |name: &str, value: Option<String>| -> PyResult<Option<u64>> {
        value
            .map(|text| {
                parse_size(&text)
                    .ok_or_else(|| errors::config(py, format!("invalid {name}: {text:?}")))
            })
            .transpose()
    };
    let overrides = Overrides {
        batch_size,
        batch_max_bytes: size("batch_max_bytes", batch_max_bytes)?,
        channel_capacity,
        threads,
        chunk_bytes: size("chunk_bytes", chunk_bytes)?.map(|n| n as usize),
        compression: setting(py, "compression", compression)?,
        zstd_level,
        statistics,
        list_statistics: None,
        dictionary,
        plan: None,
        strict,
        on_error: setting(py, "on_error", on_error)?,
        runs_dir,
        log_level: setting(py, "log_level", log_level)?,
    };
    let quit = QuitFlag::new();
    let request = RunRequest {
        inputs,
        output,
        columns,
        isoforms,
        config_file: config,
        overrides,
        run_name,
        show_progress: progress,
        quit: Some(quit.clone()),
        ..RunRequest::default()
    };
    let outcome = run_interruptible(py, "uniprot-convert", &quit, move || run::run(request))?;
    let outcome = outcome.map_err(|e| errors::to_py(py, &e))?;
    let mut reports = Vec::new();
    for unit in &outcome.runs {
        if let Err(error) = &unit.result {
            return Err(failed_run(py, error, &unit.run_dir.path));
        }
        reports.push(&unit.report);
    }
    serde_json::to_string(&reports)
        .map_err(|e| errors::to_py(py, &Error::Internal(format!("the reports as JSON: {e}"))))
}

/// Exports `input` (a Parquet file of this schema, or a dataset directory) into the UniProt
/// XML document `output` (`-` for stdout), as `uniprot-etl export` does; returns the run's
/// report as JSON text. A failed export raises its exception with the run directory as
/// `.run_dir`.
#[pyfunction]
#[pyo3(signature = (input, output, compress, config, runs_dir, run_name, progress, log_level, threads, channel_capacity))]
#[allow(clippy::too_many_arguments)]
pub fn export(
    py: Python<'_>,
    input: PathBuf,
    output: PathBuf,
    compress: Option<String>,
    config: Option<PathBuf>,
    runs_dir: Option<PathBuf>,
    run_name: Option<String>,
    progress: bool,
    log_level: Option<String>,
    threads: Option<usize>,
    channel_capacity: Option<usize>,
) -> PyResult<String> {
    let overrides = Overrides {
        threads,
        channel_capacity,
        runs_dir,
        log_level: setting(py, "log_level", log_level)?,
        ..Overrides::default()
    };
    let quit = QuitFlag::new();
    let request = ExportRequest {
        input,
        output,
        compression: setting(py, "compress", compress)?,
        config_file: config,
        overrides,
        run_name,
        show_progress: progress,
        quit: Some(quit.clone()),
    };
    let run = run_interruptible(py, "uniprot-export", &quit, move || run::export(request))?;
    let run = run.map_err(|e| errors::to_py(py, &e))?;
    if let Err(error) = &run.result {
        return Err(failed_run(py, error, &run.run_dir.path));
    }
    serde_json::to_string(&run.report)
        .map_err(|e| errors::to_py(py, &Error::Internal(format!("the report as JSON: {e}"))))
}

/// The exception of a failed run, with the run directory (its record) as `.run_dir`.
fn failed_run(py: Python<'_>, error: &Error, run_dir: &std::path::Path) -> PyErr {
    let exception = errors::to_py(py, error);
    let _ = exception
        .value(py)
        .setattr("run_dir", run_dir.display().to_string());
    exception
}

/// Runs `work` (a whole run with its ledger) on a thread named `name` while this thread waits
/// with the GIL released, turning Ctrl-C into `quit` (the run stops and cleans up) and then
/// into `KeyboardInterrupt`; the logger is pointed back at stderr afterwards.
fn run_interruptible<T: Send + 'static>(
    py: Python<'_>,
    name: &str,
    quit: &QuitFlag,
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> PyResult<Result<T, Error>> {
    let worker = std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .map_err(|e| errors::to_py(py, &Error::Internal(format!("cannot start: {e}"))))?;
    let mut interrupted = None;
    while !worker.is_finished() {
        py.detach(|| std::thread::sleep(Duration::from_millis(50)));
        if interrupted.is_none() {
            if let Err(interrupt) = py.check_signals() {
                quit.request(2);
                interrupted = Some(interrupt);
            }
        }
    }
    let outcome = worker
        .join()
        .unwrap_or_else(|_| Err(Error::Internal(format!("{name} panicked"))));
    // The run pointed the process's logger at its `etl.log`: later messages (a scan's
    // warnings) go to stderr only, not into a finished run's record.
    uniprot_etl::ledger::logging::init_or_stderr(uniprot_etl::config::LogLevel::Warn, &[]);
    match interrupted {
        Some(interrupt) => Err(interrupt),
        None => Ok(outcome),
    }
}
