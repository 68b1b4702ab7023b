//! `report.yaml`: the versioned record of one run, and the bottleneck diagnosis derived from the
//! resource samples. The field names are a contract (docs/LEDGER.md) read by `runs list/show/
//! compare` and by `cargo xtask report`; add fields freely, never rename one without bumping
//! [`REPORT_SCHEMA_VERSION`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::Settings;

/// Version of the report format.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Mean channel fullness above which the writer is the bottleneck.
pub const WRITER_BOUND_FULLNESS: f64 = 0.9;

/// Mean channel fullness below which the parser is the bottleneck.
pub const PARSER_BOUND_FULLNESS: f64 = 0.1;

/// Fewer samples than this say little about fullness (runs of a second or two): the verdict
/// then comes from the measured blocked times instead.
pub const MIN_SAMPLES_FOR_FULLNESS: usize = 3;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// The Parquet file is complete at its final path.
    Succeeded,
    /// An error ended the run; no output file was left.
    Failed,
    /// A signal ended the run; no output file was left.
    Interrupted,
}

/// The whole report of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The run directory's name, such as `run_20261123_101500`.
    pub run_id: String,
    /// How the run ended.
    pub status: RunStatus,
    /// The error chain when the run did not succeed.
    pub error: Option<String>,
    /// Start time, RFC 3339.
    pub started_at: String,
    /// End time, RFC 3339.
    pub finished_at: String,
    /// Wall time of the run in seconds.
    pub duration_secs: f64,
    /// The program that ran.
    pub tool: ToolInfo,
    /// The machine it ran on.
    pub host: HostInfo,
    /// What was read.
    pub input: InputInfo,
    /// What was written.
    pub output: OutputInfo,
    /// The effective configuration (same content as `config_snapshot.yaml`).
    pub config: Settings,
    /// Throughput and timings.
    pub metrics: RunMetrics,
    /// Process CPU and memory from the sampler.
    pub resources: ResourceSummary,
    /// Channel fullness from the sampler.
    pub channel: ChannelSummary,
    /// Which side limited throughput.
    pub diagnosis: Diagnosis,
    /// Element/attribute paths the parser did not map, with counts.
    pub unmapped: BTreeMap<String, u64>,
    /// Entries rejected under `parser.on_error: skip` (absent in older reports: none).
    #[serde(default)]
    pub rejects: RejectsInfo,
}

/// Entries rejected under `parser.on_error: skip` and where they were kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RejectsInfo {
    /// Entries rejected (not in the Parquet file).
    pub entries: u64,
    /// The rejects file, relative to the run directory, when any entry was rejected.
    pub file: Option<String>,
}

impl RejectsInfo {
    /// Keeps `file` only when it exists in `dir` (it is created on the first reject).
    pub fn with_dir(mut self, dir: &std::path::Path) -> Self {
        self.file = self.file.filter(|name| dir.join(name).is_file());
        self
    }
}

/// Program version and the commit it was built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Crate version.
    pub version: String,
    /// `git rev-parse HEAD` at build time, when built from a checkout.
    pub git_commit: Option<String>,
}

/// The machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostInfo {
    /// Host name.
    pub hostname: String,
    /// Operating system and version.
    pub os: String,
    /// CPU brand string.
    pub cpu_model: String,
    /// Logical CPUs.
    pub cpu_cores: usize,
    /// Physical memory.
    pub total_memory_bytes: u64,
}

/// The input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    /// Path as given (`-` for stdin).
    pub path: String,
    /// Size on disk when known.
    pub bytes: Option<u64>,
    /// Whether it was gzip.
    pub compressed: bool,
}

/// The output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputInfo {
    /// Final path.
    pub path: String,
    /// Size of the Parquet file (null when the run failed).
    pub bytes: Option<u64>,
    /// Row groups written (null when the run failed).
    pub row_groups: Option<usize>,
}

/// Counters and timings of the conversion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// Entries parsed.
    pub entries: u64,
    /// Batches sent to the writer.
    pub batches: u64,
    /// Raw input bytes read (compressed bytes for gzip).
    pub bytes_read: u64,
    /// Decompressed XML bytes parsed.
    pub xml_bytes: u64,
    /// Entries per second of wall time.
    pub entries_per_sec: f64,
    /// MB (10^6 bytes) of XML per second of wall time.
    pub mb_per_sec: f64,
    /// Seconds the parser worked (wall time of parsing minus time blocked on a full channel).
    pub parse_secs: f64,
    /// Seconds the writer worked (building Arrow data, encoding and writing Parquet).
    pub write_secs: f64,
    /// Seconds the parser waited on a full channel (measured around `send`).
    pub parser_blocked_secs: f64,
    /// Seconds the writer waited on an empty channel (measured around `recv`).
    pub writer_blocked_secs: f64,
}

