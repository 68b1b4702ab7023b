//! uniprot-etl: streaming conversion of UniProtKB XML to Apache Parquet.
//!
//! The folders follow the data. The conversion: [`pipeline`] opens the input
//! ([`pipeline::input`]: a path or stdin, gzip/zstd sniffed by magic bytes, bytes counted), cuts
//! the decompressed XML into chunks of whole entries and parses them on a pool of worker threads
//! ([`parse`] turns quick-xml events into [`model::Entry`] values without a DOM, [`batch`] appends
//! those to the typed Arrow builders of [`columns`], in the [`schema`]), takes them back in input order, encodes each row
//! group's columns in parallel and hands them to the writer thread in [`writer`], which appends
//! them to temporary files renamed into place only on success. Around it: [`config`] merges
//! defaults, `config.yaml` and CLI flags; [`error`] types every failure; [`interrupt`] turns
//! SIGINT/SIGTERM into a quit flag. The run record: [`run`] wraps conversions in the execution
//! [`ledger`] (run directories, reports, the resource sampler, the counters every stage updates,
//! progress bar, logging). Beyond one file: [`dataset`] (shards, split, datasets with a
//! manifest). The lab's library parts: [`lab`] (synthetic corpora, the XML writer, throughput
//! floors, fuzz entry points).

pub mod cli;
pub mod config;
pub mod dataset;
pub mod error;
pub mod interrupt;
pub mod lab;
pub mod ledger;
pub mod parse;
pub mod pipeline;
pub mod run;
pub mod table;
pub mod writer;
