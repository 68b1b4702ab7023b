//! `cargo xtask flamegraph`: profile a conversion with pprof inside the release binary (built
//! with the `pprof` feature; release profile keeps line tables) and render the flamegraph with
//! inferno into the run directory; `--diff A B` renders a differential flamegraph of two
//! profiled runs (inferno's diff-folded: red grew, blue shrank from A to B).

use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use uniprot_etl::ledger;

use crate::flags::FlamegraphArgs;
use crate::{corpus, project};

/// Folded stacks file in a profiled run directory.
const FOLDED_FILE: &str = "profile.folded";

/// Profiles (or diffs) and prints the SVG path.
pub fn run(args: FlamegraphArgs) -> Result<()> {
    if let Some(runs) = &args.diff {
        let svg = diff(&runs[0], &runs[1])?;
        println!("{}", svg.display());
        return Ok(());
    }
    let corpus = corpus::resolve(&args.corpus)?;
    let binary = project::build_release(&["pprof"])?;
    let runs_dir = project::root().join("runs");
    let scratch = crate::floor::tempfile_dir()?;
    project::convert(
        &binary,
        &corpus,
        &scratch.join("out.parquet"),
        &runs_dir,
        &["--run-name", "flamegraph", "--profile"],
    )?;
    let _ = std::fs::remove_dir_all(&scratch);
    let run_dir = ledger::list_run_dirs(&runs_dir)?
        .into_iter()
        .rfind(|d| {
            d.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("_flamegraph"))
        })
        .context("the profiled run left no run directory")?;
    let svg = run_dir.join("flamegraph.svg");
    let text = std::fs::read_to_string(&svg)
        .with_context(|| format!("no flamegraph at {}", svg.display()))?;
    if !text.contains("uniprot_etl::parse") {
        eprintln!(
            "warning: the flamegraph names no uniprot_etl::parse frames (were symbols stripped?)"
        );
    }
    eprintln!("folded stacks: {}", run_dir.join(FOLDED_FILE).display());
    println!("{}", svg.display());
    Ok(())
}

fn folded(path: &Path) -> Result<PathBuf> {
    let file = if path.is_dir() {
        path.join(FOLDED_FILE)
    } else {
        path.to_path_buf()
    };
    if !file.is_file() {
        bail!(
            "{} has no folded stacks (profile it with `cargo xtask flamegraph` first)",
            path.display()
        );
    }
    Ok(file)
}

/// Renders the differential flamegraph of runs `a` → `b` into runs/.
fn diff(a: &Path, b: &Path) -> Result<PathBuf> {
    let (a, b) = (folded(a)?, folded(b)?);
    let mut diffed = Vec::new();
    inferno::differential::from_files(
        inferno::differential::Options::default(),
        &a,
        &b,
        &mut diffed,
    )
    .context("diffing the folded stacks failed")?;
    let out_dir = project::root().join("runs");
    std::fs::create_dir_all(&out_dir)?;
    let svg = out_dir.join(format!(
        "flamegraph_diff_{}.svg",
        chrono::Local::now().format("%Y%m%d_%H%M%S")
    ));
    let mut options = inferno::flamegraph::Options::default();
    options.title = format!("{} -> {}", a.display(), b.display());
    let file = std::fs::File::create(&svg)?;
    inferno::flamegraph::from_reader(
        &mut options,
        BufReader::new(&diffed[..]),
        std::io::BufWriter::new(file),
    )
    .context("rendering the differential flamegraph failed")?;
    Ok(svg)
}
