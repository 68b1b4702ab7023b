//! The records of a dataset: one per unit (`_units/unit-UUUUU.json`, written when the unit's
//! parts are in place) and the manifest (`_manifest.json`, written by [`commit`] once the units
//! cover every source), and the checks of [`verify`].

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::shard::{ByteRange, Shard};
use super::{parse_unit_record_name, unit_record_name, MANIFEST_FILE, UNITS_DIR};
use crate::error::{DatasetFileError, Error, Result};
use crate::writer::tempfiles::write_atomic;
use crate::writer::{parse_part_file_name, FileFacts, ISOFORMS_DIR};

/// `format` of every manifest.
pub const MANIFEST_FORMAT: &str = "uniprot-etl-dataset";

/// Version of the manifest's layout.
pub const MANIFEST_VERSION: u32 = 1;

/// What a unit read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// The input's absolute path.
    pub path: String,
    /// Size of the whole input file, when known.
    pub bytes: Option<u64>,
    /// Whether it was gzip-compressed.
    pub compressed: bool,
    /// Which shard, when the unit converted one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// The stretch of the file the shard converted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<ByteRange>,
    /// Hex SHA-256 of the bytes read: the whole file, or the shard's stretch.
    pub sha256: String,
}

/// One part file as the records list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    /// File name inside the dataset directory.
    pub file: String,
    /// Rows.
    pub rows: u64,
    /// Bytes.
    pub bytes: u64,
    /// Row groups.
    pub row_groups: usize,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// Smallest primary accession.
    pub min_accession: Option<String>,
    /// Largest primary accession.
    pub max_accession: Option<String>,
}

impl PartRecord {
    /// The record of a written file.
    pub fn from_facts(facts: &FileFacts) -> PartRecord {
        let (min_accession, max_accession) = facts.accessions.clone().unzip();
        PartRecord {
            file: facts
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            rows: facts.rows,
            bytes: facts.bytes,
            row_groups: facts.row_groups,
            // Dataset parts are always hashed as they are written.
            sha256: facts.sha256.clone().unwrap_or_default(),
            min_accession,
            max_accession,
        }
    }
}

/// What one unit wrote: its record in `_units/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecord {
    /// The unit's number (its parts are `part-UUUUU-*.parquet`).
    pub unit: u32,
    /// What it read.
    pub source: SourceRecord,
    /// Its part files, in order.
    pub parts: Vec<PartRecord>,
    /// Its part of the isoforms part set (`--isoforms`), named relative to the dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isoforms: Option<PartRecord>,
    /// The document's `<copyright>` text, when this unit saw it.
    pub copyright: Option<String>,
    /// Output schema version.
    pub schema_version: u32,
    /// Version of the tool that wrote it.
    pub tool_version: String,
    /// The ledger run that wrote it.
    pub run_id: String,
}

/// One source in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSource {
    /// Absolute path.
    pub path: String,
    /// Size in bytes.
    pub bytes: Option<u64>,
    /// Whether it was gzip-compressed.
    pub compressed: bool,
    /// SHA-256 of the whole file (absent when it was converted in shards).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The shards it was converted in, in order, each with its stretch's SHA-256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<ManifestShard>,
}

/// One shard of a source in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestShard {
    /// K of K/N.
    pub index: u32,
    /// N of K/N.
    pub count: u32,
    /// Its stretch of the file.
    pub range: ByteRange,
    /// SHA-256 of the stretch.
    pub sha256: String,
    /// The unit that converted it.
    pub unit: u32,
}

/// One part file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// The unit that wrote it.
    pub unit: u32,
    /// The file.
    #[serde(flatten)]
    pub part: PartRecord,
}

/// `_manifest.json`: the dataset's commit marker and table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// [`MANIFEST_VERSION`].
    pub manifest_version: u32,
    /// Output schema version of every part.
    pub schema_version: u32,
    /// Version of the tool that committed it.
    pub tool_version: String,
    /// When it was committed (RFC 3339).
    pub created_at: String,
    /// Rows over all parts.
    pub rows: u64,
    /// Bytes over all parts.
    pub bytes: u64,
    /// The documents' `<copyright>` text (the release statement).
    pub copyright: Option<String>,
    /// Every part, by unit and index.
    pub files: Vec<ManifestFile>,
    /// The isoforms part set (`--isoforms`), one part per unit, named relative to the
    /// dataset (`isoforms/part-UUUUU-00000.parquet`); empty without it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub isoforms: Vec<ManifestFile>,
    /// Every source, by path.
    pub sources: Vec<ManifestSource>,
}

/// A problem with a dataset's files or records.
fn problem(dir: &Path, what: impl Into<String>) -> Error {
    Error::Dataset {
        dir: dir.to_owned(),
        problem: what.into(),
    }
}

