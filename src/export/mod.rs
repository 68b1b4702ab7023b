//! `export`: Parquet back to UniProt XML — the converter's inverse, streaming and parallel.
//!
//! ```text
//! source (file | dataset: manifest verified, parts in order; footers read, schemas checked)  source.rs
//!   → caller's thread: one job per row group, in row order, handed to a free worker
//!   → "export-worker-N" (`threads`): decode the row group DECODE_ROWS rows at a time
//!       (only this schema's columns), conform each batch (table::conform), read entries
//!       (table::read) and write them as XML (xml.rs), cut into pieces of ~chunk_bytes,
//!       each compressed on its own (output.rs); pieces go down the job's own queue
//!   → "xml-writer": drains the jobs' queues in row order into the output              output.rs
//!   → temporary file renamed onto the output path once the whole document is written
//! ```
//!
//! A job's queue holds one piece, so a worker ahead of the writer waits: memory is bounded by
//! `threads` × (one decoded batch + two pieces), whatever the input's size; the pieces are cut
//! by the settings alone, so the output bytes do not depend on the thread count. A failed stage
//! closes the others; nothing is left at the output path.

pub mod output;
pub mod source;
pub mod xml;

use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::Array;
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use self::output::Output;
pub use self::output::XmlCompression;
use self::source::{Source, SourceFile};
use crate::config::Settings;
use crate::error::{Error, Result, StorageError};
use crate::interrupt::QuitFlag;
use crate::pipeline::metrics::{Metrics, StageClock, StageTimer};
use crate::pipeline::stop::{panicked, StopSignals};
use crate::table::conform;
use crate::table::model::EntryArrays;
use crate::table::read::ColumnReader;

/// Rows decoded from Parquet at a time (one Arrow batch per worker in memory).
pub const DECODE_ROWS: usize = 1024;

/// The `<copyright>` text written when the source recorded none: the statement of current
/// releases.
pub const CURRENT_COPYRIGHT: &str = "\nCopyrighted by the UniProt Consortium, see https://www.uniprot.org/terms\nDistributed under the Creative Commons Attribution (CC BY 4.0) License\n";

/// One export: what to read, where to write, how.
#[derive(Debug, Clone)]
pub struct ExportJob {
    /// A Parquet file of this schema, or a dataset directory.
    pub input: PathBuf,
    /// The XML document to write, or `-` for stdout.
    pub output: PathBuf,
    /// How to compress it.
    pub compression: XmlCompression,
    /// Threads (`pipeline.threads`) and piece size (`pipeline.chunk_bytes`).
    pub settings: Settings,
    /// Set by SIGINT/SIGTERM: stops the export, leaving nothing at the output path.
    pub quit: QuitFlag,
}

/// What an export did besides its figures (which [`Metrics`] holds).
#[derive(Debug, Clone)]
pub struct ExportOutcome {
    /// Parquet files read.
    pub files: usize,
    /// Row groups read.
    pub row_groups: usize,
    /// Columns of the input that are not of this schema, ignored.
    pub extra_columns: Vec<String>,
    /// Whether the input recorded its document's `<copyright>` (else [`CURRENT_COPYRIGHT`]).
    pub copyright_recorded: bool,
    /// Element and attribute paths the converted documents had and the format does not keep.
    pub unmapped: std::collections::BTreeMap<String, u64>,
}

/// One row group to turn into XML: the `seq`-th of the document.
struct RowGroupJob {
    file: Arc<SourceFile>,
    row_group: usize,
    pieces: Sender<Result<Vec<u8>>>,
}

