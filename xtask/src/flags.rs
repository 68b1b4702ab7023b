//! Command-line flags of every task (clap derive); no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The uniprot-etl performance lab.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
pub struct Xtask {
    /// The task.
    #[command(subcommand)]
    pub command: Command,
}

/// The tasks.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a synthetic UniProt XML corpus.
    Gen(GenArgs),
    /// Convert one corpus under a grid of configurations and compare them.
    Sweep(SweepArgs),
    /// Aggregate run or sweep directories into a comparison table.
    Report(ReportArgs),
    /// Profile a conversion and render a flamegraph (or a differential one).
    Flamegraph(FlamegraphArgs),
    /// Measure the I/O, tokenizer and parse-only floors and the converter's efficiency.
    Floor(FloorArgs),
    /// Regression gate against benches/baseline.yaml.
    Regress(RegressArgs),
    /// Time another converter's command line side by side with ours on the same corpus.
    Compare(CompareArgs),
    /// Write the generated part of docs/SCHEMA.md (column and shape tables) from the schema.
    SchemaDoc,
    /// Per-column costs of a corpus: build and encode time, bytes, dictionary, statistics.
    Columns(ColumnsArgs),
}

/// `columns` flags.
#[derive(Debug, Args)]
pub struct ColumnsArgs {
    /// The corpus.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Leaf columns listed (the most expensive to encode first).
    #[arg(long, default_value_t = 30)]
    pub top: usize,
    /// Runs of each scan; the fastest counts.
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
}

/// `compare` flags.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The corpus.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Runs of each command, interleaved.
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// Extra flags for our `convert` (e.g. `--ours-args=--threads=1`).
    #[arg(long, allow_hyphen_values = true, value_delimiter = ' ')]
    pub ours_args: Vec<String>,
    /// Binary to run instead of building the release binary.
    #[arg(long, hide = true)]
    pub binary: Option<PathBuf>,
    /// The other converter's command line; `{input}` and `{output}` are replaced.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// Which corpus to use: a file, or a generated one (cached under runs/corpus).
#[derive(Debug, Clone, Args)]
pub struct CorpusArgs {
    /// Use this input instead of a generated corpus.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Generated corpus: number of entries.
    #[arg(long, conflicts_with = "size")]
    pub entries: Option<u64>,
    /// Generated corpus: size such as 500MB.
    #[arg(long)]
    pub size: Option<String>,
    /// Generated corpus: sprot (rich, ~10 KB/entry) or trembl (sparse, ~3 KB/entry).
    #[arg(long, default_value = "sprot")]
    pub profile: String,
    /// Generated corpus: random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generated corpus: replicate the real entries of the UniProt files (.xml, .xml.gz) in
    /// this directory, with unique accessions, instead of synthesizing entries.
    #[arg(long, conflicts_with = "input")]
    pub from: Option<PathBuf>,
    /// With --from: `unique` gives every copy its own entry name and sequence (residues
    /// redrawn with real composition, checksum and mass recomputed), as in a release;
    /// `verbatim` repeats them (only accessions change), which flatters the encoder.
    #[arg(long, default_value = "unique", value_parser = ["unique", "verbatim"], requires = "from")]
    pub copies: String,
}

/// `gen` flags.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// What to generate.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Output path (default: runs/corpus/PROFILE_AMOUNT_sSEED.xml[.gz]).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Gzip the output.
    #[arg(long)]
    pub gzip: bool,
}

/// `sweep` flags.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The corpus.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Batch sizes to try.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,50000")]
    pub batch_sizes: Vec<usize>,
    /// Channel capacities to try.
    #[arg(long, value_delimiter = ',', default_value = "1,2,8,32")]
    pub channel_capacities: Vec<usize>,
    /// Worker thread counts to try (default: the machine's cores).
    #[arg(long, value_delimiter = ',')]
    pub threads: Vec<usize>,
    /// Compression codecs to try (none, snappy, zstd).
    #[arg(long, value_delimiter = ',', default_value = "zstd")]
    pub compression: Vec<String>,
    /// Encoding plans to try (tuned, uniform; `writer::plan`).
    #[arg(long, value_delimiter = ',', default_value = "tuned", value_parser = ["tuned", "uniform"])]
    pub encoding_plans: Vec<String>,
    /// Runs per configuration (interleaved round-robin).
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// Binary to run instead of building the release binary (tests use the debug one).
    #[arg(long, hide = true)]
    pub binary: Option<PathBuf>,
    /// Directory to create the sweep directory in (default: runs/sweeps).
    #[arg(long)]
    pub sweeps_dir: Option<PathBuf>,
}

/// `report` flags.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Run directories, sweep directories or directories holding run directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format: md, csv or yaml.
    #[arg(long, default_value = "md")]
    pub format: String,
    /// Config keys to group by (default: batch_size, channel_capacity, compression).
    #[arg(long, value_delimiter = ',')]
    pub group_by: Vec<String>,
    /// Instead, aggregate the unit runs of this dataset directory: per-unit MB/s, totals,
    /// stragglers.
    #[arg(long)]
    pub dataset: Option<PathBuf>,
}

/// `flamegraph` flags.
#[derive(Debug, Args)]
pub struct FlamegraphArgs {
    /// The corpus to profile.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Render a differential flamegraph of two profiled runs (run directories or folded files).
    #[arg(long, num_args = 2, value_names = ["RUN_A", "RUN_B"])]
    pub diff: Option<Vec<PathBuf>>,
}

/// `floor` flags.
#[derive(Debug, Args)]
pub struct FloorArgs {
    /// The corpus.
    #[command(flatten)]
    pub corpus: CorpusArgs,
}

/// `regress` flags.
#[derive(Debug, Args)]
pub struct RegressArgs {
    /// Gate on instruction counts under valgrind (deterministic; what CI runs) instead of the
    /// efficiency ratio.
    #[arg(long)]
    pub instructions: bool,
    /// Allowed slowdown in percent beyond the measured noise.
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Interleaved repeats (efficiency mode).
    #[arg(long, default_value_t = 5)]
    pub repeats: usize,
    /// Rewrite the baseline with this measurement instead of comparing.
    #[arg(long)]
    pub update: bool,
    /// Baseline file.
    #[arg(long, default_value = "benches/baseline.yaml")]
    pub baseline: PathBuf,
}
