//! Beyond one file: shards of one input ([`shard`]), one input split into many documents
//! ([`split`]), and Parquet datasets — a directory of part files with a manifest
//! ([`manifest`]).
//!
//! A dataset is built from **units**, each the conversion of one input or one shard of an
//! input, run by this process or by any other (a Dask task, a Slurm job). A unit `U` writes
//! `part-UUUUU-FFFFF.parquet` (rolled over at `--max-file-rows` / `--max-file-bytes`; each
//! file complete or absent, by temp file and rename) and then its record
//! `_units/unit-UUUUU.json`; [`manifest::commit`] checks that the records cover every source
//! (all N shards, contiguous) and writes `_manifest.json` last, as the commit marker. Readers
//! that glob `*.parquet` or open the directory (pyarrow, Spark skip names starting with `_`
//! and `.`) see only finished parts. Converting a unit again replaces its parts; the manifest
//! is removed as soon as a unit starts, so a manifest always describes the files beside it.

pub mod manifest;
pub mod shard;
pub mod split;

use std::path::Path;

/// The dataset's commit marker, written last.
pub const MANIFEST_FILE: &str = "_manifest.json";

/// Directory of the units' records inside a dataset.
pub const UNITS_DIR: &str = "_units";

/// File name of unit `unit`'s record, inside [`UNITS_DIR`].
pub fn unit_record_name(unit: u32) -> String {
    format!("unit-{unit:05}.json")
}

/// The unit of a record's file name, if it is one.
pub fn parse_unit_record_name(name: &str) -> Option<u32> {
    name.strip_prefix("unit-")?
        .strip_suffix(".json")?
        .parse()
        .ok()
}

/// Whether `-o output` names a dataset directory rather than one file: it is an existing
/// directory or ends with a path separator.
pub fn names_a_directory(output: &Path) -> bool {
    output.is_dir()
        || output
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::MAIN_SEPARATOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_record_names_round_trip() {
        assert_eq!(parse_unit_record_name(&unit_record_name(7)), Some(7));
    }
}
