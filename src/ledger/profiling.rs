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

/// A running profiler.
pub struct Profiler(pprof::ProfilerGuard<'static>);

/// Starts sampling this process.
pub fn start() -> Result<Profiler, String> {
    pprof::ProfilerGuardBuilder::default()
        .frequency(SAMPLE_HZ)
        .blocklist(&["libc", "libgcc", "pthread", "vdso"])
        .build()
        .map(Profiler)
        .map_err(|e| format!("cannot start the profiler: {e}"))
}

impl Profiler {
    /// Stops sampling and writes the folded stacks and the flamegraph into `dir`.
    pub fn finish(self, dir: &Path, title: &str) -> Result<PathBuf, String> {
        let report = self.0.report().build().map_err(|e| e.to_string())?;
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
            .map_err(|e| format!("{}: {e}", folded.display()))?;
        render_flamegraph(&lines, &dir.join(FLAMEGRAPH_FILE), title)
    }
}

/// Renders folded stack lines as an SVG flamegraph.
pub fn render_flamegraph(lines: &[String], svg: &Path, title: &str) -> Result<PathBuf, String> {
    let file = std::fs::File::create(svg).map_err(|e| format!("{}: {e}", svg.display()))?;
    let mut options = inferno::flamegraph::Options::default();
    options.title = title.to_owned();
    inferno::flamegraph::from_lines(
        &mut options,
        lines.iter().map(String::as_str),
        std::io::BufWriter::new(file),
    )
    .map_err(|e| format!("rendering {}: {e}", svg.display()))?;
    Ok(svg.to_path_buf())
}
