//! The isoforms of a batch of the main table: for each entry, every `<isoform>` of its
//! alternative products comments becomes a row — the canonical (`displayed`) with the entry's
//! own sequence, a `described` one with the canonical edited by exactly its splice variants,
//! the others with the reason they have no sequence — and every positional feature of the
//! entry is mapped onto each isoform that has a sequence.
//!
//! Reads the main table's Arrow columns (`accession`, `sequence`, `comments`, `features`), so
//! it serves every way rows are made: a conversion's row groups, a scan's batches, a Parquet
//! file read back. Knows no XML and no Parquet.

use std::collections::BTreeMap;

use arrow::array::{Array, AsArray, GenericListArray, Int64Array, StringArray, StructArray};
use arrow::record_batch::RecordBatch;
use serde::{Deserialize, Serialize};

use super::crc64::crc64;
use super::edit::{self, Edit, NoSequence, Span, Unmapped};
use super::row::{IsoformBatchBuilder, IsoformRow, MappedFeature};
use crate::error::{Error, Result};

/// The main table's columns the isoforms are derived from.
pub const SOURCE_COLUMNS: [&str; 4] = ["accession", "sequence", "comments", "features"];

/// The figures of a derivation, added up over batches: the run's report and summary carry them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsoformCounts {
    /// Entries with at least one isoform.
    pub entries: u64,
    /// Isoform rows.
    pub isoforms: u64,
    /// Rows with a sequence.
    pub with_sequence: u64,
    /// Rows without one, by reason.
    pub without_sequence: BTreeMap<String, u64>,
    /// Feature placements with coordinates on an isoform.
    pub features_mapped: u64,
    /// Feature placements without, by reason.
    pub features_unmapped: BTreeMap<String, u64>,
    /// Canonical (`displayed`) isoforms whose CRC64 differs from the entry's own
    /// `<sequence checksum>`: a broken checksum, or a wrong derivation (expected 0).
    pub canonical_checksum_mismatches: u64,
}

impl IsoformCounts {
    /// Adds `other`'s figures to these.
    pub fn add(&mut self, other: &IsoformCounts) {
        self.entries += other.entries;
        self.isoforms += other.isoforms;
        self.with_sequence += other.with_sequence;
        self.features_mapped += other.features_mapped;
        self.canonical_checksum_mismatches += other.canonical_checksum_mismatches;
        for (reason, n) in &other.without_sequence {
            *self.without_sequence.entry(reason.clone()).or_default() += n;
        }
        for (reason, n) in &other.features_unmapped {
            *self.features_unmapped.entry(reason.clone()).or_default() += n;
        }
    }
}

/// The isoform rows of `batch` (a batch of the main table holding at least
/// [`SOURCE_COLUMNS`]), as one record batch of the isoforms schema, with their counts.
pub fn derive(batch: &RecordBatch) -> Result<(RecordBatch, IsoformCounts)> {
    let columns = Columns::of(batch)?;
    let mut builder = IsoformBatchBuilder::default();
    let mut counts = IsoformCounts::default();
    for row in 0..batch.num_rows() {
        let entry = columns.entry(row);
        let rows = entry_isoforms(&entry, &mut counts);
        if !rows.is_empty() {
            counts.entries += 1;
        }
        for isoform in &rows {
            builder.push(isoform);
        }
    }
    let isoforms = builder
        .finish()
        .map_err(|e| Error::Internal(format!("building the isoforms batch: {e}")))?;
    Ok((isoforms, counts))
}

/// One entry's parts that isoforms need, borrowed from the batch.
#[derive(Debug, Default)]
pub struct EntryParts<'a> {
    /// Primary accession.
    pub accession: &'a str,
    /// The canonical sequence.
    pub canonical: Option<&'a str>,
    /// The entry's `<sequence checksum>`.
    pub checksum: Option<&'a str>,
    /// Every `<isoform>` of its alternative products comments.
    pub isoforms: Vec<IsoformParts<'a>>,
    /// Every feature.
    pub features: Vec<FeatureParts<'a>>,
}

/// One `<isoform>`.
#[derive(Debug, Default)]
pub struct IsoformParts<'a> {
    /// `<id>` texts.
    pub ids: Vec<&'a str>,
    /// `<name>` texts.
    pub names: Vec<&'a str>,
    /// `sequence/@type`.
    pub sequence_type: Option<&'a str>,
    /// `sequence/@ref`.
    pub sequence_ref: Option<&'a str>,
}

