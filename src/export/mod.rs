//! `export`: Parquet back to UniProt XML — the converter's inverse, streaming and parallel.
//!
//! ```text
//! source (file | dataset: manifest verified, parts in order; footers read, schemas checked)  source.rs
//!   → "parquet-reader" (the caller's thread): each row group decoded a batch of rows at a
//!       time (only this schema's columns; up to DECODE_ROWS, fewer when its rows are large:
//!       [`batch_rows`]), each batch numbered and sent once it holds a slot
//!   → "export-worker-N" (`threads`): conform the batch (table::conform), read its entries
//!       (table::read), write them as XML (xml.rs), compress the piece on its own (output.rs)
//!   → "xml-writer": pieces put back in batch order and written; each written piece frees its
//!       slot; a temporary file renamed onto the output path once the document is complete
//! ```
//!
//! `threads + channel_capacity` slots bound the batches in flight (decoded, being written as
//! XML, or waiting for their turn; plus the one being decoded, which waits for a slot), and a
//! batch holds about `chunk_bytes` of Parquet data (an estimate from the footer: `batch_rows`),
//! so memory follows the settings, never the size of the input; batches are cut by row groups, their footers' figures and the settings alone, so the
//! output bytes do not depend on the thread count. A failed stage closes the others; nothing is left at the output path.

pub mod output;
pub mod source;
pub mod xml;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{Array, RecordBatch};
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use parquet::file::metadata::RowGroupMetaData;

use self::output::Output;
pub use self::output::XmlCompression;
use self::source::{Source, SourceFile};
use crate::config::Settings;
use crate::error::{Error, Result, StorageError};
use crate::interrupt::QuitFlag;
use crate::pipeline::metrics::{Metrics, StageClock};
use crate::pipeline::stop::{panicked, StopSignals};
use crate::table::conform;
use crate::table::model::EntryArrays;
use crate::table::read::ColumnReader;

/// The most rows of one decoded batch (an Arrow batch of the rows being written as XML).
pub const DECODE_ROWS: usize = 512;

/// The rows of each batch decoded from `row_group`: as many as hold `budget` bytes of the
/// columns read (`projection`; their uncompressed Parquet size, by the row group's average
/// row), at least 1 and at most [`DECODE_ROWS`]. A file of huge entries is then decoded a few
/// rows at a time instead of 512, so a batch's memory follows `pipeline.chunk_bytes`, not the
/// size of the rows. An estimate: rows of uneven size, and values that decode larger than they
/// are encoded (dictionaries), can take a batch past it. Release entries average ~1.4 KB of
/// uncompressed Parquet, so the default 1 MiB gives DECODE_ROWS.
pub fn batch_rows(
    row_group: &RowGroupMetaData,
    projection: &ProjectionMask,
    budget: usize,
) -> usize {
    let rows = usize::try_from(row_group.num_rows()).unwrap_or(0).max(1);
    let bytes: u64 = (0..row_group.num_columns())
        .filter(|&leaf| projection.leaf_included(leaf))
        .map(|leaf| row_group.column(leaf).uncompressed_size().max(0) as u64)
        .sum();
    let row_bytes = usize::try_from(bytes)
        .unwrap_or(usize::MAX)
        .div_ceil(rows)
        .max(1);
    (budget / row_bytes).clamp(1, DECODE_ROWS)
}

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
    /// Threads (`pipeline.threads`), the batches in flight beyond one per thread
    /// (`pipeline.channel_capacity`) and the bytes of one batch (`pipeline.chunk_bytes`).
    pub settings: Settings,
    /// Set by SIGINT/SIGTERM: stops the export, leaving nothing at the output path.
    pub quit: QuitFlag,
}

/// What an export did besides its figures (which [`Metrics`] holds).
#[derive(Debug, Clone)]
pub struct ExportOutcome {
    /// Row groups read.
    pub row_groups: usize,
    /// Columns of the input that are not of this schema, ignored.
    pub extra_columns: Vec<String>,
    /// Whether the input recorded its document's `<copyright>` (else [`CURRENT_COPYRIGHT`]).
    pub copyright_recorded: bool,
    /// Element and attribute paths the converted documents had and the format does not keep.
    pub unmapped: std::collections::BTreeMap<String, u64>,
}

/// A decoded batch on its way to a worker: the `seq`-th of the document, from `path`.
struct BatchJob {
    seq: u64,
    path: Arc<PathBuf>,
    batch: RecordBatch,
}

