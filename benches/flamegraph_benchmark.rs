//! The end-to-end conversion under criterion with pprof's profiler hook: run with
//! `cargo bench --bench flamegraph_benchmark -- --profile-time 10` and the flamegraph appears at
//! `target/criterion/end_to_end_profiled/profile/flamegraph.svg`.

mod corpus;

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pprof::criterion::{Output, PProfProfiler};
use uniprot_etl::config::Settings;
use uniprot_etl::pipeline::metrics::Metrics;
use uniprot_etl::pipeline::{self, Job};
use uniprot_etl::writer::Target;

/// Profiler sampling frequency (Hz).
const SAMPLE_HZ: i32 = 997;

fn end_to_end(c: &mut Criterion) {
    let xml = corpus::corpus();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("bench.parquet");
    let settings = Settings::default();
    let mut group = c.benchmark_group("end_to_end_profiled");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("convert", |b| {
        b.iter(|| {
            let metrics = Arc::new(Metrics::default());
            let job = Job::new("bench", Target::File(out.clone()), settings.clone());
            pipeline::convert(&xml[..], &job, &metrics).expect("conversion succeeds");
            assert!(Metrics::get(&metrics.entries) > 0);
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_profiler(PProfProfiler::new(SAMPLE_HZ, Output::Flamegraph(None)));
    targets = end_to_end
}
criterion_main!(benches);
