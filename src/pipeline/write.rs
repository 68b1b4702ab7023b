//! The writer stage, on the "parquet-writer" thread: takes encoded row groups from the in-order
//! stage, in order, and appends them to the output's files (`crate::writer`), starting the next
//! file where the in-order stage says. It never sees XML and never encodes. Beside it, with
//! `--isoforms`, the "isoforms-writer" thread ([`run_isoforms`]) appends the isoform rows to
//! their own file.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use crossbeam_channel::Receiver;
use parquet::arrow::arrow_writer::ArrowColumnChunk;

use super::metrics::{Metrics, StageClock};
use crate::error::Result;
use crate::isoform::IsoformCounts;
use crate::writer::{self, DerivedFile, OutputSpec, ParquetFile, WrittenFile};

/// What the in-order stage sends to the writer.
pub enum WriterMessage {
    /// One encoded row group.
    RowGroup(EncodedRowGroup),
    /// The next row group starts a new file (a dataset part reached its size limit).
    NextFile,
    /// The document ended well: close the last file, recording its copyright text. Without it
    /// the writer abandons its work.
    Finish {
        /// The document's `<copyright>` text.
        copyright: Option<String>,
        /// The element and attribute paths the parser did not map, with counts.
        unmapped: BTreeMap<String, u64>,
    },
}

/// The encoded column chunks of one row group, in schema order, with what the manifest needs.
pub struct EncodedRowGroup {
    /// The column chunks.
    pub chunks: Vec<ArrowColumnChunk>,
    /// Rows in the row group.
    pub rows: u64,
    /// Smallest and largest primary accession in it.
    pub accessions: Option<(String, String)>,
}

/// Runs the writer until `Finish` (success) or a closed channel (abandoned): appends each row
/// group to the current file (`first` to begin with), in the order received, and starts the
/// next file at the first row group after a `NextFile`. Returns every file written, still at
/// its temporary path, in order; at least one, so an input without entries still yields a
/// valid (empty) file.
pub fn run(
    rx: Receiver<WriterMessage>,
    spec: OutputSpec,
    first: ParquetFile,
    metrics: &Metrics,
) -> Result<Vec<WrittenFile>> {
    let mut clock = StageClock::start(&metrics.write_nanos, &metrics.writer_blocked_nanos);
    let mut written: Vec<WrittenFile> = Vec::new();
    let mut current = first;
    let mut roll = false;
    let mut bytes_before = 0u64;
    loop {
        match clock.wait(|| rx.recv()) {
            Ok(WriterMessage::RowGroup(group)) => {
                if roll {
                    let path = spec.target.file_path(written.len() as u32 + 1);
                    let next = ParquetFile::create(&path, &spec)?;
                    let done = std::mem::replace(&mut current, next).finish(None)?;
                    bytes_before += done.facts.bytes;
                    written.push(done);
                    roll = false;
                }
                current.append_row_group(group.chunks, group.rows, group.accessions)?;
                let bytes = bytes_before + current.bytes_written();
                metrics.output_bytes.store(bytes, Ordering::Relaxed);
            }
            Ok(WriterMessage::NextFile) => roll = true,
            Ok(WriterMessage::Finish {
                copyright,
                unmapped,
            }) => {
                let end = writer::DocumentEnd {
                    copyright,
                    unmapped,
                };
                let done = current.finish(Some(&end))?;
                let bytes = bytes_before + done.facts.bytes;
                metrics.output_bytes.store(bytes, Ordering::Relaxed);
                written.push(done);
                return Ok(written);
            }
            Err(_) => return Err(writer::abandoned(spec.target.path())),
        }
    }
}

/// One chunk's isoform rows and their counts, on their way to the isoforms writer.
pub type IsoformRows = (arrow::record_batch::RecordBatch, IsoformCounts);

/// Runs the isoforms writer until the in-order stage hangs up: appends every chunk's isoform
/// rows to `file`, in the order received, and adds up their counts. Returns the file, still
/// open at its temporary path: the conversion finishes it only when every stage succeeded.
pub fn run_isoforms(
    rx: Receiver<IsoformRows>,
    mut file: DerivedFile,
) -> Result<(DerivedFile, IsoformCounts)> {
    let mut counts = IsoformCounts::default();
    for (rows, chunk_counts) in rx {
        if rows.num_rows() > 0 {
            file.write(&rows)?;
        }
        counts.add(&chunk_counts);
    }
    Ok((file, counts))
}
