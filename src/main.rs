//! The `uniprot-etl` binary: parse the command line, run the library, print the error chain and
//! choose the exit code. No conversion logic lives here.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use uniprot_etl::cli::{Cli, Command, ConvertArgs, RunsArgs, RunsCommand};
use uniprot_etl::config::{LogLevel, Overrides, Settings};
use uniprot_etl::error::Error;
use uniprot_etl::interrupt;
use uniprot_etl::ledger::catalog;
use uniprot_etl::run::{self, RunRequest};
use uniprot_etl::{floor, logging, schema};

/// mimalloc: the parser allocates entries on one thread and the writer frees them on another;
/// glibc malloc serialised those cross-thread frees on a lock (see README, Performance).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log_level = cli.log_level();
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Convert(args) => convert(args, log_level, quiet),
        Command::Schema => {
            print!("{}", schema::describe());
            Ok(())
        }
        Command::Floor { input } => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            floor::measure(&input)
                .map(|floors| print!("{}", serde_yaml_ng::to_string(&floors).unwrap_or_default()))
                .map_err(anyhow::Error::from)
        }
        Command::Runs(args) => {
            init_stderr_logging(log_level.unwrap_or(LogLevel::Info));
            runs(args)
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
    logging::init_or_stderr(level, None);
}

fn convert(args: ConvertArgs, log_level: Option<LogLevel>, quiet: bool) -> anyhow::Result<()> {
    let outcome = run::run(RunRequest {
        input: args.input.clone(),
        output: args.output.clone(),
        config_file: args.config.clone(),
        overrides: args.overrides(log_level),
        run_name: args.run_name.clone(),
        metrics_file: args.metrics_file.clone(),
        show_progress: !quiet,
        profile: args.profile,
    })?;
    outcome.result.with_context(|| {
        format!(
            "converting {} failed (run report: {})",
            args.input,
            outcome.run_dir.path.display()
        )
    })?;
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
        let dir = catalog::find_run(runs_dir, id).map_err(anyhow::Error::msg)?;
        catalog::load_report(&dir).map_err(anyhow::Error::msg)
    };
    match args.command {
        RunsCommand::List => {
            let (runs, broken) = catalog::load_runs(runs_dir).map_err(anyhow::Error::msg)?;
            for (dir, error) in broken {
                log::warn!("skipping {}: {error}", dir.display());
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