/// One resource sample (one line of `samples.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Seconds since the run started.
    pub time_secs: f64,
    /// Process CPU use, percent of one core (200 = two cores busy).
    pub cpu_percent: f64,
    /// Process resident set size.
    pub rss_bytes: u64,
    /// Batches waiting in the channel.
    pub channel_len: u64,
}

/// CPU and memory over the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceSummary {
    /// Number of samples taken.
    pub samples: usize,
    /// Mean CPU percent.
    pub cpu_percent_mean: f64,
    /// Highest CPU percent.
    pub cpu_percent_max: f64,
    /// Highest RSS seen.
    pub rss_bytes_peak: u64,
    /// Mean RSS.
    pub rss_bytes_mean: u64,
}

/// Channel fullness (`channel_len / capacity`) over the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// Channel capacity in batches.
    pub capacity: usize,
    /// Mean fullness, 0–1.
    pub fullness_mean: f64,
    /// 95th percentile of fullness, 0–1.
    pub fullness_p95: f64,
    /// Samples with fullness above 90%.
    pub samples_above_90pct: usize,
    /// Samples with fullness below 10%.
    pub samples_below_10pct: usize,
}

/// Which side of the pipeline limited throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bottleneck {
    /// The channel was mostly empty: the writer waited for the parser.
    Parser,
    /// The channel was mostly full: the parser waited for the writer.
    Writer,
    /// Neither dominated.
    Balanced,
}

/// The verdict with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The verdict.
    pub bottleneck: Bottleneck,
    /// A sentence saying why.
    pub reason: String,
    /// Fraction of samples with fullness above 90%.
    pub fraction_above_90pct: f64,
    /// Fraction of samples with fullness between 10% and 90%.
    pub fraction_between: f64,
    /// Fraction of samples with fullness below 10%.
    pub fraction_below_10pct: f64,
}

/// Summarises CPU and memory samples.
pub fn summarize_resources(samples: &[Sample]) -> ResourceSummary {
    if samples.is_empty() {
        return ResourceSummary::default();
    }
    let n = samples.len();
    ResourceSummary {
        samples: n,
        cpu_percent_mean: samples.iter().map(|s| s.cpu_percent).sum::<f64>() / n as f64,
        cpu_percent_max: samples.iter().map(|s| s.cpu_percent).fold(0.0, f64::max),
        rss_bytes_peak: samples.iter().map(|s| s.rss_bytes).max().unwrap_or(0),
        rss_bytes_mean: samples.iter().map(|s| s.rss_bytes).sum::<u64>() / n as u64,
    }
}

/// Summarises channel fullness and decides the bottleneck.
///
/// Mean fullness above 90% means the parser kept the channel full (writer-bound), below 10% that
/// the writer kept it empty (parser-bound). The measured blocked times are quoted as evidence.
pub fn diagnose(
    samples: &[Sample],
    capacity: usize,
    metrics: &RunMetrics,
) -> (ChannelSummary, Diagnosis) {
    let capacity = capacity.max(1);
    let mut fullness: Vec<f64> = samples
        .iter()
        .map(|s| (s.channel_len as f64 / capacity as f64).min(1.0))
        .collect();
    fullness.sort_by(f64::total_cmp);
    let n = fullness.len();
    let mean = if n == 0 {
        0.0
    } else {
        fullness.iter().sum::<f64>() / n as f64
    };
    let p95 = if n == 0 {
        0.0
    } else {
        fullness[((n - 1) as f64 * 0.95).round() as usize]
    };
    let above = fullness
        .iter()
        .filter(|&&f| f > WRITER_BOUND_FULLNESS)
        .count();
    let below = fullness
        .iter()
        .filter(|&&f| f < PARSER_BOUND_FULLNESS)
        .count();
    let fraction = |count: usize| if n == 0 { 0.0 } else { count as f64 / n as f64 };
    let (bottleneck, basis) = if n >= MIN_SAMPLES_FOR_FULLNESS {
        let verdict = if mean > WRITER_BOUND_FULLNESS {
            Bottleneck::Writer
        } else if mean < PARSER_BOUND_FULLNESS {
            Bottleneck::Parser
        } else {
            Bottleneck::Balanced
        };
        (
            verdict,
            format!(
                "mean channel fullness {:.0}% over {n} samples",
                mean * 100.0
            ),
        )
    } else {
        (
            verdict_from_blocked_times(metrics),
            format!("only {n} sample(s), so judged by blocked times"),
        )
    };
    let band = match bottleneck {
        Bottleneck::Writer => "the parser waited for the writer",
        Bottleneck::Parser => "the writer waited for the parser",
        Bottleneck::Balanced => "neither side mostly waited",
    };
    let reason = format!(
        "{basis}: {band}; parser blocked on send {:.2} s, writer blocked on recv {:.2} s",
        metrics.parser_blocked_secs, metrics.writer_blocked_secs,
    );
    let channel = ChannelSummary {
        capacity,
        fullness_mean: mean,
        fullness_p95: p95,
        samples_above_90pct: above,
        samples_below_10pct: below,
    };
    let diagnosis = Diagnosis {
        bottleneck,
        reason,
        fraction_above_90pct: fraction(above),
        fraction_between: fraction(n - above - below),
        fraction_below_10pct: fraction(below),
    };
    (channel, diagnosis)
}

