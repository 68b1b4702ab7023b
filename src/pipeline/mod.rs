//! The conversion pipeline: reader → parse workers → in-order stage (row groups, encoding)
//! → writer, every queue bounded.
//!
//! ```text
//! caller's thread        worker pool (threads)       "in-order" thread      "parquet-writer"
//! reader: decompress,  → parse chunk → Arrow rows  → reorder, cut row      → append row
//! cut <entry chunks      (any order)                  groups, encode on       groups to the
//!   (slots: bounded)                                  the pool (in order)     temp file
//! ```
//!
//! The reader ([`reader`]) cuts the decompressed XML into chunks of ~`chunk_bytes` (1 MiB) of whole entries at
//! `<entry` boundaries ([`split`]); each chunk is parsed on the worker pool ([`worker`]) into an
//! Arrow batch; the in-order stage ([`order`]) takes chunks back in input order, closes row
//! groups where a sequential read would (`batch_size` entries or `batch_max_bytes` of XML) and
//! has their columns encoded in parallel on the same pool ([`encode`]); the writer thread
//! appends finished row groups to a temporary file. `pipeline.threads` sizes the pool
//! ([`pool`]: encode jobs before parse jobs, no job waits for another), so it caps the threads
//! doing CPU work; the reader and writer mostly wait on I/O.
//!
//! Memory is bounded by settings, never by the input: at most `threads + channel_capacity`
//! chunks are read, parsed or waiting at once (the reader takes a slot before dispatching a
//! chunk and the in-order stage frees it), one row group is being encoded and one waits for
//! the writer. The output is byte-identical for every thread count: chunk and row-group
//! boundaries depend only on the input and the batch settings.
//!
//! Stopping: a failed chunk, encoder or rejects file stops the in-order stage, which closes the
//! slots (the reader stops) and drops the writer's channel without `Finish` (the writer abandons
//! its temporary file); a failed writer makes the in-order stage's next send fail. SIGINT/SIGTERM
//! ([`QuitFlag`]) is polled by the reader between reads and by the in-order stage between
//! chunks. The output appears at its final path only when every stage succeeded.

mod encode;
pub mod input;
pub mod metrics;
mod order;
mod pool;
pub(crate) mod reader;
pub mod rejects;
pub mod split;
pub mod stop;
mod worker;
mod write;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use crossbeam_channel::{bounded, unbounded, Sender};

use self::encode::RowGroupEncoder;
use self::metrics::Metrics;
use self::order::{FileProgress, InOrder, OrderStop, ParquetSink, RowSink};
use self::pool::Pool;
pub use self::reader::Relocation;
use self::reader::{ChunkReader, ReaderStop};
use self::rejects::{RejectsFile, REJECTS_FILE};
use self::stop::{panicked, StopSignals};
use self::worker::{ParseStage, StageMessage};
use self::write::{IsoformRows, WriterMessage};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::interrupt::QuitFlag;
use crate::isoform::{self, IsoformCounts};
use crate::parse::EntryElements;
use crate::table::Projection;
use crate::writer::{self, DerivedFile, FileFacts, FileLimits, OutputSpec, Target};

/// One conversion to run, built once per unit (a file, a shard, a dataset unit's parts): the
/// input's name, where the rows go, the settings, and what may stop or relocate it.
#[derive(Debug, Clone)]
pub struct Job {
    /// Names the input in errors and in the files' metadata.
    pub input_name: String,
    /// One file, or a dataset unit's parts.
    pub target: Target,
    /// The effective settings.
    pub settings: Settings,
    /// When a dataset unit starts its next part file.
    pub file_limits: FileLimits,
    /// The rejects file for `parser.on_error: skip` (default: beside the output).
    pub rejects_path: Option<PathBuf>,
    /// Maps offsets of the input stream to its file (shards).
    pub relocation: Relocation,
    /// Checked between chunks; set by SIGINT/SIGTERM in the binary.
    pub quit: QuitFlag,
    /// The columns written (default: all).
    pub columns: Projection,
    /// Write the isoforms table too (`convert --isoforms [FILE]`): to this file, or, when it
    /// is empty, to the default place (beside the output; a dataset's isoforms part set).
    pub isoforms: Option<PathBuf>,
}

impl Job {
    /// A job converting the input called `input_name` into `target` with `settings`: no file
    /// limits, rejects beside the output, no relocation, a quit flag no signal sets.
    pub fn new(input_name: &str, target: Target, settings: Settings) -> Job {
        Job {
            input_name: input_name.to_owned(),
            target,
            settings,
            file_limits: FileLimits::default(),
            rejects_path: None,
            relocation: Relocation::NONE,
            quit: QuitFlag::new(),
            columns: Projection::all(),
            isoforms: None,
        }
    }

