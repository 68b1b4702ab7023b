//! `report.yaml`: the versioned record of one run, and the bottleneck diagnosis derived from the
//! resource samples. The field names are a contract (docs/LEDGER.md) read by `runs list/show/
//! compare` and by `cargo xtask report`; add fields freely, never rename one without bumping
//! [`REPORT_SCHEMA_VERSION`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::pipeline::input::ByteRange;

/// Version of the report format.
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// Pipeline fill above which a sample counts as full.
pub const FULL_FRACTION: f64 = 0.9;

/// Pipeline fill below which a sample counts as empty.
pub const EMPTY_FRACTION: f64 = 0.1;

/// Runs shorter than this (seconds) are not judged: thread start-up and the first and last
/// chunk dominate them.
pub const MIN_SECS_TO_JUDGE: f64 = 0.5;

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
    /// The command that ran (absent in older reports: `convert`).
    #[serde(default)]
    pub command: Command,
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
    /// Pipeline fill (chunks in flight) from the sampler.
    pub channel: ChannelSummary,
    /// Which side limited throughput.
    pub diagnosis: Diagnosis,
    /// Element/attribute paths the parser did not map, with counts.
    pub unmapped: BTreeMap<String, u64>,
    /// Entries rejected under `parser.on_error: skip` (absent in older reports: none).
    #[serde(default)]
    pub rejects: RejectsInfo,
    /// The dataset unit this run converted, when it wrote into a dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetInfo>,
    /// The isoforms table (`convert --isoforms`): its file and the derivation's figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isoforms: Option<IsoformsInfo>,
}

/// Which command a run was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    /// UniProt XML to Parquet.
    #[default]
    Convert,
    /// Parquet back to UniProt XML.
    Export,
}

/// The isoforms table a conversion wrote beside its output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsoformsInfo {
    /// The isoforms file.
    pub path: String,
    /// Its bytes.
    pub bytes: u64,
    /// How many isoforms got a sequence, which did not and why, and how the features mapped.
    #[serde(flatten)]
    pub counts: crate::isoform::IsoformCounts,
}

/// Which unit of which dataset a run converted (`runs list` groups runs by it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// The dataset directory, absolute.
    pub dir: String,
    /// The unit's number.
    pub unit: u32,
    /// `K/N` when the unit is a shard of its input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The part files written, by name.
    #[serde(default)]
    pub parts: Vec<String>,
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

impl ToolInfo {
    /// This program.
    pub fn current() -> ToolInfo {
        ToolInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            git_commit: Some(env!("UNIPROT_ETL_GIT_COMMIT").to_owned()).filter(|c| !c.is_empty()),
        }
    }
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
    /// The allocator and its settings ([`super::memory_setup::allocator`]); empty in reports
    /// written before it was recorded.
    #[serde(default)]
    pub allocator: String,
    /// Transparent huge pages for the process: `off`, or the system's mode
    /// ([`super::memory_setup::huge_pages`]).
    #[serde(default)]
    pub huge_pages: String,
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
    /// The stretch of the file a shard converted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<ByteRange>,
    /// Hex SHA-256 of the bytes read (the file, or the shard's stretch), for a dataset's record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
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
    /// The columns written when not all of them (`--columns`), as asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

/// Counters and timings of the conversion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// Entries converted.
    pub entries: u64,
    /// Batches (= row groups) written.
    pub batches: u64,
    /// Raw input bytes read (compressed bytes for gzip).
    pub bytes_read: u64,
    /// Decompressed XML bytes parsed.
    pub xml_bytes: u64,
    /// Entries per second of wall time.
    pub entries_per_sec: f64,
    /// MB (10^6 bytes) of XML per second of wall time.
    pub mb_per_sec: f64,
    /// Worker threads (`pipeline.threads` resolved; 0 in reports of schema 1).
    #[serde(default)]
    pub threads: usize,
    /// User + system CPU seconds of the whole process over the run (getrusage), so short runs
    /// are measured too.
    #[serde(default)]
    pub cpu_secs: f64,
    /// `cpu_secs` over wall time, percent of one core (200 = two cores busy).
    #[serde(default)]
    pub cpu_percent: f64,
    /// The most chunks in flight at once; the memory bound caps it at `threads +
    /// channel_capacity`.
    #[serde(default)]
    pub chunks_in_flight_peak: u64,
    /// Busy and blocked time of each stage.
    #[serde(default)]
    pub stages: StageTimes,
}

