//! The encode stage: Arrow rows in, Parquet column chunks of one row group out, with the
//! columns encoded in parallel on the worker pool.
//!
//! A row group's ~390 leaf columns each get a parquet `ArrowColumnWriter`; rows arrive in
//! input order as slices of parsed chunks and are appended to every column at once (one pool
//! job per top-level field; closing, one per leaf column), so the row group never exists as one
//! big Arrow batch: memory is the encoded pages plus each column's current page. Column writers
//! are made when the first row of a row group arrives. The in-order stage waits for the
//! answers of a call's jobs before the next call, so each writer sees its rows in order; the
//! bytes produced depend only on the rows and the order of the `write` calls, never on the
//! number of threads.

use std::sync::Arc;
use std::time::Instant;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use crossbeam_channel::{unbounded, Receiver};
use parquet::arrow::arrow_writer::{
    compute_leaves, ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory,
};
use parquet::errors::ParquetError;

use super::pool::Pool;
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
    /// The pool's time spent encoding goes to its `encode_nanos`.
    metrics: Arc<Metrics>,
}

/// What an encode job sends back: its index among the call's jobs, and its field's writers
/// (after a write) or its column chunk (after closing).
type Answer<T> = (usize, Result<T, ParquetError>);

impl RowGroupEncoder {
    /// An encoder for the file whose column writers `factory` makes.
    pub fn new(
        factory: ArrowRowGroupWriterFactory,
        schema: SchemaRef,
        metrics: Arc<Metrics>,
    ) -> Self {
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
            metrics,
        }
    }

    /// Rows in the row group in progress.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends `batches` (in order) to the row group in progress, one pool job per top-level
    /// field, and waits for them. Each leaf writer gets one `write` per batch, so the bytes do
    /// not depend on how batches are grouped into calls.
    pub fn write(&mut self, pool: &Pool, batches: Vec<RecordBatch>) -> Result<(), ParquetError> {
        if self.fields.is_none() {
            let writers = self.factory.create_column_writers(self.row_group)?;
            self.fields = Some(self.group(writers)?);
        }
        let Some(fields) = self.fields.as_mut() else {
            return Ok(());
        };
        let rows = batches.iter().map(RecordBatch::num_rows).sum::<usize>();
        let batches = Arc::new(batches);
        let (answers, answered) = unbounded();
        for (index, slot) in fields.iter_mut().enumerate() {
            let mut writers = std::mem::take(slot);
            let (schema, batches, metrics) = (
                Arc::clone(&self.schema),
                Arc::clone(&batches),
                Arc::clone(&self.metrics),
            );
            let answers = answers.clone();
            pool.encode(Box::new(move || {
                let started = Instant::now();
                let written = caught(|| {
                    batches.iter().try_for_each(|batch| {
                        let leaves = compute_leaves(schema.field(index), batch.column(index))?;
                        writers
                            .iter_mut()
                            .zip(leaves)
                            .try_for_each(|(writer, leaf)| writer.write(&leaf))
                    })
                });
                Metrics::add_duration(&metrics.encode_nanos, started.elapsed());
                let _ = answers.send((index, written.map(|()| writers)));
            }));
        }
        drop(answers);
        let mut failed = None;
        for (index, writers) in collect(answered, fields.len())? {
            match writers {
                Ok(writers) => fields[index] = writers,
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        self.rows += rows;
        failed.map_or(Ok(()), Err)
    }

    /// Closes the row group in progress (empty when no row was written since the last one),
    /// one pool job per leaf column, and returns its column chunks in schema order.
    pub fn finish_row_group(&mut self, pool: &Pool) -> Result<Vec<ArrowColumnChunk>, ParquetError> {
        let Some(done) = self.fields.take() else {
            return Ok(Vec::new());
        };
        self.row_group += 1;
        self.rows = 0;
        // One job per leaf column: closing writes each column's last pages and its dictionary,
        // and the fields with the most columns would otherwise be one long job.
        let (answers, answered) = unbounded();
        let leaves = done.iter().map(Vec::len).sum();
        for (index, writer) in done.into_iter().flatten().enumerate() {
            let (answers, metrics) = (answers.clone(), Arc::clone(&self.metrics));
            pool.encode(Box::new(move || {
                let started = Instant::now();
                let closed = caught(|| writer.close());
                Metrics::add_duration(&metrics.encode_nanos, started.elapsed());
                let _ = answers.send((index, closed));
            }));
        }
        drop(answers);
        let chunks = collect(answered, leaves)?
            .into_iter()
            .map(|(_, closed)| closed)
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

/// Runs `work`, turning a panic into an error (the stage waiting for the answer must get one).
fn caught<T>(work: impl FnOnce() -> Result<T, ParquetError>) -> Result<T, ParquetError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(ParquetError::General("an encode job panicked".into())))
}

/// The answers of `jobs` jobs, in job order.
fn collect<T>(answered: Receiver<Answer<T>>, jobs: usize) -> Result<Vec<Answer<T>>, ParquetError> {
    let mut answers = answered.iter().take(jobs).collect::<Vec<_>>();
    if answers.len() != jobs {
        return Err(ParquetError::General(
            "an encode job ended without an answer".into(),
        ));
    }
    answers.sort_unstable_by_key(|(index, _)| *index);
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_job_answers_with_an_error() {
        let answer: Result<(), ParquetError> = caught(|| panic!("boom"));
        let message = answer.expect_err("the panic is an error").to_string();
        assert!(message.contains("panicked"), "{message}");
    }

    #[test]
    fn a_missing_answer_is_an_error() {
        let (answers, answered) = unbounded::<Answer<()>>();
        answers.send((1, Ok(()))).expect("receiver alive");
        answers.send((0, Ok(()))).expect("receiver alive");
        drop(answers);
        let collected = collect(answered.clone(), 2).expect("two answers");
        assert_eq!(
            collected.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [0, 1]
        );
        assert!(collect(answered, 1).is_err(), "no answer left");
    }
}