    /// Where this job's isoforms table goes, and whether it is a dataset's part (hashed), after
    /// checking that the job can derive it: for one output file, the path asked for (an empty
    /// one: `OUT.isoforms.parquet` beside the output); for a dataset unit, its part of the
    /// isoforms part set (`DIR/isoforms/part-UUUUU-00000.parquet`). Under a projection the
    /// columns isoforms come from must be kept whole.
    fn isoforms_path(&self) -> Result<Option<(PathBuf, bool)>> {
        let Some(asked) = &self.isoforms else {
            return Ok(None);
        };
        let names = self.columns.names();
        let missing: Vec<&str> = isoform::SOURCE_COLUMNS
            .into_iter()
            .filter(|column| !self.columns.is_all() && !names.iter().any(|n| n == column))
            .collect();
        if !missing.is_empty() {
            return Err(Error::Config(format!(
                "--isoforms needs the whole columns {} among --columns; missing: {}",
                isoform::SOURCE_COLUMNS.join(", "),
                missing.join(", ")
            )));
        }
        let path = match &self.target {
            Target::Parts { dir, unit } => {
                let path = dir.join(writer::isoforms_part_name(*unit));
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::Write {
                        path: parent.to_owned(),
                        what: "cannot create the isoforms directory",
                        source: e.into(),
                    })?;
                }
                return Ok(Some((path, true)));
            }
            Target::File(output) if asked.as_os_str().is_empty() => default_isoforms_path(output),
            Target::File(_) => asked.clone(),
        };
        if path.is_dir() {
            return Err(Error::Config(format!(
                "--isoforms {} is a directory; give a file name",
                path.display()
            )));
        }
        if same_file(&path, self.target.path()) || same_file(&path, &self.rejects_path()) {
            return Err(Error::Config(format!(
                "--isoforms {} is the output or the rejects file",
                path.display()
            )));
        }
        Ok(Some((path, false)))
    }

    /// Where rejected entries go: the job's rejects path, else beside the output.
    fn rejects_path(&self) -> PathBuf {
        self.rejects_path
            .clone()
            .unwrap_or_else(|| match &self.target {
                Target::File(path) => {
                    let mut name = path.as_os_str().to_owned();
                    name.push(".");
                    name.push(REJECTS_FILE);
                    PathBuf::from(name)
                }
                Target::Parts { dir, unit } => dir.join(format!("_unit-{unit:05}.{REJECTS_FILE}")),
            })
    }
}

/// `OUT.isoforms.parquet` beside the output `OUT.parquet` (`OUT.isoforms.parquet` for any
/// other name too: the extension is replaced).
pub fn default_isoforms_path(output: &std::path::Path) -> PathBuf {
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    output.with_file_name(format!("{stem}.isoforms.parquet"))
}

/// Whether `a` and `b` name the same file: the same absolute path (`./out` and `out`), or,
/// when both exist, the same inode (links).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let absolute = |p: &std::path::Path| {
        std::path::absolute(p)
            .map(|p| p.components().collect::<PathBuf>())
            .ok()
    };
    if absolute(a).is_some_and(|a| Some(a) == absolute(b)) {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    false
}

/// What a successful conversion leaves besides its figures (which the [`Metrics`] hold, one
/// place each: entries, row groups, bytes, rejects, stage times).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Every file written, in order, at its final path, with its rows, bytes and hash.
    pub files: Vec<FileFacts>,
    /// Unmapped element/attribute paths with their counts (empty when the model covers all).
    pub unmapped: BTreeMap<String, u64>,
    /// The document's `<copyright>` text.
    pub copyright: Option<String>,
    /// The isoforms file, at its final path, and the figures of its derivation (`--isoforms`).
    pub isoforms: Option<(FileFacts, IsoformCounts)>,
}

/// A scan: the rows of an input handed to the caller as Arrow record batches, in input order,
/// one per row group a conversion with the same settings would write; no file is written.
#[derive(Debug, Clone)]
pub struct ScanJob {
    /// Names the input in errors.
    pub input_name: String,
    /// The effective settings (`parquet` and `runs` are not used).
    pub settings: Settings,
    /// The columns built (default: all).
    pub columns: Projection,
    /// Where entries rejected under `parser.on_error: skip` are kept; without one they are
    /// only logged and counted.
    pub rejects_path: Option<PathBuf>,
    /// Checked between chunks: set it to stop the scan.
    pub quit: QuitFlag,
}