/// Busy and blocked seconds of the pipeline's stages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTimes {
    /// The reader: reading, decompressing, cutting chunks (one thread); blocked = waiting for a
    /// free chunk slot.
    pub read: StageTime,
    /// Parsing chunks into Arrow rows, summed over the worker threads.
    pub parse: StageTime,
    /// Column encoding, summed over the worker threads; blocked = the in-order stage waiting
    /// for the next chunk or for the writer.
    pub encode: StageTime,
    /// Appending row groups to the file (one thread); blocked = waiting for a row group.
    pub write: StageTime,
}

/// One stage's time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTime {
    /// Seconds working.
    pub busy_secs: f64,
    /// Seconds waiting on a neighbour stage.
    pub blocked_secs: f64,
    /// `busy_secs` over the wall time times the stage's threads, 0–1: how close the stage
    /// came to its capacity.
    pub occupancy: f64,
}

impl StageTimes {
    /// The stages with their names, in pipeline order.
    pub fn named(&self) -> [(Bottleneck, &StageTime); 4] {
        [
            (Bottleneck::Reader, &self.read),
            (Bottleneck::Parse, &self.parse),
            (Bottleneck::Encode, &self.encode),
            (Bottleneck::Write, &self.write),
        ]
    }
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
    /// Chunks in flight: read but not yet taken in order (batches in schema-1 reports).
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

/// Pipeline fill (`channel_len / capacity`) over the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// Chunks that may be in flight: threads + channel_capacity (batches in schema 1).
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

/// Which stage of the pipeline limited throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bottleneck {
    /// Reading, decompressing and cutting the input (one thread).
    Reader,
    /// Parsing on the worker pool.
    #[serde(alias = "parser")]
    Parse,
    /// The in-order stage encoding row groups.
    Encode,
    /// Appending row groups to the file.
    #[serde(alias = "writer")]
    Write,
    /// Reports of schema 1 only: neither the parser nor the writer dominated.
    Balanced,
    /// The run was too short to judge ([`MIN_SECS_TO_JUDGE`]).
    TooShort,
}

impl Bottleneck {
    /// Every verdict, in a fixed order (tables, tie-breaking).
    pub const ALL: [Bottleneck; 6] = [
        Bottleneck::Reader,
        Bottleneck::Parse,
        Bottleneck::Encode,
        Bottleneck::Write,
        Bottleneck::Balanced,
        Bottleneck::TooShort,
    ];

    /// The verdict as written in tables and reports.
    pub fn name(self) -> &'static str {
        match self {
            Bottleneck::Reader => "reader",
            Bottleneck::Parse => "parse",
            Bottleneck::Encode => "encode",
            Bottleneck::Write => "write",
            Bottleneck::Balanced => "balanced",
            Bottleneck::TooShort => "too_short",
        }
    }
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

