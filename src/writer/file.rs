//! One Parquet file on its way to disk: written at a temporary path beside its final name,
//! hashed as it is written, and renamed into place only by [`WrittenFile::persist`].
//!
//! Dropping a [`WrittenFile`] or failing midway removes the temporary file, so a failed run
//! never leaves (or clobbers) a file at the output path. The temporary file's name carries the
//! PID ([`tempfiles`]), so files of killed runs are cleaned the next time.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::arrow::arrow_writer::ArrowRowGroupWriterFactory;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression as ParquetCompression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::plan;
use super::target::{write_error, OutputSpec, Target};
use super::tempfiles;
use crate::config::{Compression, ParquetSettings};
use crate::error::Result;
use crate::table::schema;
use parquet::arrow::arrow_writer::ArrowColumnChunk;

/// Buffer between the Parquet encoder and the file, in bytes.
pub(super) const WRITE_BUFFER_BYTES: usize = 1024 * 1024;

/// What one finished Parquet file holds: the manifest's and the report's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// Final path.
    pub path: PathBuf,
    /// Rows written.
    pub rows: u64,
    /// Row groups written.
    pub row_groups: usize,
    /// Bytes in the file.
    pub bytes: u64,
    /// Hex SHA-256 of the file's bytes; computed for dataset parts only (their manifest needs
    /// it), so a single-file conversion does no hashing.
    pub sha256: Option<String>,
    /// Smallest and largest primary accession, when the file has rows.
    pub accessions: Option<(String, String)>,
}

/// A finished Parquet file still at its temporary path.
#[derive(Debug)]
pub struct WrittenFile {
    temp: NamedTempFile,
    /// What the file holds.
    pub facts: FileFacts,
}

impl WrittenFile {
    /// The finished file at `temp`, holding `facts`.
    pub(super) fn new(temp: NamedTempFile, facts: FileFacts) -> WrittenFile {
        WrittenFile { temp, facts }
    }

    /// Syncs the file and renames it onto its final path (atomic on one file system).
    pub fn persist(self) -> Result<FileFacts> {
        persist_temp(self.temp, &self.facts.path)?;
        Ok(self.facts)
    }
}

/// Syncs the temporary file `temp` and renames it onto `path` (atomic on one file system).
pub fn persist_temp(temp: NamedTempFile, path: &Path) -> Result<()> {
    let fail = |what, e: io::Error| write_error(path, what, e);
    temp.as_file()
        .sync_all()
        .map_err(|e| fail("cannot sync the temporary file", e))?;
    temp.persist(path)
        .map_err(|e| fail("cannot rename the temporary file into place", e.error))?;
    Ok(())
}

/// A `Write` that hashes what passes through (when asked), so a file's checksum costs no
/// second read.
pub(super) struct HashingWriter {
    file: File,
    hasher: Option<Sha256>,
}

impl HashingWriter {
    /// Writes to `file`, hashing when `hash`.
    pub(super) fn new(file: File, hash: bool) -> HashingWriter {
        HashingWriter {
            file,
            hasher: hash.then(Sha256::new),
        }
    }
}

impl HashingWriter {
    /// The bytes written to the file (its size) and, when hashed, their hex SHA-256.
    pub(super) fn finish(self) -> io::Result<(u64, Option<String>)> {
        let bytes = self.file.metadata()?.len();
        Ok((bytes, self.hasher.map(|h| format!("{:x}", h.finalize()))))
    }
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// An open Parquet file at its temporary path, receiving encoded row groups.
pub struct ParquetFile {
    temp: NamedTempFile,
    /// The Parquet writer; row groups are appended through it.
    pub(super) writer: SerializedFileWriter<BufWriter<HashingWriter>>,
    path: PathBuf,
    /// Rows appended so far.
    pub(super) rows: u64,
    /// Smallest and largest primary accession appended so far.
    pub(super) accessions: Option<(String, String)>,
}

/// The temporary file beside `path` (removing those of dead runs), and a handle to write it.
pub fn create_temp(path: &Path) -> Result<(NamedTempFile, File)> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let temp = tempfiles::create(&dir, &file_name)
        .map_err(|e| write_error(path, "cannot create the temporary file", e))?;
    let file = temp
        .reopen()
        .map_err(|e| write_error(path, "cannot open the temporary file", e))?;
    Ok((temp, file))
}

impl ParquetFile {
    /// Creates the temporary file beside `path` (removing those of dead runs).
    pub fn create(path: &Path, spec: &OutputSpec) -> Result<ParquetFile> {
        let (temp, file) = create_temp(path)?;
        let sink = HashingWriter::new(file, matches!(spec.target, Target::Parts { .. }));
        // ArrowWriter sets up the Parquet schema and the embedded Arrow schema exactly as for a
        // sequential write; its file writer then takes row groups encoded elsewhere.
        let (writer, _) = ArrowWriter::try_new(
            BufWriter::with_capacity(WRITE_BUFFER_BYTES, sink),
            Arc::clone(&spec.schema),
            Some(writer_properties(spec)),
        )
        .and_then(ArrowWriter::into_serialized_writer)
        .map_err(|e| write_error(path, "cannot start the Parquet file", e))?;
        Ok(ParquetFile {
            temp,
            writer,
            path: path.to_owned(),
            rows: 0,
            accessions: None,
        })
    }

