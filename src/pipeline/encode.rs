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

use std::sync::{Arc, Mutex, PoisonError};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use crossbeam_channel::{bounded, Sender};
use parquet::arrow::arrow_writer::{
    compute_leaves, ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory,
};
use parquet::errors::ParquetError;

use super::pool::Pool;
use crate::pipeline::metrics::Metrics;

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
        let jobs = fields
            .iter_mut()
            .enumerate()
            .map(|(index, slot)| {
                let mut writers = std::mem::take(slot);
                let (schema, batches) = (Arc::clone(&self.schema), Arc::clone(&batches));
                move || {
                    batches.iter().try_for_each(|batch| {
                        let leaves = compute_leaves(schema.field(index), batch.column(index))?;
                        writers
                            .iter_mut()
                            .zip(leaves)
                            .try_for_each(|(writer, leaf)| writer.write(&leaf))
                    })?;
                    Ok(writers)
                }
            })
            .collect();
        let mut failed = None;
        for (slot, writers) in fields.iter_mut().zip(run_all(pool, jobs, &self.metrics)?) {
            match writers {
                Ok(writers) => *slot = writers,
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
        let jobs = done
            .into_iter()
            .flatten()
            .map(|writer| move || writer.close())
            .collect();
        let chunks = run_all(pool, jobs, &self.metrics)?
            .into_iter()
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

/// The answers of one call's jobs. Each job files its own and the last to finish wakes the
/// caller, once: waking it for every answer cost ~4,500 extra context switches in a 1-thread
/// run of `real200.xml` (+0.1 s of kernel time).
struct Answers<T> {
    /// Each job's answer once filed, and how many jobs are still to answer.
    filed: Mutex<(Vec<Option<JobAnswer<T>>>, usize)>,
}

/// What one encode job returns.
type JobAnswer<T> = Result<T, ParquetError>;

impl<T> Answers<T> {
    /// Files job `index`'s answer; the last one tells `done`.
    fn file(&self, index: usize, answer: JobAnswer<T>, done: &Sender<()>) {
        let mut filed = self.filed.lock().unwrap_or_else(PoisonError::into_inner);
        let (answers, left) = &mut *filed;
        answers[index] = Some(answer);
        *left -= 1;
        if *left == 0 {
            let _ = done.send(());
        }
    }
}

/// Runs `jobs` on the pool as encode jobs (each one timed into `encode_nanos`, a panic turned
/// into an error) and returns their answers in job order once the last is done.
fn run_all<T, J>(
    pool: &Pool,
    jobs: Vec<J>,
    metrics: &Arc<Metrics>,
) -> Result<Vec<JobAnswer<T>>, ParquetError>
where
    T: Send + 'static,
    J: FnOnce() -> JobAnswer<T> + Send + 'static,
{
    let count = jobs.len();
    let answers = Arc::new(Answers {
        filed: Mutex::new(((0..count).map(|_| None).collect(), count)),
    });
    let (done, all_done) = bounded(1);
    for (index, job) in jobs.into_iter().enumerate() {
        let (answers, done, metrics) = (Arc::clone(&answers), done.clone(), Arc::clone(metrics));
        pool.encode(Box::new(move || {
            let answer = Metrics::timed(&metrics.encode_nanos, || caught(job));
            answers.file(index, answer, &done);
        }));
    }
    drop(done);
    if count > 0 && all_done.recv().is_err() {
        // Every job's sender is gone and none was last: a job was dropped without running.
        return Err(ParquetError::General(
            "an encode job ended without an answer".into(),
        ));
    }
    let mut filed = answers.filed.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(filed.0.drain(..).flatten().collect())
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
    fn answers_come_back_in_job_order_with_each_jobs_error() {
        std::thread::scope(|scope| {
            let pool = Pool::start(scope, 3).expect("threads start");
            let metrics = Arc::new(Metrics::default());
            let jobs = (0..50u64)
                .map(|i| {
                    move || match i % 7 {
                        3 => Err(ParquetError::General(format!("job {i}"))),
                        5 => panic!("job {i}"),
                        _ => Ok(i),
                    }
                })
                .collect();
            let answers = run_all(&pool, jobs, &metrics).expect("every job answers");
            for (i, answer) in (0..50u64).zip(answers) {
                match (i % 7, answer) {
                    (3, Err(e)) => assert!(e.to_string().contains(&format!("job {i}"))),
                    (5, Err(e)) => assert!(e.to_string().contains("panicked"), "{e}"),
                    (_, Ok(value)) => assert_eq!(value, i),
                    (_, other) => panic!("job {i}: {other:?}"),
                }
            }
            assert!(Metrics::get(&metrics.encode_nanos) > 0);
        });
    }
}
