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
mod order;
mod pool;
pub(crate) mod reader;
pub mod rejects;
pub mod split;
mod worker;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

use self::encode::RowGroupEncoder;
pub use self::order::FileLimits;
use self::order::{FileProgress, InOrder, OrderStop};
use self::pool::Pool;
pub use self::reader::Relocation;
use self::reader::{Chunk, ChunkReader, ReaderStop};
use self::worker::ParsedChunk;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::interrupt::QuitFlag;
use crate::ledger::metrics::Metrics;
use crate::pipeline::rejects::{RejectsFile, REJECTS_FILE};
use crate::writer::{self, FileFacts, OutputSpec, Target, WriterMessage};

/// What a successful conversion did.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Entries converted (= rows written).
    pub entries: u64,
    /// Batches (= row groups written).
    pub batches: u64,
    /// Bytes of XML parsed (decompressed).
    pub xml_bytes: u64,
    /// Bytes of the Parquet file (all files, for dataset parts).
    pub output_bytes: u64,
    /// Row groups in the Parquet file (all files).
    pub row_groups: usize,
    /// Every file written, in order, with its figures.
    pub files: Vec<FileFacts>,
    /// The document's `<copyright>` text.
    pub copyright: Option<String>,
    /// Wall time of the whole conversion.
    pub elapsed: Duration,
    /// Unmapped element/attribute paths with their counts (empty when the model covers all).
    pub unmapped: BTreeMap<String, u64>,
    /// Final output path (the dataset directory for parts).
    pub output: PathBuf,
    /// Entries rejected under `parser.on_error: skip`.
    pub rejected: u64,
    /// The rejects file, when any entry was rejected.
    pub rejects_file: Option<PathBuf>,
    /// Worker threads used.
    pub threads: usize,
}

/// Where rejects go and what may stop a conversion; the defaults suit library callers.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// The rejects file for `parser.on_error: skip` (default: `OUTPUT.rejects.xml`).
    pub rejects_path: Option<PathBuf>,
    /// Checked between chunks; set by SIGINT/SIGTERM in the binary.
    pub quit: QuitFlag,
    /// Maps offsets of the input stream to its file (shards).
    pub relocation: Option<Relocation>,
    /// When a dataset unit starts its next part file.
    pub file_limits: FileLimits,
}

/// Converts the XML read from `input` into the Parquet file `output`.
///
/// `input_name` names the input in errors and in the file's metadata.
pub fn convert<R: BufRead>(
    input: R,
    input_name: &str,
    output: PathBuf,
    settings: &Settings,
    metrics: Arc<Metrics>,
) -> Result<Summary> {
    convert_with(
        input,
        input_name,
        Target::File(output),
        settings,
        metrics,
        &ConvertOptions::default(),
    )
}

