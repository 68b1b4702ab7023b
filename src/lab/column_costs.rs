//! Where a conversion's time and bytes go, column by column: for each top-level column, the
//! time to parse and build it (a projected scan of that column alone, less a scan of the
//! accession alone), and for each leaf column, the time to encode it, its bytes before and
//! after compression, whether it was dictionary-encoded and whether it carries statistics; and
//! the levers of the encoding plan ([`crate::writer::plan`]): each leaf encoded with and
//! without a dictionary and without statistics, and the whole file under the uniform and the
//! tuned plan, in the same run. `cargo xtask columns` prints the tables; the plan is chosen
//! from them.
//!
//! Everything runs on one thread, in this process: the scans through [`pipeline::scan`] with
//! `threads: 1`, the encoding through the converter's own column writers (its Parquet
//! settings), each leaf written and closed alone so its time is its own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parquet::arrow::arrow_writer::compute_leaves;
use parquet::basic::Encoding;
use serde::Serialize;

use crate::config::{EncodingPlan, ParquetSettings, Settings};
use crate::error::{Error, Result};
use crate::pipeline::metrics::Metrics;
use crate::pipeline::{self, input, ScanJob};
use crate::table::{schema, Projection};
use crate::writer::{self, plan, OutputSpec, Target};

/// The cost of one top-level column.
#[derive(Debug, Clone, Serialize)]
pub struct FieldCost {
    /// The column's name.
    pub name: String,
    /// Seconds to parse and build it: its projected scan less the accession's.
    pub build_secs: f64,
    /// Seconds to encode its leaf columns.
    pub encode_secs: f64,
    /// Its bytes in the file (compressed).
    pub bytes: u64,
}

/// The cost of one leaf column.
#[derive(Debug, Clone, Serialize)]
pub struct LeafCost {
    /// The top-level column it belongs to.
    pub column: String,
    /// The Parquet column path (`sequence.value`, `features.list.element.type`).
    pub path: String,
    /// Seconds to encode it (writes and close).
    pub encode_secs: f64,
    /// Bytes before compression (encoded pages).
    pub uncompressed: u64,
    /// Bytes in the file.
    pub compressed: u64,
    /// Whether a dictionary page was written.
    pub dictionary: bool,
    /// Whether the column chunks carry statistics.
    pub statistics: bool,
    /// The encodings used, as Parquet names them.
    pub encodings: String,
}

/// One leaf column under the plan's levers: the uniform plan (a dictionary and page
/// statistics everywhere), without a dictionary, and without statistics.
#[derive(Debug, Clone, Serialize)]
pub struct Lever {
    /// The column path as `uniprot-etl columns` names it (`features.type`).
    pub column: String,
    /// What the tuned plan gives it: dictionary or not.
    pub plan_dictionary: bool,
    /// What the tuned plan gives it: its statistics.
    pub plan_statistics: String,
    /// Bytes in the file with a dictionary.
    pub bytes_dictionary: u64,
    /// Bytes in the file without one.
    pub bytes_plain: u64,
    /// Seconds to encode it with a dictionary (and page statistics).
    pub secs_dictionary: f64,
    /// Seconds without a dictionary (page statistics).
    pub secs_plain: f64,
    /// Seconds with a dictionary and no statistics.
    pub secs_no_statistics: f64,
}

/// The whole file's encoding under one plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanCost {
    /// The plan's name.
    pub plan: String,
    /// Seconds to encode every leaf (the fastest repeat of each).
    pub encode_secs: f64,
    /// Bytes of every leaf in the file.
    pub bytes: u64,
}

/// The costs of one corpus.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnCosts {
    /// Entries converted.
    pub entries: u64,
    /// Bytes of XML read.
    pub xml_bytes: u64,
    /// Seconds to scan every column (parse and build, no encoding).
    pub scan_all_secs: f64,
    /// Seconds to scan the accession alone (what every projection pays: reading, cutting,
    /// tokenizing every entry).
    pub scan_accession_secs: f64,
    /// Per top-level column, in schema order.
    pub fields: Vec<FieldCost>,
    /// Per leaf column, in schema order.
    pub leaves: Vec<LeafCost>,
    /// Per leaf column, the levers of the plan, in schema order.
    pub levers: Vec<Lever>,
    /// The uniform and the tuned plan, whole.
    pub plans: Vec<PlanCost>,
}

