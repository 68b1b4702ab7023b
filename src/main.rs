//! The `uniprot-etl` binary: parse the command line, run the library, print the error chain and
//! choose the exit code. No conversion logic lives here. Its clap types ([`cli`]) and its memory
//! policy (the allocator, its purge delay, transparent huge pages off) are the binary's own,
//! not the library's API.

mod cli;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, ConvertArgs, RunsArgs, RunsCommand, SplitArgs};
use uniprot_etl::config::{LogLevel, Overrides, Settings};
use uniprot_etl::dataset::manifest;
use uniprot_etl::dataset::split::{self, PartCount, SplitRequest};
use uniprot_etl::error::Error;
use uniprot_etl::interrupt;
use uniprot_etl::lab::floor;
use uniprot_etl::ledger::catalog;
use uniprot_etl::ledger::logging;
#[cfg(feature = "mimalloc")]
use uniprot_etl::ledger::memory_setup;
use uniprot_etl::run::{self, DatasetOptions, RunRequest};
use uniprot_etl::table::{projection, schema};

/// mimalloc: workers allocate Arrow columns that the encoder and the writer free on other
/// threads; glibc malloc serialised those cross-thread frees on a lock (see README,
/// Performance).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (`mimalloc.h`, v2 and v3 alike): the option right before
/// `mi_option_use_numa_nodes`; `libmimalloc-sys` does not name it.
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// mimalloc's purge delay in milliseconds: how long freed pages stay in a thread's heap before
/// they go back to the OS. Every worker thread keeps its own heap and pages freed by other
/// threads sit in it, so peak RSS grows with `--threads` and the delay; returning pages costs a
/// page fault and zeroing when they are used again. Measured with huge pages off (README,
/// Performance, 4 interleaved rounds): 0 ms 62-64 MiB / 16 threads 137-151 MiB, kernel time
/// ~0.5 s at 2 threads; 2 ms 70-72 / 164-173 MiB, ~0.28 s; mimalloc's default 10 ms 74-79 /
/// 174-180 MiB, ~0.2 s.
#[cfg(feature = "mimalloc")]
const PURGE_DELAY_MS: std::ffi::c_long = 2;

/// Sets [`PURGE_DELAY_MS`] (`MIMALLOC_PURGE_DELAY` in the environment still wins) and names
/// the allocator with the delay in effect for the run reports.
#[cfg(feature = "mimalloc")]
fn set_purge_delay() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a process-wide option; mimalloc allows this at any time.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
    // SAFETY: reads a process-wide option.
    let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
    memory_setup::describe_allocator(format!("mimalloc v2, purge delay {delay} ms"));
}

/// Turns transparent huge pages off for this process (`PR_SET_THP_DISABLE`, Linux): mimalloc
/// asks for them on its arenas (`madvise(MADV_HUGEPAGE)`), so every page it purged and reused
/// came back as a 2 MiB page the kernel zeroed whole and counted whole in RSS. Measured at a
/// purge delay of 0 (README, Performance): peak RSS 69 -> 56 MiB at 1 thread, 191-200 -> 149-153
/// MiB at 16 threads, kernel time roughly halved. `MIMALLOC_ALLOW_THP=1` in the environment
/// keeps them.
fn refuse_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: prctl with integer arguments only sets a flag of this process; failure (an
        // old kernel) leaves huge pages on, which is only slower.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

fn main() -> ExitCode {
    refuse_transparent_huge_pages();
    #[cfg(feature = "mimalloc")]
    set_purge_delay();
    let cli = Cli::parse();
    let log_level = cli.log_level();
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Convert(args) => convert(*args, log_level, quiet),
        Command::Schema => {
            print!("{}", schema::describe());
            Ok(())
        }
        Command::Columns => {
            for path in projection::column_paths() {
                println!("{path}");
            }
            Ok(())
        }
        Command::Floor { input } => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            floor::measure(&input)
                .map_err(anyhow::Error::from)
                .and_then(|floors| {
                    serde_yaml_ng::to_string(&floors).context("writing the floors as YAML")
                })
                .map(|yaml| print!("{yaml}"))
        }
        Command::Runs(args) => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            runs(args)
        }
        Command::Split(args) => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            split_input(args)
        }
        Command::Commit { dir, units } => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            manifest::commit(&dir, units)
                .map(|m| {
                    log::info!(
                        "committed {}: {} rows in {} files from {} sources",
                        dir.display(),
                        m.rows,
                        m.files.len(),
                        m.sources.len()
                    )
                })
                .map_err(anyhow::Error::from)
        }
        Command::Verify { dir } => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            verify(&dir)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            log::error!("{err:#}");
            exit_code(&err)
        }
    }
}

/// 128 + signal for a run stopped by SIGINT/SIGTERM (130, 143), else 1.
fn exit_code(err: &anyhow::Error) -> ExitCode {
    match err.downcast_ref::<Error>() {
        Some(Error::Interrupted { signal, .. }) => ExitCode::from(interrupt::exit_code(*signal)),
        _ => ExitCode::FAILURE,
    }
}