/// [`convert`] into a file or dataset parts, with a rejects file location, a quit flag, offset
/// relocation and file limits.
pub fn convert_with<R: BufRead>(
    input: R,
    input_name: &str,
    target: Target,
    settings: &Settings,
    metrics: Arc<Metrics>,
    options: &ConvertOptions,
) -> Result<Summary> {
    let started = Instant::now();
    let threads = settings.pipeline.effective_threads();
    let spec = OutputSpec {
        target,
        parquet: settings.parquet.clone(),
        max_row_group_rows: settings.pipeline.batch_size,
        input_name: input_name.to_owned(),
    };
    let rejects_path = options
        .rejects_path
        .clone()
        .unwrap_or_else(|| match &spec.target {
            Target::File(path) => {
                let mut name = path.as_os_str().to_owned();
                name.push(".");
                name.push(REJECTS_FILE);
                PathBuf::from(name)
            }
            Target::Parts { dir, unit } => dir.join(format!("_unit-{unit:05}.{REJECTS_FILE}")),
        });
    let mut rejects = RejectsFile::new(rejects_path, input_name);
    let first_file = writer::create_first(&spec)?;
    let factory = writer::column_writer_factory(&spec)?;
    let encoder = RowGroupEncoder::new(
        factory,
        crate::table::schema::schema(),
        Arc::clone(&metrics),
    );
    let output_path = spec.target.path().to_owned();
    let relocation = options.relocation.unwrap_or(Relocation::NONE);
    let in_flight = threads + settings.pipeline.channel_capacity;
    let stages = Stages {
        input_name: Arc::from(input_name),
        settings: Arc::new(settings.clone()),
        metrics: Arc::clone(&metrics),
        closing: Arc::new(AtomicBool::new(false)),
        quit: options.quit.clone(),
    };

    let (read, ordered, written, xml_bytes) = std::thread::scope(|scope| {
        // One result per dispatched chunk: bounded by the slots, so unbounded here.
        let (results_tx, results_rx) = unbounded::<StageMessage>();
        let (slots_tx, slots_rx) = bounded::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = slots_tx.send(());
        }
        let (recycle_tx, recycle_rx) = unbounded::<Vec<u8>>();
        // One encoded row group may wait for the writer while the next is being encoded.
        let (writer_tx, writer_rx) = bounded::<WriterMessage>(1);
        let pool = match Pool::start(scope, threads) {
            Ok(pool) => pool,
            Err(e) => {
                let error = Error::Internal(format!("cannot start the worker pool: {e}"));
                return (Ok(()), Err(OrderStop::Failed(error)), Ok(None), 0);
            }
        };

        let writer_metrics = Arc::clone(&metrics);
        let writer = std::thread::Builder::new()
            .name("parquet-writer".into())
            .spawn_scoped(scope, move || {
                writer::run(writer_rx, spec, first_file, writer_metrics)
            });
        let in_order = InOrder {
            settings: &settings.pipeline,
            encoder,
            pool: pool.clone(),
            to_writer: writer_tx,
            rejects: &mut rejects,
            input_name,
            metrics: &metrics,
            unmapped: BTreeMap::new(),
            copyright: None,
            // Row groups close by the bytes of the stream the pipeline reads.
            group_start: relocation.shift,
            output: &output_path,
            limits: options.file_limits,
            file: FileProgress::default(),
            group_accessions: None,
            pending: Vec::new(),
        };
        let stages_ref = &stages;
        let ordering = std::thread::Builder::new()
            .name("in-order".into())
            .spawn_scoped(scope, move || {
                let result = run_in_order(in_order, results_rx, slots_tx, stages_ref);
                if result.is_err() {
                    stages_ref.closing.store(true, Ordering::Relaxed);
                }
                result
            });
        let (writer, ordering) = match (writer, ordering) {
            (Ok(writer), Ok(ordering)) => (writer, ordering),
            (Err(e), _) | (_, Err(e)) => {
                let error = Error::Internal(format!("cannot start a pipeline thread: {e}"));
                return (Ok(()), Err(OrderStop::Failed(error)), Ok(None), 0);
            }
        };

        let mut chunk_reader = ChunkReader::new(
            input,
            settings.pipeline.chunk_bytes,
            &settings.parser,
            &recycle_rx,
        )
        .relocated(relocation);
        let read = stages.read_all(
            &mut chunk_reader,
            &pool,
            &slots_rx,
            &results_tx,
            &recycle_tx,
        );
        if read.is_ok() {
            let chunks = Metrics::get(&metrics.chunks_dispatched);
            let _ = results_tx.send(StageMessage::End { chunks });
        } else {
            stages.closing.store(true, Ordering::Relaxed);
        }
        drop(results_tx);
        let ordered = ordering
            .join()
            .unwrap_or_else(|_| Err(OrderStop::Failed(panicked("in-order"))));
        let written = writer
            .join()
            .map(|r| r.map(Some))
            .unwrap_or_else(|_| Err(Error::Internal("the writer thread panicked".into())));
        (read, ordered, written, chunk_reader.xml_bytes)
    });

    let rejected = rejects.count();
    let rejects_path = rejects.path().to_owned();
    let rejects_file = rejects.finish().map_err(|e| Error::Rejects {
        path: rejects_path,
        message: e.to_string(),
    });
    let (files, (unmapped, copyright)) = match (read, ordered, written) {
        (Err(ReaderStop::Interrupted), _, _) => return Err(interrupted(&options.quit, &metrics)),
        (_, Err(OrderStop::Failed(e)), _) => return Err(e),
        (_, _, Err(e)) => return Err(e),
        (_, Err(OrderStop::WriterGone | OrderStop::ReaderStopped), Ok(_)) | (_, _, Ok(None)) => {
            return Err(writer::abandoned(&output_path))
        }
        (_, Ok(finished), Ok(Some(files))) => (files, finished),
    };
    let rejects_file = rejects_file?;
    if options.quit.requested().is_some() {
        // A signal that arrived after the last entry still stops the run before the rename.
        return Err(interrupted(&options.quit, &metrics));
    }
    let files = files
        .into_iter()
        .map(writer::WrittenFile::persist)
        .collect::<Result<Vec<_>>>()?;
    Ok(Summary {
        entries: Metrics::get(&metrics.entries),
        batches: Metrics::get(&metrics.batches),
        xml_bytes,
        output_bytes: files.iter().map(|f| f.bytes).sum(),
        row_groups: files.iter().map(|f| f.row_groups).sum(),
        files,
        copyright,
        elapsed: started.elapsed(),
        unmapped,
        output: output_path,
        rejected,
        rejects_file,
        threads,
    })
}

fn interrupted(quit: &QuitFlag, metrics: &Metrics) -> Error {
    Error::Interrupted {
        signal: quit.requested().unwrap_or(0),
        entries: Metrics::get(&metrics.entries),
    }
}

fn panicked(stage: &str) -> Error {
    Error::Internal(format!("the {stage} stage panicked"))
}

