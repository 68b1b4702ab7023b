//! The resource sampler: process CPU %, RSS (via `sysinfo`) and channel fill (batches sent minus
//! batches received, from [`Metrics`]) at a fixed interval, streamed to `samples.csv` as they are
//! taken so a long run can be watched live. It reads only atomics and /proc: the parser and
//! writer threads never wait for it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

use super::report::Sample;
use crate::ledger::ticker::{Periodic, Ticker};
use crate::pipeline::metrics::Metrics;

/// Header of `samples.csv`.
pub const SAMPLES_CSV_HEADER: &str = "time_secs,cpu_percent,rss_bytes,channel_len";

/// Samples this process; see the module docs.
pub struct ResourceSampler {
    system: System,
    pid: Option<Pid>,
    metrics: Arc<Metrics>,
    started: Instant,
    samples: Vec<Sample>,
    csv: Option<BufWriter<File>>,
}

impl ResourceSampler {
    /// A sampler for this process, streaming to `csv_path` when given.
    pub fn new(
        metrics: Arc<Metrics>,
        started: Instant,
        csv_path: Option<&Path>,
    ) -> std::io::Result<Self> {
        let system = System::new().map_err(|e| std::io::Error::other(e.to_string()))?;
        let pid = sysinfo::get_current_pid().ok();
        let csv = match csv_path {
            Some(path) => {
                let mut csv = BufWriter::new(File::create(path)?);
                writeln!(csv, "{SAMPLES_CSV_HEADER}")?;
                Some(csv)
            }
            None => None,
        };
        let mut sampler = ResourceSampler {
            system,
            pid,
            metrics,
            started,
            samples: Vec::new(),
            csv,
        };
        // Prime the CPU counters: usage is measured between two refreshes.
        sampler.refresh();
        Ok(sampler)
    }

    /// Starts sampling every `interval` on a background thread.
    pub fn start(self, interval: Duration) -> std::io::Result<Ticker<Vec<Sample>>> {
        Ticker::spawn("resource-sampler", interval, self)
    }

    fn refresh(&mut self) -> (f64, u64) {
        let Some(pid) = self.pid else { return (0.0, 0) };
        self.system.refresh_processes_specifics(
            ProcessesToUpdate::Some(&[pid]),
            true,
            ProcessRefreshKind::nothing().with_cpu().with_memory(),
        );
        self.system
            .process(pid)
            .map_or((0.0, 0), |p| (f64::from(p.cpu_usage()), p.memory()))
    }

    fn take(&mut self) {
        let (cpu_percent, rss_bytes) = self.refresh();
        let in_flight = self.metrics.chunks_in_flight();
        let sample = Sample {
            time_secs: self.started.elapsed().as_secs_f64(),
            cpu_percent,
            rss_bytes,
            channel_len: in_flight,
        };
        if let Some(csv) = &mut self.csv {
            let line = writeln!(
                csv,
                "{:.3},{:.1},{},{}",
                sample.time_secs, sample.cpu_percent, sample.rss_bytes, sample.channel_len
            );
            if line.and_then(|()| csv.flush()).is_err() {
                log::warn!("cannot write samples.csv; sampling continues in memory");
                self.csv = None;
            }
        }
        self.samples.push(sample);
    }
}

impl Periodic for ResourceSampler {
    type Output = Vec<Sample>;

    fn tick(&mut self) {
        self.take();
    }

    fn finish(mut self) -> Vec<Sample> {
        self.take();
        self.samples
    }
}
