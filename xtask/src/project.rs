//! Where things are and how to build them: the workspace root, the release binary (optionally
//! with features), and running it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use xshell::{cmd, Shell};

/// The workspace root (the converter's crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A shell working in the workspace root.
pub fn shell() -> Result<Shell> {
    let sh = Shell::new().context("cannot start a shell")?;
    sh.change_dir(root());
    Ok(sh)
}

/// Builds the release binary with `features` and returns its path.
pub fn build_release(features: &[&str]) -> Result<PathBuf> {
    let sh = shell()?;
    let features = features.join(",");
    let feature_args: Vec<&str> = if features.is_empty() {
        vec![]
    } else {
        vec!["--features", &features]
    };
    eprintln!(
        "building the release binary{}",
        if features.is_empty() {
            String::new()
        } else {
            format!(" with {features}")
        }
    );
    cmd!(
        sh,
        "cargo build --release --quiet --bin uniprot-etl {feature_args...}"
    )
    .run()
    .context("building the release binary failed")?;
    let binary = target_dir()?.join("release/uniprot-etl");
    if !binary.is_file() {
        bail!("{} was not built", binary.display());
    }
    Ok(binary)
}

/// `path` as written in summaries: relative to the workspace root when inside it, else its file
/// name, so tables do not carry one machine's absolute paths.
pub fn display_path(path: &Path) -> String {
    match path.strip_prefix(root()) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    }
}

/// Cargo's target directory for this workspace, as cargo itself resolves it (so
/// `CARGO_TARGET_DIR` and `build.target-dir` are honoured).
pub fn target_dir() -> Result<PathBuf> {
    let sh = shell()?;
    let metadata = cmd!(sh, "cargo metadata --format-version 1 --no-deps")
        .quiet()
        .read()
        .context("cargo metadata failed")?;
    let metadata: serde_json::Value =
        serde_json::from_str(&metadata).context("cannot read cargo metadata")?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata has no target_directory")
}

/// Builds the dev-profile (debug) binary exactly as `cargo test --workspace` builds it for the
/// integration tests (same profile, same unified features) and returns its path: after the
/// tests nothing is compiled again, so tests and the instruction gate share one build.
pub fn build_dev() -> Result<PathBuf> {
    let sh = shell()?;
    cmd!(sh, "cargo test --workspace --no-run --quiet")
        .run()
        .context("building the debug binary failed")?;
    let binary = target_dir()?.join("debug/uniprot-etl");
    if !binary.is_file() {
        bail!("{} was not built", binary.display());
    }
    Ok(binary)
}

/// Runs `binary` with `args`; on failure the error carries its stderr.
pub fn run_binary(binary: &Path, args: &[String]) -> Result<String> {
    let output = std::process::Command::new(binary)
        .args(args)
        .current_dir(root())
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    if !output.status.success() {
        bail!(
            "{} {} failed ({}):\n{}",
            binary.display(),
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Converts `corpus` quietly with `binary`, its ledger in `runs_dir`, plus `extra` flags.
pub fn convert(
    binary: &Path,
    corpus: &Path,
    output: &Path,
    runs_dir: &Path,
    extra: &[&str],
) -> Result<()> {
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    run_binary(binary, &convert_args(corpus, output, runs_dir, &extra)).map(|_| ())
}

/// The arguments of a quiet `convert` of `corpus` into `output`, its run under `runs_dir`,
/// followed by `extra` flags.
pub fn convert_args(
    corpus: &Path,
    output: &Path,
    runs_dir: &Path,
    extra: &[String],
) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "-q".into(),
        "convert".into(),
        corpus.display().to_string(),
        "-o".into(),
        output.display().to_string(),
        "--runs-dir".into(),
        runs_dir.display().to_string(),
    ];
    args.extend_from_slice(extra);
    args
}
