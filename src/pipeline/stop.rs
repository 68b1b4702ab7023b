//! How the stages stop together: a failed stage sets the shared `closing` flag (work still
//! queued is skipped, the reader stops taking slots), SIGINT/SIGTERM sets the quit flag that the
//! reader and the in-order stage poll, and the errors that say which of them happened.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::metrics::Metrics;
use crate::error::Error;
use crate::interrupt::QuitFlag;

/// The stop signals every stage shares; cloned into each.
#[derive(Clone, Default)]
pub struct StopSignals {
    /// Set when a stage failed.
    closing: Arc<AtomicBool>,
    /// Set by SIGINT/SIGTERM.
    quit: QuitFlag,
}

impl StopSignals {
    /// Signals around `quit`, with no stage failed yet.
    pub fn new(quit: QuitFlag) -> Self {
        StopSignals {
            closing: Arc::default(),
            quit,
        }
    }

    /// A stage failed: the others stop taking work.
    pub fn close(&self) {
        self.closing.store(true, Ordering::Relaxed);
    }

    /// True once a stage failed.
    pub fn closing(&self) -> bool {
        self.closing.load(Ordering::Relaxed)
    }

    /// True once a signal asked the conversion to stop.
    pub fn quit_requested(&self) -> bool {
        self.quit.requested().is_some()
    }

    /// The error of a conversion stopped by a signal, with the entries converted by then.
    pub fn interrupted(&self, metrics: &Metrics) -> Error {
        Error::Interrupted {
            signal: self.quit.requested().unwrap_or(0),
            entries: Metrics::get(&metrics.entries),
        }
    }
}

/// The error of a stage whose thread or job panicked.
pub fn panicked(stage: &str) -> Error {
    Error::Internal(format!("the {stage} stage panicked"))
}
