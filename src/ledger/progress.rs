//! The progress bar on stderr (indicatif): bytes/s, entries/s and an ETA when the input size is
//! known (compressed bytes for gzip input). Hidden when stderr is not a terminal or with
//! `--quiet`. Driven by a [`Ticker`] reading the shared counters, never by the hot path.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ledger::ticker::{Periodic, Ticker};
use crate::pipeline::metrics::Metrics;

/// Redraw interval of the bar.
const REDRAW_INTERVAL: Duration = Duration::from_millis(200);

/// Updates the bar from the counters.
struct ProgressTask {
    bar: ProgressBar,
    metrics: Arc<Metrics>,
}

impl Periodic for ProgressTask {
    type Output = ();

    fn tick(&mut self) {
        self.bar
            .set_position(Metrics::get(&self.metrics.input_bytes));
        let entries = Metrics::get(&self.metrics.entries);
        let secs = self.bar.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!(
            "{entries} entries, {:.0} entries/s",
            entries as f64 / secs
        ));
    }

    fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// Shows a progress bar until the returned ticker is stopped; `None` when hidden.
pub fn start(total_bytes: Option<u64>, metrics: Arc<Metrics>, quiet: bool) -> Option<Ticker<()>> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match total_bytes {
        Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = if total_bytes.is_some() {
        "{elapsed_precise} [{bar:24}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}"
    } else {
        "{elapsed_precise} {spinner} {bytes} {bytes_per_sec} {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Ticker::spawn("progress", REDRAW_INTERVAL, ProgressTask { bar, metrics }).ok()
}
