//! What an invocation asks for, as the command line (or a library caller) says it: the inputs,
//! the output, where the settings come from, a dataset's options and the run's extras.

use std::path::PathBuf;

use crate::config::Overrides;
use crate::dataset;
use crate::dataset::shard::Shard;
use crate::interrupt::QuitFlag;
use crate::writer::{FileLimits, Target};

/// A conversion as the command line asks for it: what to read and write, where the settings
/// come from, and the run's name and extras. [`run`] turns it into a [`RunOutcome`].
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// Input paths (`-` for stdin); one unless the output is a dataset.
    pub inputs: Vec<String>,
    /// Output Parquet file, or dataset directory.
    pub output: PathBuf,
    /// The columns to write (names or dotted paths; empty: every column).
    pub columns: Vec<String>,
    /// Write the isoforms table too (`--isoforms [FILE]`): to this file, or, when empty, beside
    /// the output (`OUT.isoforms.parquet`) or as a dataset's isoforms part set.
    pub isoforms: Option<PathBuf>,
    /// Convert only this shard of the (single, plain) input.
    pub shard: Option<Shard>,
    /// Dataset options (ignored for a single output file).
    pub dataset: DatasetOptions,
    /// `--config` (else `config.yaml` in the working directory, when present).
    pub config_file: Option<PathBuf>,
    /// Values given as flags (the last word over the file).
    pub overrides: Overrides,
    /// Appended to the run directory's name.
    pub run_name: Option<String>,
    /// Where to also write Prometheus metrics.
    pub metrics_file: Option<PathBuf>,
    /// Show the progress bar (when stderr is a terminal).
    pub show_progress: bool,
    /// Profile the conversion into the run directory (needs the `pprof` feature).
    pub profile: bool,
    /// The flag that stops the conversions, set by the caller (the Python package, which
    /// keeps the interpreter's own signal handling); `None` installs the SIGINT/SIGTERM
    /// handler of the command line.
    pub quit: Option<QuitFlag>,
}

/// How an invocation writes into a dataset directory.
#[derive(Debug, Clone, Default)]
pub struct DatasetOptions {
    /// Write a dataset even for one input and an output path that does not look like a
    /// directory (set when a file limit is given).
    pub force: bool,
    /// The unit number of the single input (default: the shard's K−1, else the input's
    /// position).
    pub unit: Option<u32>,
    /// Skip units whose record and parts are already in place.
    pub resume: bool,
    /// Do not commit the manifest (another step does, once every unit of a distributed
    /// conversion finished).
    pub no_commit: bool,
    /// When a unit starts its next part file.
    pub file_limits: FileLimits,
}

impl RunRequest {
    /// Whether the output is a dataset directory rather than one file.
    pub fn writes_dataset(&self) -> bool {
        self.inputs.len() > 1
            || self.dataset.force
            || self.dataset.file_limits != FileLimits::default()
            || dataset::names_a_directory(&self.output)
    }

    /// Where the rows of unit `unit` go: the dataset's parts, or the one output file.
    pub fn target(&self, unit: u32) -> Target {
        if self.writes_dataset() {
            Target::Parts {
                dir: self.output.clone(),
                unit,
            }
        } else {
            Target::File(self.output.clone())
        }
    }
}
