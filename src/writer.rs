//! The writer thread: receives row groups already encoded (by the pipeline's encode stage) and
//! appends them, in order, to a Parquet file at a temporary path beside the output.
//!
//! It never sees XML. Besides the pipeline's encode stage, this is the only module that
//! imports `parquet`. The temporary file is
//! renamed onto the output path only by [`WrittenFile::persist`], which the pipeline calls after
//! both threads succeeded; dropping a `WrittenFile` or failing midway removes the temporary
//! file, so a failed run never leaves (or clobbers) a file at the output path. The temporary
//! file's name carries the PID ([`tempfiles`]), so files of killed runs are cleaned next time.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression as ParquetCompression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use tempfile::NamedTempFile;

use crate::batch::EntryBatchBuilder;
use crate::config::{Compression, ParquetSettings};
use crate::error::{Error, Result, StorageError};
use crate::metrics::Metrics;
use crate::model::Entry;
use crate::{schema, tempfiles};

/// Buffer between the Parquet encoder and the file, in bytes.
const WRITE_BUFFER_BYTES: usize = 1024 * 1024;

/// What the in-order stage sends to the writer.
pub enum WriterMessage {
    /// The encoded column chunks of one row group, in schema order.
    RowGroup(Vec<ArrowColumnChunk>),
    /// The document ended well: close the file, recording its copyright text. Without it the
    /// writer abandons its work.
    Finish {
        /// The document's `<copyright>` text.
        copyright: Option<String>,
    },
}

/// Where and how to write.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    /// Final path of the Parquet file.
    pub path: PathBuf,
    /// Encoding settings.
    pub parquet: ParquetSettings,
    /// Largest number of rows in one row group (the batch size).
    pub max_row_group_rows: usize,
    /// Input name recorded in the file's metadata.
    pub input_name: String,
}

/// A finished Parquet file still at its temporary path.
#[derive(Debug)]
pub struct WrittenFile {
    temp: NamedTempFile,
    path: PathBuf,
    /// Bytes in the file.
    pub bytes: u64,
    /// Row groups written.
    pub row_groups: usize,
    /// Rows written.
    pub rows: u64,
}

