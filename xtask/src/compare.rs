//! `cargo xtask compare -- CMD ARGS…`: times another converter's command line side by side with
//! ours on the same corpus, interleaved (ours, theirs, ours, theirs, …) so machine drift hits
//! both alike. `{input}` and `{output}` in the command are replaced by the corpus and a
//! scratch output path. Each run's wall time, CPU time and peak RSS come from `wait4` on the
//! child process, so both tools are measured the same way. Each round's ratio (theirs ÷ ours)
//! is taken inside the round, and the table gives their median with the min–max and says
//! whether the difference is real (every round agrees) or noise. The table goes to stdout and
//! to `runs/compare/compare_*.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use uniprot_etl::ledger::aggregate::median;

use crate::flags::CompareArgs;
use crate::{corpus, project};

/// One timed run of one command.
#[derive(Debug, Clone, Copy)]
struct Measurement {
    wall_secs: f64,
    cpu_secs: f64,
    rss_bytes: u64,
}

/// Runs both commands `--repeats` times, interleaved, and prints the comparison table.
pub fn run(args: CompareArgs) -> Result<()> {
    if args.command.is_empty() {
        bail!("give the other converter's command after `--`, e.g. -- uniprot_etl -i {{input}} -o {{output}}");
    }
    let corpus = corpus::resolve(&args.corpus)?;
    let binary = match &args.binary {
        Some(binary) => binary.clone(),
        None => project::build_release(&[])?,
    };
    let dir = project::root().join("runs/compare");
    std::fs::create_dir_all(&dir)?;
    let ours_out = dir.join("ours.parquet");
    let theirs_out = dir.join("theirs.out");
    let ours = project::convert_args(&corpus, &ours_out, &dir.join("runs"), &args.ours_args);
    let theirs: Vec<String> = args
        .command
        .iter()
        .map(|a| {
            a.replace("{input}", &corpus.display().to_string())
                .replace("{output}", &theirs_out.display().to_string())
        })
        .collect();
    let (mut ours_runs, mut theirs_runs) = (Vec::new(), Vec::new());
    for repeat in 1..=args.repeats {
        eprintln!("[{repeat}/{}] ours, then theirs", args.repeats);
        ours_runs.push(measure(&binary.display().to_string(), &ours)?);
        theirs_runs.push(measure(&theirs[0], &theirs[1..])?);
    }
    let xml_bytes = std::fs::metadata(&corpus)?.len();
    let table = table(&corpus, xml_bytes, &ours, &theirs, &ours_runs, &theirs_runs);
    let path = dir.join(format!(
        "compare_{}.md",
        chrono::Local::now().format("%Y%m%d_%H%M%S")
    ));
    std::fs::write(&path, &table)?;
    print!("{table}");
    println!("{}", path.display());
    let _ = std::fs::remove_file(&ours_out);
    Ok(())
}

/// Runs `program args` to completion and measures it; fails when it fails.
fn measure(program: &str, args: &[String]) -> Result<Measurement> {
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let (status, usage) = wait4(child.id())?;
    let wall_secs = started.elapsed().as_secs_f64();
    if status != 0 {
        bail!("{program} {} exited with status {status}", args.join(" "));
    }
    Ok(Measurement { wall_secs, ..usage })
}

/// Waits for process `pid`, returning its exit status and its CPU time and peak RSS.
fn wait4(pid: u32) -> Result<(i32, Measurement)> {
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    let pid = libc::pid_t::try_from(pid).context("pid out of range")?;
    // SAFETY: wait4 fills `status` and a complete `rusage` for the reaped child on success
    // (it returns the pid); the rusage is read only then.
    let usage = unsafe {
        if libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) != pid {
            bail!(
                "waiting for process {pid}: {}",
                std::io::Error::last_os_error()
            );
        }
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let exit = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    Ok((
        exit,
        Measurement {
            wall_secs: 0.0,
            cpu_secs: secs(usage.ru_utime) + secs(usage.ru_stime),
            // Linux reports ru_maxrss in KiB.
            rss_bytes: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        },
    ))
}