/// Summarises the fill of the pipeline (chunks in flight over `capacity`) and names the
/// slowest stage.
///
/// The slowest stage is the one whose busy time came closest to its capacity (wall time ×
/// its threads): a stage working all the time held the others back. Runs shorter than
/// [`MIN_SECS_TO_JUDGE`] get [`Bottleneck::TooShort`]: start-up dominates them.
pub fn diagnose(
    samples: &[Sample],
    capacity: usize,
    metrics: &RunMetrics,
    duration_secs: f64,
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
    let above = fullness.iter().filter(|&&f| f > FULL_FRACTION).count();
    let below = fullness.iter().filter(|&&f| f < EMPTY_FRACTION).count();
    let fraction = |count: usize| if n == 0 { 0.0 } else { count as f64 / n as f64 };
    let stages = metrics.stages.named();
    let occupancies = stages
        .iter()
        .map(|(stage, time)| format!("{} {:.0}%", stage.name(), time.occupancy * 100.0))
        .collect::<Vec<_>>()
        .join(", ");
    let (bottleneck, reason) = if duration_secs < MIN_SECS_TO_JUDGE {
        (
            Bottleneck::TooShort,
            format!(
                "a run of {duration_secs:.2} s is too short to judge (start-up dominates; needs {MIN_SECS_TO_JUDGE} s); stage occupancy {occupancies}"
            ),
        )
    } else {
        let (slowest, time) = stages
            .iter()
            .max_by(|a, b| a.1.occupancy.total_cmp(&b.1.occupancy))
            .map_or((Bottleneck::Parse, 0.0), |(stage, time)| {
                (*stage, time.occupancy)
            });
        (
            slowest,
            format!(
                "{} was busy {:.0}% of its capacity, the most of any stage (occupancy {occupancies}; pipeline {:.0}% full on average over {n} samples)",
                slowest.name(),
                time * 100.0,
                mean * 100.0
            ),
        )
    };
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

    fn metrics(read: f64, parse: f64, encode: f64, write: f64) -> RunMetrics {
        let time = |occupancy| StageTime {
            busy_secs: occupancy,
            blocked_secs: 0.0,
            occupancy,
        };
        RunMetrics {
            stages: StageTimes {
                read: time(read),
                parse: time(parse),
                encode: time(encode),
                write: time(write),
            },
            ..RunMetrics::default()
        }
    }

    #[test]
    fn the_stage_closest_to_its_capacity_is_the_bottleneck() {
        let cases = [
            (metrics(0.9, 0.5, 0.3, 0.1), Bottleneck::Reader),
            (metrics(0.2, 0.97, 0.6, 0.1), Bottleneck::Parse),
            (metrics(0.2, 0.5, 0.8, 0.1), Bottleneck::Encode),
            (metrics(0.2, 0.5, 0.3, 0.99), Bottleneck::Write),
        ];
        for (m, expected) in cases {
            let (_, d) = diagnose(&series(&[8, 8, 8, 8, 7]), 8, &m, 10.0);
            assert_eq!(d.bottleneck, expected, "{}", d.reason);
            assert!(d.reason.starts_with(expected.name()), "{}", d.reason);
        }
    }

    #[test]
    fn fill_fractions_and_p95() {
        let (channel, d) = diagnose(&series(&[8, 8, 8, 8, 7]), 8, &RunMetrics::default(), 5.0);
        assert!(channel.fullness_mean > 0.9);
        assert_eq!(channel.samples_above_90pct, 4);
        assert!((d.fraction_above_90pct - 0.8).abs() < 1e-9);
        assert!((d.fraction_between - 0.2).abs() < 1e-9);
        let (channel, _) = diagnose(
            &series(&[0, 4, 8, 4, 4, 2, 6, 4, 4, 4]),
            8,
            &RunMetrics::default(),
            5.0,
        );
        assert_eq!(channel.fullness_p95, 1.0);
        assert!((channel.fullness_mean - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_short_run_is_too_short_to_judge() {
        let (channel, d) = diagnose(&[], 8, &metrics(0.9, 0.1, 0.1, 0.1), 0.05);
        assert_eq!(channel.fullness_mean, 0.0);
        assert_eq!(d.bottleneck, Bottleneck::TooShort);
        assert!(d.reason.contains("too short to judge"), "{}", d.reason);
        assert_eq!(summarize_resources(&[]), ResourceSummary::default());
    }

    #[test]
    fn schema_1_verdicts_still_load() {
        let old: Bottleneck = serde_yaml_ng::from_str("parser").unwrap();
        assert_eq!(old, Bottleneck::Parse);
        let old: Bottleneck = serde_yaml_ng::from_str("writer").unwrap();
        assert_eq!(old, Bottleneck::Write);
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