/// One `<feature>`.
#[derive(Debug, Default)]
pub struct FeatureParts<'a> {
    /// `@type`.
    pub kind: &'a str,
    /// `@id`.
    pub id: Option<&'a str>,
    /// `@description`.
    pub description: Option<&'a str>,
    /// `<original>`.
    pub original: Option<&'a str>,
    /// The first `<variation>`.
    pub variation: Option<&'a str>,
    /// How many `<variation>`s the feature has.
    pub variations: usize,
    /// `begin/@position`.
    pub begin: Option<i64>,
    /// `end/@position`.
    pub end: Option<i64>,
    /// `position/@position`.
    pub position: Option<i64>,
    /// `location/@sequence`: the isoform the location is on, when not the canonical.
    pub on_sequence: Option<&'a str>,
}

/// The isoform rows of one entry.
pub fn entry_isoforms(entry: &EntryParts<'_>, counts: &mut IsoformCounts) -> Vec<IsoformRow> {
    let variants: Vec<Edit<'_>> = entry
        .features
        .iter()
        .filter(|f| f.kind == "splice variant")
        .filter_map(|f| {
            Some(Edit {
                id: f.id?,
                begin: f.begin.or(f.position),
                end: f.end.or(f.position),
                original: f.original,
                variation: f.variation,
                variations: f.variations,
                elsewhere: f.on_sequence.is_some(),
            })
        })
        .collect();
    let mut rows = Vec::with_capacity(entry.isoforms.len());
    for isoform in &entry.isoforms {
        let refs: Vec<&str> = isoform
            .sequence_ref
            .map(|r| r.split_ascii_whitespace().collect())
            .unwrap_or_default();
        let built = build(entry, isoform, &variants, &refs);
        let mut row = IsoformRow {
            accession: entry.accession.to_owned(),
            isoform_id: isoform.ids.first().map(|id| (*id).to_owned()),
            ids: isoform.ids.iter().map(|id| (*id).to_owned()).collect(),
            names: isoform.names.iter().map(|n| (*n).to_owned()).collect(),
            sequence_type: isoform.sequence_type.map(str::to_owned),
            vsp_ids: refs.iter().map(|id| (*id).to_owned()).collect(),
            ..IsoformRow::default()
        };
        counts.isoforms += 1;
        match built {
            Ok((sequence, spans)) => {
                counts.with_sequence += 1;
                let checksum = crc64(sequence.as_bytes());
                if isoform.sequence_type == Some("displayed")
                    && entry.checksum.is_some_and(|own| own != checksum)
                {
                    counts.canonical_checksum_mismatches += 1;
                }
                let (canonical_len, ids) = (entry.canonical.map_or(0, str::len), &isoform.ids);
                row.features = entry
                    .features
                    .iter()
                    .map(|feature| map_feature(feature, (canonical_len, &spans), &sequence, ids))
                    .collect();
                for feature in &row.features {
                    match &feature.reason {
                        None => counts.features_mapped += 1,
                        Some(reason) => {
                            *counts.features_unmapped.entry(reason.clone()).or_default() += 1
                        }
                    }
                }
                row.length = i32::try_from(sequence.len()).ok();
                row.checksum = Some(checksum);
                row.sequence = Some(sequence);
            }
            Err(reason) => {
                *counts
                    .without_sequence
                    .entry(reason.kind().to_owned())
                    .or_default() += 1;
                row.reason = Some(reason.to_string());
            }
        }
        rows.push(row);
    }
    rows
}

/// The isoform's sequence and the edits that made it, or why it has none.
fn build<'a>(
    entry: &EntryParts<'a>,
    isoform: &IsoformParts<'_>,
    variants: &[Edit<'a>],
    refs: &[&str],
) -> std::result::Result<(String, Vec<Span<'a>>), NoSequence> {
    let canonical = || {
        entry
            .canonical
            .filter(|c| !c.is_empty() && c.is_ascii())
            .ok_or(NoSequence::NoCanonical)
    };
    match isoform.sequence_type {
        Some("displayed") => Ok((canonical()?.to_owned(), Vec::new())),
        Some("described") => {
            let canonical = canonical()?;
            let spans = edit::spans(canonical, variants, refs)?;
            Ok((edit::apply(canonical, &spans), spans))
        }
        Some("external") => Err(NoSequence::External),
        Some("not described") => Err(NoSequence::NotDescribed),
        _ => Err(NoSequence::UnknownType),
    }
}

