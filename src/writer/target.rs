//! Where the output goes and when a file is full: one file or a dataset unit's numbered parts
//! ([`Target`], with [`OutputSpec`], how to write them), the size limits at which a unit starts
//! its next part ([`FileLimits`]), and the errors of a failed write.

use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;

use super::parts::part_file_name;
use crate::config::ParquetSettings;
use crate::error::{Error, StorageError};

/// Size limits of one output file (a dataset part); `None` is unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileLimits {
    /// Most rows in one file: row groups are cut so that no file exceeds it.
    pub max_rows: Option<u64>,
    /// Most bytes of encoded row groups in one file (the footer comes on top): a row group
    /// that would pass it starts the next file; one larger than the limit gets a file alone.
    pub max_bytes: Option<u64>,
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
            Target::Parts { dir, unit } => dir.join(part_file_name(*unit, index)),
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
    /// The columns written: the output schema, or a projection of it.
    pub schema: SchemaRef,
}

/// The error of a writer stage whose input hung up before the document ended.
pub fn abandoned(path: &Path) -> Error {
    Error::Abandoned {
        path: path.to_owned(),
    }
}

/// A failed step of writing `path`.
pub fn write_error(path: &Path, what: &'static str, source: impl Into<StorageError>) -> Error {
    Error::Write {
        path: path.to_owned(),
        what,
        source: source.into(),
    }
}
