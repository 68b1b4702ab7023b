//! `EntryBatchBuilder`: `Vec<Entry>` → Arrow `RecordBatch` in the schema of [`crate::schema`].
//!
//! Backed by `serde_arrow`'s `ArrayBuilder`, reused across batches, so building a batch is one
//! pass over the entries appending straight into typed Arrow builders.

use arrow::record_batch::RecordBatch;
use serde_arrow::ArrayBuilder;

use crate::model::Entry;
use crate::schema;

/// Builds record batches of entries; one instance per writer thread.
pub struct EntryBatchBuilder {
    builder: ArrayBuilder,
}

impl EntryBatchBuilder {
    /// A builder for the output schema.
    pub fn new() -> Result<Self, serde_arrow::Error> {
        let builder = ArrayBuilder::from_arrow(schema::fields())?;
        Ok(EntryBatchBuilder { builder })
    }

    /// Turns `entries` into one record batch.
    pub fn build(&mut self, entries: &[Entry]) -> Result<RecordBatch, serde_arrow::Error> {
        self.builder.extend(entries)?;
        self.finish()
    }

    /// Appends one entry to the batch in progress (so a caller need not keep the entries).
    pub fn push(&mut self, entry: &Entry) -> Result<(), serde_arrow::Error> {
        self.builder.push(entry)
    }

    /// The batch of the entries pushed since the last one; the builders start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, serde_arrow::Error> {
        self.builder.to_record_batch()
    }
}

/// Reads entries back out of a record batch of the output schema (tests, verification).
pub fn entries_from_batch(batch: &RecordBatch) -> Result<Vec<Entry>, serde_arrow::Error> {
    serde_arrow::from_record_batch(batch)
}
