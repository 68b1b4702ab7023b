//! What `export` reads: one Parquet file, or a dataset directory (its manifest's parts in
//! order, verified first). Each file's footer is read once, here, and its schema checked against
//! the read schema before any row is read, so a foreign file is refused naming the column.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::arrow::ProjectionMask;

use crate::dataset::manifest;
use crate::error::{Error, Result, StorageError};
use crate::table::conform;
use crate::writer::{COPYRIGHT_KEY, UNMAPPED_KEY};

/// One Parquet file to export, its footer read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file.
    pub path: PathBuf,
    /// Its footer and Arrow schema (shared by the workers that read its row groups).
    pub metadata: ArrowReaderMetadata,
    /// The top-level columns the export reads (the file's extra columns are not decoded).
    pub projection: ProjectionMask,
    /// Bytes of its row groups (compressed).
    pub bytes: u64,
}

impl SourceFile {
    /// Row groups in the file.
    pub fn row_groups(&self) -> usize {
        self.metadata.metadata().num_row_groups()
    }
}

/// Everything an export reads, in output order.
#[derive(Debug)]
pub struct Source {
    /// The files, in row order (a dataset's in its manifest's order).
    pub files: Vec<SourceFile>,
    /// The document's `<copyright>` as the first file that recorded it says: `Some(None)` when
    /// the document had none, `None` when no file recorded it (another tool's file).
    pub copyright: Option<Option<String>>,
    /// What the converted documents had and the format does not keep (element and attribute
    /// paths the parser did not map, with counts), summed over the files.
    pub unmapped: BTreeMap<String, u64>,
    /// Columns of the files that are not of this schema (ignored), as dotted paths.
    pub extra_columns: Vec<String>,
    /// Rows over every file.
    pub rows: u64,
    /// Bytes of Parquet over every file.
    pub bytes: u64,
}

/// Opens `input`: a Parquet file, or a dataset directory whose manifest is verified first.
pub fn open(input: &Path) -> Result<Source> {
    let paths = if input.is_dir() {
        dataset_files(input)?
    } else {
        vec![input.to_owned()]
    };
    let mut source = Source {
        files: Vec::with_capacity(paths.len()),
        copyright: None,
        unmapped: BTreeMap::new(),
        extra_columns: Vec::new(),
        rows: 0,
        bytes: 0,
    };
    for path in paths {
        let (file, extra) = open_file(&path)?;
        let pairs = file
            .metadata
            .metadata()
            .file_metadata()
            .key_value_metadata();
        let value = |key: &str| pairs.and_then(|p| p.iter().find(|kv| kv.key == key));
        if source.copyright.is_none() {
            // An empty value is an absence too (some writers keep a key without a value as "").
            source.copyright =
                value(COPYRIGHT_KEY).map(|kv| kv.value.clone().filter(|v| !v.is_empty()));
        }
        let unmapped = value(UNMAPPED_KEY).and_then(|kv| kv.value.as_deref());
        let unmapped: BTreeMap<String, u64> = unmapped
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        for (path, count) in unmapped {
            *source.unmapped.entry(path).or_default() += count;
        }
        for column in extra {
            if !source.extra_columns.contains(&column) {
                source.extra_columns.push(column);
            }
        }
        source.rows += file.metadata.metadata().file_metadata().num_rows().max(0) as u64;
        source.bytes += file.bytes;
        source.files.push(file);
    }
    Ok(source)
}

/// A dataset's part files in manifest order, after [`manifest::verify`] found no problem.
fn dataset_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let verification = manifest::verify(dir)?;
    if !verification.problems.is_empty() {
        return Err(Error::Dataset {
            dir: dir.to_owned(),
            problem: format!(
                "does not match its manifest (run `uniprot-etl verify`):\n  {}",
                verification.problems.join("\n  ")
            ),
        });
    }
    let manifest = manifest::read_manifest(dir)?;
    let files = manifest
        .files
        .iter()
        .map(|file| dir.join(&file.part.file))
        .collect();
    Ok(files)
}

/// Reads the footer of `path` and checks its schema; returns the file and its extra columns.
fn open_file(path: &Path) -> Result<(SourceFile, Vec<String>)> {
    let fail = |what: &'static str, source: StorageError| Error::Export {
        path: path.to_owned(),
        what,
        source,
    };
    let file = File::open(path).map_err(|e| fail("cannot open", e.into()))?;
    let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .map_err(|e| fail("not a readable Parquet file", e.into()))?;
    let extra = conform::check(metadata.schema())
        .map_err(|e| fail("not a table of this tool's schema", e.into()))?;
    let wanted: Vec<usize> = metadata
        .schema()
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !extra.contains(f.name()))
        .map(|(at, _)| at)
        .collect();
    let projection = ProjectionMask::roots(metadata.parquet_schema(), wanted);
    let bytes = metadata
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.compressed_size().max(0) as u64)
        .sum();
    let source = SourceFile {
        path: path.to_owned(),
        metadata,
        projection,
        bytes,
    };
    Ok((source, extra))
}