/// Measures the costs of the corpus at `path` under `settings` (their Parquet and batch
/// settings; one thread). Each scan runs `repeats` times and counts its fastest run: the work
/// is the same every time, so the slower runs only measure the machine's noise.
pub fn measure(path: &str, settings: &Settings, repeats: usize) -> Result<ColumnCosts> {
    let mut settings = settings.clone();
    settings.pipeline.threads = 1;
    let fastest = |columns: &Projection| -> Result<Duration> {
        let mut best = Duration::MAX;
        for _ in 0..repeats.max(1) {
            best = best.min(scan(path, &settings, columns.clone())?.1);
        }
        Ok(best)
    };
    let (all, _, xml_bytes) = scan(path, &settings, Projection::all())?;
    let scan_all = fastest(&Projection::all())?;
    let scan_accession = fastest(&Projection::parse(&["accession"])?)?;
    let spec = OutputSpec {
        target: Target::File(std::path::PathBuf::from("column-costs.parquet")),
        parquet: settings.parquet.clone(),
        max_row_group_rows: settings.pipeline.batch_size,
        input_name: path.to_owned(),
        schema: schema::schema(),
    };
    let leaves = encode(&spec, &all)?;
    let (levers, plans) = levers(&spec, &all, repeats)?;
    let mut fields = Vec::new();
    for field in spec.schema.fields() {
        let own: Vec<&LeafCost> = leaves
            .iter()
            .filter(|l| &l.column == field.name())
            .collect();
        let build = if field.name() == "accession" {
            scan_accession
        } else {
            fastest(&Projection::parse(&[field.name()])?)?.saturating_sub(scan_accession)
        };
        fields.push(FieldCost {
            name: field.name().clone(),
            build_secs: build.as_secs_f64(),
            encode_secs: own.iter().map(|l| l.encode_secs).sum(),
            bytes: own.iter().map(|l| l.compressed).sum(),
        });
    }
    Ok(ColumnCosts {
        entries: all.iter().map(|b| b.num_rows() as u64).sum(),
        xml_bytes,
        scan_all_secs: scan_all.as_secs_f64(),
        scan_accession_secs: scan_accession.as_secs_f64(),
        fields,
        leaves,
        levers,
        plans,
    })
}

/// Encodes `batches` under each lever of the plan, `repeats` times round-robin (each leaf's
/// fastest repeat counts): the uniform plan with and without dictionaries and without
/// statistics, and the tuned plan.
fn levers(
    spec: &OutputSpec,
    batches: &[arrow::record_batch::RecordBatch],
    repeats: usize,
) -> Result<(Vec<Lever>, Vec<PlanCost>)> {
    let variant = |change: fn(&mut ParquetSettings)| {
        let mut spec = spec.clone();
        change(&mut spec.parquet);
        spec
    };
    let variants = [
        variant(|p| p.plan = EncodingPlan::Uniform),
        variant(|p| {
            p.plan = EncodingPlan::Uniform;
            p.dictionary = false;
        }),
        variant(|p| {
            p.plan = EncodingPlan::Uniform;
            p.statistics = false;
        }),
        variant(|p| p.plan = EncodingPlan::Tuned),
    ];
    let mut best: Vec<Vec<LeafCost>> = Vec::new();
    for _ in 0..repeats.max(1) {
        for (i, spec) in variants.iter().enumerate() {
            let costs = encode(spec, batches)?;
            match best.get_mut(i) {
                None => best.push(costs),
                Some(kept) => {
                    for (kept, new) in kept.iter_mut().zip(costs) {
                        kept.encode_secs = kept.encode_secs.min(new.encode_secs);
                    }
                }
            }
        }
    }
    let [uniform, plain, no_statistics, tuned] = &best[..] else {
        return Err(Error::Internal("a lever was not measured".into()));
    };
    let levers = plan::leaves()
        .iter()
        .enumerate()
        .map(|(i, leaf)| {
            let (plan_dictionary, plan_statistics) = plan::choice(&spec.parquet, leaf);
            Lever {
                column: leaf.dotted.clone(),
                plan_dictionary,
                plan_statistics: format!("{plan_statistics:?}").to_lowercase(),
                bytes_dictionary: uniform[i].compressed,
                bytes_plain: plain[i].compressed,
                secs_dictionary: uniform[i].encode_secs,
                secs_plain: plain[i].encode_secs,
                secs_no_statistics: no_statistics[i].encode_secs,
            }
        })
        .collect();
    let whole = |name: &str, costs: &[LeafCost]| PlanCost {
        plan: name.to_owned(),
        encode_secs: costs.iter().map(|c| c.encode_secs).sum(),
        bytes: costs.iter().map(|c| c.compressed).sum(),
    };
    Ok((
        levers,
        vec![whole("uniform", uniform), whole("tuned", tuned)],
    ))
}

