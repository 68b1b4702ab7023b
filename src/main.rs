//! The `uniprot-etl` binary: parse the command line, run the library, print the error chain and
//! choose the exit code. No conversion logic lives here.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use uniprot_etl::cli::{Cli, Command, ConvertArgs};
use uniprot_etl::config::Settings;
use uniprot_etl::metrics::Metrics;
use uniprot_etl::{input, pipeline, schema};

/// mimalloc: the parser allocates entries on one thread and the writer frees them on another;
/// glibc malloc serialised those cross-thread frees on a lock (see README, Performance).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    let result = match cli.command {
        Command::Convert(args) => convert(args),
        Command::Schema => {
            print!("{}", schema::describe());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            log::error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => log::LevelFilter::Error,
        (false, 0) => log::LevelFilter::Info,
        (false, 1) => log::LevelFilter::Debug,
        (false, _) => log::LevelFilter::Trace,
    };
    let logger = fern::Dispatch::new()
        .level(level)
        .format(|out, message, record| {
            if record.level() == log::Level::Info {
                out.finish(format_args!("{message}"))
            } else {
                out.finish(format_args!(
                    "{}: {message}",
                    record.level().as_str().to_lowercase()
                ))
            }
        })
        .chain(std::io::stderr())
        .apply();
    if let Err(e) = logger {
        eprintln!("warning: logging unavailable: {e}");
    }
}

fn convert(args: ConvertArgs) -> anyhow::Result<()> {
    let (settings, config_file) = Settings::resolve(args.config.as_deref(), &args.overrides())?;
    if let Some(file) = &config_file {
        log::debug!("config: {}", file.display());
    }
    let metrics = Arc::new(Metrics::default());
    let opened = input::open(&args.input, Arc::clone(&metrics.input_bytes))?;
    log::debug!(
        "input {} ({}{})",
        opened.name,
        if opened.compressed { "gzip" } else { "plain" },
        opened
            .size
            .map(|s| format!(", {s} bytes"))
            .unwrap_or_default()
    );
    let summary = pipeline::convert(
        opened.reader,
        &opened.name,
        args.output.clone(),
        &settings,
        Arc::clone(&metrics),
    )
    .with_context(|| format!("converting {} failed", args.input))?;
    let secs = summary.elapsed.as_secs_f64().max(1e-9);
    let mb = |bytes: u64| bytes as f64 / 1e6;
    log::info!(
        "{} entries, {:.1} MB XML ({:.1} MB read) -> {:.1} MB Parquet in {} row groups, {:.2} s: {:.0} entries/s, {:.1} MB/s",
        summary.entries,
        mb(summary.xml_bytes),
        mb(Metrics::get(&metrics.input_bytes)),
        mb(summary.output_bytes),
        summary.row_groups,
        secs,
        summary.entries as f64 / secs,
        mb(summary.xml_bytes) / secs,
    );
    log::debug!(
        "writer busy {:.2} s, writer waited {:.2} s for batches, parser waited {:.2} s on a full channel",
        Metrics::secs(&metrics.write_nanos),
        Metrics::secs(&metrics.writer_blocked_nanos),
        Metrics::secs(&metrics.parser_blocked_nanos),
    );
    if summary.unmapped.is_empty() {
        log::info!("unmapped: none");
    } else {
        log::warn!("unmapped elements/attributes (kept out of the Parquet file):");
        for (path, count) in &summary.unmapped {
            log::warn!("  {path}: {count}");
        }
    }
    log::info!("wrote {}", summary.output.display());
    Ok(())
}
