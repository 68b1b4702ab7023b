//! The command line: its clap types ([`args`]) and the dispatch of each subcommand to the
//! library. The `uniprot-etl` binary is [`main`] plus the binary's memory policy; the Python
//! package's `uniprot-etl` command calls the same [`main`].

pub mod args;

use anyhow::Context;
use clap::Parser;

use self::args::{Cli, Command, ConvertArgs, ExportArgs, RunsArgs, RunsCommand, SplitArgs};
use crate::config::{LogLevel, Overrides, Settings};
use crate::dataset::manifest;
use crate::dataset::split::{self, PartCount, SplitRequest};
use crate::error::{Error, StorageError};
use crate::interrupt;
use crate::lab::floor;
use crate::ledger::catalog;
use crate::ledger::logging;
use crate::run::{self, DatasetOptions, RunRequest};
use crate::table::{projection, schema};

/// Runs the command line `args` (the program name first, as `std::env::args_os` gives it):
/// parses it, runs the command, logs the error chain and returns the exit code (0; 1 for a
/// failure; 128 + signal for a run stopped by SIGINT/SIGTERM). The `uniprot-etl` binary and the
/// Python package's `uniprot-etl` command both call this.
pub fn main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    let log_level = cli.log_level();
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Convert(args) => convert(*args, log_level, quiet),
        Command::Export(args) => export(args, log_level, quiet),
        Command::Schema => emit(&schema::describe()),
        Command::Columns => emit(
            &projection::column_paths()
                .iter()
                .map(|path| format!("{path}\n"))
                .collect::<String>(),
        ),
        Command::Floor { input } => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            floor::measure(&input)
                .map_err(anyhow::Error::from)
                .and_then(|floors| {
                    serde_yaml_ng::to_string(&floors).context("writing the floors as YAML")
                })
                .and_then(|yaml| emit(&yaml))
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
        Ok(()) => 0,
        Err(err) => {
            log::error!("{err:#}");
            exit_code(&err)
        }
    }
}

/// 128 + signal for a run stopped by SIGINT/SIGTERM (130, 143), else 1.
fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<Error>() {
        Some(Error::Interrupted { signal, .. }) => interrupt::exit_code(*signal),
        _ => 1,
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
        // `--isoforms` without a file: the default place (an empty path says so).
        isoforms: args.isoforms.clone().map(Option::unwrap_or_default),
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
        quit: None,
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

fn export(args: ExportArgs, log_level: Option<LogLevel>, quiet: bool) -> anyhow::Result<()> {
    let run = run::export(run::ExportRequest {
        input: args.input.clone(),
        output: args.output.clone(),
        compression: args.compress,
        config_file: args.config.clone(),
        overrides: args.overrides(log_level),
        run_name: args.run_name.clone(),
        show_progress: !quiet,
        quit: None,
    })?;
    let run_dir = run.run_dir.path;
    if run.result.as_ref().is_err_and(closed_pipe) && args.output.as_os_str() == "-" {
        // The reader of stdout stopped early (`| head`): the export ends quietly, as `schema`
        // does; its report says the document was not written whole.
        return Ok(());
    }
    run.result.map(|_| ()).with_context(|| {
        format!(
            "exporting {} failed (run report: {})",
            args.input.display(),
            run_dir.display()
        )
    })
}

/// Whether `error` was caused by writing to a closed pipe.
fn closed_pipe(error: &Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        let io = match cause.downcast_ref::<StorageError>() {
            Some(StorageError::Io(io)) => Some(io),
            _ => cause.downcast_ref::<std::io::Error>(),
        };
        if io.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
            return true;
        }
        source = cause.source();
    }
    false
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
            emit(&catalog::list_view(&runs))?;
        }
        RunsCommand::Show { id } => emit(&catalog::show_view(&load(&id)?))?,
        RunsCommand::Compare { a, b } => emit(&catalog::compare_view(&load(&a)?, &load(&b)?))?,
    }
    Ok(())
}

/// Writes a command's output to stdout. A reader that hangs up early (`uniprot-etl schema |
/// head`) ends the command quietly, as `cat` would, instead of a panic in `print!`.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::from(e).context("writing to stdout"))
        }
        _ => Ok(()),
    }
}
