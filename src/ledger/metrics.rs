//! Counters shared by the pipeline's stages and its observers (progress, sampler, report).
//!
//! Plain relaxed atomics: they are statistics, never used for synchronisation. Busy and
//! blocked times are per stage; the parse and encode times are summed over the worker pool,
//! so they can exceed the wall time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Live counters of one conversion.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Raw input bytes consumed (compressed bytes for gzip input).
    pub input_bytes: std::sync::Arc<AtomicU64>,
    /// Entries converted (counted in input order, as rows are handed to the encoder).
    pub entries: AtomicU64,
    /// Entries rejected under `parser.on_error: skip` (kept in the rejects file).
    pub rejected: AtomicU64,
    /// Batches (row groups) encoded.
    pub batches: AtomicU64,
    /// Chunks the reader dispatched to the parse workers.
    pub chunks_dispatched: AtomicU64,
    /// Chunks the in-order stage took (their slot freed again).
    pub chunks_taken: AtomicU64,
    /// The most chunks in flight (read, not yet taken in order) at any time: at most
    /// `threads + channel_capacity`, the pipeline's memory bound.
    pub chunks_in_flight_peak: AtomicU64,
    /// Bytes of Parquet written so far.
    pub output_bytes: AtomicU64,
    /// Nanoseconds the reader worked: reading, decompressing, finding entry boundaries.
    pub read_nanos: AtomicU64,
    /// Nanoseconds the reader waited for a free chunk slot (everything downstream was full).
    pub reader_blocked_nanos: AtomicU64,
    /// Nanoseconds of parsing, summed over the worker threads.
    pub parse_nanos: AtomicU64,
    /// Nanoseconds of column encoding, summed over the worker threads.
    pub encode_nanos: AtomicU64,
    /// Nanoseconds the in-order stage waited for the next chunk in order.
    pub order_blocked_nanos: AtomicU64,
    /// Nanoseconds the in-order stage waited for the writer to take a row group.
    pub encoder_blocked_nanos: AtomicU64,
    /// Nanoseconds the writer spent appending row groups to the file.
    pub write_nanos: AtomicU64,
    /// Nanoseconds the writer waited for a row group.
    pub writer_blocked_nanos: AtomicU64,
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

    /// Chunks read but not yet taken in order: the pipeline's fill, 0 to `threads +
    /// channel_capacity`.
    pub fn chunks_in_flight(&self) -> u64 {
        Self::get(&self.chunks_dispatched).saturating_sub(Self::get(&self.chunks_taken))
    }
}
