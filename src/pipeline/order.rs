//! The in-order stage: takes parsed chunks in input order and does everything that depends on
//! order — cutting rows into row groups, keeping rejects, merging the unmapped counts, keeping
//! the first `<copyright>`, forwarding the chunks' isoform rows — then hands each row group to
//! its [`RowSink`]: the encoder and the writer (a conversion), or the caller as one record
//! batch (a scan).
//!
//! Row groups close exactly where a single sequential read closed its batches: after
//! `batch_size` entries, or once the entries since the previous row group's last one cover
//! `batch_max_bytes` of XML. Chunk boundaries never show in the output, so a scan's batches
//! are the rows of a conversion's row groups.

use std::collections::BTreeMap;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use crossbeam_channel::{Receiver, Sender};

use super::encode::RowGroupEncoder;
use super::metrics::Metrics;
use super::pool::Pool;
use super::rejects::RejectsFile;
use super::stop::StopSignals;
use super::worker::{ParsedChunk, StageMessage};
use super::write::{EncodedRowGroup, IsoformRows, WriterMessage};
use crate::config::PipelineSettings;
use crate::error::Error;
use crate::writer::{merge_ranges, FileLimits};

/// Why the in-order stage stopped.
#[derive(Debug)]
pub enum OrderStop {
    /// Encoding failed or the rejects file could not be written.
    Failed(Error),
    /// The writer hung up (it failed; its error is reported instead), or the caller stopped
    /// taking batches.
    SinkGone,
    /// The reader stopped before the end of the input (its reason is reported instead).
    ReaderStopped,
}

/// The in-order stage's state across chunks.
pub struct InOrder<'a> {
    /// Batch limits that close row groups.
    pub settings: &'a PipelineSettings,
    /// Where finished row groups go.
    pub sink: RowSink,
    /// The worker pool, for encoding.
    pub pool: Pool,
    /// Where rejected entries are kept (a scan without a rejects file only counts them).
    pub rejects: Option<&'a mut RejectsFile>,
    /// Names the input in warnings.
    pub input_name: &'a str,
    /// Counters.
    pub metrics: &'a Metrics,
    /// Unmapped paths over all chunks so far.
    pub unmapped: BTreeMap<String, u64>,
    /// The first `<copyright>` of the document.
    pub copyright: Option<String>,
    /// Input offset where the row group in progress starts.
    pub group_start: u64,
    /// When to start the next output file.
    pub limits: FileLimits,
    /// Rows and bytes in the output file in progress.
    pub file: FileProgress,
    /// Rows taken but not yet encoded: encoded together by [`InOrder::flush`], in one call on
    /// the pool for all the chunks that were ready at once.
    pub pending: Vec<RecordBatch>,
    /// Where the chunks' isoform rows go, in input order (`convert --isoforms`).
    pub isoforms: Option<Sender<IsoformRows>>,
}

/// Where the in-order stage sends finished row groups.
pub enum RowSink {
    /// Encoded on the pool and appended by the writer stage.
    Parquet(ParquetSink),
    /// Sent to the caller as one record batch per row group, in order.
    Batches {
        /// The columns of every batch.
        schema: SchemaRef,
        /// Where batches go; bounded, so a slow caller holds the pipeline back.
        to_caller: Sender<RecordBatch>,
    },
}

/// The Parquet side of a conversion: the encoder, the writer's queue and what the writer's
/// files need to know.
pub struct ParquetSink {
    /// Encodes row groups on the pool.
    pub encoder: RowGroupEncoder,
    /// Finished row groups go here.
    pub to_writer: Sender<WriterMessage>,
    /// The output path, named in encoding errors.
    pub output: std::path::PathBuf,
    /// Smallest and largest primary accession of the row group in progress.
    pub group_accessions: Option<(String, String)>,
}

/// Rows and encoded bytes written into the current output file.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileProgress {
    rows: u64,
    bytes: u64,
}