/// `feature` with its coordinates on the isoform (`sequence`, with `ids`) that `spans` make
/// of the canonical (of `canonical_len` residues). A location naming an isoform
/// (`location/@sequence`) is in that isoform's coordinates: kept as they are on it, with no
/// canonical coordinates, and unmapped on the others.
fn map_feature(
    feature: &FeatureParts<'_>,
    (canonical_len, spans): (usize, &[Span<'_>]),
    sequence: &str,
    ids: &[&str],
) -> MappedFeature {
    let elsewhere = feature.on_sequence.is_some();
    let canonical = |at: Option<i64>| if elsewhere { None } else { at };
    let mut mapped = MappedFeature {
        kind: feature.kind.to_owned(),
        id: feature.id.map(str::to_owned),
        description: feature.description.map(str::to_owned),
        canonical_begin: canonical(feature.begin),
        canonical_end: canonical(feature.end),
        canonical_position: canonical(feature.position),
        ..MappedFeature::default()
    };
    let no_spans: &[Span<'_>] = &[];
    let (len, spans) = match feature.on_sequence {
        None => (canonical_len, spans),
        Some(on) if ids.contains(&on) => (sequence.len(), no_spans),
        Some(_) => {
            mapped.reason = Some(Unmapped::OnAnotherIsoform.name().to_owned());
            return mapped;
        }
    };
    let result = match (feature.position, feature.begin, feature.end) {
        (Some(position), _, _) => edit::map_position(position, len, spans).map(|at| {
            mapped.position = Some(at);
            mapped.residue = residue(sequence, at);
        }),
        (None, Some(begin), Some(end)) => edit::map_range(begin, end, len, spans).map(|(b, e)| {
            mapped.begin = Some(b);
            mapped.end = Some(e);
        }),
        _ => Err(Unmapped::PositionUnknown),
    };
    if let Err(reason) = result {
        mapped.reason = Some(reason.name().to_owned());
    }
    mapped
}

/// The residue at 1-based `at` of `sequence`, if inside it.
fn residue(sequence: &str, at: i64) -> Option<String> {
    let index = usize::try_from(at).ok()?.checked_sub(1)?;
    sequence.get(index..index + 1).map(str::to_owned)
}

/// The main table's columns, downcast once per batch.
struct Columns<'a> {
    accession: &'a StringArray,
    sequence_value: &'a StringArray,
    sequence_checksum: &'a StringArray,
    sequence: &'a StructArray,
    comments: &'a GenericListArray<i32>,
    comment_type: &'a StringArray,
    isoforms: &'a GenericListArray<i32>,
    isoform_ids: &'a GenericListArray<i32>,
    isoform_id_values: &'a StringArray,
    isoform_names: &'a GenericListArray<i32>,
    isoform_name_values: &'a StringArray,
    isoform_type: &'a StringArray,
    isoform_ref: &'a StringArray,
    features: &'a GenericListArray<i32>,
    feature_type: &'a StringArray,
    feature_id: &'a StringArray,
    feature_description: &'a StringArray,
    feature_original: &'a StringArray,
    feature_variations: &'a GenericListArray<i32>,
    feature_variation_values: &'a StringArray,
    location: &'a StructArray,
    location_begin: &'a Int64Array,
    location_end: &'a Int64Array,
    location_position: &'a Int64Array,
    location_sequence: &'a StringArray,
}

/// A column of the main table, by its path, downcast with an error naming the path.
struct Found<'a> {
    array: &'a dyn Array,
    path: String,
}

impl<'a> Found<'a> {
    /// The top-level column `name` of `batch`.
    fn column(batch: &'a RecordBatch, name: &str) -> Result<Found<'a>> {
        let array = batch.column_by_name(name).ok_or_else(|| {
            Error::Internal(format!("isoforms: the main table lacks the column {name}"))
        })?;
        Ok(Found {
            array: array.as_ref(),
            path: name.to_owned(),
        })
    }

    fn wrong(&self, what: &str) -> Error {
        Error::Internal(format!("isoforms: {} is not {what}", self.path))
    }

    /// The field `name` of this struct column.
    fn field(&self, name: &str) -> Result<Found<'a>> {
        let path = format!("{}.{name}", self.path);
        let array = self
            .structs()?
            .column_by_name(name)
            .ok_or_else(|| Error::Internal(format!("isoforms: the main table lacks {path}")))?;
        Ok(Found {
            array: array.as_ref(),
            path,
        })
    }

    /// The items of this list column.
    fn items(&self) -> Result<Found<'a>> {
        Ok(Found {
            array: self.list()?.values().as_ref(),
            path: self.path.clone(),
        })
    }

    fn utf8(&self) -> Result<&'a StringArray> {
        self.array
            .as_string_opt::<i32>()
            .ok_or_else(|| self.wrong("utf8"))
    }

    fn int64(&self) -> Result<&'a Int64Array> {
        self.array
            .as_primitive_opt::<arrow::datatypes::Int64Type>()
            .ok_or_else(|| self.wrong("int64"))
    }

    fn list(&self) -> Result<&'a GenericListArray<i32>> {
        self.array
            .as_list_opt::<i32>()
            .ok_or_else(|| self.wrong("a list"))
    }

    fn structs(&self) -> Result<&'a StructArray> {
        self.array
            .as_struct_opt()
            .ok_or_else(|| self.wrong("a struct"))
    }
}

