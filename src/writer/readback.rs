//! Parquet files read back into entries, and entries encoded in memory: for verification,
//! tests and fuzzing, never on the conversion path.

use std::path::PathBuf;

use parquet::arrow::ArrowWriter;

#[cfg(feature = "readback")]
pub use self::decode::{decode_in_memory, read_entries};
use super::file::writer_properties;
use super::target::{write_error, OutputSpec, Target};
use crate::config::ParquetSettings;
use crate::error::Result;
use crate::table::batch::EntryBatchBuilder;
use crate::table::model::Entry;
use crate::table::schema;

/// Encodes `entries` as one Parquet file in memory, with `parquet` settings (fuzzing, tests).
pub fn encode_in_memory(entries: &[Entry], parquet: &ParquetSettings) -> Result<Vec<u8>> {
    let path = PathBuf::from("memory.parquet");
    let spec = OutputSpec {
        target: Target::File(path.clone()),
        parquet: parquet.clone(),
        max_row_group_rows: entries.len().max(1),
        input_name: "memory".to_owned(),
        schema: schema::schema(),
    };
    let batch = EntryBatchBuilder::new()
        .build(entries)
        .map_err(|e| write_error(&path, "cannot build Arrow columns", e))?;
    let fail = |e| write_error(&path, "cannot encode Parquet", e);
    let mut writer =
        ArrowWriter::try_new(Vec::new(), schema::schema(), Some(writer_properties(&spec)))
            .map_err(fail)?;
    writer.write(&batch).map_err(fail)?;
    writer.into_inner().map_err(fail)
}

/// Parquet read back into model values (feature `readback`).
#[cfg(feature = "readback")]
mod decode {
    use std::fs::File;
    use std::path::Path;

    use crate::error::{Error, Result, StorageError};
    use crate::table::batch::entries_from_batch;
    use crate::table::model::Entry;

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
            let batch =
                batch.map_err(|e| read_error(path, parquet::errors::ParquetError::from(e)))?;
            entries.extend(entries_from_batch(&batch).map_err(|e| read_error(path, e))?);
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
}
