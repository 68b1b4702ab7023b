//! Names of the temporary output files, and cleanup of those left by dead processes.
//!
//! The writer writes `.NAME.PID.RANDOM.partial` beside the output `NAME` and renames it into
//! place on success. A process killed with SIGKILL (or a power cut) cannot remove its file; the
//! next conversion to the same output removes every such file whose PID is no longer a running
//! process. A live concurrent run's file is never touched, nor any file not named this way.

use std::path::{Path, PathBuf};

/// Suffix of every temporary output file.
pub const TEMP_SUFFIX: &str = ".partial";

/// The prefix of this process's temporary files for output file `file_name`.
pub fn temp_prefix(file_name: &str) -> String {
    format!(".{file_name}.{}.", std::process::id())
}

/// The PID embedded in `name` if it is a temporary file of output `file_name`.
fn owner_pid(name: &str, file_name: &str) -> Option<u32> {
    let rest = name
        .strip_prefix('.')?
        .strip_prefix(file_name)?
        .strip_prefix('.')?
        .strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = rest.split_once('.')?;
    (!random.is_empty() && !random.contains('.'))
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether process `pid` is running (Linux: `/proc/PID` exists and is not a zombie — a killed
/// process whose parent died too stays a zombie until something reaps it). Unknown means alive.
fn is_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc");
    if !proc_root.join("self").exists() {
        return true;
    }
    match std::fs::read_to_string(proc_root.join(pid.to_string()).join("stat")) {
        // The state follows the command name, which is in parentheses and may hold anything.
        Ok(stat) => !matches!(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next()),
            Some('Z' | 'X')
        ),
        Err(_) => proc_root.join(pid.to_string()).exists(),
    }
}

/// Creates this process's temporary file for output `file_name` in `dir`, after removing those
/// of dead processes (logged). Readable as the umask allows once renamed, not the 0600 of
/// temporary files.
pub fn create(dir: &Path, file_name: &str) -> std::io::Result<tempfile::NamedTempFile> {
    for stale in remove_stale(dir, file_name) {
        log::warn!("removed {}, left by a process that died", stale.display());
    }
    let prefix = temp_prefix(file_name);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

/// Removes the temporary files of output `file_name` in `dir` whose process is gone.
/// Returns the removed paths; files it cannot remove are skipped.
pub fn remove_stale(dir: &Path, file_name: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = owner_pid(&name, file_name) else {
            continue;
        };
        if is_alive(pid) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// Writes `contents` to `path` atomically (temporary file in the same directory, then rename).
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(contents)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_pid_reads_only_our_naming_scheme() {
        assert_eq!(
            owner_pid(".out.parquet.123.aB9x.partial", "out.parquet"),
            Some(123)
        );
        assert_eq!(owner_pid(".out.parquet.123.partial", "out.parquet"), None);
        assert_eq!(
            owner_pid(".out.parquet.x1.aB9x.partial", "out.parquet"),
            None
        );
        assert_eq!(
            owner_pid(".other.parquet.123.aB9x.partial", "out.parquet"),
            None
        );
        assert_eq!(owner_pid("out.parquet", "out.parquet"), None);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn stale_files_of_dead_processes_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A PID above the kernel's maximum (4194304) can never be running.
        let dead = dir.path().join(".out.parquet.99999999.abc.partial");
        let live = dir
            .path()
            .join(format!("{}abc.partial", temp_prefix("out.parquet")));
        let unrelated = dir.path().join(".out.parquet.partial");
        for path in [&dead, &live, &unrelated] {
            std::fs::write(path, b"x").unwrap();
        }
        assert_eq!(remove_stale(dir.path(), "out.parquet"), vec![dead.clone()]);
        assert!(!dead.exists() && live.exists() && unrelated.exists());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_zombie_counts_as_dead() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        // Exited but not reaped: a zombie until `wait`.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while is_alive(child.id()) {
            assert!(
                std::time::Instant::now() < deadline,
                "the child never ended"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(Path::new(&format!("/proc/{}", child.id())).exists());
        child.wait().unwrap();
    }
}