fn table(
    corpus: &Path,
    xml_bytes: u64,
    ours: &[String],
    theirs: &[String],
    ours_runs: &[Measurement],
    theirs_runs: &[Measurement],
) -> String {
    let ours_wall = median(&ours_runs.iter().map(|m| m.wall_secs).collect::<Vec<_>>());
    let mut out = String::from("# Side by side\n\n");
    let corpus_name = corpus
        .file_name()
        .map_or("corpus".into(), |n| n.to_string_lossy());
    let _ = writeln!(
        out,
        "- corpus: `{corpus_name}` ({:.1} MB of XML); {} interleaved runs each",
        xml_bytes as f64 / 1e6,
        ours_runs.len()
    );
    let _ = writeln!(out, "- ours: `uniprot-etl {}`", ours.join(" "));
    let _ = writeln!(out, "- theirs: `{}`\n", theirs.join(" "));
    out.push_str("| tool | wall median (s) | wall min–max (s) | CPU median (s) | peak RSS max (MiB) | MB/s | wall ÷ ours |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for (name, runs) in [("uniprot-etl", ours_runs), ("other", theirs_runs)] {
        let wall = median(&runs.iter().map(|m| m.wall_secs).collect::<Vec<_>>());
        let min = runs
            .iter()
            .map(|m| m.wall_secs)
            .fold(f64::INFINITY, f64::min);
        let max = runs.iter().map(|m| m.wall_secs).fold(0.0, f64::max);
        let rss = runs.iter().map(|m| m.rss_bytes).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {name} | {wall:.2} | {min:.2}–{max:.2} | {:.2} | {:.0} | {:.0} | {:.2} |",
            median(&runs.iter().map(|m| m.cpu_secs).collect::<Vec<_>>()),
            rss as f64 / (1024.0 * 1024.0),
            xml_bytes as f64 / 1e6 / wall.max(1e-9),
            wall / ours_wall.max(1e-9),
        );
    }
    let ratios = |figure: fn(&Measurement) -> f64| {
        ours_runs
            .iter()
            .zip(theirs_runs)
            .map(|(ours, theirs)| figure(theirs) / figure(ours).max(1e-9))
            .collect::<Vec<_>>()
    };
    out.push_str("\n| other ÷ uniprot-etl, round by round | median | min–max | verdict |\n");
    out.push_str("|---|---|---|---|\n");
    for (what, ratios) in [
        ("wall", ratios(|m| m.wall_secs)),
        ("CPU", ratios(|m| m.cpu_secs)),
        ("peak RSS", ratios(|m| m.rss_bytes as f64)),
    ] {
        let (min, max) = ratios.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), r| {
            (lo.min(*r), hi.max(*r))
        });
        let _ = writeln!(
            out,
            "| {what} | {:.2} | {min:.2}–{max:.2} | {} |",
            median(&ratios),
            ratio_verdict(&ratios)
        );
    }
    out
}

/// Whether per-round ratios (other ÷ ours) show a real difference: only when every round
/// agrees, and never from a single round.
fn ratio_verdict(ratios: &[f64]) -> &'static str {
    let (min, max) = ratios.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), r| {
        (lo.min(*r), hi.max(*r))
    });
    if ratios.len() < 2 {
        "one round: no spread (give --repeats 3 or more)"
    } else if min > 1.0 {
        "uniprot-etl less in every round"
    } else if max < 1.0 {
        "other less in every round"
    } else {
        "within noise: the rounds disagree"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_measured_and_a_failing_one_is_an_error() {
        let burn = measure(
            "sh",
            &[
                "-c".into(),
                "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done".into(),
            ],
        )
        .unwrap();
        assert!(burn.wall_secs > 0.0 && burn.cpu_secs > 0.0, "{burn:?}");
        assert!(burn.rss_bytes > 0, "{burn:?}");
        let err = measure("sh", &["-c".into(), "exit 3".into()]).unwrap_err();
        assert!(err.to_string().contains("status 3"), "{err}");
    }

    #[test]
    fn the_table_has_one_row_per_tool_with_the_ratio_to_ours() {
        let run = |wall_secs| Measurement {
            wall_secs,
            cpu_secs: 1.0,
            rss_bytes: 1 << 20,
        };
        let text = table(
            Path::new("/tmp/c.xml"),
            10_000_000,
            &["convert".into()],
            &["other".into()],
            &[run(2.0), run(4.0), run(3.0)],
            &[run(1.5), run(1.5), run(1.5)],
        );
        assert!(
            text.contains("| uniprot-etl | 3.00 | 2.00–4.00 | 1.00 | 1 | 3 | 1.00 |"),
            "{text}"
        );
        assert!(
            text.contains("| other | 1.50 | 1.50–1.50 | 1.00 | 1 | 7 | 0.50 |"),
            "{text}"
        );
        assert!(
            text.contains("`c.xml`") && !text.contains("/tmp/c.xml`"),
            "{text}"
        );
        assert!(
            text.contains("| wall | 0.50 | 0.38–0.75 | other less in every round |"),
            "{text}"
        );
        assert!(
            text.contains("| CPU | 1.00 | 1.00–1.00 | within noise: the rounds disagree |"),
            "{text}"
        );
    }

    #[test]
    fn a_difference_is_real_only_when_every_round_agrees() {
        assert_eq!(
            ratio_verdict(&[1.2, 1.1, 1.3]),
            "uniprot-etl less in every round"
        );
        assert_eq!(ratio_verdict(&[0.8, 0.9]), "other less in every round");
        assert_eq!(
            ratio_verdict(&[0.9, 1.2, 1.1]),
            "within noise: the rounds disagree"
        );
        assert!(ratio_verdict(&[2.0]).starts_with("one round"));
    }
}
