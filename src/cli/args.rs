//! Command-line types (clap derive) and their translation into library settings; no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{parse_size, Compression, EncodingPlan, LogLevel, OnError, Overrides};
use crate::dataset::shard::Shard;
use crate::dataset::split::PartCompression;
use crate::export::XmlCompression;
use crate::writer::FileLimits;

/// Streaming UniProtKB XML → Apache Parquet converter.
#[derive(Debug, Parser)]
#[command(name = "uniprot-etl", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// More logging (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert UniProt XML (plain or gzip, a path or `-` for stdin) to one Parquet file, or
    /// inputs (files, directories, globs) or a shard of one into a Parquet dataset directory.
    Convert(Box<ConvertArgs>),
    /// Write UniProt XML back from a Parquet file of this schema (this tool's, or one rewritten
    /// by DuckDB, Polars or pyarrow) or a dataset directory: one `<entry>` per row, in order.
    Export(ExportArgs),
    /// Split one UniProt XML input (plain, gzip or stdin) into N well-formed documents, in one
    /// sequential pass, so that its parts can be converted on several machines.
    Split(SplitArgs),
    /// Write a dataset's `_manifest.json` from its units' records, once every unit finished.
    Commit {
        /// The dataset directory.
        dir: PathBuf,
        /// Fail unless exactly this many units are recorded.
        #[arg(long)]
        units: Option<usize>,
    },
    /// Check a dataset against its manifest: every part present, with its size and SHA-256,
    /// and no part the manifest does not list.
    Verify {
        /// The dataset directory.
        dir: PathBuf,
    },
    /// Print the Arrow schema of the output.
    Schema,
    /// List every column path `convert --columns` accepts, one per line.
    Columns,
    /// Inspect the execution ledger (run directories).
    Runs(RunsArgs),
    /// Measure the I/O, tokenizer and parse-only throughput floors of an input (YAML on stdout).
    Floor {
        /// Input UniProt XML file (plain or gzip).
        input: String,
    },
}

/// Arguments of `runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// What to show.
    #[command(subcommand)]
    pub command: RunsCommand,
    /// Directory of run directories (default: runs.runs_dir of the config).
    #[arg(long, global = true)]
    pub runs_dir: Option<PathBuf>,
    /// Config file (default: ./config.yaml when present).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
}

/// The `runs` subcommands.
#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Table of recent runs: id, status, entries, MB/s, peak RSS, bottleneck.
    List,
    /// One run's report.
    Show {
        /// Run id (directory name, a unique prefix of it, or a path).
        id: String,
    },
    /// Two runs side by side, with ratios B / A.
    Compare {
        /// Run A.
        a: String,
        /// Run B.
        b: String,
    },
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A Parquet file of this schema, or a dataset directory (its manifest is verified first).
    pub input: PathBuf,
    /// The XML document to write (`.gz` or `.zst` compress it), or `-` for stdout.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Compression of the XML (default: by the output's name).
    #[arg(long, value_enum)]
    pub compress: Option<XmlCompression>,
    /// Config file (default: ./config.yaml when present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Threads writing XML (one more decodes the Parquet); 0 = every available core.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Decoded batches that may be in flight beyond one per thread (the memory bound).
    #[arg(long)]
    pub channel_capacity: Option<usize>,
    /// Directory of run directories (default: runs).
    #[arg(long)]
    pub runs_dir: Option<PathBuf>,
    /// Appended to the run directory's name.
    #[arg(long)]
    pub run_name: Option<String>,
}

impl ExportArgs {
    /// The flags that override the config file; `log_level` comes from the global -q/-v.
    pub fn overrides(&self, log_level: Option<LogLevel>) -> Overrides {
        Overrides {
            threads: self.threads,
            channel_capacity: self.channel_capacity,
            runs_dir: self.runs_dir.clone(),
            log_level,
            ..Overrides::default()
        }
    }
}

/// Arguments of `split`.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// Input UniProt XML (plain or gzip), or `-` for stdin.
    pub input: String,
    /// Output directory of `part-NNNNN.xml[.gz|.zst]` documents.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Number of parts: entries are dealt to them in runs of ~`--chunk-bytes`, balanced
    /// without knowing the input's size.
    #[arg(
        long,
        conflicts_with = "part_size",
        required_unless_present = "part_size",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub parts: Option<u32>,
    /// Contiguous parts of about this much XML each (e.g. 2GB).
    #[arg(long, value_parser = parse_size_arg)]
    pub part_size: Option<u64>,
    /// Compression of the parts.
    #[arg(long, value_enum, default_value = "gzip")]
    pub compress: PartCompression,
    /// Bytes of XML dealt to one part at a time with `--parts`.
    #[arg(long, value_parser = parse_size_arg, default_value = "1MiB")]
    pub chunk_bytes: u64,
}

/// A size argument such as `2GB`, `512MiB` or `1000`.
fn parse_size_arg(text: &str) -> Result<u64, String> {
    parse_size(text).ok_or_else(|| format!("`{text}` is not a size (e.g. 2GB, 512MiB, 1000)"))
}