/// A dataset file that cannot be read, written or decoded (`source`: an I/O or JSON error).
fn file_problem(dir: &Path, path: &Path, source: impl Into<DatasetFileError>) -> Error {
    Error::DatasetFile {
        dir: dir.to_owned(),
        path: path.to_owned(),
        source: source.into(),
    }
}

/// The record of `unit` in `dir`, if it has one.
pub fn read_unit(dir: &Path, unit: u32) -> Result<Option<UnitRecord>> {
    let path = dir.join(UNITS_DIR).join(unit_record_name(unit));
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| file_problem(dir, &path, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(file_problem(dir, &path, e)),
    }
}

/// Whether a unit's recorded parts are all present with their recorded sizes.
pub fn parts_present(dir: &Path, record: &UnitRecord) -> bool {
    missing_part(dir, record).is_none()
}

/// The first recorded part of a unit (its isoforms part too) that is missing or has another
/// size than recorded.
fn missing_part<'a>(dir: &Path, record: &'a UnitRecord) -> Option<&'a PartRecord> {
    record.parts.iter().chain(&record.isoforms).find(|part| {
        !std::fs::metadata(dir.join(&part.file)).is_ok_and(|m| m.is_file() && m.len() == part.bytes)
    })
}

/// The isoforms part files in `dir/isoforms/`, by name relative to `dir`, with their unit.
fn isoforms_part_files(dir: &Path) -> Result<BTreeMap<String, u32>> {
    let isoforms = dir.join(ISOFORMS_DIR);
    let entries = match std::fs::read_dir(&isoforms) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(file_problem(dir, &isoforms, e)),
    };
    Ok(entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let (unit, _) = parse_part_file_name(&name)?;
            Some((format!("{ISOFORMS_DIR}/{name}"), unit))
        })
        .collect())
}

/// Prepares `dir` for (re)writing unit `unit` from `source` (path, shard): the manifest goes
/// (the dataset is no longer committed) and so does the unit's old record. A record of the
/// same unit for another source is an error: two conversions would share part names.
pub fn begin_unit(dir: &Path, unit: u32, source: &str, shard: Option<Shard>) -> Result<()> {
    std::fs::create_dir_all(dir.join(UNITS_DIR))
        .map_err(|e| file_problem(dir, &dir.join(UNITS_DIR), e))?;
    if let Some(old) = read_unit(dir, unit)? {
        if old.source.path != source || old.source.shard != shard {
            return Err(problem(
                dir,
                format!(
                    "unit {unit} already holds {}{}; give this conversion another --unit",
                    old.source.path,
                    old.source
                        .shard
                        .map(|s| format!(" shard {s}"))
                        .unwrap_or_default()
                ),
            ));
        }
    }
    for stale in [
        dir.join(MANIFEST_FILE),
        dir.join(UNITS_DIR).join(unit_record_name(unit)),
    ] {
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_problem(dir, &stale, e)),
        }
    }
    Ok(())
}

/// Records a finished unit: removes its parts from earlier conversions that this one did not
/// write again, then writes its record (atomically).
pub fn finish_unit(dir: &Path, record: &UnitRecord) -> Result<()> {
    let kept: BTreeSet<&str> = record
        .parts
        .iter()
        .chain(&record.isoforms)
        .map(|p| p.file.as_str())
        .collect();
    let isoforms = isoforms_part_files(dir)?.into_iter();
    let parts = part_files(dir)?
        .into_iter()
        .map(|(name, (unit, _))| (name, unit));
    for (name, unit) in parts.chain(isoforms) {
        if unit == record.unit && !kept.contains(name.as_str()) {
            let path = dir.join(&name);
            std::fs::remove_file(&path).map_err(|e| file_problem(dir, &path, e))?;
        }
    }
    let path = dir.join(UNITS_DIR).join(unit_record_name(record.unit));
    let json = serde_json::to_vec_pretty(record).map_err(|e| file_problem(dir, &path, e))?;
    write_atomic(&path, &json).map_err(|e| file_problem(dir, &path, e))
}

/// The part files in `dir`, by name, with their unit and index.
fn part_files(dir: &Path) -> Result<BTreeMap<String, (u32, u32)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| file_problem(dir, dir, e))?;
    Ok(entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            parse_part_file_name(&name).map(|id| (name, id))
        })
        .collect())
}

/// Names of the `*.parquet` files in `dir` that a reader globbing the directory would take
/// (not hidden, not `_`-prefixed).
fn visible_parquet_files(dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|e| file_problem(dir, dir, e))?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".parquet") && !name.starts_with(['.', '_']))
        .collect();
    names.sort();
    Ok(names)
}