/// Exports `source` (opened from `job.input` by [`source::open`]) into `job.output`: every
/// row as one `<entry>`, in row order.
pub fn export(source: &Source, job: &ExportJob, metrics: &Arc<Metrics>) -> Result<ExportOutcome> {
    for column in &source.extra_columns {
        log::info!("column {column} is not of this schema: ignored");
    }
    let mut output = Output::create(&job.output)?;
    let copyright = match &source.copyright {
        Some(recorded) => recorded.as_deref(),
        None => Some(CURRENT_COPYRIGHT),
    };
    if !source.unmapped.is_empty() {
        log::warn!(
            "the converted documents had {} element/attribute path(s) the format does not keep; the XML cannot give them back:",
            source.unmapped.len()
        );
        for (path, count) in &source.unmapped {
            log::warn!("  {path}: {count}");
        }
    }
    let compression = job.compression;
    let header = compression
        .compress(xml::DOCUMENT_HEADER.as_bytes().to_vec())
        .map_err(|e| crate::writer::write_error(&job.output, "cannot compress the XML", e))?;
    output.write(&header)?;
    Metrics::add(&metrics.xml_bytes, xml::DOCUMENT_HEADER.len() as u64);

    let signals = StopSignals::new(job.quit.clone());
    let threads = job.settings.pipeline.effective_threads().max(1);
    let piece_bytes = job.settings.pipeline.chunk_bytes.max(1);
    let (work_tx, work_rx) = bounded::<RowGroupJob>(0);
    let (order_tx, order_rx) = unbounded::<Receiver<Result<Vec<u8>>>>();
    let files: Vec<Arc<SourceFile>> = source.files.iter().cloned().map(Arc::new).collect();

    let written = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|n| {
                let work_rx = work_rx.clone();
                let signals = signals.clone();
                std::thread::Builder::new()
                    .name(format!("export-worker-{n}"))
                    .spawn_scoped(scope, move || {
                        for job in work_rx {
                            if signals.closing() {
                                break;
                            }
                            let sent = run_job(&job, compression, piece_bytes, &signals, metrics);
                            if let Err(e) = sent {
                                signals.close();
                                let _ = job.pieces.send(Err(e));
                            }
                        }
                    })
            })
            .collect();
        drop(work_rx);
        let writer = std::thread::Builder::new()
            .name("xml-writer".into())
            .spawn_scoped(scope, || {
                write_in_order(order_rx, &mut output, &signals, metrics)
            });
        let dispatched = dispatch(&files, work_tx, order_tx, &signals, metrics);
        let written = match writer {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(panicked("xml-writer"))),
            Err(e) => Err(Error::Internal(format!("cannot start the XML writer: {e}"))),
        };
        for worker in workers.into_iter().flatten() {
            if worker.join().is_err() {
                return Err(panicked("export-worker"));
            }
        }
        dispatched.and(written)
    });
    if let Some(signal) = job.quit.requested() {
        return Err(Error::Interrupted {
            signal,
            entries: Metrics::get(&metrics.entries),
        });
    }
    written?;
    let footer = document_footer(copyright);
    let compressed = compression
        .compress(footer.clone().into_bytes())
        .map_err(|e| crate::writer::write_error(&job.output, "cannot compress the XML", e))?;
    output.write(&compressed)?;
    Metrics::add(&metrics.xml_bytes, footer.len() as u64);
    let bytes = Metrics::timed(&metrics.write_nanos, || output.finish())?;
    metrics
        .output_bytes
        .store(bytes, std::sync::atomic::Ordering::Relaxed);
    Ok(ExportOutcome {
        files: source.files.len(),
        row_groups: source.files.iter().map(|f| f.row_groups()).sum(),
        extra_columns: source.extra_columns.clone(),
        copyright_recorded: source.copyright.is_some(),
        unmapped: source.unmapped.clone(),
    })
}

/// The end of a document: the `<copyright>` (when it has one) and the root's end tag.
pub fn document_footer(copyright: Option<&str>) -> String {
    let mut footer = String::new();
    if let Some(copyright) = copyright {
        footer.push_str("<copyright>");
        xml::escape_text(&mut footer, copyright);
        footer.push_str("</copyright>\n");
    }
    footer.push_str(xml::DOCUMENT_FOOTER);
    footer
}

