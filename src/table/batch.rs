//! `EntryBatchBuilder`: entries → Arrow `RecordBatch` in the schema of [`super::schema`].
//!
//! Backed by the typed column builders that [`super::columns`] derives from the model, reused
//! across batches, so building a batch is one pass over the entries appending straight into
//! concrete Arrow buffers (no per-value dispatch or field lookup). Reading rows back as model
//! values (tests, fuzzing, verification) goes through serde_arrow, behind the `readback`
//! feature: the converter itself never reads a batch back.

use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;

use super::columns::ColumnBuilder;
use super::model::{Entry, EntryColumns};
use super::schema;

/// Builds record batches of entries; one instance per worker thread.
pub struct EntryBatchBuilder {
    schema: SchemaRef,
    columns: EntryColumns,
}

impl Default for EntryBatchBuilder {
    fn default() -> Self {
        EntryBatchBuilder::new()
    }
}

impl EntryBatchBuilder {
    /// A builder for the output schema.
    pub fn new() -> Self {
        EntryBatchBuilder::with_schema(schema::schema())
    }

    /// A builder whose batches hold the columns of `schema`: the output schema or a projection
    /// of it ([`super::projection::Projection`]); the columns left out are not kept.
    pub fn with_schema(schema: SchemaRef) -> Self {
        EntryBatchBuilder {
            schema,
            columns: Default::default(),
        }
    }

    /// The schema of the batches built.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// Turns `entries` into one record batch.
    pub fn build(&mut self, entries: &[Entry]) -> Result<RecordBatch, ArrowError> {
        for entry in entries {
            self.push(entry);
        }
        self.finish()
    }

    /// Appends one entry to the batch in progress (so a caller need not keep the entries).
    pub fn push(&mut self, entry: &Entry) {
        self.columns.append(entry);
    }

    /// Reserves the room of a batch like the last one in every column, before a batch starts
    /// (see [`ColumnBuilder::reserve_like_last`]).
    pub fn reserve_like_last(&mut self) {
        self.columns.reserve_like_last();
    }

    /// The columns rows are appended to (the parser writes entries straight into them).
    pub fn columns_mut(&mut self) -> &mut EntryColumns {
        &mut self.columns
    }

    /// The batch of the entries appended since the last one; the builders start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let columns = self.columns.finish_fields(self.schema.fields())?;
        RecordBatch::try_new(self.schema.clone(), columns)
    }

    /// The entries appended since the last batch, read back as model values (tests, fuzzing).
    #[cfg(feature = "readback")]
    pub fn finish_entries(&mut self) -> Result<Vec<Entry>, crate::error::ReadBackError> {
        let batch = self.finish()?;
        Ok(entries_from_batch(&batch)?)
    }
}

/// Reads entries back out of a record batch of the output schema (tests, verification).
#[cfg(feature = "readback")]
pub fn entries_from_batch(batch: &RecordBatch) -> Result<Vec<Entry>, serde_arrow::Error> {
    serde_arrow::from_record_batch(batch)
}