/// What the parse workers and the reader tell the in-order stage.
enum StageMessage {
    /// A parsed chunk, or why it could not be parsed.
    Chunk(u64, Result<ParsedChunk>),
    /// The reader dispatched every chunk of the input: this many.
    End {
        /// Chunks dispatched.
        chunks: u64,
    },
}

/// What every stage shares: names, settings, counters and the stop signals.
struct Stages {
    input_name: Arc<str>,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
    /// Set when a stage failed: work still queued is skipped.
    closing: Arc<AtomicBool>,
    quit: QuitFlag,
}

impl Stages {
    /// The reader stage, on the caller's thread: every chunk takes a slot and becomes a parse
    /// job on the pool.
    fn read_all<R: BufRead>(
        &self,
        chunk_reader: &mut ChunkReader<'_, R>,
        pool: &Pool,
        slots: &Receiver<()>,
        results: &Sender<StageMessage>,
        recycle: &Sender<Vec<u8>>,
    ) -> std::result::Result<(), ReaderStop> {
        let metrics = &self.metrics;
        let reading = Instant::now();
        let dispatch = |chunk: Chunk| {
            let waiting = Instant::now();
            let slot = slots.recv();
            Metrics::add_duration(&metrics.reader_blocked_nanos, waiting.elapsed());
            if slot.is_err() || self.closing.load(Ordering::Relaxed) {
                return Err(ReaderStop::Closed);
            }
            Metrics::add(&metrics.chunks_dispatched, 1);
            metrics
                .chunks_in_flight_peak
                .fetch_max(metrics.chunks_in_flight(), Ordering::Relaxed);
            let job = ParseJob {
                chunk,
                input_name: Arc::clone(&self.input_name),
                settings: Arc::clone(&self.settings),
                metrics: Arc::clone(metrics),
                closing: Arc::clone(&self.closing),
                results: results.clone(),
                recycle: recycle.clone(),
            };
            pool.parse(Box::new(move || job.run()));
            Ok(())
        };
        let quit = &self.quit;
        let read = chunk_reader.run(dispatch, || quit.requested().is_some());
        let blocked = Duration::from_nanos(Metrics::get(&metrics.reader_blocked_nanos));
        Metrics::add_duration(
            &metrics.read_nanos,
            reading.elapsed().saturating_sub(blocked),
        );
        read
    }
}

/// One chunk to parse, with what the job needs to report back.
struct ParseJob {
    chunk: Chunk,
    input_name: Arc<str>,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
    closing: Arc<AtomicBool>,
    results: Sender<StageMessage>,
    recycle: Sender<Vec<u8>>,
}

impl ParseJob {
    /// Parses the chunk (unless the pipeline is closing) and sends the result.
    fn run(self) {
        if self.closing.load(Ordering::Relaxed) {
            return;
        }
        let started = Instant::now();
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            worker::parse_chunk(&self.chunk, &self.input_name, &self.settings.parser)
        }))
        .unwrap_or_else(|_| Err(panicked("parse")));
        Metrics::add_duration(&self.metrics.parse_nanos, started.elapsed());
        let _ = self
            .results
            .send(StageMessage::Chunk(self.chunk.seq, parsed));
        let _ = self.recycle.send(self.chunk.data);
    }
}

/// The in-order stage's loop: reorders results, hands each chunk to [`InOrder::take`] and frees
/// its slot, and finishes once the reader's `End` and every chunk arrived.
fn run_in_order(
    mut in_order: InOrder<'_>,
    results: Receiver<StageMessage>,
    slots: Sender<()>,
    stages: &Stages,
) -> std::result::Result<(BTreeMap<String, u64>, Option<String>), OrderStop> {
    let metrics = &stages.metrics;
    let mut waiting: BTreeMap<u64, Result<ParsedChunk>> = BTreeMap::new();
    let mut next = 0u64;
    let mut total = None;
    while total != Some(next) {
        let blocked = Instant::now();
        let message = results.recv();
        Metrics::add_duration(&metrics.order_blocked_nanos, blocked.elapsed());
        match message {
            Ok(StageMessage::Chunk(seq, parsed)) => {
                waiting.insert(seq, parsed);
            }
            Ok(StageMessage::End { chunks }) => total = Some(chunks),
            Err(_) => return Err(OrderStop::ReaderStopped),
        }
        let mut taken = 0;
        while let Some(parsed) = waiting.remove(&next) {
            next += 1;
            if stages.quit.requested().is_some() {
                return Err(OrderStop::Failed(interrupted(&stages.quit, metrics)));
            }
            in_order.take(parsed.map_err(OrderStop::Failed)?)?;
            Metrics::add(&metrics.chunks_taken, 1);
            taken += 1;
        }
        // The slots come free once the chunks' rows are encoded: until then they hold memory.
        in_order.flush()?;
        for _ in 0..taken {
            let _ = slots.send(());
        }
    }
    in_order.finish()
}