fn init_stderr_logging(level: LogLevel) {
    logging::init_or_stderr(level, &[]);
}

fn convert(args: ConvertArgs, log_level: Option<LogLevel>, quiet: bool) -> anyhow::Result<()> {
    let outcome = run::run(RunRequest {
        inputs: args.inputs.clone(),
        output: args.output.clone(),
        columns: args.columns.clone(),
        shard: args.shard,
        dataset: DatasetOptions {
            force: false,
            unit: args.unit,
            resume: args.resume,
            no_commit: args.no_commit,
            file_limits: args.file_limits(),
        },
        config_file: args.config.clone(),
        overrides: args.overrides(log_level),
        run_name: args.run_name.clone(),
        metrics_file: args.metrics_file.clone(),
        show_progress: !quiet,
        profile: args.profile,
    })?;
    let mut failed = outcome.runs.into_iter().filter(|r| r.result.is_err());
    if let Some(run) = failed.next() {
        let others = match failed.count() {
            0 => String::new(),
            n => format!(" ({n} other conversions failed too)"),
        };
        let (input, run_dir) = (run.input, run.run_dir.path);
        run.result.with_context(|| {
            format!(
                "converting {input} failed{others} (run report: {})",
                run_dir.display()
            )
        })?;
    }
    Ok(())
}

fn split_input(args: SplitArgs) -> anyhow::Result<()> {
    let count = match (args.parts, args.part_size) {
        (Some(parts), _) => PartCount::Parts(parts),
        (None, Some(size)) => PartCount::Size(size),
        (None, None) => anyhow::bail!("give --parts N or --part-size SIZE"),
    };
    let summary = split::split(&SplitRequest {
        input: args.input.clone(),
        dir: args.output.clone(),
        count,
        compression: args.compress,
        chunk_bytes: args.chunk_bytes,
    })?;
    let secs = summary.elapsed.as_secs_f64().max(1e-9);
    log::info!(
        "split {} into {} parts in {}: {:.1} MB XML ({:.1} MB read) in {secs:.2} s, {:.1} MB/s",
        args.input,
        summary.parts.len(),
        args.output.display(),
        summary.xml_bytes as f64 / 1e6,
        summary.input_bytes as f64 / 1e6,
        summary.xml_bytes as f64 / 1e6 / secs,
    );
    for part in &summary.parts {
        log::info!(
            "  {}: {} entries, {:.1} MB XML, {:.1} MB",
            part.path.display(),
            part.entries,
            part.xml_bytes as f64 / 1e6,
            part.bytes as f64 / 1e6
        );
    }
    Ok(())
}

fn verify(dir: &std::path::Path) -> anyhow::Result<()> {
    let verification = manifest::verify(dir)?;
    for problem in &verification.problems {
        log::error!("{problem}");
    }
    if !verification.problems.is_empty() {
        anyhow::bail!(
            "dataset {} does not match its manifest: {} problem(s)",
            dir.display(),
            verification.problems.len()
        );
    }
    log::info!(
        "dataset {}: {} files, {} rows, all match the manifest",
        dir.display(),
        verification.files,
        verification.rows
    );
    Ok(())
}

fn runs(args: RunsArgs) -> anyhow::Result<()> {
    let overrides = Overrides {
        runs_dir: args.runs_dir.clone(),
        ..Overrides::default()
    };
    let (settings, _) = Settings::resolve(args.config.as_deref(), &overrides)?;
    let runs_dir = &settings.runs.runs_dir;
    let load = |id: &str| -> anyhow::Result<_> {
        let dir = catalog::find_run(runs_dir, id)?;
        Ok(catalog::load_report(&dir)?)
    };
    match args.command {
        RunsCommand::List => {
            let (runs, broken) = catalog::load_runs(runs_dir)?;
            for (dir, error) in broken {
                log::warn!(
                    "skipping {}: {:#}",
                    dir.display(),
                    anyhow::Error::from(error)
                );
            }
            print!("{}", catalog::list_view(&runs));
        }
        RunsCommand::Show { id } => print!("{}", catalog::show_view(&load(&id)?)),
        RunsCommand::Compare { a, b } => {
            print!("{}", catalog::compare_view(&load(&a)?, &load(&b)?))
        }
    }
    Ok(())
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_we_think() {
        // mimalloc v2's default purge delay is 10 ms; no neighbouring option defaults to 10
        // (the test process never sets it).
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads a process-wide option.
            let value = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert_eq!(value, 10);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod huge_page_tests {
    #[test]
    fn transparent_huge_pages_are_refused_for_the_process() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
            super::refuse_transparent_huge_pages();
            // SAFETY: reads a flag of this process.
            let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
            assert_eq!(disabled, 1);
        }
    }
}