/// Scans `path` into batches of `columns`: the batches, the wall time, the XML bytes.
fn scan(
    path: &str,
    settings: &Settings,
    columns: Projection,
) -> Result<(Vec<arrow::record_batch::RecordBatch>, Duration, u64)> {
    let opened = input::open(path, Arc::default(), None)?;
    let job = ScanJob {
        columns,
        ..ScanJob::new(path, settings.clone())
    };
    let metrics = Arc::new(Metrics::default());
    let (tx, rx) = crossbeam_channel::bounded(1);
    let started = Instant::now();
    // The scan's reader runs on this thread; the batches are kept on another.
    let (outcome, batches) = std::thread::scope(|scope| {
        let keeper = scope.spawn(move || rx.iter().collect::<Vec<_>>());
        let outcome = pipeline::scan(opened.reader, &job, &metrics, tx);
        (outcome, keeper.join())
    });
    let elapsed = started.elapsed();
    outcome?;
    let batches = batches.map_err(|_| Error::Internal("keeping the batches panicked".into()))?;
    Ok((batches, elapsed, Metrics::get(&metrics.xml_bytes)))
}

/// Encodes `batches` (one row group each) leaf by leaf, timing each leaf's writes and close.
fn encode(
    spec: &OutputSpec,
    batches: &[arrow::record_batch::RecordBatch],
) -> Result<Vec<LeafCost>> {
    let parquet_error =
        |e: parquet::errors::ParquetError| Error::Internal(format!("encoding: {e}"));
    let factory = writer::column_writer_factory(spec)?;
    let mut leaves: Vec<LeafCost> = Vec::new();
    for (group, batch) in batches.iter().enumerate() {
        let mut writers = factory
            .create_column_writers(group)
            .map_err(parquet_error)?
            .into_iter();
        let mut index = 0;
        for (field, column) in spec.schema.fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field, column).map_err(parquet_error)? {
                let mut column_writer = writers
                    .next()
                    .ok_or_else(|| Error::Internal("fewer column writers than leaves".into()))?;
                let started = Instant::now();
                column_writer.write(&leaf).map_err(parquet_error)?;
                let chunk = column_writer.close().map_err(parquet_error)?;
                let secs = started.elapsed().as_secs_f64();
                let metadata = &chunk.close().metadata;
                if leaves.len() <= index {
                    leaves.push(LeafCost {
                        column: field.name().clone(),
                        path: metadata.column_path().string(),
                        encode_secs: 0.0,
                        uncompressed: 0,
                        compressed: 0,
                        dictionary: false,
                        statistics: false,
                        encodings: String::new(),
                    });
                }
                let cost = &mut leaves[index];
                cost.encode_secs += secs;
                cost.uncompressed += metadata.uncompressed_size().max(0) as u64;
                cost.compressed += metadata.compressed_size().max(0) as u64;
                cost.dictionary |= metadata.dictionary_page_offset().is_some();
                cost.statistics |= metadata.statistics().is_some();
                let names: Vec<String> = metadata.encodings().map(encoding_name).collect();
                for name in names {
                    if !cost.encodings.split(',').any(|e| e == name) {
                        if !cost.encodings.is_empty() {
                            cost.encodings.push(',');
                        }
                        cost.encodings.push_str(&name);
                    }
                }
                index += 1;
            }
        }
    }
    Ok(leaves)
}

fn encoding_name(encoding: Encoding) -> String {
    format!("{encoding:?}")
}

/// The two tables of `costs` in Markdown: top-level columns by build + encode time, and the
/// `top` most expensive leaf columns to encode.
pub fn markdown(costs: &ColumnCosts, top: usize) -> String {
    use std::fmt::Write as _;
    let file: u64 = costs.leaves.iter().map(|l| l.compressed).sum();
    let mut out = format!(
        "{} entries, {:.1} MB of XML, one thread (scans: the fastest of their repeats): scan of \
         every column {:.2} s, of the accession alone {:.2} s; encoding {:.2} s; {:.2} MB of \
         Parquet\n\n",
        costs.entries,
        costs.xml_bytes as f64 / 1e6,
        costs.scan_all_secs,
        costs.scan_accession_secs,
        costs.leaves.iter().map(|l| l.encode_secs).sum::<f64>(),
        file as f64 / 1e6,
    );
    out.push_str("| column | build s | encode s | MB in the file | share of the file |\n|---|---|---|---|---|\n");
    let mut fields: Vec<&FieldCost> = costs.fields.iter().collect();
    fields
        .sort_by(|a, b| (b.build_secs + b.encode_secs).total_cmp(&(a.build_secs + a.encode_secs)));
    for field in fields {
        let _ = writeln!(
            out,
            "| {} | {:.3} | {:.3} | {:.3} | {:.1}% |",
            field.name,
            field.build_secs,
            field.encode_secs,
            field.bytes as f64 / 1e6,
            field.bytes as f64 * 100.0 / file.max(1) as f64
        );
    }
    out.push_str("\n| leaf column | encode s | KB before / after compression | dictionary | statistics | encodings |\n|---|---|---|---|---|---|\n");
    let mut leaves: Vec<&LeafCost> = costs.leaves.iter().collect();
    leaves.sort_by(|a, b| b.encode_secs.total_cmp(&a.encode_secs));
    for leaf in leaves.into_iter().take(top) {
        let _ = writeln!(
            out,
            "| {} | {:.3} | {:.0} / {:.0} | {} | {} | {} |",
            leaf.path,
            leaf.encode_secs,
            leaf.uncompressed as f64 / 1e3,
            leaf.compressed as f64 / 1e3,
            if leaf.dictionary { "yes" } else { "no" },
            if leaf.statistics { "yes" } else { "no" },
            leaf.encodings
        );
    }
    out.push_str(&levers_markdown(costs, top));
    out
}