impl ScanJob {
    /// A scan of the input called `input_name` with `settings`: every column, no rejects
    /// file, a quit flag nothing sets yet.
    pub fn new(input_name: &str, settings: Settings) -> ScanJob {
        ScanJob {
            input_name: input_name.to_owned(),
            settings,
            columns: Projection::all(),
            rejects_path: None,
            quit: QuitFlag::new(),
        }
    }
}

/// The conversion: the XML read from `input` into the Parquet file or parts of `job`, counting
/// into `metrics` as it goes. The reader runs on the calling thread; the other stages on
/// threads of their own, all stopped by the first error. The output appears at its final path
/// only when every stage succeeded.
pub fn convert<R: BufRead>(input: R, job: &Job, metrics: &Arc<Metrics>) -> Result<Outcome> {
    let settings = &job.settings;
    let spec = OutputSpec {
        target: job.target.clone(),
        parquet: settings.parquet.clone(),
        max_row_group_rows: settings.pipeline.batch_size,
        input_name: job.input_name.clone(),
        schema: job.columns.schema(),
    };
    let isoforms_path = job.isoforms_path()?;
    let mut rejects = RejectsFile::new(job.rejects_path(), &job.input_name);
    let first_file = writer::create_first(&spec)?;
    let isoforms_file = isoforms_path
        .map(|(path, hash)| {
            DerivedFile::create(
                (&path, hash),
                isoform::schema(),
                &settings.parquet,
                (
                    &["accession", "isoform_id", "length"],
                    &["sequence", "checksum"],
                ),
                (
                    settings.pipeline.batch_size,
                    settings.pipeline.batch_max_bytes,
                ),
            )
        })
        .transpose()?;
    let factory = writer::column_writer_factory(&spec)?;
    let encoder = RowGroupEncoder::new(factory, job.columns.schema(), Arc::clone(metrics));
    let output_path = spec.target.path().to_owned();
    let stages = Stages {
        input_name: &job.input_name,
        settings,
        columns: &job.columns,
        relocation: job.relocation,
        limits: job.file_limits,
        stop: StopSignals::new(job.quit.clone()),
    };

    // One encoded row group may wait for the writer while the next is being encoded.
    let (writer_tx, writer_rx) = bounded::<WriterMessage>(1);
    let writer_metrics = Arc::clone(metrics);
    let writer = std::thread::Builder::new()
        .name("parquet-writer".into())
        .spawn(move || write::run(writer_rx, spec, first_file, &writer_metrics))
        .map_err(|e| Error::Internal(format!("cannot start the writer thread: {e}")))?;
    let (isoforms_tx, isoforms_writer) = match isoforms_file {
        Some(file) => {
            // A chunk's isoform rows may wait while the next chunk's are written.
            let (tx, rx) = bounded::<IsoformRows>(1);
            let thread = std::thread::Builder::new()
                .name("isoforms-writer".into())
                .spawn(move || write::run_isoforms(rx, file))
                .map_err(|e| Error::Internal(format!("cannot start the isoforms writer: {e}")))?;
            (Some(tx), Some(thread))
        }
        None => (None, None),
    };
    let sink = RowSink::Parquet(ParquetSink {
        encoder,
        to_writer: writer_tx,
        output: output_path.clone(),
        group_accessions: None,
    });
    let (read, ordered) = stages.run(input, sink, Some(&mut rejects), isoforms_tx, metrics);
    let written = writer.join().unwrap_or_else(|_| Err(panicked("writer")));
    let isoforms = isoforms_writer
        .map(|thread| {
            thread
                .join()
                .unwrap_or_else(|_| Err(panicked("isoforms writer")))
        })
        .transpose();

    let rejects_path = rejects.path().to_owned();
    let rejects_file = rejects.finish().map_err(|e| Error::Rejects {
        path: rejects_path,
        source: e,
    });
    let stop = &stages.stop;
    let (files, (unmapped, copyright)) = match (read, ordered, written) {
        (Err(ReaderStop::Interrupted), _, _) => return Err(stop.interrupted(metrics)),
        (_, Err(OrderStop::Failed(e)), _) => return Err(e),
        // A failed isoforms writer makes the in-order stage hang up, and the Parquet writer
        // then abandons its file: the isoforms writer's error is the cause.
        (_, Err(OrderStop::SinkGone), _) if isoforms.is_err() => {
            return Err(isoforms
                .err()
                .unwrap_or_else(|| writer::abandoned(&output_path)))
        }
        (_, _, Err(e)) => return Err(e),
        (_, Err(OrderStop::SinkGone | OrderStop::ReaderStopped), Ok(_)) => {
            return Err(writer::abandoned(&output_path))
        }
        (_, Ok(finished), Ok(files)) => (files, finished),
    };
    rejects_file?;
    let isoforms = isoforms?
        .map(|(file, counts)| file.finish().map(|written| (written, counts)))
        .transpose()?;
    if stop.quit_requested() {
        // A signal that arrived after the last entry still stops the run before the rename.
        return Err(stop.interrupted(metrics));
    }
    // The isoforms file first: the output at its final path means every file is in place.
    let isoforms = isoforms
        .map(|(written, counts)| written.persist().map(|facts| (facts, counts)))
        .transpose()?;
    let files = files
        .into_iter()
        .map(writer::WrittenFile::persist)
        .collect::<Result<Vec<_>>>()?;
    Ok(Outcome {
        files,
        unmapped,
        copyright,
        isoforms,
    })
}

