//! Counters shared by the parser thread, the writer thread and observers (progress, sampler).
//!
//! Plain relaxed atomics: they are statistics, never used for synchronisation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Live counters of one conversion.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Raw input bytes consumed (compressed bytes for gzip input).
    pub input_bytes: std::sync::Arc<AtomicU64>,
    /// Entries parsed.
    pub entries: AtomicU64,
    /// Entries rejected under `parser.on_error: skip` (kept in the rejects file).
    pub rejected: AtomicU64,
    /// Batches handed to the channel.
    pub batches_sent: AtomicU64,
    /// Batches the writer received.
    pub batches_received: AtomicU64,
    /// Bytes of Parquet written so far.
    pub output_bytes: AtomicU64,
    /// Nanoseconds the parser spent blocked on a full channel.
    pub parser_blocked_nanos: AtomicU64,
    /// Nanoseconds the writer spent waiting on an empty channel.
    pub writer_blocked_nanos: AtomicU64,
    /// Nanoseconds the parser spent working (parsing time minus time blocked on `send`).
    pub parse_nanos: AtomicU64,
    /// Nanoseconds the writer spent building Arrow data and writing Parquet.
    pub write_nanos: AtomicU64,
}

impl Metrics {
    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// Adds a duration to a nanosecond counter.
    pub fn add_duration(counter: &AtomicU64, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        counter.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Reads a nanosecond counter as seconds.
    pub fn secs(counter: &AtomicU64) -> f64 {
        Self::get(counter) as f64 / 1e9
    }
}