/// Hands every row group, in order, to a free worker, its queue first to the writer.
fn dispatch(
    files: &[Arc<SourceFile>],
    work: Sender<RowGroupJob>,
    order: Sender<Receiver<Result<Vec<u8>>>>,
    signals: &StopSignals,
    metrics: &Metrics,
) -> Result<()> {
    for file in files {
        for row_group in 0..file.row_groups() {
            if signals.closing() || signals.quit_requested() {
                return Ok(());
            }
            let (pieces, taken) = bounded(1);
            if order.send(taken).is_err() {
                return Ok(());
            }
            let job = RowGroupJob {
                file: Arc::clone(file),
                row_group,
                pieces,
            };
            if work.send(job).is_err() {
                return Ok(());
            }
            Metrics::add(&metrics.chunks_dispatched, 1);
        }
    }
    Ok(())
}

/// Decodes one row group and sends its XML, piece by piece, down its queue.
fn run_job(
    job: &RowGroupJob,
    compression: XmlCompression,
    piece_bytes: usize,
    signals: &StopSignals,
    metrics: &Metrics,
) -> Result<()> {
    let path = &job.file.path;
    let read_error = |what: &'static str, source: StorageError| Error::Export {
        path: path.clone(),
        what,
        source,
    };
    let file = std::fs::File::open(path).map_err(|e| read_error("cannot open", e.into()))?;
    let compressed_bytes = job
        .file
        .metadata
        .metadata()
        .row_group(job.row_group)
        .compressed_size();
    let mut batches =
        ParquetRecordBatchReaderBuilder::new_with_metadata(file, job.file.metadata.clone())
            .with_projection(job.file.projection.clone())
            .with_row_groups(vec![job.row_group])
            .with_batch_size(DECODE_ROWS)
            .build()
            .map_err(|e| read_error("cannot read a row group", e.into()))?;
    let mut text = String::new();
    let send = |text: &mut String| -> Result<bool> {
        let xml = std::mem::take(text).into_bytes();
        Metrics::add(&metrics.xml_bytes, xml.len() as u64);
        let piece = compression
            .compress(xml)
            .map_err(|e| read_error("cannot compress the XML", e.into()))?;
        Ok(job.pieces.send(Ok(piece)).is_ok())
    };
    loop {
        if signals.closing() || signals.quit_requested() {
            return Ok(());
        }
        let batch = Metrics::timed(&metrics.parse_nanos, || batches.next());
        let Some(batch) = batch else { break };
        let batch = batch.map_err(|e| read_error("cannot decode a row group", e.into()))?;
        let _timer = StageTimer::start(&metrics.encode_nanos);
        let entries =
            conform::conform(&batch).map_err(|e| read_error("cannot read the rows", e.into()))?;
        let rows = EntryArrays::new(&entries as &dyn Array, "")
            .map_err(|e| read_error("cannot read the rows", e.into()))?;
        for row in 0..entries.len() {
            xml::entry_xml(&rows.value(row), &mut text);
            if text.len() >= piece_bytes && !send(&mut text)? {
                return Ok(());
            }
        }
        Metrics::add(&metrics.entries, entries.len() as u64);
    }
    Metrics::add(&metrics.batches, 1);
    Metrics::add(&metrics.input_bytes, compressed_bytes.max(0) as u64);
    if !text.is_empty() {
        send(&mut text)?;
    }
    Ok(())
}

/// Writes the jobs' pieces in row order; the first error (a worker's, or the output's) ends it.
fn write_in_order(
    jobs: Receiver<Receiver<Result<Vec<u8>>>>,
    output: &mut Output,
    signals: &StopSignals,
    metrics: &Metrics,
) -> Result<()> {
    let mut clock = StageClock::start(&metrics.write_nanos, &metrics.writer_blocked_nanos);
    let result = (|| {
        while let Some(pieces) = clock.wait(|| jobs.recv().ok()) {
            while let Some(piece) = clock.wait(|| pieces.recv().ok()) {
                output.write(&piece?)?;
                metrics
                    .output_bytes
                    .store(output.bytes(), std::sync::atomic::Ordering::Relaxed);
            }
            Metrics::add(&metrics.chunks_taken, 1);
        }
        Ok(())
    })();
    if result.is_err() {
        signals.close();
    }
    result
}
