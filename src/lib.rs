//! uniprot-etl: streaming conversion of UniProtKB XML to Apache Parquet.
//!
//! The pipeline in a paragraph: [`input`] opens a path or stdin, sniffs gzip by magic bytes and
//! counts bytes; [`parse`] turns quick-xml events into one [`model::Entry`] at a time without a
//! DOM; [`pipeline`] groups entries into batches on the main thread and sends them through a
//! bounded crossbeam channel to the writer thread in [`writer`], which turns each batch into an
//! Arrow `RecordBatch` ([`batch`], schema in [`schema`]) and writes it as one Parquet row group
//! to a temporary file that is renamed into place only on success. [`config`] merges defaults,
//! `config.yaml` and CLI flags; [`metrics`] holds the counters both threads update. [`run`]
//! wraps a conversion in the execution [`ledger`] (run directory, report, resource sampler).

pub mod batch;
pub mod cli;
pub mod config;
pub mod error;
pub mod floor;
pub mod fuzz;
pub mod input;
pub mod interrupt;
pub mod ledger;
pub mod logging;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod pipeline;
#[cfg(feature = "pprof")]
pub mod profiling;
pub mod progress;
pub mod rejects;
pub mod run;
pub mod schema;
pub mod synth;
pub mod tempfiles;
pub mod ticker;
pub mod writer;
pub mod xml_out;
