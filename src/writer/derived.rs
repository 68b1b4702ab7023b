//! A Parquet file of a derived table (the isoforms beside the entries): record batches of any
//! schema appended in order through parquet's `ArrowWriter`, at a temporary path beside the
//! final name like every output file, renamed into place only by [`WrittenFile::persist`].
//!
//! Row groups close at `max_rows` rows or once the rows buffered since the last one take
//! `max_bytes` of memory, so the memory it holds is bounded by the settings.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use super::file::{
    compression, create_temp, FileFacts, HashingWriter, WrittenFile, WRITE_BUFFER_BYTES,
};
use super::target::write_error;
use crate::config::ParquetSettings;
use crate::error::Result;

/// An open derived-table file at its temporary path.
pub struct DerivedFile {
    temp: tempfile::NamedTempFile,
    writer: ArrowWriter<BufWriter<HashingWriter>>,
    path: PathBuf,
    rows: u64,
    max_bytes: u64,
}

impl DerivedFile {
    /// Creates the temporary file beside `path` for batches of `schema`, hashed as it is
    /// written when `hash` (a dataset's part). Statistics (chunk level) only for
    /// `filtered_columns`, the top-level columns readers filter on; a dictionary where the
    /// settings say, except for `unique_columns`, whose values never repeat.
    pub fn create(
        (path, hash): (&Path, bool),
        schema: SchemaRef,
        settings: &ParquetSettings,
        (filtered_columns, unique_columns): (&[&str], &[&str]),
        (max_rows, max_bytes): (usize, u64),
    ) -> Result<DerivedFile> {
        let (temp, file) = create_temp(path)?;
        let sink = BufWriter::with_capacity(WRITE_BUFFER_BYTES, HashingWriter::new(file, hash));
        let mut properties = WriterProperties::builder()
            .set_compression(compression(settings))
            .set_dictionary_enabled(settings.dictionary)
            .set_statistics_enabled(EnabledStatistics::None)
            .set_max_row_group_row_count(Some(max_rows.max(1)))
            .set_created_by(format!("uniprot-etl {}", env!("CARGO_PKG_VERSION")));
        if settings.statistics {
            for column in filtered_columns {
                properties = properties.set_column_statistics_enabled(
                    ColumnPath::from(*column),
                    EnabledStatistics::Chunk,
                );
            }
        }
        for column in unique_columns {
            properties = properties.set_column_dictionary_enabled(ColumnPath::from(*column), false);
        }
        let writer = ArrowWriter::try_new(sink, schema, Some(properties.build()))
            .map_err(|e| write_error(path, "cannot set up the Parquet encoder", e))?;
        Ok(DerivedFile {
            temp,
            writer,
            path: path.to_owned(),
            rows: 0,
            max_bytes,
        })
    }

    /// Appends `batch`; closes the row group in progress once it holds `max_bytes`.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let path = self.path.clone();
        let fail = |e: parquet::errors::ParquetError| write_error(&path, "cannot write Parquet", e);
        self.writer.write(batch).map_err(fail)?;
        self.rows += batch.num_rows() as u64;
        if self.writer.in_progress_size() as u64 >= self.max_bytes {
            self.writer.flush().map_err(fail)?;
        }
        Ok(())
    }

    /// Writes the footer; the file stays at its temporary path until persisted.
    pub fn finish(mut self) -> Result<WrittenFile> {
        let path = self.path;
        let fail = |e| write_error(&path, "cannot finish the Parquet file", e);
        self.writer.flush().map_err(fail)?;
        let row_groups = self.writer.flushed_row_groups().len();
        let mut buffered = self.writer.into_inner().map_err(fail)?;
        let fail = |e| write_error(&path, "cannot flush the Parquet file", e);
        buffered.flush().map_err(fail)?;
        let sink = buffered
            .into_inner()
            .map_err(|e| write_error(&path, "cannot flush the Parquet file", e.into_error()))?;
        let (bytes, sha256) = sink
            .finish()
            .map_err(|e| write_error(&path, "cannot read the file size", e))?;
        let facts = FileFacts {
            path,
            rows: self.rows,
            row_groups,
            bytes,
            sha256,
            accessions: None,
        };
        Ok(WrittenFile::new(self.temp, facts))
    }
}