impl<'a> Columns<'a> {
    fn of(batch: &'a RecordBatch) -> Result<Self> {
        let sequence = Found::column(batch, "sequence")?;
        let comments = Found::column(batch, "comments")?;
        let comment = comments.items()?;
        let isoforms = comment.field("isoforms")?;
        let isoform = isoforms.items()?;
        let (ids, names) = (isoform.field("ids")?, isoform.field("names")?);
        let features = Found::column(batch, "features")?;
        let feature = features.items()?;
        let variations = feature.field("variations")?;
        let location = feature.field("location")?;
        Ok(Columns {
            accession: Found::column(batch, "accession")?.utf8()?,
            sequence_value: sequence.field("value")?.utf8()?,
            sequence_checksum: sequence.field("checksum")?.utf8()?,
            sequence: sequence.structs()?,
            comments: comments.list()?,
            comment_type: comment.field("type")?.utf8()?,
            isoforms: isoforms.list()?,
            isoform_ids: ids.list()?,
            isoform_id_values: ids.items()?.utf8()?,
            isoform_names: names.list()?,
            isoform_name_values: names.items()?.field("value")?.utf8()?,
            isoform_type: isoform.field("sequence_type")?.utf8()?,
            isoform_ref: isoform.field("sequence_ref")?.utf8()?,
            features: features.list()?,
            feature_type: feature.field("type")?.utf8()?,
            feature_id: feature.field("id")?.utf8()?,
            feature_description: feature.field("description")?.utf8()?,
            feature_original: feature.field("original")?.utf8()?,
            feature_variations: variations.list()?,
            feature_variation_values: variations.items()?.utf8()?,
            location_begin: location.field("begin")?.int64()?,
            location_end: location.field("end")?.int64()?,
            location_position: location.field("position")?.int64()?,
            location_sequence: location.field("sequence")?.utf8()?,
            location: location.structs()?,
        })
    }

    fn entry(&self, row: usize) -> EntryParts<'a> {
        let text = |array: &'a StringArray, i: usize| array.is_valid(i).then(|| array.value(i));
        let number = |array: &'a Int64Array, i: usize| array.is_valid(i).then(|| array.value(i));
        let range = |list: &GenericListArray<i32>, i: usize| {
            let offsets = list.value_offsets();
            offsets[i] as usize..offsets[i + 1] as usize
        };
        let sequence_valid = self.sequence.is_valid(row);
        let mut parts = EntryParts {
            accession: self.accession.value(row),
            canonical: sequence_valid
                .then(|| text(self.sequence_value, row))
                .flatten(),
            checksum: sequence_valid
                .then(|| text(self.sequence_checksum, row))
                .flatten(),
            ..EntryParts::default()
        };
        for comment in range(self.comments, row) {
            if self.comment_type.value(comment) != "alternative products" {
                continue;
            }
            for isoform in range(self.isoforms, comment) {
                parts.isoforms.push(IsoformParts {
                    ids: range(self.isoform_ids, isoform)
                        .map(|i| self.isoform_id_values.value(i))
                        .collect(),
                    names: range(self.isoform_names, isoform)
                        .map(|i| self.isoform_name_values.value(i))
                        .collect(),
                    sequence_type: text(self.isoform_type, isoform),
                    sequence_ref: text(self.isoform_ref, isoform),
                });
            }
        }
        for feature in range(self.features, row) {
            let located = self.location.is_valid(feature);
            let at = |array: &'a Int64Array| located.then(|| number(array, feature)).flatten();
            parts.features.push(FeatureParts {
                kind: self.feature_type.value(feature),
                id: text(self.feature_id, feature),
                description: text(self.feature_description, feature),
                original: text(self.feature_original, feature),
                variation: range(self.feature_variations, feature)
                    .next()
                    .map(|i| self.feature_variation_values.value(i)),
                variations: range(self.feature_variations, feature).len(),
                begin: at(self.location_begin),
                end: at(self.location_end),
                position: at(self.location_position),
                on_sequence: located
                    .then(|| text(self.location_sequence, feature))
                    .flatten(),
            });
        }
        parts
    }
}