    /// Appends one row group: its encoded column chunks, in schema order, its `rows` and its
    /// accession range.
    pub fn append_row_group(
        &mut self,
        chunks: Vec<ArrowColumnChunk>,
        rows: u64,
        accessions: Option<(String, String)>,
    ) -> Result<()> {
        let path = self.path.clone();
        let fail = |e| write_error(&path, "cannot append a row group", e);
        let mut row_group = self.writer.next_row_group().map_err(fail)?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut row_group).map_err(fail)?;
        }
        row_group.close().map_err(fail)?;
        self.rows += rows;
        self.accessions = merge_ranges(self.accessions.take(), accessions);
        Ok(())
    }

    /// Bytes written to the file so far.
    pub fn bytes_written(&self) -> u64 {
        self.writer.bytes_written() as u64
    }

    /// Writes the footer and closes the file, still at its temporary path. The last file of a
    /// document records its `end` in the key-value metadata, so that `export` can give back
    /// the copyright (or its absence: the key without a value) and name the unmapped paths.
    pub fn finish(self, end: Option<&DocumentEnd>) -> Result<WrittenFile> {
        let ParquetFile {
            temp,
            mut writer,
            path,
            rows,
            accessions,
        } = self;
        if let Some(end) = end {
            writer.append_key_value_metadata(KeyValue {
                key: COPYRIGHT_KEY.to_owned(),
                value: end.copyright.clone(),
            });
            if !end.unmapped.is_empty() {
                let json = serde_json::to_string(&end.unmapped).unwrap_or_default();
                writer.append_key_value_metadata(KeyValue::new(UNMAPPED_KEY.to_owned(), json));
            }
        }
        let row_groups = writer.flushed_row_groups().len();
        let fail = |e| write_error(&path, "cannot finish the Parquet file", e);
        let buffered = writer.into_inner().map_err(fail)?;
        let sink = buffered
            .into_inner()
            .map_err(|e| write_error(&path, "cannot flush the Parquet file", e.into_error()))?;
        let bytes = sink
            .file
            .metadata()
            .map_err(|e| write_error(&path, "cannot read the file size", e))?
            .len();
        Ok(WrittenFile {
            temp,
            facts: FileFacts {
                path,
                rows,
                row_groups,
                bytes,
                sha256: sink.hasher.map(|h| format!("{:x}", h.finalize())),
                accessions,
            },
        })
    }
}

/// What the end of a document leaves in the metadata of its last file.
#[derive(Debug, Clone, Default)]
pub struct DocumentEnd {
    /// The document's `<copyright>` text; `None`: the document had none.
    pub copyright: Option<String>,
    /// The element and attribute paths the parser did not map, with counts.
    pub unmapped: BTreeMap<String, u64>,
}

/// The key-value metadata key under which a file keeps its document's `<copyright>` text
/// (`export` gives it back).
pub const COPYRIGHT_KEY: &str = "uniprot_etl.copyright";

/// The key-value metadata key under which a file keeps the element and attribute paths its
/// document had and the parser did not map (a JSON object of path to count).
pub const UNMAPPED_KEY: &str = "uniprot_etl.unmapped";

/// The factory of column writers for files written with `spec`'s properties. It depends only
/// on the schema and the properties, so one factory serves every file of a dataset.
pub fn column_writer_factory(spec: &OutputSpec) -> Result<ArrowRowGroupWriterFactory> {
    ArrowWriter::try_new(
        io::sink(),
        Arc::clone(&spec.schema),
        Some(writer_properties(spec)),
    )
    .and_then(ArrowWriter::into_serialized_writer)
    .map(|(_, factory)| factory)
    .map_err(|e| write_error(spec.target.path(), "cannot set up the Parquet encoder", e))
}

/// The Parquet writer properties of `spec`: codec, each column's dictionary and statistics
/// (the switches, lowered per column by the encoding plan), row-group size and the file's
/// key-value metadata (also what the benches encode with).
pub fn writer_properties(spec: &OutputSpec) -> WriterProperties {
    let settings = &spec.parquet;
    plan::apply(WriterProperties::builder(), settings)
        .set_compression(compression(settings))
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

/// The Parquet codec of `settings`.
pub(super) fn compression(settings: &ParquetSettings) -> ParquetCompression {
    match settings.compression {
        Compression::None => ParquetCompression::UNCOMPRESSED,
        Compression::Snappy => ParquetCompression::SNAPPY,
        Compression::Zstd => {
            ParquetCompression::ZSTD(ZstdLevel::try_new(settings.zstd_level).unwrap_or_default())
        }
    }
}

/// The first file of `spec`, created before the conversion starts so that an unwritable
/// output fails at once.
pub fn create_first(spec: &OutputSpec) -> Result<ParquetFile> {
    ParquetFile::create(&spec.target.file_path(0), spec)
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
