//! The execution ledger: every conversion leaves `runs/run_YYYYMMDD_HHMMSS[_NAME]/` with
//! `report.yaml`, `etl.log`, `config_snapshot.yaml` and `samples.csv`, and old runs are pruned
//! to the last `keep_runs`.
//!
//! Everything that records a run lives here: the resource sampler and its [`ticker`], CPU
//! accounting, the progress bar, logging into the run's `etl.log`, profiling, the report and
//! its views (`runs list/show/compare`, sweeps, datasets, Prometheus). It observes the
//! pipeline's figures (`pipeline::metrics`) and never drives a stage; no stage imports it.
//!
//! Directory creation is atomic (`create_dir` fails if the name exists), so two runs in the
//! same second, or two processes, get distinct directories (`_2`, `_3`, … suffixes).

pub mod aggregate;
pub mod catalog;
pub mod cpu;
pub mod datasets;
pub mod logging;
pub mod memory_setup;
#[cfg(feature = "pprof")]
pub mod profiling;
pub mod progress;
pub mod prometheus;
pub mod report;
pub mod sampler;
pub mod text_table;
pub mod ticker;

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};

/// Prefix of every run directory name.
pub const RUN_PREFIX: &str = "run_";

/// File names inside a run directory.
pub const REPORT_FILE: &str = "report.yaml";
/// The tee'd log.
pub const LOG_FILE: &str = "etl.log";
/// The effective configuration, loadable with `--config`.
pub const CONFIG_SNAPSHOT_FILE: &str = "config_snapshot.yaml";
/// Raw resource samples.
pub const SAMPLES_FILE: &str = "samples.csv";

/// Most attempts at a free directory name within one second.
const MAX_SUFFIX: u32 = 10_000;

/// A created run directory.
#[derive(Debug, Clone)]
pub struct RunDir {
    /// Its name, the run id.
    pub id: String,
    /// Its path.
    pub path: PathBuf,
}

impl RunDir {
    /// Creates a fresh run directory under `runs_dir` named after `started` (and `name`).
    pub fn create(
        runs_dir: &Path,
        started: DateTime<Local>,
        name: Option<&str>,
    ) -> io::Result<RunDir> {
        std::fs::create_dir_all(runs_dir)?;
        let mut base = format!("{RUN_PREFIX}{}", started.format("%Y%m%d_%H%M%S"));
        if let Some(name) = name {
            base.push('_');
            base.extend(name.chars().map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            }));
        }
        // Continue after the highest suffix already used for this name, so that a name freed by
        // retention is never reused and names keep sorting in creation order.
        let first = highest_suffix(runs_dir, &base)?.map_or(1, |n| n + 1);
        for attempt in first..first + MAX_SUFFIX {
            let id = if attempt == 1 {
                base.clone()
            } else {
                format!("{base}_{attempt}")
            };
            let path = runs_dir.join(&id);
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(RunDir { id, path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free run directory name",
        ))
    }

    /// Path of a file in this directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

/// The highest same-second suffix used for `base` under `runs_dir` (1 for `base` itself).
fn highest_suffix(runs_dir: &Path, base: &str) -> io::Result<Option<u32>> {
    let mut highest = None;
    for entry in std::fs::read_dir(runs_dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let suffix = if name == base {
            Some(1)
        } else {
            name.strip_prefix(base)
                .and_then(|rest| rest.strip_prefix('_'))
                .and_then(|n| n.parse::<u32>().ok())
        };
        highest = highest.max(suffix);
    }
    Ok(highest)
}

/// Run directories under `runs_dir`, oldest first (by name, which starts with the timestamp).
pub fn list_run_dirs(runs_dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = match std::fs::read_dir(runs_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| e.file_name().to_string_lossy().starts_with(RUN_PREFIX))
            .map(|e| e.path())
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    dirs.sort_by_key(|p| run_sort_key(p));
    Ok(dirs)
}

/// Sort key of a run directory: its timestamp, its same-second suffix as a number, its name.
fn run_sort_key(path: &Path) -> (String, u32, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // run_YYYYMMDD_HHMMSS is 19 characters; what follows is `_NAME`, `_N` or `_NAME_N`.
    let stamp: String = name.chars().take(RUN_PREFIX.len() + 15).collect();
    let suffix = name
        .rsplit('_')
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|_| name.len() > stamp.len())
        .unwrap_or(1);
    (stamp, suffix, name)
}

/// Deletes the oldest run directories so that at most `keep` remain; never deletes `current`.
/// `keep == 0` keeps everything. Returns the deleted paths.
pub fn prune(runs_dir: &Path, keep: usize, current: &Path) -> io::Result<Vec<PathBuf>> {
    if keep == 0 {
        return Ok(Vec::new());
    }
    let dirs = list_run_dirs(runs_dir)?;
    let excess = dirs.len().saturating_sub(keep);
    let mut deleted = Vec::new();
    for dir in dirs.into_iter().take(excess) {
        if dir == current {
            continue;
        }
        std::fs::remove_dir_all(&dir)?;
        deleted.push(dir);
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_second_runs_get_distinct_directories() {
        let dir = tempfile::tempdir().unwrap();
        let now = Local::now();
        let a = RunDir::create(dir.path(), now, None).unwrap();
        let b = RunDir::create(dir.path(), now, None).unwrap();
        let c = RunDir::create(dir.path(), now, Some("my run")).unwrap();
        assert_ne!(a.path, b.path);
        assert!(b.id.ends_with("_2"), "{}", b.id);
        assert!(c.id.ends_with("_my_run"), "{}", c.id);
        assert_eq!(list_run_dirs(dir.path()).unwrap().len(), 3);
        // A name freed by retention is not reused: the next run still sorts last.
        std::fs::remove_dir(&a.path).unwrap();
        let d = RunDir::create(dir.path(), now, None).unwrap();
        assert!(d.id.ends_with("_3"), "{}", d.id);
    }

    #[test]
    fn prune_keeps_exactly_the_newest_and_never_the_current() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "run_20260101_000000",
            "run_20260101_000001",
            "run_20260101_000001_2",
            "run_20260101_000001_10",
            "run_20260102_000000",
            "other",
        ] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        let current = dir.path().join("run_20260101_000000");
        let deleted = prune(dir.path(), 2, &current).unwrap();
        let names: Vec<String> = list_run_dirs(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(deleted.len(), 2);
        assert_eq!(
            names,
            [
                "run_20260101_000000",
                "run_20260101_000001_10",
                "run_20260102_000000"
            ]
        );
        assert!(dir.path().join("other").exists());
        assert!(prune(dir.path(), 0, &current).unwrap().is_empty());
    }
}
