//! The final metrics of a run in Prometheus text exposition format, for node_exporter's
//! textfile collector (`--metrics-file PATH`), so scheduled conversions can be monitored.

use std::fmt::Write as _;

use super::report::{Report, RunStatus};

/// Renders `report` as Prometheus text exposition format.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let labels = format!(
        "run_id=\"{}\",input=\"{}\"",
        escape_label(&report.run_id),
        escape_label(&report.input.path)
    );
    let m = &report.metrics;
    let success = if report.status == RunStatus::Succeeded {
        1.0
    } else {
        0.0
    };
    let gauges: [(&str, &str, f64); 17] = [
        (
            "uniprot_etl_success",
            "1 if the last conversion succeeded, else 0",
            success,
        ),
        (
            "uniprot_etl_duration_seconds",
            "Wall time of the conversion",
            report.duration_secs,
        ),
        ("uniprot_etl_entries", "Entries converted", m.entries as f64),
        (
            "uniprot_etl_batches",
            "Batches (row groups) written",
            m.batches as f64,
        ),
        (
            "uniprot_etl_input_bytes",
            "Raw input bytes read",
            m.bytes_read as f64,
        ),
        (
            "uniprot_etl_xml_bytes",
            "Decompressed XML bytes parsed",
            m.xml_bytes as f64,
        ),
        (
            "uniprot_etl_output_bytes",
            "Bytes of the Parquet file",
            report.output.bytes.unwrap_or(0) as f64,
        ),
        (
            "uniprot_etl_entries_per_second",
            "Entries per second of wall time",
            m.entries_per_sec,
        ),
        (
            "uniprot_etl_xml_megabytes_per_second",
            "MB of XML per second of wall time",
            m.mb_per_sec,
        ),
        (
            "uniprot_etl_cpu_seconds",
            "User and system CPU time of the process",
            m.cpu_secs,
        ),
        (
            "uniprot_etl_read_busy_seconds",
            "Time the reader spent reading, decompressing and cutting chunks",
            m.stages.read.busy_secs,
        ),
        (
            "uniprot_etl_parse_busy_seconds",
            "Time spent parsing, summed over the worker threads",
            m.stages.parse.busy_secs,
        ),
        (
            "uniprot_etl_encode_busy_seconds",
            "Time the in-order stage spent encoding row groups",
            m.stages.encode.busy_secs,
        ),
        (
            "uniprot_etl_write_busy_seconds",
            "Time the writer spent appending row groups",
            m.stages.write.busy_secs,
        ),
        (
            "uniprot_etl_rss_peak_bytes",
            "Peak resident set size",
            report.resources.rss_bytes_peak as f64,
        ),
        (
            "uniprot_etl_cpu_percent_mean",
            "Mean process CPU percent",
            report.resources.cpu_percent_mean,
        ),
        (
            "uniprot_etl_unmapped_paths",
            "Distinct unmapped element/attribute paths",
            report.unmapped.len() as f64,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name}{{{labels}}} {value}"
        );
    }
    out
}

fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