impl WrittenFile {
    /// Syncs the file and renames it onto the output path (atomic on one file system).
    pub fn persist(self) -> Result<PathBuf> {
        let path = self.path;
        let fail = |what, e: std::io::Error| write_error(&path, what, e);
        self.temp
            .as_file()
            .sync_all()
            .map_err(|e| fail("cannot sync the temporary file", e))?;
        self.temp
            .persist(&path)
            .map_err(|e| fail("cannot rename the temporary file into place", e.error))?;
        Ok(path)
    }
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

/// An open Parquet file at its temporary path, receiving encoded row groups.
pub struct ParquetFile {
    temp: NamedTempFile,
    writer: SerializedFileWriter<BufWriter<File>>,
    path: PathBuf,
}

impl ParquetFile {
    /// Creates the temporary file beside `spec.path` (removing those of dead runs) and the
    /// factory of column writers for its row groups.
    pub fn create(spec: &OutputSpec) -> Result<(ParquetFile, ArrowRowGroupWriterFactory)> {
        let dir = match spec.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = spec
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        for stale in tempfiles::remove_stale(&dir, &file_name) {
            log::warn!(
                "removed {}, left by a conversion that died",
                stale.display()
            );
        }
        let prefix = tempfiles::temp_prefix(&file_name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(tempfiles::TEMP_SUFFIX);
        // The output is an ordinary file: readable as the umask allows, not the 0600 of temp files.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder
            .tempfile_in(&dir)
            .map_err(|e| write_error(&spec.path, "cannot create the temporary file", e))?;
        let file = temp
            .reopen()
            .map_err(|e| write_error(&spec.path, "cannot open the temporary file", e))?;
        // ArrowWriter sets up the Parquet schema and the embedded Arrow schema exactly as for a
        // sequential write; its parts then take row groups encoded elsewhere.
        let (writer, factory) = ArrowWriter::try_new(
            BufWriter::with_capacity(WRITE_BUFFER_BYTES, file),
            schema::schema(),
            Some(writer_properties(spec)),
        )
        .and_then(ArrowWriter::into_serialized_writer)
        .map_err(|e| write_error(&spec.path, "cannot start the Parquet file", e))?;
        let file = ParquetFile {
            temp,
            writer,
            path: spec.path.clone(),
        };
        Ok((file, factory))
    }
}

/// Runs the writer until `Finish` (success) or a closed channel (abandoned): appends each row
/// group's encoded column chunks to the file, in the order received.
pub fn run(
    rx: Receiver<WriterMessage>,
    file: ParquetFile,
    metrics: Arc<Metrics>,
) -> Result<WrittenFile> {
    let ParquetFile {
        temp,
        mut writer,
        path,
    } = file;
    loop {
        let waiting = Instant::now();
        let message = rx.recv();
        Metrics::add_duration(&metrics.writer_blocked_nanos, waiting.elapsed());
        let working = Instant::now();
        match message {
            Ok(WriterMessage::RowGroup(chunks)) => {
                let fail = |e| write_error(&path, "cannot append a row group", e);
                let mut row_group = writer.next_row_group().map_err(fail)?;
                for chunk in chunks {
                    chunk.append_to_row_group(&mut row_group).map_err(fail)?;
                }
                row_group.close().map_err(fail)?;
                metrics.output_bytes.store(
                    writer.bytes_written() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                Metrics::add_duration(&metrics.write_nanos, working.elapsed());
            }
            Ok(WriterMessage::Finish { copyright }) => {
                if let Some(copyright) = copyright {
                    writer.append_key_value_metadata(KeyValue::new(
                        "uniprot_etl.copyright".to_owned(),
                        copyright,
                    ));
                }
                let row_groups = writer.flushed_row_groups().len();
                let rows = writer
                    .flushed_row_groups()
                    .iter()
                    .map(|rg| rg.num_rows() as u64)
                    .sum();
                let fail = |e| write_error(&path, "cannot finish the Parquet file", e);
                let buffered = writer.into_inner().map_err(fail)?;
                let file = buffered.into_inner().map_err(|e| {
                    write_error(&path, "cannot flush the Parquet file", e.into_error())
                })?;
                let bytes = file
                    .metadata()
                    .map_err(|e| write_error(&path, "cannot read the file size", e))?
                    .len();
                Metrics::add_duration(&metrics.write_nanos, working.elapsed());
                metrics
                    .output_bytes
                    .store(bytes, std::sync::atomic::Ordering::Relaxed);
                return Ok(WrittenFile {
                    temp,
                    path,
                    bytes,
                    row_groups,
                    rows,
                });
            }
            Err(_) => return Err(abandoned(&path)),
        }
    }
}

/// The Parquet writer properties of `spec`: codec, statistics, dictionaries, row-group size and
/// the file's key-value metadata (also what the benches encode with).
pub fn writer_properties(spec: &OutputSpec) -> WriterProperties {
    let settings = &spec.parquet;
    let compression = match settings.compression {
        Compression::None => ParquetCompression::UNCOMPRESSED,
        Compression::Snappy => ParquetCompression::SNAPPY,
        Compression::Zstd => {
            ParquetCompression::ZSTD(ZstdLevel::try_new(settings.zstd_level).unwrap_or_default())
        }
    };
    let statistics = if settings.statistics {
        EnabledStatistics::Page
    } else {
        EnabledStatistics::None
    };
    WriterProperties::builder()
        .set_compression(compression)
        .set_statistics_enabled(statistics)
        .set_dictionary_enabled(settings.dictionary)
        .set_max_row_group_row_count(Some(spec.max_row_group_rows))
        .set_created_by(format!("uniprot-etl {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(vec![
            KeyValue::new(
                schema::SCHEMA_VERSION_KEY.to_owned(),
                schema::SCHEMA_VERSION.to_string(),
            ),
            KeyValue::new(
                "uniprot_etl.tool_version".to_owned(),
                env!("CARGO_PKG_VERSION").to_owned(),
            ),
            KeyValue::new("uniprot_etl.input_file".to_owned(), spec.input_name.clone()),
        ]))
        .build()
}

/// Encodes `entries` as one Parquet file in memory, with `parquet` settings (fuzzing, tests).
pub fn encode_in_memory(entries: &[Entry], parquet: &ParquetSettings) -> Result<Vec<u8>> {
    let spec = OutputSpec {
        path: PathBuf::from("memory.parquet"),
        parquet: parquet.clone(),
        max_row_group_rows: entries.len().max(1),
        input_name: "memory".to_owned(),
    };
    let arrow = |e: serde_arrow::Error| write_error(&spec.path, "cannot build Arrow columns", e);
    let batch = EntryBatchBuilder::new()
        .map_err(arrow)?
        .build(entries)
        .map_err(arrow)?;
    let fail = |e| write_error(&spec.path, "cannot encode Parquet", e);
    let mut writer =
        ArrowWriter::try_new(Vec::new(), schema::schema(), Some(writer_properties(&spec)))
            .map_err(fail)?;
    writer.write(&batch).map_err(fail)?;
    writer.into_inner().map_err(fail)
}

/// Decodes a Parquet file held in memory back into entries (fuzzing, tests).
pub fn decode_in_memory(bytes: Vec<u8>) -> Result<Vec<Entry>> {
    decode(bytes::Bytes::from(bytes), Path::new("memory.parquet"))
}

/// Opens a finished Parquet file for reading back (verification and tests).
pub fn read_entries(path: &Path) -> Result<Vec<Entry>> {
    let file = File::open(path).map_err(|e| read_error(path, e))?;
    decode(file, path)
}

/// Reads every row group of a Parquet file back into entries; `path` names it in errors.
fn decode<R: parquet::file::reader::ChunkReader + 'static>(
    source: R,
    path: &Path,
) -> Result<Vec<Entry>> {
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(source)
        .and_then(|builder| builder.build())
        .map_err(|e| read_error(path, e))?;
    let mut entries = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| read_error(path, parquet::errors::ParquetError::from(e)))?;
        entries.extend(crate::batch::entries_from_batch(&batch).map_err(|e| read_error(path, e))?);
    }
    Ok(entries)
}

/// A failure reading `path` back.
fn read_error(path: &Path, source: impl Into<StorageError>) -> Error {
    Error::ReadBack {
        path: path.to_owned(),
        source: source.into(),
    }
}