/// The plan's section: both plans whole, then the `top` leaves where a lever moves the most
/// time (dictionary against plain, statistics against none).
fn levers_markdown(costs: &ColumnCosts, top: usize) -> String {
    use std::fmt::Write as _;
    let mut out =
        String::from("\n| plan (same run) | encode s | MB in the file |\n|---|---|---|\n");
    for plan in &costs.plans {
        let _ = writeln!(
            out,
            "| {} | {:.3} | {:.3} |",
            plan.plan,
            plan.encode_secs,
            plan.bytes as f64 / 1e6
        );
    }
    out.push_str(
        "\n| leaf column | tuned plan | KB dictionary / plain | encode s: dictionary / plain / no statistics |\n|---|---|---|---|\n",
    );
    let mut levers: Vec<&Lever> = costs.levers.iter().collect();
    let moved = |l: &Lever| l.secs_dictionary - l.secs_plain.min(l.secs_no_statistics);
    levers.sort_by(|a, b| moved(b).total_cmp(&moved(a)));
    for lever in levers.into_iter().take(top) {
        let _ = writeln!(
            out,
            "| {} | {}, {} statistics | {:.0} / {:.0} | {:.3} / {:.3} / {:.3} |",
            lever.column,
            if lever.plan_dictionary {
                "dictionary"
            } else {
                "plain"
            },
            lever.plan_statistics,
            lever.bytes_dictionary as f64 / 1e3,
            lever.bytes_plain as f64 / 1e3,
            lever.secs_dictionary,
            lever.secs_plain,
            lever.secs_no_statistics
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::synth::{write_corpus, Amount, Profile};

    #[test]
    fn every_column_is_costed_and_the_bytes_add_up_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.xml");
        let mut xml = Vec::new();
        write_corpus(&mut xml, Profile::Sprot, 5, Amount::Entries(60)).unwrap();
        std::fs::write(&path, &xml).unwrap();
        let mut settings = Settings::default();
        settings.pipeline.batch_size = 25;
        let costs = measure(&path.to_string_lossy(), &settings, 2).unwrap();
        assert_eq!(costs.entries, 60);
        assert_eq!(costs.xml_bytes, xml.len() as u64);
        let output = schema::schema();
        let names: Vec<&str> = costs.fields.iter().map(|f| f.name.as_str()).collect();
        let expected: Vec<&str> = output.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, expected);
        // The ~390 Parquet leaf columns, each under its top-level column.
        assert!(costs.leaves.len() > 300, "{}", costs.leaves.len());
        assert!(costs
            .leaves
            .iter()
            .all(|l| names.contains(&l.column.as_str())));
        let leaves: u64 = costs.leaves.iter().map(|l| l.compressed).sum();
        let fields: u64 = costs.fields.iter().map(|f| f.bytes).sum();
        assert_eq!(leaves, fields);
        assert!(costs
            .leaves
            .iter()
            .all(|l| l.compressed > 0 && l.uncompressed > 0));
        let sequence = costs
            .leaves
            .iter()
            .find(|l| l.path == "sequence.value")
            .unwrap();
        assert!(
            !sequence.statistics,
            "the tuned plan keeps none for sequences"
        );
        let table = markdown(&costs, 5);
        assert!(table.contains("| sequence |"), "{table}");
        assert_eq!(
            table.matches("\n| ").count(),
            2 + costs.fields.len() + 5 + 1 + 2 + 1 + 5
        );
        // The levers: every leaf, measured both ways; the tuned plan turns the dictionary
        // off for the sequence, which then has none in the uniform plan's file only.
        assert_eq!(costs.levers.len(), costs.leaves.len());
        let lever = costs
            .levers
            .iter()
            .find(|l| l.column == "sequence.value")
            .unwrap();
        assert!(!lever.plan_dictionary && lever.plan_statistics == "none");
        assert!(lever.bytes_dictionary > 0 && lever.bytes_plain > 0);
        assert_eq!(
            costs
                .plans
                .iter()
                .map(|p| p.plan.as_str())
                .collect::<Vec<_>>(),
            ["uniform", "tuned"]
        );
        assert!(costs
            .plans
            .iter()
            .all(|p| p.bytes > 0 && p.encode_secs > 0.0));
    }
}
