//! Settings of a conversion: built-in defaults < a YAML file < command-line flags.
//!
//! The file is `--config PATH`, else `config.yaml` in the working directory when present.
//! Unknown keys and out-of-range values are rejected with a message naming the key; the
//! effective settings serialize back to YAML loadable with `--config` (the run's snapshot).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ConfigFileError, Error, Result};

/// Name of the config file looked up in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "config.yaml";

/// All settings of a conversion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Batching and the channel between parser and writer.
    pub pipeline: PipelineSettings,
    /// Parquet encoding.
    pub parquet: ParquetSettings,
    /// Parser behaviour and limits.
    pub parser: ParserSettings,
    /// The execution ledger.
    pub runs: RunsSettings,
    /// Log verbosity.
    pub logging: LoggingSettings,
}

/// Batching and back-pressure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineSettings {
    /// Entries per batch (one batch = one Parquet row group).
    pub batch_size: usize,
    /// A batch is closed early once it covers this many bytes of XML.
    pub batch_max_bytes: u64,
    /// Parsed chunks that may wait for the in-order stage beyond one per thread; the reader
    /// blocks once `threads + channel_capacity` chunks are in flight.
    pub channel_capacity: usize,
    /// Threads doing CPU work (parsing, encoding); 0 = every available core.
    pub threads: usize,
    /// Bytes of XML per parse chunk: the reader cuts the input at the first entry boundary
    /// after this many bytes. The unit of parallel parsing and of the memory bound; for
    /// `export`, about the Parquet data (uncompressed) one decoded batch may hold.
    pub chunk_bytes: usize,
}

impl PipelineSettings {
    /// The worker threads a conversion uses: `threads`, or the available cores when 0.
    pub fn effective_threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

impl Default for PipelineSettings {
    fn default() -> Self {
        PipelineSettings {
            batch_size: 10_000,
            batch_max_bytes: 64 * 1024 * 1024,
            channel_capacity: 2,
            threads: 0,
            chunk_bytes: 1024 * 1024,
        }
    }
}

/// Parquet column compression codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// No compression.
    None,
    /// Snappy: fast, larger files.
    Snappy,
    /// Zstandard at `zstd_level`.
    Zstd,
}

/// Which encodings each column gets (`writer::plan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum EncodingPlan {
    /// The measured plan: no dictionary for values unique to an entry, no statistics where
    /// they prune nothing (docs/PERFORMANCE.md, "The encoding plan").
    Tuned,
    /// Every column gets the switches' values (dictionary, statistics), as before the plan.
    Uniform,
}

/// Parquet encoding settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParquetSettings {
    /// Column compression codec.
    pub compression: Compression,
    /// Zstandard level, 1–22 (used when `compression` is zstd).
    pub zstd_level: i32,
    /// Write min/max and null-count statistics per page and per column chunk.
    pub statistics: bool,
    /// Write them for the columns inside lists too: most of the values and of the statistics'
    /// cost; DuckDB prunes row groups with them (`list_contains`), Polars does not.
    pub list_statistics: bool,
    /// Dictionary-encode columns (Parquet falls back to plain where a dictionary grows large).
    pub dictionary: bool,
    /// Per-column encodings: `tuned` lowers the switches per column where measurement says
    /// so; `uniform` applies them to every column.
    pub plan: EncodingPlan,
}

impl Default for ParquetSettings {
    fn default() -> Self {
        ParquetSettings {
            compression: Compression::Zstd,
            zstd_level: 3,
            statistics: true,
            list_statistics: true,
            dictionary: true,
            plan: EncodingPlan::Tuned,
        }
    }
}

/// What to do with an entry that has a recoverable problem (docs/RELIABILITY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Stop the conversion with an error; no output file.
    Fail,
    /// Write the entry verbatim to the run's `rejects.xml`, count it, and go on.
    Skip,
}

