//! The runs of a dataset seen together: `runs list` groups runs by the dataset they wrote
//! into, and [`dataset_view`] (`cargo xtask report --dataset DIR`) aggregates one dataset's
//! unit runs — total entries, MB/s per unit, the wall span, and the stragglers that held the
//! dataset back.

use std::collections::BTreeMap;

use chrono::DateTime;

use super::report::{Report, RunStatus};
use super::text_table::table;

/// A unit run this much slower than the median unit run is a straggler.
pub const STRAGGLER_FACTOR: f64 = 1.5;

/// Runs grouped by dataset directory, in order of first appearance; runs of no dataset form
/// the group `None`, first.
pub fn group_by_dataset<T>(
    runs: &[T],
    report: impl Fn(&T) -> &Report,
) -> Vec<(Option<String>, Vec<&T>)> {
    let mut groups: Vec<(Option<String>, Vec<&T>)> = vec![(None, Vec::new())];
    for run in runs {
        let key = report(run).dataset.as_ref().map(|d| d.dir.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(run),
            None => groups.push((key, vec![run])),
        }
    }
    groups.retain(|(_, members)| !members.is_empty());
    groups
}

/// One unit's latest run in a dataset, with how many runs it took.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFigures {
    /// The unit.
    pub unit: u32,
    /// `K/N` for a shard.
    pub shard: Option<String>,
    /// The input.
    pub input: String,
    /// The latest run's id and status.
    pub run_id: String,
    /// Whether the latest run succeeded.
    pub succeeded: bool,
    /// Runs of this unit (retries included).
    pub attempts: usize,
    /// Entries converted.
    pub entries: u64,
    /// Wall seconds.
    pub secs: f64,
    /// MB of XML per second.
    pub mb_per_sec: f64,
    /// Peak RSS of the process.
    pub rss_bytes_peak: u64,
    /// Where it ran.
    pub host: String,
    /// Slower than [`STRAGGLER_FACTOR`] × the median.
    pub straggler: bool,
}

/// A dataset's runs aggregated.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetFigures {
    /// The dataset directory.
    pub dir: String,
    /// Each unit's latest run, by unit.
    pub units: Vec<UnitFigures>,
    /// Entries over the units' latest runs.
    pub entries: u64,
    /// MB of XML over the units' latest runs.
    pub xml_mb: f64,
    /// From the first run's start to the last run's end, in seconds.
    pub wall_secs: f64,
    /// Median of the units' wall seconds.
    pub median_secs: f64,
}

/// Aggregates the reports of dataset `dir` (others are ignored).
pub fn dataset_figures(reports: &[Report], dir: &str) -> DatasetFigures {
    let mut by_unit: BTreeMap<u32, Vec<&Report>> = BTreeMap::new();
    for report in reports {
        if let Some(dataset) = report.dataset.as_ref().filter(|d| d.dir == dir) {
            by_unit.entry(dataset.unit).or_default().push(report);
        }
    }
    let mut units: Vec<UnitFigures> = by_unit
        .into_iter()
        .filter_map(|(unit, mut runs)| {
            runs.sort_by(|a, b| a.started_at.cmp(&b.started_at));
            let latest = *runs.last()?;
            Some(UnitFigures {
                unit,
                shard: latest.dataset.as_ref().and_then(|d| d.shard.clone()),
                input: latest.input.path.clone(),
                run_id: latest.run_id.clone(),
                succeeded: latest.status == RunStatus::Succeeded,
                attempts: runs.len(),
                entries: latest.metrics.entries,
                secs: latest.duration_secs,
                mb_per_sec: latest.metrics.mb_per_sec,
                rss_bytes_peak: latest.resources.rss_bytes_peak,
                host: latest.host.hostname.clone(),
                straggler: false,
            })
        })
        .collect();
    let median_secs = median(units.iter().map(|u| u.secs).collect());
    let several = units.len() >= 2;
    for unit in &mut units {
        unit.straggler = several && unit.secs > STRAGGLER_FACTOR * median_secs;
    }
    let relevant: Vec<&Report> = reports
        .iter()
        .filter(|r| r.dataset.as_ref().is_some_and(|d| d.dir == dir))
        .collect();
    let start = relevant
        .iter()
        .filter_map(|r| parse_time(&r.started_at))
        .min();
    let end = relevant
        .iter()
        .filter_map(|r| parse_time(&r.finished_at))
        .max();
    let wall_secs = start
        .zip(end)
        .map_or(0.0, |(s, e)| (e - s).num_milliseconds() as f64 / 1000.0);
    let entries = units.iter().map(|u| u.entries).sum();
    let xml_mb = units.iter().map(|u| u.mb_per_sec * u.secs).sum();
    DatasetFigures {
        dir: dir.to_owned(),
        units,
        entries,
        xml_mb,
        wall_secs,
        median_secs,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn parse_time(text: &str) -> Option<DateTime<chrono::FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}

/// The dataset report: one row per unit (latest run), then totals and the stragglers.
pub fn dataset_view(figures: &DatasetFigures) -> String {
    let rows: Vec<Vec<String>> = figures
        .units
        .iter()
        .map(|u| {
            vec![
                u.unit.to_string(),
                u.shard.clone().unwrap_or_else(|| "-".into()),
                if u.succeeded { "ok" } else { "FAILED" }.to_owned(),
                u.attempts.to_string(),
                u.entries.to_string(),
                format!("{:.2}", u.secs),
                format!("{:.1}", u.mb_per_sec),
                format!("{:.0} MiB", u.rss_bytes_peak as f64 / (1024.0 * 1024.0)),
                u.host.clone(),
                if u.straggler { "straggler" } else { "" }.to_owned(),
                u.input.clone(),
            ]
        })
        .collect();
    let mut out = format!("dataset {}\n", figures.dir);
    out.push_str(&table(
        &[
            "unit", "shard", "status", "runs", "entries", "secs", "MB/s", "RSS peak", "host", "",
            "input",
        ],
        &rows,
    ));
    let wall = figures.wall_secs.max(1e-9);
    out.push_str(&format!(
        "total: {} units, {} entries, {:.1} MB XML; wall {:.2} s (first start to last end): {:.1} MB/s together; median unit {:.2} s\n",
        figures.units.len(),
        figures.entries,
        figures.xml_mb,
        figures.wall_secs,
        figures.xml_mb / wall,
        figures.median_secs,
    ));
    let stragglers: Vec<String> = figures
        .units
        .iter()
        .filter(|u| u.straggler)
        .map(|u| format!("unit {} ({:.2} s)", u.unit, u.secs))
        .collect();
    if stragglers.is_empty() {
        out.push_str(&format!(
            "stragglers (> {STRAGGLER_FACTOR}× the median): none\n"
        ));
    } else {
        out.push_str(&format!(
            "stragglers (> {STRAGGLER_FACTOR}× the median): {}\n",
            stragglers.join(", ")
        ));
    }
    out
}
