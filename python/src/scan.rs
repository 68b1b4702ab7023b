//! The scan: [`Scanner`] runs the converter's pipeline on threads of its own (reader, parse
//! workers, in-order stage) and hands its record batches to Python in input order, one per row
//! group a conversion would write. Waits release the GIL; every wait polls for Ctrl-C, which
//! stops the pipeline and raises `KeyboardInterrupt`. Memory is bounded as in the command
//! line: the pipeline's own bounds plus one finished batch waiting for Python.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use arrow::record_batch::{RecordBatch, RecordBatchReader};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use uniprot_etl::config::{parse_size, OnError, Overrides, Settings};
use uniprot_etl::error::{Error, Result};
use uniprot_etl::interrupt::QuitFlag;
use uniprot_etl::isoform;
use uniprot_etl::pipeline::metrics::Metrics;
use uniprot_etl::pipeline::{self, input, Outcome, ScanJob};
use uniprot_etl::table::Projection;

use crate::errors;
use crate::export::{self, ArrowBatch, ArrowSchema};
use crate::source::Source;

/// How often a wait for the next batch looks for Ctrl-C.
const TICK: Duration = Duration::from_millis(50);

/// A scan's `batch_max_bytes` unless the arguments or a config file say otherwise: batches
/// of at most 8 MiB of XML (about 1 000 real entries). A conversion encodes a row group as it
/// grows and can afford 64 MiB; a scan holds its batches whole — one in Python, one waiting,
/// one being assembled — so its memory is a few times this.
const SCAN_BATCH_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// SIGINT's number: what a Ctrl-C stop is recorded as.
const SIGINT: i32 = 2;

/// The interpreter's main thread (where Python runs signal handlers), noted at import.
static MAIN_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Notes the importing thread as the main thread.
pub fn remember_main_thread() {
    let _ = MAIN_THREAD.set(std::thread::current().id());
}

fn on_main_thread() -> bool {
    MAIN_THREAD.get() == Some(&std::thread::current().id())
}

/// What waiting for the next batch gave.
enum Polled {
    /// The next batch.
    Batch(RecordBatch),
    /// Nothing yet.
    Pending,
    /// The scan is over: the input ended or it failed.
    Over,
}

/// Which table a scan yields.
#[derive(Debug, Clone)]
enum Table {
    /// The entries: the main table, in the job's projection.
    Entries,
    /// The isoforms table, derived from the entries; `Some` keeps only these columns (by
    /// index into the isoforms schema).
    Isoforms(Option<Vec<usize>>),
}

/// A running scan: the pipeline's thread, its batches, its flag and figures.
struct ScanCore {
    batches: Option<Receiver<RecordBatch>>,
    driver: Option<JoinHandle<Result<Outcome>>>,
    quit: QuitFlag,
    metrics: Arc<Metrics>,
    /// Raw (possibly compressed) bytes read from the source.
    consumed: Arc<AtomicU64>,
    /// The source's size in bytes, when known.
    size: Option<u64>,
    /// Whether reading takes the GIL (a Python file object).
    python_source: bool,
    /// Set once the pipeline's thread ended.
    over: Arc<std::sync::atomic::AtomicBool>,
    /// How the scan ended, once it did (taken when reported).
    ended: Option<Result<Outcome>>,
    /// The outcome of a scan that ended well, shared with the [`Scanner`] (which keeps it
    /// after a C stream took the core).
    outcome: Arc<Mutex<Option<Outcome>>>,
}

impl ScanCore {
    /// Starts the pipeline on `source` on a thread of its own.
    fn start(source: Source, job: ScanJob, table: Table) -> std::io::Result<ScanCore> {
        let metrics = Arc::new(Metrics::default());
        let consumed = Arc::new(AtomicU64::new(0));
        let quit = job.quit.clone();
        let python_source = source.is_python();
        let (raw, size) = source.into_raw();
        // One finished batch waits for Python while the next is assembled.
        let (tx, rx) = crossbeam_channel::bounded(1);
        let (thread_metrics, thread_consumed) = (Arc::clone(&metrics), Arc::clone(&consumed));
        let driver = std::thread::Builder::new()
            .name("uniprot-scan".into())
            .spawn(move || {
                let raw: Box<dyn std::io::Read> = raw;
                let opened = input::decoded(raw, &job.input_name, size, thread_consumed, None)?;
                match table {
                    Table::Entries => pipeline::scan(opened.reader, &job, &thread_metrics, tx),
                    Table::Isoforms(keep) => pipeline::scan_isoforms(
                        opened.reader,
                        &job,
                        &thread_metrics,
                        tx,
                        keep.as_deref(),
                    ),
                }
            })?;
        Ok(ScanCore {
            batches: Some(rx),
            driver: Some(driver),
            quit,
            metrics,
            consumed,
            size,
            python_source,
            over: Arc::default(),
            ended: None,
            outcome: Arc::default(),
        })
    }