/// Parser settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParserSettings {
    /// Fail on any element or attribute the parser does not map, instead of counting it.
    pub strict: bool,
    /// Largest accepted text of one element, and largest single XML token, in bytes.
    pub max_text_bytes: usize,
    /// Largest accepted `<entry>` (any child of `<uniprot>`), in bytes of XML.
    pub max_entry_bytes: u64,
    /// Deepest accepted element nesting (`<uniprot>` is depth 1).
    pub max_depth: usize,
    /// Policy for recoverable per-entry problems.
    pub on_error: OnError,
}

impl Default for ParserSettings {
    fn default() -> Self {
        ParserSettings {
            strict: false,
            max_text_bytes: 16 * 1024 * 1024,
            max_entry_bytes: 32 * 1024 * 1024,
            max_depth: 256,
            on_error: OnError::Fail,
        }
    }
}

/// The execution ledger: where run directories go, how many are kept, how often to sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunsSettings {
    /// Directory holding `run_YYYYMMDD_HHMMSS/` directories.
    pub runs_dir: PathBuf,
    /// Run directories kept after a successful run (0 keeps all).
    pub keep_runs: usize,
    /// Seconds between resource samples (0 disables the sampler).
    pub sample_interval_secs: f64,
}

impl Default for RunsSettings {
    fn default() -> Self {
        RunsSettings {
            runs_dir: PathBuf::from("runs"),
            keep_runs: 10,
            sample_interval_secs: 1.0,
        }
    }
}

/// Log verbosity, lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// The run summary and notable events.
    Info,
    /// Timings and decisions.
    Debug,
    /// Everything.
    Trace,
}

/// Logging settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoggingSettings {
    /// Verbosity; `-q` and `-v` override it.
    pub level: LogLevel,
}

impl Default for LoggingSettings {
    fn default() -> Self {
        LoggingSettings {
            level: LogLevel::Info,
        }
    }
}

/// Values given on the command line; `None` keeps the file's or the default value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--batch-size`.
    pub batch_size: Option<usize>,
    /// `--batch-max-bytes`.
    pub batch_max_bytes: Option<u64>,
    /// `--channel-capacity`.
    pub channel_capacity: Option<usize>,
    /// `--threads`.
    pub threads: Option<usize>,
    /// `--chunk-bytes`.
    pub chunk_bytes: Option<usize>,
    /// `--compression`.
    pub compression: Option<Compression>,
    /// `--zstd-level`.
    pub zstd_level: Option<i32>,
    /// `--no-statistics` (Some(false)).
    pub statistics: Option<bool>,
    /// `--no-list-statistics` (Some(false)).
    pub list_statistics: Option<bool>,
    /// `--no-dictionary` (Some(false)).
    pub dictionary: Option<bool>,
    /// `--encoding-plan`.
    pub plan: Option<EncodingPlan>,
    /// `--strict` (Some(true)).
    pub strict: Option<bool>,
    /// `--on-error`.
    pub on_error: Option<OnError>,
    /// `--runs-dir`.
    pub runs_dir: Option<PathBuf>,
    /// `-q` / `-v`.
    pub log_level: Option<LogLevel>,
}

