//! The rows of the isoforms table, declared once like the entry's model: the struct, its Arrow
//! column builders and the table's schema all come from this declaration.

use std::sync::Arc;

use arrow::datatypes::{Schema, SchemaRef};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;

use crate::table::columns::{columnar, ColumnBuilder};

columnar! {
    /// One isoform of an entry (`<isoform>` of its alternative products comment): one row of
    /// the isoforms table.
    pub struct IsoformRow => IsoformRowColumns, IsoformRowArrays {
        /// The entry's primary accession.
        pub accession: String,
        /// The isoform's first `<id>`, such as `P12345-2`.
        pub isoform_id: Option<String>,
        /// Every `<id>` of the isoform.
        pub ids: Vec<String>,
        /// `<name>` texts.
        pub names: Vec<String>,
        /// `sequence/@type`: `displayed` (the canonical), `described`, `external` or
        /// `not described`.
        pub sequence_type: Option<String>,
        /// The VSP ids `sequence/@ref` names: the splice variants applied to a described
        /// isoform.
        pub vsp_ids: Vec<String>,
        /// The isoform's sequence: the canonical with exactly its splice variants applied.
        pub sequence: Option<String>,
        /// Residues of `sequence`.
        pub length: Option<i32>,
        /// CRC64 of `sequence`, as UniProt computes `<sequence checksum>`.
        pub checksum: Option<String>,
        /// Why there is no sequence (`external`, `missing variant: VSP_…`, …); null with one.
        pub reason: Option<String>,
        /// The entry's positional features, mapped onto this isoform (empty without a
        /// sequence).
        pub features: Vec<MappedFeature>,
    }
}

columnar! {
    /// A positional feature of the entry with its coordinates on one isoform.
    pub struct MappedFeature => MappedFeatureColumns, MappedFeatureArrays {
        /// `@type`: `modified residue`, `glycosylation site`, `domain`, …
        pub kind as "type": String,
        /// `@id`, when the feature has one.
        pub id: Option<String>,
        /// `@description`.
        pub description: Option<String>,
        /// `begin/@position` on the canonical sequence (null for a location on an isoform).
        pub canonical_begin: Option<i64>,
        /// `end/@position` on the canonical sequence.
        pub canonical_end: Option<i64>,
        /// `position/@position` on the canonical sequence.
        pub canonical_position: Option<i64>,
        /// The begin on this isoform; null when unmapped.
        pub begin: Option<i64>,
        /// The end on this isoform; null when unmapped.
        pub end: Option<i64>,
        /// The position on this isoform; null when unmapped.
        pub position: Option<i64>,
        /// The residue at `position` on this isoform (single-residue features).
        pub residue: Option<String>,
        /// Why the feature has no coordinates here (`in a deleted span`, …); null when mapped.
        pub reason: Option<String>,
    }
}

/// The schema of the isoforms table.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(IsoformRowColumns::fields()))
}

/// Builds isoform rows into record batches of [`schema`].
#[derive(Default)]
pub struct IsoformBatchBuilder {
    columns: IsoformRowColumns,
}

impl IsoformBatchBuilder {
    /// Appends one row.
    pub fn push(&mut self, row: &IsoformRow) {
        self.columns.append(row);
    }

    /// Rows appended since the last batch.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True when no row was appended since the last batch.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The batch of the rows appended since the last one.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let schema = schema();
        let columns = self.columns.finish_fields(schema.fields())?;
        RecordBatch::try_new(schema, columns)
    }
}