impl InOrder<'_> {
    /// Takes the next chunk in input order.
    pub fn take(&mut self, chunk: ParsedChunk) -> Result<(), OrderStop> {
        for rejected in &chunk.rejected {
            log::warn!("{}: rejected entry: {}", self.input_name, rejected.error);
            if let Some(rejects) = self.rejects.as_deref_mut() {
                rejects.write(rejected).map_err(|e| {
                    OrderStop::Failed(Error::Rejects {
                        path: rejects.path().to_owned(),
                        source: e,
                    })
                })?;
            }
            Metrics::add(&self.metrics.rejected, 1);
        }
        for (path, count) in chunk.unmapped {
            *self.unmapped.entry(path).or_default() += count;
        }
        if self.copyright.is_none() {
            self.copyright = chunk.copyright;
        }
        if let (Some(to_writer), Some(isoforms)) = (&self.isoforms, chunk.isoforms) {
            send(self.metrics, to_writer, *isoforms)?;
        }
        let rows = chunk.rows.num_rows();
        let mut start = 0;
        // Rows of the row group in progress from earlier chunks (none after a close below).
        let mut earlier = self.rows_in_group();
        for (i, &end) in chunk.ends.iter().enumerate() {
            let in_group = earlier + (i + 1 - start);
            let bytes = end.saturating_sub(self.group_start);
            let file_full = self
                .limits
                .max_rows
                .is_some_and(|max| self.file.rows + in_group as u64 >= max);
            if in_group >= self.settings.batch_size
                || bytes >= self.settings.batch_max_bytes
                || file_full
            {
                self.queue(chunk.rows.slice(start, i + 1 - start));
                self.close_row_group()?;
                self.group_start = end;
                start = i + 1;
                earlier = 0;
            }
        }
        if start < rows {
            self.queue(chunk.rows.slice(start, rows - start));
        }
        Metrics::add(&self.metrics.entries, rows as u64);
        Ok(())
    }

    /// Closes the last row group and, for a conversion, tells the writer to finish the file.
    /// Returns the unmapped paths and the document's copyright text.
    pub fn finish(mut self) -> Result<(BTreeMap<String, u64>, Option<String>), OrderStop> {
        if self.rows_in_group() > 0 {
            self.close_row_group()?;
        }
        let copyright = self.copyright.clone();
        if let RowSink::Parquet(parquet) = &self.sink {
            let finish = WriterMessage::Finish {
                copyright: copyright.clone(),
                unmapped: self.unmapped.clone(),
            };
            send(self.metrics, &parquet.to_writer, finish)?;
        }
        Ok((self.unmapped, copyright))
    }

    /// Rows in the row group in progress, encoded or pending.
    fn rows_in_group(&self) -> usize {
        let encoded = match &self.sink {
            RowSink::Parquet(parquet) => parquet.encoder.rows(),
            RowSink::Batches { .. } => 0,
        };
        encoded
            + self
                .pending
                .iter()
                .map(RecordBatch::num_rows)
                .sum::<usize>()
    }

    fn queue(&mut self, rows: RecordBatch) {
        if let RowSink::Parquet(parquet) = &mut self.sink {
            let range = accession_range(&rows);
            parquet.group_accessions = merge_ranges(parquet.group_accessions.take(), range);
        }
        self.pending.push(rows);
    }

    /// Encodes the pending rows, in order, in one call on the pool (its jobs go before any
    /// queued parse job), one per batch of ready chunks and per row group, not one per chunk:
    /// each call waits for its slowest field. A scan keeps them until its row group closes.
    pub fn flush(&mut self) -> Result<(), OrderStop> {
        let RowSink::Parquet(parquet) = &mut self.sink else {
            return Ok(());
        };
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let written = parquet.encoder.write(&self.pool, pending);
        written.map_err(|e| parquet.failed(e))
    }

    fn close_row_group(&mut self) -> Result<(), OrderStop> {
        self.flush()?;
        Metrics::add(&self.metrics.batches, 1);
        match &mut self.sink {
            RowSink::Parquet(parquet) => {
                let rows = parquet.encoder.rows() as u64;
                let file = &mut self.file;
                parquet.close_row_group(&self.pool, rows, file, self.limits, self.metrics)
            }
            RowSink::Batches { schema, to_caller } => {
                let pending = std::mem::take(&mut self.pending);
                let batch = arrow::compute::concat_batches(schema, &pending)
                    .map_err(|e| OrderStop::Failed(Error::Internal(e.to_string())))?;
                send(self.metrics, to_caller, batch)
            }
        }
    }
}

