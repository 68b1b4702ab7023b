//! uniprot-etl: streaming conversion of UniProtKB XML to Apache Parquet.
//!
//! The pipeline in a paragraph: [`input`] opens a path or stdin, sniffs gzip by magic bytes and
//! counts bytes; [`pipeline`] cuts the decompressed XML into chunks of whole entries, parses them
//! on a pool of worker threads ([`parse`] turns quick-xml events into [`model::Entry`] values
//! without a DOM, [`batch`] turns those into Arrow columns of the [`schema`]), takes them back in
//! input order, encodes each row group's columns in parallel and hands them to the writer
//! thread in [`writer`], which appends them to a temporary file that is renamed into place only
//! on success. [`config`] merges defaults,
//! `config.yaml` and CLI flags; [`metrics`] holds the counters every stage updates. [`run`]
//! wraps a conversion in the execution [`ledger`] (run directory, report, resource sampler).
//! [`dataset`] goes beyond one file: shards of one input, one input split into many documents,
//! and Parquet datasets of part files with a manifest.

pub mod batch;
pub mod cli;
pub mod config;
pub mod dataset;
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