/// Every unit record in `dir`, by unit.
fn read_units(dir: &Path) -> Result<BTreeMap<u32, UnitRecord>> {
    let units_dir = dir.join(UNITS_DIR);
    let entries = match std::fs::read_dir(&units_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(file_problem(dir, &units_dir, e)),
    };
    let mut units = BTreeMap::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(unit) = parse_unit_record_name(&name) else {
            continue;
        };
        if let Some(record) = read_unit(dir, unit)? {
            units.insert(unit, record);
        }
    }
    Ok(units)
}

/// Writes `dir/_manifest.json` from the unit records, after checking that they make one whole
/// dataset: `expected_units` units when given, every recorded part present with its size, no
/// part file without a record, each source converted once — whole, or in all N of its shards
/// with contiguous stretches covering the file.
pub fn commit(dir: &Path, expected_units: Option<usize>) -> Result<Manifest> {
    let units = read_units(dir)?;
    if units.is_empty() {
        return Err(problem(dir, "no converted units (nothing in _units/)"));
    }
    if let Some(expected) = expected_units {
        if units.len() != expected {
            return Err(problem(
                dir,
                format!("{} units recorded, {expected} expected", units.len()),
            ));
        }
    }
    let recorded: BTreeSet<&str> = units
        .values()
        .flat_map(|u| u.parts.iter().chain(&u.isoforms).map(|p| p.file.as_str()))
        .collect();
    let isoforms = isoforms_part_files(dir)?.into_keys();
    if let Some(name) = part_files(dir)?
        .into_keys()
        .chain(isoforms)
        .find(|name| !recorded.contains(name.as_str()))
    {
        return Err(problem(
            dir,
            format!("{name} belongs to no recorded unit (left by an unfinished conversion?)"),
        ));
    }
    for record in units.values() {
        if let Some(part) = missing_part(dir, record) {
            return Err(problem(
                dir,
                format!(
                    "{} of unit {} is missing or has changed",
                    part.file, record.unit
                ),
            ));
        }
    }
    let sources = collect_sources(dir, &units)?;
    let schema_versions: BTreeSet<u32> = units.values().map(|u| u.schema_version).collect();
    if schema_versions.len() > 1 {
        return Err(problem(
            dir,
            format!("units were written with schema versions {schema_versions:?}"),
        ));
    }
    // Every unit's files of one part set (the entries' parts, or the isoforms part), in order.
    let listed = |of: fn(&UnitRecord) -> Vec<&PartRecord>| -> Vec<ManifestFile> {
        units
            .values()
            .flat_map(|u| {
                of(u).into_iter().map(|part| ManifestFile {
                    unit: u.unit,
                    part: part.clone(),
                })
            })
            .collect()
    };
    let files = listed(|u| u.parts.iter().collect());
    let without: Vec<u32> = units
        .values()
        .filter(|u| u.isoforms.is_none())
        .map(|u| u.unit)
        .collect();
    if without.len() != units.len() && !without.is_empty() {
        return Err(problem(
            dir,
            format!("units {without:?} have no isoforms part: convert them with --isoforms too"),
        ));
    }
    let isoforms = listed(|u| u.isoforms.iter().collect());
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_owned(),
        manifest_version: MANIFEST_VERSION,
        schema_version: crate::table::schema::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        rows: files.iter().map(|f| f.part.rows).sum(),
        bytes: files.iter().map(|f| f.part.bytes).sum(),
        copyright: units.values().find_map(|u| u.copyright.clone()),
        files,
        isoforms,
        sources,
    };
    let path = dir.join(MANIFEST_FILE);
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| file_problem(dir, &path, e))?;
    write_atomic(&path, &json).map_err(|e| file_problem(dir, &path, e))?;
    Ok(manifest)
}

/// The manifest's sources, checking that each is covered exactly once.
fn collect_sources(dir: &Path, units: &BTreeMap<u32, UnitRecord>) -> Result<Vec<ManifestSource>> {
    let mut by_path: BTreeMap<&str, Vec<&UnitRecord>> = BTreeMap::new();
    for record in units.values() {
        by_path.entry(&record.source.path).or_default().push(record);
    }
    let mut sources = Vec::new();
    for (path, records) in by_path {
        let first = &records[0].source;
        let mut source = ManifestSource {
            path: path.to_owned(),
            bytes: first.bytes,
            compressed: first.compressed,
            sha256: None,
            shards: Vec::new(),
        };
        match first.shard {
            None => {
                if records.len() > 1 || records.iter().any(|r| r.source.shard.is_some()) {
                    let units: Vec<u32> = records.iter().map(|r| r.unit).collect();
                    return Err(problem(
                        dir,
                        format!("{path} was converted by units {units:?}"),
                    ));
                }
                source.sha256 = Some(first.sha256.clone());
            }
            Some(Shard { count, .. }) => {
                source.shards = shards_of(dir, path, count, &records)?;
            }
        }
        sources.push(source);
    }
    Ok(sources)
}

