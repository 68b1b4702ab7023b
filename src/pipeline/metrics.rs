//! The pipeline's figures: counters its stages update and its observers read (the ledger's
//! progress bar, sampler and report observe them; no stage reaches into the ledger).
//!
//! Plain relaxed atomics: they are statistics, never used for synchronisation. Busy and
//! blocked times are per stage, each kept by the stage's own clock ([`StageClock`] over a
//! stage's loop, [`StageTimer`] over one stretch), never by hand-written pairs; the parse and
//! encode times are summed over the worker pool, so they can exceed the wall time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Live counters of one conversion.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Bytes of XML read (decompressed), stored once the reader stage ended.
    pub xml_bytes: AtomicU64,
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

    /// Runs `work`, counting its time into the nanosecond counter `counter`.
    pub fn timed<T>(counter: &AtomicU64, work: impl FnOnce() -> T) -> T {
        let _timer = StageTimer::start(counter);
        work()
    }

    /// Adds a duration to a nanosecond counter.
    fn add_duration(counter: &AtomicU64, elapsed: Duration) {
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

/// Adds the time from its start until it is dropped to a nanosecond counter.
#[must_use = "the time is counted when the timer is dropped"]
pub struct StageTimer<'a> {
    counter: &'a AtomicU64,
    started: Instant,
}

impl<'a> StageTimer<'a> {
    /// Starts counting into `counter`.
    pub fn start(counter: &'a AtomicU64) -> Self {
        StageTimer {
            counter,
            started: Instant::now(),
        }
    }
}

impl Drop for StageTimer<'_> {
    fn drop(&mut self) {
        Metrics::add_duration(self.counter, self.started.elapsed());
    }
}

/// A stage's clock over its loop: the time spent inside [`StageClock::wait`] counts as
/// blocked, and when the clock is dropped the rest counts as busy.
#[must_use = "the time is counted when the clock is dropped"]
pub struct StageClock<'a> {
    busy: &'a AtomicU64,
    blocked: &'a AtomicU64,
    started: Instant,
    waited: Duration,
}

impl<'a> StageClock<'a> {
    /// Starts a stage's clock with its `busy` and `blocked` nanosecond counters.
    pub fn start(busy: &'a AtomicU64, blocked: &'a AtomicU64) -> Self {
        StageClock {
            busy,
            blocked,
            started: Instant::now(),
            waited: Duration::ZERO,
        }
    }

    /// Runs `wait` (a blocking receive or send), counting its time as blocked.
    pub fn wait<T>(&mut self, wait: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = wait();
        let waited = started.elapsed();
        self.waited += waited;
        Metrics::add_duration(self.blocked, waited);
        result
    }
}

impl Drop for StageClock<'_> {
    fn drop(&mut self) {
        let busy = self.started.elapsed().saturating_sub(self.waited);
        Metrics::add_duration(self.busy, busy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_splits_its_time_into_busy_and_blocked() {
        let metrics = Metrics::default();
        {
            let mut clock = StageClock::start(&metrics.write_nanos, &metrics.writer_blocked_nanos);
            clock.wait(|| std::thread::sleep(Duration::from_millis(20)));
            std::thread::sleep(Duration::from_millis(10));
        }
        let blocked = Metrics::get(&metrics.writer_blocked_nanos);
        let busy = Metrics::get(&metrics.write_nanos);
        assert!(blocked >= 20_000_000, "{blocked}");
        assert!(busy >= 10_000_000, "{busy}");
        let doubled = Metrics::timed(&metrics.parse_nanos, || 2 * 21);
        assert_eq!(doubled, 42);
        assert!(Metrics::get(&metrics.parse_nanos) > 0);
    }
}