/// The side that waited less is the bottleneck; within 10% of each other, balanced.
fn verdict_from_blocked_times(metrics: &RunMetrics) -> Bottleneck {
    let (parser, writer) = (metrics.parser_blocked_secs, metrics.writer_blocked_secs);
    let total = parser + writer;
    if total == 0.0 || (parser - writer).abs() <= 0.1 * total {
        Bottleneck::Balanced
    } else if parser > writer {
        Bottleneck::Writer
    } else {
        Bottleneck::Parser
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(channel_lens: &[u64]) -> Vec<Sample> {
        channel_lens
            .iter()
            .enumerate()
            .map(|(i, &channel_len)| Sample {
                time_secs: i as f64,
                cpu_percent: 100.0,
                rss_bytes: 1000 + i as u64,
                channel_len,
            })
            .collect()
    }

    #[test]
    fn full_channel_means_writer_bound() {
        let (channel, d) = diagnose(&series(&[8, 8, 8, 8, 7]), 8, &RunMetrics::default());
        assert!(channel.fullness_mean > 0.9);
        assert_eq!(d.bottleneck, Bottleneck::Writer);
        assert_eq!(channel.samples_above_90pct, 4);
        assert!((d.fraction_above_90pct - 0.8).abs() < 1e-9);
        assert!((d.fraction_between - 0.2).abs() < 1e-9);
    }

    #[test]
    fn empty_channel_means_parser_bound() {
        let (channel, d) = diagnose(
            &series(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
            8,
            &RunMetrics::default(),
        );
        assert_eq!(d.bottleneck, Bottleneck::Parser);
        assert_eq!(channel.samples_below_10pct, 10);
        assert!(d.reason.contains("waited for the parser"), "{}", d.reason);
    }

    #[test]
    fn middling_channel_is_balanced_and_p95_is_a_high_quantile() {
        let (channel, d) = diagnose(
            &series(&[0, 4, 8, 4, 4, 2, 6, 4, 4, 4]),
            8,
            &RunMetrics::default(),
        );
        assert_eq!(d.bottleneck, Bottleneck::Balanced);
        assert_eq!(channel.fullness_p95, 1.0);
        assert!((channel.fullness_mean - 0.5).abs() < 1e-9);
    }

    #[test]
    fn few_samples_are_judged_by_blocked_times() {
        let (channel, d) = diagnose(&[], 8, &RunMetrics::default());
        assert_eq!(channel.fullness_mean, 0.0);
        assert_eq!(d.bottleneck, Bottleneck::Balanced);
        assert_eq!(summarize_resources(&[]), ResourceSummary::default());
        let writer_bound = RunMetrics {
            parser_blocked_secs: 3.0,
            writer_blocked_secs: 0.1,
            ..RunMetrics::default()
        };
        let (_, d) = diagnose(&series(&[0]), 8, &writer_bound);
        assert_eq!(d.bottleneck, Bottleneck::Writer);
        assert!(d.reason.contains("blocked times"), "{}", d.reason);
        let parser_bound = RunMetrics {
            parser_blocked_secs: 0.0,
            writer_blocked_secs: 2.0,
            ..RunMetrics::default()
        };
        assert_eq!(
            diagnose(&series(&[8, 8]), 8, &parser_bound).1.bottleneck,
            Bottleneck::Parser
        );
    }

    #[test]
    fn resource_summary() {
        let s = summarize_resources(&series(&[0, 0, 0]));
        assert_eq!(
            (s.samples, s.rss_bytes_peak, s.rss_bytes_mean),
            (3, 1002, 1001)
        );
        assert_eq!(s.cpu_percent_max, 100.0);
    }
}