/// The scan: the XML read from `input` parsed into record batches of `job`'s columns, sent to
/// `batches` in input order, counting into `metrics`. The reader runs on the calling thread,
/// the parse workers and the in-order stage on threads of their own. Returns once the input
/// ended (the [`Outcome`] has no files), failed, or was stopped: by `job.quit`
/// ([`Error::Interrupted`]) or by the receiver of `batches` hanging up ([`Error::Closed`]).
pub fn scan<R: BufRead>(
    input: R,
    job: &ScanJob,
    metrics: &Arc<Metrics>,
    batches: Sender<RecordBatch>,
) -> Result<Outcome> {
    let mut rejects = job
        .rejects_path
        .clone()
        .map(|path| RejectsFile::new(path, &job.input_name));
    let stages = Stages {
        input_name: &job.input_name,
        settings: &job.settings,
        columns: &job.columns,
        relocation: Relocation::NONE,
        limits: FileLimits::default(),
        stop: StopSignals::new(job.quit.clone()),
    };
    let sink = RowSink::Batches {
        schema: job.columns.schema(),
        to_caller: batches,
    };
    let (read, ordered) = stages.run(input, sink, rejects.as_mut(), None, metrics);
    let rejects_file = rejects.map(|rejects| {
        let path = rejects.path().to_owned();
        rejects
            .finish()
            .map_err(|source| Error::Rejects { path, source })
    });
    let stop = &stages.stop;
    let (unmapped, copyright) = match (read, ordered) {
        (Err(ReaderStop::Interrupted), _) => return Err(stop.interrupted(metrics)),
        (_, Err(OrderStop::Failed(e))) => return Err(e),
        (_, Err(OrderStop::SinkGone | OrderStop::ReaderStopped)) => {
            return Err(Error::Closed {
                input: job.input_name.clone(),
            })
        }
        (_, Ok(finished)) => finished,
    };
    rejects_file.transpose()?;
    Ok(Outcome {
        files: Vec::new(),
        unmapped,
        copyright,
        isoforms: None,
    })
}

/// The isoforms scan: the rows of the isoforms table ([`isoform::schema`]; only the columns
/// at indices `keep` when given) derived from a scan of the columns they come from, sent to
/// `batches` in input order, one batch per row group of the entries. Stops like [`scan`];
/// `job.columns` is replaced by the source columns.
pub fn scan_isoforms<R: BufRead>(
    input: R,
    job: &ScanJob,
    metrics: &Arc<Metrics>,
    batches: Sender<RecordBatch>,
    keep: Option<&[usize]>,
) -> Result<Outcome> {
    let job = ScanJob {
        columns: Projection::parse(&isoform::SOURCE_COLUMNS)?,
        ..job.clone()
    };
    let (entries_tx, entries_rx) = bounded::<RecordBatch>(1);
    std::thread::scope(|scope| {
        let deriving = std::thread::Builder::new()
            .name("isoforms".into())
            .spawn_scoped(scope, move || {
                for entries in entries_rx {
                    let (mut isoforms, _) = isoform::derive(&entries)?;
                    if let Some(keep) = keep {
                        isoforms = isoforms
                            .project(keep)
                            .map_err(|e| Error::Internal(format!("isoforms: {e}")))?;
                    }
                    if batches.send(isoforms).is_err() {
                        // The caller hung up: dropping the entries' receiver stops the scan.
                        break;
                    }
                }
                Ok(())
            })
            .map_err(|e| Error::Internal(format!("cannot start the isoforms thread: {e}")))?;
        let scanned = scan(input, &job, metrics, entries_tx);
        let derived = deriving
            .join()
            .unwrap_or_else(|_| Err(panicked("isoforms")));
        derived.and(scanned)
    })
}

