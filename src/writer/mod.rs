//! The writer thread: receives row groups already encoded (by the pipeline's encode stage) and
//! appends them, in order, to Parquet files at temporary paths beside their final names — one
//! file, or the numbered parts of a dataset unit rolled over where the in-order stage says.
//!
//! It never sees XML. Besides the pipeline's encode stage, this is the only module that
//! imports `parquet`. The files are renamed onto their final paths only by
//! [`WrittenFile::persist`], which the pipeline calls after every stage succeeded ([`file`]).
//! [`readback`] holds the read-back and in-memory codecs for verification, tests and fuzzing.

mod file;
mod readback;
pub mod tempfiles;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;
use parquet::arrow::arrow_writer::ArrowColumnChunk;

pub use self::file::{
    column_writer_factory, list_leaf_columns, writer_properties, FileFacts, ParquetFile,
    WrittenFile,
};
pub use self::readback::encode_in_memory;
#[cfg(feature = "readback")]
pub use self::readback::{decode_in_memory, read_entries};
use crate::config::ParquetSettings;
use crate::error::{Error, Result, StorageError};
use crate::ledger::metrics::Metrics;

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

/// Where the rows go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One Parquet file.
    File(PathBuf),
    /// The parts of one unit of a dataset: `DIR/part-UUUUU-FFFFF.parquet`.
    Parts {
        /// The dataset directory.
        dir: PathBuf,
        /// The unit's number.
        unit: u32,
    },
}

impl Target {
    /// The path named in errors: the file, or the dataset directory.
    pub fn path(&self) -> &Path {
        match self {
            Target::File(path) => path,
            Target::Parts { dir, .. } => dir,
        }
    }

    /// The final path of the `index`-th file written (from 0).
    pub fn file_path(&self, index: u32) -> PathBuf {
        match self {
            Target::File(path) => path.clone(),
            Target::Parts { dir, unit } => dir.join(crate::dataset::part_file_name(*unit, index)),
        }
    }
}

/// Where and how to write.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    /// The file, or the dataset parts.
    pub target: Target,
    /// Encoding settings.
    pub parquet: ParquetSettings,
    /// Largest number of rows in one row group (the batch size).
    pub max_row_group_rows: usize,
    /// Input name recorded in the files' metadata.
    pub input_name: String,
}

/// The error the writer returns when the parser hung up without `Finish`.
pub fn abandoned(path: &Path) -> Error {
    Error::Abandoned {
        path: path.to_owned(),
    }
}

/// A failed step of writing `path`.
fn write_error(path: &Path, what: &'static str, source: impl Into<StorageError>) -> Error {
    Error::Write {
        path: path.to_owned(),
        what,
        source: source.into(),
    }
}

/// The first file of `spec`, created before the conversion starts so that an unwritable
/// output fails at once.
pub fn create_first(spec: &OutputSpec) -> Result<ParquetFile> {
    ParquetFile::create(&spec.target.file_path(0), spec)
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
    metrics: Arc<Metrics>,
) -> Result<Vec<WrittenFile>> {
    let mut written: Vec<WrittenFile> = Vec::new();
    let mut current = first;
    let mut roll = false;
    let mut bytes_before = 0u64;
    loop {
        let waiting = Instant::now();
        let message = rx.recv();
        Metrics::add_duration(&metrics.writer_blocked_nanos, waiting.elapsed());
        let working = Instant::now();
        match message {
            Ok(WriterMessage::RowGroup(group)) => {
                if roll {
                    let path = spec.target.file_path(written.len() as u32 + 1);
                    let next = ParquetFile::create(&path, &spec)?;
                    let done = std::mem::replace(&mut current, next).finish(None)?;
                    bytes_before += done.facts.bytes;
                    written.push(done);
                    roll = false;
                }
                append(&mut current, group)?;
                metrics.output_bytes.store(
                    bytes_before + current.writer.bytes_written() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                Metrics::add_duration(&metrics.write_nanos, working.elapsed());
            }
            Ok(WriterMessage::NextFile) => roll = true,
            Ok(WriterMessage::Finish { copyright }) => {
                let done = current.finish(copyright)?;
                metrics.output_bytes.store(
                    bytes_before + done.facts.bytes,
                    std::sync::atomic::Ordering::Relaxed,
                );
                written.push(done);
                Metrics::add_duration(&metrics.write_nanos, working.elapsed());
                return Ok(written);
            }
            Err(_) => return Err(abandoned(spec.target.path())),
        }
    }
}

/// Appends one row group to `file` and folds its accession range into the file's.
fn append(file: &mut ParquetFile, group: EncodedRowGroup) -> Result<()> {
    let path = file.path().to_owned();
    let fail = |e| write_error(&path, "cannot append a row group", e);
    let mut row_group = file.writer.next_row_group().map_err(fail)?;
    for chunk in group.chunks {
        chunk.append_to_row_group(&mut row_group).map_err(fail)?;
    }
    row_group.close().map_err(fail)?;
    file.rows += group.rows;
    file.accessions = merge_ranges(file.accessions.take(), group.accessions);
    Ok(())
}

/// The smallest range covering both.
pub fn merge_ranges(
    a: Option<(String, String)>,
    b: Option<(String, String)>,
) -> Option<(String, String)> {
    match (a, b) {
        (Some((a_min, a_max)), Some((b_min, b_max))) => Some((a_min.min(b_min), a_max.max(b_max))),
        (a, b) => a.or(b),
    }
}