    /// Waits up to `tick` for the next batch.
    fn poll(&mut self, tick: Duration) -> Polled {
        let Some(batches) = &self.batches else {
            return Polled::Over;
        };
        match batches.recv_timeout(tick) {
            Ok(batch) => Polled::Batch(batch),
            Err(RecvTimeoutError::Timeout) => Polled::Pending,
            Err(RecvTimeoutError::Disconnected) => {
                self.batches = None;
                self.join();
                Polled::Over
            }
        }
    }

    /// Waits for the pipeline's thread and keeps how it ended.
    fn join(&mut self) {
        if let Some(driver) = self.driver.take() {
            let ended = driver
                .join()
                .unwrap_or_else(|_| Err(Error::Internal("the scan's thread panicked".into())));
            self.ended = Some(ended);
        }
        self.over.store(true, Ordering::Relaxed);
    }

    /// Stops the pipeline (as `signal` would, 0 for a plain close) and waits for it.
    fn stop(&mut self, signal: i32) {
        // A plain close raises the quit flag too, so that the reader and the in-order stage
        // stop at their next chunk instead of finishing the batch in progress; the scan's
        // error is not reported then.
        self.quit.request(if signal == 0 { SIGINT } else { signal });
        self.batches = None;
        self.join();
    }

    /// [`ScanCore::stop`] from a thread that may hold the GIL: a file-object source reads
    /// under the GIL, so the wait for the pipeline's thread must not hold it.
    fn stop_releasing_gil(&mut self, signal: i32) {
        if self.python_source {
            Python::attach(|py| py.detach(|| self.stop(signal)));
        } else {
            self.stop(signal);
        }
    }

    /// How the scan ended, reported once: `Ok` for a scan that read its input to the end.
    fn take_end(&mut self) -> Option<Result<()>> {
        match self.ended.take()? {
            Ok(outcome) => {
                *self.outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
                Some(Ok(()))
            }
            Err(error) => Some(Err(error)),
        }
    }
}

/// A scan of one UniProt XML source (the engine behind `uniprot_etl.scan`): batches in input
/// order, through `next_batch` or a C stream (`__arrow_c_stream__`, one-shot).
#[pyclass(module = "uniprot_etl._native")]
pub struct Scanner {
    core: Mutex<Option<ScanCore>>,
    schema: SchemaRef,
    input_name: String,
    figures: Figures,
}

/// The figures of a scan, readable after its core went to a C stream.
#[derive(Clone)]
struct Figures {
    metrics: Arc<Metrics>,
    consumed: Arc<AtomicU64>,
    size: Option<u64>,
    /// Set once the scan is over (read to its end, failed or closed).
    over: Arc<std::sync::atomic::AtomicBool>,
    /// The outcome, once the scan read its input to the end.
    outcome: Arc<Mutex<Option<Outcome>>>,
}

/// The isoforms table's columns a scan keeps: all, or the named top-level ones (by index, in
/// the order given), with their schema; an unknown name is a column error.
pub fn isoform_columns(columns: Option<Vec<String>>) -> Result<(Option<Vec<usize>>, SchemaRef)> {
    let schema = isoform::schema();
    let Some(names) = columns else {
        return Ok((None, schema));
    };
    let keep = names
        .iter()
        .map(|name| {
            schema.index_of(name).map_err(|_| {
                let known: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                Error::Config(format!(
                    "unknown isoforms column {name:?}; the isoforms table has {}",
                    known.join(", ")
                ))
            })
        })
        .collect::<Result<Vec<usize>>>()?;
    let projected = schema
        .project(&keep)
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok((Some(keep), Arc::new(projected)))
}

/// The settings of a scan: defaults, the config file when given (a library call never picks
/// up a `config.yaml` from the working directory), then the arguments.
fn scan_settings(config: Option<std::path::PathBuf>, overrides: &Overrides) -> Result<Settings> {
    let mut settings = match config {
        Some(path) => Settings::from_file(&path)?,
        None => {
            let mut settings = Settings::default();
            settings.pipeline.batch_max_bytes = SCAN_BATCH_MAX_BYTES;
            settings
        }
    };
    settings.apply(overrides);
    settings.validate()?;
    Ok(settings)
}