/// A batch's XML (compressed), or why it has none.
type Piece = (u64, Result<Vec<u8>>);

/// Exports `source` (opened from `job.input` by [`source::open`]) into `job.output`: every
/// row as one `<entry>`, in row order.
pub fn export(source: &Source, job: &ExportJob, metrics: &Arc<Metrics>) -> Result<ExportOutcome> {
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
    let slots = threads + job.settings.pipeline.channel_capacity;
    let (work_tx, work_rx) = bounded::<BatchJob>(slots);
    let (piece_tx, piece_rx) = unbounded::<Piece>();
    let (free_tx, free_rx) = bounded::<()>(slots);
    for _ in 0..slots {
        let _ = free_tx.send(());
    }

    let written = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|n| {
                let work_rx = work_rx.clone();
                let piece_tx = piece_tx.clone();
                let signals = signals.clone();
                std::thread::Builder::new()
                    .name(format!("export-worker-{n}"))
                    .spawn_scoped(scope, move || {
                        for job in work_rx {
                            if signals.closing() {
                                break;
                            }
                            let piece = Metrics::timed(&metrics.encode_nanos, || {
                                catch_unwind(AssertUnwindSafe(|| {
                                    batch_xml(&job, compression, metrics)
                                }))
                                .unwrap_or_else(|_| Err(panicked("export-worker")))
                            });
                            if piece.is_err() {
                                signals.close();
                            }
                            if piece_tx.send((job.seq, piece)).is_err() {
                                break;
                            }
                        }
                    })
            })
            .collect();
        drop((work_rx, piece_tx));
        let writer = std::thread::Builder::new()
            .name("xml-writer".into())
            .spawn_scoped(scope, || {
                write_in_order(piece_rx, free_tx, &mut output, &signals, metrics)
            });
        let budget = job.settings.pipeline.chunk_bytes;
        let read = read_batches(&source.files, budget, work_tx, free_rx, &signals, metrics);
        if read.is_err() {
            // The workers and the writer stop at their next batch instead of finishing the
            // queued ones.
            signals.close();
        }
        let written = match writer {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(panicked("xml-writer"))),
            Err(e) => Err(Error::Internal(format!("cannot start the XML writer: {e}"))),
        };
        for worker in workers {
            let handle =
                worker.map_err(|e| Error::Internal(format!("cannot start a worker: {e}")))?;
            handle.join().map_err(|_| panicked("export-worker"))?;
        }
        let batches = read?;
        match written? {
            done if done == batches => Ok(()),
            _ if signals.quit_requested() => Ok(()),
            done => Err(Error::Internal(format!(
                "{done} of {batches} batches written"
            ))),
        }
    });
    if let Some(signal) = job.quit.requested() {
        return Err(Error::Interrupted {
            signal,
            entries: Metrics::get(&metrics.entries),
        });
    }
    written?;
    let footer = document_footer(copyright).ok_or_else(|| Error::Export {
        path: job.input.clone(),
        what: "cannot be UniProt XML",
        source: StorageError::Arrow(arrow::error::ArrowError::InvalidArgumentError(
            "its <copyright> holds a character XML 1.0 cannot carry".into(),
        )),
    })?;
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
        row_groups: source.files.iter().map(|f| f.row_groups()).sum(),
        extra_columns: source.extra_columns.clone(),
        copyright_recorded: source.copyright.is_some(),
        unmapped: source.unmapped.clone(),
    })
}

/// The end of a document: the `<copyright>` (when it has one) and the root's end tag; `None`
/// when the copyright holds a character XML 1.0 cannot carry.
pub fn document_footer(copyright: Option<&str>) -> Option<String> {
    let mut footer = String::new();
    if let Some(copyright) = copyright {
        footer.push_str("<copyright>");
        if !xml::escape_text(&mut footer, copyright) {
            return None;
        }
        footer.push_str("</copyright>\n");
    }
    footer.push_str(xml::DOCUMENT_FOOTER);
    Some(footer)
}