/// What the stages before the sink need, from a conversion's or a scan's job.
struct Stages<'a> {
    input_name: &'a str,
    settings: &'a Settings,
    columns: &'a Projection,
    relocation: Relocation,
    limits: FileLimits,
    stop: StopSignals,
}

/// How the reader and the in-order stage ended.
type StagesEnd = (
    std::result::Result<(), ReaderStop>,
    std::result::Result<(BTreeMap<String, u64>, Option<String>), OrderStop>,
);

impl Stages<'_> {
    /// Runs the reader on this thread, the parse jobs on the worker pool and the in-order
    /// stage on a thread of its own, which hands every row group to `sink` (and, when
    /// `isoforms` is given, every chunk's isoform rows to it); returns once all of them
    /// stopped.
    fn run<R: BufRead>(
        &self,
        input: R,
        sink: RowSink,
        rejects: Option<&mut RejectsFile>,
        isoforms: Option<Sender<IsoformRows>>,
        metrics: &Arc<Metrics>,
    ) -> StagesEnd {
        let settings = self.settings;
        let threads = settings.pipeline.effective_threads();
        let in_flight = threads + settings.pipeline.channel_capacity;
        let stop = &self.stop;
        let derive_isoforms = isoforms.is_some();
        std::thread::scope(|scope| {
            // One result per dispatched chunk: bounded by the slots, so unbounded here.
            let (results_tx, results_rx) = unbounded::<StageMessage>();
            let (slots_tx, slots_rx) = bounded::<()>(in_flight);
            for _ in 0..in_flight {
                let _ = slots_tx.send(());
            }
            let (recycle_tx, recycle_rx) = unbounded::<Vec<u8>>();
            let pool = match Pool::start(scope, threads) {
                Ok(pool) => pool,
                Err(e) => {
                    let error = Error::Internal(format!("cannot start the worker pool: {e}"));
                    return (Ok(()), Err(OrderStop::Failed(error)));
                }
            };
            let in_order = InOrder {
                settings: &settings.pipeline,
                sink,
                pool: pool.clone(),
                rejects,
                input_name: self.input_name,
                metrics,
                unmapped: BTreeMap::new(),
                copyright: None,
                // Row groups close by the bytes of the stream the pipeline reads.
                group_start: self.relocation.shift,
                limits: self.limits,
                file: FileProgress::default(),
                pending: Vec::new(),
                isoforms,
            };
            let ordering = std::thread::Builder::new()
                .name("in-order".into())
                .spawn_scoped(scope, move || {
                    let result = order::run(in_order, results_rx, slots_tx, stop);
                    if result.is_err() {
                        stop.close();
                    }
                    result
                });
            let ordering = match ordering {
                Ok(ordering) => ordering,
                Err(e) => {
                    let error = Error::Internal(format!("cannot start a pipeline thread: {e}"));
                    return (Ok(()), Err(OrderStop::Failed(error)));
                }
            };

            let parse = Arc::new(ParseStage {
                input_name: self.input_name.to_owned(),
                settings: settings.parser.clone(),
                schema: self.columns.schema(),
                elements: if self.columns.is_all() {
                    EntryElements::ALL
                } else {
                    let schema = self.columns.schema();
                    EntryElements::for_columns(schema.fields().iter().map(|f| f.name().as_str()))
                },
                metrics: Arc::clone(metrics),
                stop: stop.clone(),
                results: results_tx.clone(),
                recycle: recycle_tx,
                isoforms: derive_isoforms,
            });
            let mut chunk_reader = ChunkReader::new(
                input,
                settings.pipeline.chunk_bytes,
                &settings.parser,
                &recycle_rx,
            )
            .relocated(self.relocation);
            let read = chunk_reader.read_all(&slots_rx, stop, metrics, |chunk| {
                pool.parse(parse.job(chunk));
            });
            drop(parse);
            if read.is_ok() {
                let chunks = Metrics::get(&metrics.chunks_dispatched);
                let _ = results_tx.send(StageMessage::End { chunks });
            } else {
                stop.close();
            }
            drop(results_tx);
            let ordered = ordering
                .join()
                .unwrap_or_else(|_| Err(OrderStop::Failed(panicked("in-order"))));
            metrics
                .xml_bytes
                .store(chunk_reader.xml_bytes, Ordering::Relaxed);
            (read, ordered)
        })
    }
}
