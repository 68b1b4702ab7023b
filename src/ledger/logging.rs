//! Logging setup: everything logged goes to stderr and, for a conversion, is tee'd into the run
//! directory's `etl.log` (with timestamps). Built on `log` + `fern`. The process's one global
//! logger ([`Retargetable`]) is installed on the first setup; each later setup swaps what it
//! logs into, so a process that runs several conversions (the Python package) gives each run
//! its own `etl.log`.

use std::path::PathBuf;
use std::sync::{OnceLock, RwLock};

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// A run's `etl.log` could not be opened.
    #[error("cannot open the log file {}", path.display())]
    LogFile {
        /// The log file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Another logger was installed first (one per process), not this module's.
    #[error("a logger is already installed")]
    Installed(#[from] log::SetLoggerError),
}

use crate::config::LogLevel;

/// Converts the config level into a `log` filter.
pub fn level_filter(level: LogLevel) -> log::LevelFilter {
    match level {
        LogLevel::Error => log::LevelFilter::Error,
        LogLevel::Warn => log::LevelFilter::Warn,
        LogLevel::Info => log::LevelFilter::Info,
        LogLevel::Debug => log::LevelFilter::Debug,
        LogLevel::Trace => log::LevelFilter::Trace,
    }
}

/// Installs the global logger like [`init`]; when a log file cannot be opened, warns on stderr
/// and logs to stderr alone, so later messages (the final error above all) are never lost.
pub fn init_or_stderr(level: LogLevel, log_files: &[PathBuf]) {
    if let Err(e) = init(level, log_files) {
        let e = crate::error::chain(&e);
        eprintln!("warning: logging into the run directory unavailable: {e}");
        if !log_files.is_empty() {
            if let Err(e) = init(level, &[]) {
                eprintln!("warning: logging unavailable: {}", crate::error::chain(&e));
            }
        }
    }
}

/// Installs the global logger: stderr at `level`, plus each of `log_files` (one per run of
/// the invocation). The files always get at least the info lines, so the run's record does not
/// depend on `-q`.
pub fn init(level: LogLevel, log_files: &[PathBuf]) -> Result<(), LoggingError> {
    let terminal = level_filter(level);
    let file_level = terminal.max(log::LevelFilter::Info);
    let stderr = fern::Dispatch::new()
        .level(terminal)
        .format(|out, message, record| {
            if record.level() == log::Level::Info {
                out.finish(format_args!("{message}"))
            } else {
                let level = record.level().as_str().to_lowercase();
                out.finish(format_args!("{level}: {message}"))
            }
        })
        .chain(std::io::stderr());
    let mut dispatch = fern::Dispatch::new()
        .level(if !log_files.is_empty() {
            file_level
        } else {
            terminal
        })
        // Dependencies log at debug level too; keep our own output readable.
        .level_for("parquet", log::LevelFilter::Warn)
        .chain(stderr);
    for path in log_files {
        let file = fern::log_file(path).map_err(|source| LoggingError::LogFile {
            path: path.clone(),
            source,
        })?;
        dispatch = dispatch.chain(
            fern::Dispatch::new()
                .level(file_level)
                .format(|out, message, record| {
                    out.finish(format_args!(
                        "{} {:<5} {message}",
                        chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%.3f%:z"),
                        record.level()
                    ))
                })
                .chain(file),
        );
    }
    let (max_level, target) = dispatch.into_log();
    Retargetable::install(target)?;
    log::set_max_level(max_level);
    Ok(())
}

/// The global logger: forwards every record to the target of the latest setup.
struct Retargetable {
    target: RwLock<Box<dyn log::Log>>,
}

/// The one [`Retargetable`] of the process, once installed.
static GLOBAL: OnceLock<&'static Retargetable> = OnceLock::new();

impl Retargetable {
    /// Makes `target` the destination of every record: installs the global logger the first
    /// time, swaps its target afterwards (flushing the previous one).
    fn install(target: Box<dyn log::Log>) -> Result<(), log::SetLoggerError> {
        let mut fresh = Some(target);
        let global = GLOBAL.get_or_init(|| {
            let logger = Retargetable {
                target: RwLock::new(fresh.take().expect("taken once")),
            };
            &*Box::leak(Box::new(logger))
        });
        match fresh {
            // Installed just now: hand it to `log`.
            None => log::set_logger(*global),
            Some(target) => {
                let mut current = global.target.write().unwrap_or_else(|e| e.into_inner());
                current.flush();
                *current = target;
                Ok(())
            }
        }
    }
}

impl log::Log for Retargetable {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        let target = self.target.read().unwrap_or_else(|e| e.into_inner());
        target.enabled(metadata)
    }

    fn log(&self, record: &log::Record) {
        let target = self.target.read().unwrap_or_else(|e| e.into_inner());
        target.log(record);
    }

    fn flush(&self) {
        let target = self.target.read().unwrap_or_else(|e| e.into_inner());
        target.flush();
    }
}