#[pymethods]
impl Scanner {
    /// Opens `source` and starts the scan. Argument errors (unknown columns, bad settings, a
    /// missing file) raise here, before any parsing.
    #[new]
    #[pyo3(signature = (source, columns=None, table="entries", threads=None, batch_size=None, batch_max_bytes=None, strict=None, on_error=None, rejects=None, config=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        columns: Option<Vec<String>>,
        table: &str,
        threads: Option<usize>,
        batch_size: Option<usize>,
        batch_max_bytes: Option<String>,
        strict: Option<bool>,
        on_error: Option<&str>,
        rejects: Option<std::path::PathBuf>,
        config: Option<std::path::PathBuf>,
    ) -> PyResult<Scanner> {
        let on_error = match on_error {
            None => None,
            Some("fail") => Some(OnError::Fail),
            Some("skip") => Some(OnError::Skip),
            Some(other) => {
                let message = format!("on_error must be \"fail\" or \"skip\", not {other:?}");
                return Err(errors::config(py, message));
            }
        };
        if threads == Some(0) || batch_size == Some(0) {
            let message = "threads and batch_size must be at least 1".to_owned();
            return Err(errors::config(py, message));
        }
        let batch_max_bytes =
            match batch_max_bytes {
                None => None,
                Some(text) => Some(parse_size(&text).ok_or_else(|| {
                    errors::config(py, format!("invalid batch_max_bytes: {text:?}"))
                })?),
            };
        let overrides = Overrides {
            threads,
            batch_size,
            batch_max_bytes,
            strict,
            on_error,
            ..Overrides::default()
        };
        let to_py = |e: Error| errors::to_py(py, &e);
        let settings = scan_settings(config, &overrides).map_err(to_py)?;
        let (columns, table, schema) = match table {
            "entries" => {
                let columns = match columns {
                    None => Projection::all(),
                    Some(names) => Projection::parse(&names).map_err(|e| to_py(e.into()))?,
                };
                let schema = columns.schema();
                (columns, Table::Entries, schema)
            }
            "isoforms" => {
                let (keep, schema) = isoform_columns(columns).map_err(to_py)?;
                (Projection::all(), Table::Isoforms(keep), schema)
            }
            other => {
                let message = format!("table must be \"entries\" or \"isoforms\", not {other:?}");
                return Err(errors::config(py, message));
            }
        };
        let (source, input_name) = Source::open(py, source)?;
        let job = ScanJob {
            columns,
            rejects_path: rejects,
            ..ScanJob::new(&input_name, settings)
        };
        let core = ScanCore::start(source, job, table)
            .map_err(|e| to_py(Error::Internal(format!("cannot start the scan: {e}"))))?;
        let figures = Figures {
            metrics: Arc::clone(&core.metrics),
            consumed: Arc::clone(&core.consumed),
            size: core.size,
            over: Arc::clone(&core.over),
            outcome: Arc::clone(&core.outcome),
        };
        Ok(Scanner {
            core: Mutex::new(Some(core)),
            schema,
            input_name,
            figures,
        })
    }

    /// The batches' schema, exporting `__arrow_c_schema__`.
    #[getter]
    fn schema(&self) -> ArrowSchema {
        ArrowSchema::new(Arc::clone(&self.schema))
    }

    /// The source's name (its path, or the file object's `name`).
    #[getter]
    fn input_name(&self) -> &str {
        &self.input_name
    }

    /// The next batch, or `None` at the end. Waits with the GIL released; Ctrl-C stops the
    /// scan and raises `KeyboardInterrupt`; a failure raises the error's exception.
    fn next_batch(&self, py: Python<'_>) -> PyResult<Option<ArrowBatch>> {
        let mut guard = self.core.lock().unwrap_or_else(|e| e.into_inner());
        let Some(core) = guard.as_mut() else {
            return Ok(None);
        };
        loop {
            let polled = py.detach(|| catch_unwind(AssertUnwindSafe(|| core.poll(TICK))));
            match polled {
                Err(_) => {
                    *guard = None;
                    return Err(errors::panicked("the scan"));
                }
                Ok(Polled::Batch(batch)) => return Ok(Some(ArrowBatch::new(batch))),
                Ok(Polled::Over) => {
                    return match core.take_end() {
                        Some(Err(error)) => Err(errors::to_py(py, &error)),
                        _ => Ok(None),
                    }
                }
                Ok(Polled::Pending) => {
                    if let Err(interrupt) = py.check_signals() {
                        py.detach(|| core.stop(SIGINT));
                        core.ended = None;
                        return Err(interrupt);
                    }
                }
            }
        }
    }

    /// The rest of the scan as an `arrow_array_stream` capsule; the scanner is used up.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let core = py.detach(|| self.core.lock().unwrap_or_else(|e| e.into_inner()).take());
        let Some(core) = core else {
            return Err(PyValueError::new_err(
                "the scan was already read or closed: scan the source again",
            ));
        };
        let reader = StreamReader {
            core,
            schema: Arc::clone(&self.schema),
            failed: false,
        };
        export::stream_capsule(py, Box::new(reader))
    }

    /// Progress so far: raw (possibly compressed) bytes read, the source's size (`None` when
    /// unknown), entries taken, and whether the scan is over.
    fn progress(&self) -> (u64, Option<u64>, u64, bool) {
        let figures = &self.figures;
        (
            figures.consumed.load(Ordering::Relaxed),
            figures.size,
            Metrics::get(&figures.metrics.entries),
            figures.over.load(Ordering::Relaxed),
        )
    }

    /// What a scan read to its end found besides rows: entries, rejected entries, unmapped
    /// paths with counts, the `<copyright>` text. `None` before the end.
    fn outcome<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let figures = &self.figures;
        let outcome = figures.outcome.lock().unwrap_or_else(|e| e.into_inner());
        let Some(outcome) = outcome.as_ref() else {
            return Ok(None);
        };
        let dict = PyDict::new(py);
        dict.set_item("entries", Metrics::get(&figures.metrics.entries))?;
        dict.set_item("rejected", Metrics::get(&figures.metrics.rejected))?;
        dict.set_item("xml_bytes", Metrics::get(&figures.metrics.xml_bytes))?;
        dict.set_item("unmapped", outcome.unmapped.clone())?;
        dict.set_item("copyright", outcome.copyright.clone())?;
        Ok(Some(dict))
    }

    /// Stops the scan and frees its threads and batches; later reads give nothing.
    fn close(&self, py: Python<'_>) {
        // Another thread may hold the lock while it waits (GIL released) for a batch.
        let core = py.detach(|| self.core.lock().unwrap_or_else(|e| e.into_inner()).take());
        if let Some(mut core) = core {
            py.detach(|| core.stop(0));
        }
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        let core = self
            .core
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(mut core) = core {
            core.stop_releasing_gil(0);
        }
    }
}

