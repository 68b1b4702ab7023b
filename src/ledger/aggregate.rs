//! Aggregation of many run reports into one comparison table: runs grouped by configuration
//! keys, with median/min/max throughput, peak RSS, CPU, the most frequent bottleneck verdict,
//! speed relative to the best group, whether that difference is real or inside run-to-run noise
//! and, when a tokenizer floor is known, efficiency (throughput ÷ floor). Used by
//! `cargo xtask sweep` and `cargo xtask report`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_yaml_ng::Value;

use super::report::{Bottleneck, Report, RunStatus};

/// The configuration keys a sweep varies, used when no `--group-by` is given.
pub const DEFAULT_GROUP_BY: [&str; 5] = [
    "pipeline.batch_size",
    "pipeline.channel_capacity",
    "pipeline.threads",
    "parquet.compression",
    "parquet.plan",
];

/// One row of the comparison table: the runs sharing one configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// The configuration key values of this group, in `group_by` order.
    pub config: BTreeMap<String, String>,
    /// Successful runs aggregated.
    pub runs: usize,
    /// Runs of this group that failed (not in the figures).
    pub failed: usize,
    /// Median entries per second.
    pub entries_per_sec_median: f64,
    /// Slowest run's entries per second.
    pub entries_per_sec_min: f64,
    /// Fastest run's entries per second.
    pub entries_per_sec_max: f64,
    /// Median MB of XML per second.
    pub mb_per_sec_median: f64,
    /// Slowest run's MB/s.
    pub mb_per_sec_min: f64,
    /// Fastest run's MB/s.
    pub mb_per_sec_max: f64,
    /// Highest peak RSS over the runs.
    pub rss_peak_bytes: u64,
    /// Median of the runs' mean CPU percent.
    pub cpu_percent_median: f64,
    /// Most frequent bottleneck verdict.
    pub bottleneck: Bottleneck,
    /// Median MB/s relative to the best group's (1.0 = best).
    pub relative_to_best: f64,
    /// Whether this group's difference from the best is real or inside the noise.
    pub standing: Standing,
    /// Median MB/s ÷ tokenizer floor MB/s, when the floor is known.
    pub efficiency: Option<f64>,
}

/// Where a group stands against the best one, told from the spread of their runs: a median
/// difference whose min–max ranges overlap is not a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The group with the highest median MB/s.
    Best,
    /// Its MB/s range overlaps the best group's: no real difference was measured.
    WithinNoise,
    /// Even its fastest run is slower than the best group's slowest: really slower.
    Slower,
    /// This group or the best has a single run, so there is no spread to judge by.
    OneRun,
    /// No successful run.
    NoRuns,
}

impl Standing {
    /// The words of the tables.
    pub fn name(self) -> &'static str {
        match self {
            Standing::Best => "best",
            Standing::WithinNoise => "within noise",
            Standing::Slower => "slower",
            Standing::OneRun => "one run: no spread",
            Standing::NoRuns => "no runs",
        }
    }

    /// Where `row` stands against `best` (the row with the highest median MB/s).
    fn of(row: &GroupSummary, best: &GroupSummary) -> Standing {
        if row.runs == 0 {
            Standing::NoRuns
        } else if row.config == best.config {
            Standing::Best
        } else if row.runs < 2 || best.runs < 2 {
            Standing::OneRun
        } else if row.mb_per_sec_max >= best.mb_per_sec_min {
            Standing::WithinNoise
        } else {
            Standing::Slower
        }
    }
}

/// Median of `values` (mean of the middle two for even counts); 0 for none.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// The value of a dotted config key (`pipeline.batch_size`) in a report, as text.
pub fn config_value(report: &Report, key: &str) -> String {
    let mut value = serde_yaml_ng::to_value(&report.config).unwrap_or(Value::Null);
    for part in key.split('.') {
        value = value.get(part).cloned().unwrap_or(Value::Null);
    }
    match value {
        Value::String(s) => s,
        Value::Null => "-".to_owned(),
        other => serde_yaml_ng::to_string(&other)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    }
}

