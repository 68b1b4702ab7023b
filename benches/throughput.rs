//! Throughput of each stage on a generated corpus (`Throughput::Bytes` = bytes of XML):
//! parse (XML straight into the Arrow columns, as the pipeline's workers do), Arrow build from
//! model values (the typed column builders, and serde_arrow's generic builder the converter used
//! before, as the reference they are measured against in the same run), Parquet write, and end
//! to end through the pipeline.
//! Each bench asserts its expected count, so a broken stage cannot look fast.
//!
//! `cargo bench --bench throughput` (`BENCH_ENTRIES=5000` for a quick run).

mod corpus;

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use uniprot_etl::config::Settings;
use uniprot_etl::parse::{EntryReader, ParseLimits, Step};
use uniprot_etl::pipeline::metrics::Metrics;
use uniprot_etl::pipeline::{self, Job};
use uniprot_etl::table::batch::EntryBatchBuilder;
use uniprot_etl::table::model::Entry;
use uniprot_etl::writer::Target;

/// Rows per Arrow batch when parsing, about what a 1 MiB chunk of the generated corpus holds.
const PARSE_BATCH_ROWS: usize = 100;

/// Parses `xml` into Arrow columns, a batch every `PARSE_BATCH_ROWS` entries, and hands each
/// batch's builder to `batch`; returns the number of entries.
fn parse(xml: &[u8], mut batch: impl FnMut(&mut EntryBatchBuilder)) -> usize {
    let mut reader = EntryReader::new(xml, false, ParseLimits::default());
    let mut builder = EntryBatchBuilder::new();
    let mut entries = 0;
    while let Some(step) = reader
        .next_into(builder.columns_mut())
        .expect("the generated corpus parses")
    {
        assert!(matches!(step, Step::Entry));
        entries += 1;
        if entries % PARSE_BATCH_ROWS == 0 {
            batch(&mut builder);
        }
    }
    batch(&mut builder);
    entries
}

/// Every entry of `xml` as a model value (read back from the parsed columns).
fn parse_all(xml: &[u8]) -> Vec<Entry> {
    let mut entries = Vec::new();
    parse(xml, |builder| {
        entries.extend(builder.finish_entries().expect("rows read back"));
    });
    entries
}

fn stages(c: &mut Criterion) {
    let xml = corpus::corpus();
    let entries = parse_all(&xml);
    let count = entries.len();
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(xml.len() as u64));

    group.bench_function("parse_to_columns", |b| {
        b.iter(|| {
            let parsed = parse(&xml, |builder| {
                builder.finish().expect("batch builds");
            });
            assert_eq!(parsed, count);
        })
    });

    let batch_size = 10_000;
    group.bench_function("arrow_build", |b| {
        let mut builder = EntryBatchBuilder::new();
        b.iter(|| {
            let rows: usize = entries
                .chunks(batch_size)
                .map(|chunk| builder.build(chunk).expect("batch builds").num_rows())
                .sum();
            assert_eq!(rows, count);
        })
    });

    group.bench_function("arrow_build_serde_arrow", |b| {
        let mut builder =
            serde_arrow::ArrayBuilder::from_arrow(uniprot_etl::table::schema::fields())
                .expect("the schema has a serde_arrow builder");
        b.iter(|| {
            let rows: usize = entries
                .chunks(batch_size)
                .map(|chunk| {
                    builder.extend(chunk).expect("entries append");
                    builder.to_record_batch().expect("batch builds").num_rows()
                })
                .sum();
            assert_eq!(rows, count);
        })
    });

    let batches: Vec<_> = {
        let mut builder = EntryBatchBuilder::new();
        entries
            .chunks(batch_size)
            .map(|chunk| builder.build(chunk).expect("batch builds"))
            .collect()
    };
    // The project's own writer settings (zstd level, statistics, dictionaries), not parquet's
    // defaults, so the bench measures what the converter writes.
    let spec = uniprot_etl::writer::OutputSpec {
        target: uniprot_etl::writer::Target::File("bench.parquet".into()),
        parquet: Settings::default().parquet,
        max_row_group_rows: Settings::default().pipeline.batch_size,
        input_name: "bench".into(),
        schema: uniprot_etl::table::schema::schema(),
    };
    let props = uniprot_etl::writer::writer_properties(&spec);
    group.bench_function("parquet_write", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            let mut writer = parquet::arrow::ArrowWriter::try_new(
                &mut out,
                uniprot_etl::table::schema::schema(),
                Some(props.clone()),
            )
            .expect("writer opens");
            for batch in &batches {
                writer.write(batch).expect("batch writes");
                writer.flush().expect("row group flushes");
            }
            writer.close().expect("file closes");
            assert!(!out.is_empty());
        })
    });

    group.bench_function("end_to_end", |b| {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("bench.parquet");
        let settings = Settings::default();
        b.iter(|| {
            let metrics = Arc::new(Metrics::default());
            let job = Job::new("bench", Target::File(out.clone()), settings.clone());
            pipeline::convert(&xml[..], &job, &metrics).expect("conversion succeeds");
            assert_eq!(Metrics::get(&metrics.entries) as usize, count);
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