/// The scan seen through the C stream interface by pyarrow, Polars or DuckDB. A panic becomes
/// an error (and the stream ends) instead of unwinding into the consumer; Ctrl-C on the main
/// thread stops the pipeline, ends the stream with an error and raises `KeyboardInterrupt`
/// when Python runs again.
struct StreamReader {
    core: ScanCore,
    schema: SchemaRef,
    failed: bool,
}

impl StreamReader {
    fn next_checked(&mut self) -> Option<std::result::Result<RecordBatch, ArrowError>> {
        loop {
            // Checked before every wait, not only on timeouts: a fast scan never times out.
            if on_main_thread() && Python::attach(|py| py.check_signals()).is_err() {
                self.core.stop_releasing_gil(SIGINT);
                // SAFETY: re-arms the interpreter's interrupt flag; callable anytime.
                unsafe { pyo3::ffi::PyErr_SetInterrupt() };
                let message = "interrupted by SIGINT (KeyboardInterrupt)";
                return Some(Err(ArrowError::ExternalError(message.into())));
            }
            let polled = if self.core.python_source {
                // The source reads under the GIL: never wait holding it.
                Python::attach(|py| py.detach(|| self.core.poll(TICK)))
            } else {
                self.core.poll(TICK)
            };
            match polled {
                Polled::Batch(batch) => return Some(Ok(batch)),
                Polled::Over => {
                    return match self.core.take_end() {
                        Some(Err(error)) => Some(Err(errors::to_arrow(&error))),
                        _ => None,
                    }
                }
                Polled::Pending => {}
            }
        }
    }
}

impl Iterator for StreamReader {
    type Item = std::result::Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match catch_unwind(AssertUnwindSafe(|| self.next_checked())) {
            Ok(Some(Err(error))) => {
                self.failed = true;
                Some(Err(error))
            }
            Ok(next) => next,
            Err(_) => {
                self.failed = true;
                let message = "uniprot_etl: internal error: the scan panicked";
                Some(Err(ArrowError::ExternalError(message.into())))
            }
        }
    }
}

impl RecordBatchReader for StreamReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}

impl Drop for StreamReader {
    fn drop(&mut self) {
        self.core.stop_releasing_gil(0);
    }
}