impl ParquetSink {
    /// Encodes the row group's last columns and hands it to the writer, starting the next
    /// file before or after it where the file limits say.
    fn close_row_group(
        &mut self,
        pool: &Pool,
        rows: u64,
        file: &mut FileProgress,
        limits: FileLimits,
        metrics: &Metrics,
    ) -> Result<(), OrderStop> {
        let chunks = self.encoder.finish_row_group(pool);
        let chunks = chunks.map_err(|e| self.failed(e))?;
        let bytes: u64 = chunks
            .iter()
            .map(|chunk| chunk.close().metadata.compressed_size().max(0) as u64)
            .sum();
        // A row group that would take the file past its byte limit starts the next file
        // (unless the file is empty: a row group larger than the limit gets a file of its own).
        let over = limits
            .max_bytes
            .is_some_and(|max| file.rows > 0 && file.bytes + bytes > max);
        if over {
            *file = FileProgress::default();
            send(metrics, &self.to_writer, WriterMessage::NextFile)?;
        }
        file.rows += rows;
        file.bytes += bytes;
        let accessions = self.group_accessions.take();
        let group = EncodedRowGroup {
            chunks,
            rows,
            accessions,
        };
        send(metrics, &self.to_writer, WriterMessage::RowGroup(group))?;
        if limits.max_rows.is_some_and(|max| file.rows >= max) {
            *file = FileProgress::default();
            send(metrics, &self.to_writer, WriterMessage::NextFile)?;
        }
        Ok(())
    }

    fn failed(&self, error: parquet::errors::ParquetError) -> OrderStop {
        OrderStop::Failed(Error::Write {
            path: self.output.clone(),
            what: "cannot encode Parquet",
            source: error.into(),
        })
    }
}

/// Sends `message` down the stage's output queue, counting the wait as the in-order stage
/// blocked on its consumer.
fn send<T>(metrics: &Metrics, to: &Sender<T>, message: T) -> Result<(), OrderStop> {
    Metrics::timed(&metrics.encoder_blocked_nanos, || to.send(message))
        .map_err(|_| OrderStop::SinkGone)
}

/// The in-order stage's loop: reorders results, hands each chunk to [`InOrder::take`] and frees
/// its slot, and finishes once the reader's `End` and every chunk arrived. Returns the unmapped
/// paths and the document's copyright text.
pub fn run(
    mut in_order: InOrder<'_>,
    results: Receiver<StageMessage>,
    slots: Sender<()>,
    stop: &StopSignals,
) -> Result<(BTreeMap<String, u64>, Option<String>), OrderStop> {
    let metrics = in_order.metrics;
    let mut waiting: BTreeMap<u64, crate::error::Result<ParsedChunk>> = BTreeMap::new();
    let mut next = 0u64;
    let mut total = None;
    while total != Some(next) {
        match Metrics::timed(&metrics.order_blocked_nanos, || results.recv()) {
            Ok(StageMessage::Chunk(seq, parsed)) => {
                waiting.insert(seq, parsed);
            }
            Ok(StageMessage::End { chunks }) => total = Some(chunks),
            Err(_) => return Err(OrderStop::ReaderStopped),
        }
        let mut taken = 0;
        while let Some(parsed) = waiting.remove(&next) {
            next += 1;
            if stop.quit_requested() {
                return Err(OrderStop::Failed(stop.interrupted(metrics)));
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

/// Smallest and largest primary accession of `rows`.
fn accession_range(rows: &arrow::record_batch::RecordBatch) -> Option<(String, String)> {
    use arrow::array::AsArray;
    let column = rows.column_by_name("accession")?;
    let values: Box<dyn Iterator<Item = &str>> = match column.as_string_opt::<i32>() {
        Some(strings) => Box::new(strings.iter().flatten()),
        None => Box::new(column.as_string_opt::<i64>()?.iter().flatten()),
    };
    values
        .fold(None, |range, value| match range {
            None => Some((value, value)),
            Some((min, max)) => Some((min.min(value), max.max(value))),
        })
        .map(|(min, max)| (min.to_owned(), max.to_owned()))
}
