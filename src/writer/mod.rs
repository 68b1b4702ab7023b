//! Parquet files: the output's targets (one file, or a dataset unit's numbered parts, named by
//! [`parts`]), their properties, row groups appended to files at temporary paths beside their
//! final names ([`file`], [`tempfiles`]), and the size limits at which a unit starts its next
//! part, and the encoding [`plan`] of each column. The pipeline's writer stage (`pipeline::write`) drives these on its thread.
//!
//! It never sees XML, never starts a thread and never counts a figure. Besides the pipeline's
//! encode and write stages, this is the only module that imports `parquet`'s writer. The files are renamed
//! onto their final paths only by [`WrittenFile::persist`], which the pipeline calls after every
//! stage succeeded. [`readback`] holds the read-back and in-memory codecs for verification,
//! tests and fuzzing.

mod derived;
mod file;
mod parts;
pub mod plan;
mod readback;
mod target;
pub mod tempfiles;

pub use self::derived::DerivedFile;
pub use self::file::{
    column_writer_factory, create_first, create_temp, merge_ranges, persist_temp,
    writer_properties, DocumentEnd, FileFacts, ParquetFile, WrittenFile, COPYRIGHT_KEY,
    UNMAPPED_KEY,
};
pub use self::parts::{isoforms_part_name, parse_part_file_name, part_file_name, ISOFORMS_DIR};
pub use self::readback::encode_in_memory;
#[cfg(feature = "readback")]
pub use self::readback::{decode_in_memory, read_entries};
pub use self::target::{abandoned, write_error, FileLimits, OutputSpec, Target};