impl Settings {
    /// Loads the effective settings: defaults, then the config file, then `overrides`.
    ///
    /// `explicit` is `--config`; without it `config.yaml` in the working directory is used
    /// when it exists. Returns the settings and the file they came from.
    pub fn resolve(
        explicit: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<(Settings, Option<PathBuf>)> {
        let file = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|p| p.is_file()),
        };
        let mut settings = match &file {
            Some(path) => Settings::from_file(path)?,
            None => Settings::default(),
        };
        settings.apply(overrides);
        settings.validate()?;
        Ok((settings, file))
    }

    /// Parses a YAML config file (missing keys take their defaults).
    pub fn from_file(path: &Path) -> Result<Settings> {
        let fail = |source: ConfigFileError| Error::ConfigFile {
            path: path.to_owned(),
            source,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.into()))?;
        Settings::from_yaml(&text).map_err(|e| fail(e.into()))
    }

    /// Parses YAML text; an empty document gives the defaults.
    pub fn from_yaml(text: &str) -> std::result::Result<Settings, serde_yaml_ng::Error> {
        if text.trim().is_empty() {
            return Ok(Settings::default());
        }
        serde_yaml_ng::from_str(text)
    }

    /// The settings as YAML, loadable with `--config`.
    pub fn to_yaml(&self) -> String {
        // Plain structs of strings, numbers and booleans always serialize.
        serde_yaml_ng::to_string(self).unwrap_or_else(|e| format!("# unserializable: {e}\n"))
    }

    /// Lays `o` over these settings (each value given wins).
    pub fn apply(&mut self, o: &Overrides) {
        let p = &mut self.pipeline;
        p.batch_size = o.batch_size.unwrap_or(p.batch_size);
        p.batch_max_bytes = o.batch_max_bytes.unwrap_or(p.batch_max_bytes);
        p.channel_capacity = o.channel_capacity.unwrap_or(p.channel_capacity);
        p.threads = o.threads.unwrap_or(p.threads);
        p.chunk_bytes = o.chunk_bytes.unwrap_or(p.chunk_bytes);
        let q = &mut self.parquet;
        q.compression = o.compression.unwrap_or(q.compression);
        q.zstd_level = o.zstd_level.unwrap_or(q.zstd_level);
        q.statistics = o.statistics.unwrap_or(q.statistics);
        q.list_statistics = o.list_statistics.unwrap_or(q.list_statistics);
        q.dictionary = o.dictionary.unwrap_or(q.dictionary);
        q.plan = o.plan.unwrap_or(q.plan);
        self.parser.strict = o.strict.unwrap_or(self.parser.strict);
        self.parser.on_error = o.on_error.unwrap_or(self.parser.on_error);
        if let Some(dir) = &o.runs_dir {
            self.runs.runs_dir = dir.clone();
        }
        self.logging.level = o.log_level.unwrap_or(self.logging.level);
    }

    /// Rejects values that are zero, negative or absurd, naming the key.
    pub fn validate(&self) -> Result<()> {
        fn check(ok: bool, key: &str, value: impl std::fmt::Display, range: &str) -> Result<()> {
            if ok {
                Ok(())
            } else {
                Err(Error::Config(format!(
                    "{key} = {value} is out of range ({range})"
                )))
            }
        }
        let p = &self.pipeline;
        check(
            (1..=10_000_000).contains(&p.batch_size),
            "pipeline.batch_size",
            p.batch_size,
            "1 to 10000000",
        )?;
        check(
            (1024..=1 << 40).contains(&p.batch_max_bytes),
            "pipeline.batch_max_bytes",
            p.batch_max_bytes,
            "1024 to 1099511627776",
        )?;
        check(
            (1..=4096).contains(&p.channel_capacity),
            "pipeline.channel_capacity",
            p.channel_capacity,
            "1 to 4096",
        )?;
        check(
            (1024..=1 << 30).contains(&p.chunk_bytes),
            "pipeline.chunk_bytes",
            p.chunk_bytes,
            "1024 to 1073741824",
        )?;
        check(
            p.threads <= 1024,
            "pipeline.threads",
            p.threads,
            "0 for every core, or 1 to 1024",
        )?;
        check(
            (1..=22).contains(&self.parquet.zstd_level),
            "parquet.zstd_level",
            self.parquet.zstd_level,
            "1 to 22",
        )?;
        let interval = self.runs.sample_interval_secs;
        check(
            interval == 0.0 || (0.01..=3600.0).contains(&interval),
            "runs.sample_interval_secs",
            interval,
            "0 to disable, or 0.01 to 3600",
        )?;
        check(
            !self.runs.runs_dir.as_os_str().is_empty(),
            "runs.runs_dir",
            "\"\"",
            "a directory path",
        )?;
        let parser = &self.parser;
        check(
            (1024..=1 << 40).contains(&parser.max_text_bytes),
            "parser.max_text_bytes",
            parser.max_text_bytes,
            "1024 to 1099511627776",
        )?;
        check(
            (1024..=1 << 40).contains(&parser.max_entry_bytes),
            "parser.max_entry_bytes",
            parser.max_entry_bytes,
            "1024 to 1099511627776",
        )?;
        check(
            (16..=1_000_000).contains(&parser.max_depth),
            "parser.max_depth",
            parser.max_depth,
            "16 to 1000000",
        )
    }
}