/// Groups `reports` by the values of `group_by` and summarises each group; rows are ordered by
/// their key values (numbers numerically). `tokenizer_floor_mb_per_sec` enables efficiency.
pub fn summarize(
    reports: &[Report],
    group_by: &[&str],
    tokenizer_floor_mb_per_sec: Option<f64>,
) -> Vec<GroupSummary> {
    let mut groups: BTreeMap<Vec<String>, Vec<&Report>> = BTreeMap::new();
    for report in reports {
        let key: Vec<String> = group_by.iter().map(|k| config_value(report, k)).collect();
        groups.entry(key).or_default().push(report);
    }
    let mut order: Vec<Vec<String>> = groups.keys().cloned().collect();
    order.sort_by(|a, b| {
        let numeric = |v: &String| v.parse::<f64>().ok();
        a.iter()
            .zip(b)
            .map(|(x, y)| match (numeric(x), numeric(y)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => x.cmp(y),
            })
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut rows: Vec<GroupSummary> = order
        .into_iter()
        .map(|key| {
            let members = &groups[&key];
            let ok: Vec<&&Report> = members
                .iter()
                .filter(|r| r.status == RunStatus::Succeeded)
                .collect();
            let eps: Vec<f64> = ok.iter().map(|r| r.metrics.entries_per_sec).collect();
            let mbs: Vec<f64> = ok.iter().map(|r| r.metrics.mb_per_sec).collect();
            // The process's own CPU accounting; sampler means only in reports of schema 1.
            let cpu: Vec<f64> = ok
                .iter()
                .map(|r| match r.metrics.cpu_percent {
                    0.0 => r.resources.cpu_percent_mean,
                    measured => measured,
                })
                .collect();
            let mb_median = median(&mbs);
            GroupSummary {
                config: group_by
                    .iter()
                    .map(|k| k.to_string())
                    .zip(key.iter().cloned())
                    .collect(),
                runs: ok.len(),
                failed: members.len() - ok.len(),
                entries_per_sec_median: median(&eps),
                entries_per_sec_min: eps
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
                    .min(f64::MAX),
                entries_per_sec_max: eps.iter().copied().fold(0.0, f64::max),
                mb_per_sec_median: mb_median,
                mb_per_sec_min: mbs
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
                    .min(f64::MAX),
                mb_per_sec_max: mbs.iter().copied().fold(0.0, f64::max),
                rss_peak_bytes: ok
                    .iter()
                    .map(|r| r.resources.rss_bytes_peak)
                    .max()
                    .unwrap_or(0),
                cpu_percent_median: median(&cpu),
                bottleneck: most_frequent(ok.iter().map(|r| r.diagnosis.bottleneck)),
                relative_to_best: 0.0,
                standing: Standing::NoRuns,
                efficiency: tokenizer_floor_mb_per_sec
                    .filter(|f| *f > 0.0)
                    .map(|floor| mb_median / floor),
            }
        })
        .collect();
    for row in &mut rows {
        if row.runs == 0 {
            row.entries_per_sec_min = 0.0;
            row.mb_per_sec_min = 0.0;
        }
    }
    let Some(best) = best(&rows).cloned() else {
        return rows;
    };
    for row in &mut rows {
        row.relative_to_best = if best.mb_per_sec_median > 0.0 {
            row.mb_per_sec_median / best.mb_per_sec_median
        } else {
            0.0
        };
        row.standing = Standing::of(row, &best);
    }
    rows
}

/// A paragraph saying which differences in `rows` are real: the best group with its spread,
/// the groups within its noise, the really slower ones, and those with too few runs to tell.
pub fn noise_verdict(rows: &[GroupSummary], group_by: &[&str]) -> String {
    let Some(best) = best(rows) else {
        return "No successful runs: nothing to compare.\n".to_owned();
    };
    let name = |row: &GroupSummary| {
        group_by
            .iter()
            .map(|k| {
                let short = k.rsplit('.').next().unwrap_or(k);
                format!("{short}={}", row.config.get(*k).map_or("-", String::as_str))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let list = |standing: Standing| {
        rows.iter()
            .filter(|r| r.standing == standing)
            .map(|r| format!("`{}` ({:.2}×)", name(r), r.relative_to_best))
            .collect::<Vec<_>>()
    };
    let mut out = format!(
        "**Which differences are real.** Best: `{}` at {:.1} MB/s (median of {} runs, {:.1}–{:.1}).",
        name(best),
        best.mb_per_sec_median,
        best.runs,
        best.mb_per_sec_min,
        best.mb_per_sec_max
    );
    for (standing, words) in [
        (
            Standing::WithinNoise,
            "Within noise of it (their min–max overlaps the best's, so no difference was measured)",
        ),
        (
            Standing::Slower,
            "Really slower (even their fastest run is below the best's slowest)",
        ),
        (
            Standing::OneRun,
            "Cannot be told from noise (a single run on one side; give `--repeats 3` or more)",
        ),
    ] {
        let members = list(standing);
        if !members.is_empty() {
            let _ = write!(out, " {words}: {}.", members.join(", "));
        }
    }
    out.push('\n');
    out
}

fn most_frequent(verdicts: impl Iterator<Item = Bottleneck>) -> Bottleneck {
    let mut counts = [0usize; Bottleneck::ALL.len()];
    for verdict in verdicts {
        counts[verdict as usize] += 1;
    }
    let best = (0..counts.len())
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(Bottleneck::TooShort as usize);
    Bottleneck::ALL[best]
}

/// The group with the highest median MB/s.
pub fn best(rows: &[GroupSummary]) -> Option<&GroupSummary> {
    rows.iter()
        .filter(|r| r.runs > 0)
        .max_by(|a, b| a.mb_per_sec_median.total_cmp(&b.mb_per_sec_median))
}

fn config_cells(row: &GroupSummary, group_by: &[&str]) -> Vec<String> {
    group_by
        .iter()
        .map(|k| row.config.get(*k).cloned().unwrap_or_default())
        .collect()
}

fn cells(row: &GroupSummary, group_by: &[&str]) -> Vec<String> {
    let mut cells = config_cells(row, group_by);
    cells.extend([
        row.runs.to_string(),
        format!("{:.0}", row.entries_per_sec_median),
        format!(
            "{:.0}–{:.0}",
            row.entries_per_sec_min, row.entries_per_sec_max
        ),
        format!("{:.1}", row.mb_per_sec_median),
        format!("{:.1}–{:.1}", row.mb_per_sec_min, row.mb_per_sec_max),
        format!("{:.0}", row.rss_peak_bytes as f64 / (1024.0 * 1024.0)),
        format!("{:.0}", row.cpu_percent_median),
        row.bottleneck.name().to_owned(),
        format!("{:.2}", row.relative_to_best),
        row.standing.name().to_owned(),
        row.efficiency.map_or("-".to_owned(), |e| format!("{e:.2}")),
    ]);
    cells
}

fn header(group_by: &[&str]) -> Vec<String> {
    let mut header: Vec<String> = group_by
        .iter()
        .map(|k| k.rsplit('.').next().unwrap_or(k).to_owned())
        .collect();
    header.extend(
        [
            "runs",
            "entries/s (median)",
            "entries/s (min–max)",
            "MB/s (median)",
            "MB/s (min–max)",
            "peak RSS MiB",
            "CPU %",
            "bottleneck",
            "vs best",
            "difference",
            "efficiency",
        ]
        .map(str::to_owned),
    );
    header
}

/// The table as Markdown.
pub fn to_markdown(rows: &[GroupSummary], group_by: &[&str]) -> String {
    let header = header(group_by);
    let mut out = format!("| {} |\n", header.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", cells(row, group_by).join(" | "));
    }
    out
}

/// The table as CSV (plain numbers, one column per figure).
pub fn to_csv(rows: &[GroupSummary], group_by: &[&str]) -> String {
    let mut out = group_by.join(",");
    out.push_str(",runs,failed,entries_per_sec_median,entries_per_sec_min,entries_per_sec_max,mb_per_sec_median,mb_per_sec_min,mb_per_sec_max,rss_peak_bytes,cpu_percent_median,bottleneck,relative_to_best,standing,efficiency\n");
    for row in rows {
        let mut fields: Vec<String> = config_cells(row, group_by)
            .iter()
            .map(|v| csv_field(v))
            .collect();
        fields.extend([
            row.runs.to_string(),
            row.failed.to_string(),
            format!("{:.3}", row.entries_per_sec_median),
            format!("{:.3}", row.entries_per_sec_min),
            format!("{:.3}", row.entries_per_sec_max),
            format!("{:.3}", row.mb_per_sec_median),
            format!("{:.3}", row.mb_per_sec_min),
            format!("{:.3}", row.mb_per_sec_max),
            row.rss_peak_bytes.to_string(),
            format!("{:.1}", row.cpu_percent_median),
            row.bottleneck.name().to_owned(),
            format!("{:.4}", row.relative_to_best),
            row.standing.name().to_owned(),
            row.efficiency.map_or(String::new(), |e| format!("{e:.4}")),
        ]);
        let _ = writeln!(out, "{}", fields.join(","));
    }
    out
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// The table as YAML (the `GroupSummary` records).
pub fn to_yaml(rows: &[GroupSummary]) -> String {
    serde_yaml_ng::to_string(rows).unwrap_or_else(|e| format!("error: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    fn group(batch: &str, runs: usize, (min, median, max): (f64, f64, f64)) -> GroupSummary {
        GroupSummary {
            config: BTreeMap::from([("pipeline.batch_size".to_owned(), batch.to_owned())]),
            runs,
            failed: 0,
            entries_per_sec_median: 0.0,
            entries_per_sec_min: 0.0,
            entries_per_sec_max: 0.0,
            mb_per_sec_median: median,
            mb_per_sec_min: min,
            mb_per_sec_max: max,
            rss_peak_bytes: 0,
            cpu_percent_median: 0.0,
            bottleneck: Bottleneck::Parse,
            relative_to_best: 0.0,
            standing: Standing::NoRuns,
            efficiency: None,
        }
    }

    #[test]
    fn overlapping_ranges_are_noise_and_disjoint_ones_are_real() {
        let best = group("1", 3, (86.0, 88.4, 90.0));
        let cases = [
            (group("1", 3, (86.0, 88.4, 90.0)), Standing::Best),
            (group("2", 3, (80.0, 86.8, 86.5)), Standing::WithinNoise),
            (group("3", 3, (70.0, 75.0, 85.9)), Standing::Slower),
            (group("4", 1, (87.0, 87.0, 87.0)), Standing::OneRun),
            (group("5", 0, (0.0, 0.0, 0.0)), Standing::NoRuns),
        ];
        for (row, expected) in &cases {
            assert_eq!(Standing::of(row, &best), *expected, "{row:?}");
        }
        let single_best = group("1", 1, (88.4, 88.4, 88.4));
        assert_eq!(
            Standing::of(&group("2", 3, (10.0, 11.0, 12.0)), &single_best),
            Standing::OneRun
        );
    }

    #[test]
    fn the_verdict_names_the_best_its_spread_and_each_kind_of_difference() {
        let mut rows = vec![
            group("100", 3, (86.0, 88.4, 90.0)),
            group("1000", 3, (80.0, 86.8, 86.5)),
            group("10000", 3, (70.0, 75.0, 85.9)),
        ];
        let best = rows[0].clone();
        for row in &mut rows {
            row.relative_to_best = row.mb_per_sec_median / best.mb_per_sec_median;
            row.standing = Standing::of(row, &best);
        }
        let text = noise_verdict(&rows, &["pipeline.batch_size"]);
        assert!(
            text.contains("Best: `batch_size=100` at 88.4 MB/s (median of 3 runs, 86.0–90.0)"),
            "{text}"
        );
        assert!(
            text.contains("Within noise of it") && text.contains("`batch_size=1000` (0.98×)"),
            "{text}"
        );
        assert!(
            text.contains("Really slower") && text.contains("`batch_size=10000` (0.85×)"),
            "{text}"
        );
        assert!(!text.contains("Cannot be told"), "{text}");
        assert!(noise_verdict(&[], &[]).contains("No successful runs"));
    }

    #[test]
    fn most_frequent_verdict_breaks_ties_towards_the_first_stage() {
        use Bottleneck::*;
        assert_eq!(most_frequent([Write, Write, Parse].into_iter()), Write);
        assert_eq!(most_frequent([Write, Parse].into_iter()), Parse);
        assert_eq!(most_frequent(std::iter::empty()), Reader);
    }
}
