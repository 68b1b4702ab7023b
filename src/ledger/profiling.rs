//! In-process CPU profiling of a conversion (`convert --profile`, cargo feature `pprof`):
//! pprof samples every thread at [`SAMPLE_HZ`]; at the end the stacks are written in folded
//! form (`profile.folded`, inferno's input, also what `cargo xtask flamegraph --diff` compares)
//! and rendered as `flamegraph.svg` with inferno into the run directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Sampling frequency; not a multiple of common timer rates, to avoid lock-step aliasing.
pub const SAMPLE_HZ: i32 = 997;

/// Name of the folded-stacks file in the run directory.
pub const FOLDED_FILE: &str = "profile.folded";

/// Name of the flamegraph in the run directory.
pub const FLAMEGRAPH_FILE: &str = "flamegraph.svg";

/// Why profiling failed (the conversion itself goes on).
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The sampler could not start.
    #[error("cannot start the profiler")]
    Start(#[source] pprof::Error),
    /// The samples could not be turned into stacks.
    #[error("cannot build the profile")]
    Report(#[source] pprof::Error),
    /// The folded stacks or the flamegraph could not be written.
    #[error("writing {}", .0.display())]
    Write(PathBuf, #[source] std::io::Error),
}

/// A running profiler.
pub struct Profiler(pprof::ProfilerGuard<'static>);

/// Starts sampling this process.
pub fn start() -> Result<Profiler, ProfileError> {
    pprof::ProfilerGuardBuilder::default()
        .frequency(SAMPLE_HZ)
        .blocklist(&["libc", "libgcc", "pthread", "vdso"])
        .build()
        .map(Profiler)
        .map_err(ProfileError::Start)
}

impl Profiler {
    /// Stops sampling and writes the folded stacks and the flamegraph into `dir`.
    pub fn finish(self, dir: &Path, title: &str) -> Result<PathBuf, ProfileError> {
        let report = self.0.report().build().map_err(ProfileError::Report)?;
        let mut lines: Vec<String> = report
            .data
            .iter()
            .map(|(frames, count)| {
                let mut line = frames.thread_name_or_id();
                for frame in frames.frames.iter().rev() {
                    for symbol in frame.iter().rev() {
                        let _ = write!(line, ";{symbol}");
                    }
                }
                let _ = write!(line, " {count}");
                line
            })
            .collect();
        lines.sort();
        let folded = dir.join(FOLDED_FILE);
        std::fs::write(&folded, lines.join("\n") + "\n")
            .map_err(|e| ProfileError::Write(folded.clone(), e))?;
        render_flamegraph(&lines, &dir.join(FLAMEGRAPH_FILE), title)
    }
}

/// Renders folded stack lines as an SVG flamegraph.
pub fn render_flamegraph(
    lines: &[String],
    svg: &Path,
    title: &str,
) -> Result<PathBuf, ProfileError> {
    let fail = |e| ProfileError::Write(svg.to_path_buf(), e);
    let file = std::fs::File::create(svg).map_err(fail)?;
    let mut options = inferno::flamegraph::Options::default();
    options.title = title.to_owned();
    inferno::flamegraph::from_lines(
        &mut options,
        lines.iter().map(String::as_str),
        std::io::BufWriter::new(file),
    )
    .map_err(fail)?;
    Ok(svg.to_path_buf())
}
