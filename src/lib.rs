//! uniprot-etl: streaming conversion of UniProtKB XML to Apache Parquet.
//!
//! The folders follow the data. The row format is [`table`]: the model, the typed Arrow column
//! builders each model declaration yields, and the schema derived from those builders. The
//! conversion is [`pipeline::convert`]: it opens nothing itself (its input is any `BufRead`;
//! [`pipeline::input`] opens paths and stdin, gzip/zstd sniffed by magic bytes), cuts the XML
//! into chunks of whole entries, parses them on a pool of worker threads ([`parse`]: its own
//! lexer, each entry written straight into the [`table`] builders, no DOM), takes them back in
//! input order, encodes each row group's columns in parallel and hands them to the writer
//! stage, which appends them through [`writer`] to temporary files renamed into place only on
//! success. Around it: [`config`] merges defaults, `config.yaml` and CLI flags; [`error`] types
//! every failure; [`interrupt`] turns SIGINT/SIGTERM into a quit flag. The invocation with its
//! record is [`run::run`]: run directories, the one report per conversion, logging, retention,
//! in the execution [`ledger`], which observes the pipeline's figures. Beyond one file:
//! [`dataset`] (shards, split, datasets with a manifest). The lab's library parts: [`lab`]
//! (synthetic corpora, the XML writer, throughput floors, fuzz entry points). On top: [`cli`],
//! the command line the binary and the Python package share.

pub mod cli;
pub mod config;
pub mod dataset;
pub mod error;
pub mod export;
pub mod interrupt;
pub mod isoform;
pub mod lab;
pub mod ledger;
pub mod parse;
pub mod pipeline;
pub mod run;
pub mod table;
pub mod writer;
