//! The encode stage: Arrow rows in, Parquet column chunks of one row group out, with the
//! columns encoded in parallel on the worker pool.
//!
//! A row group's ~390 leaf columns each get a parquet `ArrowColumnWriter`; rows arrive in
//! input order as slices of parsed chunks and are appended to every column at once (one pool
//! task per top-level field), so the row group never exists as one big Arrow batch: memory is
//! the encoded pages plus each column's current page. Column writers are made when the first
//! row of a row group arrives. The bytes produced depend only on the
//! rows and the order of the `write` calls, never on the number of threads.

use std::sync::atomic::AtomicU64;
use std::time::Instant;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_writer::{
    compute_leaves, ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory,
};
use parquet::errors::ParquetError;
use rayon::prelude::*;

use crate::ledger::metrics::Metrics;

/// Column writers of the row group in progress, grouped by top-level field.
pub struct RowGroupEncoder {
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    /// For each top-level field, the writers of its leaf columns (row group in progress).
    fields: Option<Vec<Vec<ArrowColumnWriter>>>,
    /// Leaf columns of each top-level field (fixed by the schema).
    leaves_per_field: Vec<usize>,
    /// Index of the next row group.
    row_group: usize,
    /// Rows written into the row group in progress.
    rows: usize,
}

impl RowGroupEncoder {
    /// An encoder for the file whose column writers `factory` makes.
    pub fn new(factory: ArrowRowGroupWriterFactory, schema: SchemaRef) -> Self {
        let leaves_per_field = schema
            .fields()
            .iter()
            .map(|field| leaf_count(field.data_type()))
            .collect::<Vec<_>>();
        RowGroupEncoder {
            factory,
            schema,
            fields: None,
            leaves_per_field,
            row_group: 0,
            rows: 0,
        }
    }

    /// Rows in the row group in progress.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends `batches` (in order) to the row group in progress; call inside the worker pool.
    /// Each leaf writer gets one `write` per batch, so the bytes do not depend on how batches
    /// are grouped into calls. The time the pool's threads spend on it is added to
    /// `busy_nanos`.
    pub fn write(
        &mut self,
        batches: &[RecordBatch],
        busy_nanos: &AtomicU64,
    ) -> Result<(), ParquetError> {
        if self.fields.is_none() {
            let writers = self.factory.create_column_writers(self.row_group)?;
            self.fields = Some(self.group(writers)?);
        }
        let schema = &self.schema;
        let Some(fields) = self.fields.as_mut() else {
            return Ok(());
        };
        fields
            .par_iter_mut()
            .enumerate()
            .try_for_each(|(index, writers)| {
                let started = Instant::now();
                let written = batches.iter().try_for_each(|batch| {
                    let leaves = compute_leaves(schema.field(index), batch.column(index))?;
                    writers
                        .iter_mut()
                        .zip(leaves)
                        .try_for_each(|(writer, leaf)| writer.write(&leaf))
                });
                Metrics::add_duration(busy_nanos, started.elapsed());
                written
            })?;
        self.rows += batches.iter().map(RecordBatch::num_rows).sum::<usize>();
        Ok(())
    }

    /// Closes the row group in progress (empty when no row was written since the last one);
    /// call inside the worker pool. Thread time goes to `busy_nanos`.
    pub fn finish_row_group(
        &mut self,
        busy_nanos: &AtomicU64,
    ) -> Result<Vec<ArrowColumnChunk>, ParquetError> {
        let Some(done) = self.fields.take() else {
            return Ok(Vec::new());
        };
        self.row_group += 1;
        self.rows = 0;
        let chunks = done
            .into_par_iter()
            .flat_map_iter(|writers| {
                let started = Instant::now();
                let closed = writers
                    .into_iter()
                    .map(ArrowColumnWriter::close)
                    .collect::<Vec<_>>();
                Metrics::add_duration(busy_nanos, started.elapsed());
                closed
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(chunks)
    }

    /// Splits the flat list of leaf writers by top-level field.
    fn group(
        &self,
        writers: Vec<ArrowColumnWriter>,
    ) -> Result<Vec<Vec<ArrowColumnWriter>>, ParquetError> {
        let total: usize = self.leaves_per_field.iter().sum();
        if total != writers.len() {
            return Err(ParquetError::General(format!(
                "schema has {total} leaf columns but the writer made {}",
                writers.len()
            )));
        }
        let mut writers = writers.into_iter();
        Ok(self
            .leaves_per_field
            .iter()
            .map(|&n| writers.by_ref().take(n).collect())
            .collect())
    }
}

/// Parquet leaf columns of an Arrow type.
fn leaf_count(data_type: &arrow::datatypes::DataType) -> usize {
    use arrow::datatypes::DataType;
    match data_type {
        DataType::Struct(fields) => fields.iter().map(|f| leaf_count(f.data_type())).sum(),
        DataType::List(item) | DataType::LargeList(item) => leaf_count(item.data_type()),
        _ => 1,
    }
}
