//! Reading the ledger back: load `report.yaml` files, and render the `runs list`,
//! `runs show` and `runs compare` views. Library code so that `xtask` reuses it.

use std::io;
use std::path::{Path, PathBuf};

use super::report::Report;
use super::text_table::table;
use super::{list_run_dirs, REPORT_FILE};

/// Why a run or a report could not be found or read.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A file or directory of the ledger could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// What was read.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A `report.yaml` is not a report of any known schema.
    #[error("{} is not a run report", path.display())]
    Parse {
        /// The report file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_yaml_ng::Error,
    },
    /// No run has this id (or id prefix).
    #[error("no run {id:?} under {}", runs_dir.display())]
    NoSuchRun {
        /// The id asked for.
        id: String,
        /// Where runs were looked for.
        runs_dir: PathBuf,
    },
    /// The id prefix names several runs.
    #[error("{id:?} matches {count} runs; give more of the id")]
    Ambiguous {
        /// The id asked for.
        id: String,
        /// How many runs it matches.
        count: usize,
    },
}

/// A report with the directory it came from.
#[derive(Debug, Clone)]
pub struct LoadedRun {
    /// The run directory.
    pub dir: PathBuf,
    /// Its report.
    pub report: Report,
}

/// Loads `report.yaml` from a run directory.
pub fn load_report(dir: &Path) -> Result<Report, CatalogError> {
    let path = dir.join(REPORT_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| CatalogError::Read {
        path: path.clone(),
        source,
    })?;
    serde_yaml_ng::from_str(&text).map_err(|source| CatalogError::Parse { path, source })
}

/// Run directories whose report could not be read, with the reason.
pub type UnreadableRuns = Vec<(PathBuf, CatalogError)>;

/// The run directories under `runs_dir`, oldest first.
fn run_dirs(runs_dir: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    list_run_dirs(runs_dir).map_err(|source| CatalogError::Read {
        path: runs_dir.to_owned(),
        source,
    })
}

/// Loads every run under `runs_dir` that has a readable report, oldest first; the others are
/// returned with their error so callers can warn.
pub fn load_runs(runs_dir: &Path) -> Result<(Vec<LoadedRun>, UnreadableRuns), CatalogError> {
    let dirs = run_dirs(runs_dir)?;
    let mut runs = Vec::new();
    let mut broken = Vec::new();
    for dir in dirs {
        match load_report(&dir) {
            Ok(report) => runs.push(LoadedRun { dir, report }),
            Err(e) => broken.push((dir, e)),
        }
    }
    Ok((runs, broken))
}

/// Finds a run by id (directory name), unique id prefix, or path.
pub fn find_run(runs_dir: &Path, id: &str) -> Result<PathBuf, CatalogError> {
    let as_path = Path::new(id);
    if as_path.join(REPORT_FILE).is_file() {
        return Ok(as_path.to_path_buf());
    }
    let dirs = run_dirs(runs_dir)?;
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if let Some(exact) = dirs.iter().find(|d| name(d) == id) {
        return Ok(exact.clone());
    }
    let matches: Vec<&PathBuf> = dirs.iter().filter(|d| name(d).starts_with(id)).collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(CatalogError::NoSuchRun {
            id: id.to_owned(),
            runs_dir: runs_dir.to_owned(),
        }),
        many => Err(CatalogError::Ambiguous {
            id: id.to_owned(),
            count: many.len(),
        }),
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The columns of the `runs list` table.
const LIST_HEADER: [&str; 7] = [
    "id",
    "command",
    "status",
    "entries",
    "MB/s",
    "RSS peak",
    "bottleneck",
];

/// The `runs list` table: id, command (`convert`, `export`), status, entries, MB/s of XML,
/// peak RSS, bottleneck; the runs that wrote into a dataset are grouped under it, with their
/// unit and shard.
pub fn list_view(runs: &[LoadedRun]) -> String {
    let mut out = String::new();
    for (dataset, members) in super::datasets::group_by_dataset(runs, |run| &run.report) {
        let rows: Vec<Vec<String>> = members
            .iter()
            .map(|run| {
                let r = &run.report;
                let mut row = vec![
                    r.run_id.clone(),
                    format!("{:?}", r.command).to_lowercase(),
                    format!("{:?}", r.status).to_lowercase(),
                    r.metrics.entries.to_string(),
                    format!("{:.1}", r.metrics.mb_per_sec),
                    if r.resources.samples == 0 {
                        "-".to_owned()
                    } else {
                        mib(r.resources.rss_bytes_peak)
                    },
                    r.diagnosis.bottleneck.name().to_owned(),
                ];
                if let Some(d) = &r.dataset {
                    row.push(d.unit.to_string());
                    row.push(d.shard.clone().unwrap_or_else(|| "-".into()));
                }
                row
            })
            .collect();
        let mut header = LIST_HEADER.to_vec();
        if let Some(dir) = &dataset {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("dataset {dir} ({} runs)\n", members.len()));
            header.extend(["unit", "shard"]);
        }
        out.push_str(&table(&header, &rows));
    }
    if out.is_empty() {
        out = table(&LIST_HEADER, &[]);
    }
    out
}

/// The comparable figures of a report: (name, value) pairs.
pub fn figures(r: &Report) -> Vec<(&'static str, f64)> {
    vec![
        ("duration_secs", r.duration_secs),
        ("entries", r.metrics.entries as f64),
        ("entries_per_sec", r.metrics.entries_per_sec),
        ("mb_per_sec", r.metrics.mb_per_sec),
        ("threads", r.metrics.threads as f64),
        ("cpu_secs", r.metrics.cpu_secs),
        ("cpu_percent", r.metrics.cpu_percent),
        ("read_busy_secs", r.metrics.stages.read.busy_secs),
        ("parse_busy_secs", r.metrics.stages.parse.busy_secs),
        ("encode_busy_secs", r.metrics.stages.encode.busy_secs),
        ("write_busy_secs", r.metrics.stages.write.busy_secs),
        ("rss_bytes_peak", r.resources.rss_bytes_peak as f64),
        ("channel_fullness_mean", r.channel.fullness_mean),
        ("output_bytes", r.output.bytes.unwrap_or(0) as f64),
        ("batch_size", r.config.pipeline.batch_size as f64),
        (
            "channel_capacity",
            r.config.pipeline.channel_capacity as f64,
        ),
    ]
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

/// The `runs compare A B` table: each figure side by side with the ratio B / A.
pub fn compare_view(a: &Report, b: &Report) -> String {
    let rows: Vec<Vec<String>> = figures(a)
        .into_iter()
        .zip(figures(b))
        .map(|((name, x), (_, y))| {
            let ratio = if x == 0.0 {
                "-".to_owned()
            } else {
                format!("{:.3}x", y / x)
            };
            vec![name.to_owned(), number(x), number(y), ratio]
        })
        .collect();
    let mut out = table(&["metric", &a.run_id, &b.run_id, "B/A"], &rows);
    out.push_str(&format!(
        "bottleneck: {} -> {}\n",
        a.diagnosis.bottleneck.name(),
        b.diagnosis.bottleneck.name()
    ));
    out
}

/// The `runs show ID` view: the report as YAML.
pub fn show_view(report: &Report) -> String {
    serde_yaml_ng::to_string(report).unwrap_or_else(|e| format!("unprintable report: {e}\n"))
}
