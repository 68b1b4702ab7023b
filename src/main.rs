//! The `uniprot-etl` binary: parse the command line, run the library, print the error chain and
//! choose the exit code. No conversion logic lives here.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use uniprot_etl::cli::{Cli, Command, ConvertArgs, RunsArgs, RunsCommand};
use uniprot_etl::config::{LogLevel, Overrides, Settings};
use uniprot_etl::error::Error;
use uniprot_etl::interrupt::{self, QuitFlag};
use uniprot_etl::ledger::{catalog, LOG_FILE};
use uniprot_etl::pipeline::Summary;
use uniprot_etl::run::{self, ConvertRequest};
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
    if let Err(e) = logging::init(level, None) {
        eprintln!("warning: logging unavailable: {e}");
    }
}

fn convert(args: ConvertArgs, log_level: Option<LogLevel>, quiet: bool) -> anyhow::Result<()> {
    let resolved = Settings::resolve(args.config.as_deref(), &args.overrides(log_level));
    let (settings, config_file) = match resolved {
        Ok(resolved) => resolved,
        Err(e) => {
            init_stderr_logging(LogLevel::Error);
            return Err(e.into());
        }
    };
    let run_dir = match run::create_run_dir(&settings, args.run_name.as_deref()) {
        Ok(dir) => dir,
        Err(e) => {
            init_stderr_logging(settings.logging.level);
            return Err(e.into());
        }
    };
    if let Err(e) = logging::init(settings.logging.level, Some(&run_dir.file(LOG_FILE))) {
        eprintln!("warning: logging unavailable: {e}");
    }
    if let Some(file) = &config_file {
        log::debug!("config: {}", file.display());
    }
    let quit = QuitFlag::install().unwrap_or_else(|e| {
        log::warn!("cannot handle SIGINT/SIGTERM cleanly: {e}");
        QuitFlag::new()
    });
    let request = ConvertRequest {
        input: args.input.clone(),
        output: args.output.clone(),
        settings,
        metrics_file: args.metrics_file.clone(),
        show_progress: !quiet,
        profile: args.profile,
        quit,
    };
    let outcome = run::execute(&run_dir, &request);
    let summary = outcome.result.with_context(|| {
        format!(
            "converting {} failed (run report: {})",
            args.input,
            run_dir.path.display()
        )
    })?;
    log_summary(&summary, &outcome.report);
    log::info!(
        "run report: {}",
        run_dir.file(uniprot_etl::ledger::REPORT_FILE).display()
    );
    Ok(())
}

fn log_summary(summary: &Summary, report: &uniprot_etl::ledger::report::Report) {
    let secs = summary.elapsed.as_secs_f64().max(1e-9);
    let mb = |bytes: u64| bytes as f64 / 1e6;
    log::info!(
        "{} entries, {:.1} MB XML ({:.1} MB read) -> {:.1} MB Parquet in {} row groups, {:.2} s: {:.0} entries/s, {:.1} MB/s",
        summary.entries,
        mb(summary.xml_bytes),
        mb(report.metrics.bytes_read),
        mb(summary.output_bytes),
        summary.row_groups,
        secs,
        summary.entries as f64 / secs,
        mb(summary.xml_bytes) / secs,
    );
    let m = &report.metrics;
    let stages = &m.stages;
    log::info!(
        "{} threads, CPU {:.2} s ({:.0}%); busy: read {:.2} s, parse {:.2} s (all threads), encode {:.2} s, write {:.2} s",
        m.threads,
        m.cpu_secs,
        m.cpu_percent,
        stages.read.busy_secs,
        stages.parse.busy_secs,
        stages.encode.busy_secs,
        stages.write.busy_secs,
    );
    log::info!(
        "bottleneck: {} ({})",
        report.diagnosis.bottleneck.name(),
        report.diagnosis.reason
    );
    if summary.unmapped.is_empty() {
        log::info!("unmapped: none");
    } else {
        log::warn!("unmapped elements/attributes (kept out of the Parquet file):");
        for (path, count) in &summary.unmapped {
            log::warn!("  {path}: {count}");
        }
    }
    if let Some(file) = &summary.rejects_file {
        log::warn!(
            "{} entries rejected (parser.on_error: skip), kept in {}",
            summary.rejected,
            file.display()
        );
    }
    log::info!("wrote {}", summary.output.display());
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