/// Parses a size such as `500MB`, `2GB`, `64KiB` or `1000` (bytes).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some((number * factor) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(Settings::from_yaml("").unwrap(), Settings::default());
    }

    #[test]
    fn file_values_override_defaults_and_flags_override_file() {
        let mut settings =
            Settings::from_yaml("pipeline:\n  batch_size: 500\n  channel_capacity: 5\n").unwrap();
        assert_eq!(settings.pipeline.batch_size, 500);
        assert_eq!(settings.pipeline.channel_capacity, 5);
        assert_eq!(settings.parquet, ParquetSettings::default());
        settings.apply(&Overrides {
            batch_size: Some(7),
            ..Overrides::default()
        });
        assert_eq!(settings.pipeline.batch_size, 7);
        assert_eq!(settings.pipeline.channel_capacity, 5);
    }

    #[test]
    fn statistics_switches_come_from_the_file_and_flags_override_them() {
        let mut settings = Settings::from_yaml("parquet:\n  list_statistics: false\n").unwrap();
        assert!(settings.parquet.statistics);
        assert!(!settings.parquet.list_statistics);
        settings.apply(&Overrides {
            statistics: Some(false),
            ..Overrides::default()
        });
        assert!(!settings.parquet.statistics);
        let mut settings = Settings::default();
        assert!(settings.parquet.list_statistics);
        settings.apply(&Overrides {
            list_statistics: Some(false),
            ..Overrides::default()
        });
        assert!(!settings.parquet.list_statistics);
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_name() {
        let err = Settings::from_yaml("pipeline:\n  batch_sise: 5\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("batch_sise"), "{err}");
        let err = Settings::from_yaml("parquett: {}\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("parquett"), "{err}");
    }

    #[test]
    fn invalid_values_are_rejected_with_their_key() {
        for (yaml, key) in [
            ("pipeline: {batch_size: 0}", "pipeline.batch_size"),
            (
                "pipeline: {channel_capacity: 0}",
                "pipeline.channel_capacity",
            ),
            (
                "pipeline: {batch_max_bytes: 10}",
                "pipeline.batch_max_bytes",
            ),
            ("parquet: {zstd_level: 99}", "parquet.zstd_level"),
            ("parser: {max_text_bytes: 10}", "parser.max_text_bytes"),
            ("parser: {max_entry_bytes: 0}", "parser.max_entry_bytes"),
            ("parser: {max_depth: 3}", "parser.max_depth"),
        ] {
            let err = Settings::from_yaml(yaml)
                .unwrap()
                .validate()
                .unwrap_err()
                .to_string();
            assert!(err.to_string().contains(key), "{yaml}: {err}");
        }
        let err = Settings::from_yaml("pipeline: {batch_size: -3}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("batch_size"), "{err}");
        let err = Settings::from_yaml("parquet: {compression: lz5}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("lz5"), "{err}");
        let err = Settings::from_yaml("parser: {on_error: ignore}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ignore"), "{err}");
    }

    #[test]
    fn yaml_round_trips() {
        let mut settings = Settings::default();
        settings.pipeline.batch_size = 123;
        settings.parquet.compression = Compression::Snappy;
        assert_eq!(Settings::from_yaml(&settings.to_yaml()).unwrap(), settings);
    }

    #[test]
    fn bundled_config_file_matches_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_CONFIG_FILE);
        assert_eq!(Settings::from_file(&path).unwrap(), Settings::default());
    }
}