/// The shards of one source, checked: all N present once, stretches contiguous to the end.
fn shards_of(
    dir: &Path,
    path: &str,
    count: u32,
    records: &[&UnitRecord],
) -> Result<Vec<ManifestShard>> {
    let mut shards = Vec::new();
    for record in records {
        let (Some(shard), Some(range)) = (record.source.shard, record.source.range) else {
            return Err(problem(
                dir,
                format!("{path} was converted both whole and in shards"),
            ));
        };
        if shard.count != count {
            return Err(problem(
                dir,
                format!("{path} was sharded both in {count} and in {}", shard.count),
            ));
        }
        shards.push(ManifestShard {
            index: shard.index,
            count,
            range,
            sha256: record.source.sha256.clone(),
            unit: record.unit,
        });
    }
    shards.sort_by_key(|s| s.index);
    let indices: Vec<u32> = shards.iter().map(|s| s.index).collect();
    if indices != (1..=count).collect::<Vec<_>>() {
        return Err(problem(
            dir,
            format!("{path}: shards {indices:?} of {count} converted; every one is needed"),
        ));
    }
    let size = records[0].source.bytes.unwrap_or(0);
    let contiguous = shards
        .windows(2)
        .all(|w| w[0].range.end == w[1].range.start)
        && shards.last().is_some_and(|s| s.range.end == size);
    if !contiguous {
        return Err(problem(
            dir,
            format!("{path}: the shards' stretches do not tile the file (was it changed between shards?)"),
        ));
    }
    Ok(shards)
}

/// What [`verify`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Part files checked against the manifest.
    pub files: usize,
    /// Rows the manifest lists.
    pub rows: u64,
    /// Every problem, one line each naming the file.
    pub problems: Vec<String>,
}

/// The committed manifest of the dataset in `dir` (not checked against the files: [`verify`]).
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => problem(
            dir,
            "no _manifest.json: the dataset was never committed (or a conversion into it started since)",
        ),
        _ => file_problem(dir, &path, e),
    })?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| file_problem(dir, &path, e))?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(problem(
            dir,
            format!("{MANIFEST_FILE}: not a {MANIFEST_FORMAT} manifest"),
        ));
    }
    Ok(manifest)
}

/// Checks the dataset in `dir` against its manifest: every listed part present with its size
/// and SHA-256, and no part file the manifest does not list.
pub fn verify(dir: &Path) -> Result<Verification> {
    let manifest = read_manifest(dir)?;
    let mut verification = Verification {
        files: manifest.files.len() + manifest.isoforms.len(),
        rows: manifest.rows,
        problems: Vec::new(),
    };
    for file in manifest.files.iter().chain(&manifest.isoforms) {
        let part = &file.part;
        let path = dir.join(&part.file);
        match sha256_of(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => verification
                .problems
                .push(format!("{}: missing", path.display())),
            Err(e) => verification
                .problems
                .push(format!("{}: {e}", path.display())),
            Ok((bytes, _)) if bytes != part.bytes => verification.problems.push(format!(
                "{}: {bytes} bytes, the manifest says {}",
                path.display(),
                part.bytes
            )),
            Ok((_, sha256)) if sha256 != part.sha256 => verification.problems.push(format!(
                "{}: corrupt (SHA-256 differs from the manifest's)",
                path.display()
            )),
            Ok(_) => {}
        }
    }
    let listed: BTreeSet<&str> = manifest
        .files
        .iter()
        .chain(&manifest.isoforms)
        .map(|f| f.part.file.as_str())
        .collect();
    let on_disk = visible_parquet_files(dir)?
        .into_iter()
        .chain(isoforms_part_files(dir)?.into_keys());
    for name in on_disk {
        if !listed.contains(name.as_str()) {
            verification
                .problems
                .push(format!("{}: not in the manifest", dir.join(name).display()));
        }
    }
    Ok(verification)
}

/// Size and hex SHA-256 of a file.
pub fn sha256_of(path: &Path) -> io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok((bytes, format!("{:x}", hasher.finalize())));
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
}

/// The absolute form of an input path, as records name sources.
pub fn source_identity(input: &str) -> String {
    if input == "-" {
        return input.to_owned();
    }
    std::fs::canonicalize(input)
        .unwrap_or_else(|_| PathBuf::from(input))
        .display()
        .to_string()
}