/// Decodes every row group of `files`, in order, into numbered batches of about `budget` bytes
/// ([`batch_rows`]) for the workers, each once a slot is free; returns how many it sent.
fn read_batches(
    files: &[SourceFile],
    budget: usize,
    work: Sender<BatchJob>,
    free: Receiver<()>,
    signals: &StopSignals,
    metrics: &Metrics,
) -> Result<u64> {
    let mut clock = StageClock::start(&metrics.read_nanos, &metrics.reader_blocked_nanos);
    let mut seq = 0;
    for file in files {
        let path = Arc::new(file.path.clone());
        let read_error = |what: &'static str, source: StorageError| Error::Export {
            path: file.path.clone(),
            what,
            source,
        };
        let handle =
            std::fs::File::open(&file.path).map_err(|e| read_error("cannot open", e.into()))?;
        for (index, row_group) in file.metadata.metadata().row_groups().iter().enumerate() {
            let handle = handle
                .try_clone()
                .map_err(|e| read_error("cannot open", e.into()))?;
            let mut batches =
                ParquetRecordBatchReaderBuilder::new_with_metadata(handle, file.metadata.clone())
                    .with_projection(file.projection.clone())
                    .with_row_groups(vec![index])
                    .with_batch_size(batch_rows(row_group, &file.projection, budget))
                    .build()
                    .map_err(|e| read_error("cannot read the row groups", e.into()))?;
            loop {
                // A panic of the decoder on a malformed file is an error of that file.
                let next = catch_unwind(AssertUnwindSafe(|| batches.next())).map_err(|_| {
                    let why = parquet::errors::ParquetError::General("the decoder panicked".into());
                    read_error("cannot decode a row group", why.into())
                })?;
                let Some(batch) = next else { break };
                let batch = batch.map_err(|e| read_error("cannot decode a row group", e.into()))?;
                if clock.wait(|| free.recv()).is_err()
                    || signals.closing()
                    || signals.quit_requested()
                {
                    return Ok(seq);
                }
                let job = BatchJob {
                    seq,
                    path: Arc::clone(&path),
                    batch,
                };
                if clock.wait(|| work.send(job)).is_err() {
                    return Ok(seq);
                }
                seq += 1;
                Metrics::add(&metrics.chunks_dispatched, 1);
            }
            // Per row group, so the progress bar moves within a file.
            Metrics::add(&metrics.batches, 1);
            Metrics::add(
                &metrics.input_bytes,
                row_group.compressed_size().max(0) as u64,
            );
        }
    }
    Ok(seq)
}

/// One batch's entries as XML, compressed as one piece.
fn batch_xml(job: &BatchJob, compression: XmlCompression, metrics: &Metrics) -> Result<Vec<u8>> {
    let read_error = |what: &'static str, source: StorageError| Error::Export {
        path: job.path.as_ref().clone(),
        what,
        source,
    };
    let entries =
        conform::conform(&job.batch).map_err(|e| read_error("cannot read the rows", e.into()))?;
    let rows = EntryArrays::new(&entries as &dyn Array, "")
        .map_err(|e| read_error("cannot read the rows", e.into()))?;
    let mut text = String::with_capacity(entries.len() * 4096);
    for row in 0..entries.len() {
        xml::checked_entry_xml(&rows.value(row), &mut text).map_err(|why| {
            let why = arrow::error::ArrowError::InvalidArgumentError(why);
            read_error("cannot be UniProt XML", why.into())
        })?;
    }
    Metrics::add(&metrics.xml_bytes, text.len() as u64);
    Metrics::add(&metrics.entries, entries.len() as u64);
    compression
        .compress(text.into_bytes())
        .map_err(|e| read_error("cannot compress the XML", e.into()))
}

/// Writes the pieces in batch order, freeing each one's slot once written; returns how many it
/// wrote. The first error (a worker's, or the output's) ends it.
fn write_in_order(
    pieces: Receiver<Piece>,
    free: Sender<()>,
    output: &mut Output,
    signals: &StopSignals,
    metrics: &Metrics,
) -> Result<u64> {
    let mut clock = StageClock::start(&metrics.write_nanos, &metrics.writer_blocked_nanos);
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    let result = (|| {
        while let Some((seq, piece)) = clock.wait(|| pieces.recv().ok()) {
            waiting.insert(seq, piece?);
            while let Some(piece) = waiting.remove(&next) {
                output.write(&piece)?;
                metrics
                    .output_bytes
                    .store(output.bytes(), std::sync::atomic::Ordering::Relaxed);
                Metrics::add(&metrics.chunks_taken, 1);
                next += 1;
                let _ = free.send(());
            }
        }
        Ok(next)
    })();
    if result.is_err() {
        signals.close();
    }
    result
}