/// Arguments of `convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input UniProt XML files (`.xml` or `.xml.gz`), directories of them, glob patterns, or
    /// `-` for stdin. Several inputs make a dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Output Parquet file, or dataset directory (an existing directory, or a path ending in
    /// `/`).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Write only these columns, comma-separated: top-level columns or dotted paths into
    /// structs and list items (`accession,organism.taxon_id,features.type`); `uniprot-etl
    /// columns` lists them. Default: every column.
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Also write the isoforms table: one row per isoform of every entry, its sequence built
    /// from the entry's splice variants (or why it has none) and the entry's features mapped
    /// onto it. To FILE, or without one beside the output (OUT.isoforms.parquet); a dataset
    /// gets an isoforms part set (DIR/isoforms/, in the manifest) and takes no FILE.
    #[arg(long, value_name = "FILE")]
    pub isoforms: Option<Option<PathBuf>>,
    /// Convert only the entries starting in the K-th of N byte ranges of a plain input file
    /// (K from 1); the N shards' union is the whole file.
    #[arg(long)]
    pub shard: Option<Shard>,
    /// Unit number of this conversion in the dataset (names its parts; default: the shard's
    /// K−1, else the input's position).
    #[arg(long)]
    pub unit: Option<u32>,
    /// Skip dataset units already converted (record and parts in place).
    #[arg(long)]
    pub resume: bool,
    /// Do not write the dataset's manifest (run `commit` once every unit is done).
    #[arg(long)]
    pub no_commit: bool,
    /// Most rows in one part file (row groups are cut to fit; makes the output a dataset).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_rows: Option<u64>,
    /// Most bytes of row groups in one part file (e.g. 512MB; parts are cut between row
    /// groups, the footer comes on top; makes the output a dataset).
    #[arg(long, value_parser = parse_size_arg)]
    pub max_file_bytes: Option<u64>,
    /// Config file (default: ./config.yaml when present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Entries per batch / row group.
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Close a batch early after this many bytes of XML.
    #[arg(long)]
    pub batch_max_bytes: Option<u64>,
    /// Parsed chunks that may wait for the in-order stage beyond one per thread.
    #[arg(long)]
    pub channel_capacity: Option<usize>,
    /// Threads doing CPU work (parsing, encoding); 0 = every available core.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Bytes of XML per parse chunk.
    #[arg(long)]
    pub chunk_bytes: Option<usize>,
    /// Parquet compression codec.
    #[arg(long, value_enum)]
    pub compression: Option<Compression>,
    /// Zstandard level (1–22).
    #[arg(long)]
    pub zstd_level: Option<i32>,
    /// Do not write column statistics.
    #[arg(long)]
    pub no_statistics: bool,
    /// No statistics for the columns inside lists (~5% fewer instructions, 3–4% less CPU time;
    /// filters on list elements no longer prune row groups).
    #[arg(long)]
    pub no_list_statistics: bool,
    /// Do not dictionary-encode columns.
    #[arg(long)]
    pub no_dictionary: bool,
    /// Per-column encodings: tuned (measured per column) or uniform (the switches everywhere).
    #[arg(long, value_enum)]
    pub encoding_plan: Option<EncodingPlan>,
    /// Fail on any element or attribute the parser does not map.
    #[arg(long)]
    pub strict: bool,
    /// Recoverable per-entry problems: fail the run, or skip the entry into rejects.xml.
    #[arg(long, value_enum)]
    pub on_error: Option<OnError>,
    /// Directory of run directories (default: runs).
    #[arg(long)]
    pub runs_dir: Option<PathBuf>,
    /// Appended to the run directory's name.
    #[arg(long)]
    pub run_name: Option<String>,
    /// Also write the final metrics here in Prometheus text format.
    #[arg(long)]
    pub metrics_file: Option<PathBuf>,
    /// Profile the conversion: folded stacks and flamegraph.svg in the run directory
    /// (needs a build with the `pprof` feature).
    #[arg(long)]
    pub profile: bool,
}

impl Cli {
    /// The log level chosen by -q / -v, if any.
    pub fn log_level(&self) -> Option<LogLevel> {
        match (self.quiet, self.verbose) {
            (true, _) => Some(LogLevel::Error),
            (false, 0) => None,
            (false, 1) => Some(LogLevel::Debug),
            (false, _) => Some(LogLevel::Trace),
        }
    }
}

impl ConvertArgs {
    /// The dataset part limits given.
    pub fn file_limits(&self) -> FileLimits {
        FileLimits {
            max_rows: self.max_file_rows,
            max_bytes: self.max_file_bytes,
        }
    }

    /// The flags that override the config file; `log_level` comes from the global -q/-v.
    pub fn overrides(&self, log_level: Option<LogLevel>) -> Overrides {
        Overrides {
            batch_size: self.batch_size,
            batch_max_bytes: self.batch_max_bytes,
            channel_capacity: self.channel_capacity,
            threads: self.threads,
            chunk_bytes: self.chunk_bytes,
            compression: self.compression,
            zstd_level: self.zstd_level,
            statistics: self.no_statistics.then_some(false),
            list_statistics: self.no_list_statistics.then_some(false),
            dictionary: self.no_dictionary.then_some(false),
            plan: self.encoding_plan,
            strict: self.strict.then_some(true),
            on_error: self.on_error,
            runs_dir: self.runs_dir.clone(),
            log_level,
        }
    }
}
